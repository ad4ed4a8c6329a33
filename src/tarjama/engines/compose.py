"""Engines made of engines: per-pair routing, fallback chains, pivoting, a circuit breaker and a
concurrency limit.

Each is an :class:`Engine` wrapping others, so they nest: a :class:`Router` maps pairs to
:class:`Fallback` chains of configured engines, each guarded by a :class:`ConcurrencyLimit`
around a :class:`CircuitBreaker`, and the pipeline sees one engine. ``route(pair)`` names the
engine expected to serve a pair (for the provenance decided up front); ``serve_batch`` names the
one that really did, so memory keys and provenance stay true when a fallback served.

What counts as an engine failing: an :class:`EngineError` (unavailable, timeout, rate limit,
quota, a lost placeholder...) makes a fallback chain try the next engine. Errors about the input
or the language pair are not the engine's fault: they reach the caller unchanged.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from tarjama import inline
from tarjama.engines.base import Engine, EngineInfo, Health, Served
from tarjama.errors import (
    CircuitOpenError,
    ConfigError,
    EngineError,
    EngineRequestError,
    EngineUnavailableError,
    LanguageError,
    PlaceholderError,
)
from tarjama.model import Pair

log = logging.getLogger(__name__)

T = TypeVar("T")
Lexicon = Callable[[Sequence[str]], dict[str, str]]

# The engine answered, so it is up: these say something about one request, not the engine.
_ANSWERED = (PlaceholderError, EngineRequestError)


def name_of(engine: Engine) -> str:
    """The configured name of an engine (its table's name), else its own name."""
    return engine.name if isinstance(engine, Wrapper) else engine.info().name


def accepting(engine: Engine) -> bool:
    """False while a circuit breaker in front of the engine refuses calls."""
    return engine.accepting() if isinstance(engine, Wrapper) else True


def _serves(engine: Engine, pair: Pair) -> bool | None:
    """Whether the engine lists the pair; None when it cannot tell now (its pairs() failed)."""
    try:
        return pair in engine.pairs()
    except EngineError as exc:
        log.info("engine %s cannot list its pairs: %s", name_of(engine), exc)
        return None


def _pairs(engine: Engine) -> list[Pair]:
    try:
        return engine.pairs()
    except EngineError as exc:
        log.info("engine %s cannot list its pairs: %s", name_of(engine), exc)
        return []


class Wrapper(Engine):
    """An engine in front of another, under a name (the configured one); delegates everything.

    Used bare, it only names an engine: the builder gives every configured engine one, so error
    messages and ``tarjama engines`` say ``opus-en-ar`` rather than ``ctranslate2``.
    """

    def __init__(self, inner: Engine, name: str = "") -> None:
        self.inner = inner
        self.name = name or name_of(inner)
        self._closed = False
        self._close_lock = threading.Lock()

    def info(self) -> EngineInfo:
        return self.inner.info()

    def pairs(self) -> list[Pair]:
        return self.inner.pairs()

    def check_pair(self, pair: Pair) -> None:
        self.inner.check_pair(pair)

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        return self._call(lambda: self.inner.translate_batch(texts, pair))

    def serve_batch(self, texts: Sequence[str], pair: Pair) -> Served:
        return self._call(lambda: self.inner.serve_batch(texts, pair))

    def _call(self, work: Callable[[], T], judge: bool = True) -> T:
        """Where a guard (breaker, limit) goes around calls into the engine; ``judge`` is False
        for calls whose success says little of the engine (the lexicon's)."""
        return work()

    def model_for(self, pair: Pair) -> str:
        return self.inner.model_for(pair)

    def lexicon(self, pair: Pair) -> Lexicon | None:
        known = self._call(lambda: self.inner.lexicon(pair), judge=False)
        if known is None:
            return None
        return lambda words: self._call(lambda: known(words), judge=False)

    def route(self, pair: Pair) -> Engine:
        return self.inner.route(pair)

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
        if failures < 1 or reset_s <= 0:
            raise ConfigError(
                f"circuit breaker: failures must be >= 1 and reset_s > 0 "
                f"(got {failures} and {reset_s})"
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

    def _call(self, work: Callable[[], T], judge: bool = True) -> T:
        """Translations decide the state; other calls (the lexicon) are refused while the
        circuit is open and count when they fail, but their success closes nothing."""
        trial = self._enter(judge)
        try:
            result = work()
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
        return result

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
        if max_concurrency < 1 or (wait_s is not None and wait_s <= 0):
            raise ConfigError(
                f"concurrency limit: max_concurrency must be >= 1 and the wait > 0 "
                f"(got {max_concurrency} and {wait_s})"
            )
        super().__init__(inner, name)
        self.max_concurrency = max_concurrency
        self.wait_s = wait_s
        self._slots = threading.BoundedSemaphore(max_concurrency)

    def _call(self, work: Callable[[], T], judge: bool = True) -> T:
        if not self._slots.acquire(timeout=self.wait_s):
            raise EngineUnavailableError(
                f"engine {self.name} is busy: {self.max_concurrency} calls running and none "
                f"finished within {self.wait_s:g} s"
            )
        try:
            return work()
        finally:
            self._slots.release()


def _all_failed(failures: Sequence[tuple[Engine, Exception]], pair: Pair) -> Exception:
    """The last engine's error (its type decides the exit code or HTTP status), with every
    engine's reason in the message."""
    errors = [exc for _, exc in failures]
    last = next((e for e in reversed(errors) if isinstance(e, EngineError)), errors[-1])
    reasons = "; ".join(f"{name_of(e)}: {type(exc).__name__}: {exc}" for e, exc in failures)
    error = copy.copy(last)
    error.args = (f"every engine for {pair} failed: {reasons}",)
    return error


class Fallback(Engine):
    """Engines in order of preference: the first that serves the pair does, and when it raises
    an :class:`EngineError` the next one serves the batch."""

    def __init__(self, engines: Sequence[Engine]) -> None:
        if not engines:
            raise ConfigError("a fallback chain needs at least one engine")
        self.engines = list(engines)

    def _candidates(self, pair: Pair) -> list[Engine]:
        return [e for e in self.engines if _serves(e, pair) is not False]

    def info(self) -> EngineInfo:
        return self.engines[0].info()

    def pairs(self) -> list[Pair]:
        return list(dict.fromkeys(p for e in self.engines for p in _pairs(e)))

    def check_pair(self, pair: Pair) -> None:
        if not self._candidates(pair):
            names = ", ".join(name_of(e) for e in self.engines)
            raise LanguageError(
                f"no engine of {names} translates {pair}", (str(p) for p in self.pairs())
            )

    def route(self, pair: Pair) -> Engine:
        candidates = self._candidates(pair) or self.engines
        chosen = next((e for e in candidates if accepting(e)), candidates[0])
        return chosen.route(pair)

    def model_for(self, pair: Pair) -> str:
        return self.route(pair).model_for(pair)

    def lexicon(self, pair: Pair) -> Lexicon | None:
        candidates = self._candidates(pair) or self.engines
        ordered = sorted(candidates, key=lambda e: not accepting(e))
        chain = _ChainLexicon(ordered, pair)
        return chain if chain.current is not None else None

    def serve_batch(self, texts: Sequence[str], pair: Pair) -> Served:
        candidates = self._candidates(pair)
        if not candidates:
            self.check_pair(pair)
        failures: list[tuple[Engine, Exception]] = []
        for engine in candidates:
            try:
                return engine.serve_batch(texts, pair)
            except (EngineError, LanguageError) as exc:
                failures.append((engine, exc))
                if engine is not candidates[-1]:
                    log.warning(
                        "engine %s failed for %s (%s: %s); the next engine serves",
                        name_of(engine), pair, type(exc).__name__, exc,
                    )  # fmt: skip
        raise _all_failed(failures, pair) from failures[-1][1]

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        return self.serve_batch(texts, pair).outputs

    def health(self) -> Health:
        states = [(name_of(e), e.health()) for e in self.engines]
        detail = "; ".join(f"{n}: {'ok' if h.ok else h.detail}" for n, h in states)
        return Health(any(h.ok for _, h in states), detail)

    def close(self) -> None:
        for engine in self.engines:
            engine.close()


class _ChainLexicon:
    """The lexicon of the engine expected to serve; if it fails, the next engine's; if none is
    left, every word is "unknown", as when the engine has no lexicon."""

    def __init__(self, engines: Sequence[Engine], pair: Pair) -> None:
        self.engines = list(engines)
        self.pair = pair
        self.current = self._next()

    def _next(self) -> Lexicon | None:
        while self.engines:
            engine = self.engines.pop(0)
            try:
                return engine.lexicon(self.pair)
            except EngineError as exc:
                log.warning("engine %s gave no lexicon for %s: %s", name_of(engine), self.pair, exc)
        return None

    def __call__(self, words: Sequence[str]) -> dict[str, str]:
        while self.current is not None:
            try:
                return self.current(words)
            except EngineError as exc:
                log.warning("lexicon for %s failed (%s); asking the next engine", self.pair, exc)
                self.current = self._next()
        return dict.fromkeys(words, "unknown")


def _tag_ids(tagged: str) -> Counter[tuple[str, str]]:
    return Counter(inline.TAG.findall(tagged))


def _with_attributes(output: str, source: str) -> str:
    """Give each placeholder back the ctype and equiv it had in the source, which the first
    leg may drop, so the second leg's engine still knows what it stands for."""
    tags = {m.group(1): m.group(0) for m in inline.TAG.finditer(source) if m.group(1)}
    if not tags:
        return output

    def put(m: re.Match[str]) -> str:
        return tags.get(m.group(1), m.group(0)) if m.group(1) else m.group(0)

    return inline.TAG.sub(put, output)


class Pivot(Engine):
    """``first`` into the pivot language, then ``second`` out of it: es-ar as es-en, en-ar.

    Tags go through both legs (placeholders keep their attributes between them). Provenance
    names both legs: engine ``opus-es-en+opus-en-ar``, version ``1.0; 2.1``, model
    ``es-en: <model>; en-ar: <model>``.
    """

    def __init__(self, first: Engine, second: Engine, via: str = "en") -> None:
        self.first = first
        self.second = second
        self.via = via

    def _legs(self, pair: Pair) -> tuple[Pair, Pair]:
        return Pair(pair.source, self.via), Pair(self.via, pair.target)

    def info(self) -> EngineInfo:
        a, b = self.first.info(), self.second.info()
        return EngineInfo(f"{a.name}+{b.name}", f"{a.version}; {b.version}")

    def pairs(self) -> list[Pair]:
        sources = [p.source for p in _pairs(self.first) if p.target == self.via]
        targets = [p.target for p in _pairs(self.second) if p.source == self.via]
        return [Pair(s, t) for s in sources for t in targets if s != t]

    def check_pair(self, pair: Pair) -> None:
        if pair not in self.pairs():
            raise LanguageError(
                f"no pivot through {self.via} for {pair}", (str(p) for p in self.pairs())
            )

    def route(self, pair: Pair) -> Engine:
        a, b = self._legs(pair)
        first, second = self.first.route(a), self.second.route(b)
        if first is self.first and second is self.second:
            return self
        return Pivot(first, second, self.via)

    @staticmethod
    def _model(a: Pair, model_a: str, b: Pair, model_b: str) -> str:
        return f"{a}: {model_a or '-'}; {b}: {model_b or '-'}"

    def model_for(self, pair: Pair) -> str:
        a, b = self._legs(pair)
        return self._model(a, self.first.model_for(a), b, self.second.model_for(b))

    def lexicon(self, pair: Pair) -> Lexicon | None:
        try:
            return self.first.lexicon(self._legs(pair)[0])
        except EngineError as exc:
            log.warning("pivot %s: no lexicon from the first leg: %s", pair, exc)
            return None

    def serve_batch(self, texts: Sequence[str], pair: Pair) -> Served:
        self.check_pair(pair)
        a, b = self._legs(pair)
        one = self.first.serve_batch(texts, a)
        middle = [_with_attributes(o, t) for o, t in zip(one.outputs, texts, strict=True)]
        two = self.second.serve_batch(middle, b)
        for source, out in zip(texts, two.outputs, strict=True):
            if _tag_ids(source) != _tag_ids(out):
                raise PlaceholderError(
                    f"pivot {pair} through {self.via}: the tags of {source!r} did not survive "
                    f"both legs: {out!r}"
                )
        info = EngineInfo(
            f"{one.engine.name}+{two.engine.name}", f"{one.engine.version}; {two.engine.version}"
        )
        return Served(two.outputs, info, self._model(a, one.model, b, two.model))

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        return self.serve_batch(texts, pair).outputs

    def health(self) -> Health:
        a, b = self.first.health(), self.second.health()
        return Health(a.ok and b.ok, f"first leg: {a.detail}; second leg: {b.detail}")

    def close(self) -> None:
        self.first.close()
        self.second.close()


class Router(Engine):
    """Each pair to its own engine (or chain): explicit routes first, then the default engine
    for the pairs it serves, then, if ``pivot`` names a language, a :class:`Pivot` through it
    for a pair with no direct route (es-ar as es-en, en-ar)."""

    def __init__(
        self,
        routes: Mapping[Pair, Engine],
        default: Engine | None = None,
        *,
        pivot: str = "",
    ) -> None:
        if not routes and default is None:
            raise ConfigError("a router needs at least one route or a default engine")
        self.routes = dict(routes)
        self.default = default
        self.pivot = pivot
        self._pivots: dict[Pair, Pivot] = {}
        self._lock = threading.Lock()

    def _direct(self, pair: Pair) -> Engine | None:
        if pair in self.routes:
            return self.routes[pair]
        if self.default is not None and _serves(self.default, pair) is not False:
            return self.default
        return None

    def _pivot(self, pair: Pair) -> Pivot | None:
        via = self.pivot
        if not via or via in (pair.source, pair.target) or pair.source == pair.target:
            return None
        first, second = self._direct(Pair(pair.source, via)), self._direct(Pair(via, pair.target))
        if first is None or second is None:
            return None
        with self._lock:
            cached = self._pivots.get(pair)
            if cached is None or cached.first is not first or cached.second is not second:
                cached = self._pivots[pair] = Pivot(first, second, via)
            return cached

    def engine_for(self, pair: Pair) -> Engine:
        """The engine (or chain, or pivot) that serves a pair; LanguageError if none does."""
        engine = self._direct(pair) or self._pivot(pair)
        if engine is None:
            raise LanguageError(f"no engine is routed for {pair}", (str(p) for p in self.pairs()))
        return engine

    def direct_pairs(self) -> list[Pair]:
        routed = [p for p, e in self.routes.items() if _serves(e, p) is not False]
        default = _pairs(self.default) if self.default is not None else []
        return list(dict.fromkeys([*routed, *(p for p in default if p not in self.routes)]))

    def pairs(self) -> list[Pair]:
        direct = self.direct_pairs()
        if not self.pivot:
            return direct
        sources = [p.source for p in direct if p.target == self.pivot]
        targets = [p.target for p in direct if p.source == self.pivot]
        pivoted = [Pair(s, t) for s in sources for t in targets if s != t]
        return list(dict.fromkeys([*direct, *pivoted]))

    def check_pair(self, pair: Pair) -> None:
        self.engine_for(pair).check_pair(pair)

    def info(self) -> EngineInfo:
        if self.default is not None:
            return self.default.info()
        return next(iter(self.routes.values())).info()

    def route(self, pair: Pair) -> Engine:
        return self.engine_for(pair).route(pair)

    def model_for(self, pair: Pair) -> str:
        engine = self._direct(pair) or self._pivot(pair)
        return engine.model_for(pair) if engine is not None else ""

    def lexicon(self, pair: Pair) -> Lexicon | None:
        return self.engine_for(pair).lexicon(pair)

    def serve_batch(self, texts: Sequence[str], pair: Pair) -> Served:
        return self.engine_for(pair).serve_batch(texts, pair)

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        return self.serve_batch(texts, pair).outputs

    def health(self) -> Health:
        engines = {id(e): e for e in (*self.routes.values(), self.default) if e is not None}
        down = [f"{name_of(e)}: {h.detail}" for e in engines.values() if not (h := e.health()).ok]
        if down:
            return Health(False, "; ".join(down))
        return Health(True, f"{len(self.pairs())} pairs")

    def close(self) -> None:
        engines = {id(e): e for e in (*self.routes.values(), self.default) if e is not None}
        for engine in engines.values():
            engine.close()


def probe_pairs(engine: Engine) -> list[Pair]:
    """One pair per route to check readiness on: a router's routed pairs, and one the default
    engine serves (English first); for any other engine, one of its pairs (English first)."""

    def one(pairs: list[Pair]) -> list[Pair]:
        return [next((p for p in pairs if p.source == "en"), pairs[0])] if pairs else []

    if not isinstance(engine, Router):
        return one(_pairs(engine))
    routed = [p for p, e in engine.routes.items() if _serves(e, p) is not False]
    rest = _pairs(engine.default) if engine.default is not None else []
    return routed + one([p for p in rest if p not in engine.routes])
