"""Reading: an Article from an HTML page or fragment, every unit of it (``units.py``) a block."""

from __future__ import annotations

import contextlib
import functools
import gc
import re
from collections.abc import Iterator

from tarjama import inline, intake
from tarjama.errors import EmptyInputError, FormatError
from tarjama.formats.html.blocks import block
from tarjama.formats.html.source import RAW_TEXT, RCDATA, Document, Element, Text
from tarjama.formats.html.units import (
    SPACES,
    Attribute,
    JsonString,
    Page,
    Unit,
    find_units,
    visible_text,
)
from tarjama.model import Article, Block

_PAGE_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|\?xml)\b", re.I | re.S)
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|(\d+));?")


def is_page(text: str) -> bool:
    """A whole page (a doctype, ``<html>``, ``<head>`` or ``<body>`` first), not a fragment."""
    return bool(_PAGE_START.match(text.lstrip("\ufeff")))


def parse(data: str, *, page: bool | None = None) -> tuple[Document, Page]:
    """The document and its units; raises for input that is not HTML. Neither is changed
    once made (writing collects its edits apart), so the page read is the page written: the
    last two are kept, and a page is parsed once for both."""
    return _parse(data, is_page(data) if page is None else page)


@functools.lru_cache(maxsize=2)
def _parse(data: str, page: bool) -> tuple[Document, Page]:
    if not data.strip():
        raise EmptyInputError("empty HTML input")
    text = data.lstrip("\ufeff \t\r\n")
    if not text.startswith("<"):
        raise FormatError(f"HTML input must start with markup ('<'), found {text[:30]!r}")
    with collector_paused():
        doc = Document(data)
        if not any(e.tag not in ("html", "head", "body") for e in doc.elements()):
            raise FormatError(f"HTML input contains no HTML elements: {text[:30]!r}")
        return doc, find_units(doc, page=page)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector paused while a page is read. Reading makes a few hundred
    thousand objects that all live as long as the page does; each pass of the collector that
    their number sets off walks every object of the process (an engine's tables and caches
    too) and frees none of them, which took more time than reading itself. The collector runs
    as usual afterwards (Mercurial's ``util.nogc`` does the same for the same reason)."""
    if not gc.isenabled():  # paused already (by another page read on another thread)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def accept_text(doc: Document, units: list[Unit], where: str) -> None:
    """The text rule (``tarjama.intake``) on the document's text (what a reader sees: not
    scripts, styles or comments) and on the attributes and JSON-LD strings that are
    translated. The rest of the markup is carried as it came: a control character in an SVG
    ``id`` or in a script does not stop a page. A refusal names where the character is written
    in the document (for a character reference, where the reference is)."""
    if _clean(doc.text):  # the usual page: nothing in it is refused, wherever it is
        for unit in units:
            if isinstance(unit, JsonString):
                _accept(doc, unit.start, unit.end, where, decoded=unit.value)
        return
    for node in _texts(doc.root):
        _accept(doc, node.start, node.end, where)
    for unit in units:
        if isinstance(unit, Attribute):
            _accept(doc, unit.span.start, unit.span.end, where)
        elif isinstance(unit, JsonString):
            _accept(doc, unit.start, unit.end, where, decoded=unit.value)


def _clean(text: str) -> bool:
    """No character the rule refuses anywhere in ``text``, written or as a reference."""
    if intake.REFUSED.search(text) is not None:
        return False
    return not any(
        intake.REFUSED.search(reference_char(ref)) for ref in _NUMERIC_REFERENCE.finditer(text)
    )


def _texts(el: Element) -> Iterator[Text]:
    for child in el.children:
        if isinstance(child, Text):
            yield child
        elif isinstance(child, Element) and (child.tag not in RAW_TEXT or child.tag in RCDATA):
            yield from _texts(child)


def _accept(doc: Document, start: int, end: int, where: str, decoded: str | None = None) -> None:
    raw = doc.text[start:end]
    bad = intake.REFUSED.search(raw)
    if bad is not None:
        raise intake.refusal(doc.text, start + bad.start(), where, lines=True)
    for ref in _NUMERIC_REFERENCE.finditer(raw):
        char = reference_char(ref)
        if intake.REFUSED.search(char):
            at = start + ref.start()
            raise intake.refusal(doc.text[:at] + char, at, where, lines=True)
    if decoded is not None and (bad := intake.REFUSED.search(decoded)) is not None:
        raise intake.refusal(doc.text[:start] + bad.group(), start, where, lines=True)


def reference_char(ref: re.Match[str]) -> str:
    """The character a numeric character reference makes in a browser (where Python's
    ``html.unescape`` drops a control character, a browser keeps it; 0x80-0x9F are read as
    Windows-1252)."""
    code = int(ref.group(1), 16) if ref.group(1) else int(ref.group(2))
    if code > 0x10FFFF:
        return "\ufffd"
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", errors="ignore") or chr(code)
    return chr(code)


def body_blocks(fragment: str, where: str = "the HTML body") -> tuple[Block, ...]:
    """The blocks of an HTML body fragment (a ninjs body, a feed item's content), under the
    text rule as a page's (``accept_text``)."""
    doc = Document(fragment)
    found = find_units(doc, page=False)
    accept_text(doc, found.units, where)
    return tuple(block(doc, unit) for unit in found.units)


def read_html(data: str, *, language: str = "en", publisher_id: str = "") -> Article:
    """An Article from an HTML page or fragment: every unit a block, the headline and the
    page's metadata beside them. The text rule (``tarjama.intake``) applies to what is
    translated; raises EmptyInputError, FormatError or CharacterError."""
    doc, found = parse(data)
    accept_text(doc, found.units, "the HTML")
    body = tuple(block(doc, unit) for unit in found.units)
    headline = ""
    if found.parts.headline is not None:
        headline = visible_text(doc, found.parts.headline).strip()
    headline = headline or _meta(doc, "og:title")
    if not headline and found.parts.title is not None:
        headline = SPACES.sub(" ", doc.text_of(found.parts.title)).strip()
    if not headline and not body:
        raise FormatError(
            "HTML input has no text to translate (no headline, paragraphs, headings, list items "
            "or captions found)"
        )
    parts = found.parts

    def text(el: Element | None) -> str:
        return visible_text(doc, el).strip() if el is not None else ""

    label = text(parts.labels[0]) if parts.labels else ""
    canonical = next(
        (e.get("href") for e in doc.elements() if e.tag == "link" and _rel(e, "canonical")), ""
    )
    return Article(
        headline=inline.escape_text(intake.accept(headline, "the HTML, headline")),
        standfirst=inline.escape_text(text(parts.standfirst)),
        byline=inline.escape_text(text(parts.byline)),
        dateline=inline.escape_text(text(parts.dateline)),
        kicker=inline.escape_text(text(parts.kicker)),
        body=body,
        source_language=language,
        publisher_id=publisher_id,
        label=label,
        canonical_url=canonical,
        published=_meta(doc, "article:published_time"),
        updated=_meta(doc, "article:modified_time"),
        source_format="html",
        original=data,
    )


def _rel(el: Element, value: str) -> bool:
    return value in el.get("rel").lower().split()


def _meta(doc: Document, name: str) -> str:
    for el in doc.elements():
        if el.tag == "meta" and name in (el.get("property"), el.get("name")):
            return SPACES.sub(" ", el.get("content")).strip()
    return ""
