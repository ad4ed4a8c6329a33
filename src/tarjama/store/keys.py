"""API keys: who may call the HTTP service, with which role; only a salted hash is stored.

A key is shown once when created, as ``tj_<id>_<secret>``: the service finds the row by ``id``
and compares a hash of ``secret`` in constant time (``tarjama.api.security``). The table is
created by migration ``0002_api_keys``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from tarjama.store.models import Base, UTCDateTime, utcnow

ROLES = ("reader", "editor", "admin")


class ApiKey(Base):
    """One API key: its public id, a name for people, a role, and the hash of its secret."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint("role IN ('reader', 'editor', 'admin')", name="role"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    salt: Mapped[str] = mapped_column(String(64))
    """Hex of the per-key random salt."""
    hash: Mapped[str] = mapped_column(String(255))
    """``hmac-sha256$<hex digest>`` (keyed with ``salt``), or for keys made before
    ``scrypt$<n>$<r>$<p>$<hex digest>``, rewritten on the key's first good use: the scheme
    travels with the digest, so no migration was needed."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, default=None)
