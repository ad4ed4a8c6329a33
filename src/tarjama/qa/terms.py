"""Checks on what the newsroom decided: glossary renderings and names kept as written."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from tarjama import inline
from tarjama.qa.base import CheckContext, Hit, Severity, check
from tarjama.qa.text import squash


def _occurs(term: str, text: str, ignore_case: bool) -> bool:
    """Does ``term`` occur in ``text`` as a whole word (no word character either side)?"""
    if ignore_case:
        return _term_pattern(term).search(text) is not None
    # Names are new in every article: found without a regex (see inline.whole_word_at).
    return inline.whole_word_at(text, term) >= 0


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


@check("glossary", Severity.MAJOR)
def glossary(ctx: CheckContext) -> Iterator[Hit]:
    # The newsroom's agreed renderings (titles, institutions) must win over the engine's choice.
    # The target side is a substring test so that inflected forms ("ministros") still count.
    if not ctx.glossary:
        return
    source, target = ctx.source_squashed, ctx.target_squashed.casefold()
    for term, rendering in ctx.glossary.items():
        term, rendering = squash(term), squash(rendering)
        if not term or not rendering:
            continue
        if _occurs(term, source, term == term.lower()) and rendering.casefold() not in target:
            yield f"glossary term {term!r} not rendered as {rendering!r}", rendering


@check("name_altered", Severity.CRITICAL)
def name_altered(ctx: CheckContext) -> Iterator[Hit]:
    # Engines "translate" names (Rose -> Rosa, Bush -> Arbusto); a misspelt name is a correction.
    source, target = ctx.source_squashed, ctx.target_squashed
    for name in ctx.names:
        name = squash(name)
        if name and name not in target and _occurs(name, source, ignore_case=False):
            yield f"name {name!r} not found verbatim in the target", name
