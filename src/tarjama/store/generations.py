"""A counter that moves whenever the translation memory or the glossary changes.

Everything that writes units or terms bumps it in the same transaction (``tarjama.memory``), so
any process can tell in one primary-key read whether a result it computed earlier from the
memory could still be the same: the HTTP service's result cache keys on it.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from tarjama.store.database import Store
from tarjama.store.models import Base

CONTENT = "content"
"""The one counter today: translation memory and glossary together."""


class Generation(Base):
    """A named counter (``generations``), one row per name, created by migration 0004."""

    __tablename__ = "generations"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


def bump(session: Session, name: str = CONTENT) -> None:
    """Move the counter, inside the caller's write transaction."""
    session.execute(
        update(Generation).where(Generation.name == name).values(value=Generation.value + 1)
    )


def current(store: Store, name: str = CONTENT) -> int:
    """The counter's value now."""
    with store.engine.connect() as connection:
        value = connection.execute(
            select(Generation.value).where(Generation.name == name)
        ).scalar_one()
    return int(value)
