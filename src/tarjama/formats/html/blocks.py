"""Units as blocks of an Article: a run as tagged text (``tarjama.inline``) with the markup of
each tag id, a caption without the credit at its end, anything else as metadata text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html import unescape

from tarjama import inline
from tarjama.formats.html.parts import no_translate
from tarjama.formats.html.source import Document, Element, Node, Text
from tarjama.formats.html.units import (
    PAIRED_TAGS,
    SPACES,
    Run,
    Unit,
    has_words,
    visible_text,
)
from tarjama.model import Block, BlockKind

# An agency credit at the end of a caption: " / AFP / Omar HAJ KADOUR", "(AP Photo/Evan Vucci)",
# "Photo: Jane Doe". The slash form wants capitalised words right after the slash so that
# "prices / wages" in a sentence is not mistaken for a credit.
CREDIT_SUFFIX = re.compile(
    r"\s+/\s*(?P<slash>[A-Z][\w&;'.-]*(?: [A-Z][\w&;'.-]*)*(?:\s*/\s*[^<>/]+)*)$"
    r"|\s*(?P<paren>\([^()<>]*\b(?:Photo|Photograph|Picture|Image|Credit)s?\b[^()<>]*\))$"
    r"|\s+(?P<label>(?:Photo|Photograph|Picture|Image|Credit)s?:\s*[^<>]+)$"
)


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
    if run.tagged is None:
        run.tagged = _tagged(doc, run)
    return run.tagged


def _tagged(doc: Document, run: Run) -> Tagged:
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
        # also a unit of its own, spliced back in place; here for a page written anew (a
        # reader page, ninjs) from the stored article
        alt=inline.escape_text(SPACES.sub(" ", nfc(img.get("alt") or "")).strip())
        if img is not None
        else "",
        inline=markup,
    )


def nfc(text: str) -> str:
    """The text rule's normalisation (``tarjama.intake``), for a piece of translated text."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
