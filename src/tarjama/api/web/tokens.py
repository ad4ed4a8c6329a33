"""A segment's tagged text as pieces a page shows: words, and inline markup as tokens.

An editor never sees or types tag syntax: ``<g id="1">`` around a link becomes a token named
"link" (its address in the token's title), ``</g>`` the token closing it, ``<x id="2"/>`` a
token named for what it stands for. Each token carries its tag as it is in the tagged text, so
the desk's script writes the edited segment back exactly, and QA findings mark the words they
name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tarjama import inline
from tarjama.errors import TarjamaError

_ELEMENT = re.compile(r"<\s*([A-Za-z][A-Za-z0-9]*)")
_ADDRESS = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""")
_NAMES = {"a": "link", "em": "emphasis", "i": "emphasis", "strong": "bold", "b": "bold",
          "br": "line break", "img": "picture", "span": "span", "code": "code"}  # fmt: skip


@dataclass(frozen=True)
class Piece:
    """Words (``tag`` empty), or a token: its tag in tagged text, its name and a title."""

    text: str
    tag: str = ""
    title: str = ""
    """What the token stands for, in words: a link's address, a picture's source."""
    mark: str = ""
    """For words a QA finding names: the finding's message."""
    closing: bool = False


def _title(original: str) -> str:
    m = _ADDRESS.search(original)
    return html.unescape(m.group(1)) if m else ""


def _name(original: str, ctype: str) -> str:
    if ctype:
        return ctype.replace("-", " ")
    m = _ELEMENT.match(original)
    return _NAMES.get(m.group(1).lower(), m.group(1).lower()) if m else "markup"


def pieces(
    tagged: str, markup: Mapping[str, str], marks: Iterable[tuple[str, str]] = ()
) -> list[Piece]:
    """``tagged`` as pieces; ``markup`` maps inline ids to the original elements,
    ``marks`` is (words, message) pairs to mark where the words occur."""
    try:
        tokens = inline.parse(tagged)
    except TarjamaError:
        return [Piece(inline.plain(re.sub(r"</?[gx]\b[^>]*>", "", tagged)))]
    out: list[Piece] = []
    opened: list[str] = []
    wanted = [(words, message) for words, message in marks if words.strip()]
    for token in tokens:
        if isinstance(token, inline.Text):
            out.extend(_marked(token.text, wanted))
        elif isinstance(token, inline.Open):
            original = markup.get(str(token.id), "")
            opened.append(original)
            out.append(Piece(_name(original, ""), inline.render([token]), _title(original)))
        elif isinstance(token, inline.Close):
            original = opened.pop() if opened else ""
            out.append(
                Piece(_name(original, ""), inline.render([token]), _title(original), closing=True)
            )
        else:
            original = markup.get(str(token.id), "")
            name = _name(original, token.ctype)
            out.append(Piece(name, inline.render([token]), _title(original) or token.equiv))
    return out


def _marked(text: str, marks: Sequence[tuple[str, str]]) -> list[Piece]:
    for words, message in marks:
        at = text.find(words)
        if at >= 0:
            before, after = text[:at], text[at + len(words) :]
            return [
                *([Piece(before)] if before else []),
                Piece(words, mark=message),
                *_marked(after, marks),
            ]
    return [Piece(text)] if text else []
