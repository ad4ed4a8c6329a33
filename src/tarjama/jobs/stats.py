"""The queue's figures for Prometheus, read from the jobs table when ``/metrics`` is scraped.

Read from the store, not counted in the process, so that every API replica reports the same
figures whichever process or worker ran the jobs:

    tarjama_jobs{state, priority}                  jobs per state and priority (queued: the depth)
    tarjama_job_retries_total{priority}            runs beyond the first, of every job
    tarjama_job_latency_seconds{priority, quantile}  from enqueue to done, over the last 1000
                                                     jobs done of each priority (0.5, 0.95, 0.99)
    tarjama_webhook_deliveries{state}              deliveries per state
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import func, select

from tarjama.store import Delivery, Job, Store
from tarjama.store.articles import JOB_STATES, PRIORITIES
from tarjama.store.webhooks import DELIVERY_STATES

QUANTILES = (0.5, 0.95, 0.99)
WINDOW = 1000


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

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
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
        for state in DELIVERY_STATES:
            deliveries.add_metric([state], int(sent.get(state, 0)))
        yield from (jobs, retries, latency, deliveries)
