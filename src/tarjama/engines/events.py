"""Events of the engines' long-lived processes, counted for the whole process.

An engine that restarts a process, or finds a process's stream out of step with its requests,
says so here (``EVENTS.add("apertium", "stream_out_of_step")``); ``/metrics`` exposes the counts
as ``tarjama_engine_events_total``. Process-wide on purpose: an engine may be wrapped by routers
and fallbacks that know nothing of its processes, and the counts must reach the metrics anyway.
"""

from __future__ import annotations

import threading
from collections import Counter


class EngineEvents:
    """A thread-safe count of (engine, event) pairs."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, engine: str, event: str) -> None:
        with self._lock:
            self._counts[engine, event] += 1

    def count(self, engine: str, event: str) -> int:
        with self._lock:
            return self._counts[engine, event]

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)


EVENTS = EngineEvents()

# The events an engine may report.
STREAM_OUT_OF_STEP = "stream_out_of_step"  # an output did not carry its request's frame
PROCESS_RESTART = "process_restart"  # a crashed, stuck or out-of-step process was replaced
