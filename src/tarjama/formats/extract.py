"""The article in a whole page: its text found by readability-lxml (a port of Arc90's
Readability, imported only when an extraction is asked for), its metadata read from the page.

``extract`` returns a clean Article, written as a new page in tarjama's layout (or as ninjs):
the headline, the standfirst (the page's description), the byline, the body's paragraphs,
headings, lists, quotes and pictures with their markup (a list of related articles at its end
left out), and the page's metadata carried over:
its site's name, lead image, canonical address, publication and update times and language. The
headline and standfirst are translated with the body; names (author, site) are not.

Where a value is taken from, first found first: the headline from ``og:title``, JSON-LD
``headline``, the first ``<h1>``, Readability's title (without the site's name appended,
"... - BBC News"); the standfirst from the meta description, ``og:description``, JSON-LD
``description``; the byline from JSON-LD ``author``, ``<meta name="author">``, ``byl``,
``parsely-author``, ``dc.creator``, an element of class byline, ``rel="author"`` (the names
alone: no "By", no date after them); times from
``article:published_time`` / ``article:modified_time``, JSON-LD ``datePublished`` /
``dateModified``, the first ``<time datetime>``; the site from ``og:site_name``, JSON-LD
``publisher``; the lead image from ``og:image``, ``twitter:image``, JSON-LD ``image``; the
address from ``<link rel="canonical">``, ``og:url``; the language from ``<html lang>``,
``og:locale``, ``content-language``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

from tarjama import inline, intake
from tarjama.errors import FormatError
from tarjama.formats.html.read import body_blocks, parse
from tarjama.formats.html.source import Document, Element, Text
from tarjama.formats.html.units import SPACES, visible_text
from tarjama.model import Article, Block, BlockKind

log = logging.getLogger(__name__)

_LEAST_WORDS = 15
"""An article shorter than this is a page of links or an empty shell that Readability fell
back on."""
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?=$|[-_])")
_RELATED = re.compile(
    r"(?:related|related (?:posts|articles|stories|content|coverage)|more (?:from|on|in) .+"
    r"|read (?:more|next)|you (?:may|might) also like|recommended(?: for you)?)[.:]?",
    re.IGNORECASE,
)


def extract(text: str, *, language: str | None = None, publisher_id: str = "") -> Article:
    """The article of the page ``text``, with its metadata; FormatError when no article can
    be found in it (a page of links, an empty shell)."""
    doc, found = parse(text)
    from readability import Document as Readable  # lxml-based; a few MB, loaded when used

    readable = Readable(text)
    try:
        summary = readable.summary(html_partial=True)
    except Exception as exc:  # readability raises its own Unparseable, and lxml's errors
        raise FormatError(f"no article could be found in the page: {exc}") from exc
    meta = _Metadata(doc)
    body = _without_related(list(body_blocks(summary, "the page")))
    words = sum(len(inline.plain(b.text).split()) for b in body if b.kind is not BlockKind.META)
    if words < _LEAST_WORDS:
        raise FormatError(
            f"no article could be found in the page: what looks most like one has {words} words"
        )
    image = meta.image()
    if image and not any(b.src == image for b in body):
        alt = meta.first(meta.meta("og:image:alt"), meta.meta("twitter:image:alt"))
        body.insert(0, Block(BlockKind.PICTURE, "", src=image, alt=_text(alt),
                             translatable=bool(alt)))  # fmt: skip
    h1 = found.parts.headline
    headline = meta.first(
        meta.meta("og:title"),
        meta.ld("headline"),
        visible_text(doc, h1) if h1 is not None else "",
        readable.short_title(),
    )
    site = _plain(meta.first(meta.meta("og:site_name"), meta.ld_name("publisher")))
    headline = _without_site(headline, site)
    article = Article(
        headline=_text(headline),
        body=tuple(body),
        source_language=language or meta.language() or "en",
        publisher_id=publisher_id,
        standfirst=_text(
            meta.first(
                meta.meta("description"), meta.meta("og:description"), meta.ld("description")
            )
        ),
        byline=_text(_byline(meta.author())),
        canonical_url=meta.first(meta.link("canonical"), meta.meta("og:url")),
        published=meta.first(
            meta.meta("article:published_time"), meta.ld("datePublished"), meta.time()
        ),
        updated=meta.first(meta.meta("article:modified_time"), meta.ld("dateModified")),
        site=site,
        image=image,
        source_format="html",
    )
    return intake.accept_article(article, "the page")


def _without_related(body: list[Block]) -> list[Block]:
    """The body without a list of other articles at its end ("Related", "More from..."),
    which Readability keeps when it sits inside the article's element."""
    for at in range(len(body) // 3, len(body)):
        b = body[at]
        if b.kind is BlockKind.HEADING and _RELATED.fullmatch(inline.plain(b.text).strip()):
            return body[:at]
    return body


def _without_site(headline: str, site: str) -> str:
    """A title without the site's name that pages append to it ("... - BBC News")."""
    if site:
        for sep in (" - ", " | ", " – ", " — ", " :: "):
            if headline.endswith(sep + site) and len(headline) > len(sep + site):
                return headline[: -len(sep + site)].rstrip()
    return headline


_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
_BYLINE_TAIL = re.compile(
    r"\s*(?:[|,–—-]\s*)?(?:\b(?:updated|published|posted)\b|\bon\s+(?=\w+\.? \d)"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b"
    r"|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{4}"
    r"|\b\d{1,2}(?:/|\.)\d{1,2}(?:/|\.)\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b).*$",
    re.IGNORECASE | re.DOTALL,
)


def _byline(value: str) -> str:
    """The names of a byline: without the "By" before them (English, and no name) and the
    date a page's byline element often ends with ("By Ann Lee March 25, 2015")."""
    names = _BYLINE_TAIL.sub("", " ".join(value.split()))
    return _BY.sub("", names).strip(" ,|-–—")


def _plain(value: str) -> str:
    return SPACES.sub(" ", unescape(value)).strip()


def _text(value: str) -> str:
    """Metadata text as an Article's text field: blanks collapsed, escaped."""
    return inline.escape_text(_plain(value))


class _Metadata:
    """What the page says about itself: meta tags, links, JSON-LD, the first ``<time>``."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.elements = list(doc.elements())
        self.json_ld = [item for el in self.elements for item in _json_ld(doc, el)]

    @staticmethod
    def first(*values: str) -> str:
        return next((v.strip() for v in values if v and v.strip()), "")

    def meta(self, name: str) -> str:
        for el in self.elements:
            if el.tag == "meta" and name in (el.get("property").lower(), el.get("name").lower()):
                return el.get("content") or el.get("value")
        return ""

    def link(self, rel: str) -> str:
        for el in self.elements:
            if el.tag == "link" and rel in el.get("rel").lower().split():
                return el.get("href")
        return ""

    def ld(self, key: str) -> str:
        for item in self.json_ld:
            value = item.get(key)
            if isinstance(value, str) and value.strip():
                return value
        return ""

    def ld_name(self, key: str) -> str:
        """The name of a JSON-LD person or organisation (or of the first of a list)."""
        for item in self.json_ld:
            value = item.get(key)
            names = [_name(v) for v in (value if isinstance(value, list) else [value])]
            found = [n for n in names if n]
            if found:
                return ", ".join(dict.fromkeys(found))
        return ""

    def description(self) -> str:
        return self.first(self.meta("description"), self.meta("og:description"),
                          self.ld("description"))  # fmt: skip

    def author(self) -> str:
        byline = next((e for e in self.elements if _is_byline(e)), None)
        return self.first(
            self.ld_name("author"),
            self.meta("author"),
            self.meta("byl"),  # The New York Times
            self.meta("parsely-author"),
            self.meta("dc.creator"),
            self.meta("article:author") if not self.meta("article:author").startswith("http")
            else "",
            visible_text(self.doc, byline) if byline is not None else "",
        )  # fmt: skip

    def image(self) -> str:
        image = self.first(self.meta("og:image"), self.meta("twitter:image"))
        if image:
            return image
        for item in self.json_ld:
            value = item.get("image")
            value = value[0] if isinstance(value, list) and value else value
            if isinstance(value, dict):
                value = value.get("url")
            if isinstance(value, str) and value:
                return value
        return ""

    def time(self) -> str:
        return next((e.get("datetime") for e in self.elements
                     if e.tag == "time" and e.get("datetime")), "")  # fmt: skip

    def language(self) -> str:
        html = next((e for e in self.elements if e.tag == "html"), None)
        for value in (
            html.get("lang") if html is not None else "",
            html.get("xml:lang") if html is not None else "",
            self.meta("og:locale"),
            next((e.get("content") for e in self.elements
                  if e.tag == "meta" and e.get("http-equiv").lower() == "content-language"), ""),
        ):  # fmt: skip
            m = _LANGUAGE.match(value.strip())
            if m:
                return m.group().lower()
        return ""


def _is_byline(el: Element) -> bool:
    return any("byline" in c for c in el.classes()) or "author" in el.get("rel").split()


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"]).strip()
    return ""


def _json_ld(doc: Document, el: Element) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects of a script (those of a ``@graph`` too)."""
    if el.tag != "script" or el.get("type").strip().lower() != "application/ld+json":
        return
    raw = "".join(doc.raw(c) for c in el.children if isinstance(c, Text))
    try:
        data = json.loads(raw)
    except ValueError:
        log.debug("a JSON-LD script that is not JSON, left out")
        return
    stack = data if isinstance(data, list) else [data]
    for item in stack:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph if isinstance(g, dict))
