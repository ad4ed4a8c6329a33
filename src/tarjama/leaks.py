"""What of an engine's workings must never reach a reader, and the check that finds it.

An engine's output can carry its own internals: an analysis tag its rules failed to consume
(eng-cat writes "Theresa Pot <inf> anunciar" for "Theresa May will announce"), a lexical unit or
an escape of Apertium's stream format, an unknown-word mark, a word-bound blank, a frame, or one
of tarjama's placeholders written out as text. None of these is ever written in a source; each
found in an output and not in its source is a leak.

The pipeline checks every translated sentence (``find``); a sentence with a leak is translated
again without the step that may have caused it (``tarjama.pipeline``), and what still leaks is
taken out (``scrub``), so that no reader ever sees it.
"""

from __future__ import annotations

import re
from html import unescape
from typing import NamedTuple

from tarjama import inline


class Leak(NamedTuple):
    """One stretch of an output that is the engine's, not the reader's."""

    kind: str
    text: str
    start: int
    end: int


# kind -> pattern, on plain text (tags removed, entities unescaped)
_PATTERNS: dict[str, re.Pattern[str]] = {
    # an analysis tag or several: "<inf>", "<n><sg>", "<vblex><pri>"
    "tag": re.compile(r"(?:<[a-z][a-z0-9_]*>)+"),
    # a lexical unit of the stream format: "^word/reading$", "^word$"
    "unit": re.compile(r"\^[^\s^$]*(?:/[^\s^$]*)*\$?"),
    # word-bound blanks, superblank markers, frames and escapes of the stream format
    "stream": re.compile(
        r"\[\[[^\]]*\]\]|\]\]|\[\\<[^\]]*\]|<[xc]:[0-9a-f]+>|tarjama\\?:[0-9a-f]+|\\[\\\[\]^$/@<>{}]"
    ),
    # an unknown-word mark glued to a word: "*Hekla", "#seguint", "@word"
    "mark": re.compile(r"(?<![\w*#@&])[*#@]+[^\W\d_][\w'’-]*"),
    # one of tarjama's inline tags written out as text
    "placeholder": re.compile(r"<[xg] id=\"?\d*\"?[^>]*>?|</g>"),
}


# What every leak holds, one of these characters or "tarjama" (a frame): most outputs have none.
_LEAK_CHARS = frozenset("<^[]\\*#@")


def find(source: str, output: str) -> list[Leak]:
    """The leaks in ``output`` (plain text) that are not in ``source`` (plain text), in order."""
    if _LEAK_CHARS.isdisjoint(output) and "tarjama" not in output:
        return []
    found: list[Leak] = []
    for kind, pattern in _PATTERNS.items():
        for m in pattern.finditer(output):
            if m.group() not in source:
                found.append(Leak(kind, m.group(), m.start(), m.end()))
    found.sort(key=lambda leak: (leak.start, -leak.end))
    kept: list[Leak] = []
    for leak in found:
        if not kept or leak.start >= kept[-1].end:
            kept.append(leak)  # one inside another ("<n>" in "^gat/cat<n>$") is the same leak
    return kept


_BLANKS = re.compile(r"[ \t]{2,}")
_BLANK_BEFORE_MARK = re.compile(r" +(?=[,.;:!?)])")


def scrub(source: str, output: str) -> str:
    """``output`` without its leaks: tags, units, stream syntax and placeholders go; a marked
    word keeps its word and loses its mark. The last resort, when translating again without
    the step that caused a leak did not help."""
    leaks = find(source, output)
    if not leaks:
        return output
    out: list[str] = []
    pos = 0
    for leak in leaks:
        out.append(output[pos : leak.start])
        if leak.kind == "mark":
            out.append(leak.text.lstrip("*#@"))
        pos = leak.end
    out.append(output[pos:])
    text = _BLANK_BEFORE_MARK.sub("", _BLANKS.sub(" ", "".join(out)))
    if not output[:1].isspace():
        text = text.lstrip()
    if not output[-1:].isspace():
        text = text.rstrip()
    return text


def scrub_tagged(source: str, tagged: str) -> str:
    """``scrub`` for tagged text (``tarjama.inline``): the text between its tags is scrubbed,
    its tags (the source's markup) stay."""
    out: list[str] = []
    pos = 0
    for m in [*inline.TAG.finditer(tagged), None]:
        stop = m.start() if m else len(tagged)
        if stop > pos:
            out.append(inline.escape_text(scrub(source, unescape(tagged[pos:stop]))))
        if m:
            out.append(m.group())
            pos = m.end()
    return "".join(out)
