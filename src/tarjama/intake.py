"""Text in, one rule: what every entry does to the text it is given, before anything else sees it.

Every string that comes in (HTTP JSON and form bodies and parameters, articles in every format,
TMX, TBX and CSV imports, glossary terms, editors' corrections, command-line files and
arguments) goes through :func:`accept`:

1. **Refused**, with :class:`~tarjama.errors.CharacterError` (HTTP 400 ``invalid_character``,
   exit status 65) naming the character and its position (offset, and line and column in a
   file): lone surrogates (U+D800 to U+DFFF: a JSON ``\\ud800`` escape without its pair, or on a
   command line a byte that is not UTF-8), NUL and every other control character (Unicode
   category Cc: U+0000 to U+001F and U+007F to U+009F) except tab, line feed and carriage
   return, and the 66 noncharacters (U+FDD0 to U+FDEF, and U+FFFE and U+FFFF in every plane).
2. Line ends: CRLF and a lone CR become LF.
3. Unicode NFC.

Refused, not removed: removing would lose text silently. A vertical tab is a word processor's
line break ("one\\vtwo" would become "onetwo"), a C1 control is nearly always mojibake (U+0092 is
Windows-1252's right quotation mark read as Latin-1) and a NUL means binary data or UTF-16. The
caller learns what and where, and nothing is half-translated. Format characters (bidi controls,
zero-width joiners, the soft hyphen), private-use and unassigned code points are text and pass.

Whatever the rule accepts is legal in XML 1.0, JSON, CSV and both databases, so whatever was
accepted can always be exported. Text stored by versions before the rule is exported through
:func:`scrub`, the same rule with what it would refuse removed; the exports say so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import fields, replace
from typing import Any

from tarjama.errors import CharacterError
from tarjama.model import Article, Block

_OTHER_PLANES = "".join(
    f"\\U{plane << 16:08x}-\\U{(plane << 16) | 0xFFFD:08x}" for plane in range(1, 17)
)
# What the rule accepts, negated (a class of what is refused, with the other planes'
# noncharacters one by one, is four times slower to search).
REFUSED = re.compile(
    r"[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd" + _OTHER_PLANES + "]"
)
"""One character the rule refuses."""

SCHEMA_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFDD0-\uFDEF\uFFFE\uFFFF]*$"
"""The rule as a JSON Schema pattern, for the API's description of its text fields (lone
surrogates and the other planes' noncharacters cannot be written in one)."""

_LINE_BREAK = re.compile(r"\r\n?|\n")


def accept(text: str, where: str = "the text", *, lines: bool = False) -> str:
    """``text`` under the rule (module docstring): NFC with LF line ends, or CharacterError.

    ``where`` names the text in the message ("text", "q[2]", "article.txt"); with ``lines``
    the position is given as line and column too, as for a file.
    """
    bad = REFUSED.search(text)
    if bad is not None:
        raise refusal(text, bad.start(), where, lines=lines)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def accepts(text: str) -> bool:
    """Whether :func:`accept` takes ``text`` (which it may still change: line ends, NFC)."""
    return REFUSED.search(text) is None


def refusal(text: str, index: int, where: str, *, lines: bool = False) -> CharacterError:
    """The error for ``text[index]``, which the rule refuses."""
    char = text[index]
    position = f"at offset {index}"
    line = column = 0
    if lines:
        breaks = list(_LINE_BREAK.finditer(text, 0, index))
        line = len(breaks) + 1
        column = index - (breaks[-1].end() if breaks else 0) + 1
        position += f" (line {line}, column {column})"
    what, why = _describe(char)
    return CharacterError(
        f"{where}: {what} {position}: {why}", offset=index, character=char, line=line, column=column
    )


def _describe(char: str) -> tuple[str, str]:
    """What the character is, and why it is refused."""
    code = ord(char)
    name = f"U+{code:04X}"
    if char == "\0":
        return f"NUL ({name})", "not text (binary data, or UTF-16?)"
    if 0xD800 <= code <= 0xDFFF:
        why = "half of a UTF-16 pair without its other half, not a character"
        if 0xDC80 <= code <= 0xDCFF:  # how Python carries a byte that is not UTF-8 in argv
            why += f" (in a command-line argument: the byte 0x{code - 0xDC00:02X}, not UTF-8)"
        return f"lone surrogate {name}", why
    if unicodedata.category(char) == "Cc":
        why = "not text (of the control characters, only tab and line breaks are); remove it"
        meant = bytes([code]).decode("cp1252", errors="ignore") if 0x80 <= code <= 0x9F else ""
        if meant:
            why += f" (Windows-1252 text read as Latin-1? there 0x{code:02X} is {meant!r})"
        return f"control character {name}", why
    return f"noncharacter {name}", "not for interchange; remove it"


def accept_json(value: Any, where: str) -> Any:
    """A parsed JSON value with every string in it (keys too) accepted; ``where`` names the
    document, and a refusal names the path in it (``the ninjs: headlines[0].value``)."""
    return _accept_json(value, where, "")


def _accept_json(value: Any, where: str, path: str) -> Any:
    if isinstance(value, str):
        return accept(value, f"{where}: {path}" if path else where)
    if isinstance(value, list):
        return [_accept_json(item, where, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        accepted: dict[str, Any] = {}
        for key, item in value.items():
            name = accept(key, f"{where}: a key of {path or 'the document'}")
            accepted[name] = _accept_json(item, where, f"{path}.{name}" if path else name)
        return accepted
    return value


def accept_article(article: Article, where: str) -> Article:
    """``article`` with every text in it accepted (the source document aside, which its reader
    accepted as a whole): character references in HTML and XML can make what the raw text
    did not hold, ``&#x85;`` a control character."""
    changes: dict[str, Any] = dict(_accepted_fields(article, where, skip=("original",)))
    body = []
    for number, block in enumerate(article.body, 1):
        block_changes: dict[str, Any] = dict(
            _accepted_fields(block, f"{where}, body block {number}")
        )
        body.append(replace(block, **block_changes) if block_changes else block)
    if any(new is not old for new, old in zip(body, article.body, strict=True)):
        changes["body"] = tuple(body)
    return article.with_changes(**changes) if changes else article


def _accepted_fields(
    item: Article | Block, where: str, skip: tuple[str, ...] = ()
) -> Iterator[tuple[str, str]]:
    for f in fields(item):
        value = getattr(item, f.name)
        if f.name in skip or not isinstance(value, str) or not value:
            continue
        named = where if f.name == "text" else f"{where}, {f.name.replace('_', ' ')}"
        accepted = accept(value, named)
        if accepted != value:
            yield f.name, accepted


def scrub(text: str) -> tuple[str, list[str]]:
    """For exporting text stored before the rule: line ends as LF, and every character the
    rule refuses removed. The clean text, and what was removed ("U+0011 at offset 5")."""
    removed = [f"U+{ord(m.group()):04X} at offset {m.start()}" for m in REFUSED.finditer(text)]
    if removed:
        text = REFUSED.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, removed
