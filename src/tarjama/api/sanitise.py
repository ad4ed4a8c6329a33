"""Sanitising HTML the service hands out: an allowlist of elements and attributes, safe URLs.

Whatever an article or a correction contained, a reader's browser gets no script: ``script``,
``style``, embedded objects, frames, forms, SVG/MathML and templates go with their content;
comments and processing instructions go; other unknown elements are unwrapped (their text stays);
attributes not on the allowlist go, ``on*`` handlers and ``style`` among them; URLs in ``href``,
``src`` and ``cite`` must be relative or http(s), mailto or tel (``javascript:``, ``data:``,
``vbscript:`` go, however they are spelled with blanks, control characters or case).
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from tarjama.formats.html import parse_fragment


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DROP_WITH_CONTENT = _words(
    "script style iframe frame frameset object embed applet noscript noembed noframes template "
    "svg math form input button select textarea option link base param source track audio video "
    "canvas dialog portal"
)
ALLOWED_TAGS = _words(
    "html head body title meta article section header footer main aside nav address div span p "
    "h1 h2 h3 h4 h5 h6 br hr a abbr b i u s em strong small sub sup mark q cite code kbd samp var "
    "dfn del ins time blockquote pre ul ol li dl dt dd figure figcaption img picture table thead "
    "tbody tfoot tr td th caption colgroup col bdi bdo wbr"
)
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "lang", "dir", "title", "translate"})
TAG_ATTRIBUTES = {
    "a": frozenset({"href", "rel", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "th": frozenset({"colspan", "rowspan", "headers", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "meta": frozenset({"name", "content", "charset"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_DATA_ATTRIBUTE = re.compile(r"data-tarjama-[a-z-]+")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_url(url: str) -> bool:
    """True for relative URLs and those whose scheme is on the allowlist."""
    compact = _INVISIBLE.sub("", url)
    m = _SCHEME.match(compact)
    return m is None or m.group(1).lower() in SAFE_SCHEMES


def _allowed_attribute(tag: str, name: str) -> bool:
    name = name.lower()
    return (
        name in GLOBAL_ATTRIBUTES
        or name in TAG_ATTRIBUTES.get(tag, ())
        or bool(_DATA_ATTRIBUTE.fullmatch(name))
    )


def _remove(el: Any) -> None:
    """Remove an element and its content, keeping the text that follows it (its tail)."""
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


def clean(root: Any) -> None:
    """Sanitise an lxml.html tree in place (the root itself is kept, its attributes cleaned)."""
    for el in list(root.iter()):
        if el is root:
            continue
        if not isinstance(el.tag, str):  # comments, processing instructions, entities
            _remove(el)
            continue
        tag = el.tag.lower()
        if tag in DROP_WITH_CONTENT:
            _remove(el)
        elif tag not in ALLOWED_TAGS:
            el.drop_tag()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        for name in list(el.attrib):
            value = el.attrib[name]
            if not _allowed_attribute(tag, name) or (
                name.lower() in URL_ATTRIBUTES and not safe_url(value)
            ):
                del el.attrib[name]
        if tag == "a" and el.get("href"):
            el.set("rel", "noopener noreferrer nofollow")


def sanitise_html(html: str) -> str:
    """A sanitised copy of an HTML page or fragment (a page keeps its doctype)."""
    stripped = html.lstrip()
    if re.match(r"(?:<!doctype|<html\b)", stripped, re.I):
        root = lxml.html.document_fromstring(stripped)
        clean(root)
        return str(
            etree.tostring(
                root.getroottree(), method="html", encoding="unicode", doctype="<!DOCTYPE html>"
            )
        )
    wrapper = parse_fragment(stripped)
    clean(wrapper)
    return inner_html(wrapper)


def inner_html(el: Any) -> str:
    """The markup inside an element, its own tag left out."""
    parts = [_escape(el.text or "")]
    parts += [etree.tostring(child, method="html", encoding="unicode") for child in el]
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
