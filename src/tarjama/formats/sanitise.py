"""Sanitising what the service hands readers and CMSs: HTML through an allowlist, addresses
through a scheme allowlist.

HTML goes through nh3 (the Python binding of the Rust sanitiser ammonia, which parses with
html5ever as browsers parse, so what it lets through is what a browser will build):

- ``script``, ``style``, embedded objects, frames, forms and their controls, SVG, MathML,
  templates, ``noscript`` and media go with their content; comments go; other elements not on
  the allowlist are unwrapped (their text stays);
- attributes not on the allowlist go (``on*`` handlers and ``style`` among them);
  tarjama's own ``data-tarjama-*`` stay;
- URLs in ``href``, ``src`` and ``cite`` must be relative or use a scheme of
  :data:`SAFE_SCHEMES` (``javascript:``, ``data:``, ``vbscript:`` go, however they are spelled
  with entities, blanks, control characters, percent-encoding or case);
- a link keeps the ``rel`` its author gave it and gains none: the sanitiser adds no
  ``nofollow`` (a newsroom's links to its sources are not spam, and ``noopener`` has nothing
  to guard: no link may open a new browsing context, ``target`` is not allowed).

nh3 cleans fragments. A whole page (one that opens with a doctype or ``<html>``) has its body
cleaned by it and its head rebuilt from what is safe there: the charset, the title's text and
named ``<meta>`` (no ``http-equiv``, no ``referrer``); ``<html>`` and ``<body>`` keep their
``lang``, ``dir`` and other global attributes.

:func:`safe_url` is the rule for addresses outside HTML attributes (a ninjs ``uri`` or
``href``, a feed's ``<link>``): the same schemes, judged after taking out what a browser's URL
parser ignores (blanks and control characters), after decoding character references and after
percent-decoding.
"""

from __future__ import annotations

import hashlib
import re
from html import escape, unescape
from urllib.parse import unquote

import lxml.html
import nh3

from tarjama.formats.html import inner_html


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DROP_WITH_CONTENT = _words(
    "script style iframe frame frameset object embed applet noscript noembed noframes template "
    "svg math form button select textarea option optgroup datalist audio video canvas dialog "
    "portal xmp plaintext title head"
)
ALLOWED_TAGS = _words(
    "article section header footer main aside nav address div span p h1 h2 h3 h4 h5 h6 br hr a "
    "abbr b i u s em strong small sub sup mark q cite code kbd samp var dfn del ins time "
    "blockquote pre ul ol li dl dt dd figure figcaption img picture table thead tbody tfoot tr "
    "td th caption colgroup col bdi bdo wbr"
)
GLOBAL_ATTRIBUTES = _words("class id lang dir title translate")
TAG_ATTRIBUTES = {
    "a": _words("href hreflang rel"),
    "img": _words("src alt width height"),
    "blockquote": _words("cite"),
    "q": _words("cite"),
    "del": _words("cite datetime"),
    "ins": _words("cite datetime"),
    "time": _words("datetime"),
    "td": _words("colspan rowspan headers"),
    "th": _words("colspan rowspan headers scope"),
    "col": _words("span"),
    "colgroup": _words("span"),
    "ol": _words("start reversed type"),
}
SAFE_SCHEMES = _words("http https mailto tel urn tag")
"""Schemes a link or address may have (or none: a relative URL). ``urn`` and ``tag`` are the
identifiers ninjs and Atom documents use; no browser runs them."""
URL_ATTRIBUTES = _words("href src cite")


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """nh3 has judged the scheme; :func:`safe_url` also refuses what only decoding reveals."""
    return value if name not in URL_ATTRIBUTES or safe_url(value) else None


def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        attribute_filter=_attribute_filter,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={
            "*": set(GLOBAL_ATTRIBUTES),
            **{tag: set(names | GLOBAL_ATTRIBUTES) for tag, names in TAG_ATTRIBUTES.items()},
        },
        generic_attribute_prefixes={"data-tarjama-"},
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,  # links keep their own rel
        strip_comments=True,
    )


_CLEANER = _cleaner()

# What the WHATWG URL parser drops or ignores before it reads a scheme, and what some
# renderers ignore too (zero-width and line separators).
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_PAGE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype|html)\b", re.I | re.S)


def safe_url(url: str) -> bool:
    """True for relative URLs and those whose scheme is in :data:`SAFE_SCHEMES`, as written,
    with character references decoded, and percent-decoded (``jav%09ascript:``, which a
    serialiser may have made of a tab, is a relative URL to a browser, but no address anyone
    means)."""
    for candidate in (url, unescape(url), unquote(url)):
        m = _SCHEME.match(_INVISIBLE.sub("", candidate))
        if m is not None and m.group(1).lower() not in SAFE_SCHEMES:
            return False
    return True


def safe_identifier(uri: str) -> str:
    """``uri`` when :func:`safe_url`; else ``urn:tarjama:unsafe-uri:`` and a digest of it, for
    identifiers a document must keep (a ninjs ``uri``, an Atom ``<id>``): the same unsafe
    address always gives the same URN."""
    if safe_url(uri):
        return uri
    digest = hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"urn:tarjama:unsafe-uri:{digest}"


def sanitise_fragment(html: str) -> str:
    """A sanitised copy of an HTML fragment."""
    return str(_CLEANER.clean(html))


def sanitise_xhtml(fragment: str) -> str:
    """A sanitised copy of an XHTML fragment, written as XML (for an Atom ``xhtml`` field or a
    ninjs body of type ``application/xhtml+xml``), without namespace declarations."""
    wrapper = lxml.html.fragment_fromstring(sanitise_fragment(fragment), create_parent="div")
    return inner_html(wrapper, xhtml=True)


def sanitise_html(html: str) -> str:
    """A sanitised copy of an HTML page or fragment (a page keeps its doctype and head)."""
    if not _PAGE.match(html):
        return sanitise_fragment(html)
    root = lxml.html.document_fromstring(html)
    head = root.find("head")
    body = root.find("body")
    parts = ["<!DOCTYPE html>\n", f"<html{_attributes(root)}>", '<head><meta charset="utf-8">']
    if head is not None:
        for el in head:
            if el.tag == "title":
                parts.append(f"<title>{escape(el.text_content(), quote=False)}</title>")
            elif el.tag == "meta" and el.get("name") and el.get("name").lower() != "referrer":
                name, content = escape(el.get("name")), escape(el.get("content", ""))
                parts.append(f'<meta name="{name}" content="{content}">')
    parts.append("</head>")
    if body is None:
        parts.append("<body></body></html>")
        return "".join(parts)
    parts += [f"<body{_attributes(body)}>", sanitise_fragment(inner_html(body)), "</body></html>"]
    return "".join(parts)


def _attributes(el: lxml.html.HtmlElement) -> str:
    """The global attributes of ``<html>`` or ``<body>``, written out."""
    return "".join(
        f' {name}="{escape(value)}"'
        for name, value in el.attrib.items()
        if name.lower() in GLOBAL_ATTRIBUTES or name.lower().startswith("data-tarjama-")
    )
