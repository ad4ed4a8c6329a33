"""Reading: an Article from an HTML page or fragment, its blocks in tagged text."""

from __future__ import annotations

from typing import Any

from tarjama import inline, intake
from tarjama.errors import FormatError
from tarjama.formats.html.markup import SPACES, parse_fragment, plain_text, to_inline
from tarjama.formats.html.parts import HEADINGS, figure_caption, find_parts, parse
from tarjama.model import Article, Block, BlockKind


def _picture_block(el: Any) -> Block:
    img = el if el.tag == "img" else el.find(".//img")
    _, caption, pairs, _, credit = figure_caption(el)
    alt = inline.escape_text(SPACES.sub(" ", img.get("alt", "")).strip())
    return Block(
        BlockKind.PICTURE,
        caption,
        credit=credit,
        src=img.get("src", ""),
        alt=alt,
        inline=pairs,
        translatable=bool(caption or alt),
    )


def _block(el: Any, kind: BlockKind) -> Block:
    if kind is BlockKind.PICTURE:
        return _picture_block(el)
    tagged, pairs = to_inline(el)
    return Block(kind, tagged, level=HEADINGS.get(el.tag, 0), inline=pairs)


def body_blocks(fragment: str) -> tuple[Block, ...]:
    """The blocks of an HTML body fragment (a ninjs body): no headline or byline is looked for."""
    root = parse_fragment(fragment)
    return tuple(_block(el, kind) for el, kind in find_parts(root, page=False, meta=False).blocks)


def read_html(data: str, *, language: str = "en", publisher_id: str = "") -> Article:
    """An Article from an HTML page or fragment, under the text rule (``tarjama.intake``);
    raises EmptyInputError, FormatError or CharacterError."""
    data = intake.accept(data, "the HTML", lines=True)
    root, page = parse(data)
    parts = find_parts(root, page=page)
    headline = plain_text(parts.headline) if parts.headline is not None else ""
    body = tuple(_block(el, kind) for el, kind in parts.blocks)
    if not headline and not any(b.text or b.alt for b in body):
        raise FormatError(
            "HTML input has no text to translate (no headline, paragraphs, headings, list items "
            "or captions found)"
        )

    def meta(name: str) -> str:
        found = root.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')
        return str(found[0]) if found else ""

    canonical = root.xpath('//link[@rel="canonical"]/@href')
    article = Article(
        headline=headline,
        body=body,
        source_language=language,
        publisher_id=publisher_id,
        standfirst=plain_text(parts.standfirst) if parts.standfirst is not None else "",
        byline=plain_text(parts.byline) if parts.byline is not None else "",
        dateline=plain_text(parts.dateline) if parts.dateline is not None else "",
        label=plain_text(parts.label) if parts.label is not None else "",
        canonical_url=str(canonical[0]) if canonical else "",
        published=meta("article:published_time"),
        updated=meta("article:modified_time"),
        source_format="html",
        original=data,
    )
    # character references make characters of their own: "&#x11;" is not in the raw text
    return intake.accept_article(article, "the HTML")
