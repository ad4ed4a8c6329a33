"""An HTML document as it is written: its elements, text and everything else, each with where it
stands in the source, so that a translation can be put into the source in place.

Nothing is ever serialised again: the doctype, comments, conditional comments, CDATA sections,
entities, attribute quoting and case (SVG's ``viewBox``), URLs and scripts come out byte for
byte as they came in, and only the ranges of text that are translated are replaced
(``units.py``). The tree is built from the tokens of the standard library's tokenizer
(``html.parser``; a plain start tag, most of them, read in one match of tarjama's own that
reads it as the tokenizer does, for speed) with the few rules of the HTML parsing algorithm
that decide where an element ends when its end tag is left out (a ``<p>`` closed by the next
block, an ``<li>`` by the next ``<li>``...). An element whose end tag is missing is marked
``implied``: tarjama never moves it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser


def words(names: str) -> frozenset[str]:
    return frozenset(names.split())


VOID = words(
    "area base br col embed hr img input link meta param source track wbr basefont bgsound "
    "frame keygen"
)
RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
            "noscript")  # fmt: skip
"""Elements whose content is text to the tokenizer, up to their end tag (``noscript`` too: as
a browser that runs scripts reads it; tarjama carries it whole)."""
RCDATA = words("textarea title")
"""Raw-text elements whose character references are still references."""
_FOREIGN = words("svg math")

# The stack of open elements, as the HTML parsing algorithm keeps it, stops at these when it
# looks for a <p> or <li> to close ("scope").
_SCOPE = words("applet caption html table td th marquee object template button svg math")
_CLOSES_P = words(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section "
    "summary table ul li dd dt listing xmp plaintext"
)
_SPECIAL = words(
    "address applet area article aside base basefont bgsound blockquote body br button caption "
    "center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form "
    "frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input link listing "
    "main marquee menu meta nav noembed noframes noscript object ol p param plaintext pre "
    "script section select source style summary table tbody td template textarea tfoot th "
    "thead title tr track ul wbr"
)
_HEADINGS = words("h1 h2 h3 h4 h5 h6")
_TABLE_SECTIONS = words("thead tbody tfoot")
_TABLE_PARTS = words("table thead tbody tfoot tr td th caption colgroup")
_TABLE_SCOPE = words("html table template")
_BLOCK_END = words("body html li dd dt button applet marquee object select option optgroup")


@dataclass(eq=False, slots=True)
class Node:
    start: int
    end: int
    parent: Element | None = field(default=None, repr=False)


@dataclass(eq=False, slots=True)
class Text(Node):
    """Character data as written (character references and all)."""


@dataclass(eq=False, slots=True)
class Other(Node):
    """Markup that is no element: a comment, a doctype, a CDATA section, a processing
    instruction, or an end tag that closes nothing."""

    kind: str = ""


@dataclass(eq=False, slots=True)
class Element(Node):
    tag: str = ""
    """Lower-cased, as the tokenizer gives it."""
    attrs: dict[str, str] = field(default_factory=dict)
    """Names lower-cased; a name written twice keeps its first value, as in a browser."""
    open_end: int = 0
    """Where the start tag ends."""
    close_start: int | None = None
    """Where the end tag starts; None when the source has none (void or left out)."""
    implied: bool = False
    """The end tag is left out (and the element is not void): its end is where the parser
    decided it was."""
    children: list[Node] = field(default_factory=list, repr=False)
    flat: list[Element] = field(default_factory=list, repr=False)
    """Every element of the document in document order (one list, shared)."""
    index: int = 0
    """Where this element is in ``flat``; its descendants follow it, up to ``stop``."""
    stop: int = 0
    foreign: bool = False
    """In SVG or MathML (or one of them)."""
    _classes: list[str] | None = field(default=None, repr=False)

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)

    def classes(self) -> list[str]:
        """The class names, lower-cased (split once: reading asks for them many times)."""
        if self._classes is None:
            self._classes = self.get("class").lower().split()
        return self._classes

    def iter(self) -> list[Element]:
        """This element and every element inside it, in document order."""
        return self.flat[self.index : self.stop]

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def whole(self) -> bool:
        """Start and end in the source (or void): it can be moved or carried as one piece."""
        return not self.implied


class _Builder(HTMLParser):
    """The tree, built from the tokenizer's events as they come, each with its offset (no list
    of events is kept: a page has a hundred thousand tokens, and every object kept alive while
    the page is read makes the garbage collector's passes longer)."""

    CDATA_CONTENT_ELEMENTS = RAW_TEXT  # type: ignore[misc]  # typeshed says Final; it is data

    def __init__(self, root: Element) -> None:
        super().__init__(convert_charrefs=True)
        self.root = root
        self.flat = root.flat
        self.stack: list[Element] = [root]
        self.base = 0
        """Where the parser's buffer starts in the text (``feed`` keeps what it could not
        finish for ``close``)."""
        self.at = 0
        self.last: Node | None = None
        """The node that ends where the next token starts (text, an end tag, other markup)."""

    def build(self, text: str) -> None:
        self.feed(text)
        self.base, self.at = len(text) - len(self.rawdata), 0
        self.close()
        self._token(len(text))
        for el in reversed(self.stack[1:]):
            _close(el, len(text), implied=True)

    def updatepos(self, i: int, j: int) -> int:
        # Where the parser is, as an offset into the buffer: what ``getpos`` tells in lines and
        # columns, without counting the lines of every token.
        if i < j:
            self.at = j
        return j

    def _token(self, start: int) -> None:
        """A token starts at ``start``: the one before it ends there."""
        if self.last is not None:
            self.last.end = start
            self.last = None

    def parse_starttag(self, i: int) -> int:
        # Most start tags are plain (``<a href="x" class=y>``): read in one match, they give
        # what the tokenizer's own reading (a dozen matches, most of the time of reading a
        # page) would give. Any other start tag is the tokenizer's to read.
        m = _PLAIN_START.match(self.rawdata, i)
        if m is None:
            return super().parse_starttag(i)
        end = m.end()
        tag = m.group(1).lower()
        attrs: list[tuple[str, str | None]] = []
        for name, written in _PLAIN_ATTRIBUTE.findall(m.group(2)):
            value: str | None = None  # no value written
            if written:
                value = written[1:-1] if written[0] in "\"'" else written
                value = unescape(value) if "&" in value else value
            attrs.append((name.lower(), value))
        self._start(tag, attrs, self.base + i, self.base + end, closing=bool(m.group(3)))
        self.lasttag = tag
        if not m.group(3) and tag in self.CDATA_CONTENT_ELEMENTS:
            self.set_cdata_mode(tag)
        return end

    def parse_endtag(self, i: int) -> int:
        # A plain end tag outside a raw-text element, the same way (the tokenizer's
        # ``endtagfind``, without its blanks).
        m = _PLAIN_END.match(self.rawdata, i)
        if m is None or self.cdata_elem is not None:
            return super().parse_endtag(i)
        self.handle_endtag(m.group(1).lower())
        self.clear_cdata_mode()
        return m.end()

    def handle_starttag(self, tag: str, attrs: _Attrs) -> None:
        start = self.base + self.at
        self._start(tag, attrs, start, start + len(self.get_starttag_text() or ""), closing=False)

    def handle_startendtag(self, tag: str, attrs: _Attrs) -> None:
        start = self.base + self.at
        self._start(tag, attrs, start, start + len(self.get_starttag_text() or ""), closing=True)

    def _start(self, tag: str, attrs: _Attrs, start: int, open_end: int, *, closing: bool) -> None:
        self._token(start)
        stack = self.stack
        _close_implied(stack, tag, start)
        parent = stack[-1]
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")
        flat = self.flat
        foreign = tag in _FOREIGN or parent.foreign
        el = Element(start, open_end, parent, tag=tag, attrs=values, open_end=open_end,
                     flat=flat, index=len(flat), foreign=foreign)  # fmt: skip
        flat.append(el)
        parent.children.append(el)
        if tag in VOID or (closing and el.foreign):
            return
        stack.append(el)

    def handle_endtag(self, tag: str) -> None:
        start = self.base + self.at
        self._token(start)
        stack = self.stack
        # Where the search for the element to close gives up (the parsing algorithm's scopes):
        # an end tag that closes nothing is left where it is.
        # (The element itself is met before its limit, as the algorithm wants it.)
        if tag in _TABLE_PARTS:
            limit = _TABLE_SCOPE
        elif tag in _CLOSES_P or tag in _BLOCK_END:
            limit = _SCOPE
        else:
            limit = _SPECIAL
        for depth in range(len(stack) - 1, 0, -1):
            el = stack[depth]
            if el.tag == tag:
                for inner in stack[depth + 1 :]:
                    _close(inner, start, implied=True)
                el.close_start = start
                el.implied = False
                self.last = el  # it ends where its end tag does
                del stack[depth:]
                return
            if el.tag in limit:
                break
        self._other("stray", start)

    def handle_data(self, data: str) -> None:
        start = self.base + self.at
        if isinstance(self.last, Text):
            return  # the tokenizer may give one stretch of text in pieces: one node
        self._token(start)
        top = self.stack[-1]
        self.last = node = Text(start, start, top)
        top.children.append(node)

    def _other(self, kind: str, start: int | None = None) -> None:
        if start is None:
            start = self.base + self.at
            self._token(start)
        top = self.stack[-1]
        self.last = node = Other(start, start, top, kind=kind)
        top.children.append(node)

    def handle_comment(self, data: str) -> None:
        self._other("comment")

    def handle_decl(self, decl: str) -> None:
        self._other("decl")

    def handle_pi(self, data: str) -> None:
        self._other("pi")

    def unknown_decl(self, data: str) -> None:
        self._other("cdata")


_Attrs = Sequence[tuple[str, str | None]]

# A plain start tag: its name, then attributes each after blanks, each name without quotes,
# each value quoted or bare with no blank, quote or ``=`` in it, right after one ``=``; then
# ``>`` or ``/>``. Possessive, so that a tag that is not plain fails to match rather than
# match another way than the tokenizer reads it (``html.parser``'s ``tagfind_tolerant`` and
# ``attrfind_tolerant``): where this matches, the two read the same.
_ATTRIBUTE_NAME = r"""[^\s/>"'=]++"""
_ATTRIBUTE_VALUE = r"""(?:"[^"]*+"|'[^']*+'|[^\s"'=>]++)"""
_PLAIN_ATTRIBUTE = re.compile(rf"\s++({_ATTRIBUTE_NAME})(?:=({_ATTRIBUTE_VALUE}))?+")
_PLAIN_END = re.compile(r"</([a-zA-Z][-.a-zA-Z0-9:_]*+)>")
_PLAIN_START = re.compile(
    r"<([a-zA-Z][^\t\n\r\f />\x00]*+)"  # the name, as the tokenizer's tagfind_tolerant
    rf"((?:\s++{_ATTRIBUTE_NAME}(?:={_ATTRIBUTE_VALUE})?+)*+)\s*+(/?)>"
)


class Document:
    """A parsed document: ``root`` (a synthetic element holding everything) over ``text``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = Element(0, len(text), tag="#document", open_end=0, close_start=len(text))
        self.root.flat.append(self.root)
        _Builder(self.root).build(text)
        flat = self.root.flat
        for el in reversed(flat):  # where each element's descendants end in the flat list
            el.stop = max(el.stop, el.index + 1)
            if el.parent is not None:
                el.parent.stop = max(el.parent.stop, el.stop)

    def raw(self, node: Node) -> str:
        return self.text[node.start : node.end]

    def inner_raw(self, el: Element) -> str:
        stop = el.close_start if el.close_start is not None else el.end
        return self.text[el.open_end : stop]

    def data(self, node: Text) -> str:
        """A text node's characters, references resolved (in a raw-text element such as
        ``script``, only in ``title`` and ``textarea``)."""
        raw = self.raw(node)
        parent = node.parent
        if parent is not None and parent.tag in RAW_TEXT and parent.tag not in RCDATA:
            return raw
        return unescape(raw)

    def text_of(self, el: Element) -> str:
        """The characters of the text directly inside ``el`` (a title, a textarea)."""
        return "".join(self.data(c) for c in el.children if isinstance(c, Text))

    def elements(self) -> list[Element]:
        """Every element, in document order."""
        return self.root.flat[1:]


def _close(el: Element, end: int, *, implied: bool) -> None:
    el.end = end
    el.implied = implied


# A start tag closes an open element of these (searching down the stack of open elements and
# stopping at the third set), or the current element if it is one of the second set.
_CLOSED_BY: tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...] = (
    (_CLOSES_P, words("p"), _SCOPE),
    (words("li"), words("li"), _SPECIAL - words("address div p li")),
    (words("dd dt"), words("dd dt"), _SPECIAL - words("address div p dd dt")),
    (words("tr"), words("tr td th"), _TABLE_SECTIONS | words("table")),
    (words("td th"), words("td th"), words("tr table")),
    (_TABLE_SECTIONS, _TABLE_SECTIONS | words("tr td th caption"), words("table")),
)
_CLOSES_CURRENT: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (_HEADINGS, _HEADINGS),
    (words("option optgroup"), words("option")),
    (words("optgroup"), words("optgroup")),
)

_CLOSING = frozenset().union(*(s for s, _, _ in _CLOSED_BY), *(s for s, _ in _CLOSES_CURRENT))


def _close_implied(stack: list[Element], tag: str, at: int) -> None:
    """Close what the start of ``tag`` closes when its end tag was left out."""
    if tag not in _CLOSING or stack[-1].foreign:
        return
    for starts, closed, limit in _CLOSED_BY:
        if tag not in starts:
            continue
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth].tag in closed:
                _pop_to(stack, depth, at)
                break
            if stack[depth].tag in limit:
                break
    for starts, closed in _CLOSES_CURRENT:
        if tag in starts and len(stack) > 1 and stack[-1].tag in closed:
            _pop_to(stack, len(stack) - 1, at)


def _pop_to(stack: list[Element], depth: int, at: int) -> None:
    for el in stack[depth:]:
        _close(el, at, implied=True)
    del stack[depth:]


_ATTRIBUTE = re.compile(
    r"""(?P<name>[^\s/>"'=][^\s/>=]*)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"'>][^\s>]*))?"""
)
_TAG_NAME = re.compile(r"<[^\s/>]+")


@dataclass(frozen=True)
class AttributeSpan:
    """Where an attribute's value is in the source: ``start:end`` is the value with its quotes
    (or where ``="..."`` would go, for an attribute written without one)."""

    name: str
    start: int
    end: int
    quote: str


def attribute_spans(doc: Document, el: Element) -> dict[str, AttributeSpan]:
    """The attributes of ``el``'s start tag, by lower-cased name (the first of a name)."""
    tag = doc.text[el.start : el.open_end]
    name = _TAG_NAME.match(tag)
    pos = name.end() if name else 1
    found: dict[str, AttributeSpan] = {}
    for m in _ATTRIBUTE.finditer(tag, pos):
        key = m.group("name").lower()
        if key in found:
            continue
        value = m.group("value")
        if value is None:
            at = el.start + m.end()
            found[key] = AttributeSpan(key, at, at, "")
        else:
            quote = value[0] if value[0] in "\"'" else ""
            found[key] = AttributeSpan(
                key, el.start + m.start("value"), el.start + m.end("value"), quote
            )
    return found


class Edits:
    """Replacements of ranges of the source, applied in one pass. Attribute values are edited
    inside start tags that a run may also write out, so a range is written with the edits
    inside it applied (``render``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.inner: list[tuple[int, int, str]] = []
        """Edits inside start tags (attribute values) and JSON-LD strings."""
        self.outer: list[tuple[int, int, str]] = []
        """Runs, insertions, removals: never inside one another."""

    def render(self, start: int, end: int) -> str:
        """``text[start:end]`` with the inner edits inside it applied."""
        self.inner.sort()
        out: list[str] = []
        pos = start
        at = bisect_left(self.inner, (start, start, ""))
        for s, e, replacement in self.inner[at:]:
            if s >= end:
                break
            if e > end:
                continue
            out.append(self.text[pos:s])
            out.append(replacement)
            pos = e
        out.append(self.text[pos:end])
        return "".join(out)

    def result(self) -> str:
        outer = sorted(self.outer, key=lambda edit: (edit[0], edit[1]))
        out: list[str] = []
        pos = 0
        for s, e, replacement in outer:
            out.append(self.render(pos, s))
            out.append(replacement)
            pos = max(pos, e)
        out.append(self.render(pos, len(self.text)))
        return "".join(out)
