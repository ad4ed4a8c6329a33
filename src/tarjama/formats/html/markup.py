"""Inline markup <-> tagged text, and the text of elements: what travels to the engine and back.

Paired inline elements (``<a href>``, ``<em>``...) become ``<g id="N">``, standalone ones
(``<br>``, ``<img>``, anything marked ``translate="no"`` or ``notranslate``) become
``<x id="N"/>``, and the original markup is kept for each id (``Inline``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from html import unescape
from typing import Any

import lxml.html
from lxml import etree

from tarjama import inline
from tarjama.errors import EngineError

log = logging.getLogger(__name__)

Inline = tuple[tuple[str, str], ...]


def words(names: str) -> frozenset[str]:
    return frozenset(names.split())


PAIRED_TAGS = words(
    "a em strong b i span sub sup small abbr cite q time u mark s del ins dfn bdi bdo font"
)
"""Inline elements whose words are translated: they travel as ``<g id>`` pairs."""

OPAQUE_TAGS = words(
    "br wbr hr img input code kbd samp var script style svg math iframe video audio picture "
    "object embed canvas noscript template button select textarea source track"
)
"""Elements carried whole as ``<x id/>``: void elements and content that must not be translated."""

_HIDDEN_TAGS = words("script style template noscript")
"""Elements whose text no reader sees: never words of a headline, standfirst or byline."""

SPACES = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space is meant to stay
_TAG_NAME = re.compile(r"<([^\s/>]+)")


def to_inline(element: Any) -> tuple[str, Inline]:
    """The content of ``element`` as tagged text, and the original markup for each tag id.

    Whitespace runs collapse to one space (HTML renders them so; engines should not see the
    source's indentation).
    """
    pairs: list[tuple[str, str]] = []
    out: list[str] = []

    def text(value: str | None) -> None:
        if value:
            out.append(inline.escape_text(SPACES.sub(" ", value)))

    def walk(el: Any) -> None:
        text(el.text)
        for child in el:
            if _is_opaque(child):
                pairs.append((str(len(pairs) + 1), serialise(child)))
                out.append(inline.placeholder(len(pairs)))
            else:
                pairs.append((str(len(pairs) + 1), _opening_tag(child)))
                out.append(f'<g id="{len(pairs)}">')
                walk(child)
                out.append("</g>")
            text(child.tail)

    walk(element)
    return "".join(out).strip(" "), tuple(pairs)


def from_inline(tagged: str, pairs: Sequence[tuple[str, str]]) -> str:
    """HTML for tagged text: each ``<g>`` back to its original element, each ``<x/>`` likewise.

    A g id may appear twice (the engine split a phrase) or not at all (it dropped the words);
    an id with no markup is dropped. Raises EngineError on unbalanced tags.
    """
    markup = dict(pairs)
    out: list[str] = []
    for tok in inline.parse(tagged):
        if isinstance(tok, inline.Text):
            out.append(inline.escape_text(tok.text))
        elif isinstance(tok, inline.Placeholder | inline.Open):
            out.append(markup.get(str(tok.id), ""))
        elif str(tok.id) in markup:
            name = _TAG_NAME.match(markup[str(tok.id)])
            out.append(f"</{name.group(1)}>" if name else "")
    return "".join(out)


def _is_opaque(el: Any) -> bool:
    return not isinstance(el.tag, str) or el.tag in OPAQUE_TAGS or no_translate(el)


def no_translate(el: Any) -> bool:
    return el.get("translate", "").lower() == "no" or "notranslate" in el.get("class", "").split()


def serialise(el: Any) -> str:
    return str(lxml.html.tostring(el, encoding="unicode", with_tail=False))


def _opening_tag(el: Any) -> str:
    shallow = el.makeelement(el.tag, el.attrib)
    html = serialise(shallow)
    closing = f"</{el.tag}>"
    return html[: -len(closing)] if html.endswith(closing) else html


def render(tagged: str, pairs: Sequence[tuple[str, str]]) -> str:
    """from_inline, but a block with broken tags loses its markup rather than the page."""
    try:
        return from_inline(tagged, pairs)
    except EngineError:
        log.warning("unbalanced inline tags, writing the text without markup: %r", tagged)
        return inline.escape_text(unescape(re.sub(r"</?[gx]\b[^>]*>", "", tagged)))


def set_content(el: Any, html: str) -> None:
    """Replace what is inside ``el`` with ``html``; its attributes and tail stay."""
    for child in list(el):
        el.remove(child)
    el.text = None
    if not html.strip():
        el.text = html
        return
    parsed = parse_fragment(html)
    el.text = parsed.text
    for child in list(parsed):
        el.append(child)


def set_text(el: Any, escaped: str) -> None:
    """Put plain translated text into ``el`` (a headline, standfirst or byline).

    Their markup was flattened for the engine, but a child whose words come through unchanged
    (the name in "By <a href>Lena Park</a>") is wrapped again, so its link survives.
    """
    text = unescape(escaped)
    children = list(el)
    for child in children:
        el.remove(child)
    el.text, last, pos = "", None, 0
    for child in children:
        if _hidden(child):
            # no words of the headline: kept whole, where the text has got to
            child.tail = None
            el.append(child)
            last = child
            continue
        words = SPACES.sub(" ", visible_text(child)).strip()
        m = re.compile(re.escape(words), re.I).search(text, pos) if words else None
        if m is None:
            continue
        if last is None:
            el.text = text[pos : m.start()]
        else:
            last.tail = text[pos : m.start()]
        if len(child) == 0:
            child.text = m.group()
        child.tail = None
        el.append(child)
        last, pos = child, m.end()
    if last is None:
        el.text = text[pos:]
    else:
        last.tail = text[pos:]


def plain_text(el: Any) -> str:
    """Element text without markup, escaped (headline, standfirst, byline)."""
    return inline.escape_text(SPACES.sub(" ", visible_text(el)).strip())


def _hidden(el: Any) -> bool:
    """A comment, processing instruction or element whose text is not shown (a script)."""
    return not isinstance(el.tag, str) or el.tag.rsplit("}", 1)[-1].lower() in _HIDDEN_TAGS


def visible_text(el: Any) -> str:
    """The text of an element as a reader sees it: ``text_content()`` without the text of
    scripts, styles, templates and comments inside it (a ``<script>`` in an ``<h1>`` is no
    part of the headline)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        out.append(node.text or "")
        for child in node:
            if not _hidden(child):
                walk(child)
            out.append(child.tail or "")

    walk(el)
    return "".join(out)


# libxml2 reads a fragment as the body of "<html><body>...</body></html>"; an element whose content
# is raw text (script, style, title, textarea, xmp, iframe) left open at the end of the fragment
# takes those closing tags for its own text, and a page or a script would carry them out.
_WRAPPER_TAIL = "</body></html>"


def parse_fragment(text: str) -> Any:
    """An HTML fragment in a ``<div>`` of its own, as ``lxml.html.fragment_fromstring`` reads
    it, but for the parser's closing tags in a raw-text element left open at its end."""
    root = lxml.html.fragment_fromstring(text, create_parent="div")
    last = root
    while len(last):
        last = last[-1]
    if (
        last is not root
        and last.text
        and last.text.endswith(_WRAPPER_TAIL)
        and not text.rstrip().endswith(_WRAPPER_TAIL)
    ):
        last.text = last.text[: -len(_WRAPPER_TAIL)]
    return root


def inner_html(el: Any, *, xhtml: bool = False) -> str:
    """The markup inside an element, its own tag left out."""
    method = "xml" if xhtml else "html"
    inner = [inline.escape_text(el.text or "")]
    inner += [etree.tostring(c, method=method, encoding="unicode") for c in el]
    return "".join(inner)


def page_html(page: Any) -> str:
    """A whole page (an element or a tree) as HTML, with its doctype."""
    return str(etree.tostring(page, method="html", encoding="unicode", doctype="<!DOCTYPE html>"))
