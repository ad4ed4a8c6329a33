"""Finding the article in a page: its container, headline, standfirst, byline, dateline, label,
body blocks and pictures' captions and credits.

One function, ``find_parts``, decides it for both reading and writing, so that writing walks
the original again and meets the same elements in the same order.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from tarjama import inline
from tarjama.errors import EmptyInputError, FormatError
from tarjama.formats.html.markup import (
    OPAQUE_TAGS,
    PAIRED_TAGS,
    Inline,
    no_translate,
    parse_fragment,
    plain_text,
    to_inline,
    words,
)
from tarjama.model import BlockKind

_SKIPPED_TAGS = words(
    "script style noscript template pre code svg math iframe object embed canvas video audio "
    "nav form button select textarea head"
)
"""Block-level elements the walk never enters."""

_PARA_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}

_STANDFIRST = ("standfirst", "summary", "lede", "dek")
LABEL_CLASS = "tarjama-label"
_PAGE_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|\?xml)\b", re.I | re.S)
# An agency credit at the end of a caption: " / AFP / Omar HAJ KADOUR", "(AP Photo/Evan Vucci)",
# "Photo: Jane Doe". The slash form wants capitalised words right after the slash so that
# "prices / wages" in a sentence is not mistaken for a credit.
_CREDIT_SUFFIX = re.compile(
    r"\s+/\s*(?P<slash>[A-Z][\w&;'.-]*(?: [A-Z][\w&;'.-]*)*(?:\s*/\s*[^<>/]+)*)$"
    r"|\s*(?P<paren>\([^()<>]*\b(?:Photo|Photograph|Picture|Image|Credit)s?\b[^()<>]*\))$"
    r"|\s+(?P<label>(?:Photo|Photograph|Picture|Image|Credit)s?:\s*[^<>]+)$"
)


@dataclass
class Parts:
    """Where the article is in a parsed page or fragment: its elements, blocks in order."""

    container: Any
    headline: Any = None
    standfirst: Any = None
    byline: Any = None
    dateline: Any = None
    label: Any = None
    blocks: list[tuple[Any, BlockKind]] = field(default_factory=list)


def parse(data: str) -> tuple[Any, bool]:
    """The parsed input and whether it is a whole page; raises for input that is not HTML."""
    if not data.strip():
        raise EmptyInputError("empty HTML input")
    text = data.lstrip("\ufeff \t\r\n")
    if not text.startswith("<"):
        raise FormatError(f"HTML input must start with markup ('<'), found {text[:30]!r}")
    page = bool(_PAGE_START.match(text))
    try:
        root = lxml.html.document_fromstring(text) if page else parse_fragment(text)
    except (etree.ParserError, ValueError) as exc:
        raise FormatError(f"cannot parse HTML: {exc}") from exc
    if not any(
        isinstance(e.tag, str) and e.tag not in ("html", "head", "body")
        for e in root.iterdescendants()
    ):
        raise FormatError(f"HTML input contains no HTML elements: {text[:30]!r}")
    return root, page


def classes(el: Any) -> list[str]:
    return str(el.get("class", "")).lower().split()


def _in_block(el: Any, stop: Any) -> bool:
    return any(
        a.tag in _PARA_TAGS or a.tag in ("blockquote", "figure") for a in _ancestors(el, stop)
    )


def _ancestors(el: Any, stop: Any) -> Iterator[Any]:
    for a in el.iterancestors():
        if a is stop:
            return
        yield a


def _skipped(el: Any) -> bool:
    return (
        not isinstance(el.tag, str)
        or el.tag in _SKIPPED_TAGS
        or no_translate(el)
        or LABEL_CLASS in classes(el)
    )


def _meta_element(scopes: Sequence[Any], match: Any, root: Any) -> Any:
    """The first element matching ``match`` that is not inside a paragraph-like block."""
    for scope in scopes:
        for el in scope.iter():
            if (
                isinstance(el.tag, str)
                and el.tag not in ("html", "body", "article", "main")
                and not _skipped(el)
                and match(el)
                and not _in_block(el, root)
            ):
                if el.tag not in _PARA_TAGS and el.find(".//p") is not None:
                    return el.find(".//p")  # a summary box of paragraphs: its first one
                return el
    return None


def find_parts(root: Any, *, page: bool, meta: bool = True) -> Parts:
    if page:
        body = root.find("body") if root.find("body") is not None else root
        articles = body.findall(".//article")
        container = next((a for a in articles if a.find(".//h1") is not None), None)
        if container is None:
            container = articles[0] if articles else body.find(".//main")
        if container is None:
            container = body
    else:
        body = container = root
    parts = Parts(container)
    if meta:
        scopes = [container, body]
        parts.headline = container.find(".//h1")
        if parts.headline is None:
            parts.headline = body.find(".//h1")
        if parts.headline is None and page:
            parts.headline = root.find(".//title")
        parts.standfirst = _meta_element(
            scopes, lambda e: any(k in c for c in classes(e) for k in _STANDFIRST), root
        )
        parts.byline = _meta_element(
            scopes,
            lambda e: (
                e.tag == "address"
                or "author" in str(e.get("rel", "")).split()
                or any("byline" in c for c in classes(e))
            ),
            root,
        )
        parts.dateline = _meta_element(scopes, lambda e: "dateline" in classes(e), root)
        parts.label = next(
            (e for e in body.iter() if isinstance(e.tag, str) and LABEL_CLASS in classes(e)), None
        )
    taken = [
        e for e in (parts.headline, parts.standfirst, parts.byline, parts.dateline) if e is not None
    ]
    if _is_leaf(container) and _has_words(container):
        parts.blocks.append((container, BlockKind.PARAGRAPH))
    else:
        parts.blocks.extend(_walk(container, taken, None))
    return parts


def _is_leaf(el: Any) -> bool:
    """Only text and inline markup inside: the element is one paragraph."""
    return all(
        not isinstance(d.tag, str) or d.tag in PAIRED_TAGS or d.tag in OPAQUE_TAGS
        for d in el.iterdescendants()
    )


def _has_words(el: Any) -> bool:
    tagged, _ = to_inline(el)
    return bool(inline.plain(tagged).strip())


def _walk(el: Any, taken: list[Any], kind: BlockKind | None) -> Iterator[tuple[Any, BlockKind]]:
    for child in el:
        if _skipped(child) or any(child is t for t in taken):
            continue
        tag = child.tag
        if tag in HEADINGS:
            found = BlockKind.HEADING
        elif tag == "li":
            found = BlockKind.LIST_ITEM
        elif tag == "p":
            found = kind or BlockKind.PARAGRAPH
        elif tag == "blockquote" and not _is_leaf(child):
            yield from _walk(child, taken, BlockKind.BLOCKQUOTE)
            continue
        elif tag == "blockquote":
            found = BlockKind.BLOCKQUOTE
        elif (tag == "figure" and child.find(".//img") is not None) or (
            tag == "img" and child.get("alt", "").strip()
        ):
            yield child, BlockKind.PICTURE
            continue
        elif (tag in PAIRED_TAGS or tag in OPAQUE_TAGS) and _is_leaf(child):
            continue  # loose inline markup between blocks: rare, and left as it is
        elif _is_leaf(child) and _has_words(child):
            found = kind or BlockKind.PARAGRAPH
        else:
            yield from _walk(child, taken, kind)
            continue
        if _has_words(child):
            yield child, found


def credit_elements(figure: Any) -> list[Any]:
    return [
        e
        for e in figure.iter()
        if isinstance(e.tag, str) and any("credit" in c for c in classes(e))
    ]


def figure_caption(figure: Any) -> tuple[Any, str, Inline, str, str]:
    """(figcaption, caption tagged text, its markup, credit suffix as written, credit)."""
    figcaption = figure.find(".//figcaption") if figure.tag == "figure" else None
    credits = credit_elements(figure) if figure.tag == "figure" else []
    credit = " / ".join(plain_text(c) for c in credits)
    if figcaption is None:
        return None, "", (), "", credit
    bare = copy.deepcopy(figcaption)
    for c in credit_elements(bare):
        c.drop_tree()  # keeps the text after it
    tagged, pairs = to_inline(bare)
    m = _CREDIT_SUFFIX.search(tagged)
    if m is None or credit:
        return figcaption, tagged, pairs, "", credit
    found = m.group("slash") or m.group("paren") or m.group("label")
    return figcaption, tagged[: m.start()], pairs, tagged[m.start() :], found


def page_head(root: Any) -> Any:
    """A page's ``<head>``, made when it has none."""
    found = root.find("head")
    if found is None:
        found = root.makeelement("head", {})
        root.insert(0, found)
    return found
