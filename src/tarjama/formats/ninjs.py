"""IPTC ninjs (News in JSON) in and out, keeping the document's own shape.

Versions: 3.x (camelCase keys: ``headlines``, ``bodies``, ``descriptions`` with ``contentType``,
``associations`` as an array of named items), 2.x (the same arrays with lowercase keys:
``contenttype``, ``versioncreated``) and the legacy 1.x shape (``headline``, ``body_text`` /
``body_html``, ``description_text``, ``byline``, ``associations`` as an object). The version comes
from ``$schema`` or ``standard``, else from the keys the document uses.

What is translated: the main headline (role "main", else the first), the first description (the
standfirst), ``by``, ``located`` (the dateline), every body, and the caption and ``alt``
description of each picture or graphic association. Markup in an HTML headline or description
is flattened (the Article holds them as plain text); HTML bodies keep theirs. Bodies are taken
to be representations of the same text (as in IPTC's examples: one text/plain, one HTML): the
article is read from the HTML one (else the plain one) and every body is written from the
translation; plain text splits into paragraphs on blank lines. Picture credits
(``copyrightHolder`` / ``by``, 1.x ``creditline``) are carried, never translated.

Writing deep-copies the original JSON and replaces only those fields, sets ``language`` (on the
item and on the associations whose captions were translated), and records the label and the
provenance where the schemas allow it, since neither schema allows extra properties:

- the label as one more description, ``{"role": "tarjama-label", "value": LABEL}``;
- the provenance as an info source (a party that "modified" the content):
  ``{"name": "tarjama", "role": "machine-translation", "literal": "engine=...; pair=..."}``;
- 1.x, which has neither array in the same form, gets both in ``ednote``.

Output is validated against the bundled schema of its version (2.2 or 3.1) when the input was
valid against it: a document that already used provider extensions is not rejected for them.
An article that did not come from ninjs is written as a new ninjs 3.1 document.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from tarjama import inline, intake
from tarjama.errors import EmptyInputError, EngineError, FormatError
from tarjama.formats import html
from tarjama.formats.sanitise import safe_identifier, safe_url, sanitise_html, sanitise_xhtml
from tarjama.model import Article, Block, BlockKind, Translation

SCHEMAS = {"2": "2.2", "3": "3.1"}
"""Major version -> the bundled schema (``schemas/ninjs-schema_<version>.json``, MIT, IPTC)."""
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
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
_LEGACY = frozenset({"headline", "body_text", "body_html", "description_text", "byline"})


@dataclass(frozen=True)
class _Keys:
    content_type: str
    holder: str
    info_sources: str
    first_created: str
    version_created: str


_KEYS = {
    "1": _Keys("contenttype", "copyrightholder", "", "firstcreated", "versioncreated"),
    "2": _Keys("contenttype", "copyrightholder", "infosources", "firstcreated", "versioncreated"),
    "3": _Keys("contentType", "copyrightHolder", "infoSources", "firstCreated", "versionCreated"),
}


@dataclass
class _Slot:
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
class _Picture:
    item: dict[str, Any]
    captions: list[_Slot]
    alt: list[_Slot]
    credit: str
    src: str


@dataclass
class _Layout:
    """Where the translatable fields of one ninjs document are."""

    version: str
    headline: list[_Slot] = field(default_factory=list)
    standfirst: list[_Slot] = field(default_factory=list)
    byline: list[_Slot] = field(default_factory=list)
    dateline: list[_Slot] = field(default_factory=list)
    bodies: list[_Slot] = field(default_factory=list)
    pictures: list[_Picture] = field(default_factory=list)
    label: str = ""

    @property
    def primary_body(self) -> _Slot | None:
        """The body the article is read from: HTML keeps the most structure."""
        return next((b for b in self.bodies if b.html), self.bodies[0] if self.bodies else None)


# --- version and schema -------------------------------------------------------------------------


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


@cache
def _validator(version: str) -> Draft202012Validator:
    text = (
        resources.files("tarjama.formats")
        .joinpath("schemas", f"ninjs-schema_{SCHEMAS[version]}.json")
        .read_text()
    )
    return Draft202012Validator(json.loads(text))


def _schema_error(doc: dict[str, Any], version: str) -> str | None:
    error = best_match(_validator(version).iter_errors(doc))
    return None if error is None else f"at {error.json_path}: {error.message}"


def validate_ninjs(doc: dict[str, Any], version: str | None = None) -> None:
    """Raise FormatError, with the JSON path of the first problem, if ``doc`` is not valid ninjs."""
    version = version or ninjs_version(doc)
    if version not in SCHEMAS:
        raise FormatError(
            f"ninjs {version}.x cannot be validated: tarjama bundles 2.2 and 3.1 only"
        )
    problem = _schema_error(doc, version)
    if problem:
        raise FormatError(f"not valid ninjs {SCHEMAS[version]} {problem}")


# --- finding the fields ---------------------------------------------------------------------------


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


def _string(obj: dict[str, Any], key: str, path: str, ct: str = "") -> list[_Slot]:
    return [_Slot(obj, key, f"{path}{key}", ct)] if key in obj else []


def _layout(doc: dict[str, Any]) -> _Layout:
    version = ninjs_version(doc)
    keys = _KEYS[version]
    out = _Layout(version)
    if version == "1":
        out.headline = _string(doc, "headline", "")
        out.standfirst = _string(doc, "description_text", "") + _string(
            doc, "description_html", "", "text/html"
        )
        out.byline = _string(doc, "byline", "")
        out.bodies = _string(doc, "body_html", "", "text/html") + _string(doc, "body_text", "")
    else:

        def slot(path: str, item: dict[str, Any]) -> _Slot:
            return _Slot(item, "value", f"{path}.value", str(item.get(keys.content_type, "")))

        headlines = [slot(p, h) for p, h in _items(doc, "headlines", "")]
        main = [h for h in headlines if h.obj.get("role") == "main"] or headlines
        out.headline = main[:1]
        descriptions = [slot(p, d) for p, d in _items(doc, "descriptions", "")]
        out.standfirst = [d for d in descriptions if d.obj.get("role") != LABEL_ROLE][:1]
        out.label = next((d.text() for d in descriptions if d.obj.get("role") == LABEL_ROLE), "")
        out.byline = _string(doc, "by", "")
        out.bodies = [slot(p, b) for p, b in _items(doc, "bodies", "")]
    out.dateline = _string(doc, "located", "")
    for path, item in _items(doc, "associations", ""):
        if item.get("type") in _PICTURE_TYPES:
            out.pictures.append(_picture(item, path + ".", version))
    return out


def _picture(item: dict[str, Any], path: str, version: str) -> _Picture:
    keys = _KEYS[version]
    if version == "1":
        captions = _string(item, "description_text", path) + _string(
            item, "description_html", path, "text/html"
        )
        alt: list[_Slot] = []
        names: tuple[str, ...] = (
            ("creditline",) if item.get("creditline") else (keys.holder, "byline", "by")
        )
    else:
        descriptions = [
            _Slot(d, "value", f"{p}.value", str(d.get(keys.content_type, "")))
            for p, d in _items(item, "descriptions", path)
        ]
        captions = [d for d in descriptions if d.obj.get("role") != "alt"][:1]
        alt = [d for d in descriptions if d.obj.get("role") == "alt"][:1]
        names = (keys.holder, "by")
    credits = [str(item[n]).strip() for n in names if isinstance(item.get(n), str)]
    credit = " / ".join(dict.fromkeys(c for c in credits if c))
    renditions = item.get("renditions") or []
    renditions = list(renditions.values()) if isinstance(renditions, dict) else renditions
    hrefs = [r for r in renditions if isinstance(r, dict) and isinstance(r.get("href"), str)]
    best = max(hrefs, key=lambda r: r.get("width") or 0, default={"href": ""})
    return _Picture(item, captions, alt, inline.escape_text(credit), str(best["href"]))


# --- reading ------------------------------------------------------------------------------------


def _first_text(slots: list[_Slot]) -> str:
    return slots[0].text() if slots else ""


def _body_blocks(body: _Slot | None) -> tuple[Block, ...]:
    if body is None or not body.value.strip():
        return ()
    if body.html:
        return html.body_blocks(body.value)
    paragraphs = re.split(r"\n[ \t]*\n", body.value)
    return tuple(
        Block(BlockKind.PARAGRAPH, inline.escape_text(text))
        for text in (re.sub(r"[ \t\n\r\f]+", " ", p).strip() for p in paragraphs)
        if text
    )


def _load(data: str, *, accept: bool = True) -> dict[str, Any]:
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


def read_ninjs(data: str, *, language: str | None = None) -> Article:
    """An Article from a ninjs 1.x, 2.x or 3.x document under the text rule
    (``tarjama.intake``); raises EmptyInputError, FormatError or CharacterError."""
    data = intake.accept(data, "the ninjs", lines=True)
    doc = _load(data)
    layout = _layout(doc)
    keys = _KEYS[layout.version]
    headline = _first_text(layout.headline)
    body = _body_blocks(layout.primary_body)
    if not headline and not any(b.text for b in body):
        raise FormatError("ninjs document has no headline and no body to translate")
    pictures = tuple(
        Block(
            BlockKind.PICTURE,
            _first_text(p.captions),
            credit=p.credit,
            src=p.src,
            alt=_first_text(p.alt),
            translatable=bool(p.captions or p.alt),
        )
        for p in layout.pictures
    )
    doc_language = doc.get("language")
    article = Article(
        headline=headline,
        body=body + pictures,
        source_language=language or (doc_language if isinstance(doc_language, str) else "en"),
        standfirst=_first_text(layout.standfirst),
        byline=_first_text(layout.byline),
        dateline=_first_text(layout.dateline),
        label=layout.label,
        published=str(doc.get(keys.first_created, "")),
        updated=str(doc.get(keys.version_created, "")),
        source_format="ninjs",
        original=data,
    )
    return intake.accept_article(article, "the ninjs")  # character references in HTML values


# --- writing ------------------------------------------------------------------------------------


def _plain(tagged: str) -> str:
    try:
        return inline.plain(tagged)
    except EngineError:
        return unescape(re.sub(r"</?[gx]\b[^>]*>", "", tagged))


def _write_bodies(layout: _Layout, blocks: tuple[Block, ...]) -> None:
    primary = layout.primary_body
    source = primary.value if primary is not None and primary.html else None
    text_blocks = [b for b in blocks if b.kind is not BlockKind.PICTURE]
    for slot in layout.bodies:
        if not slot.html:
            slot.obj[slot.key] = "\n\n".join(_plain(b.text) for b in text_blocks)
        elif slot.value == source:
            xhtml = "xhtml" in slot.content_type.lower()
            slot.obj[slot.key] = html.replace_body_blocks(slot.value, blocks, xhtml=xhtml)
        else:
            slot.obj[slot.key] = html.blocks_to_html(blocks)
        # counts of the source text would be wrong for the translation: recount what is there
        text = unescape(slot.text())
        counts = {"charcount": len(text), "wordcount": len(text.split())}
        for name in list(slot.obj):
            if name.lower() in counts:
                slot.obj[name] = counts[name.lower()]


def _put(slots: list[_Slot], escaped: str) -> None:
    for slot in slots:
        slot.put(escaped)


def _mark(doc: dict[str, Any], layout: _Layout, t: Translation) -> None:
    """Record label and provenance in fields the schema allows (see the module docstring)."""
    note = f"{t.label} ({html.provenance_text(t.provenance)})"
    if layout.version == "1":
        ednote = str(doc.get("ednote", "")).split("\n\n[tarjama] ")[0]
        doc["ednote"] = f"{ednote}\n\n[tarjama] {note}" if ednote else f"[tarjama] {note}"
        return
    keys = _KEYS[layout.version]
    descriptions = [d for d in doc.get("descriptions", []) if d.get("role") != LABEL_ROLE]
    descriptions.append({"role": LABEL_ROLE, keys.content_type: "text/plain", "value": t.label})
    doc["descriptions"] = descriptions
    sources = doc.get(keys.info_sources)
    sources = [
        s
        for s in (sources if isinstance(sources, list) else [])
        if not (isinstance(s, dict) and s.get("role") == PROVENANCE_ROLE)
    ]
    sources.append(
        {
            "name": "tarjama",
            "role": PROVENANCE_ROLE,
            "literal": html.provenance_text(t.provenance),
        }
    )
    doc[keys.info_sources] = sources


def write_ninjs(t: Translation, *, sanitise: bool = False) -> str:
    """The translation as ninjs: the original document's shape, or a new ninjs 3.1 document.
    With ``sanitise`` its HTML and addresses are made safe to show (:func:`sanitise_document`)."""
    a = t.article
    if a.source_format != "ninjs" or not a.original:
        doc = _new_document(t)
        _mark(doc, _Layout("3"), t)
        if sanitise:
            sanitise_document(doc)
        validate_ninjs(doc, "3")
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    original = _load(a.original, accept=False)  # accepted when read; stored ones stay writable
    doc = copy.deepcopy(original)
    layout = _layout(doc)
    n_body = len(_body_blocks(layout.primary_body))
    body, pictures = a.body[:n_body], a.body[n_body:]
    if len(pictures) != len(layout.pictures):
        raise FormatError(
            f"the translation has {len(a.body)} blocks but the original ninjs has {n_body} "
            f"body blocks and {len(layout.pictures)} pictures"
        )
    for slots, text in (
        (layout.headline, a.headline),
        (layout.standfirst, a.standfirst),
        (layout.byline, a.byline),
        (layout.dateline, a.dateline),
    ):
        _put(slots, text)
    _write_bodies(layout, body)
    for picture, block in zip(layout.pictures, pictures, strict=True):
        _put(picture.captions, block.text)
        _put(picture.alt, block.alt)
        if picture.captions or picture.alt:
            picture.item["language"] = t.language
    doc["language"] = t.language
    _mark(doc, layout, t)
    if sanitise:
        sanitise_document(doc)
    if layout.version in SCHEMAS and _schema_error(original, layout.version) is None:
        validate_ninjs(doc, layout.version)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _new_document(t: Translation) -> dict[str, Any]:
    a = t.article

    def text(role: str, escaped: str) -> dict[str, str]:
        return {"role": role, "contentType": "text/plain", "value": _plain(escaped)}

    body = [b for b in a.body if b.kind is not BlockKind.PICTURE]
    doc: dict[str, Any] = {
        "uri": f"urn:tarjama:{t.source_version}:{t.language}",
        "type": "text",
        "versionCreated": t.provenance.created,
        "language": t.language,
        "standard": {"name": "ninjs", "version": "3.1", "schema": SCHEMA_URI},
        "headlines": [text("main", a.headline)],
    }
    if a.standfirst:
        doc["descriptions"] = [text("summary", a.standfirst)]
    if a.byline:
        doc["by"] = unescape(a.byline)
    if a.dateline:
        doc["located"] = unescape(a.dateline)
    doc["bodies"] = [
        {"role": "main", "contentType": "text/html", "value": html.blocks_to_html(body)},
        {
            "role": "main",
            "contentType": "text/plain",
            "value": "\n\n".join(_plain(b.text) for b in body),
        },
    ]
    associations = []
    for n, block in enumerate((b for b in a.body if b.kind is BlockKind.PICTURE), start=1):
        item: dict[str, Any] = {
            "name": f"picture{n}",
            "uri": block.src or f"urn:tarjama:{t.source_version}:picture{n}",
            "type": "picture",
            "language": t.language,
        }
        descriptions = [text("caption", block.text)] if block.text else []
        descriptions += [text("alt", block.alt)] if block.alt else []
        if descriptions:
            item["descriptions"] = descriptions
        if block.credit:
            item["by"] = unescape(block.credit)
        if block.src:
            item["renditions"] = [{"name": "original", "href": block.src}]
        associations.append(item)
    if associations:
        doc["associations"] = associations
    return doc


# --- sanitising ---------------------------------------------------------------------------------

_HTML_KEYS = frozenset({"body_html", "description_html"})
_LINK_KEYS = frozenset({"href", "url", "web", "linkedrights"})


def sanitise_document(doc: Any) -> None:
    """Make a ninjs document safe for a CMS to show, in place, at any depth: every HTML value
    (``contentType`` text/html or xhtml, 1.x ``body_html`` and ``description_html``) sanitised;
    an address (``href``, ``url``, ``web``, ``linkedRights``) with a scheme that could run
    script removed; such a ``uri``, which the schema requires of items and associations,
    replaced by ``urn:tarjama:unsafe-uri:`` and a digest of it (the same uri, the same URN)."""
    if isinstance(doc, list):
        for item in doc:
            sanitise_document(item)
        return
    if not isinstance(doc, dict):
        return
    content_type = doc.get("contentType", doc.get("contenttype"))
    if (
        isinstance(content_type, str)
        and "html" in content_type.lower()
        and isinstance(doc.get("value"), str)
    ):
        xhtml = "xhtml" in content_type.lower()
        doc["value"] = (sanitise_xhtml if xhtml else sanitise_html)(doc["value"])
    for key, value in list(doc.items()):
        if isinstance(value, str):
            name = key.lower()
            if name in _HTML_KEYS:
                doc[key] = sanitise_html(value)
            elif name == "uri":
                doc[key] = safe_identifier(value)
            elif name in _LINK_KEYS and not safe_url(value):
                del doc[key]
        else:
            sanitise_document(value)
