"""Reading the tagged text of a segment as the checks need it: leniently, never raising on
malformed input (a broken tag is a finding, not an error)."""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

# Lenient on purpose (any attributes after the id): checks must judge broken output, not reject it.
_TAG = re.compile(r'<x id="(\d+)"[^<>]*?/>|<g id="(\d+)"[^<>]*>|</g>')


def plain(tagged: str) -> str:
    if "<" not in tagged and "&" not in tagged:
        return tagged  # most sentences: no tags, nothing escaped
    return html.unescape(_TAG.sub("", tagged))


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def words(text: str) -> list[tuple[str, int]]:
    """The words of ``text`` (letters, with inner apostrophes and hyphens), each with where it
    starts."""
    return [(m.group(), m.start()) for m in _WORD.finditer(text)]


def word_list(text: str) -> list[str]:
    """The words of ``text``, without their places (``words`` has them)."""
    return _WORD.findall(text)


def words_of(tagged: str) -> list[str]:
    """The words of a segment's tagged text, as the checks read them."""
    return word_list(plain(tagged))


def squash(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=256)
def primary_subtag(code: str) -> str:
    """The primary language subtag of ``code``, lower case."""
    return code.replace("_", "-").split("-")[0].lower()


@functools.lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """The language's English name ("English", "Spanish"), or its code when Babel has none."""
    try:
        name = Locale.parse(primary_subtag(code)).get_display_name("en")
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return name or code


def remove_names(text: str, names: Collection[str]) -> str:
    for name in names:
        if name.strip():
            text = text.replace(name, " ")
    return text


@dataclass(frozen=True)
class Tags:
    placeholders: Counter[str]
    pairs: Counter[str]
    balanced: bool
    stray_brackets: int
    """'<' or '>' outside a recognised tag: a tag the engine mangled (text is XML-escaped)."""


_NO_TAGS = Tags(Counter(), Counter(), balanced=True, stray_brackets=0)


def tags(tagged: str) -> Tags:
    if "<" not in tagged and ">" not in tagged:
        return _NO_TAGS
    placeholders: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    depth, balanced = 0, True
    for m in _TAG.finditer(tagged):
        if m.group(1) is not None:
            placeholders[m.group(1)] += 1
        elif m.group(2) is not None:
            pairs[m.group(2)] += 1
            depth += 1
        else:
            depth -= 1
            balanced = balanced and depth >= 0
    rest = _TAG.sub("", tagged)
    return Tags(placeholders, pairs, balanced and depth == 0, rest.count("<") + rest.count(">"))
