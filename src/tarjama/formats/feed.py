"""RSS 2.0 and Atom 1.0 feeds: each item an article, written back into the same feed.

An item's (Atom: an entry's) title is the article's headline; its prose fields are its body,
one block per paragraph: RSS ``description`` and ``content:encoded`` (HTML, escaped or in
CDATA), Atom ``summary`` and ``content`` (``type`` text, html or xhtml). The feed's own
description (RSS channel ``description``, Atom ``subtitle``) is translated as one more article;
the feed's title (the publication's name), links, dates, GUIDs, enclosures, categories and
everything else are left as they are.

The translated feed is the original with those fields replaced in place: markup, links and
pictures inside the HTML stay around the right words, as in HTML pages. Its language is set
(RSS ``<language>``, Atom ``xml:lang``), and each item says it is a machine translation: the
label opens its first prose field (a paragraph of class ``tarjama-label`` in HTML, a line of
its own in text), or its title where it has none. A comment at the top names the engine.

The XML is read with entities left unexpanded and nothing fetched from the network, so a feed
cannot make tarjama read a local file or a URL.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape

from lxml import etree

from tarjama import inline, intake
from tarjama.errors import EmptyInputError, FormatError
from tarjama.formats import html
from tarjama.formats.sanitise import (
    GLOBAL_ATTRIBUTES,
    safe_identifier,
    safe_url,
    sanitise_html,
    sanitise_xhtml,
)
from tarjama.model import Article, Block, BlockKind, Translation

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML = "http://www.w3.org/1999/xhtml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_FOREIGN = frozenset({"http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML"})

_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
# A feed, as its start tells: an XML declaration, comments or a doctype, then <rss> or <feed>.
_FEED_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE[^>]*>)\s*)*"
    r"<(?:rss|feed|rdf:RDF)[\s>/]",
    re.DOTALL | re.IGNORECASE,
)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_BLANKS = re.compile(r"[ \t\n\r\f]+")


def looks_like_feed(text: str) -> bool:
    """Whether ``text`` opens as an RSS or Atom document."""
    return bool(_FEED_START.match(text[:4096]))


@dataclass(frozen=True)
class _Field:
    """One prose element of an item: how its content is written, and what it reads as."""

    element: etree._Element
    kind: str  # "text", "html" or "xhtml"


@dataclass(frozen=True)
class _Item:
    title: etree._Element | None
    fields: tuple[_Field, ...]


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


def read_feed(text: str, *, language: str | None = None) -> Feed:
    """A Feed from RSS 2.0 or Atom 1.0 text under the text rule (``tarjama.intake``); raises
    FormatError, EmptyInputError or CharacterError."""
    root = _parse(intake.accept(text, "the feed", lines=True))
    flavour = _flavour(root)
    described, items = _walk(root, flavour)
    source = language or _language(root, flavour) or "en"
    read = []
    if described is not None:
        read.append(_article(_Item(None, (described,)), source, "the feed's description"))
    read += [_article(item, source, f"the feed, item {n}") for n, item in enumerate(items, 1)]
    if not any(a.headline or a.body for a, _ in read):
        raise EmptyInputError("the feed has no items with text to translate")
    return Feed(
        root, flavour, tuple(a for a, _ in read), described is not None,
        tuple(counts for _, counts in read),
    )  # fmt: skip


def write_feed(feed: Feed, translations: Sequence[Translation], *, sanitise: bool = False) -> str:
    """The feed with every article's translation in place (the same order as ``articles``);
    with ``sanitise``, made safe for a feed reader to show (:func:`sanitise_feed`)."""
    if len(translations) != len(feed.articles):
        raise FormatError(
            f"{len(translations)} translations for a feed of {len(feed.articles)} articles"
        )
    root = copy.deepcopy(feed.root)
    described, items = _walk(root, feed.flavour)
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


# --- reading ----------------------------------------------------------------------------------


def _parse(text: str) -> etree._Element:
    """The feed's document; raises FormatError when it is not well-formed."""
    # Entities stay unexpanded and nothing is fetched: a feed is outside input.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, strip_cdata=False
    )
    try:
        root = etree.fromstring(_DECLARATION.sub("", text, count=1), parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise FormatError(f"the feed is not well-formed XML at line {line}, column {column}: "
                          f"{exc.msg}") from None  # fmt: skip
    if root is None:
        raise EmptyInputError("the feed is empty")
    return root


def _flavour(root: etree._Element) -> str:
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


def _language(root: etree._Element, flavour: str) -> str:
    if flavour == "rss":
        value = root.findtext("channel/language") or ""
    else:
        value = root.get(XML_LANG) or ""
    return value.strip().split("-")[0].lower()


def _walk(root: etree._Element, flavour: str) -> tuple[_Field | None, list[_Item]]:
    """The feed's description field and its items, in document order."""
    if flavour == "rss":
        channel = root.find("channel")
        assert channel is not None
        description = channel.find("description")
        described = _field(description, "html") if _has_text(description) else None
        items = [
            _Item(item.find("title"), tuple(_rss_fields(item))) for item in channel.iter("item")
        ]
        return described, items
    subtitle = root.find(f"{{{ATOM}}}subtitle")
    described = _atom_field(subtitle) if _has_text(subtitle) else None
    entries = [
        _Item(entry.find(f"{{{ATOM}}}title"), tuple(_atom_fields(entry)))
        for entry in root.iter(f"{{{ATOM}}}entry")
    ]
    return described, entries


def _rss_fields(item: etree._Element) -> Iterator[_Field]:
    for el in (item.find("description"), item.find(f"{{{CONTENT}}}encoded")):
        if el is not None and _has_text(el):
            yield _field(el, "html")


def _atom_fields(entry: etree._Element) -> Iterator[_Field]:
    for name in ("summary", "content"):
        el = entry.find(f"{{{ATOM}}}{name}")
        if _has_text(el) and (field := _atom_field(el)) is not None:
            yield field


def _atom_field(el: etree._Element | None) -> _Field | None:
    if el is None:
        return None
    if el.get("src"):
        return None  # content elsewhere: nothing here to translate
    kind = el.get("type", "text")
    if kind not in ("text", "html", "xhtml"):
        return None  # a media type (an image, a document): left as it is
    return _field(el, kind)


def _field(el: etree._Element, kind: str) -> _Field:
    if kind == "html" and "<" not in (el.text or "") and "&" not in (el.text or ""):
        kind = "text"  # RSS descriptions are often plain text: "a < b" stays words
    return _Field(el, kind)


def _has_text(el: etree._Element | None) -> bool:
    return el is not None and bool("".join(el.itertext()).strip())


def _article(item: _Item, language: str, where: str) -> tuple[Article, tuple[int, ...]]:
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


def _blocks(field: _Field) -> tuple[Block, ...]:
    if field.kind == "html":
        return html.body_blocks(field.element.text or "")
    if field.kind == "xhtml":
        return html.body_blocks(_xhtml_inner(field.element))
    return tuple(
        Block(BlockKind.PARAGRAPH, inline.escape_text(text))
        for text in (
            _BLANKS.sub(" ", p).strip() for p in _PARAGRAPHS.split(field.element.text or "")
        )
        if text
    )


def _xhtml_inner(el: etree._Element) -> str:
    """The markup inside an Atom xhtml field's <div>, without the XHTML namespace."""
    div = el.find(f"{{{XHTML}}}div")
    holder = copy.deepcopy(div if div is not None else el)
    for node in holder.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{XHTML}}}"):
            node.tag = node.tag[len(XHTML) + 2 :]
    etree.cleanup_namespaces(holder)
    inner = [escape(holder.text or "", quote=False)]
    inner += [etree.tostring(child, encoding="unicode") for child in holder]
    return "".join(inner)


# --- writing ----------------------------------------------------------------------------------


def _write_title(el: etree._Element, plain: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = escape(plain, quote=False) if el.get("type") == "html" else plain
    if el.get("type") == "xhtml":
        el.set("type", "text")


def _write_fields(fields: Sequence[_Field], counts: Sequence[int], blocks: Sequence[Block]) -> None:
    """Each field's share of ``blocks`` (``counts``, as read) written into it."""
    if sum(counts) != len(blocks):
        raise FormatError(
            f"the translation has {len(blocks)} blocks; the feed item has {sum(counts)}"
        )
    at = 0
    for field, n in zip(fields, counts, strict=True):
        _write_field(field, blocks[at : at + n])
        at += n


def _write_field(field: _Field, blocks: Sequence[Block]) -> None:
    el = field.element
    if field.kind == "html":
        _set_html(el, html.replace_body_blocks(el.text or "", blocks))
    elif field.kind == "xhtml":
        written = html.replace_body_blocks(_xhtml_inner(el), blocks, xhtml=True)
        div = etree.fromstring(f'<div xmlns="{XHTML}">{written}</div>')
        for child in list(el):
            el.remove(child)
        el.text = None
        el.append(div)
    else:
        el.text = "\n\n".join(inline.plain(b.text) for b in blocks)


def _set_html(el: etree._Element, markup: str) -> None:
    """HTML in a feed's text: in a CDATA section, readable as it is, unless it cannot be."""
    el.text = etree.CDATA(markup) if "]]>" not in markup else markup


def _label_html(label: str) -> str:
    return f'<p class="{html.LABEL_CLASS}">{escape(label)}</p>'


def _label_field(field: _Field, label: str) -> None:
    el = field.element
    if field.kind == "html":
        _set_html(el, _label_html(label) + (el.text or ""))
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


# --- a feed of stored translations ----------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One stored translation for a feed: the article's id and version, and when it changed."""

    publisher_id: str
    version: str
    updated: datetime
    translation: Translation


def news_feed(
    entries: Sequence[FeedEntry],
    *,
    language: str,
    title: str,
    link: str,
    description: str,
) -> str:
    """An RSS 2.0 feed of translated articles, newest first as given: each item's title is the
    headline, its ``description`` the label and standfirst, its ``content:encoded`` the body
    (HTML, in the language's direction), its ``link`` the article's canonical address when it
    has one, and its GUID the article's id, version and language. It is sanitised as
    :func:`sanitise_feed` says: the service hands it to readers."""
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"content": CONTENT})
    channel = etree.SubElement(rss, "channel")
    for tag, text in (
        ("title", title), ("link", link), ("description", description),
        ("language", language), ("generator", "tarjama"),
    ):  # fmt: skip
        etree.SubElement(channel, tag).text = text
    if entries:
        newest = max(e.updated for e in entries)
        etree.SubElement(channel, "lastBuildDate").text = format_datetime(newest)
    direction = html.text_direction(language)
    for entry in entries:
        a = entry.translation.article
        item = etree.SubElement(channel, "item")
        etree.SubElement(item, "title").text = inline.plain(a.headline)
        if a.canonical_url:
            etree.SubElement(item, "link").text = a.canonical_url
        guid = f"{entry.publisher_id}@{entry.version}/{language}"
        etree.SubElement(item, "guid", {"isPermaLink": "false"}).text = guid
        etree.SubElement(item, "pubDate").text = format_datetime(entry.updated)
        summary = _label_html(entry.translation.label)
        if a.standfirst:
            summary += f"<p>{escape(inline.plain(a.standfirst))}</p>"
        _set_html(etree.SubElement(item, "description"), summary)
        body = html.blocks_to_html(a.body)
        content = etree.SubElement(item, f"{{{CONTENT}}}encoded")
        _set_html(content, f'<div lang="{language}" dir="{direction}">{body}</div>')
    sanitise_feed(rss)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + str(etree.tostring(rss, encoding="unicode"))
        + "\n"
    )


# --- sanitising ---------------------------------------------------------------------------------

_URL_ATTRIBUTES = frozenset({"href", "src", "url", "uri"})
_URL_ELEMENTS = frozenset({"link", "comments", "docs", "url", "uri", "icon", "logo"})


def sanitise_feed(root: etree._Element) -> None:
    """Make an RSS or Atom feed safe for a reader to show, in place.

    HTML (RSS ``description`` and ``content:encoded``, Atom text of type html) is sanitised, as
    is XHTML (an Atom ``xhtml`` field's ``<div>``, or any other XHTML in the feed); SVG and
    MathML go, and so does inline XML of other types in Atom content. An address with a
    scheme that could run script goes: an attribute (``href``, ``src``, ``url``, ``uri``,
    ``xml:base``; a ``<link>`` left without its ``href`` goes whole), an element holding one
    (RSS ``<link>``, ``<comments>``, ``<docs>``, ``<url>``; Atom ``<uri>``, ``<icon>``,
    ``<logo>``); an RSS ``<guid>`` holding one is no longer a permalink, and an Atom ``<id>``
    becomes ``urn:tarjama:unsafe-uri:`` and a digest of it. Processing instructions go (one
    may name a stylesheet for a browser to run). Titles are plain text, and stay so.
    """
    # A processing instruction may name a stylesheet (XSLT) for a browser to apply.
    etree.strip_elements(root.getroottree(), etree.PI, with_tail=False)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or not _within(el, root):
            continue  # not an element, or in a part already replaced or removed
        name = etree.QName(el)
        parent = el.getparent()
        if name.namespace in _FOREIGN:
            _remove(el)
        elif name.namespace == XHTML:
            if parent is None or _namespace(parent) != XHTML:
                _sanitise_xhtml(el)
        elif _sanitise_urls(el, name):
            kind = _content_kind(el, name)
            if kind == "html":
                _sanitise_text_html(el)
            elif kind in ("xhtml", "xml"):
                # an xhtml field holds one XHTML <div>, handled as XHTML; inline XML of any
                # other type (an SVG picture) is nothing a reader needs
                for child in list(el):
                    if kind == "xml" or _namespace(child) != XHTML:
                        _remove(child)


def _namespace(node: etree._Element) -> str | None:
    return etree.QName(node).namespace if isinstance(node.tag, str) else None


def _within(el: etree._Element, root: etree._Element) -> bool:
    return el is root or any(a is root for a in el.iterancestors())


def _content_kind(el: etree._Element, name: etree.QName) -> str:
    """What an element's content is: "html" (text to read as HTML), "xhtml", "xml" (inline XML
    of another type) or "" (text, or nothing a reader renders)."""
    if (name.namespace, name.localname) in ((None, "description"), (CONTENT, "encoded")):
        return "html"
    if name.namespace != ATOM or name.localname == "link":
        return ""
    kind = (el.get("type") or "text").lower()
    if "xhtml" in kind:
        return "xhtml"
    if kind.endswith(("+xml", "/xml")):
        return "xml"
    return "html" if "html" in kind else ""


def _sanitise_text_html(el: etree._Element) -> None:
    markup = (el.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in el)
    if len(el) == 0 and "<" not in markup:
        return  # no markup: nothing can run
    for child in list(el):
        el.remove(child)
    _set_html(el, sanitise_html(markup))


def _sanitise_xhtml(el: etree._Element) -> None:
    """Replace an island of XHTML (its root ``el``) with its sanitised copy in a ``<div>`` (an
    Atom field's div keeps its global attributes; any other root is sanitised with its
    content)."""
    holder = copy.deepcopy(el)
    holder.tail = None
    for node in holder.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{XHTML}}}"):
            node.tag = node.tag[len(XHTML) + 2 :]
    etree.cleanup_namespaces(holder)
    if holder.tag == "div":
        markup = html.inner_html(holder, xhtml=True)
        kept = {k: v for k, v in holder.attrib.items() if k in GLOBAL_ATTRIBUTES}
    else:
        markup, kept = etree.tostring(holder, encoding="unicode"), {}
    clean = etree.fromstring(f'<div xmlns="{XHTML}">{sanitise_xhtml(markup)}</div>')
    for name, value in kept.items():
        clean.set(name, value)
    clean.tail = el.tail
    parent = el.getparent()
    if parent is not None:
        parent.replace(el, clean)


def _sanitise_urls(el: etree._Element, name: etree.QName) -> bool:
    """Drop the unsafe addresses of an element; False when that removed the element."""
    for attribute, value in list(el.attrib.items()):
        local = etree.QName(attribute).localname
        if (local in _URL_ATTRIBUTES or attribute == XML_BASE) and not safe_url(value):
            del el.attrib[attribute]
            if name.localname == "link" and local == "href":
                _remove(el)
                return False
    text = (el.text or "").strip()
    if not text or len(el) or safe_url(text):
        return True
    if name.localname in _URL_ELEMENTS and name.namespace in (None, ATOM):
        _remove(el)
        return False
    if name.localname == "guid" and name.namespace is None:
        el.set("isPermaLink", "false")
    elif name.localname == "id" and name.namespace == ATOM:
        el.text = safe_identifier(text)
    return True


def _remove(el: etree._Element) -> None:
    """Remove an element and what is in it; the text after it (its tail) stays."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
