"""The values protection works with: a span rule, a masked span, a masked and a restored text.

A rule is declarative, as Translate Toolkit's placeables are (``translate/storage/placeables``):
a name, the ctype its placeholders carry, a pattern (or a finder where a pattern cannot say it),
flags, and how its span is written in the target (none: as written).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from babel import Locale

from tarjama.model import Span

Finder = Callable[[str], Iterator[tuple[int, int]]]
Renderer = Callable[[str, Locale], str]
"""(the span as plain text, the target locale) -> its plain-text form in the target."""


@dataclass(frozen=True)
class Rule:
    name: str
    ctype: str
    find: re.Pattern[str] | Finder
    render: Renderer | None = None
    """None: the span goes back exactly as written."""
    english_only: bool = False
    """The pattern reads English conventions (1,300.5; month names)."""
    trigger: re.Pattern[str] | None = None
    """Something every match contains: a text without it is skipped cheaply."""
    travel: Callable[[str], str] | None = None
    """What the engine sees of a span (its ``equiv``); None: the span's own text."""

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        if self.trigger is not None and not self.trigger.search(text):
            return iter(())
        return self.matches(text)

    def matches(self, text: str) -> Iterator[tuple[int, int]]:
        """``spans`` without the trigger check (for a caller that has made it)."""
        if isinstance(self.find, re.Pattern):
            return (m.span() for m in self.find.finditer(text))
        return self.find(text)


def reread(pattern: re.Pattern[str], text: str) -> re.Match[str]:
    """Re-read a span its rule found (renderers get the span text only)."""
    m = pattern.match(text)
    if m is None:
        raise ValueError(f"{text!r} does not match {pattern.pattern[:40]!r}")
    return m


@dataclass(frozen=True)
class Protected(Span):
    """A masked span: ``Span`` plus the placeholder id it travels as and the rule that found it."""

    id: int = 0
    rule: str = ""


@dataclass(frozen=True)
class Masked:
    text: str
    """The tagged input with each protected span replaced by its placeholder."""
    spans: tuple[Protected, ...]
    """In order of appearance; ``start``/``end`` are offsets in the tagged input."""


@dataclass(frozen=True)
class Restored:
    text: str
    missing: tuple[int, ...] = ()
    """Ids of placeholders the translation lost (their spans are not in ``text``)."""
    duplicated: tuple[int, ...] = ()
    """Ids the translation has more than once (each occurrence was restored)."""
    spans: tuple[Protected, ...] = ()
    """The masked spans with ``replacement`` set to what went back."""
