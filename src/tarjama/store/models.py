"""The store's tables as typed SQLAlchemy models.

The models describe the schema at the newest migration; the migrations in
``tarjama/store/migrations/versions`` create it, and ``tests/test_store.py`` checks the two agree.
Every timestamp is UTC: :class:`UTCDateTime` stores naive UTC (SQLite keeps no zone) and hands
back aware datetimes on every dialect.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Explicit constraint names, so later migrations can alter them on every dialect."""

LANG = 16
LOCALE = 35
"""Room for a primary language subtag, and for a whole BCP-47 tag as RFC 5646 suggests."""


def utcnow() -> datetime:
    """Now in UTC to the second: TMX dates carry seconds, so round trips stay identical."""
    return datetime.now(UTC).replace(microsecond=0)


def utcnow_precise() -> datetime:
    """Now in UTC to the microsecond: the glossary's cache notices changes by ``updated_at``."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and returned as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


Created = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow_precise)]
"""A column: when the row was made, to the microsecond."""
Updated = Annotated[
    datetime, mapped_column(UTCDateTime, default=utcnow_precise, onupdate=utcnow_precise)
]
"""A column: when the row last changed (each update sets it), to the microsecond."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TMUnit(Base):
    """One translation-memory unit: a source segment and its translation for one language pair.

    ``source_lang``/``target_lang`` hold the lowercased primary language subtag ("en" for
    "en-US") and are what lookups match on; ``source_locale``/``target_locale`` keep the tag as it
    was given, for export. The unique key makes one row per provenance: one human unit per source
    and pair, and one machine unit per source, pair and engine/version/model. Its leading columns
    (pair, ``source_hash``) double as the exact-lookup index.
    """

    __tablename__ = "tm_units"
    __table_args__ = (
        UniqueConstraint(
            "source_lang",
            "target_lang",
            "source_hash",
            "origin",
            "engine",
            "engine_version",
            "model",
            name="uq_tm_units_provenance",
        ),
        CheckConstraint("origin IN ('human', 'machine')", name="origin"),
        Index("ix_tm_units_length", "source_lang", "target_lang", "source_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(LANG))
    target_lang: Mapped[str] = mapped_column(String(LANG))
    source_locale: Mapped[str] = mapped_column(String(LOCALE))
    target_locale: Mapped[str] = mapped_column(String(LOCALE))
    source: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 (hex) of the normalised source: see ``tarjama.memory.normalise``."""
    source_length: Mapped[int] = mapped_column(Integer)
    """Length of the normalised source, for the fuzzy search's length band."""
    origin: Mapped[str] = mapped_column(String(8))
    engine: Mapped[str] = mapped_column(String(100), default="")
    engine_version: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(255), default="")
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class GlossaryTerm(Base):
    """One glossary entry: how a source term is rendered in one language pair.

    Languages are lowercased primary subtags, as for :class:`TMUnit`.
    """

    __tablename__ = "glossary_terms"
    __table_args__ = (
        UniqueConstraint(
            "source_lang", "target_lang", "source_term", name="uq_glossary_terms_term"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(LANG))
    target_lang: Mapped[str] = mapped_column(String(LANG))
    source_term: Mapped[str] = mapped_column(String(1000))
    target_term: Mapped[str] = mapped_column(String(1000))
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_translate: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]
