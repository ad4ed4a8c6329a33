"""The in-process job worker: threads that poll the jobs table, claim a job, run it.

    worker = Worker(store, newsroom.run_job, threads=1)
    worker.start()        # running jobs of a killed server are queued again first
    worker.wake()         # a job was queued: look now rather than at the next poll
    worker.wait(lambda: newsroom.job(n).state == "done", timeout=30)  # checked as jobs end
    worker.stop()         # the running job finishes; queued ones stay queued

A job is claimed with ``UPDATE jobs SET state='running' WHERE id=? AND state='queued'``: only the
worker whose update changed a row runs it, whatever the number of workers or processes. It ends
``done``, or ``failed`` with its error; each step is a log line (``job 7 running``, ``job 7
done``). Tests drive the queue synchronously with :meth:`Worker.run_once` and
:meth:`Worker.run_pending`, or wait for the threads with :meth:`Worker.wait`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import select, update

from tarjama.store import Job, Store
from tarjama.store.models import utcnow_precise

log = logging.getLogger(__name__)

Runner = Callable[[int], None]
"""Runs one job by id; raising marks the job failed."""

_CANDIDATES = 5


class Worker:
    """Runs queued jobs from the store with ``threads`` threads, polling every ``poll`` s."""

    def __init__(self, store: Store, run: Runner, *, threads: int = 1, poll: float = 1.0) -> None:
        if threads < 1:
            raise ValueError("a worker needs at least one thread")
        self.store = store
        self.run = run
        self.threads = threads
        self.poll = poll
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._ended = threading.Condition()
        """Notified whenever a job of this worker ends."""
        self._threads: list[threading.Thread] = []

    # -- the queue -------------------------------------------------------------------------------

    def recover(self) -> int:
        """Queue again the jobs a killed server left running; returns how many."""
        with self.store.begin() as session:
            result = session.execute(
                update(Job)
                .where(Job.state == "running")
                .values(state="queued", updated_at=utcnow_precise())
            )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            log.warning("requeued %d job(s) left running by a previous server", count)
        return count

    def claim(self) -> int | None:
        """Take the oldest queued job for this worker (atomically), or None if there is none."""
        with self.store.session() as session:
            candidates = session.scalars(
                select(Job.id).where(Job.state == "queued").order_by(Job.id).limit(_CANDIDATES)
            ).all()
        for job_id in candidates:
            with self.store.begin() as session:
                result = session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.state == "queued")
                    .values(state="running", attempts=Job.attempts + 1, updated_at=utcnow_precise())
                )
            if getattr(result, "rowcount", 0) == 1:
                log.info("job %d running", job_id)
                return int(job_id)
        return None

    def run_once(self) -> int | None:
        """Claim one job and run it to ``done`` or ``failed``; the job id, or None if idle."""
        job_id = self.claim()
        if job_id is None:
            return None
        try:
            self.run(job_id)
        except Exception as exc:
            log.exception("job %d failed", job_id)
            self._finish(job_id, "failed", f"{type(exc).__name__}: {exc}"[:2000])
        else:
            self._finish(job_id, "done", "")
        return job_id

    def run_pending(self) -> list[int]:
        """Run jobs until none is queued; the ids run, in order."""
        done = []
        while (job_id := self.run_once()) is not None:
            done.append(job_id)
        return done

    def _finish(self, job_id: int, state: str, error: str) -> None:
        with self.store.begin() as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(state=state, error=error, updated_at=utcnow_precise())
            )
        log.info("job %d %s", job_id, state)
        with self._ended:
            self._ended.notify_all()

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds, checking it now and whenever a job of this worker
        ends; False if it still does not after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._ended:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._ended.wait(left)
        return True

    # -- the threads ---------------------------------------------------------------------------

    def start(self) -> None:
        """Requeue what a previous server left running, then start polling."""
        self.recover()
        self._stopping.clear()
        for n in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"tarjama-jobs-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop polling; a running job finishes (one still running after ``timeout`` seconds
        stays ``running`` and is queued again when the next worker starts)."""
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job_id = self.run_once()
            except Exception:
                log.exception("the job queue could not be read; retrying")
                job_id = None
            if job_id is None:
                self._wake.wait(self.poll)
                self._wake.clear()
