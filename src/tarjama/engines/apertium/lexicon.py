"""What Apertium knows of source words, for deciding which names to protect: the pair's
morphological analyser, a long-lived process asked about single words (framed as the pipeline
is), and the class its readings give a word (see ``engines.base.Lexicon``)."""

from __future__ import annotations

import logging
import os
import re
import secrets
import select
import shlex
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from tarjama.engines.apertium.process import NulReader, kill, spawn, write_some
from tarjama.engines.apertium.stream import escape_stream, frames
from tarjama.engines.base import TAGS, Lexicon
from tarjama.engines.events import EVENTS, PROCESS_RESTART, STREAM_OUT_OF_STEP
from tarjama.errors import (
    EngineError,
    EngineTimeoutError,
    EngineUnavailableError,
    StreamIntegrityError,
)

log = logging.getLogger(__name__)

V = TypeVar("V")


class Analyser:
    """The pair's morphological analyser, asked what it knows of single words (cached)."""

    def __init__(self, command: str, timeout: float) -> None:
        self.argv = shlex.split(command)  # see ``analyser_command``
        self.timeout = timeout
        self.lock = threading.Lock()
        # A word is asked once: its analysis is kept, and what each reader makes of it.
        self.readings: dict[str, str] = {}
        self.cache: dict[str, str] = {}
        self.classes: dict[str, frozenset[str]] = {}
        self.coarse: dict[str, str] = {}
        self._start()

    def _start(self) -> None:
        self.proc = spawn(self.argv)
        assert self.proc.stdin is not None
        self.stdin = self.proc.stdin.fileno()
        os.set_blocking(self.stdin, False)
        self.reader = NulReader(self.proc.stdout, "Apertium analyser")
        # Each word is asked behind a superblank naming this run and the question's serial
        # number, which the analyser writes back before its answer (as in ``Pipeline``).
        self.nonce = secrets.token_hex(6)
        self.serial = 0

    def classify(self, words: Sequence[str]) -> dict[str, str]:
        """Each word's class, asking the analyser only for words not seen before, in one batch;
        a ``TAGS`` question, the word's coarse parts of speech (``coarse_parts``)."""
        asked = [w for w in words if w.startswith(TAGS)]
        if not asked:
            return self._known(self.cache, words, word_class)
        found = self._known(self.cache, [w for w in words if not w.startswith(TAGS)], word_class)
        parts = self._known(self.coarse, [w[len(TAGS) :] for w in asked], coarse_parts)
        found.update((w, parts[w[len(TAGS) :]]) for w in asked)
        return {w: found[w] for w in words}

    def parts_of_speech(self, words: Sequence[str]) -> dict[str, frozenset[str]]:
        """Each word's parts of speech (see ``engines.base.Readings``)."""
        return self._known(self.classes, words, parts_of_speech)

    def analyse(self, words: Sequence[str]) -> dict[str, str]:
        """Each word's analysis as the analyser writes it (``^budget/budget<n><sg>/...$``)."""
        return self._known(self.readings, words, None)

    def _known(
        self, known: dict[str, V], words: Sequence[str], read: Callable[[str], V] | None
    ) -> dict[str, V]:
        """What ``read`` makes of each word's analysis (``known`` keeps it), asking the
        analyser only about words it was never asked about."""
        try:  # most questions: every word seen before, and no lock needed to read
            return {w: known[w] for w in words}
        except KeyError:
            pass
        with self.lock:
            new = [w for w in dict.fromkeys(words) if w not in known]
            unasked = [w for w in new if w not in self.readings]
            for word, answer in zip(unasked, self._ask(unasked), strict=True):
                self.readings[word] = answer
            if read is not None:
                for word in new:
                    known[word] = read(self.readings[word])
            return {w: known[w] for w in words}

    def _ask(self, words: list[str]) -> list[str]:
        if not words:
            return []
        try:
            return self._ask_once(words)
        except EngineError as exc:  # crashed, stuck or out of step: a fresh analyser, once
            if isinstance(exc, StreamIntegrityError):
                EVENTS.add("apertium", STREAM_OUT_OF_STEP)
                log.error("%s; answers discarded, restarting and asking once more", exc)
            EVENTS.add("apertium", PROCESS_RESTART)
            self.close()
            self._start()
            return self._ask_once(words)

    def _ask_once(self, words: list[str]) -> list[str]:
        heads = [frames(self.nonce, self.serial + k)[0].decode() for k in range(len(words))]
        self.serial += len(words)
        request = "".join(h + escape_stream(w) + "\0" for h, w in zip(heads, words, strict=True))
        answers = [a.decode() for a in self._exchange(bytearray(request.encode()), len(words))]
        for k, (head, answer) in enumerate(zip(heads, answers, strict=True)):
            if not answer.startswith(head):
                raise StreamIntegrityError(
                    f"Apertium analyser answered out of step at word {k + 1} of {len(words)}"
                )
            answers[k] = answer[len(head) :]
        return answers

    def _exchange(self, request: bytearray, n: int) -> list[bytes]:
        """Write the request and read n answers, both as the pipes allow, so that a large batch
        never fills both pipes at once."""
        answers: list[bytes] = []
        deadline = time.monotonic() + self.timeout
        while len(answers) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EngineTimeoutError(
                    f"Apertium analyser gave no answer within {self.timeout:g} s"
                )
            writable = [self.stdin] if request else []
            ready_r, ready_w, _ = select.select([self.reader.fd], writable, [], left)
            if ready_w:
                try:
                    del request[: write_some(self.stdin, request)]
                except OSError as exc:
                    raise EngineUnavailableError(f"Apertium analyser failed: {exc}") from exc
            if ready_r:
                answers += self.reader.records()
            if ready_r or ready_w:
                deadline = time.monotonic() + self.timeout
        if len(answers) != n:
            raise StreamIntegrityError("Apertium analyser answered more than it was asked")
        return answers

    def close(self) -> None:
        kill(self.proc)


def analyser_command(front: str) -> str:
    """The analyser's command for a mode's stages before the tagger: their first stage
    (``lt-proc -z [-w] <pair>.automorf.bin``), always with ``-w``."""
    argv = shlex.split(front.split(" | ")[0])
    if "-w" not in argv:
        # Lemmas in the dictionary's case ("Korean<n>" but "beauty<n>" for "Beauty"), which
        # tell a people's word from any word written with a capital (``word_class``).
        argv.insert(1, "-w")
    return shlex.join(argv)


def classifier(own: Analyser, others: Sequence[Callable[[], Analyser]]) -> Lexicon:
    """The classes ``own`` gives, where a word it knows only as a common word is
    "person-or-common" if the analyser of another pair from the same language (started when
    first asked) knows it as a person's name: names are decided alike whatever the target
    ("Grace Young" in en-gl as in en-es)."""
    if not others:
        return own.classify

    def classify(words: Sequence[str]) -> dict[str, str]:
        found = own.classify(words)
        common = [w for w in dict.fromkeys(words) if found[w] in ("common", "demonym")
                  and not w.startswith(TAGS)]  # fmt: skip
        for other in others:
            if not common:
                break
            for word, cls in other().classify(common).items():
                if cls in _PERSON_CLASSES:
                    found[word] = "person-or-common"
            common = [w for w in common if found[w] in ("common", "demonym")]
        return found

    return classify


_PERSON_CLASSES = frozenset({"proper-person", "person-or-common"})

# A word written in capitals: an acronym unless the dictionaries know it only as an ordinary word.
_ALL_CAPS = re.compile(r"[A-Z]{2,}")


def word_class(analysis: str) -> str:
    """What the analyser's output says of a word or phrase (see ``Engine.lexicon``)."""
    if analysis.count("^") != 1:
        # Several words: does a multiword proper noun the dictionaries know sit inside?
        return "proper-inside" if _MULTIWORD_NP.search(analysis) else "phrase"
    if "/*" in analysis:
        return "unknown"
    surface, *readings = analysis.split("/")
    if _ALL_CAPS.fullmatch(surface.lstrip("^")) and not any(
        "<acr>" in r or "<np>" in r for r in readings
    ):
        # "IT" read as the pronoun ("LO"), "CAT" as the animal ("GATO")
        return "caps-common"
    person = [r for r in readings if "<np><ant>" in r or "<np><cog>" in r]
    if all("<np>" in r for r in readings):
        # "London" is also a first name in the dictionary; its place reading wins.
        return "proper-person" if len(person) == len(readings) else "proper-place"
    if person:
        return "person-or-common"
    # The dictionaries write a people's, a faith's or a language's noun with a capital lemma
    # ("Korean<n>", "Arab<n>", "Christian<n>"), and no other common noun.
    return "demonym" if any(_DEMONYM.match(r) for r in readings) else "common"


_DEMONYM = re.compile(r"[A-Z][a-z][^<]*<(?:n|adj)>(?!<acr>)")


# A multiword proper noun other than a place ("West Ham"<np><al>): a place inside a longer run
# ("New York University") is a name the engine translates well ("Universidad de Nueva York").
_MULTIWORD_NP = re.compile(r"\^[^/$^]* [^/$^]*/[^$]*<np><(?:al|ant|cog|org)>")


# Apertium's tags, for both readers of a word's readings: the part of speech the checks read
# (``engines.base.WORD_CLASSES``), from a reading's first tag, and the coarse part headlines are
# read by (``tarjama.headlines``), from the first tag in this order that a reading holds ("" for
# none), for the tags of Apertium's English, Spanish, Catalan and Galician dictionaries.
_TAGS: dict[str, tuple[str, str]] = {
    "np": ("proper", "name"), "n": ("noun", "noun"),
    "vbser": ("verb", "aux"), "vbhaver": ("verb", "aux"), "vbmod": ("verb", "aux"),
    "vaux": ("verb", "aux"), "vbdo": ("verb", "aux"), "vblex": ("verb", "verb"),
    "adj": ("adjective", "adj"), "det": ("determiner", "det"), "pr": ("preposition", "prep"),
    "prn": ("pronoun", "pron"), "num": ("numeral", "num"), "adv": ("adverb", "adv"),
    "preadv": ("adverb", "adv"), "cnjcoo": ("conjunction", "conj"),
    "cnjsub": ("conjunction", "conj"), "cnjadv": ("conjunction", "conj"),
    "predet": ("determiner", ""), "rel": ("pronoun", ""),
}  # fmt: skip
_COARSE_ORDER = [tag for tag, (_, coarse) in _TAGS.items() if coarse]
# A verb's form that can be a sentence's own verb: English present and past, the Romance
# tenses and moods (not the infinitive, gerund or participles).
_FINITE = frozenset({"pres", "past", "pri", "pii", "ifi", "fti", "cni", "prs", "pis", "fts", "imp"})
_TAG = re.compile(r"<([^<>]*)>")
_FIRST_TAG = re.compile(r"[^<]*<(\w+)>")


def parts_of_speech(analysis: str) -> frozenset[str]:
    """The parts of speech of one word's analysis (``^ends/end<n><pl>/end<vblex><pres><p3>
    <sg>$``); the empty set for a word the analyser does not know."""
    if "/*" in analysis or analysis.count("^") != 1:
        return frozenset()
    found: set[str] = set()
    for reading in analysis.rstrip("$").split("/")[1:]:
        first = _FIRST_TAG.match(reading)  # of a joined reading ("del" = de<pr>+el<det>), the first
        part = _TAGS.get(first.group(1), ("other", ""))[0] if first else "other"
        found.add(part)
        if part == "verb" and not _FINITE.isdisjoint(_TAG.findall(reading.split("+")[0])):
            found.add("finite")
    return frozenset(found)


def coarse_parts(analysis: str) -> str:
    """A word's readings as the coarse parts of speech headlines are read by, comma-separated
    and sorted ("noun,verb"); "unknown" for a word the analyser does not know."""
    if "/*" in analysis:
        return "unknown"
    found = set()
    for reading in analysis.strip("^$").split("/")[1:]:
        name = _coarse(_TAG.findall(reading))
        if name:
            found.add(name)
    return ",".join(sorted(found))


def _coarse(tags: list[str]) -> str:
    """The coarse part of one reading's tags; a noun's and a verb's by their form too."""
    held = set(tags)
    tag = next((t for t in _COARSE_ORDER if t in held), None)
    if tag is None:
        return "conj" if any(t.startswith("cnj") for t in tags) else ""
    after = tags[tags.index(tag) + 1 :]
    if tag == "n":
        return "noun-pl" if "pl" in after else "noun"
    if tag != "vblex":
        return _TAGS[tag][1]
    if any(after[k : k + 3] == ["pri", "p3", "sg"] for k in range(len(after))):
        return "verb-s"
    for form, name in (("past", "verb-past"), ("pp", "verb-pp")):
        if form in after:
            return name
    return "verb-ing" if not {"ger", "pprs", "subs"}.isdisjoint(after) else "verb"
