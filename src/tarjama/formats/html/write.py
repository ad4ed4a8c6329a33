"""Writing: the translation as HTML, the original page rebuilt around it, or a clean new page."""

from __future__ import annotations

from collections.abc import Sequence
from html import unescape
from typing import Any

import lxml.html
import lxml.html.builder

from tarjama.errors import FormatError
from tarjama.formats.html.languages import text_direction
from tarjama.formats.html.markup import (
    inner_html,
    page_html,
    parse_fragment,
    plain_text,
    render,
    serialise,
    set_content,
    set_text,
)
from tarjama.formats.html.parts import (
    LABEL_CLASS,
    Parts,
    credit_elements,
    figure_caption,
    find_parts,
    page_head,
    parse,
)
from tarjama.model import Block, BlockKind, Provenance, Translation


def provenance_text(p: Provenance) -> str:
    """One line saying who made a translation, the same in every output format."""
    return (
        f"engine={p.engine}; engine_version={p.engine_version}; model={p.model}; "
        f"pair={p.pair}; created={p.created}"
    )


def _write_block(el: Any, block: Block) -> None:
    if block.kind is not BlockKind.PICTURE:
        set_content(el, render(block.text, block.inline))
        return
    img = el if el.tag == "img" else el.find(".//img")
    if block.alt:
        img.set("alt", unescape(block.alt))
    figcaption, _, _, suffix, _ = figure_caption(el)
    if figcaption is None:
        return
    credits = credit_elements(figcaption)
    set_content(figcaption, render(block.text + suffix, block.inline))
    for c in credits:
        _append_spaced(figcaption, c)


def _append_spaced(parent: Any, child: Any) -> None:
    """Append ``child`` after a space (a credit after its caption)."""
    child.tail = None
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + " "
    elif parent.text:
        parent.text += " "
    parent.append(child)


def replace_body_blocks(fragment: str, blocks: Sequence[Block], *, xhtml: bool = False) -> str:
    """``fragment`` (as read by ``body_blocks``) with each block's content replaced."""
    root = parse_fragment(fragment)
    _write_blocks(find_parts(root, page=False, meta=False), blocks)
    return inner_html(root, xhtml=xhtml)


def _write_blocks(parts: Parts, blocks: Sequence[Block]) -> None:
    if len(parts.blocks) != len(blocks):
        raise FormatError(
            f"the translation has {len(blocks)} blocks but the original HTML has "
            f"{len(parts.blocks)}: it cannot be written back into the original"
        )
    for (el, _), block in zip(parts.blocks, blocks, strict=True):
        _write_block(el, block)


def _label(t: Translation) -> Any:
    p = t.provenance
    return lxml.html.builder.P(
        t.label,
        {
            "class": LABEL_CLASS,
            "data-tarjama-engine": p.engine,
            "data-tarjama-engine-version": p.engine_version,
            "data-tarjama-model": p.model,
            "data-tarjama-pair": p.pair,
            "data-tarjama-created": p.created,
        },
    )


def write_html(t: Translation) -> str:
    """The translation as HTML: the original page rebuilt around it, or a clean new page."""
    a = t.article
    if a.source_format != "html" or not a.original:
        return _new_page(t)
    root, page = parse(a.original)
    parts = find_parts(root, page=page)
    title = root.find(".//title") if page else None
    if title is not None and parts.headline is not None and parts.headline is not title:
        # the page title usually repeats the headline ("Headline | Site"): translate that part
        before = unescape(plain_text(parts.headline))
        if before and before in (title.text or ""):
            title.text = title.text.replace(before, unescape(a.headline))
    _write_blocks(parts, a.body)
    for el, text in (
        (parts.headline, a.headline),
        (parts.standfirst, a.standfirst),
        (parts.byline, a.byline),
        (parts.dateline, a.dateline),
    ):
        if el is not None and text != plain_text(el):
            set_text(el, text)
    if parts.label is not None:
        parts.label.drop_tree()
    parts.container.insert(0, _label(t))
    root.set("lang", t.language)
    root.set("dir", text_direction(t.language))
    if not page:
        return serialise(root)
    _add_meta(root, t)
    return page_html(root.getroottree())


def _add_meta(root: Any, t: Translation) -> None:
    head = page_head(root)
    for old in head.findall('meta[@name="tarjama-provenance"]'):
        head.remove(old)
    head.append(
        lxml.html.builder.META(name="tarjama-provenance", content=provenance_text(t.provenance))
    )


def render_blocks(blocks: Sequence[Block]) -> list[Any]:
    """Fresh HTML elements for blocks (list items grouped in ``<ul>``)."""
    E = lxml.html.builder
    out: list[Any] = []
    for block in blocks:
        if block.kind is BlockKind.PICTURE:
            if not (block.src or block.text):
                continue  # nothing to show: a picture known only by its id
            figure = E.FIGURE()
            if block.src:
                figure.append(E.IMG(src=block.src, alt=unescape(block.alt)))
            if block.text or block.credit:
                caption = E.FIGCAPTION()
                set_content(caption, render(block.text, block.inline))
                if block.credit:
                    _append_spaced(caption, E.SPAN(unescape(block.credit), {"class": "credit"}))
                figure.append(caption)
            out.append(figure)
            continue
        if block.kind is BlockKind.HEADING:
            el = E.E(f"h{min(max(block.level, 2), 6)}")
        elif block.kind is BlockKind.LIST_ITEM:
            el = E.LI()
        else:
            el = E.P()
        set_content(el, render(block.text, block.inline))
        if block.kind is BlockKind.BLOCKQUOTE:
            el = E.BLOCKQUOTE(el)
        if block.kind is BlockKind.LIST_ITEM:
            if not out or out[-1].tag != "ul":
                out.append(E.UL())
            out[-1].append(el)
        else:
            out.append(el)
    return out


def blocks_to_html(blocks: Sequence[Block]) -> str:
    """An HTML fragment for blocks (a ninjs body written from scratch)."""
    return "".join(serialise(el) for el in render_blocks(blocks))


def _new_page(t: Translation) -> str:
    E = lxml.html.builder
    a = t.article
    article = E.ARTICLE(_label(t))
    if a.headline:
        article.append(E.H1(unescape(a.headline)))
    for text, cls in ((a.standfirst, "standfirst"), (a.byline, "byline"), (a.dateline, "dateline")):
        if text:
            article.append(E.P(unescape(text), {"class": cls}))
    article.extend(render_blocks(a.body))
    head = E.HEAD(E.META(charset="utf-8"), E.TITLE(unescape(a.headline)))
    page = E.HTML(head, E.BODY(article), lang=t.language, dir=text_direction(t.language))
    _add_meta(page, t)
    return page_html(page)
