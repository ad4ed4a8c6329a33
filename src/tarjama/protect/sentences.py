"""A sentence as name detection reads it: the words that may be part of a name, their runs, and
where the sentences in it start.

A run is a stretch of capitalised words separated by blanks only, name particles allowed inside
("Charles de Gaulle"); ``tarjama.protect.names`` decides which runs are names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tarjama import inline
from tarjama.protect.wordlists import (
    CALENDAR,
    PARTICLES,
    PLACE_ABBREVIATIONS,
    PREFIXES,
    TITLE_CASE_SMALL,
    TITLES,
)


class Word(NamedTuple):
    """A word that may be part of a name: where it stands in the sentence's plain text, as
    written (less a possessive "'s"), and whether it is capitalised (else it is a particle)."""

    start: int
    end: int
    text: str
    capitalised: bool


Run = Sequence[Word]


@dataclass(frozen=True)
class Sentence:
    plain: str
    """The sentence's text without tags."""
    words: tuple[Word, ...]
    """Its capitalised words and particles, in order."""
    title_case: bool
    """Written in Title Case ("Dockers Walk Out Over Automation"), as headlines are."""
    first: int
    """Where its first letter or figure is: a word before it opens the sentence."""
    later: frozenset[int]
    """Where the sentences after the first start: a segment left whole may hold more than one
    ("U-Boats. The Germans were ...")."""
    runs: tuple[Run, ...]

    def opens(self, word: Word) -> bool:
        """Does ``word`` open a sentence (the first, or a later one)?"""
        return word.start <= self.first or word.start in self.later

    def text(self, run: Run) -> str:
        """The words of ``run`` as the sentence has them, blanks and full stops between."""
        return self.plain[run[0].start : run[-1].end]

    @property
    def shouting(self) -> bool:
        """Written in capitals ("FLOODS HIT CITY"): then every word is the engine's."""
        return self.title_case and written_in_capitals(self.plain)


@functools.lru_cache(maxsize=4096)
def read_sentence(tagged: str) -> Sentence:
    """A sentence (tagged text) read once, for every question name detection asks of it (the
    pipeline asks three times of each sentence: headlines, names capitalised mid-sentence, name
    detection; a ``Sentence`` is immutable, so one reading serves all)."""
    plain = inline.plain(tagged)
    words, title_case = _scan(plain)
    first = next((i for i, ch in enumerate(plain) if ch.isalnum()), len(plain))
    runs = tuple(_capitalised_runs(plain, words))
    return Sentence(plain, tuple(words), title_case, first, _later_starts(plain), runs)


_WORD = re.compile(r"(?:(?:al|el|ad|ash|as|ar|an|at|az)-)?[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")


def _scan(sentence: str) -> tuple[list[Word], bool]:
    """One pass over a sentence's words: those that can be part of a name (capitalised ones and
    particles), and whether the sentence is in Title Case.

    Words that are neither never join a run of capitalised words: the gap they leave between
    two of these (it holds letters) breaks the run as they would.
    """
    # "U.S." and "U.N." are acronyms the engine knows, not initials of a name: their letters are
    # not words here, so they neither become names nor join the capitalised run after them.
    acronyms = [m.span() for m in _DOTTED_ACRONYM.finditer(sentence)] if "." in sentence else []
    possessives = "'s" in sentence or "’s" in sentence
    found: list[Word] = []
    long_words = long_capitalised = 0
    for m in _WORD.finditer(sentence):
        word = m.group()
        if possessives and word.endswith(("'s", "’s")):
            word = word[:-2]
        if word[0].islower() and "-" not in word:  # most words: neither capitalised nor in acronyms
            long_words += len(word) > 3 and word not in TITLE_CASE_SMALL
            if word in PARTICLES:
                found.append(Word(m.start(), m.start() + len(word), word, False))
            continue
        start = m.start()
        if acronyms and any(a <= start < b for a, b in acronyms):
            continue
        if len(word) > 3:
            long_words += 1
            long_capitalised += word[0].isupper()
        capitalised = word[0].isupper() if "-" not in word else _is_capitalised(word)
        if capitalised or word in PARTICLES:
            found.append(Word(start, start + len(word), word, capitalised))
    # Title Case lines (headlines written "Dockers Walk Out Over Automation"; "Talks with China
    # Stall" too: prepositions may stay in lower case). Measured on newstest2013: at 70% a
    # sentence full of names ("in Prague, Chinaski, Support Lesbiens, Illustratosphere with Dan
    # Barta ... will appear") counted as a headline, and its names went unprotected.
    return found, long_words >= 3 and long_capitalised > 0.8 * long_words


_LOWER_SUFFIX = re.compile(r"-[a-z]+$")
_PARTICLE_PREFIX = re.compile(r"[a-z]{1,3}-[A-Z]")


def _is_capitalised(word: str) -> bool:
    if "-" not in word:
        return word[0].isupper()
    # "al-Numan" is a name part; "Kurdish-led", "Russian-made" are adjectives; "mid-November" is
    # the engine's: a weekday or month after a lower-case prefix is not a name.
    if _LOWER_SUFFIX.search(word):
        return False
    head, _, rest = word.partition("-")
    if head.islower() and rest in CALENDAR:
        return False
    return word[0].isupper() or bool(_PARTICLE_PREFIX.match(word))


def hyphen_parts(word: str) -> tuple[str, ...]:
    """The capitalised parts of a hyphenated word with two or more, less a first part that is a
    combining form ("Franco-", "Austro-": they end in -o); none when it has one capitalised part
    or opens on a prefix ("Inter-American", "Trans-Alaska": the word is then read whole)."""
    parts = [p for p in word.split("-") if p[:1].isupper()]
    if len(parts) < 2 or (word.startswith(parts[0]) and parts[0] in PREFIXES):
        return ()
    if word.startswith(parts[0]) and parts[0].endswith("o"):
        parts = parts[1:]
    return tuple(parts)


def written_in_capitals(plain: str) -> bool:
    """Are most of the words of ``plain`` (two letters or more) written in capitals?"""
    words = [w for w in _WORD.findall(plain) if len(w) > 1]
    return bool(sum(w.isupper() for w in words) * 2 > len(words))


# A sentence's end: the word before it (empty after a figure or a bracket), the mark, closers,
# blanks, and whatever comes before the next sentence's first letter or figure. The lookbehind
# starts a match only where a word starts: without it every letter of every word is tried.
_SENTENCE_END = re.compile(r"(?<![^\W\d_])([^\W\d_]*)([.!?…])[\"'”’»)\]]*\s+\W*(?=[^\W_])")


def _later_starts(plain: str) -> frozenset[int]:
    """Where the sentences after the first of ``plain`` start (their first letter or figure).

    Not a quotation's first word: measured on newstest2013, treating it as a sentence's cost
    more quoted names and titles the reference keeps than it won back."""
    if not any(mark in plain for mark in ".!?…"):
        return frozenset()
    found = set()
    for m in _SENTENCE_END.finditer(plain):
        word, mark = m.group(1), m.group(2)
        # "Mr. Kalin", "St. Petersburg", "George W. Bush", "U.S. troops": no sentence end
        if mark == "." and (word in TITLES or word in PLACE_ABBREVIATIONS or len(word) == 1):
            continue
        found.add(m.end())  # the next sentence's first letter or figure
    return frozenset(found)


def _capitalised_runs(plain: str, words: list[Word]) -> Iterator[Run]:
    """Runs of capitalised words separated by blanks only, particles allowed inside (``words``
    as ``_scan`` gives them)."""
    run: list[Word] = []

    def close() -> Iterator[Run]:
        while run and run[-1].text in PARTICLES:
            run.pop()
        if run:
            yield tuple(run)
        run.clear()

    for word in words:
        if not run:
            if word.capitalised:
                run.append(word)
            continue
        gap = plain[run[-1].end : word.start]
        # "Mr. Kalin", "George W. Bush": a title or an initial may keep its full stop.
        last = run[-1].text
        dotted = gap == ". " and (last in TITLES or last in PLACE_ABBREVIATIONS or len(last) == 1)
        joined = gap in (" ", "\u00a0") or dotted
        if word.capitalised or (joined and word.text in PARTICLES):
            if not joined:
                yield from close()
            run.append(word)
        else:
            yield from close()
    yield from close()
