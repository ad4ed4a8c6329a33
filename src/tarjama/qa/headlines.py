"""Checks on headlines, where a rule-based engine most often misreads the source: English
headlines drop articles and auxiliaries, so "Port workers end strike" reads as a string of
nouns ("Huelga de fin de trabajadores portuaria"). They ask the source's and the target's
dictionaries (``CheckContext.source_readings``, ``target_readings``) and are silent without
them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

from tarjama.qa.base import CheckContext, Hit, Severity, check

_SUBJECTS = frozenset({"noun", "proper", "pronoun"})
_NOMINAL = frozenset({"noun", "proper", "adjective"})
_VERBAL = frozenset({"verb", "finite"})
_FUNCTION = frozenset({"determiner", "preposition", "conjunction"})
_MIN_WORDS = 3


def _source_has_verb(ws: list[str], parts: Mapping[str, frozenset[str]]) -> bool:
    """A word after the first that may be the headline's own verb, right after a word that
    may be its subject ("workers end", "Obama visits")."""
    return any(
        "finite" in parts.get(w, ()) and parts.get(before, frozenset()) & _SUBJECTS
        for before, w in itertools.pairwise(ws)
    )


def _target_has_verb(ws: list[str], parts: Mapping[str, frozenset[str]]) -> bool:
    """A word that may be a verb of the sentence: after the first word, any that may be; the
    first only when it cannot be a noun ("Huelga" may be either, and heads a noun phrase)."""
    first, rest = ws[0], ws[1:]
    return any("finite" in parts.get(w, ()) for w in rest) or (
        "finite" in parts.get(first, ()) and not parts.get(first, frozenset()) & _NOMINAL
    )


@check("headline_verb", Severity.MINOR)
def headline_verb(ctx: CheckContext) -> Iterator[Hit]:
    # A headline whose source has a verb and whose translation has none was read as a noun
    # phrase: its meaning is lost, however fluent each word.
    if not ctx.headline or ctx.source_readings is None or ctx.target_readings is None:
        return
    source, target = ctx.source_words, ctx.target_words
    if len(source) < _MIN_WORDS or not target:
        return
    if not _source_has_verb(source, ctx.source_readings(source)):
        return
    if not _target_has_verb(target, ctx.target_readings(target)):
        yield "the headline has no verb: the source's was read as a noun", ""


def _first_content(ws: list[str], parts: Mapping[str, frozenset[str]]) -> str | None:
    return next((w for w in ws if not parts.get(w, frozenset()) <= _FUNCTION), None)


def _kind(parts: frozenset[str]) -> str:
    """A word's part of speech as far as a headline's first word goes: "nominal", "verbal",
    or "" when it may be both or neither."""
    nominal, verbal = bool(parts & _NOMINAL), bool(parts & _VERBAL)
    return "nominal" if nominal and not verbal else "verbal" if verbal and not nominal else ""


@check("headline_first_word", Severity.MINOR)
def headline_first_word(ctx: CheckContext) -> Iterator[Hit]:
    # A headline's first word sets how it reads: a source that opens on a name or a noun and a
    # translation that opens on a verb (or the other way round) says something else.
    if not ctx.headline or ctx.source_readings is None or ctx.target_readings is None:
        return
    source, target = ctx.source_words, ctx.target_words
    if len(source) < _MIN_WORDS or not target:
        return
    source_parts, target_parts = ctx.source_readings(source), ctx.target_readings(target)
    first, opening = _first_content(source, source_parts), _first_content(target, target_parts)
    if first is None or opening is None:
        return
    was, now = (
        _kind(source_parts.get(first, frozenset())),
        _kind(target_parts.get(opening, frozenset())),
    )
    if was and now and was != now:
        at = next(at for w, at in ctx.target_places if w == opening)
        yield (
            f"the headline's first word {opening!r} is {now}, the source's {first!r} {was}",
            opening,
            (at, at + len(opening)),
        )
