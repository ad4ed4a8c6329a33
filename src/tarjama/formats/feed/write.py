"""Writing: each article's translation back into its place in the feed."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from html import escape

from lxml import etree

from tarjama import inline
from tarjama.errors import FormatError
from tarjama.formats import html
from tarjama.formats.feed.document import (
    XHTML,
    XML_LANG,
    Feed,
    Field,
    label_html,
    set_html,
    walk,
    xhtml_inner,
)
from tarjama.formats.feed.sanitise import sanitise_feed
from tarjama.model import Block, Translation


def write_feed(feed: Feed, translations: Sequence[Translation], *, sanitise: bool = False) -> str:
    """The feed with every article's translation in place (the same order as ``articles``);
    with ``sanitise``, made safe for a feed reader to show (:func:`sanitise_feed`)."""
    if len(translations) != len(feed.articles):
        raise FormatError(
            f"{len(translations)} translations for a feed of {len(feed.articles)} articles"
        )
    root = copy.deepcopy(feed.root)
    described, items = walk(root, feed.flavour)
    first = translations[0]
    done = iter(zip(translations, feed.blocks_per_field, strict=True))
    if described is not None:
        t, counts = next(done)
        _write_fields((described,), counts, t.article.body)
    for item, (t, counts) in zip(items, done, strict=True):
        _write_fields(item.fields, counts, t.article.body)
        title = inline.plain(t.article.headline)
        if item.fields:
            _label_field(item.fields[0], t.label)
        elif title:
            title = f"{title} ({t.label})"  # nowhere else to say it
        if title and item.title is not None:
            _write_title(item.title, title)
    _set_language(root, feed.flavour, first.language)
    if sanitise:
        sanitise_feed(root)
    provenance = html.provenance_text(first.provenance).replace("--", "- -")
    body = str(etree.tostring(root.getroottree(), encoding="unicode"))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {provenance} -->\n{body}\n'


def _write_title(el: etree._Element, plain: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = escape(plain, quote=False) if el.get("type") == "html" else plain
    if el.get("type") == "xhtml":
        el.set("type", "text")


def _write_fields(fields: Sequence[Field], counts: Sequence[int], blocks: Sequence[Block]) -> None:
    """Each field's share of ``blocks`` (``counts``, as read) written into it."""
    if sum(counts) != len(blocks):
        raise FormatError(
            f"the translation has {len(blocks)} blocks; the feed item has {sum(counts)}"
        )
    at = 0
    for field, n in zip(fields, counts, strict=True):
        _write_field(field, blocks[at : at + n])
        at += n


def _write_field(field: Field, blocks: Sequence[Block]) -> None:
    el = field.element
    if field.kind == "html":
        set_html(el, html.replace_body_blocks(el.text or "", blocks))
    elif field.kind == "xhtml":
        written = html.replace_body_blocks(xhtml_inner(el), blocks, xhtml=True)
        div = etree.fromstring(f'<div xmlns="{XHTML}">{written}</div>')
        for child in list(el):
            el.remove(child)
        el.text = None
        el.append(div)
    else:
        el.text = "\n\n".join(inline.plain(b.text) for b in blocks)


def _label_field(field: Field, label: str) -> None:
    el = field.element
    if field.kind == "html":
        set_html(el, label_html(label) + (el.text or ""))
    elif field.kind == "xhtml":
        div = el.find(f"{{{XHTML}}}div")
        if div is not None:
            p = etree.Element(f"{{{XHTML}}}p", {"class": html.LABEL_CLASS})
            p.text = label
            p.tail, div.text = div.text, None
            div.insert(0, p)
    else:
        el.text = f"{label}\n\n{el.text or ''}"


def _set_language(root: etree._Element, flavour: str, language: str) -> None:
    if flavour == "atom":
        root.set(XML_LANG, language)
        for el in root.iter():
            if el is not root and el.get(XML_LANG):
                el.set(XML_LANG, language)
        return
    channel = root.find("channel")
    assert channel is not None
    lang = channel.find("language")
    if lang is None:
        lang = etree.SubElement(channel, "language")
        description = channel.find("description")
        if description is not None:  # beside the channel's other metadata
            description.addnext(lang)
    lang.text = language
