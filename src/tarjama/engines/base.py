"""The engine interface: an engine hands out a :class:`Direction` per language pair, and a
direction translates a stream of segments.

    direction = engine.direction(Pair("en", "es"))  # LanguageError if no engine serves it
    direction.provenance                            # who translates: engine, version, model
    for result in direction.translate(segments):    # any iterable, read as it comes
        result.text, result.provenance              # one per segment, in order, and who served it

Streaming is the only way: a direction starts on the first segment while the caller prepares
the next, and batches inside (:func:`arriving` hands it what has arrived). A result names the
direction that really made it: behind a fallback chain, not always the one expected up front.

Engines see masked text only (``tarjama.inline``): protection, glossary, memory and QA live
outside them. Every inline tag of a segment comes back in its output.

Routing, fallback, pivoting, the circuit breaker and the concurrency limit (``compose.py``) are
engines whose directions wrap other directions. An engine that translates a list at a time (a
model, a provider's API) is a :class:`BatchEngine`: it says how to translate one list, and the
direction around it is made here.
"""

from __future__ import annotations

import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from tarjama.errors import LanguageError, TarjamaError
from tarjama.model import Pair, Provenance

T = TypeVar("T")

Lexicon = Callable[[Sequence[str]], dict[str, str]]
"""What an engine knows of source words, for deciding which names to protect: each word (or
phrase) to one of "proper-person" (only a person's name), "proper-place" (only another proper
noun: places, organisations, or a multiword the engine knows whole, such as "New York"),
"person-or-common" ("Grace", "Young"), "common", "caps-common" (a word written in capitals that
the engine knows only as an ordinary word: "IT", "CAT"), "unknown", and for phrases
"proper-inside" (a multiword proper noun inside a longer run: "West Ham United") or "phrase"."""


@dataclass(frozen=True)
class Health:
    """What ``tarjama engines`` and ``/ready`` show of an engine."""

    ok: bool
    detail: str = ""


def provenance(engine: str, version: str, model: str, pair: Pair) -> Provenance:
    """The provenance of a direction: the one place it is made, once per direction."""
    return Provenance(engine, version, model, pair.source, pair.target)


@dataclass(frozen=True)
class Result:
    """One segment's output and the direction that made it."""

    text: str
    provenance: Provenance


class Direction(ABC):
    """One language pair of an engine: who translates it, and the translating."""

    def __init__(self, provenance: Provenance) -> None:
        self.provenance = provenance
        self.pair = Pair(provenance.source_language, provenance.target_language)

    @abstractmethod
    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        """One result per segment, in order, each as soon as it is known; ``segments`` may
        wait for the caller to prepare the next one."""

    def lexicon(self) -> Lexicon | None:
        """What the engine knows of source words (see :data:`Lexicon`); None when it cannot
        tell, and the name rules go by the article's own evidence."""
        return None


class Engine(ABC):
    """A machine-translation engine: the pairs it serves, and a direction for each."""

    name: str

    @abstractmethod
    def pairs(self) -> list[Pair]: ...

    @abstractmethod
    def direction(self, pair: Pair) -> Direction:
        """The direction that serves ``pair``; LanguageError if the engine does not serve it."""

    def health(self) -> Health:
        """Whether the engine can serve now. Cheap: no translation is made here."""
        try:
            pairs = self.pairs()
        except TarjamaError as exc:
            return Health(False, str(exc))
        return Health(bool(pairs), f"{len(pairs)} pairs" if pairs else "no language pairs")

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release processes and models; the engine may not be used afterwards."""

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        """Every output at once, for a caller that holds every text already."""
        return [result.text for result in self.direction(pair).translate(texts)]

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def arriving(items: Iterable[T]) -> Iterator[list[T]]:
    """``items`` in lists, as they arrive: a list as soon as one item is there, with every
    other that came meanwhile. A sequence has arrived whole. Any other iterable is read by a
    thread of its own, so that a caller still preparing the next item holds up nothing already
    given; its error is raised here, as it is."""
    if isinstance(items, Sequence):
        if items:
            yield list(items)
        return
    inbox: queue.SimpleQueue[tuple[bool, object]] = queue.SimpleQueue()

    def pull() -> None:
        try:
            for item in items:
                inbox.put((True, item))
            inbox.put((False, None))
        except BaseException as exc:  # the caller's error, raised where its items are read
            inbox.put((False, exc))

    threading.Thread(target=pull, daemon=True, name="tarjama-arriving").start()
    while True:
        more, item = inbox.get()
        batch: list[T] = []
        while more:
            batch.append(cast(T, item))
            try:
                more, item = inbox.get_nowait()
            except queue.Empty:
                break
        if batch:
            yield batch
        if not more:
            break
    if isinstance(item, BaseException):
        raise item


class BatchEngine(Engine):
    """An engine that translates a list at a time (a model, a provider's API): it names its
    version and each pair's model, and translates lists; its directions take the segments in
    lists of what has arrived (:func:`arriving`)."""

    @abstractmethod
    def version(self) -> str: ...

    def model_for(self, pair: Pair) -> str:
        """The model that serves a pair, for provenance."""
        return ""

    @abstractmethod
    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        """One output per text, in order; the pair is checked already."""

    def check_pair(self, pair: Pair) -> None:
        pairs = self.pairs()
        if pair not in pairs:
            raise LanguageError(
                f"engine {self.name} cannot translate {pair}", (str(p) for p in pairs)
            )

    def lexicon(self, pair: Pair) -> Lexicon | None:
        return None

    def direction(self, pair: Pair) -> Direction:
        self.check_pair(pair)
        return _Lists(self, pair)


class _Lists(Direction):
    """A :class:`BatchEngine`'s direction."""

    def __init__(self, engine: BatchEngine, pair: Pair) -> None:
        super().__init__(provenance(engine.name, engine.version(), engine.model_for(pair), pair))
        self.engine = engine

    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        for batch in arriving(segments):
            outputs = self.engine.translate_list(batch, self.pair)
            yield from (Result(output, self.provenance) for output in outputs)

    def lexicon(self) -> Lexicon | None:
        return self.engine.lexicon(self.pair)
