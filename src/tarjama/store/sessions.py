"""The desk's sessions, in the store: a restart, or a second ``tarjama serve`` beside the
first, keeps editors signed in. The table is created by migration ``0007_desk_sessions``.

A session is known by a random id that only the browser holds (in its cookie): the store
keeps its SHA-256, never the id, and names the API key it was opened with by the key's id,
never the key. Each use reads the session with its key's row, so a revoked key ends its
sessions at once on every server, and a key's role is the one it has now. A session unused
for ``idle`` seconds ends; its row goes when a session is next opened.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from tarjama.store.database import Store
from tarjama.store.keys import ApiKey
from tarjama.store.models import Base, UTCDateTime, utcnow

EXTEND_AFTER = timedelta(minutes=5)
"""A session's end moves on when it is used, at most once in this long (not a write per
request)."""


class DeskSession(Base):
    """One signed-in editor: the hash of the session's id, the key's id, the CSRF token of its
    forms and when it ends."""

    __tablename__ = "desk_sessions"
    __table_args__ = (Index("ix_desk_sessions_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """Hex SHA-256 of the session's id."""
    key_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class Found:
    """A live session: its key (id, name, role, whether revoked) and its CSRF token."""

    key_id: str
    name: str
    role: str
    revoked: bool
    csrf: str


def _hashed(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8", "surrogatepass")).hexdigest()


class DeskSessions:
    """Open, find and close the desk's sessions; ``idle``: seconds unused before one ends."""

    def __init__(self, store: Store, idle: float) -> None:
        self.store = store
        self.idle = timedelta(seconds=idle)

    def open(self, key_id: str) -> tuple[str, str]:
        """A new session for the key ``key_id``: its id (for the cookie) and CSRF token."""
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = utcnow()
        with self.store.begin() as session:
            session.execute(delete(DeskSession).where(DeskSession.expires_at < now))
            session.add(
                DeskSession(id=_hashed(sid), key_id=key_id, csrf=csrf, expires_at=now + self.idle)
            )
        return sid, csrf

    def get(self, sid: str | None) -> Found | None:
        """The session ``sid`` names with its key as it is now, or None (none, or ended)."""
        if not sid or len(sid) > 200:
            return None
        now = utcnow()
        with self.store.session() as session:
            row = session.execute(
                select(DeskSession, ApiKey)
                .join(ApiKey, ApiKey.id == DeskSession.key_id)
                .where(DeskSession.id == _hashed(sid), DeskSession.expires_at >= now)
            ).first()
        if row is None:
            return None
        desk, key = row
        if desk.expires_at - now < self.idle - EXTEND_AFTER:
            with self.store.begin() as session:
                session.execute(
                    update(DeskSession)
                    .where(DeskSession.id == desk.id)
                    .values(expires_at=now + self.idle)
                )
        return Found(key.id, key.name, key.role, key.revoked, desk.csrf)

    def close(self, sid: str | None) -> None:
        """End the session ``sid`` (nothing if there is none)."""
        if sid:
            with self.store.begin() as session:
                session.execute(delete(DeskSession).where(DeskSession.id == _hashed(sid)))
