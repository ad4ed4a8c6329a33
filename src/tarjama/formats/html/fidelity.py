"""Does the translated page hold the markup of the original? The element trees of input and
output, each as a browser-like parser (lxml) reads it, compared.

Equal means: the same elements with the same attributes, in the same nesting and order, but
for what a translation may change: text, the translatable attributes (their values, not their
presence), the language and the declared encoding, and tarjama's own elements (a class
starting ``tarjama-``, the provenance meta, language links). Inline elements of one run may
change places among themselves, as their words move in the target language.

Any other difference is a ``markup`` QA finding (``tarjama.qa.markup``): a translation whose
page changed is never published silently.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import lxml.html
from lxml import etree

from tarjama.formats.html.parts import OWN_CLASS_PREFIX
from tarjama.formats.html.units import (
    META_NAMES,
    OPAQUE_TAGS,
    PAIRED_TAGS,
    TEXT_ATTRIBUTES,
)
from tarjama.formats.html.write import PROVENANCE_META

_LANGUAGE = frozenset({"lang", "dir", "xml:lang"})
_CHANGING = frozenset(TEXT_ATTRIBUTES) | _LANGUAGE
_INLINE = PAIRED_TAGS | OPAQUE_TAGS
_OWN_TAGS = frozenset({"meta", "link"})


def differences(before: str, after: str, *, page: bool = True) -> list[str]:
    """What differs between the markup of ``before`` and ``after`` (empty when it is whole),
    most telling first: element counts, then the first place where the trees part."""
    a, b = _top(before, page), _top(after, page)
    if not page and len(b) == 1 and b[0].tag == "div":  # the wrapper that carries the language
        b = _elements(b[0])
    # Equal trees, the usual answer, in one pass over each: every distinct shape (tag,
    # attributes, the shapes of its children) numbered once, so that two trees are equal when
    # their lists of numbers are. Only a difference is worth describing.
    numbers: dict[tuple[object, ...], int] = {}
    if _numbers(a, numbers) == _numbers(b, numbers):
        return []
    shapes_a, shapes_b = [_shape(e) for e in a], [_shape(e) for e in b]
    counts_a, counts_b = Counter(_tags(shapes_a)), Counter(_tags(shapes_b))
    found = [
        f"<{tag}> {counts_a[tag]} -> {counts_b[tag]}"
        for tag in sorted(counts_a.keys() | counts_b.keys())
        if counts_a[tag] != counts_b[tag]
    ]
    where = _first_difference(shapes_a, shapes_b, "")
    if where:
        found.append(where)
    return found


Shape = tuple[str, tuple[tuple[str, str], ...], list["Shape"]]


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


_PARSER = etree.HTMLParser()
"""lxml.html's parser but for its element classes, looked up in Python for every element met:
a page is read the same, at a fraction of the cost."""


def _top(text: str, page: bool) -> list[Any]:
    """The elements at the top of ``text`` as lxml reads it: the root of a page, or what a
    fragment holds."""
    # Read as text: from bytes, libxml2 takes a charset declared late in the head into account
    # only from some point on, and would read the two documents differently.
    text = _XML_DECLARATION.sub("", text, count=1)
    if page:
        root = etree.fromstring(text, _PARSER)
        if root is None:
            raise etree.ParserError("Document is empty")
        return [root]
    return _elements(lxml.html.fragment_fromstring(text, create_parent="div"))


def _elements(el: Any) -> list[Any]:
    """The child elements that count: not comments, not tarjama's own."""
    return [c for c in el if isinstance(c.tag, str) and not _own(c)]


def _attributes(el: Any) -> tuple[tuple[str, str], ...]:
    """The attributes a translation must keep as they are, by name; the others (translated
    text, the language, the declared encoding) by name alone."""
    changing = _CHANGING
    tag = el.tag
    if tag == "meta":
        name = str(el.get("name") or el.get("property") or "").lower()
        if name in META_NAMES or str(el.get("http-equiv", "")).lower() == "content-type":
            changing = changing | {"content"}
        changing = changing | {"charset"}
    items = el.attrib.items()
    if tag == "html":  # the language of the page: set by the translation
        items = [(k, v) for k, v in items if k not in _LANGUAGE]
    return tuple(sorted((k, "" if k in changing else v) for k, v in items))


def _numbers(elements: Iterable[Any], numbers: dict[tuple[object, ...], int]) -> list[int]:
    """The number of each element's shape (``differences``), inline elements of one run in
    order of their numbers, as ``_children`` orders their shapes. Written for speed: this
    meets every element of two pages."""
    out: list[int] = []
    group: list[int] = []
    for el in elements:
        tag = el.tag
        if type(tag) is not str:  # a comment or processing instruction
            continue
        if el.attrib:
            if (tag in _OWN_TAGS or OWN_CLASS_PREFIX in el.get("class", "")) and _own(el):
                continue
            key: tuple[object, ...] = (tag, _attributes(el), *_numbers(el, numbers))
        else:
            key = (tag, (), *_numbers(el, numbers))
        number = numbers.setdefault(key, len(numbers))
        if tag in _INLINE:
            group.append(number)
            continue
        if group:
            out.extend(sorted(group))
            group = []
        out.append(number)
    out.extend(sorted(group))
    return out


def _shape(el: Any) -> Shape:
    return (str(el.tag), _attributes(el), _children(el))


def _children(el: Any) -> list[Shape]:
    out: list[Shape] = []
    group: list[Shape] = []
    for child in _elements(el):
        shape = _shape(child)
        if child.tag in _INLINE:
            group.append(shape)
            continue
        out.extend(sorted(group, key=repr))
        group = []
        out.append(shape)
    out.extend(sorted(group, key=repr))
    return out


def _own(el: Any) -> bool:
    classes = el.get("class")
    if (
        classes
        and OWN_CLASS_PREFIX in classes
        and any(c.startswith(OWN_CLASS_PREFIX) for c in str(classes).split())
    ):
        return True
    if el.tag == "meta" and el.get("name") == PROVENANCE_META:
        return True
    return el.tag == "link" and el.get("rel") == "alternate" and el.get("hreflang") is not None


def _tags(shapes: list[Shape]) -> list[str]:
    out: list[str] = []
    for tag, _, children in shapes:
        out.append(tag)
        out.extend(_tags(children))
    return out


def _first_difference(a: list[Shape], b: list[Shape], path: str) -> str:
    for x, y in zip(a, b, strict=False):
        here = f"{path}/{x[0]}"
        if x[0] != y[0]:
            return f"at {path or '/'}: <{x[0]}> became <{y[0]}>"
        if x[1] != y[1]:
            changed = sorted({k for k, _ in set(x[1]) ^ set(y[1])})
            return f"at {here}: attribute {', '.join(changed)} changed"
        inner = _first_difference(x[2], y[2], here)
        if inner:
            return inner
    if len(a) != len(b):
        return f"at {path or '/'}: {len(a)} elements became {len(b)}"
    return ""
