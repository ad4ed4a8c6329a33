"""The task function: one job, that is one article version into one language, run once.

Both runners call :func:`execute`: the embedded one from its threads, a Celery worker from its
task. It claims the job (nothing happens if another runner has it or it is finished), runs it
under a heartbeat, and ends it:

    done      the runner stored the translation and marked the job, in one transaction
    retry     an engine or store error, attempts left: the job is queued again, to run after
              :func:`backoff` seconds
    failed    anything else, or the last attempt: the job and the translation say why
    skipped   the job was not this runner's to run (a duplicate or a redelivered message)

A job is idempotent by construction: its translation is one row per (version, language), and
only the runner holding the job's lease writes it.
"""

from __future__ import annotations

import enum
import logging
from typing import Protocol

from tarjama.errors import EngineError, StoreError
from tarjama.jobs import table
from tarjama.store import Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
"""Runs of a job that fails with engine errors before it ends failed."""


class Outcome(enum.StrEnum):
    DONE = "done"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


class JobRunner(Protocol):
    """What runs a job's work (the newsroom's :class:`~tarjama.newsroom.jobs.TranslationJobs`)."""

    def __call__(self, job_id: int, owner: str) -> bool:
        """Do the job and, in the transaction that stores its result, finish it as ``owner``
        (:func:`table.finish`); False if the job was no longer ``owner``'s."""

    def fail(self, job_id: int, owner: str, error: str) -> bool:
        """End the job failed, with its error, as ``owner``."""


def backoff(attempt: int) -> float:
    """Seconds before the next run of a job whose ``attempt``-th run met an engine error:
    1, 4, 16... up to five minutes."""
    return float(min(4 ** (attempt - 1), 300))


def execute(
    store: Store,
    run: JobRunner,
    job_id: int,
    owner: str,
    *,
    lease: float = table.LEASE,
    max_attempts: int = MAX_ATTEMPTS,
) -> tuple[Outcome, int]:
    """Run the job as ``owner`` if it is to be run; the outcome and the attempt number."""
    attempt = table.claim(store, job_id, owner, lease)
    if attempt is None:
        log.info("job %d skipped: finished, or running elsewhere", job_id)
        return Outcome.SKIPPED, 0
    log.info("job %d running", job_id)
    with table.Heartbeat(store, job_id, owner, every=lease / 4):
        try:
            finished = run(job_id, owner)
        except (EngineError, StoreError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if attempt < max_attempts:
                with store.begin() as session:
                    table.finish(session, job_id, owner, "queued", error)
                log.warning("job %d: %s; retrying in %.0f s", job_id, error, backoff(attempt))
                return Outcome.RETRY, attempt
            run.fail(job_id, owner, error)
            log.error("job %d failed after %d attempts: %s", job_id, attempt, error)
            return Outcome.FAILED, attempt
        except Exception as exc:
            log.exception("job %d failed", job_id)
            run.fail(job_id, owner, f"{type(exc).__name__}: {exc}")
            return Outcome.FAILED, attempt
    if not finished:
        log.warning("job %d: the lease was lost to another runner; its result was not stored",
                    job_id)  # fmt: skip
        return Outcome.SKIPPED, attempt
    log.info("job %d done", job_id)
    return Outcome.DONE, attempt
