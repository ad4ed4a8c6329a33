"""Checks on figures: every number of the source in the target, with the same value."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import get_group_symbol, parse_decimal

from tarjama.qa.base import CheckContext, Hit, Severity, check

# A digit run with grouping or decimal separators inside; a space only groups exactly three digits,
# so "in 2024 300 people" is read as one candidate that fails strict parsing and splits back.
_NUMBER = re.compile(r"\d+(?:(?:[.,'’]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d+)*")
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_DIGIT = re.compile(r"\d")
_ARABIC_SEPARATORS = {"\u066b": ".", "\u066c": ","}


@functools.lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en")


def _ascii_digits(text: str) -> str:
    # Arabic-Indic (١٣٠٠), Persian (۱۳۰۰) and every other decimal digit read as 0-9, one character
    # for one so that match positions still point into the original text.
    if text.isascii():
        return text  # the common case, and nothing to convert
    return _NON_ASCII.sub(_ascii_digit, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _ascii_digit(m: re.Match[str]) -> str:
    c = m.group()
    return str(unicodedata.decimal(c)) if c.isdecimal() else _ARABIC_SEPARATORS.get(c, c)


@functools.lru_cache(maxsize=4096)
def _parse_number(raw: str, locale: Locale) -> Decimal | None:
    """The value of ``raw`` as written in ``locale``; None when that locale would not write it."""
    group = get_group_symbol(locale)
    if group.isspace():
        raw = _SPACES.sub(group, raw)  # typed spaces for the locale's narrow/no-break one
    elif _SPACES.search(raw):
        return None
    try:
        return Decimal(parse_decimal(raw, locale, strict=True))
    except (ValueError, InvalidOperation):
        return None


def _digit_groups(raw: str) -> set[Decimal]:
    return {Decimal(part) for part in re.findall(r"\d+", raw)}


def _source_numbers(text: str, locale: Locale) -> dict[Decimal, str]:
    """Each value the target must keep, with how the source wrote it."""
    values: dict[Decimal, str] = {}
    for m in _NUMBER.finditer(_ascii_digits(text)):
        value = _parse_number(m.group(), locale)
        for v in _digit_groups(m.group()) if value is None else {value}:
            values.setdefault(v, text[m.start() : m.end()])
    return values


def _target_numbers(text: str, locale: Locale, source: Locale) -> list[tuple[str, set[Decimal]]]:
    """Each target number with the values it may stand for: its value in the target locale, or,
    when the target locale would not write it so, in the source locale or as separate groups
    ("10.30" for a time, "2.5" left in English notation)."""
    numbers = []
    for m in _NUMBER.finditer(_ascii_digits(text)):
        value = _parse_number(m.group(), locale)
        if value is None:
            readings = _digit_groups(m.group())
            fallback = _parse_number(m.group(), source)
            readings |= set() if fallback is None else {fallback}
        else:
            readings = {value}
        numbers.append((text[m.start() : m.end()], readings))
    return numbers


@check("number_mismatch", Severity.CRITICAL)
def number_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    # A wrong figure is the costliest error a news translation can make; compare values, not
    # strings, so that 1,300 -> 1.300 (es) or ١٣٠٠ (ar) passes and 1,300 -> 1,300 (es: 1.3) fails.
    if not _DIGIT.search(ctx.source_plain):
        return  # nothing the target must keep
    source = _locale(ctx.source_lang)
    wanted = _source_numbers(ctx.source_plain, source)
    found = _target_numbers(ctx.target_plain, _locale(ctx.target_lang), source)
    available: set[Decimal] = set().union(*(readings for _, readings in found))
    strays = [(raw, readings) for raw, readings in found if not readings & wanted.keys()]
    for value, raw in wanted.items():
        if value in available:
            continue
        if strays:
            stray, readings = strays.pop(0)
            now = _show(stray, min(readings)) if len(readings) == 1 else stray
            yield f"number {_show(raw, value)} changed to {now}", raw
        else:
            yield f"number {raw} missing", raw


def _show(raw: str, value: Decimal) -> str:
    """'1,300 (= 1.3)' where the written form hides the value, else just the written form."""
    shown = format(value.normalize(), "f")
    return raw if raw == shown else f"{raw} (= {shown})"
