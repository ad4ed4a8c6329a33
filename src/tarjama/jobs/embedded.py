"""The embedded runner: the task functions run in threads of the service's own process.

    worker = Worker(store, newsroom.run_job, threads=2)
    worker.start()                 # the queued jobs of the store dispatched, threads started
    worker.dispatch([7, 8], "breaking")   # run at once: no poll interval
    worker.wait(lambda: newsroom.job(7).state == "done", timeout=30)  # checked as jobs end
    worker.stop()                  # running jobs finish; queued ones stay queued in the store

With no queue URL in the settings this is tarjama's queue: no server to run beside it. Jobs
are dispatched to the threads the moment they are queued, the most urgent priority first
(``breaking`` before ``normal`` before ``backfill``), and each runs through
:func:`tarjama.jobs.tasks.execute`, as on a Celery worker. The store stays the queue's truth:
a job dispatched here and not run before the process ended is still ``queued`` and is
dispatched again by the next runner to start. A running job belongs to its owner while the
owner's heartbeat is fresh, so a second ``tarjama serve`` on the same store never runs it again;
a job whose owner died (its heartbeat older than the lease) is taken over by the sweep.
Tests drive the queue synchronously with :meth:`Worker.run_pending`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from tarjama.jobs import table, webhooks
from tarjama.jobs.tasks import MAX_ATTEMPTS, JobRunner, Outcome, backoff, execute
from tarjama.store import Store

log = logging.getLogger(__name__)


class Worker:
    """Runs the store's jobs with ``threads`` threads, dispatched as they are queued."""

    def __init__(
        self,
        store: Store,
        run: JobRunner,
        *,
        threads: int = 1,
        lease: float = table.LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        retry_delay: Callable[[int], float] = backoff,
        delivery_delay: Callable[[float], float] = float,
    ) -> None:
        if threads < 1:
            raise ValueError("a worker needs at least one thread")
        self.store = store
        self.run = run
        self.threads = threads
        self.lease = lease
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.delivery_delay = delivery_delay
        """Seconds to wait before a webhook delivery's next try, from its backoff (tests
        shorten it)."""
        self._lock = threading.Condition()
        self._heap: list[tuple[int, int, int]] = []  # (rank, sequence, job id)
        self._held: set[int] = set()
        self._order = itertools.count()
        self._stopping = threading.Event()
        self._ended = threading.Condition()
        """Notified whenever a job of this worker ends, or a webhook delivery was tried."""
        self._threads: list[threading.Thread] = []
        self._timers: list[threading.Timer] = []
        self._deliveries: ThreadPoolExecutor | None = None

    # -- dispatching ------------------------------------------------------------------------------

    def dispatch(self, job_ids: Iterable[int], priority: str = "normal") -> None:
        """Hand jobs to the threads now, after those of a more urgent priority."""
        rank = table.rank(priority)
        with self._lock:
            for job_id in job_ids:
                if job_id not in self._held:
                    self._held.add(job_id)
                    heapq.heappush(self._heap, (rank, next(self._order), job_id))
            self._lock.notify_all()

    def wake(self) -> None:
        """Dispatch whatever the store holds queued (jobs queued by another process)."""
        for job_id, priority in table.queued(self.store):
            self.dispatch([job_id], priority)

    def _next(self) -> int | None:
        with self._lock:
            while not self._heap and not self._stopping.is_set():
                self._lock.wait()
            if self._stopping.is_set():
                return None
            _, _, job_id = heapq.heappop(self._heap)
            self._held.discard(job_id)
            return job_id

    # -- running ----------------------------------------------------------------------------------

    def execute(self, job_id: int) -> Outcome:
        """Run one job through the task function; a retry is dispatched after its delay."""
        owner = table.new_owner()
        try:
            outcome, attempt = execute(self.store, self.run, job_id, owner, lease=self.lease,
                                       max_attempts=self.max_attempts)  # fmt: skip
        finally:
            with self._ended:
                self._ended.notify_all()
        if outcome is Outcome.DONE:
            self.deliver_due()
        if outcome is Outcome.RETRY and self._threads and not self._stopping.is_set():
            _, _, priority = table.state(self.store, job_id)
            timer = threading.Timer(self.retry_delay(attempt), self.dispatch, ([job_id], priority))
            timer.daemon = True
            timer.start()
            self._timers.append(timer)
        return outcome

    # -- webhooks ---------------------------------------------------------------------------------

    def deliver_due(self) -> None:
        """Send the webhook deliveries that are due: from a thread of their own once started
        (a retry then waits its backoff), else here, one try each."""
        for delivery_id, _ in webhooks.due(self.store):
            if self._deliveries is None:
                webhooks.deliver(self.store, delivery_id)
            else:
                self._deliveries.submit(self._deliver, delivery_id)

    def _deliver(self, delivery_id: int) -> None:
        try:
            delay = webhooks.deliver(self.store, delivery_id)
        except Exception:
            log.exception("webhook delivery %d could not be tried; the sweep will", delivery_id)
            return
        finally:
            with self._ended:
                self._ended.notify_all()
        if delay is not None and self._deliveries is not None and not self._stopping.is_set():
            timer = threading.Timer(self.delivery_delay(delay), self._resend, (delivery_id,))
            timer.daemon = True
            timer.start()
            self._timers.append(timer)

    def _resend(self, delivery_id: int) -> None:
        if self._deliveries is not None and not self._stopping.is_set():
            self._deliveries.submit(self._deliver, delivery_id)

    def run_once(self) -> int | None:
        """Run the most urgent queued job of the store, if there is one; its id."""
        for job_id, _ in table.queued(self.store, limit=5):
            if self.execute(job_id) is not Outcome.SKIPPED:
                return job_id
        return None

    def run_pending(self) -> list[int]:
        """Run queued jobs until none is left (a retry runs at once), and the webhook
        deliveries due; the ids run, in order."""
        done = []
        while (job_id := self.run_once()) is not None:
            done.append(job_id)
        self.deliver_due()
        return done

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds, checking it now and whenever a job of this worker
        ends (or a delivery was tried); False if it still does not after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._ended:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._ended.wait(left)
        return True

    # -- the threads ------------------------------------------------------------------------------

    def start(self) -> None:
        """Take over the jobs whose owner died, dispatch what the store holds queued, start the
        threads and the sweep."""
        self._stopping.clear()
        self._deliveries = ThreadPoolExecutor(2, thread_name_prefix="tarjama-webhooks")
        taken = table.requeue_expired(self.store, self.lease)
        if taken:
            log.warning("took over %d job(s) whose runner stopped answering", len(taken))
        self.wake()
        for n in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"tarjama-jobs-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        sweep = threading.Thread(target=self._sweep, name="tarjama-jobs-sweep", daemon=True)
        sweep.start()
        self._threads.append(sweep)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop taking jobs; running ones finish (one still running after ``timeout`` seconds
        keeps its lease until its heartbeat stops, then another runner takes it over)."""
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()
        for timer in self._timers:
            timer.cancel()
        for thread in self._threads:
            thread.join(timeout)
        if self._deliveries is not None:
            self._deliveries.shutdown(wait=True, cancel_futures=True)
            self._deliveries = None
        self._threads, self._timers = [], []

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def _loop(self) -> None:
        while (job_id := self._next()) is not None:
            try:
                self.execute(job_id)
            except Exception:
                log.exception("job %d could not be run; the sweep will offer it again", job_id)

    def _sweep(self) -> None:
        """Now and then: jobs of runners that died, and jobs another process queued but did
        not run (a server killed between storing a job and running it), dispatched here."""
        while not self._stopping.wait(self.lease / 2):
            try:
                taken = table.requeue_expired(self.store, self.lease)
                if taken:
                    log.warning("took over job(s) %s: their runner stopped answering", taken)
                for job_id, priority in table.queued(self.store, older_than=self.lease / 2):
                    self.dispatch([job_id], priority)
                self.deliver_due()
            except Exception:
                log.exception("the job queue could not be swept; trying again later")
