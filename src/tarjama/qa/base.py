"""What a check is: a function of one ``CheckContext``, registered with its name and severity,
that yields ``(message, evidence)`` or ``(message, evidence, span)`` hits; ``run_checks`` turns
them into ``Finding`` values."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar, overload

from tarjama.engines.base import Readings
from tarjama.qa.text import Tags, plain, squash, tags, word_list, words


class Severity(StrEnum):
    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str
    """One human-readable line."""
    segment: int | str | None = None
    """The segment's index or field ("body/3"), when known."""
    evidence: str = ""
    """The offending text (a number, a tag, a term), for highlighting in the editor."""
    span: tuple[int, int] | None = None
    """Where the finding is in the target's plain text (``start``, ``end``), when it is about
    characters the target has."""


T = TypeVar("T")


class _lazy(Generic[T]):
    """``functools.cached_property`` without the lock Python 3.11 takes on each first read
    (a context is checked by one thread)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    @overload
    def __get__(self, obj: None, owner: type) -> _lazy[T]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj: object, owner: type) -> T | _lazy[T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(frozen=True)
class CheckContext:
    """One segment as the checks see it: tagged source and target and what they must respect.

    The derived forms (plain text, squashed blanks, tag counts) are computed once, on first
    use, and shared by every check."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    glossary: Mapping[str, str] = field(default_factory=dict)
    """Source term -> required target term, for the terms that occur in this source."""
    names: Collection[str] = ()
    """Names that must appear verbatim in the target when they appear in the source."""
    engine_marks: bool = True
    """Whether to look for Apertium's unknown-word marks (``*word``, ``#word``, ``@word``)."""
    segment: int | str | None = None
    marks: tuple[tuple[str, str], ...] | None = None
    """The words the engine said it did not translate, in order, each with the kind of its
    mark (``engines.base.Mark``): "unknown", "untranslated" or "generation"; None when the
    engine cannot tell (or the target came from the memory). When it can, a word it did not
    mark is its own translation."""
    source_readings: Readings | None = None
    target_readings: Readings | None = None
    """What dictionaries of the source and target languages say of words (the engine's own,
    ``Direction.readings``); None where there is none, and the checks that need one are
    silent."""
    headline: bool = False
    """The segment is a headline (headline-specific checks run)."""

    @_lazy
    def source_plain(self) -> str:
        return plain(self.source)

    @_lazy
    def target_plain(self) -> str:
        return plain(self.target)

    @_lazy
    def source_squashed(self) -> str:
        """The source's plain text with every run of blanks one space."""
        return squash(self.source_plain)

    @_lazy
    def target_squashed(self) -> str:
        return squash(self.target_plain)

    @_lazy
    def source_words(self) -> list[str]:
        """The words of the source's plain text, in order."""
        return word_list(self.source_plain)

    @_lazy
    def target_words(self) -> list[str]:
        return word_list(self.target_plain)

    @_lazy
    def source_places(self) -> list[tuple[str, int]]:
        """The source's words, each with where it starts in its plain text."""
        return words(self.source_plain)

    @_lazy
    def target_places(self) -> list[tuple[str, int]]:
        return words(self.target_plain)

    @_lazy
    def tag_counts(self) -> tuple[Tags, Tags]:
        """The inline tags of the source and of the target."""
        return tags(self.source), tags(self.target)


Hit = tuple[str, str] | tuple[str, str, tuple[int, int]]
"""What a check yields: a one-line message, its evidence ("" when there is none) and, where the
check knows it, the evidence's span in the target's plain text (else the span is the evidence's
first occurrence in the target, if it occurs there)."""
CheckFunction = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    function: CheckFunction


CHECKS: dict[str, Check] = {}
"""Every registered check by name, in registration order."""


def check(name: str, severity: Severity) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name``; the function itself is returned unchanged."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"a QA check named {name!r} is already registered")
        CHECKS[name] = Check(name, severity, function)
        return function

    return register


def run_checks(ctx: CheckContext, only: Collection[str] | None = None) -> list[Finding]:
    """Run every registered check (or those named in ``only``) on one segment."""
    return [
        _finding(registered, ctx, hit)
        for registered in CHECKS.values()
        if only is None or registered.name in only
        for hit in registered.function(ctx)
    ]


def dictionary_questions(ctx: CheckContext) -> list[str]:
    """The words of the target its dictionary may be asked about by the checks (a few more at
    most), so that a caller checking many segments asks it once for all: a headline's every
    word; else a capitalised word the source does not have and a source's capitalised word
    written in lower case (``capitals``), the words the engine marked or, when it cannot mark
    them, the source's words left in the target (``untranslated``). A check asking about
    another word still gets its answer, with a question of its own."""
    target = ctx.target_words
    if ctx.headline:
        return target
    source = set(ctx.source_words)
    lowered = {w.lower() for w in source if w[0].isupper() and not w.isupper()} - source
    asked = [
        w
        for w in target
        if (w[0].isupper() and not w.isupper() and w not in source) or w in lowered
    ]
    if ctx.marks is None:
        folded = {w.casefold() for w in source}
        asked += (w for w in target if w.casefold() in folded)
    asked += (word for _, word in ctx.marks or ())
    return asked


def _finding(registered: Check, ctx: CheckContext, hit: Hit) -> Finding:
    message, evidence = hit[0], hit[1]
    span = hit[2] if len(hit) == 3 else None
    if span is None and evidence:
        at = ctx.target_plain.find(evidence)
        span = (at, at + len(evidence)) if at >= 0 else None
    return Finding(registered.name, registered.severity, message, ctx.segment, evidence, span)
