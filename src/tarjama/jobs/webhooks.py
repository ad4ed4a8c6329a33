"""Webhooks: a CMS is told when a translation is ready instead of asking.

    register(session, owner, url, events)   a webhook and its secret (shown once, to sign)
    record(session, event, payload, prio)   a delivery per webhook wanting the event, written in
                                            the transaction that made the event, with the
                                            priority of the job that made it
    deliver(store, delivery_id)             one POST; None when finished, else seconds to wait

A delivery is a POST of the JSON event with ``X-Tarjama-Event``, ``X-Tarjama-Delivery``,
``X-Tarjama-Timestamp`` and ``X-Tarjama-Signature: sha256=<hex>``, the HMAC-SHA256 of
``"<timestamp>.<body>"`` keyed with the webhook's secret: the receiver recomputes it, and
refuses a timestamp too old to replay. A 2xx answer delivers it; anything else is tried again
after 1, 4, 16, 64 and 256 s, then the delivery is ``failed`` with the last answer. The runner
that ends a job, or approves a translation, sends what is due at once (:func:`due`); its sweep
sends what a retry or a crash left.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tarjama.errors import InputError, NotFoundError
from tarjama.store import Delivery, Store, Webhook
from tarjama.store.articles import PRIORITIES
from tarjama.store.models import utcnow_precise
from tarjama.store.webhooks import EVENTS

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
TIMEOUT = 10.0
STUCK = 120.0
"""Seconds after which a delivery left ``delivering`` (its runner died) is pending again."""


def backoff(attempt: int) -> float:
    """Seconds before the next try of a delivery whose ``attempt``-th try failed: 1, 4, 16..."""
    return float(4 ** (attempt - 1))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def register(
    session: Session, owner: str, url: str, events: Sequence[str] = EVENTS
) -> tuple[Webhook, str]:
    """A new webhook of ``owner`` (an API key's id) and its secret."""
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise InputError(f"unknown event {unknown[0] if unknown else ''!r}; "
                         f"use {', '.join(EVENTS)}")  # fmt: skip
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(owner=owner, url=url, secret=secret, events=",".join(dict.fromkeys(events)))
    session.add(hook)
    session.flush()
    return hook, secret


def owned(session: Session, owner: str, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.owner != owner:
        raise NotFoundError("webhook_not_found", f"no webhook {webhook_id}")
    return hook


def record(
    session: Session, event: str, payload: Mapping[str, Any], priority: str = "normal"
) -> list[int]:
    """A pending delivery of ``event`` to every webhook that wants it; their ids. ``priority``
    is that of the job that made the event: its deliveries are sent to that queue."""
    hooks = session.scalars(select(Webhook).where(Webhook.events.contains(event))).all()
    body = json.dumps({"event": event, **payload}, ensure_ascii=False, sort_keys=True,
                      default=str)  # fmt: skip
    rows = [Delivery(webhook_id=h.id, event=event, body=body, priority=priority) for h in hooks
            if event in h.events.split(",")]  # fmt: skip
    session.add_all(rows)
    session.flush()
    return [d.id for d in rows]


def due(store: Store) -> list[tuple[int, str]]:
    """Deliveries to send now, taken for sending: pending and due (or stuck in ``delivering``),
    as (id, priority), the most urgent first. Each is not due again for :data:`STUCK` seconds,
    so that runners and sweeps that look at once send it once; a message lost on its way is
    sent again after that."""
    now = utcnow_precise()
    with store.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.state == "delivering",
                   Delivery.updated_at < now - timedelta(seconds=STUCK))
            .values(state="pending", next_attempt_at=None)
        )  # fmt: skip
        found = session.execute(
            select(Delivery.id, Delivery.priority)
            .where(
                Delivery.state == "pending",
                or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            )
            .order_by(Delivery.id)
            .with_for_update(skip_locked=True)
        ).all()
        ids = [int(i) for i, _ in found]
        if ids:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.state == "pending",
                       or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
                .values(next_attempt_at=now + timedelta(seconds=STUCK))
            )  # fmt: skip
    urgency = {p: n for n, p in enumerate(PRIORITIES)}
    return sorted(((int(i), str(p)) for i, p in found), key=lambda row: urgency.get(row[1], 1))


def deliver(store: Store, delivery_id: int) -> float | None:
    """Try one delivery if it is pending; None if it is finished (or not this caller's to
    try), else the seconds to wait before the next try."""
    with store.begin() as session:
        claimed = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.state == "pending")
            .values(state="delivering", attempts=Delivery.attempts + 1,
                    updated_at=utcnow_precise())
            .returning(Delivery.attempts)
        ).scalar_one_or_none()  # fmt: skip
        if claimed is None:
            return None
        row = session.get_one(Delivery, delivery_id)
        hook = session.get_one(Webhook, row.webhook_id)
        url, secret, event, body = hook.url, hook.secret, row.event, row.body.encode()
    attempt = int(claimed)
    timestamp = str(int(time.time()))
    headers = {
        "content-type": "application/json",
        "user-agent": "tarjama-webhooks",
        "x-tarjama-event": event,
        "x-tarjama-delivery": str(delivery_id),
        "x-tarjama-timestamp": timestamp,
        "x-tarjama-signature": sign(secret, timestamp, body),
    }
    status: int | None = None
    try:
        status = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT).status_code
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    done = not error
    retry = not done and attempt < MAX_ATTEMPTS
    delay = backoff(attempt) if retry else None
    state = "delivered" if done else "pending" if retry else "failed"
    with store.begin() as session:
        session.execute(
            update(Delivery).where(Delivery.id == delivery_id).values(
                state=state, status_code=status, error=error[:2000], updated_at=utcnow_precise(),
                next_attempt_at=utcnow_precise() + timedelta(seconds=delay) if delay else None,
            )
        )  # fmt: skip
    log.info("webhook delivery %d (%s to %s): %s", delivery_id, event, url, error or "delivered")
    return delay
