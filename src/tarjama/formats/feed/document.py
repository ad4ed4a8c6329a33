"""A feed as a document: its flavour (RSS 2.0 or Atom 1.0), the prose fields of its items, and
the parsed XML the translation is written back into."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from html.entities import html5

from lxml import etree

from tarjama.errors import EmptyInputError, FormatError
from tarjama.formats import html
from tarjama.model import Article

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML = "http://www.w3.org/1999/xhtml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
# A feed, as its start tells: an XML declaration, comments or a doctype, then <rss> or <feed>.
_FEED_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*\?>\s*)?"
    r"(?:(?:<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>)\s*)*"
    r"<(?:rss|feed|rdf:RDF)[\s>/]",
    re.DOTALL | re.IGNORECASE,
)
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", re.DOTALL | re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\s+([\w.:-]+)")
_EXTERNAL = re.compile(r"<!ENTITY\s+([\w.:-]+)\s+(?:SYSTEM|PUBLIC)\b")
_UNDEFINED = re.compile(r"Entity '([\w.:-]+)' not defined")
_REFERENCE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_VERBATIM = re.compile(r"(<!\[CDATA\[.*?\]\]>|<!--.*?-->)", re.DOTALL)
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def looks_like_feed(text: str) -> bool:
    """Whether ``text`` opens as an RSS or Atom document."""
    return bool(_FEED_START.match(text[:4096]))


@dataclass(frozen=True)
class Field:
    """One prose element of an item: how its content is written, and what it reads as."""

    element: etree._Element
    kind: str  # "text", "html" or "xhtml"


@dataclass(frozen=True)
class Item:
    title: etree._Element | None
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its articles (the feed's description first, when it has one, then each
    item in order) and what is needed to write their translations back: the parsed document
    (copied for each translation) and how many blocks each article's fields hold."""

    root: etree._Element
    flavour: str  # "rss" or "atom"
    articles: tuple[Article, ...]
    has_description: bool
    blocks_per_field: tuple[tuple[int, ...], ...]


def parse(text: str) -> etree._Element:
    """The feed's document; raises FormatError when it is not well-formed.

    Entities declared in the feed's own doctype are expanded, within libxml2's bounds on how
    far they may grow (a billion-laughs feed is refused); nothing is fetched, no external DTD
    or entity read: a feed is outside input. HTML's named entities (``&nbsp;``, ``&eacute;``),
    which feeds use without declaring, stand for their characters."""
    parser = etree.XMLParser(
        resolve_entities="internal", no_network=True, load_dtd=False, strip_cdata=False
    )
    try:
        root = etree.fromstring(_html_entities(_DECLARATION.sub("", text, count=1)), parser)
    except etree.XMLSyntaxError as exc:
        if "amplification" in exc.msg or "entity reference loop" in exc.msg.lower():
            raise FormatError(
                "the feed's entities expand far beyond any feed's text (an entity bomb?): refused"
            ) from None
        undefined = _UNDEFINED.search(exc.msg)
        if undefined and undefined.group(1) in _external_entities(text):
            raise FormatError(
                f"the feed's &{undefined.group(1)}; is an external entity (a file or an "
                "address), which tarjama never reads"
            ) from None
        line, column = exc.position
        raise FormatError(f"the feed is not well-formed XML at line {line}, column {column}: "
                          f"{exc.msg}") from None  # fmt: skip
    if root is None:
        raise EmptyInputError("the feed is empty")
    return root


def _external_entities(text: str) -> set[str]:
    doctype = _DOCTYPE.search(text)
    return set(_EXTERNAL.findall(doctype.group())) if doctype else set()


def _html_entities(text: str) -> str:
    """``text`` with each HTML named entity that XML does not know and the feed does not
    declare written as the character references it stands for (but in CDATA and comments)."""
    doctype = _DOCTYPE.search(text)
    known = _XML_ENTITIES | set(_ENTITY_DECLARATION.findall(doctype.group() if doctype else ""))

    def reference(m: re.Match[str]) -> str:
        name = m.group(1)
        chars = html5.get(name + ";")
        if name in known or chars is None:
            return m.group()
        return "".join(f"&#{ord(c)};" for c in chars)

    parts = _VERBATIM.split(text)
    return "".join(p if i % 2 else _REFERENCE.sub(reference, p) for i, p in enumerate(parts))


def flavour_of(root: etree._Element) -> str:
    tag = etree.QName(root)
    if tag.localname == "rss" and tag.namespace is None:
        if root.find("channel") is None:
            raise FormatError("the RSS feed has no <channel>")
        return "rss"
    if tag.localname == "feed" and tag.namespace == ATOM:
        return "atom"
    if tag.localname == "feed":
        raise FormatError(f"a <feed> outside the Atom namespace ({ATOM}) is not an Atom feed")
    raise FormatError(
        f"a feed is RSS 2.0 (<rss>) or Atom 1.0 (<feed>); this document starts with "
        f"<{tag.localname}> (RSS 1.0/RDF feeds are not supported)"
    )


def walk(root: etree._Element, flavour: str) -> tuple[Field | None, list[Item]]:
    """The feed's description field and its items, in document order."""
    if flavour == "rss":
        channel = root.find("channel")
        assert channel is not None
        description = channel.find("description")
        described = _field(description, "html") if _has_text(description) else None
        items = [
            Item(item.find("title"), tuple(_rss_fields(item))) for item in channel.iter("item")
        ]
        return described, items
    subtitle = root.find(f"{{{ATOM}}}subtitle")
    described = _atom_field(subtitle) if _has_text(subtitle) else None
    entries = [
        Item(entry.find(f"{{{ATOM}}}title"), tuple(_atom_fields(entry)))
        for entry in root.iter(f"{{{ATOM}}}entry")
    ]
    return described, entries


def _rss_fields(item: etree._Element) -> Iterator[Field]:
    for el in (item.find("description"), item.find(f"{{{CONTENT}}}encoded")):
        if el is not None and _has_text(el):
            yield _field(el, "html")


def _atom_fields(entry: etree._Element) -> Iterator[Field]:
    for name in ("summary", "content"):
        el = entry.find(f"{{{ATOM}}}{name}")
        if _has_text(el) and (field := _atom_field(el)) is not None:
            yield field


def _atom_field(el: etree._Element | None) -> Field | None:
    if el is None:
        return None
    if el.get("src"):
        return None  # content elsewhere: nothing here to translate
    kind = el.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        return None  # a media type (an image, a document): left as it is
    return _field(el, kind)


def _field(el: etree._Element, kind: str) -> Field:
    if kind == "html" and "<" not in (el.text or "") and "&" not in (el.text or ""):
        kind = "text"  # RSS descriptions are often plain text: "a < b" stays words
    return Field(el, kind)


def _has_text(el: etree._Element | None) -> bool:
    return el is not None and bool("".join(el.itertext()).strip())


def xhtml_inner(el: etree._Element) -> str:
    """The markup inside an Atom xhtml field's <div>, without the XHTML namespace."""
    div = el.find(f"{{{XHTML}}}div")
    return html.inner_html(without_xhtml_namespace(div if div is not None else el), xhtml=True)


def without_xhtml_namespace(el: etree._Element) -> etree._Element:
    """A copy of ``el`` whose XHTML elements are in no namespace, as HTML has them."""
    holder = copy.deepcopy(el)
    for node in holder.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{XHTML}}}"):
            node.tag = node.tag[len(XHTML) + 2 :]
    etree.cleanup_namespaces(holder)
    return holder


def set_html(el: etree._Element, markup: str) -> None:
    """HTML in a feed's text: in a CDATA section, readable as it is, unless it cannot be."""
    el.text = etree.CDATA(markup) if "]]>" not in markup else markup


def label_html(label: str) -> str:
    return f'<p class="{html.LABEL_CLASS}">{escape(label)}</p>'
