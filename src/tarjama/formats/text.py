"""Plain-text articles in the newsroom layout of the seed sample.

    Headline
    <blank>
    Standfirst
    <blank>
    Beta V.1.0 - Powered by automated translation      (optional label line, never translated)
    <blank>
    Body paragraph...
    <blank>
    Caption of a picture.  / AFP / Omar HAJ KADOUR     (a paragraph ending in an agency credit)

Without a label line, the second paragraph is the standfirst when it has no closing full stop (as
standfirsts are written); a short "By ..." paragraph after it is the byline.
"""

from __future__ import annotations

import re

from tarjama import inline, intake
from tarjama.credits import split_credit
from tarjama.model import Article, Block, BlockKind, Translation

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
LABEL_LINE = re.compile(
    r"^(?:beta\b[^\n]{0,80}|[^\n]{0,80}\b(?:powered by|machine|automated|automatic)\s+"
    r"(?:automated |machine )?translat\w*[^\n]{0,40})$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^By\s+\S[^\n]{0,80}$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BLANKS = re.compile(r"[ \t\r\f]+")
_LINE_BREAK = re.compile(r" ?\n ?")


def paragraph_blocks(text: str) -> tuple[Block, ...]:
    """Plain text inside another format (a feed's description, a ninjs body) as paragraphs: one
    a stretch between blank lines, escaped. Its line breaks stay ("Roads were closed.\n
    Officials said..." is two lines in the translation too); other blanks are one space."""
    return tuple(
        Block(BlockKind.PARAGRAPH, inline.escape_text(paragraph))
        for paragraph in (
            _LINE_BREAK.sub("\n", _BLANKS.sub(" ", p)).strip() for p in _BLANK_LINE.split(text)
        )
        if paragraph
    )


def read_text(text: str, *, language: str = "en", publisher_id: str = "") -> Article:
    """An Article from plain text under the text rule (``tarjama.intake``)."""
    text = intake.accept(text, "the text", lines=True)
    paras = paragraphs(text)
    headline, rest = paras[0], paras[1:]
    label = ""
    standfirst: list[str] = []
    label_at = next((i for i, p in enumerate(rest[:4]) if LABEL_LINE.match(p)), None)
    if label_at is not None:
        label = rest[label_at]
        standfirst, rest = rest[:label_at], rest[label_at + 1 :]
    elif len(rest) > 1 and not _SENTENCE_END.search(rest[0]):
        standfirst, rest = rest[:1], rest[1:]
    byline = ""
    if rest and _BYLINE.match(rest[0]):
        byline, rest = rest[0], rest[1:]
    body = tuple(_block(p) for p in rest)
    return Article(
        headline=inline.escape_text(headline),
        standfirst=inline.escape_text(" ".join(standfirst)),
        byline=inline.escape_text(byline),
        label=label,
        body=body,
        source_language=language,
        publisher_id=publisher_id,
        source_format="text",
        original=text,
    )


def _block(paragraph: str) -> Block:
    caption, credit = split_credit(paragraph)
    if credit:
        return Block(BlockKind.PICTURE, inline.escape_text(caption), credit=credit)
    return Block(BlockKind.PARAGRAPH, inline.escape_text(paragraph))


def provenance_line(t: Translation) -> str:
    p = t.provenance
    model = f", {p.model}" if p.model else ""
    return (
        f"Translated {p.source_language}->{p.target_language} by {p.engine} {p.engine_version}"
        f"{model}, {p.created}"
    )


def write_text(t: Translation) -> str:
    a = t.article
    out = [inline.plain(a.headline)]
    if a.standfirst:
        out.append(inline.plain(a.standfirst))
    out.append(t.label)
    if a.byline:
        out.append(inline.plain(a.byline))
    for block in a.prose():
        text = inline.plain(block.text)
        out.append(f"{text}  / {block.credit}" if block.credit else text)
    out.append(provenance_line(t))
    return "\n\n".join(out) + "\n"
