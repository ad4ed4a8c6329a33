"""Prometheus metrics of one app, in its own registry, with bounded label sets.

Requests are labelled by route template (``/v1/translate``, never a raw path: an unmatched path
counts as ``unmatched``), method (unknown methods as ``OTHER``) and status class (``2xx``...).
Engine process events (restarts, streams out of step) come from ``tarjama.engines.events``.
Segments are labelled by where their translation came from (engine, memory:human,
memory:machine, copy); memory lookups by hit or miss, so the TM hit ratio is
``hits / (hits + misses)``; engine errors by exception class, a closed set. Result-cache
lookups by hit or miss, and failed calls to the Redis the replicas share (``api/shared.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.exposition import generate_latest

from tarjama.engines.events import EVENTS, PROCESS_RESTART, STREAM_OUT_OF_STEP
from tarjama.errors import EngineError
from tarjama.model import Translation

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
ORIGINS = frozenset({"engine", "memory:human", "memory:machine", "copy"})
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tarjama_http_requests",
            "HTTP requests answered, by route template, method and status class.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tarjama_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method.",
            ["route", "method"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.segments = Counter(
            "tarjama_segments_translated",
            "Segments translated, by where the translation came from.",
            ["origin"],
            registry=self.registry,
        )
        self.memory = Counter(
            "tarjama_memory_lookups",
            "Segments looked up in the translation memory, by result (hit or miss).",
            ["result"],
            registry=self.registry,
        )
        self.engine_errors = Counter(
            "tarjama_engine_errors",
            "Engine failures, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self.result_cache = Counter(
            "tarjama_result_cache_lookups",
            "Lookups of the result cache (api/cache.py), by result (hit or miss); with Redis, "
            "a hit may be an answer another replica computed.",
            ["result"],
            registry=self.registry,
        )
        self.shared_errors = Counter(
            "tarjama_shared_state_errors",
            "Calls to the Redis the replicas share (rate limits, result cache) that failed.",
            registry=self.registry,
        )
        self.registry.register(_EngineEvents())
        for result in ("hit", "miss"):
            self.result_cache.labels(result)
        for result in ("hit", "miss"):
            self.memory.labels(result)
        for origin in ORIGINS:
            self.segments.labels(origin)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "OTHER"
        self.requests.labels(route, method, f"{status // 100}xx").inc()
        self.latency.labels(route, method).observe(seconds)

    def count(self, translations: Iterable[Translation]) -> None:
        for t in translations:
            for segment in t.segments:
                origin = segment.origin if segment.origin in ORIGINS else "other"
                self.segments.labels(origin).inc()
                if origin.startswith("memory:"):
                    self.memory.labels("hit").inc()
                elif origin == "engine":
                    self.memory.labels("miss").inc()

    def cache_lookup(self, result: str) -> None:
        self.result_cache.labels(result).inc()

    def engine_error(self, exc: EngineError) -> None:
        self.engine_errors.labels(type(exc).__name__).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _EngineEvents:
    """``tarjama_engine_events_total``: the process-wide counts of ``tarjama.engines.events``
    (an engine process restarted, a stream found out of step), read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "tarjama_engine_events",
            "Events of the engines' long-lived processes: restarts, and outputs found out of "
            "step with their requests (discarded, the process restarted, the request retried).",
            labels=["engine", "event"],
        )
        counts = EVENTS.snapshot()
        for event in (STREAM_OUT_OF_STEP, PROCESS_RESTART):
            counts.setdefault(("apertium", event), 0)
        for (engine, event), n in sorted(counts.items()):
            family.add_metric([engine, event], n)
        yield family
