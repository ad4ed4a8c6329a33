"""Background work on Celery with Redis as the broker: the service enqueues, workers translate.

    [queue]
    url = "redis://localhost:6379/0"       # or TARJAMA_QUEUE_URL

    tarjama serve                          # stores the job, sends its id to the broker, answers
    tarjama worker --concurrency 2         # Celery worker processes, each with a warm engine

A message is a job id and nothing else; the jobs table stays the truth (``tarjama.jobs.table``)
and every worker process runs :func:`tarjama.jobs.tasks.execute`, as the embedded runner does.
Each priority is a queue of its own, named so that their sorted order is their urgency
(``tarjama.0-breaking``, ``tarjama.1-normal``, ``tarjama.2-backfill``); the broker is read with
kombu's ``sorted`` strategy and one message per process at a time, so a worker takes breaking
work first and a running backfill delays a breaking story by at most the task in hand.

Nothing is lost:
- Late acknowledgement and ``reject_on_worker_lost``: a message is acknowledged once its task
  ended; a worker process killed mid-task has its message put back at once.
- Every worker's main process sweeps the table (as the service does): a job whose runner fell
  silent for longer than ``job_lease`` (its whole worker was killed) is queued and sent again,
  and so is a job stored but never sent (the broker was down, or the service was killed between
  the two). Redis runs with append-only persistence, so queued messages outlive a restart.
- A message lost by the broker (a Redis that lost its last writes, a queue purged, a task
  revoked in Flower): its job stays queued in the store. Once it was sent more than two leases
  ago and its priority's queue in Redis is empty (so nothing waits there that could be it), the
  sweep sends it again.
- A message delivered twice, or a job sent again while its first message survived, is skipped
  by the task's claim: nothing is stored twice.

Worker processes publish each job's end on Redis (``tarjama:jobs``), so that a waiter
(:meth:`CeleryQueue.wait`) is told instead of asking.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from celery import Celery, signals
from kombu import Exchange, Queue
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from tarjama.config import Settings
from tarjama.errors import ConfigError
from tarjama.jobs import table, webhooks
from tarjama.jobs.tasks import Outcome, backoff, execute
from tarjama.store import Store
from tarjama.store.articles import PRIORITIES

log = logging.getLogger(__name__)

QUEUES = {p: f"tarjama.{n}-{p}" for n, p in enumerate(PRIORITIES)}
"""The broker's queue of each priority; sorted by name, the most urgent comes first."""
TASK = "tarjama.translate"
DELIVER = "tarjama.deliver"
EVENTS = "tarjama:jobs"
"""The Redis channel on which worker processes say that a job ended."""
AUTOGROUP_SWITCH = "/proc/sys/kernel/sched_autogroup_enabled"
UNSENT_AFTER = 2.0
"""Seconds after which a queued job never sent to the broker is sent by the sweep (the
service sends its own at once; this is for a broker that was down, or a killed service)."""


def make_app(settings: Settings) -> Celery:
    """The Celery app of ``settings.queue_url``, with tarjama's one task."""
    if not settings.queue_url:
        raise ConfigError("no queue URL: set [queue] url or TARJAMA_QUEUE_URL")
    app = Celery("tarjama", broker=settings.queue_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in QUEUES.values()],
        task_default_queue=QUEUES["normal"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"queue_order_strategy": "sorted"},
        # Messages of one job in flight are few: tell the publisher not to wait long on a
        # broker that is down, the sweep sends the job later.
        broker_connection_timeout=2,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2},
    )

    @app.task(name=TASK, bind=True, max_retries=None)
    def translate(task: Any, job_id: int) -> str:
        process = _process()
        outcome, attempt = execute(process.store, process.newsroom.run_job, job_id,
                                   table.new_owner(), lease=settings.job_lease)  # fmt: skip
        process.announce(job_id, outcome)
        if outcome is Outcome.DONE:
            send_deliveries(app, webhooks.due(process.store))
        if outcome is Outcome.RETRY:
            raise task.retry(countdown=backoff(attempt))
        return str(outcome)

    @app.task(name=DELIVER, bind=True, max_retries=None)
    def deliver(task: Any, delivery_id: int) -> str:
        delay = webhooks.deliver(_process().store, delivery_id)
        if delay is not None:
            raise task.retry(countdown=delay)
        return "finished"

    return app


def send_deliveries(app: Celery, deliveries: Iterable[tuple[int, str]]) -> None:
    """Webhook deliveries, as (id, priority), sent to the workers, each to its priority's
    queue: a breaking story's is not sent after a backfill's thousands (a delivery not sent
    now is sent by a sweep)."""
    try:
        for delivery_id, priority in deliveries:
            app.send_task(DELIVER, args=[delivery_id], queue=QUEUES.get(priority, QUEUES["normal"]))
    except Exception as exc:
        log.warning("the broker refused webhook deliveries (%s); the sweep sends them", exc)


class CeleryQueue:
    """The service's and the workers' side of the broker: send jobs, sweep, wait for ends."""

    def __init__(self, settings: Settings, store: Store, app: Celery | None = None) -> None:
        self.settings = settings
        self.store = store
        self.app = app or make_app(settings)
        self.lease = settings.job_lease
        self._stopping = threading.Event()
        self._sweeper: threading.Thread | None = None

    # -- sending ----------------------------------------------------------------------------------

    def dispatch(self, job_ids: Iterable[int], priority: str = "normal") -> None:
        """Send the jobs to their priority's queue; one the broker does not take now stays
        queued in the store, and the sweep sends it later."""
        sent: list[int] = []
        try:
            for job_id in job_ids:
                self.app.send_task(TASK, args=[job_id], queue=QUEUES[priority])
                sent.append(job_id)
        except Exception as exc:  # kombu's and redis's errors alike: the broker is unreachable
            log.warning("the broker refused job(s) (%s); they will be sent again", exc)
        table.mark_dispatched(self.store, sent)

    def sweep(self) -> list[int]:
        """Jobs whose runner died, and jobs stored but never sent, sent again; their ids."""
        again = table.requeue_expired(self.store, self.lease)
        if again:
            log.warning("took over job(s) %s: their runner stopped answering", again)
        unsent = table.queued(self.store, undispatched=True, older_than=UNSENT_AFTER)
        unsent += self._lost()
        for job_id, priority in unsent:
            self.dispatch([job_id], priority)
        self.deliver_due()
        return [job_id for job_id, _ in unsent]

    def _lost(self) -> list[tuple[int, str]]:
        """Queued jobs sent more than two leases ago (and not retried since) while their
        priority's queue in Redis is empty: their messages were lost."""
        lost_after = 2 * self.lease
        stale = table.queued(self.store, older_than=lost_after, dispatched_before=lost_after)
        if not stale:
            return []
        try:
            waiting = self.depth()
        except RedisError:  # the broker is down: nothing can be sent now anyway
            return []
        lost = [(job_id, priority) for job_id, priority in stale if waiting[priority] == 0]
        if lost:
            log.warning("job(s) %s: their messages were lost by the broker; sent again",
                        [job_id for job_id, _ in lost])  # fmt: skip
        return lost

    def wake(self) -> None:
        self.sweep()

    def deliver_due(self) -> None:
        send_deliveries(self.app, webhooks.due(self.store))

    # -- the sweep --------------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping.clear()
        self._sweeper = threading.Thread(target=self._sweep, name="tarjama-sweep", daemon=True)
        self._sweeper.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout)
            self._sweeper = None

    def _sweep(self) -> None:
        interval = min(self.lease / 2, UNSENT_AFTER)
        while True:
            try:
                self.sweep()
            except Exception:
                log.exception("the job queue could not be swept; trying again later")
            if self._stopping.wait(interval):
                return

    # -- waiting ----------------------------------------------------------------------------------

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds, checking it now and whenever a worker says that a
        job ended; False if it still does not after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        client = Redis.from_url(self.settings.queue_url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
        try:
            pubsub.subscribe(EVENTS)
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                pubsub.get_message(timeout=min(left, 1.0))
            return True
        finally:
            pubsub.close()
            client.close()

    def live_workers(self, timeout: float = 1.0) -> int:
        """Worker processes' nodes answering a ping now."""
        replies = self.app.control.ping(timeout=timeout)
        return len(replies or [])

    def depth(self) -> dict[str, int]:
        """Messages waiting in each priority's queue; a Redis down fails at once (no retries:
        ``/ready`` and the sweep ask again later)."""
        client = Redis.from_url(self.settings.queue_url, socket_connect_timeout=2,
                                socket_timeout=5, retry=Retry(NoBackoff(), 0))  # fmt: skip
        try:
            return {p: int(client.llen(name)) for p, name in QUEUES.items()}
        finally:
            client.close()


# -- a worker process -----------------------------------------------------------------------------


class _Process:
    """What one worker process keeps from its start to its end: a runtime with a warm engine."""

    def __init__(self, settings: Settings) -> None:
        from tarjama.runtime import Runtime  # the runtime builds the queue: import it late

        self.runtime = Runtime.open(settings)
        self.store = self.runtime.store
        self.newsroom = self.runtime.newsroom()
        self.events = Redis.from_url(settings.queue_url)
        self.runtime.warm()  # the engine's pipelines started now, not on the first article
        log.info("worker process %d ready, engine warm", os.getpid())

    def announce(self, job_id: int, outcome: Outcome) -> None:
        try:
            self.events.publish(EVENTS, json.dumps({"job": job_id, "outcome": str(outcome)}))
        except RedisError as exc:
            log.warning("job %d: its end could not be announced: %s", job_id, exc)

    def close(self) -> None:
        self.events.close()
        self.runtime.close()


_state: dict[str, Any] = {}


def lower_priority(nice: int) -> None:
    """Run this process, and every process and thread it starts from now on (the pool, and
    each pool process's engine pipelines), at niceness ``nice`` or more.

    A backfill worker at 19 next to a breaking worker at 0 on the same cores takes only the CPU
    the breaking one leaves: a breaking story never waits for a backfill task to end, and the
    backfill loses nothing while no story comes. Called before any thread starts, since Linux
    keeps a niceness per thread and a new thread inherits its creator's. Raising the niceness
    needs no privilege; lowering it does, so a process already nicer keeps its own.

    Linux's autogroup (``kernel.sched_autogroup_enabled``, on in most distributions) shares
    the CPU between sessions first and applies a niceness only inside its session: a worker
    started in a session of its own (a systemd unit, ``setsid``) would be as urgent as any
    other. So the worker leads a session of its own and sets that session's niceness too."""
    if nice < 0 or nice > 19:
        raise ConfigError(f"nice must be 0 to 19, not {nice}")
    if nice == 0:
        return
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice > current:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    autogroup = Path("/proc/self/autogroup")
    if not autogroup.exists() or Path(AUTOGROUP_SWITCH).read_text().strip() == "0":
        return
    if os.getsid(0) != os.getpid():
        try:
            os.setsid()
        except OSError:  # a process group's leader (a shell's job): its session is the shell's
            log.warning(
                "this worker shares its session, so its niceness counts only against "
                "the session's other processes; start it with setsid(1) or as a unit"
            )
            return
    try:
        autogroup.write_text(str(nice))
    except OSError as exc:
        log.warning("the session's niceness could not be set: %s", exc)


def _process() -> _Process:
    process = _state.get("process")
    if process is None:  # a solo pool, or a process started before the signal was connected
        process = _state["process"] = _Process(_state["settings"])
    return process


def run_worker(settings: Settings, queues: Sequence[str], concurrency: int, nice: int = 0) -> None:
    """A Celery worker on the settings' broker, taking ``queues`` (priorities), with
    ``concurrency`` processes; each process opens its runtime and warms its engine once.
    ``nice``: the CPU niceness of the worker, its processes and their engines (see
    :func:`lower_priority`)."""
    unknown = [q for q in queues if q not in QUEUES]
    if unknown:
        raise ConfigError(f"unknown queue {unknown[0]!r}; use {', '.join(PRIORITIES)}")
    lower_priority(nice)
    app = make_app(settings)
    _state["settings"] = settings
    from tarjama.runtime import open_store

    store = open_store(settings)  # the main process's own, for the sweep

    @signals.worker_process_init.connect(weak=False)
    def open_process(**_: Any) -> None:
        store.engine.dispose(close=False)  # the parent's connections are the parent's
        _state["process"] = _Process(settings)

    @signals.worker_process_shutdown.connect(weak=False)
    def close_process(**_: Any) -> None:
        process = _state.pop("process", None)
        if process is not None:
            process.close()

    sweeper = CeleryQueue(settings, store, app)
    sweeper.start()
    try:
        app.worker_main([
            "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
            f"--queues={','.join(QUEUES[q] for q in queues)}",
            f"--hostname=tarjama-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
        ])  # fmt: skip
    finally:
        sweeper.stop()
        store.close()
