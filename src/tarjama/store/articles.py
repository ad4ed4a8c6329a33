"""The newsroom's tables: articles, their versions, translations per version, and the job queue.

    articles            one row per publisher id; ``current_version_id`` is the latest version
    article_versions    every body an article had (content hash ``Article.version``, number 1..n)
    translations        one per version and language: status and the Translation as JSON
    jobs                the durable queue: a job translates one version into one language

A version or a translation is never changed in place by a new submission: every version and
every translation of it is kept, with its provenance. A partial unique index makes sure the
same version and language never has two jobs waiting or running at once. Created by migration
``0003_articles``; the queue's columns of ``jobs`` (priority, owner, heartbeat, dispatch) by
``0005_queue``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tarjama.store.models import LANG, Base, Created, Updated, UTCDateTime

TRANSLATION_STATES = ("queued", "translated", "needs-review", "reviewed", "failed")
JOB_STATES = ("queued", "running", "done", "failed")
PRIORITIES = ("breaking", "normal", "backfill")
"""Job priorities, the most urgent first: a published or updated article, other work, archives."""
ACTIVE_JOB = "state IN ('queued', 'running')"
"""The states in which a job holds its (version, language): at most one such job at a time."""


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class StoredArticle(Base):
    """An article known by its publisher's id, with the languages it is translated into."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publisher_id: Mapped[str] = mapped_column(String(200), unique=True)
    source_uri: Mapped[str] = mapped_column(String(2000), default="")
    """The document's own id (ninjs ``uri``, HTML canonical URL) when it had one."""
    source_language: Mapped[str] = mapped_column(String(LANG))
    targets: Mapped[str] = mapped_column(String(400))
    """Target languages of the latest submission, comma-separated."""
    current_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]


class ArticleVersion(Base):
    """One body an article had: the document as received and the parsed Article as JSON."""

    __tablename__ = "article_versions"
    __table_args__ = (
        UniqueConstraint("article_id", "version", name="uq_article_versions_version"),
        UniqueConstraint("article_id", "number", name="uq_article_versions_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(64))
    """``Article.version``: the content hash of what gets translated."""
    number: Mapped[int] = mapped_column(Integer)
    source_format: Mapped[str] = mapped_column(String(16))
    original: Mapped[str] = mapped_column(Text)
    article: Mapped[str] = mapped_column(Text)
    """The parsed Article as JSON (without ``original``, which has its own column)."""
    created_at: Mapped[Created]


class StoredTranslation(Base):
    """One version of an article in one language: its status and the Translation as JSON."""

    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("article_version_id", "language", name="uq_translations_language"),
        CheckConstraint(_in("status", TRANSLATION_STATES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_version_id: Mapped[int] = mapped_column(
        ForeignKey("article_versions.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(LANG))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    data: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    """The Translation as JSON (label, provenance, article, segments, corrections); None while
    queued or after a failure."""
    engine_signature: Mapped[str] = mapped_column(String(500), default="")
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]


class Job(Base):
    """A unit of background work; the table is the queue (see ``tarjama.jobs``)."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("state", JOB_STATES), name="state"),
        Index(
            "uq_jobs_active",
            "article_version_id",
            "language",
            unique=True,
            sqlite_where=text(ACTIVE_JOB),
            postgresql_where=text(ACTIVE_JOB),
        ),
        Index("ix_jobs_state", "state", "id"),
        CheckConstraint(_in("priority", PRIORITIES), name="priority"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="translate")
    article_version_id: Mapped[int] = mapped_column(
        ForeignKey("article_versions.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(LANG))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(16), default="normal", server_default="normal")
    owner: Mapped[str] = mapped_column(String(64), default="", server_default="")
    """The runner holding a running job (``host:pid:n``), so that only it finishes the job."""
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=None)
    """When the owner last said it was alive; a running job silent longer than the lease is
    taken over (its owner died)."""
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=None)
    """When the job was handed to the broker (Celery); None: not yet, or the broker was down."""
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]
