"""The Apertium engine: its installed pairs, a long-lived pipeline and analyser per pair
(started on first use), and each pair's :class:`Direction`."""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from tarjama import inline
from tarjama.engines.apertium.lexicon import Analyser, analyser_command, classifier
from tarjama.engines.apertium.modes import (
    DEFAULT_DATADIR,
    apertium_version,
    discover_modes,
    mode_version,
    split_mode,
)
from tarjama.engines.apertium.process import Pipeline
from tarjama.engines.apertium.reorder import (
    elide_before_unknown,
    figures_after_noun,
    rejoin,
    unglue,
)
from tarjama.engines.apertium.stream import from_stream, marked_words, to_stream, travelling
from tarjama.engines.base import (
    Direction,
    Engine,
    Lexicon,
    Mark,
    Readings,
    Result,
    arriving,
    provenance,
)
from tarjama.engines.events import EVENTS, PROCESS_RESTART, STREAM_OUT_OF_STEP
from tarjama.errors import (
    EngineError,
    EngineUnavailableError,
    LanguageError,
    StreamIntegrityError,
)
from tarjama.model import Pair, Provenance

log = logging.getLogger(__name__)

K = TypeVar("K")
P = TypeVar("P")

DRIVER_REVISION = 13


class ApertiumEngine(Engine):
    """Rule-based MT with Debian's Apertium packages; thread-safe, one pipeline per direction."""

    name = "apertium"

    def __init__(self, datadir: Path | str = DEFAULT_DATADIR, timeout: float = 30.0) -> None:
        self.datadir = Path(datadir)
        self.timeout = timeout
        self._modes = discover_modes(self.datadir)
        self._pipelines: dict[Pair, Pipeline] = {}
        # By the analyser's command: the variants of a pair (eng-cat and its five Catalan
        # variants) share one morphological analyser, so they share one process.
        self._analysers: dict[str, Analyser] = {}
        self._models: dict[Pair, str] = {}
        self._lock = threading.Lock()
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            # The installed Apertium, and the revision of the way tarjama drives it: a change
            # there that changes any output gets a new revision, so that the memory never
            # serves what the previous way gave (revision 2: requests travel in groups, and a
            # full stop after an unknown word at the end of a sentence is no longer dropped;
            # 3: a preposition a rule pulls into a placeholder's blank is kept, "de Fujian";
            # 4: codes and addresses travel as a masculine proper noun; 5: words a rule pulled
            # into a placeholder's blank stay apart from the next blank, "Vidal de 28 anys"; 6:
            # the short words a rule puts between the words of a placeholder go with it; 7: an
            # attributive sum, share or year goes after its noun, "a budget of $2 billion"; 8:
            # a noun a compound rule put between a name's words comes before it, "el hotel de";
            # 11: controls and "^" travel by code point, and every request is framed; 12:
            # Catalan "el", "la", "de" elided before an unknown word, "l'Hekla", and an article
            # opening the sentence in a placeholder's blank kept, "L'overscan"; 13: the sentence's
            # words eng-cat pulls ahead of a name it reorders kept, "a l'Indianapolis", and an
            # opening quotation mark pulled into a name's blank, '"El CCTV').
            self._version = f"{apertium_version()} tarjama.{DRIVER_REVISION}"
        return self._version

    def model_for(self, pair: Pair) -> str:
        """The mode that serves a pair and its language data's package and version."""
        mode = self._modes.get(pair)
        if mode is None:
            return ""
        if pair not in self._models:
            self._models[pair] = f"{mode.stem} ({mode_version(mode)})"
        return self._models[pair]

    def pairs(self) -> list[Pair]:
        return list(self._modes)

    def check_pair(self, pair: Pair) -> None:
        if not self._modes:
            raise EngineUnavailableError(
                f"no Apertium language pairs installed under {self.datadir}: run scripts/setup"
            )
        if pair not in self._modes:
            raise LanguageError(
                f"Apertium has no {pair} pair installed", (str(p) for p in self._modes)
            )

    def direction(self, pair: Pair) -> _Direction:
        self.check_pair(pair)
        return _Direction(self, pair)

    def _analyser(self, pair: Pair) -> Analyser:
        front = self._front(pair)
        return self._process(self._analysers, front, lambda: Analyser(front, self.timeout))

    def _front(self, pair: Pair) -> str:
        """The command of the pair's analyser, the first of its mode's stages."""
        self.check_pair(pair)
        return analyser_command(split_mode(self._modes[pair]).front)

    def _pipeline(self, pair: Pair) -> Pipeline:
        self.check_pair(pair)
        return self._process(
            self._pipelines, pair, lambda: Pipeline(self._modes[pair], self.timeout)
        )

    def _process(self, running: dict[K, P], key: K, start: Callable[[], P]) -> P:
        """The process of one kind under ``key``, started on first use."""
        with self._lock:
            process = running.get(key)
            if process is None:
                process = running[key] = start()
            return process

    @property
    def tagger_restarts(self) -> int:
        return sum(p.tagger_restarts for p in self._pipelines.values())

    def close(self) -> None:
        with self._lock:
            for pipe in self._pipelines.values():
                pipe.close()
            for analyser in self._analysers.values():
                analyser.close()
            self._pipelines.clear()
            self._analysers.clear()


class _Direction(Direction):
    """One installed pair: its pipeline, and its analyser for the lexicon."""

    def __init__(self, engine: ApertiumEngine, pair: Pair) -> None:
        super().__init__(provenance(engine.name, engine.version(), engine.model_for(pair), pair))
        self.engine = engine

    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        """Segments go into the pipeline as they arrive, and each output is handed on as soon
        as it comes out. A crashed, stuck or out-of-step pipeline is replaced and the call
        tried once more: what was given so far, then the rest as it comes; nothing read from
        the old one after the fault is handed on, and nothing is handed on twice."""
        pipe = self.engine._pipeline(self.pair)
        call = _Call(self.pair, self.engine._analyser)
        with pipe.lock:
            pulled = call.pull(segments)
            done = 0
            try:
                for raw in pipe.stream(pulled):
                    yield call.decode(done, raw, self.provenance)
                    done += 1
            except EngineError as exc:
                if call.error:
                    raise call.error[0] from None
                self._restart(pipe, exc)
                for k, raw in enumerate(pipe.stream(itertools.chain([call.requests[:]], pulled))):
                    if k >= done:
                        yield call.decode(k, raw, self.provenance)
        if call.error:
            raise call.error[0]

    def _restart(self, pipe: Pipeline, exc: EngineError) -> None:
        if isinstance(exc, StreamIntegrityError):
            EVENTS.add(self.engine.name, STREAM_OUT_OF_STEP)
            log.error("%s; output discarded, restarting and retrying once", exc)
        else:
            log.warning("Apertium %s failed (%s); restarting and retrying once", self.pair, exc)
        EVENTS.add(self.engine.name, PROCESS_RESTART)
        pipe.restart()

    def readings(self, language: str) -> Readings | None:
        """The source's: this pair's analyser; the target's: the analyser of a pair that
        translates from it (spa-eng's for Spanish), if one is installed."""
        if language == self.pair.source:
            return self.engine._analyser(self.pair).parts_of_speech
        reverse = [p for p in self.engine.pairs() if p.source == language]
        if language != self.pair.target or not reverse:
            return None
        back = Pair(language, self.pair.source)
        return self.engine._analyser(back if back in reverse else reverse[0]).parts_of_speech

    def lexicon(self) -> Lexicon | None:
        """The classes this pair's analyser gives, with the persons' names that the analysers
        of the other pairs from this language know, each analyser asked once."""
        engine = self.engine
        own = engine._front(self.pair)
        others: dict[str, Pair] = {}
        for p in engine.pairs():
            if p.source == self.pair.source and engine._front(p) != own:
                others.setdefault(engine._front(p), p)
        return classifier(
            engine._analyser(self.pair),
            [functools.partial(engine._analyser, p) for p in others.values()],
        )


class _Call:
    """One call's segments on their way into a pipeline and back: each as given (rewritten
    where an English figure moves), as sent, and its output as text."""

    def __init__(self, pair: Pair, analyser: Callable[[Pair], Analyser]) -> None:
        self.pair = pair
        self.analyser = analyser
        self.texts: list[str] = []  # every segment given so far, in order
        self.requests: list[bytes] = []  # the same, as the pipeline reads them
        self.error: list[BaseException] = []  # the caller's, or the rewriting's
        self.english = pair.source.split("-")[0].lower() == "en"
        self.target = pair.target.split("-")[0].lower()

    def pull(self, segments: Iterable[str]) -> Iterator[list[bytes]]:
        try:
            for given in arriving(segments):
                batch = [self._rewrite(t) for t in given] if self.english else given
                encoded = [to_stream(t).encode("utf-8") for t in batch]
                self.texts.extend(batch)
                self.requests.extend(encoded)
                yield encoded
        except BaseException as exc:  # the caller's error: not the pipeline's
            self.error.append(exc)

    def _rewrite(self, text: str) -> str:
        return figures_after_noun(text, lambda words: self.analyser(self.pair).analyse(words))

    def decode(self, i: int, raw: bytes, made_by: Provenance) -> Result:
        text = self.texts[i]
        stream = raw.decode("utf-8", "replace")
        if self.target == "ca":
            stream = elide_before_unknown(stream)
        tagged = from_stream(stream, *travelling(text), self.target)
        output = unglue(rejoin(tagged, text), text)
        return Result(output, made_by, _marks(output, marked_words(stream)))


def _marks(output: str, words: list[tuple[str, str]]) -> tuple[Mark, ...]:
    """Where the marked words stand in the output, in order: each the first whole-word
    occurrence after the previous one's (or, if the repairs moved it, anywhere); a word the
    repairs parted or joined is not found, and has no mark."""
    marks: list[Mark] = []
    at = 0
    for kind, word in words:
        escaped = inline.escape_text(word)
        found = inline.whole_word_at(output[at:], escaped)
        start = at + found if found >= 0 else inline.whole_word_at(output, escaped)
        if start >= 0:
            marks.append(Mark(kind, start, start + len(escaped)))
            at = start + len(escaped)
    return tuple(marks)
