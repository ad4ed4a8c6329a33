"""Markup built with lxml: tagged text back to HTML for a new page (``from_inline``), and the
text and inner markup of parsed elements, for the formats that hold HTML in a field (a feed's
content, a ninjs body) and for sanitising."""

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

_TAG_NAME = re.compile(r"<([^\s/>]+)")
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})
"""Elements whose text no reader sees."""


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


def render(tagged: str, pairs: Sequence[tuple[str, str]]) -> str:
    """from_inline, but a block with broken tags loses its markup rather than the page."""
    try:
        return from_inline(tagged, pairs)
    except EngineError:
        log.warning("unbalanced inline tags, writing the text without markup: %r", tagged)
        return inline.escape_text(unescape(re.sub(r"</?[gx]\b[^>]*>", "", tagged)))


def serialise(el: Any) -> str:
    return str(lxml.html.tostring(el, encoding="unicode", with_tail=False))


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


def _hidden(el: Any) -> bool:
    """A comment, processing instruction or element whose text is not shown (a script)."""
    return not isinstance(el.tag, str) or el.tag.rsplit("}", 1)[-1].lower() in _HIDDEN_TAGS


def visible_text(el: Any) -> str:
    """The text of an element as a reader sees it: ``text_content()`` without the text of
    scripts, styles, templates and comments inside it."""
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
