"""The jobs table as a queue: every statement that moves a job from one state to the next.

    queued --claim--> running --finish--> done | failed
       ^                 |
       '----release------'   (a retry after an engine error)
       '----expired------'   (its owner fell silent for longer than the lease)

A claim is ``UPDATE ... WHERE id = ? AND (state = 'queued' OR the lease expired)``: only the
runner whose update changed a row runs the job, whatever the number of runners, processes or
machines. A running job carries its owner and a heartbeat; only its owner finishes or releases
it (:func:`finish` answers False to anyone else), so a runner that lost its lease, because it
was paused longer than the lease, stores nothing.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Sequence
from datetime import timedelta
from itertools import count

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from tarjama.store import Job, Store
from tarjama.store.articles import PRIORITIES
from tarjama.store.models import utcnow_precise

LEASE = 60.0
"""Seconds a running job's owner may stay silent before another runner takes the job over."""

_numbers = count(1)


def new_owner() -> str:
    """A name for one runner, unique across machines and processes: ``host:pid:n``."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{next(_numbers)}"


def rank(priority: str) -> int:
    """0 for the most urgent priority."""
    return PRIORITIES.index(priority)


def _expired(lease: float) -> ColumnElement[bool]:
    limit = utcnow_precise() - timedelta(seconds=lease)
    return and_(Job.state == "running", or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < limit))


def claim(store: Store, job_id: int, owner: str, lease: float = LEASE) -> int | None:
    """Take the job for ``owner`` if it is queued, or running under an expired lease; its
    attempt number (1 for the first), or None if it is someone else's or finished."""
    now = utcnow_precise()
    with store.begin() as session:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, or_(Job.state == "queued", _expired(lease)))
            .values(state="running", owner=owner, heartbeat_at=now,
                    attempts=Job.attempts + 1, updated_at=now)
            .returning(Job.attempts)
        )  # fmt: skip
        attempts = result.scalar_one_or_none()
    return None if attempts is None else int(attempts)


def heartbeat(store: Store, job_id: int, owner: str) -> bool:
    """Say that ``owner`` still runs the job; False if it lost it."""
    with store.begin() as session:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.owner == owner, Job.state == "running")
            .values(heartbeat_at=utcnow_precise())
        )
    return getattr(result, "rowcount", 0) == 1


def finish(session: Session, job_id: int, owner: str, state: str, error: str = "") -> bool:
    """End the running job as ``state`` (done, failed, or queued again) in the caller's
    transaction, if ``owner`` still holds it; False (nothing changed) otherwise."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.owner == owner, Job.state == "running")
        .values(state=state, error=error[:2000], owner="", heartbeat_at=None,
                updated_at=utcnow_precise())
    )  # fmt: skip
    return getattr(result, "rowcount", 0) == 1


def requeue_expired(store: Store, lease: float = LEASE) -> list[int]:
    """Queue again the running jobs whose owner fell silent for longer than ``lease``; their
    ids. A job whose owner is alive keeps running, whoever asks."""
    with store.begin() as session:
        ids = session.scalars(
            select(Job.id).where(_expired(lease)).order_by(Job.id).with_for_update()
        ).all()
        if ids:
            session.execute(
                update(Job)
                .where(Job.id.in_(ids), _expired(lease))
                .values(state="queued", owner="", heartbeat_at=None, dispatched_at=None,
                        updated_at=utcnow_precise())
            )  # fmt: skip
    return [int(i) for i in ids]


def queued(
    store: Store,
    *,
    undispatched: bool = False,
    older_than: float = 0.0,
    dispatched_before: float = 0.0,
    limit: int = 10_000,
) -> list[tuple[int, str]]:
    """The queued jobs as (id, priority), the most urgent first, then the oldest.
    ``undispatched``: only those never handed to the broker; ``older_than``: only those queued
    at least that many seconds ago; ``dispatched_before``: only those handed to the broker at
    least that many seconds ago."""
    query = select(Job.id, Job.priority).where(Job.state == "queued")
    if undispatched:
        query = query.where(Job.dispatched_at.is_(None))
    if older_than:
        query = query.where(Job.updated_at < utcnow_precise() - timedelta(seconds=older_than))
    if dispatched_before:
        since = utcnow_precise() - timedelta(seconds=dispatched_before)
        query = query.where(Job.dispatched_at < since)
    with store.session() as session:
        rows = session.execute(query.order_by(Job.id).limit(limit)).all()
    return sorted(((int(i), p) for i, p in rows), key=lambda row: (rank(row[1]), row[0]))


def mark_dispatched(store: Store, job_ids: Sequence[int]) -> None:
    if not job_ids:
        return
    with store.begin() as session:
        session.execute(
            update(Job).where(Job.id.in_(job_ids)).values(dispatched_at=utcnow_precise())
        )


def state(store: Store, job_id: int) -> tuple[str, int, str]:
    """A job's state, attempts and priority."""
    with store.session() as session:
        row = session.execute(
            select(Job.state, Job.attempts, Job.priority).where(Job.id == job_id)
        ).one()
    return str(row[0]), int(row[1]), str(row[2])


class Heartbeat:
    """While in its ``with`` block, says every ``every`` seconds that ``owner`` runs the job."""

    def __init__(self, store: Store, job_id: int, owner: str, every: float) -> None:
        self.store, self.job_id, self.owner, self.every = store, job_id, owner, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not heartbeat(self.store, self.job_id, self.owner):
                    return
            except Exception:  # the next beat tries again; the lease is long enough for both
                continue

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
