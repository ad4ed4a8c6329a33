"""Writing: the translation put into the original page in place, or, for an article that came
in another format, its newsroom page (``tarjama.render.article``).

In place, nothing of the original is serialised again: each unit's range in the source is
replaced by its translation (a run's inline elements, their tags as written, arranged as the
source nests them: ``conform.py``), and everything else comes through byte for byte. Besides
text and translatable attributes, the page changes only in: the language (``lang`` and ``dir``
on ``<html>``, ``lang`` attributes that named the source language), the declared encoding
(UTF-8: what tarjama writes), the label (a ``<p class="tarjama-label">`` at the start of the
article) and a ``<meta name="tarjama-provenance">``. A fragment comes back inside a ``<div>``
that carries the language and the label.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from html import escape, unescape
from typing import Any

import lxml.html
import lxml.html.builder

from tarjama import inline
from tarjama.errors import FormatError
from tarjama.formats.html.blocks import tagged
from tarjama.formats.html.conform import Item, conform
from tarjama.formats.html.languages import text_direction
from tarjama.formats.html.markup import render, serialise, set_content
from tarjama.formats.html.parts import LABEL_CLASS
from tarjama.formats.html.read import is_page, parse
from tarjama.formats.html.source import RAW_TEXT, Document, Edits, Element, attribute_spans
from tarjama.formats.html.units import (
    Attribute,
    JsonString,
    Page,
    Run,
    Title,
    find_units,
    visible_text,
)
from tarjama.model import Block, BlockKind, Provenance, Translation

PROVENANCE_META = "tarjama-provenance"
CHARSET_CLASS = "tarjama-charset"
_CHARSET = re.compile(r"(charset\s*=\s*)([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(r"""(encoding\s*=\s*["'])([\w.:-]+)""", re.I)


def provenance_text(p: Provenance) -> str:
    """One line saying who made a translation, the same in every output format."""
    return (
        f"engine={p.engine}; engine_version={p.engine_version}; model={p.model}; "
        f"pair={p.pair}; created={p.created}"
    )


def _attribute(doc: Document, el: Element, name: str, value: str) -> tuple[int, int, str]:
    """The edit that gives ``el`` the attribute ``name="value"`` (set or added)."""
    span = attribute_spans(doc, el).get(name)
    if span is None:
        at = el.start + 1 + len(el.tag)
        return at, at, f' {name}="{escape(value)}"'
    quote = span.quote or '"'
    written = escape(value, quote=False).replace(quote, "&quot;" if quote == '"' else "&#39;")
    if span.start == span.end:  # written without a value
        return span.start, span.end, f"={quote}{written}{quote}"
    return span.start, span.end, f"{quote}{written}{quote}"


def _run(doc: Document, run: Run, text: str, edits: Edits) -> str:
    t = tagged(doc, run)
    target, source = text + t.credit_suffix, t.text + t.credit_suffix
    if "<" not in target and "<" not in source:  # no tags on either side: the words alone
        return inline.escape_text(unescape(target))
    items = conform(target, source)

    def write(items: list[Item]) -> str:
        out: list[str] = []
        for item in items:
            if item.kind == "text":
                out.append(inline.escape_text(item.text))
                continue
            node = t.nodes[item.id]
            if item.kind == "x" or not isinstance(node, Element):
                out.append(edits.render(node.start, node.end))
                continue
            assert node.close_start is not None
            out.append(edits.render(node.start, node.open_end))
            out.append(write(item.children))
            out.append(doc.text[node.close_start : node.end])
        return "".join(out)

    return write(items)


def write_units(doc: Document, found: Page, blocks: Sequence[Block], edits: Edits) -> None:
    """Each unit's translation into ``edits`` (``blocks`` as read from the same document)."""
    if len(found.units) != len(blocks):
        raise FormatError(
            f"the translation has {len(blocks)} blocks but the original HTML has "
            f"{len(found.units)}: it cannot be written back into the original"
        )
    for unit, b in zip(found.units, blocks, strict=True):
        if isinstance(unit, Attribute):
            edits.inner.append(_attribute(doc, unit.element, unit.span.name, unescape(b.text)))
        elif isinstance(unit, JsonString):
            literal = _json_literal(unescape(b.text))
            edits.inner.append((unit.start, unit.end, literal))
        elif isinstance(unit, Title):
            edits.outer.append(_inner_text(unit.element, unescape(b.text)))
    for unit, b in zip(found.units, blocks, strict=True):
        if isinstance(unit, Run):
            edits.outer.append((unit.start, unit.end, _run(doc, unit, b.text, edits)))


def _json_literal(value: str) -> str:
    literal = json.dumps(value, ensure_ascii=False)
    # inside a <script>: no "</script>" or "<!--" may appear in it
    return literal.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _inner_text(el: Element, text: str) -> tuple[int, int, str]:
    stop = el.close_start if el.close_start is not None else el.end
    return el.open_end, stop, inline.escape_text(text)


def replace_body_blocks(fragment: str, blocks: Sequence[Block], *, xhtml: bool = False) -> str:
    """``fragment`` (as read by ``body_blocks``) with each unit's translation in place."""
    doc = Document(fragment)
    found = find_units(doc, page=False)
    edits = Edits(fragment)
    write_units(doc, found, blocks, edits)
    return edits.result()


def _label(t: Translation) -> str:
    p = t.provenance
    attrs = {
        "class": LABEL_CLASS,
        "data-tarjama-engine": p.engine,
        "data-tarjama-engine-version": p.engine_version,
        "data-tarjama-model": p.model,
        "data-tarjama-pair": p.pair,
        "data-tarjama-created": p.created,
    }
    written = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
    return f"<p{written}>{escape(t.label, quote=False)}</p>"


def write_html(t: Translation) -> str:
    """The translation as HTML: the original page with the translation in place, or a clean
    new page for an article that came in another format."""
    a = t.article
    if a.source_format != "html" or not a.original:
        # an article that came in another format: its newsroom page, by the one renderer
        from tarjama.render.article import translation_page

        return translation_page(t)
    doc, found = parse(a.original)
    page = is_page(a.original)
    edits = Edits(doc.text)
    write_units(doc, found, a.body, edits)
    xhtml = _xhtml(doc)
    for old in found.parts.labels:
        edits.outer.append((old.start, old.end, ""))
    if not page:
        # A raw-text element left open at the end (a script) would take the wrapper's end tag
        # for its own text.
        unclosed = [e for e in doc.elements() if e.implied and e.end == len(doc.text)]
        ends = "".join(f"</{e.tag}>" for e in reversed(unclosed) if e.tag in RAW_TEXT)
        language = f'lang="{t.language}" dir="{text_direction(t.language)}"'
        return f"<div {language}>{_label(t)}{edits.result()}{ends}</div>"
    _title(doc, found, a.headline, edits)
    _language(doc, t, edits)
    _encoding(doc, edits, xhtml=xhtml)
    _provenance(doc, t, edits, xhtml=xhtml)
    at = _label_at(doc, found)
    edits.outer.append((at, at, _label(t)))
    return edits.result()


def _xhtml(doc: Document) -> bool:
    html = next((e for e in doc.elements() if e.tag == "html"), None)
    return doc.text.lstrip().startswith("<?xml") or (html is not None and "xmlns" in html.attrs)


def _title(doc: Document, found: Page, headline: str, edits: Edits) -> None:
    """The page title with the headline's translation where the headline was in it."""
    if (
        found.parts.title is None
        or found.parts.headline is None
        or any(isinstance(u, Title) for u in found.units)
    ):
        return
    before = visible_text(doc, found.parts.headline).strip()
    title = doc.text_of(found.parts.title)
    if before and before in title:
        edits.outer.append(
            _inner_text(found.parts.title, title.replace(before, unescape(headline), 1))
        )


def _language(doc: Document, t: Translation, edits: Edits) -> None:
    source = t.provenance.source_language.split("-")[0].lower()
    html = next((e for e in doc.elements() if e.tag == "html"), None)
    if html is None:
        at = next((e.start for e in doc.elements() if e.tag in ("head", "body")), 0)
        edits.outer.append(
            (at, at, f'<html lang="{t.language}" dir="{text_direction(t.language)}">')
        )
    else:
        edits.inner.append(_attribute(doc, html, "lang", t.language))
        edits.inner.append(_attribute(doc, html, "dir", text_direction(t.language)))
    for el in doc.elements():
        for name in ("lang", "xml:lang"):
            value = el.get(name).strip()
            if el is html and name == "lang":
                continue
            if value and (el is html or value.split("-")[0].lower() == source):
                edits.inner.append(_attribute(doc, el, name, t.language))


def _encoding(doc: Document, edits: Edits, *, xhtml: bool) -> None:
    """The page says it is UTF-8, which is what tarjama writes: its declaration changed, or one
    of tarjama's own added (a page read from windows-1252 without one would be read as that)."""
    declared = False
    for el in doc.elements():
        if el.tag != "meta":
            continue
        spans = attribute_spans(doc, el)
        if "charset" in el.attrs:
            declared = True
            if el.get("charset").strip().lower() not in ("utf-8", "utf8"):
                edits.inner.append(_attribute(doc, el, "charset", "utf-8"))
        elif el.get("http-equiv").lower() == "content-type" and "content" in spans:
            content = el.get("content")
            fixed = _CHARSET.sub(lambda m: m.group(1) + "utf-8", content)
            declared = declared or fixed != content or "charset" in content.lower()
            if fixed != content:
                edits.inner.append(_attribute(doc, el, "content", fixed))
    head = doc.text[:200]
    m = _XML_ENCODING.search(head) if head.lstrip().startswith("<?xml") else None
    if m is not None and m.group(2).lower() not in ("utf-8", "utf8"):
        edits.outer.append((m.start(2), m.end(2), "utf-8"))
    if not declared:
        at = _head_start(doc)
        meta = f'<meta charset="utf-8" class="{CHARSET_CLASS}"' + (" />" if xhtml else ">")
        edits.outer.append((at, at, meta))


def _head_start(doc: Document) -> int:
    """Where the head's content starts (or where it would)."""
    for tag in ("head", "html"):
        el = next((e for e in doc.elements() if e.tag == tag), None)
        if el is not None:
            return el.open_end
    return 0


def _provenance(doc: Document, t: Translation, edits: Edits, *, xhtml: bool) -> None:
    meta = f'<meta name="{PROVENANCE_META}" content="{escape(provenance_text(t.provenance))}"' + (
        " />" if xhtml else ">"
    )
    for el in doc.elements():
        if el.tag == "meta" and el.get("name") == PROVENANCE_META:
            edits.outer.append((el.start, el.end, meta))
            return
    head = next((e for e in doc.elements() if e.tag == "head"), None)
    if head is not None:
        at = head.close_start if head.close_start is not None else head.open_end
    else:
        html = next((e for e in doc.elements() if e.tag == "html"), None)
        at = html.open_end if html is not None else 0
    edits.outer.append((at, at, meta))


def _label_at(doc: Document, found: Page) -> int:
    """Where the label goes: at the start of the article (or of the body)."""
    if found.parts.container is not None:
        return found.parts.container.open_end
    head = next((e for e in doc.elements() if e.tag == "head"), None)
    return head.end if head is not None else 0


# --- new markup, for blocks that came in another format -----------------------------------


def render_blocks(blocks: Sequence[Block]) -> list[Any]:
    """Fresh HTML elements for blocks (list items grouped in ``<ul>``; metadata left out)."""
    E = lxml.html.builder
    out: list[Any] = []
    for b in blocks:
        if b.kind is BlockKind.META:
            continue
        if b.kind is BlockKind.PICTURE:
            if not (b.src or b.text):
                continue  # nothing to show: a picture known only by its id
            figure = E.FIGURE()
            if b.src:
                figure.append(E.IMG(src=b.src, alt=unescape(b.alt)))
            if b.text or b.credit:
                caption = E.FIGCAPTION()
                set_content(caption, render(b.text, b.inline))
                if b.credit:
                    _append_spaced(caption, E.SPAN(unescape(b.credit), {"class": "credit"}))
                figure.append(caption)
            out.append(figure)
            continue
        if b.kind is BlockKind.HEADING:
            el = E.E(f"h{min(max(b.level, 2), 6)}")
        elif b.kind is BlockKind.LIST_ITEM:
            el = E.LI()
        else:
            el = E.P()
        set_content(el, render(b.text, b.inline))
        if b.kind is BlockKind.BLOCKQUOTE:
            el = E.BLOCKQUOTE(el)
        if b.kind is BlockKind.LIST_ITEM:
            if not out or out[-1].tag != "ul":
                out.append(E.UL())
            out[-1].append(el)
        else:
            out.append(el)
    return out


def _append_spaced(parent: Any, child: Any) -> None:
    """Append ``child`` after a space (a credit after its caption)."""
    child.tail = None
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + " "
    elif parent.text:
        parent.text += " "
    parent.append(child)


def blocks_to_html(blocks: Sequence[Block]) -> str:
    """An HTML fragment for blocks (a ninjs body written from scratch)."""
    return "".join(serialise(el) for el in render_blocks(blocks))
