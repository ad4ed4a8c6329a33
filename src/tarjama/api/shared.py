"""What the API's replicas share in Redis: the connection, and what a replica does without it.

With ``[queue] url`` set, every ``tarjama serve`` keeps its rate limits (``api/limits.py``) and
its result cache (``api/cache.py``) in that Redis, so that limits hold across replicas and an
answer one replica computed is given by all. Without a queue URL nothing here is used: each
process keeps both itself, as a single server always has.

Redis down is not an outage of the API. Every call is short (half a second to connect or
answer at most); a call that fails marks Redis down for :data:`RETRY_AFTER` seconds, during
which no call is tried at all, so no request waits on a Redis that is not there. Meanwhile
each replica falls back to its own state: rate limits counted by the replica alone (each allows
the whole limit: N replicas, N times the limit), and no answer taken from or kept in the cache
(every answer computed). ``/ready`` reports the broker as down all the while (``api/ops.py``),
and ``tarjama_shared_state_errors_total`` counts the calls that failed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

log = logging.getLogger(__name__)

T = TypeVar("T")

TIMEOUT = 0.5
"""Seconds to connect to Redis, and to wait for an answer, before giving up on a call."""
RETRY_AFTER = 5.0
"""Seconds for which a replica leaves Redis alone after a call failed."""
PREFIX = "tarjama:api:"
"""The start of every key the replicas write (the broker's keys are Celery's own)."""


class Unavailable(Exception):
    """Redis did not answer (or was found down lately): use the replica's own state."""


class SharedState:
    """A Redis client for the replicas' shared state, with a breaker: :meth:`call` raises
    :class:`Unavailable` at once while Redis was found down in the last :data:`RETRY_AFTER`
    seconds, instead of waiting on it again."""

    def __init__(
        self,
        url: str,
        *,
        failed: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        # No retries: redis-py's default (10, with backoff) would hold a request for seconds on
        # a Redis that does not answer; the breaker below decides when to try again.
        self.client = Redis.from_url(
            url,
            socket_timeout=TIMEOUT,
            socket_connect_timeout=TIMEOUT,
            retry_on_timeout=False,
            retry=Retry(NoBackoff(), 0),
        )
        self.clock = clock
        self.failed = failed
        self._down_until = 0.0
        self._lock = threading.Lock()

    def call(self, work: Callable[[Redis], T]) -> T:
        """``work(client)``, or :class:`Unavailable` if Redis is down."""
        if self._down_until > self.clock():
            raise Unavailable("Redis was found down lately")
        try:
            result = work(self.client)
        except RedisError as exc:
            if self.failed is not None:
                self.failed()
            with self._lock:
                was_up = self._down_until == 0.0
                self._down_until = self.clock() + RETRY_AFTER
            if was_up:
                log.warning(
                    "Redis (%s) is not answering (%s): rate limits are this replica's own "
                    "and the result cache is off until it answers again",
                    self.url,
                    exc,
                )
            raise Unavailable(str(exc)) from exc
        if self._down_until:
            with self._lock:
                if self._down_until:
                    self._down_until = 0.0
                    log.warning("Redis (%s) answers again: rate limits and cache shared", self.url)
        return result

    def close(self) -> None:
        self.client.close()
