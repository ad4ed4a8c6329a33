"""Writing: the translation into the original document's shape, or a new ninjs 3.1 document."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from html import unescape
from typing import Any

from tarjama import inline
from tarjama.errors import EngineError, FormatError
from tarjama.formats import html
from tarjama.formats.ninjs.layout import (
    KEYS,
    KICKER_ROLE,
    LABEL_ROLE,
    PROVENANCE_ROLE,
    Layout,
    Slot,
    body_blocks,
    layout_of,
    load,
)
from tarjama.formats.ninjs.sanitise import sanitise_document
from tarjama.formats.ninjs.schema import SCHEMA_URI, SCHEMAS, schema_error, validate_ninjs
from tarjama.model import Block, BlockKind, Translation


def _plain(tagged: str) -> str:
    try:
        return inline.plain(tagged)
    except EngineError:
        return unescape(re.sub(r"</?[gx]\b[^>]*>", "", tagged))


def _write_bodies(layout: Layout, blocks: tuple[Block, ...]) -> None:
    primary = layout.primary_body
    source = primary.value if primary is not None and primary.html else None
    text_blocks = [b for b in blocks if b.kind not in (BlockKind.PICTURE, BlockKind.META)]
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


def _put(slots: list[Slot], escaped: str) -> None:
    for slot in slots:
        slot.put(escaped)


def _mark(doc: dict[str, Any], layout: Layout, t: Translation) -> None:
    """Record label and provenance in fields the schema allows (see the module docstring)."""
    note = f"{t.label} ({html.provenance_text(t.provenance)})"
    if layout.version == "1":
        ednote = str(doc.get("ednote", "")).split("\n\n[tarjama] ")[0]
        doc["ednote"] = f"{ednote}\n\n[tarjama] {note}" if ednote else f"[tarjama] {note}"
        return
    keys = KEYS[layout.version]
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
        _mark(doc, Layout("3"), t)
        if sanitise:
            sanitise_document(doc)
        validate_ninjs(doc, "3")
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    original = load(a.original, accept=False)  # accepted when read; stored ones stay writable
    doc = copy.deepcopy(original)
    layout = layout_of(doc)
    n_body = len(body_blocks(layout.primary_body))
    body, pictures = a.body[:n_body], a.body[n_body:]
    if len(pictures) != len(layout.pictures):
        raise FormatError(
            f"the translation has {len(a.body)} blocks but the original ninjs has {n_body} "
            f"body blocks and {len(layout.pictures)} pictures"
        )
    for slots, text in (
        (layout.headline, a.headline),
        (layout.kicker, a.kicker),
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
    if layout.version in SCHEMAS and schema_error(original, layout.version) is None:
        validate_ninjs(doc, layout.version)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _is_datetime(value: str) -> bool:
    """An ISO 8601 date and time, as ninjs's ``date-time`` wants it (a page may say "May 3")."""
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


def _new_document(t: Translation) -> dict[str, Any]:
    a = t.article

    def text(role: str, escaped: str) -> dict[str, str]:
        return {"role": role, "contentType": "text/plain", "value": _plain(escaped)}

    body = [b for b in a.prose() if b.kind is not BlockKind.PICTURE]
    doc: dict[str, Any] = {
        "uri": f"urn:tarjama:{t.source_version}:{t.language}",
        "type": "text",
        "versionCreated": t.provenance.created,
        "language": t.language,
        "standard": {"name": "ninjs", "version": "3.1", "schema": SCHEMA_URI},
        "headlines": [text("main", a.headline)],
    }
    if a.kicker:
        doc["headlines"].append(text(KICKER_ROLE, a.kicker))
    if a.standfirst:
        doc["descriptions"] = [text("summary", a.standfirst)]
    if a.byline:
        doc["by"] = unescape(a.byline)
    if a.dateline:
        doc["located"] = unescape(a.dateline)
    if _is_datetime(a.published):
        doc["firstCreated"] = a.published
    if a.site:
        doc["infoSources"] = [{"name": a.site, "role": "publisher"}]
    doc["bodies"] = [
        {"role": "main", "contentType": "text/html", "value": html.blocks_to_html(body)},
        {
            "role": "main",
            "contentType": "text/plain",
            "value": "\n\n".join(_plain(b.text) for b in body),
        },
    ]
    associations = []
    for n, block in enumerate((b for b in a.prose() if b.kind is BlockKind.PICTURE), start=1):
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
