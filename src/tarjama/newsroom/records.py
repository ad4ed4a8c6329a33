"""What the newsroom answers: plain values, read from the store and handed to the edges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from tarjama.model import Article, FieldRef, Translation

SOURCE_CHANGED = "source_changed"
"""The check name of the finding on a corrected segment whose source has since changed."""
FAILED = "failed"
"""The status of a translation whose job failed."""


@dataclass(frozen=True)
class Submission:
    """What a submission did: created the article, made a new version, or nothing."""

    publisher_id: str
    number: int
    version: str
    created: bool
    changed: bool
    jobs: tuple[int, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class VersionInfo:
    number: int
    version: str
    source_format: str
    created_at: datetime
    current: bool
    statuses: Mapping[str, str]


@dataclass(frozen=True)
class ArticleInfo:
    publisher_id: str
    source_uri: str
    source_language: str
    targets: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    current: VersionInfo
    versions: int


@dataclass(frozen=True)
class Correction:
    """An editor's target for one segment, carried to later versions while its source stays."""

    field: FieldRef
    index: int
    source: str
    target: str
    editor: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "field": str(self.field)}


@dataclass(frozen=True)
class StoredResult:
    """A stored translation: its status and, once translated, the Translation itself."""

    publisher_id: str
    language: str
    number: int
    version: str
    status: str
    translation: Translation | None
    corrections: tuple[Correction, ...]
    reviewed_by: str
    error: str
    updated_at: datetime


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    state: str
    attempts: int
    error: str
    publisher_id: str
    number: int
    language: str
    priority: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Listed:
    """An article in the index of the reader pages: its current version's headline and the
    languages it can be read in."""

    publisher_id: str
    source_language: str
    headline: str
    updated_at: datetime
    languages: tuple[str, ...]
    """The languages of the translations that are done (translated, needing review, reviewed)."""


@dataclass(frozen=True)
class Page:
    """What a reader page shows: the current version of an article, the languages it can be
    read in, and either the original or the translation into one of them."""

    publisher_id: str
    source_uri: str
    source_language: str
    number: int
    updated_at: datetime
    languages: tuple[str, ...]
    """The languages of the translations that are done."""
    original: Article | None
    """The original as submitted, when it is the page's."""
    result: StoredResult | None
    """The translation (without its segments), when it is the page's."""


@dataclass(frozen=True)
class Queued:
    """A translation on the review desk's queue: how risky it is and what the checks found."""

    publisher_id: str
    language: str
    number: int
    status: str
    headline: str
    """The translated headline (tagged text)."""
    risk: float
    """The riskiest segment's score."""
    findings: int
    updated_at: datetime
