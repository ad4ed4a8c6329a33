"""tarjama's inline tags: how markup and protected spans travel through an engine.

Engines receive text in which three characters are escaped as in XML (``&amp;``, ``&lt;``,
``&gt;``) and two tags carry everything that must not be translated:

- ``<x id="N"/>``: a standalone placeholder (a protected number, name, credit, line break, image).
  ``ctype`` may say what it stands for (``ctype="number"``) and ``equiv`` the text it stands
  for, as in XLIFF 2, so that an engine can feed its model something of the same grammatical
  kind (the placeholder still comes back, and the span is restored from the mask).
- ``<g id="N">...</g>``: paired inline markup (``<em>``, ``<a href>``...) around words that are
  translated; the engine must keep the words it translates for them inside the pair.

This module parses that form into tokens and writes it back; each engine maps the tokens to what
its model understands (Apertium: word-bound blanks; a neural model: its own placeholder form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from tarjama.errors import EngineError

_TAG = re.compile(
    r'<x id="(\d+)"(?: ctype="([a-z-]+)")?(?: equiv="([^"<>]*)")?/>|<g id="(\d+)">|</g>'
)
TAG = re.compile(r'<x id="(\d+)"(?: ctype="[a-z-]+")?(?: equiv="[^"<>]*")?/>|<g id="(\d+)">|</g>')
"""Any inline tag; group 1 is an x id, group 2 a g id."""
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#[xX][0-9A-Fa-f]+);")


@dataclass(frozen=True)
class Text:
    """Words between tags, unescaped."""

    text: str


@dataclass(frozen=True)
class Placeholder:
    """``<x id="N"/>``: a standalone placeholder."""

    id: int
    ctype: str = ""
    equiv: str = ""
    """The text the span stands for, as XLIFF's ``equiv``: an engine may show its model this
    (or a word of the same kind) so the grammar around the span comes out as without a mask."""


@dataclass(frozen=True)
class Open:
    """``<g id="N">``: the start of a pair around translated words."""

    id: int


@dataclass(frozen=True)
class Close:
    """``</g>``: the end of the pair ``id`` (paired by nesting)."""

    id: int


Token = Text | Placeholder | Open | Close


def escape_text(text: str) -> str:
    return escape(text, quote=False)


def placeholder(id_: int, ctype: str = "", equiv: str = "") -> str:
    attrs = (f' ctype="{ctype}"' if ctype else "") + (
        f' equiv="{escape(equiv, quote=True)}"' if equiv else ""
    )
    return f'<x id="{id_}"{attrs}/>'


def parse(tagged: str) -> list[Token]:
    """Split tagged text into tokens; raises EngineError on unbalanced pairs."""
    tokens: list[Token] = []
    stack: list[int] = []
    pos = 0
    for m in _TAG.finditer(tagged):
        if m.start() > pos:
            tokens.append(Text(unescape(tagged[pos : m.start()])))
        if m.group(1) is not None:
            tokens.append(
                Placeholder(int(m.group(1)), m.group(2) or "", unescape(m.group(3) or ""))
            )
        elif m.group(4) is not None:
            stack.append(int(m.group(4)))
            tokens.append(Open(int(m.group(4))))
        else:
            if not stack:
                raise EngineError(f"unbalanced inline tags in {tagged!r}")
            tokens.append(Close(stack.pop()))
        pos = m.end()
    if pos < len(tagged):
        tokens.append(Text(unescape(tagged[pos:])))
    if stack:
        raise EngineError(f"unclosed inline tags in {tagged!r}")
    return tokens


def render(tokens: list[Token]) -> str:
    out: list[str] = []
    for tok in tokens:
        if isinstance(tok, Text):
            out.append(escape_text(tok.text))
        elif isinstance(tok, Placeholder):
            out.append(placeholder(tok.id, tok.ctype, tok.equiv))
        elif isinstance(tok, Open):
            out.append(f'<g id="{tok.id}">')
        else:
            out.append("</g>")
    return "".join(out)


def unescape_offsets(tagged: str, start: int, stop: int) -> tuple[str, list[int]]:
    """The unescaped text of ``tagged[start:stop]`` (no tags in it) and where each character
    starts in ``tagged``, so that matches on the text map back to the tagged string."""
    chunk = tagged[start:stop]
    if "&" not in chunk:
        return chunk, list(range(start, stop))
    chars: list[str] = []
    offsets: list[int] = []
    pos = start
    for m in _ENTITY.finditer(tagged, start, stop):
        chars.append(tagged[pos : m.start()])
        offsets.extend(range(pos, m.start()))
        char = unescape(m.group())
        chars.append(char)
        offsets.extend([m.start()] * len(char))
        pos = m.end()
    chars.append(tagged[pos:stop])
    offsets.extend(range(pos, stop))
    return "".join(chars), offsets


def plain(tagged: str) -> str:
    """The text with every tag removed (for word counts and checks)."""
    if "<" not in tagged and "&" not in tagged:
        return tagged  # no tags, nothing escaped: most sentences
    return "".join(t.text for t in parse(tagged) if isinstance(t, Text))


def whole_word_at(text: str, word: str) -> int:
    """Where ``word`` first stands in ``text`` as a whole word (no word character, as ``\\w``
    matches, on either side), or -1. A search, not a regular expression: names and anchors
    differ in every call, and compiling a pattern for each would push the patterns used over and
    over out of the ``re`` module's cache."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if not (at and is_word_char(text[at - 1])) and not (
            end < len(text) and is_word_char(text[end])
        ):
            return at
        at = text.find(word, at + 1)
    return -1


def is_word_char(char: str) -> bool:
    """Is ``char`` one that ``\\w`` matches in a str pattern?"""
    return char.isalnum() or char == "_"
