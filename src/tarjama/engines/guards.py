"""One engine in front of another: under its configured name (:class:`Wrapper`), behind a
circuit breaker (:class:`CircuitBreaker`) or a concurrency limit (:class:`ConcurrencyLimit`).

A wrapper serves the pairs of the engine inside it, and its directions are that engine's,
wrapped: the breaker's and the limit's put every call inside their guard (``call()``), and pass
the provenance and the results through as they are. A call is one list of the segments that
have arrived (``arriving``), so a guard is never held while the caller prepares more.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from tarjama.engines.base import Direction, Engine, Health, Lexicon, Result, arriving
from tarjama.errors import (
    CircuitOpenError,
    ConfigError,
    EngineError,
    EngineRequestError,
    EngineUnavailableError,
    PlaceholderError,
)
from tarjama.model import Pair

log = logging.getLogger(__name__)

# The engine answered, so it is up: these say something about one request, not the engine.
_ANSWERED = (PlaceholderError, EngineRequestError)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def accepting(engine: Engine) -> bool:
    """False while a circuit breaker in front of the engine refuses calls."""
    return engine.accepting() if isinstance(engine, Wrapper) else True


class Wrapper(Engine):
    """An engine in front of another, under a name (the configured one): the same pairs, and
    the inner engine's directions passed through :meth:`wrap`.

    Used bare, it only names an engine: the builder gives every configured engine one, so error
    messages and ``tarjama engines`` say ``opus-en-ar`` rather than ``ctranslate2``.
    """

    def __init__(self, inner: Engine, name: str = "") -> None:
        self.inner = inner
        self.name = name or inner.name
        self._closed = False
        self._close_lock = threading.Lock()

    def pairs(self) -> list[Pair]:
        return self.inner.pairs()

    def direction(self, pair: Pair) -> Direction:
        return self.wrap(self.inner.direction(pair))

    def wrap(self, direction: Direction) -> Direction:
        """The direction this wrapper hands out for one of the inner engine's."""
        return direction

    def health(self) -> Health:
        return self.inner.health()

    def accepting(self) -> bool:
        return accepting(self.inner)

    def close(self) -> None:
        """Closes the inner engine once, however many routes share this one."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self.inner.close()


class Guard(Protocol):
    def call(self, judge: bool = True) -> contextlib.AbstractContextManager[None]:
        """Around one call into the engine; ``judge`` is False for calls whose success says
        little of the engine (the lexicon's)."""


class _Guarded(Direction):
    """A direction whose calls go through a guard; provenance and results pass as they are."""

    def __init__(self, inner: Direction, guard: Guard) -> None:
        super().__init__(inner.provenance)
        self.inner = inner
        self.guard = guard

    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        for batch in arriving(segments):
            with self.guard.call():
                yield from self.inner.translate(batch)

    def lexicon(self) -> Lexicon | None:
        with self.guard.call(judge=False):
            known = self.inner.lexicon()
        if known is None:
            return None

        def guarded(words: Sequence[str]) -> dict[str, str]:
            with self.guard.call(judge=False):
                return known(words)

        return guarded


class CircuitBreaker(Wrapper):
    """Stops calling an engine that keeps failing, for a while.

    Closed: calls go through; ``failures`` consecutive engine failures open it. Open: every call
    raises :class:`CircuitOpenError` at once, without touching the engine, for ``reset_s``
    seconds (or the provider's Retry-After, if longer). Half-open: one trial call goes through
    (others are refused meanwhile); success closes the breaker, failure opens it again.
    ``clock`` is injectable so tests need no sleeps.
    """

    def __init__(
        self,
        inner: Engine,
        failures: int = 5,
        reset_s: float = 30.0,
        *,
        name: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _require(
            failures >= 1 and reset_s > 0,
            f"circuit breaker: failures must be >= 1 and reset_s > 0 "
            f"(got {failures} and {reset_s})",
        )
        super().__init__(inner, name)
        self.failures = failures
        self.reset_s = reset_s
        self.clock = clock
        self._lock = threading.Lock()
        self._count = 0
        self._opened_at: float | None = None
        self._open_for = reset_s
        self._trial = False
        self._last = ""

    def wrap(self, direction: Direction) -> Direction:
        return _Guarded(direction, self)

    @property
    def state(self) -> str:
        """ "closed", "open" or "half-open"."""
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "open" if self.clock() - self._opened_at < self._open_for else "half-open"

    def _enter(self, judge: bool) -> bool:
        """Let a call through (True if it is the half-open trial) or refuse it."""
        with self._lock:
            state = self._state()
            if state == "closed" or (state == "half-open" and not judge):
                return False
            if state == "half-open" and not self._trial:
                self._trial = True
                return True
            assert self._opened_at is not None
            wait = max(0.0, self._opened_at + self._open_for - self.clock())
            when = f"next try in {wait:.0f} s" if state == "open" else "a trial call is running"
            raise CircuitOpenError(
                f"engine {self.name} is not called for now after {self._count} consecutive "
                f"failures (last: {self._last}); {when}"
            )

    @contextlib.contextmanager
    def call(self, judge: bool = True) -> Iterator[None]:
        """Translations decide the state; other calls (the lexicon) are refused while the
        circuit is open and count when they fail, but their success closes nothing."""
        trial = self._enter(judge)
        try:
            yield
        except _ANSWERED:
            if judge:
                self._succeeded()
            raise
        except EngineError as exc:
            self._failed(exc, trial)
            raise
        except BaseException:
            # Not the engine's failure (bad input, an unknown pair): no verdict either way.
            if trial:
                with self._lock:
                    self._trial = False
            raise
        if judge:
            self._succeeded()

    def _failed(self, exc: EngineError, trial: bool) -> None:
        with self._lock:
            self._trial = False
            self._count += 1
            self._last = f"{type(exc).__name__}: {exc}"
            if trial or self._count >= self.failures:
                retry_after = getattr(exc, "retry_after", None) or 0.0
                self._opened_at = self.clock()
                self._open_for = max(self.reset_s, float(retry_after))
                log.warning(
                    "engine %s: circuit open for %.0f s after %d consecutive failures (%s)",
                    self.name, self._open_for, self._count, self._last,
                )  # fmt: skip

    def _succeeded(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                log.info("engine %s answered again: circuit closed", self.name)
            self._count = 0
            self._opened_at = None
            self._trial = False

    def accepting(self) -> bool:
        return self.state != "open" and super().accepting()

    def health(self) -> Health:
        state = self.state
        if state == "open":
            return Health(False, f"circuit open after {self._count} failures ({self._last})")
        inner = self.inner.health()
        if state == "half-open":
            return Health(inner.ok, f"{inner.detail}; circuit half-open".lstrip("; "))
        return inner


class ConcurrencyLimit(Wrapper):
    """At most ``max_concurrency`` calls in the engine at once; callers beyond it wait, up to
    ``wait_s`` seconds if given, then get :class:`EngineUnavailableError` (so a fallback serves).
    """

    def __init__(
        self, inner: Engine, max_concurrency: int, wait_s: float | None = None, *, name: str = ""
    ) -> None:
        _require(
            max_concurrency >= 1 and (wait_s is None or wait_s > 0),
            f"concurrency limit: max_concurrency must be >= 1 and the wait > 0 "
            f"(got {max_concurrency} and {wait_s})",
        )
        super().__init__(inner, name)
        self.max_concurrency = max_concurrency
        self.wait_s = wait_s
        self._slots = threading.BoundedSemaphore(max_concurrency)

    def wrap(self, direction: Direction) -> Direction:
        return _Guarded(direction, self)

    @contextlib.contextmanager
    def call(self, judge: bool = True) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_s):
            raise EngineUnavailableError(
                f"engine {self.name} is busy: {self.max_concurrency} calls running and none "
                f"finished within {self.wait_s:g} s"
            )
        try:
            yield
        finally:
            self._slots.release()
