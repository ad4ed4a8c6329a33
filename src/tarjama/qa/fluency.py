"""Checks on whether the target is a translation at all: untranslated, off length, looping."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tarjama.qa.base import CheckContext, Hit, Severity, check
from tarjama.qa.text import primary_subtag, remove_names

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@check("untranslated", Severity.MAJOR)
def untranslated(ctx: CheckContext) -> Iterator[Hit]:
    # An engine that gives up returns its input; short or all-name segments are legitimately equal.
    if primary_subtag(ctx.source_lang) == primary_subtag(ctx.target_lang):
        return
    source = ctx.source_squashed.casefold()
    if not source or source != ctx.target_squashed.casefold():
        return
    if len(_WORD.findall(remove_names(ctx.source_plain, ctx.names))) >= 3:
        yield "the target is the untranslated source", ""


# Typical characters per character of English text, so the band follows the pair (CJK is dense).
_RELATIVE_LENGTH = {"zh": 0.3, "ja": 0.4, "ko": 0.45, "ar": 0.85, "fa": 0.9, "ur": 0.95, "he": 0.8}
_LENGTH_BAND = (0.5, 2.2)
_MIN_LENGTH = 20


@check("length_ratio", Severity.MINOR)
def length_ratio(ctx: CheckContext) -> Iterator[Hit]:
    # A target far shorter or longer than expected has usually dropped or hallucinated a clause.
    source, target = len(ctx.source_squashed), len(ctx.target_squashed)
    if source < _MIN_LENGTH or target == 0:
        return
    expected = _RELATIVE_LENGTH.get(primary_subtag(ctx.target_lang), 1.0) / _RELATIVE_LENGTH.get(
        primary_subtag(ctx.source_lang), 1.0
    )
    ratio = target / source
    low, high = (bound * expected for bound in _LENGTH_BAND)
    if not low <= ratio <= high:
        yield f"length ratio {ratio:.2f} outside {low:.2f}-{high:.2f}", f"{ratio:.2f}"


_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?¡¿-–—…"


def _loop(text: str) -> str | None:
    """The first 1- to 4-token sequence said three or more times in a row, if any."""
    tokens = [t.strip(_PUNCTUATION).casefold() or t for t in text.split()]
    for n in range(1, 5):
        # A gram at i said three times is tokens[j] == tokens[j + n] for the 2n positions
        # j = i .. i + 2n - 1: one pass per n finds every such i, in order.
        run = 0
        for j in range(len(tokens) - n):
            run = run + 1 if tokens[j] == tokens[j + n] else 0
            if run >= 2 * n:
                gram = tokens[j - 2 * n + 1 : j - n + 1]
                if any(c.isalnum() for t in gram for c in t):
                    return " ".join(gram)
    return None


@check("repetition", Severity.MAJOR)
def repetition(ctx: CheckContext) -> Iterator[Hit]:
    # Neural engines fall into loops ("de la de la de la"); an emphatic source may loop too.
    found = _loop(ctx.target_plain)
    if found is not None and _loop(ctx.source_plain) is None:
        yield f"{found!r} repeated three or more times", found
