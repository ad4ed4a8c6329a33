"""Webhooks: the URLs a CMS registered (per API key) and each delivery of an event to one.

    webhooks            url, secret (signs every delivery), events wanted, the key that owns it
    webhook_deliveries  one event to one webhook: the JSON body, attempts, outcome, next try

A delivery row is written in the transaction that makes its event (a translation stored, a
translation approved), so an event is never lost between the store and the queue. A delivery
has the priority of the job that made it (``normal`` for an approval), and is sent to that
priority's queue: a backfill's thousands of deliveries never stand before a breaking story's.
Created by migration ``0006_webhooks``; ``priority`` by ``0008_delivery_priority``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tarjama.store.models import Base, Created, Updated, UTCDateTime

EVENTS = ("translated", "needs-review", "reviewed")
DELIVERY_STATES = ("pending", "delivering", "delivered", "failed")


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(32), default="")
    """The id of the API key that registered it ("" for an anonymous writer)."""
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[str] = mapped_column(String(200))
    """Comma-separated events it wants."""
    created_at: Mapped[Created]


class Delivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'delivering', 'delivered', 'failed')", name="state"),
        Index("ix_webhook_deliveries_state", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16), default="normal", server_default="normal")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]
