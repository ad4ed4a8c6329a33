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
from typing import Any

import lxml.html

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


def differences(before: str, after: str, *, page: bool = True) -> list[str]:
    """What differs between the markup of ``before`` and ``after`` (empty when it is whole),
    most telling first: element counts, then the first place where the trees part."""
    a, b = _tree(before, page), _tree(after, page)
    if not page and len(b) == 1 and b[0][0] == "div":  # the wrapper that carries the language
        b = b[0][2]
    if a == b:
        return []
    counts_a, counts_b = Counter(_tags(a)), Counter(_tags(b))
    found = [
        f"<{tag}> {counts_a[tag]} -> {counts_b[tag]}"
        for tag in sorted(counts_a.keys() | counts_b.keys())
        if counts_a[tag] != counts_b[tag]
    ]
    where = _first_difference(a, b, "")
    if where:
        found.append(where)
    return found


Shape = tuple[str, tuple[tuple[str, str], ...], list["Shape"]]


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def _tree(text: str, page: bool) -> list[Shape]:
    # Read as text: from bytes, libxml2 takes a charset declared late in the head into account
    # only from some point on, and would read the two documents differently.
    text = _XML_DECLARATION.sub("", text, count=1)
    if page:
        root = lxml.html.document_fromstring(text)
        return [_shape(root)]
    holder = lxml.html.fragment_fromstring(text, create_parent="div")
    return _children(holder)


def _shape(el: Any) -> Shape:
    changing = _CHANGING
    if el.tag == "meta":
        name = str(el.get("name") or el.get("property") or "").lower()
        if name in META_NAMES or str(el.get("http-equiv", "")).lower() == "content-type":
            changing = changing | {"content"}
        changing = changing | {"charset"}
    items = el.attrib.items()
    if el.tag == "html":  # the language of the page: set by the translation
        items = [(k, v) for k, v in items if k not in _LANGUAGE]
    attrs = tuple(sorted((k, "" if k in changing else v) for k, v in items))
    return (str(el.tag), attrs, _children(el))


def _children(el: Any) -> list[Shape]:
    out: list[Shape] = []
    group: list[Shape] = []
    for child in el:
        if not isinstance(child.tag, str) or _own(child):
            continue
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
    classes = str(el.get("class", "")).split()
    if any(c.startswith(OWN_CLASS_PREFIX) for c in classes):
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
