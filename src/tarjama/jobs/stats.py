"""The queue's figures for Prometheus, read from the jobs table when ``/metrics`` is scraped.

Read from the store, not counted in the process, so that every API replica reports the same
figures whichever process or worker ran the jobs:

    tarjama_jobs{state, priority}                  jobs per state and priority (queued: the depth)
    tarjama_job_retries_total{priority}            runs beyond the first, of every job
    tarjama_job_latency_seconds{priority, quantile}  from enqueue to done, over the last 1000
                                                     jobs done of each priority (0.5, 0.95, 0.99)
    tarjama_job_enqueue_to_done_seconds{priority}  the same as a histogram over every job done
                                                   (``_bucket{le}``, ``_count``, ``_sum``)
    tarjama_webhook_deliveries{state}              deliveries per state

The histogram is counted by the database (one pass over the done jobs, as the counts by state
are), its seconds computed in SQL: ``julianday`` on SQLite, ``EXTRACT(EPOCH ...)`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import Float, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from tarjama.store import Delivery, Job, Store
from tarjama.store.articles import JOB_STATES, PRIORITIES
from tarjama.store.webhooks import DELIVERY_STATES

QUANTILES = (0.5, 0.95, 0.99)
WINDOW = 1000
BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, 3600.0, 21600.0, 86400.0)
"""The histogram's upper bounds in seconds: a breaking story's second, a backfill's hours."""

Family = GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily


class _Seconds(FunctionElement[float]):
    """Seconds from the first timestamp to the second, in the database's own arithmetic."""

    type = Float()
    name = "tarjama_seconds"
    inherit_cache = True


@compiles(_Seconds)
def _seconds(element: _Seconds, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(_Seconds, "postgresql")
def _seconds_postgresql(element: _Seconds, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


class QueueCollector(Collector):
    """Collects the queue's figures from ``store`` (replaced when the app's runtime changes)."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store

    @classmethod
    def install(cls, registry: CollectorRegistry, store: Store) -> QueueCollector:
        """The registry's collector, pointed at ``store`` (registered on first use)."""
        found = getattr(registry, "_tarjama_queue", None)
        if found is None:
            found = cls()
            registry.register(found)
            registry._tarjama_queue = found  # type: ignore[attr-defined]
        found.store = store
        return found

    def collect(self) -> Iterator[Family]:
        if self.store is None:
            return
        jobs = GaugeMetricFamily("tarjama_jobs", "Translation jobs by state and priority.",
                                 labels=["state", "priority"])  # fmt: skip
        retries = CounterMetricFamily("tarjama_job_retries", "Job runs beyond the first.",
                                      labels=["priority"])  # fmt: skip
        latency = GaugeMetricFamily(
            "tarjama_job_latency_seconds",
            f"Seconds from enqueue to done, over the last {WINDOW} jobs done.",
            labels=["priority", "quantile"],
        )
        deliveries = GaugeMetricFamily(
            "tarjama_webhook_deliveries", "Webhook deliveries by state.", labels=["state"]
        )
        with self.store.session() as session:
            counts = {
                (s, p): int(n)
                for s, p, n in session.execute(
                    select(Job.state, Job.priority, func.count()).group_by(Job.state, Job.priority)
                )
            }
            tries = dict(
                session.execute(
                    select(Job.priority, func.sum(Job.attempts - 1))
                    .where(Job.attempts > 1)
                    .group_by(Job.priority)
                ).all()
            )
            spans = {
                p: [
                    (u - c).total_seconds()
                    for c, u in session.execute(
                        select(Job.created_at, Job.updated_at)
                        .where(Job.state == "done", Job.priority == p)
                        .order_by(Job.id.desc())
                        .limit(WINDOW)
                    )
                ]
                for p in PRIORITIES
            }
            seconds = _Seconds(Job.created_at, Job.updated_at)
            histogram = session.execute(
                select(
                    Job.priority,
                    func.count(),
                    func.coalesce(func.sum(seconds), 0.0),
                    *(func.sum(case((seconds <= b, 1), else_=0)) for b in BUCKETS),
                )
                .where(Job.state == "done")
                .group_by(Job.priority)
            ).all()
            sent = dict(
                session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
            )
        for state in JOB_STATES:
            for priority in PRIORITIES:
                jobs.add_metric([state, priority], counts.get((state, priority), 0))
        for priority in PRIORITIES:
            retries.add_metric([priority], float(tries.get(priority) or 0))
            ordered = sorted(spans[priority])
            for q in QUANTILES:
                if ordered:
                    value = ordered[min(len(ordered) - 1, int(q * len(ordered)))]
                    latency.add_metric([priority, str(q)], value)
        done = HistogramMetricFamily(
            "tarjama_job_enqueue_to_done_seconds",
            "Seconds from enqueue to done, of every job done.",
            labels=["priority"],
        )
        rows: dict[str, list[float]] = {
            str(row[0]): [float(n or 0) for n in row[1:]] for row in histogram
        }
        for priority in PRIORITIES:
            count, total, *under = rows.get(priority, [0.0] * (2 + len(BUCKETS)))
            buckets = [(f"{b:g}", n) for b, n in zip(BUCKETS, under, strict=True)]
            done.add_metric([priority], [*buckets, ("+Inf", count)], total)
        for state in DELIVERY_STATES:
            deliveries.add_metric([state], int(sent.get(state, 0)))
        yield from (jobs, retries, latency, done, deliveries)
