"""The bodies of the articles API, built from the newsroom's values (``tarjama.api.schemas``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tarjama.api.schemas import (
    Address,
    FindingOut,
    MatchOut,
    Out,
    PlainText,
    ProvenanceOut,
    Text,
    mirror,
    of_translation,
)
from tarjama.model import Article
from tarjama.newsroom import JobInfo


class SubmissionOut(Out):
    publisher_id: str
    number: int = Field(description="The version number (1, 2, ...) now current.")
    version: str = Field(description="The content hash of that version.")
    created: bool = Field(description="The article was new.")
    changed: bool = Field(description="A new version was made (false: the body was unchanged).")
    jobs: list[int] = Field(description="Translation jobs queued (see GET /v1/jobs/{id}).")
    targets: list[str]


class VersionOut(Out):
    number: int
    version: str
    source_format: str
    created_at: datetime
    current: bool
    statuses: dict[str, str] = Field(description="language -> queued, translated, ...")


class ArticleOut(Out):
    publisher_id: str
    source_uri: str
    source_language: str
    targets: list[str]
    created_at: datetime
    updated_at: datetime
    versions: int
    current: VersionOut


class SegmentReview(Out):
    field: Address
    index: int
    source: PlainText
    target: PlainText
    source_tagged: str = Field(
        validation_alias="source", description="The source in tarjama's inline-tag form."
    )
    target_tagged: str = Field(validation_alias="target")
    origin: str = Field(description="engine, memory:human, memory:machine, human or copy")
    risk: float
    findings: list[FindingOut]
    suggestions: list[MatchOut] = Field(
        default=[],
        description="Near matches from human work in the translation memory (segments listing "
        "only): offered to the editor, never applied by themselves.",
    )


def _article(value: object) -> object:
    return value.to_dict() if isinstance(value, Article) else value


class TranslationDoc(Out):
    # Built from a stored translation; the translation's own fields once it is done.
    publisher_id: str
    language: str
    number: int
    version: str
    status: str = Field(description="queued, translated, needs-review, reviewed or failed")
    label: str | None = of_translation("label", default=None)
    provenance: ProvenanceOut | None = of_translation("provenance", default=None)
    risk: float | None = of_translation(
        "risk", default=None,
        description="The article's risk (0 to 1): its sentences' risks weighted by their words.",
    )  # fmt: skip
    reviewed_by: str = ""
    error: str = ""
    updated_at: datetime
    article: Annotated[dict[str, Any] | None, BeforeValidator(_article)] = of_translation(
        "article", default=None, description="The translated article."
    )
    segments: list[SegmentReview] = of_translation("segments", default=[])


class SegmentsOut(Out):
    publisher_id: str
    language: str
    number: int
    status: str
    segments: list[SegmentReview] = of_translation("segments")


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: Text = Field(
        min_length=1,
        max_length=20_000,
        description="The corrected target: plain text, or with the source's inline tags.",
    )


JobOut = mirror(
    JobInfo,
    "JobOut",
    state=Field(description="queued, running, done or failed"),
    priority=Field(description="breaking, normal or backfill: the queue it runs from"),
)
JobList = list[JobOut]  # type: ignore[valid-type]
