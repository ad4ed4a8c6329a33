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
  Markup without words at either end of a run stays where it is, outside the run;
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
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape

from tarjama import inline
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
from tarjama.model import Block, BlockKind

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
LABEL_CLASS = "tarjama-label"
OWN_CLASS_PREFIX = "tarjama-"

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
# An agency credit at the end of a caption: " / AFP / Omar HAJ KADOUR", "(AP Photo/Evan Vucci)",
# "Photo: Jane Doe". The slash form wants capitalised words right after the slash so that
# "prices / wages" in a sentence is not mistaken for a credit.
CREDIT_SUFFIX = re.compile(
    r"\s+/\s*(?P<slash>[A-Z][\w&;'.-]*(?: [A-Z][\w&;'.-]*)*(?:\s*/\s*[^<>/]+)*)$"
    r"|\s*(?P<paren>\([^()<>]*\b(?:Photo|Photograph|Picture|Image|Credit)s?\b[^()<>]*\))$"
    r"|\s+(?P<label>(?:Photo|Photograph|Picture|Image|Credit)s?:\s*[^<>]+)$"
)


def no_translate(el: Element) -> bool:
    return el.get("translate").lower() == "no" or "notranslate" in el.classes()


def own(el: Element) -> bool:
    """One of tarjama's own elements (the label, the language switcher)."""
    return any(c.startswith(OWN_CLASS_PREFIX) for c in el.classes())


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
    """The units of a document and what the writer needs besides."""

    doc: Document
    units: list[Unit] = field(default_factory=list)
    container: Element | None = None
    headline: Element | None = None
    title: Element | None = None
    labels: list[Element] = field(default_factory=list)


def find_units(doc: Document, *, page: bool) -> Page:
    """Every unit of ``doc`` in document order, and where the article is (``container``,
    ``headline``) for the label and the metadata."""
    found = Page(doc)
    body = next((e for e in doc.elements() if e.tag == "body"), None)
    elements = list(doc.elements())
    articles = [e for e in elements if e.tag == "article"]
    container = next((a for a in articles if any(e.tag == "h1" for e in a.iter())), None)
    if container is None and articles:
        container = articles[0]
    if container is None:
        container = next((e for e in elements if e.tag == "main"), body)
    found.container = container
    scope = container if container is not None else doc.root
    found.headline = next((e for e in scope.iter() if e.tag == "h1"), None) or next(
        (e for e in elements if e.tag == "h1"), None
    )
    found.labels = [e for e in elements if LABEL_CLASS in e.classes()]
    if page:
        found.title = next((e for e in elements if e.tag == "title"), None)
    _Walker(doc, found).walk(doc.root)
    return found


class _Walker:
    def __init__(self, doc: Document, found: Page) -> None:
        self.doc = doc
        self.found = found
        self.headline = (
            visible_text(doc, found.headline) if found.headline is not None else ""
        ).strip()

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
        if own(el) or no_translate(el):
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
        if no_translate(node) or self._credit(node):
            return True
        return node.tag in PAIRED_TAGS and all(
            d.whole and (d.tag in PAIRED_TAGS or d.tag in OPAQUE_TAGS) for d in _descendants(node)
        )

    def _credit(self, el: Element) -> bool:
        return any("credit" in c for c in el.classes()) and any(
            a.tag == "figure" for a in el.ancestors()
        )

    def _flush(self, container: Element, items: list[Node]) -> None:
        # Markup without words at the ends of a run stays where it is.
        while items and not self._has_words(items[0]):
            self._inner_units(items.pop(0))
        tail: list[Node] = []
        while items and not self._has_words(items[-1]):
            tail.insert(0, items.pop())
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
            for item in items:
                self._inner_units(item)
        for item in tail:
            self._inner_units(item)

    def _inner_units(self, node: Node) -> None:
        """What the elements inside an item of a run carry (the ``title`` of a link, the
        ``alt`` of an image), after the run itself."""
        if not isinstance(node, Element) or no_translate(node) or own(node):
            return
        self._carried(node)
        if node.tag not in ("svg", "math", "template", "noscript"):
            for child in node.children:
                self._inner_units(child)

    def _has_words(self, node: Node) -> bool:
        if isinstance(node, Text):
            return bool(_WORD.search(self.doc.data(node)))
        if isinstance(node, Element) and node.tag in PAIRED_TAGS:
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
        names = [n for n in TEXT_ATTRIBUTES if _WORD.search(el.get(n))]
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
        if el is not self.found.title:
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


# --- units as blocks ------------------------------------------------------------------------


@dataclass
class Tagged:
    """A run in tarjama's inline-tag form: its text, each tag id's element or node, and for a
    caption, the credit at its end (kept as written)."""

    text: str
    nodes: dict[int, Node]
    paired: set[int] = field(default_factory=set)
    credit_suffix: str = ""
    credit: str = ""

    def markup(self, doc: Document, number: int) -> str:
        """What a tag id stands for: a paired element's start tag, or the whole of anything
        else (as written)."""
        node = self.nodes[number]
        if number in self.paired:
            assert isinstance(node, Element)
            return doc.text[node.start : node.open_end]
        return doc.raw(node)


def tagged(doc: Document, run: Run) -> Tagged:
    """The run as tagged text (``tarjama.inline``), blanks collapsed to one space."""
    nodes: dict[int, Node] = {}
    paired: set[int] = set()
    out: list[str] = []

    def text(node: Text) -> None:
        start, end = max(node.start, run.start), min(node.end, run.end)
        out.append(inline.escape_text(SPACES.sub(" ", nfc(unescape(doc.text[start:end])))))

    def item(node: Node) -> None:
        if isinstance(node, Text):
            text(node)
            return
        nodes[len(nodes) + 1] = node
        number = len(nodes)
        if not isinstance(node, Element) or not _paired(doc, node, run):
            out.append(inline.placeholder(number))
            return
        paired.add(number)
        out.append(f'<g id="{number}">')
        for child in node.children:
            item(child)
        out.append("</g>")

    for node in run.items:
        item(node)
    result = Tagged("".join(out), nodes, paired)
    if run.kind is BlockKind.PICTURE:
        caption = next(a for a in (run.container, *run.container.ancestors())
                       if a.tag == "figcaption")  # fmt: skip
        credits = [e for e in caption.iter() if e is not caption and _is_credit(e)]
        result.credit = " / ".join(visible_text(doc, c).strip() for c in credits)
        m = CREDIT_SUFFIX.search(result.text)
        if m is not None and not result.credit:
            result.credit_suffix = result.text[m.start() :]
            result.text = result.text[: m.start()]
            result.credit = m.group("slash") or m.group("paren") or m.group("label")
    return result


def _is_credit(el: Element) -> bool:
    return any("credit" in c for c in el.classes())


def _paired(doc: Document, el: Element, run: Run) -> bool:
    return (
        el.tag in PAIRED_TAGS
        and not no_translate(el)
        and not (_is_credit(el) and run.kind is BlockKind.PICTURE)
        and has_words(doc, el)
    )


def block(doc: Document, unit: Unit) -> Block:
    """The unit as a block of an Article: a run as a paragraph, heading, list item, quote or
    caption (with its markup in ``inline``); any other unit as metadata."""
    if not isinstance(unit, Run):
        value = SPACES.sub(" ", nfc(unit.value)).strip()
        return Block(BlockKind.META, inline.escape_text(value))
    t = tagged(doc, unit)
    markup = tuple((str(i), t.markup(doc, i)) for i in t.nodes)
    if unit.kind is not BlockKind.PICTURE:
        return Block(unit.kind, t.text, level=unit.level, inline=markup)
    img = None
    if unit.figure is not None:
        img = next((e for e in unit.figure.iter() if e.tag == "img"), None)
    return Block(
        BlockKind.PICTURE,
        t.text,
        credit=inline.escape_text(t.credit),
        src=img.get("src") if img is not None else "",
        inline=markup,
    )


def nfc(text: str) -> str:
    """The text rule's normalisation (``tarjama.intake``), for a piece of translated text."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
