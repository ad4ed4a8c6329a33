"""Where the translatable fields of a ninjs document are, in each of its versions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from tarjama import inline, intake
from tarjama.errors import EmptyInputError, FormatError
from tarjama.formats import html
from tarjama.formats.text import paragraph_blocks
from tarjama.model import Block

LABEL_ROLE = "tarjama-label"
PROVENANCE_ROLE = "machine-translation"
_PICTURE_TYPES = ("picture", "graphic")

_CAMEL = frozenset(
    {
        "versionCreated",
        "firstCreated",
        "contentCreated",
        "contentType",
        "copyrightHolder",
        "copyrightNotice",
        "usageTerms",
        "edNote",
        "infoSources",
        "altIds",
        "trustIndicators",
        "pubStatus",
        "representationType",
        "embargoedUntil",
        "rightsInfo",
        "digitalSourceType",
    }
)
KICKER_ROLE = "kicker"
_LEGACY = frozenset({"headline", "body_text", "body_html", "description_text", "byline"})


@dataclass(frozen=True)
class Keys:
    content_type: str
    holder: str
    info_sources: str
    first_created: str
    version_created: str


KEYS = {
    "1": Keys("contenttype", "copyrightholder", "", "firstcreated", "versioncreated"),
    "2": Keys("contenttype", "copyrightholder", "infosources", "firstcreated", "versioncreated"),
    "3": Keys("contentType", "copyrightHolder", "infoSources", "firstCreated", "versionCreated"),
}


@dataclass
class Slot:
    """One translatable string in the document: ``obj[key]``, plain text or HTML."""

    obj: dict[str, Any]
    key: str
    path: str
    content_type: str = ""

    @property
    def html(self) -> bool:
        return "html" in self.content_type.lower()

    @property
    def value(self) -> str:
        value = self.obj[self.key]
        if not isinstance(value, str):
            raise FormatError(f"ninjs {self.path} must be a string, not {type(value).__name__}")
        return value

    def text(self) -> str:
        """The value as escaped plain text (markup dropped)."""
        value = self.value
        if self.html and value.strip():
            value = html.visible_text(html.parse_fragment(value))
        return inline.escape_text(re.sub(r"[ \t\n\r\f]+", " ", value).strip())

    def put(self, escaped: str) -> None:
        self.obj[self.key] = escaped if self.html else unescape(escaped)


@dataclass
class Picture:
    item: dict[str, Any]
    captions: list[Slot]
    alt: list[Slot]
    credit: str
    src: str


@dataclass
class Layout:
    """Where the translatable fields of one ninjs document are."""

    version: str
    headline: list[Slot] = field(default_factory=list)
    kicker: list[Slot] = field(default_factory=list)
    standfirst: list[Slot] = field(default_factory=list)
    byline: list[Slot] = field(default_factory=list)
    dateline: list[Slot] = field(default_factory=list)
    bodies: list[Slot] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    label: str = ""

    @property
    def primary_body(self) -> Slot | None:
        """The body the article is read from: HTML keeps the most structure."""
        return next((b for b in self.bodies if b.html), self.bodies[0] if self.bodies else None)


def ninjs_version(doc: dict[str, Any]) -> str:
    """ "1", "2" or "3": declared in ``$schema`` or ``standard``, else guessed from the keys."""
    standard = doc.get("standard")
    standard = standard if isinstance(standard, dict) else {}
    for declared in (doc.get("$schema"), standard.get("schema"), standard.get("version")):
        m = re.search(r"(?:ninjs-schema_|^)([123])(?:\.|$)", str(declared or ""))
        if m:
            return m.group(1)
    keys = set(doc)
    for name in ("headlines", "bodies", "descriptions", "associations"):
        items = doc.get(name)
        for item in items.values() if isinstance(items, dict) else items or ():
            if isinstance(item, dict):
                keys |= set(item)
    if keys & _CAMEL:
        return "3"
    if keys & _LEGACY or isinstance(doc.get("associations"), dict):
        return "1"
    if {k.lower() for k in _CAMEL} & keys:
        return "2"
    return "3"


def _items(obj: dict[str, Any], key: str, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, item) for an array of objects (or, in 1.x associations, an object of objects)."""
    value = obj.get(key)
    if value is None:
        return
    if isinstance(value, dict):
        pairs: Any = value.items()
    elif isinstance(value, list):
        pairs = enumerate(value)
    else:
        raise FormatError(f"ninjs {path}{key} must be an array, not {type(value).__name__}")
    for index, item in pairs:
        if not isinstance(item, dict):
            raise FormatError(f"ninjs {path}{key}[{index}] must be an object")
        yield f"{path}{key}[{index}]", item


def _string(obj: dict[str, Any], key: str, path: str, ct: str = "") -> list[Slot]:
    return [Slot(obj, key, f"{path}{key}", ct)] if key in obj else []


def _value(path: str, item: dict[str, Any], keys: Keys) -> Slot:
    """The ``value`` of a 2.x or 3.x headline, description or body, in its content type."""
    return Slot(item, "value", f"{path}.value", str(item.get(keys.content_type, "")))


def layout_of(doc: dict[str, Any]) -> Layout:
    version = ninjs_version(doc)
    keys = KEYS[version]
    out = Layout(version)
    if version == "1":
        out.headline = _string(doc, "headline", "")
        out.standfirst = _string(doc, "description_text", "") + _string(
            doc, "description_html", "", "text/html"
        )
        out.byline = _string(doc, "byline", "")
        out.bodies = _string(doc, "body_html", "", "text/html") + _string(doc, "body_text", "")
    else:
        headlines = [_value(p, h, keys) for p, h in _items(doc, "headlines", "")]
        # 2.x and 3.x give each headline a role, the provider's own word: the kicker is the
        # one whose role says so
        kicker = [h for h in headlines if str(h.obj.get("role", "")).lower() == KICKER_ROLE]
        main = [h for h in headlines if h.obj.get("role") == "main"] or [
            h for h in headlines if str(h.obj.get("role", "")).lower() != KICKER_ROLE
        ]
        out.headline = main[:1]
        out.kicker = kicker[:1]
        descriptions = [_value(p, d, keys) for p, d in _items(doc, "descriptions", "")]
        out.standfirst = [d for d in descriptions if d.obj.get("role") != LABEL_ROLE][:1]
        out.label = next((d.text() for d in descriptions if d.obj.get("role") == LABEL_ROLE), "")
        out.byline = _string(doc, "by", "")
        out.bodies = [_value(p, b, keys) for p, b in _items(doc, "bodies", "")]
    out.dateline = _string(doc, "located", "")
    for path, item in _items(doc, "associations", ""):
        if item.get("type") in _PICTURE_TYPES:
            out.pictures.append(_picture(item, path + ".", version))
    return out


def _picture(item: dict[str, Any], path: str, version: str) -> Picture:
    keys = KEYS[version]
    if version == "1":
        captions = _string(item, "description_text", path) + _string(
            item, "description_html", path, "text/html"
        )
        alt: list[Slot] = []
        names: tuple[str, ...] = (
            ("creditline",) if item.get("creditline") else (keys.holder, "byline", "by")
        )
    else:
        descriptions = [_value(p, d, keys) for p, d in _items(item, "descriptions", path)]
        captions = [d for d in descriptions if d.obj.get("role") != "alt"][:1]
        alt = [d for d in descriptions if d.obj.get("role") == "alt"][:1]
        names = (keys.holder, "by")
    credits = [str(item[n]).strip() for n in names if isinstance(item.get(n), str)]
    credit = " / ".join(dict.fromkeys(c for c in credits if c))
    renditions = item.get("renditions") or []
    renditions = list(renditions.values()) if isinstance(renditions, dict) else renditions
    hrefs = [r for r in renditions if isinstance(r, dict) and isinstance(r.get("href"), str)]
    best = max(hrefs, key=lambda r: r.get("width") or 0, default={"href": ""})
    return Picture(item, captions, alt, inline.escape_text(credit), str(best["href"]))


def body_blocks(body: Slot | None) -> tuple[Block, ...]:
    if body is None or not body.value.strip():
        return ()
    if body.html:
        return html.body_blocks(body.value)
    return paragraph_blocks(body.value)


def load(data: str, *, accept: bool = True) -> dict[str, Any]:
    """The document; with ``accept``, every string in it under the text rule (JSON escapes
    make characters the raw text does not hold: ``\\ud800``, ``\\u0000``)."""
    if not data.strip():
        raise EmptyInputError("empty ninjs input")
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if accept:
        doc = intake.accept_json(doc, "the ninjs")
    if not isinstance(doc, dict):
        raise FormatError(f"ninjs must be a JSON object, not a JSON {type(doc).__name__}")
    if not isinstance(doc.get("uri"), str) or not doc["uri"]:
        raise FormatError('not a ninjs document: it has no "uri" (the one required property)')
    return doc
