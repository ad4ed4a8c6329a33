"""Formats in and out: bytes -> Article (``read``) and Translation -> text (``write``).

Readers: plain text in the newsroom layout (text.py), HTML fragments and whole pages (html/),
IPTC ninjs 1.x/2.x/3.x (ninjs/). Writers: the same three plus ``json``, the data model as JSON.
RSS and Atom feeds (feed/) hold many articles: ``feed.read_feed`` and ``feed.write_feed``.

A format is a package (or a module) with a reader (text -> ``Article``) and a writer
(``Translation`` -> text); add one to ``INPUT_FORMATS``/``OUTPUT_FORMATS`` and to ``read`` and
``write`` below, which import it only when it is chosen.
"""

from __future__ import annotations

import json
from dataclasses import replace

from tarjama import intake
from tarjama.errors import EmptyInputError, FormatError, InputTooLargeError, MarkupError
from tarjama.model import Article, SegmentOrigin, SegmentResult, Status, Translation

INPUT_FORMATS = ("text", "html", "ninjs", "feed")
OUTPUT_FORMATS = ("text", "html", "ninjs", "json")
MAX_INPUT_BYTES = 5 * 1024 * 1024


def decode(
    data: bytes,
    *,
    limit: int = MAX_INPUT_BYTES,
    name: str = "the input",
    text_rule: bool | None = None,
) -> str:
    """Text from raw input in whatever encoding it is in (``encoding.to_text``: a byte-order
    mark, the document's declaration, UTF-8, then detection), under the text rule
    (``tarjama.intake``: NFC, LF line ends), or an error that says what is wrong and where.

    By default the rule applies to the whole text unless it is HTML, whose reader applies it
    to the page's text alone (a control character in a script or an SVG ``id`` is markup,
    carried as it came). ``text_rule=False`` only for a file tarjama neither translates nor
    stores: a reference translation to score against stays as published (FLORES's Catalan
    holds a U+0093 where a quotation mark was meant), so scores stay comparable.
    """
    if len(data) > limit:
        raise InputTooLargeError(f"{name} is {len(data):,} bytes; the limit is {limit:,}")
    from tarjama.formats.encoding import to_text

    nul = data.find(b"\0")
    if nul >= 0 and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\0\0\xfe\xff")):
        # before decoding: binary files say so here, not as bad text
        before = data[:nul].decode("utf-8", errors="replace")
        raise intake.refusal(before + "\0", len(before), name, lines=True)
    text, _ = to_text(data, name)
    if text_rule or (text_rule is None and detect(text) != "html"):
        text = intake.accept(text, name, lines=True)
    if not text.strip():
        raise EmptyInputError(f"{name} is empty: nothing to translate")
    return text


def detect(text: str) -> str:
    head = text.lstrip()[:1]
    if head in "{[":
        return "ninjs"
    if head == "<":
        from tarjama.formats.feed import looks_like_feed

        return "feed" if looks_like_feed(text) else "html"
    return "text"


def read(data: bytes, fmt: str | None = None, *, language: str | None = None) -> Article:
    """An Article from raw input; ``language`` overrides what the document says (default en)."""
    return parse(decode(data), fmt, language=language)


def parse(text: str, fmt: str | None = None, *, language: str | None = None) -> Article:
    """An Article from decoded input (see ``read``)."""
    fmt = fmt or detect(text)
    if fmt == "text":
        from tarjama.formats.text import read_text

        return read_text(text, language=language or "en")
    if fmt == "html":
        from tarjama.formats.html import read_html

        return read_html(text, language=language or "en")
    if fmt == "ninjs":
        from tarjama.formats.ninjs import read_ninjs

        return read_ninjs(text, language=language)
    if fmt == "feed":
        raise FormatError("a feed holds many articles: read it with formats.feed.read_feed")
    raise FormatError(f"unknown input format {fmt!r}; use one of {', '.join(INPUT_FORMATS)}")


def write_checked(
    t: Translation, fmt: str, *, sanitise: bool = False, strict: bool = False
) -> tuple[str, Translation]:
    """``write``, and for a page translated in place, the check that its markup came through
    whole (``html.fidelity``): the translation comes back with a critical ``markup`` finding
    (needs review) when it did not, or with ``strict``, MarkupError instead of any output."""
    a = t.article
    if fmt != "html" or a.source_format != "html" or not a.original:
        return write(t, fmt, sanitise=sanitise), t
    from tarjama.formats.html import is_page, write_html
    from tarjama.formats.html.fidelity import differences
    from tarjama.formats.html.read import collector_paused

    with collector_paused():  # as when it was read: its objects live as long as the page
        written = write_html(t)
        found = differences(a.original, written, page=is_page(a.original))
    if found and strict:
        raise MarkupError(f"the translation ({t.language}) would change the page's markup: "
                          + "; ".join(found[:4]))  # fmt: skip
    if found:
        t = with_markup_finding(t, found)
    if sanitise:
        from tarjama.formats.sanitise import sanitise_html

        written = sanitise_html(written)
    return written, t


def with_markup_finding(t: Translation, differences: list[str]) -> Translation:
    from tarjama.qa.markup import MARKUP, markup_finding
    from tarjama.qa.score import risk_score

    finding = markup_finding(differences)
    segment = SegmentResult(
        MARKUP, 0, "", "", SegmentOrigin.COPY, risk_score([finding]), (finding,)
    )
    return replace(t, status=Status.NEEDS_REVIEW, segments=(*t.segments, segment))


def write(t: Translation, fmt: str, *, sanitise: bool = False) -> str:
    """The translation in ``fmt``; with ``sanitise``, HTML and addresses in it are made safe to
    show (``formats.sanitise``): what the service hands readers and CMSs. The CLI writes the
    user's own document back as it was, markup and all."""
    if fmt == "text":
        from tarjama.formats.text import write_text

        return write_text(t)
    if fmt == "html":
        from tarjama.formats.html import write_html

        if sanitise:
            if t.article.source_format != "html" or not t.article.original:
                # An article that came in another format is a page of the one renderer: its
                # templates escape every field and its body is sanitised before it goes in
                # (``render.article.body_html``), so the page keeps its head (the service's
                # stylesheet, hreflang, JSON-LD) rather than losing it to the sanitiser.
                from tarjama.render.article import translation_page

                return translation_page(t, static="/static/", home="/read")
            from tarjama.formats.sanitise import sanitise_html

            return sanitise_html(write_html(t))
        return write_html(t)
    if fmt == "ninjs":
        from tarjama.formats.ninjs import write_ninjs

        return write_ninjs(t, sanitise=sanitise)
    if fmt == "json":
        return json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n"
    raise FormatError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
