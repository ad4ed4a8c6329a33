"""Sanitising: a feed made safe for a reader to show, in place."""

from __future__ import annotations

from lxml import etree

from tarjama.formats import html
from tarjama.formats.feed.document import (
    ATOM,
    CONTENT,
    XHTML,
    XML_BASE,
    set_html,
    without_xhtml_namespace,
)
from tarjama.formats.sanitise import (
    GLOBAL_ATTRIBUTES,
    safe_identifier,
    safe_url,
    sanitise_html,
    sanitise_xhtml,
)

_FOREIGN = frozenset({"http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML"})
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
    set_html(el, sanitise_html(markup))


def _sanitise_xhtml(el: etree._Element) -> None:
    """Replace an island of XHTML (its root ``el``) with its sanitised copy in a ``<div>`` (an
    Atom field's div keeps its global attributes; any other root is sanitised with its
    content)."""
    holder = without_xhtml_namespace(el)
    holder.tail = None
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
