"""Engines made of engines: per-pair routing, fallback chains, pivoting, a circuit breaker and a
concurrency limit.

Each is an :class:`Engine` whose directions wrap the directions of the engines inside it, so
they nest, and streaming and provenance pass through every one. As the settings build them:

    Router ──pair──> Fallback ──> ConcurrencyLimit ──> CircuitBreaker ──> Wrapper ──> engine
                        │          (the first engine of the route's chain, under its name)
                        └──on an EngineError──> the next engine of the chain, the same way

A router hands out the direction of the engine routed for the pair (or a :class:`Pivot` through
a third language); a chain's direction names up front the engine expected to serve (its
provenance), and each result names the one that did, so memory keys and provenance stay true
when a fallback served. The wrappers take the segments in lists of what has arrived
(``arriving``): a list is one call for the breaker and the limit, and is served by one engine
of a chain, the next one taking over from the first segment left unanswered.

What counts as an engine failing: an :class:`EngineError` (unavailable, timeout, rate limit,
quota, a lost placeholder...) makes a fallback chain try the next engine. Errors about the input
or the language pair are not the engine's fault: they reach the caller unchanged.
"""

from __future__ import annotations

import copy
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from tarjama import inline
from tarjama.engines.base import (
    Direction,
    Engine,
    Health,
    Lexicon,
    Result,
    arriving,
    provenance,
)
from tarjama.engines.guards import CircuitBreaker, ConcurrencyLimit, Wrapper, accepting
from tarjama.errors import ConfigError, EngineError, LanguageError, PlaceholderError
from tarjama.model import Pair, Provenance

__all__ = ["CircuitBreaker", "ConcurrencyLimit", "Fallback", "Pivot", "Router", "Wrapper"]

log = logging.getLogger(__name__)


def _serves(engine: Engine, pair: Pair) -> bool | None:
    """Whether the engine lists the pair; None when it cannot tell now (its pairs() failed)."""
    try:
        return pair in engine.pairs()
    except EngineError as exc:
        log.info("engine %s cannot list its pairs: %s", engine.name, exc)
        return None


def _pairs(engine: Engine) -> list[Pair]:
    try:
        return engine.pairs()
    except EngineError as exc:
        log.info("engine %s cannot list its pairs: %s", engine.name, exc)
        return []


def _distinct(engines: Iterable[Engine | None]) -> list[Engine]:
    return list({id(e): e for e in engines if e is not None}.values())


# --- fallback chains ----------------------------------------------------------------------------


def _all_failed(failures: Sequence[tuple[Engine, Exception]], pair: Pair) -> Exception:
    """The last engine's error (its type decides the exit code or HTTP status), with every
    engine's reason in the message."""
    errors = [exc for _, exc in failures]
    last = next((e for e in reversed(errors) if isinstance(e, EngineError)), errors[-1])
    reasons = "; ".join(f"{e.name}: {type(exc).__name__}: {exc}" for e, exc in failures)
    error = copy.copy(last)
    error.args = (f"every engine for {pair} failed: {reasons}",)
    return error


class Fallback(Engine):
    """Engines in order of preference: the first that serves the pair does, and when it raises
    an :class:`EngineError` the next one serves what is left."""

    def __init__(self, engines: Sequence[Engine]) -> None:
        if not engines:
            raise ConfigError("a fallback chain needs at least one engine")
        self.engines = list(engines)
        self.name = self.engines[0].name

    def pairs(self) -> list[Pair]:
        return list(dict.fromkeys(p for e in self.engines for p in _pairs(e)))

    def direction(self, pair: Pair) -> Direction:
        candidates = [e for e in self.engines if _serves(e, pair) is not False]
        if not candidates:
            names = ", ".join(e.name for e in self.engines)
            raise LanguageError(
                f"no engine of {names} translates {pair}", (str(p) for p in self.pairs())
            )
        return _Chain(candidates, pair)

    def health(self) -> Health:
        states = [(e.name, e.health()) for e in self.engines]
        detail = "; ".join(f"{n}: {'ok' if h.ok else h.detail}" for n, h in states)
        return Health(any(h.ok for _, h in states), detail)

    def close(self) -> None:
        for engine in self.engines:
            engine.close()


class _Chain(Direction):
    """A fallback chain's direction: its provenance is the direction of the engine expected to
    serve (the first that is not refusing calls), and each list of segments goes to the
    engines in order until every segment of it is answered."""

    def __init__(self, engines: list[Engine], pair: Pair) -> None:
        self.engines = engines
        self._built: dict[int, Direction] = {}
        failures: list[tuple[Engine, Exception]] = []
        for engine in sorted(engines, key=lambda e: not accepting(e)):
            try:
                expected = self._direction(engine, pair)
                break
            except (EngineError, LanguageError) as exc:
                failures.append((engine, exc))
        else:
            raise _all_failed(failures, pair) from failures[-1][1]
        super().__init__(expected.provenance)

    def _direction(self, engine: Engine, pair: Pair) -> Direction:
        built = self._built.get(id(engine))
        if built is None:
            built = self._built[id(engine)] = engine.direction(pair)
        return built

    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        for batch in arriving(segments):
            yield from self._serve(batch)

    def _serve(self, batch: list[str]) -> Iterator[Result]:
        failures: list[tuple[Engine, Exception]] = []
        answered = 0
        for engine in self.engines:
            try:
                for result in self._direction(engine, self.pair).translate(batch[answered:]):
                    answered += 1
                    yield result
                return
            except (EngineError, LanguageError) as exc:
                failures.append((engine, exc))
                if engine is not self.engines[-1]:
                    log.warning(
                        "engine %s failed for %s (%s: %s); the next engine serves",
                        engine.name, self.pair, type(exc).__name__, exc,
                    )  # fmt: skip
        raise _all_failed(failures, self.pair) from failures[-1][1]

    def lexicon(self) -> Lexicon | None:
        ordered = sorted(self.engines, key=lambda e: not accepting(e))
        chain = _ChainLexicon(ordered, lambda e: self._direction(e, self.pair))
        return chain if chain.current is not None else None


class _ChainLexicon:
    """The lexicon of the engine expected to serve; if it fails, the next engine's; if none is
    left, every word is "unknown", as when the engine has no lexicon."""

    def __init__(self, engines: Sequence[Engine], direction: Callable[[Engine], Direction]) -> None:
        self.engines = list(engines)
        self.direction = direction
        self.current = self._next()

    def _next(self) -> Lexicon | None:
        while self.engines:
            engine = self.engines.pop(0)
            try:
                return self.direction(engine).lexicon()
            except EngineError as exc:
                log.warning("engine %s gave no lexicon: %s", engine.name, exc)
        return None

    def __call__(self, words: Sequence[str]) -> dict[str, str]:
        while self.current is not None:
            try:
                return self.current(words)
            except EngineError as exc:
                log.warning("lexicon failed (%s); asking the next engine", exc)
                self.current = self._next()
        return dict.fromkeys(words, "unknown")


# --- pivoting -----------------------------------------------------------------------------------


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


def _both_legs(one: Provenance, two: Provenance) -> Provenance:
    """A pivot's provenance names both legs: engine ``opus-es-en+opus-en-ar``, version
    ``1.0; 2.1``, model ``es-en: <model>; en-ar: <model>``."""
    return provenance(
        f"{one.engine}+{two.engine}",
        f"{one.engine_version}; {two.engine_version}",
        f"{one.pair}: {one.model or '-'}; {two.pair}: {two.model or '-'}",
        Pair(one.source_language, two.target_language),
    )


class Pivot(Engine):
    """``first`` into the pivot language, then ``second`` out of it: es-ar as es-en, en-ar.

    Tags go through both legs (placeholders keep their attributes between them), and the
    provenance names both legs. Each list of segments that has arrived goes through the first
    leg, then the second: the legs never hold a call open at once (one engine behind a
    concurrency limit of one may serve both)."""

    def __init__(self, first: Engine, second: Engine, via: str = "en") -> None:
        self.first = first
        self.second = second
        self.via = via
        self.name = f"{first.name}+{second.name}"

    def pairs(self) -> list[Pair]:
        sources = [p.source for p in _pairs(self.first) if p.target == self.via]
        targets = [p.target for p in _pairs(self.second) if p.source == self.via]
        return [Pair(s, t) for s in sources for t in targets if s != t]

    def direction(self, pair: Pair) -> Direction:
        if pair not in self.pairs():
            raise LanguageError(
                f"no pivot through {self.via} for {pair}", (str(p) for p in self.pairs())
            )
        first = self.first.direction(Pair(pair.source, self.via))
        second = self.second.direction(Pair(self.via, pair.target))
        return _Legs(first, second)

    def health(self) -> Health:
        a, b = self.first.health(), self.second.health()
        return Health(a.ok and b.ok, f"first leg: {a.detail}; second leg: {b.detail}")

    def close(self) -> None:
        self.first.close()
        self.second.close()


class _Legs(Direction):
    """A pivot's direction: the first leg's outputs, tags checked, through the second."""

    def __init__(self, first: Direction, second: Direction) -> None:
        super().__init__(_both_legs(first.provenance, second.provenance))
        self.first = first
        self.second = second
        self._made: dict[tuple[str, str], Provenance] = {
            (first.provenance.signature(), second.provenance.signature()): self.provenance
        }

    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        for batch in arriving(segments):
            ones = list(self.first.translate(batch))
            middle = [_with_attributes(r.text, t) for r, t in zip(ones, batch, strict=True)]
            twos = self.second.translate(middle)
            for source, one, two in zip(batch, ones, twos, strict=True):
                if _tag_ids(source) != _tag_ids(two.text):
                    raise PlaceholderError(
                        f"pivot {self.pair} through {self.first.pair.target}: the tags of "
                        f"{source!r} did not survive both legs: {two.text!r}"
                    )
                yield Result(two.text, self._served(one.provenance, two.provenance))

    def _served(self, one: Provenance, two: Provenance) -> Provenance:
        """Who served both legs (a fallback may have served either), made once."""
        key = (one.signature(), two.signature())
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = _both_legs(one, two)
        return made

    def lexicon(self) -> Lexicon | None:
        try:
            return self.first.lexicon()
        except EngineError as exc:
            log.warning("pivot %s: no lexicon from the first leg: %s", self.pair, exc)
            return None


# --- routing ------------------------------------------------------------------------------------


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
        self.name = (default or next(iter(self.routes.values()))).name

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
        return Pivot(first, second, via)

    def engine_for(self, pair: Pair) -> Engine:
        """The engine (or chain, or pivot) that serves a pair; LanguageError if none does."""
        engine = self._direct(pair) or self._pivot(pair)
        if engine is None:
            raise LanguageError(f"no engine is routed for {pair}", (str(p) for p in self.pairs()))
        return engine

    def direction(self, pair: Pair) -> Direction:
        return self.engine_for(pair).direction(pair)

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

    def health(self) -> Health:
        engines = _distinct([*self.routes.values(), self.default])
        down = [f"{e.name}: {h.detail}" for e in engines if not (h := e.health()).ok]
        if down:
            return Health(False, "; ".join(down))
        return Health(True, f"{len(self.pairs())} pairs")

    def close(self) -> None:
        for engine in _distinct([*self.routes.values(), self.default]):
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
