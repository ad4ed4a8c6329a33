"""Reading: an Article from a ninjs 1.x, 2.x or 3.x document."""

from __future__ import annotations

from tarjama import intake
from tarjama.errors import FormatError
from tarjama.formats.ninjs.layout import KEYS, Slot, body_blocks, layout_of, load
from tarjama.model import Article, Block, BlockKind


def _first_text(slots: list[Slot]) -> str:
    return slots[0].text() if slots else ""


def read_ninjs(data: str, *, language: str | None = None) -> Article:
    """An Article from a ninjs 1.x, 2.x or 3.x document under the text rule
    (``tarjama.intake``); raises EmptyInputError, FormatError or CharacterError."""
    data = intake.accept(data, "the ninjs", lines=True)
    doc = load(data)
    layout = layout_of(doc)
    keys = KEYS[layout.version]
    headline = _first_text(layout.headline)
    body = body_blocks(layout.primary_body)
    if not headline and not any(b.text for b in body):
        raise FormatError("ninjs document has no headline and no body to translate")
    pictures = tuple(
        Block(
            BlockKind.PICTURE,
            _first_text(p.captions),
            credit=p.credit,
            src=p.src,
            alt=_first_text(p.alt),
            translatable=bool(p.captions or p.alt),
        )
        for p in layout.pictures
    )
    doc_language = doc.get("language")
    article = Article(
        headline=headline,
        body=body + pictures,
        source_language=language or (doc_language if isinstance(doc_language, str) else "en"),
        standfirst=_first_text(layout.standfirst),
        byline=_first_text(layout.byline),
        dateline=_first_text(layout.dateline),
        kicker=_first_text(layout.kicker),
        label=layout.label,
        published=str(doc.get(keys.first_created, "")),
        updated=str(doc.get(keys.version_created, "")),
        source_format="ninjs",
        original=data,
    )
    return intake.accept_article(article, "the ninjs")  # character references in HTML values
