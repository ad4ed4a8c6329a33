"""Articles and translations as the JSON the store keeps (``article_versions.article``,
``translations.data``), and back.

The JSON is the dataclasses' fields as they are, but for the document as received (kept in a
column of its own, given back on reading), field addresses written as strings (``body/3``) and
a translation's corrections beside it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tarjama import qa
from tarjama.model import (
    Article,
    Block,
    BlockKind,
    FieldRef,
    Provenance,
    SegmentOrigin,
    SegmentResult,
    Status,
    Translation,
)
from tarjama.newsroom.records import Correction


def article_to_json(article: Article) -> str:
    return json.dumps(article.to_dict(), ensure_ascii=False)


def article_from_dict(data: Mapping[str, Any], original: str = "") -> Article:
    fields = dict(data)
    fields["body"] = tuple(
        Block(
            **{
                **b,
                "kind": BlockKind(b["kind"]),
                "inline": tuple((str(k), str(v)) for k, v in b.get("inline", ())),
            }
        )
        for b in data.get("body", ())
    )
    fields["original"] = original
    return Article(**fields)


def article_from_json(text: str, original: str) -> Article:
    return article_from_dict(json.loads(text), original)


def translation_to_json(t: Translation, corrections: Sequence[Correction]) -> str:
    data = t.to_dict()
    data["corrections"] = [c.to_dict() for c in corrections]
    return json.dumps(data, ensure_ascii=False)


def translation_from_json(
    text: str, original: str, *, segments: bool = True
) -> tuple[Translation, tuple[Correction, ...]]:
    """A stored translation; without ``segments`` (a reader page), none of its segments."""
    data = json.loads(text)
    risk = data.get("risk")
    parsed = tuple(_segment(s) for s in data["segments"]) if segments or risk is None else ()
    if risk is None:  # rows written before articles had a risk get their segments' (the same)
        risk = qa.text_risk((s.risk, s.source) for s in parsed)
    translation = Translation(
        article=article_from_dict(data["article"], original),
        source_version=data["source_version"],
        provenance=Provenance(**data["provenance"]),
        label=data["label"],
        status=Status(data["status"]),
        segments=parsed if segments else (),
        risk=float(risk),
    )
    corrections = tuple(
        Correction(**{**c, "field": FieldRef.parse(c["field"])})
        for c in data.get("corrections", ())
    )
    return translation, corrections


def _segment(data: Mapping[str, Any]) -> SegmentResult:
    return SegmentResult(
        **{
            **data,
            "field": FieldRef.parse(data["field"]),
            "origin": SegmentOrigin(data["origin"]),
            "findings": tuple(_finding(f) for f in data.get("findings", ())),
            "names": tuple(data.get("names", ())),
        }
    )


def _finding(data: Mapping[str, Any]) -> qa.Finding:
    return qa.Finding(
        check=str(data["check"]),
        severity=qa.Severity(data["severity"]),
        message=str(data["message"]),
        segment=data.get("segment"),
        evidence=str(data.get("evidence", "")),
        span=(int(span[0]), int(span[1])) if (span := data.get("span")) else None,
    )
