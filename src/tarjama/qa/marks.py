"""Checks on an engine's failures: the words it could not inflect, its marks left in the text,
and empty targets. (The words it did not know are the ``untranslated`` check's.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tarjama import inline
from tarjama.qa.base import CheckContext, Hit, Severity, check

# Apertium prefixes unknown words with *, generation errors with # and transfer errors with @.
_MARK = re.compile(r"(?<![\w*#@])([*#@])([^\W\d_][\w'’-]*)")
_MARK_CHARS = re.compile("[*#@]")


@check("engine_marks", Severity.CRITICAL)
def engine_marks(ctx: CheckContext) -> Iterator[Hit]:
    # Marks published as text ("*Kalin", "#parecer") look broken to every reader; a hashtag or
    # handle that the source has in the same place is not a mark.
    if not ctx.engine_marks or not _MARK_CHARS.search(ctx.target_plain):
        return
    in_source = {(m.group(1), m.group(2).casefold()) for m in _MARK.finditer(ctx.source_plain)}
    for m in _MARK.finditer(ctx.target_plain):
        if (m.group(1), m.group(2).casefold()) not in in_source:
            yield f"engine mark left in the target: {m.group()}", m.group()


@check("generation", Severity.MINOR)
def generation(ctx: CheckContext) -> Iterator[Hit]:
    # The engine translated the word but could not write it in the form the sentence needs
    # (Apertium's "#puesto"): the reader sees the dictionary form, a wrong gender or number.
    at = 0
    for kind, word in ctx.marks or ():
        if kind != "generation":
            continue
        found = inline.whole_word_at(ctx.target_plain[at:], word)
        if found < 0:
            continue
        start = at + found
        at = start + len(word)
        yield f"{word!r} could not be inflected: its dictionary form stands", word, (start, at)


@check("empty_target", Severity.CRITICAL)
def empty_target(ctx: CheckContext) -> Iterator[Hit]:
    # Publishing nothing where the source had text silently drops part of the story.
    if ctx.source_plain.strip() and not ctx.target_plain.strip():
        yield "the target is empty", ""
