"""What is translated in an HTML document, each piece with where it is in the source.

A document's translatable pieces ("units"), in document order:

- **runs**: a stretch of text and inline markup inside one block (a paragraph, a heading, a list
  item, a table cell, a link in a menu, the text of a ``<div>`` before a nested list...). Inline
  elements in it (``a``, ``em``, ``span``...) travel with their words as ``<g id>`` pairs, as long
  as they hold only text and inline markup and both their tags are in the source; what is
  carried whole (``br``, ``img``, ``code``, ``time``, ``svg``, comments, anything marked
  ``translate="no"``, inline elements without words) travels as ``<x id/>``. An element that
  holds a block (``<a><div>...</div></a>``, a ``<li>`` with a nested ``<ul>``) is not inline: the
  text before, inside and after the block are runs of their own, never flattened or repeated.
  Markup without words at either end of a run stays where it is, outside the run, and so does
  an inline element that holds the whole run (a link in a menu): its content is the run;
- **attributes** people read: ``alt``, ``title``, ``aria-label``, ``aria-description``,
  ``placeholder``;
- **metadata**: ``<meta>`` description, ``og:title``, ``og:description``, ``og:image:alt``,
  ``twitter:title``, ``twitter:description``, ``twitter:image:alt``; in JSON-LD, the string
  values of ``headline``, ``alternativeHeadline``, ``description``, ``articleBody`` and
  ``caption``; and the page's ``<title>`` unless the headline is in it (then the headline's
  translation takes its place there, and the rest, the site's name, stays).

Never entered: ``script``, ``style``, ``template``, ``noscript``, ``textarea``, ``pre``,
``code``, ``svg``, ``math``, embedded media, anything marked ``translate="no"`` or
``class="notranslate"``, tarjama's own label; in a ``<figure>``, elements whose class names a
credit.

Reading turns each unit into a ``Block`` (``block()``); writing finds the same units in the
original again (the same function decides, so they are met in the same order) and replaces each
one's range in the source with its translation (``write.py``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING

from tarjama.formats.html.parts import (
    Parts,
    find_parts,
    no_translate,
    own,
)
from tarjama.formats.html.source import (
    RAW_TEXT,
    AttributeSpan,
    Document,
    Element,
    Node,
    Other,
    Text,
    attribute_spans,
    words,
)
from tarjama.model import BlockKind

if TYPE_CHECKING:
    from tarjama.formats.html.blocks import Tagged

PAIRED_TAGS = words(
    "a abbr acronym b bdi bdo big cite del dfn em font i ins label mark nobr q s small span "
    "strike strong sub sup tt u"
)
"""Inline elements whose words are translated: they travel as ``<g id>`` pairs."""

OPAQUE_TAGS = words(
    "br wbr hr img input code kbd samp var time data script style svg math iframe video audio "
    "picture object embed canvas noscript template button select textarea source track meter "
    "progress output map area"
)
"""Elements carried whole as ``<x id/>`` inside a run; as a block, never entered (but a
``button``, whose label is entered as a block of its own)."""

_ENTERED_OPAQUE = words("button")
_SKIPPED = (OPAQUE_TAGS - _ENTERED_OPAQUE) | words("pre xmp listing plaintext head") | set(RAW_TEXT)

HEADINGS = {f"h{n}": n for n in range(1, 7)}

TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "aria-description", "placeholder")
META_NAMES = frozenset(
    {
        "description",
        "og:title",
        "og:description",
        "og:image:alt",
        "twitter:title",
        "twitter:description",
        "twitter:image:alt",
    }
)
JSON_LD_KEYS = frozenset({"headline", "alternativeHeadline", "description", "articleBody",
                          "caption"})  # fmt: skip

SPACES = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space is meant to stay
_EDGE = " \t\n\r\f"
_WORD = re.compile(r"[^\W_]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


# --- the units ------------------------------------------------------------------------------


@dataclass
class Run:
    """Text and inline markup in one block: ``items`` (text, inline elements, comments), the
    first and last clipped of the blanks at the run's ends (``start``/``end``)."""

    container: Element
    items: list[Node]
    start: int
    end: int
    kind: BlockKind = BlockKind.PARAGRAPH
    level: int = 0
    figure: Element | None = None
    tagged: Tagged | None = field(default=None, repr=False)
    """The run as tagged text (``blocks.tagged``), once made: reading makes it, and writing the
    same page (parsed once for both) needs it again."""


@dataclass
class Attribute:
    """A translatable attribute (or a ``<meta>``'s ``content``) and where its value is."""

    element: Element
    span: AttributeSpan
    value: str


@dataclass
class JsonString:
    """A string value of a JSON-LD script: where its literal is, and what it says."""

    start: int
    end: int
    value: str


@dataclass
class Title:
    """The page's ``<title>``, when it is translated as text of its own."""

    element: Element
    value: str


Unit = Run | Attribute | JsonString | Title


@dataclass
class Page:
    """The units of a document, and where its article is (``parts.Parts``)."""

    doc: Document
    parts: Parts
    units: list[Unit] = field(default_factory=list)


def find_units(doc: Document, *, page: bool) -> Page:
    """Every unit of ``doc`` in document order, with the parts of the article."""
    found = Page(doc, find_parts(doc, page=page))
    _Walker(doc, found).walk(doc.root)
    return found


class _Walker:
    def __init__(self, doc: Document, found: Page) -> None:
        self.doc = doc
        self.found = found
        parts = found.parts
        self.headline = (
            visible_text(doc, parts.headline) if parts.headline is not None else ""
        ).strip()
        # never sent to the engine: names in them come out mangled (tarjama.pipeline)
        self.kept = {id(e) for e in (parts.byline, parts.dateline) if e is not None}

    def _left(self, el: Element) -> bool:
        """Left as it is, with all it holds."""
        return own(el) or no_translate(el) or id(el) in self.kept

    def add(self, unit: Unit) -> None:
        self.found.units.append(unit)

    def walk(self, container: Element) -> None:
        """The units inside ``container``, a block: runs of its inline content, and the
        blocks and attributes inside it."""
        items: list[Node] = []
        for child in container.children:
            if self._inline(child):
                items.append(child)
                continue
            self._flush(container, items)
            items = []
            if isinstance(child, Element):
                self._element(child)
        self._flush(container, items)

    def _element(self, el: Element) -> None:
        """A child that is not inline: what it carries, then what it holds."""
        if self._left(el):
            return
        if el.tag == "head":
            for inner in el.iter():
                self._carried(inner)
            return
        self._carried(el)
        if el.tag not in _SKIPPED:
            self.walk(el)

    def _carried(self, el: Element) -> None:
        """The units an element carries itself: attributes, a meta tag's content, the strings
        of a JSON-LD script, the page's title."""
        if el.tag == "title":
            self._title(el)
        elif el.tag == "meta":
            self._meta(el)
        elif el.tag == "script":
            self._json_ld(el)
        else:
            self._attributes(el)

    def _inline(self, node: Node) -> bool:
        """Can ``node`` travel inside a run (as ``<g>`` or ``<x/>``)?"""
        if isinstance(node, Text):
            return True
        if isinstance(node, Other):
            return node.kind in ("comment", "stray", "cdata")
        assert isinstance(node, Element)
        if not node.whole:
            return False
        if node.tag in OPAQUE_TAGS and node.tag not in _ENTERED_OPAQUE:
            return True
        if no_translate(node) or self._credit(node) or id(node) in self.kept:
            return True
        return node.tag in PAIRED_TAGS and all(
            d.whole and (d.tag in PAIRED_TAGS or d.tag in OPAQUE_TAGS) for d in _descendants(node)
        )

    def _credit(self, el: Element) -> bool:
        return any("credit" in c for c in el.classes()) and any(
            a.tag == "figure" for a in el.ancestors()
        )

    def _flush(self, container: Element, items: list[Node]) -> None:
        # Markup without words at the ends of a run stays where it is; punctuation is the
        # sentence's ("... in the <b>north</b>." goes to the engine with its full stop).
        while items and self._edge(items[0]):
            self._inner_units(items.pop(0))
        tail: list[Node] = []
        while items and self._edge(items[-1]):
            tail.insert(0, items.pop())
        # A run wholly inside one inline element (a link in a menu, a teaser's headline): the
        # element stays where it is, as its words' edges do, and what it holds is the run. The
        # engine gets the words alone, and has no tags to carry through (a third of a page's
        # runs; tags cost the pipeline more than their words).
        wrappers: list[Element] = []
        while len(items) == 1 and isinstance(items[0], Element):
            wrappers.append(items[0])
            items = list(items[0].children)
            while items and self._edge(items[0]):
                self._inner_units(items.pop(0))
            inner_tail: list[Node] = []
            while items and self._edge(items[-1]):
                inner_tail.insert(0, items.pop())
            tail[:0] = inner_tail
        if items:
            first, last = items[0], items[-1]
            start = first.start
            if isinstance(first, Text):
                raw = self.doc.raw(first)
                start += len(raw) - len(raw.lstrip(_EDGE))
            end = last.end
            if isinstance(last, Text):
                raw = self.doc.raw(last)
                end -= len(raw) - len(raw.rstrip(_EDGE))
            run = Run(container, items, start, end)
            self._kind(run)
            self.add(run)
        for wrapper in wrappers:  # what it carries (a link's title), as when it was in the run
            self._carried(wrapper)
        for item in items:
            self._inner_units(item)
        for item in tail:
            self._inner_units(item)

    def _inner_units(self, node: Node) -> None:
        """What the elements inside an item of a run carry (the ``title`` of a link, the
        ``alt`` of an image), after the run itself."""
        if (
            not isinstance(node, Element)
            or no_translate(node)
            or own(node)
            or id(node) in self.kept
        ):
            return
        self._carried(node)
        if node.tag not in ("svg", "math", "template", "noscript"):
            for child in node.children:
                self._inner_units(child)

    def _edge(self, node: Node) -> bool:
        """Left out of a run at either end: blanks, and markup without words."""
        if isinstance(node, Text):
            return not self.doc.raw(node).strip(_EDGE)
        return not self._has_words(node)

    def _has_words(self, node: Node) -> bool:
        if isinstance(node, Text):
            return bool(_WORD.search(self.doc.data(node)))
        if isinstance(node, Element) and node.tag in PAIRED_TAGS and id(node) not in self.kept:
            return not no_translate(node) and not self._credit(node) and has_words(self.doc, node)
        return False

    def _kind(self, run: Run) -> None:
        for el in (run.container, *run.container.ancestors()):
            if el.tag in HEADINGS:
                run.kind, run.level = BlockKind.HEADING, HEADINGS[el.tag]
                return
            if el.tag == "li":
                run.kind = BlockKind.LIST_ITEM
                return
            if el.tag == "figcaption":
                run.kind = BlockKind.PICTURE
                run.figure = next((a for a in el.ancestors() if a.tag == "figure"), None)
                return
            if el.tag == "blockquote":
                run.kind = BlockKind.BLOCKQUOTE
                return

    def _attributes(self, el: Element) -> None:
        attrs = el.attrs
        names = [n for n in TEXT_ATTRIBUTES if n in attrs and _WORD.search(attrs[n])]
        if not names or any(a.tag == "head" for a in el.ancestors()):
            return
        spans = attribute_spans(self.doc, el)
        for name in names:
            if name in spans and (name != "placeholder" or el.tag in ("input", "textarea")):
                self.add(Attribute(el, spans[name], el.get(name)))

    def _meta(self, el: Element) -> None:
        name = (el.get("name") or el.get("property")).lower()
        if name in META_NAMES and _WORD.search(el.get("content")):
            span = attribute_spans(self.doc, el).get("content")
            if span is not None:
                self.add(Attribute(el, span, el.get("content")))

    def _title(self, el: Element) -> None:
        if el is not self.found.parts.title:
            return
        value = self.doc.text_of(el)
        if self.headline and self.headline in value:
            return  # the headline's translation goes there
        if _WORD.search(value):
            self.add(Title(el, value))

    def _json_ld(self, el: Element) -> None:
        if el.get("type").strip().lower() != "application/ld+json" or not el.children:
            return
        raw = self.doc.inner_raw(el)
        try:
            json.loads(raw)
        except ValueError:
            return  # not JSON: left as it is
        base = el.open_end
        strings = list(_JSON_STRING.finditer(raw))
        for key, value in itertools.pairwise(strings):
            between = raw[key.end() : value.start()]
            if between.strip() != ":" or json.loads(key.group()) not in JSON_LD_KEYS:
                continue
            text = unescape(json.loads(value.group()))
            if _WORD.search(text):
                self.add(JsonString(base + value.start(), base + value.end(), text))


def _descendants(el: Element) -> Iterator[Element]:
    for child in el.children:
        if isinstance(child, Element):
            yield child
            if child.tag not in OPAQUE_TAGS:
                yield from _descendants(child)


# --- text of elements -----------------------------------------------------------------------

_HIDDEN = words("script style template noscript")


def visible_text(doc: Document, el: Element) -> str:
    """The text of an element as a reader sees it, blanks collapsed (no scripts, styles,
    templates or comments)."""
    out: list[str] = []

    def walk(node: Element) -> None:
        for child in node.children:
            if isinstance(child, Text):
                out.append(doc.data(child))
            elif isinstance(child, Element) and child.tag not in _HIDDEN:
                walk(child)

    walk(el)
    return SPACES.sub(" ", "".join(out))


def has_words(doc: Document, el: Element) -> bool:
    """Whether an inline element has words of its own to translate."""
    return any(_WORD.search(doc.data(node)) for node in _texts(el))


def _texts(el: Element) -> Iterator[Text]:
    for child in el.children:
        if isinstance(child, Text):
            yield child
        elif (
            isinstance(child, Element) and child.tag not in OPAQUE_TAGS and not no_translate(child)
        ):
            yield from _texts(child)
