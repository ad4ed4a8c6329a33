"""Reading: each item of a feed (and its description) as an article."""

from __future__ import annotations

import re

from lxml import etree

from tarjama import inline, intake
from tarjama.errors import EmptyInputError
from tarjama.formats import html
from tarjama.formats.feed.document import (
    XML_LANG,
    Feed,
    Field,
    Item,
    flavour_of,
    parse,
    walk,
    xhtml_inner,
)
from tarjama.formats.text import paragraph_blocks
from tarjama.model import Article, Block

_BLANKS = re.compile(r"[ \t\n\r\f]+")


def read_feed(text: str, *, language: str | None = None) -> Feed:
    """A Feed from RSS 2.0 or Atom 1.0 text under the text rule (``tarjama.intake``); raises
    FormatError, EmptyInputError or CharacterError."""
    root = parse(intake.accept(text, "the feed", lines=True))
    flavour = flavour_of(root)
    described, items = walk(root, flavour)
    source = language or _language(root, flavour) or "en"
    read = []
    if described is not None:
        read.append(_article(Item(None, (described,)), source, "the feed's description"))
    read += [_article(item, source, f"the feed, item {n}") for n, item in enumerate(items, 1)]
    if not any(a.headline or a.body for a, _ in read):
        raise EmptyInputError("the feed has no items with text to translate")
    return Feed(
        root, flavour, tuple(a for a, _ in read), described is not None,
        tuple(counts for _, counts in read),
    )  # fmt: skip


def _language(root: etree._Element, flavour: str) -> str:
    if flavour == "rss":
        value = root.findtext("channel/language") or ""
    else:
        value = root.get(XML_LANG) or ""
    return value.strip().split("-")[0].lower()


def _article(item: Item, language: str, where: str) -> tuple[Article, tuple[int, ...]]:
    """The item as an article, and how many of its blocks each of its fields holds."""
    headline = ""
    if item.title is not None:
        title = _title_text(item.title)
        headline = inline.escape_text(_BLANKS.sub(" ", title).strip())
    blocks = [_blocks(field) for field in item.fields]
    body = tuple(b for field_blocks in blocks for b in field_blocks)
    article = Article(headline=headline, body=body, source_language=language,
                      source_format="feed")  # fmt: skip
    # character references make characters of their own: "&#x85;" is not in the raw text
    article = intake.accept_article(article, where)
    return article, tuple(len(field_blocks) for field_blocks in blocks)


def _title_text(el: etree._Element) -> str:
    """A title as plain text: Atom's html and xhtml titles lose their markup."""
    kind = el.get("type", "text")
    if kind == "html" and el.text:
        return html.visible_text(html.parse_fragment(el.text))
    return html.visible_text(el)


def _blocks(field: Field) -> tuple[Block, ...]:
    if field.kind == "html":
        return html.body_blocks(field.element.text or "")
    if field.kind == "xhtml":
        return html.body_blocks(xhtml_inner(field.element))
    return paragraph_blocks(field.element.text or "")
