"""The engine the settings describe: each configured engine built once and wrapped in its generic
limits, the routes' fallback chains, and a router over them (docs/engine-config.md).

With no routes, no pivot and one default engine without a table, the result is that engine
itself, exactly as ``registry.create`` gives it.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import logging
import time
import types
import typing
from collections import abc
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tarjama.config import GENERIC_KEYS, EngineSpec, Settings, parse_pair
from tarjama.engines import registry
from tarjama.engines.base import Engine, Health
from tarjama.engines.compose import Fallback, Router
from tarjama.engines.guards import CircuitBreaker, ConcurrencyLimit, Wrapper
from tarjama.errors import ConfigError, EngineError

log = logging.getLogger(__name__)

Clock = Callable[[], float]


def build_engine(
    settings: Settings, *, default: str | None = None, clock: Clock = time.monotonic
) -> Engine:
    """The engine for ``settings``; ``default`` (a built-in or configured engine name, as the
    CLI's ``--engine``) replaces the default route."""
    settings.check_engines()
    chain = (default,) if default else settings.default_route
    routes = {parse_pair(k, "routes"): names for k, names in settings.routes.items() if k != "*"}
    if not routes and not settings.pivot and len(chain) == 1 and chain[0] not in settings.engines:
        return create(settings.engine_spec(chain[0]))
    built: dict[str, Engine] = {}
    try:
        for name in dict.fromkeys([*chain, *(n for names in routes.values() for n in names)]):
            built[name] = configured(settings.engine_spec(name), clock=clock)
    except BaseException:
        for engine in built.values():
            engine.close()
        raise

    def fallbacks(names: Iterable[str]) -> Engine:
        engines = [built[n] for n in names]
        return engines[0] if len(engines) == 1 else Fallback(engines)

    if not routes and not settings.pivot:
        return fallbacks(chain)
    return Router(
        {pair: fallbacks(names) for pair, names in routes.items()},
        fallbacks(chain),
        pivot=settings.pivot,
    )


def configured(spec: EngineSpec, *, clock: Clock = time.monotonic) -> Wrapper:
    """One configured engine under its name, inside its breaker and concurrency limit."""
    engine: Wrapper = Wrapper(create(spec), spec.name)
    if spec.breaker_failures:
        engine = CircuitBreaker(
            engine, spec.breaker_failures, spec.breaker_reset_s, name=spec.name, clock=clock
        )
    if spec.max_concurrency:
        engine = ConcurrencyLimit(engine, spec.max_concurrency, spec.max_wait_s, name=spec.name)
    return engine


def create(spec: EngineSpec) -> Engine:
    """The engine of a spec's type, given its options (checked and converted against the
    constructor's signature first, so a wrong key is a ConfigError that lists the right ones)."""
    cls = _engine_class(spec.type)
    options = _options(cls, spec)
    engine: Engine = cls(**options)
    return engine


def _engine_class(kind: str) -> type[Engine]:
    module, _, attr = registry.ENGINES[kind].partition(":")
    cls: type[Engine] = getattr(importlib.import_module(module), attr)
    return cls


def _options(cls: type[Engine], spec: EngineSpec) -> dict[str, Any]:
    params, hints, open_ended = _parameters(cls)
    where = f"engine {spec.name!r} (type {spec.type})"
    unknown = [k for k in spec.options if k not in params]
    if unknown and not open_ended:
        raise ConfigError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"{spec.type} takes: {', '.join(params) or 'nothing'}; "
            f"generic keys: {', '.join(GENERIC_KEYS)}"
        )
    missing = [n for n, p in params.items() if p.default is p.empty and n not in spec.options]
    if missing:
        raise ConfigError(f"{where} needs {', '.join(missing)}")
    return {k: _convert(v, hints.get(k), f"{where}: {k}") for k, v in spec.options.items()}


def _parameters(cls: type[Engine]) -> tuple[dict[str, inspect.Parameter], dict[str, Any], bool]:
    """The keys an engine's constructor takes, their type hints, and whether it takes any key.

    A ``**options`` that a constructor hands on to its base class's takes the keyword-only
    parameters of that one (and so on up: the neural and remote engines share their options
    so); one that no base constructor names takes any key."""
    params: dict[str, inspect.Parameter] = {}
    hints: dict[str, Any] = {}
    inits = [k.__dict__["__init__"] for k in cls.__mro__[:-1] if "__init__" in k.__dict__]
    for depth, init in enumerate(inits):
        signature = inspect.signature(init)
        for name, p in list(signature.parameters.items())[1:]:  # after self
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or name in params:
                continue
            if depth == 0 or p.kind is p.KEYWORD_ONLY:
                params[name] = p
        # Unresolvable annotations: the values pass as they are.
        with contextlib.suppress(NameError, TypeError):
            hints = typing.get_type_hints(init) | hints
        if not any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
            return params, hints, False
    return params, hints, bool(inits)  # no constructor of its own: it takes nothing


def _convert(value: Any, hint: Any, where: str) -> Any:
    """A string (from the environment) as the type the constructor declares; other values as
    TOML gave them."""
    if not isinstance(value, str) or hint is None:
        return value
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if str in args or not args:
            return value
        hint = args[0]
    origin = typing.get_origin(hint) or hint
    try:
        if origin is bool:
            if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(value)
            return value.lower() in ("1", "true", "yes", "on")
        if origin in (int, float):
            return origin(value)
        if origin is Path:
            return Path(value).expanduser()
        if origin in (list, tuple, abc.Sequence):
            return [v.strip() for v in value.split(",") if v.strip()]
        if origin in (dict, abc.Mapping):
            table = {}
            for item in filter(None, (i.strip() for i in value.split(","))):
                key, sep, val = item.partition("=")
                if not sep:
                    raise ValueError(item)
                table[key.strip()] = val.strip()
            return table
    except ValueError:
        raise ConfigError(f"{where} = {value!r} is not a valid {hint}") from None
    return value


# --- what ``tarjama engines`` shows ---------------------------------------------------------


@dataclass
class EngineState:
    name: str
    type: str
    pairs: list[str] = field(default_factory=list)
    ok: bool = False
    detail: str = ""
    limits: dict[str, float] = field(default_factory=dict)


@dataclass
class RouteState:
    pair: str
    engines: list[str]
    status: str
    """"ok" (the first engine is up), "degraded" (a fallback is up) or "down"."""
    serving: str = ""


@dataclass
class Report:
    engines: list[EngineState]
    routes: list[RouteState]
    pivot: str

    @property
    def down(self) -> list[RouteState]:
        return [r for r in self.routes if r.status == "down"]

    @property
    def degraded(self) -> list[RouteState]:
        return [r for r in self.routes if r.status == "degraded"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "engines": [vars(e) for e in self.engines],
            "routes": [vars(r) for r in self.routes],
            "pivot": self.pivot,
        }


def report(settings: Settings, *, default: str | None = None) -> Report:
    """Every configured engine (and every built-in one a route names) built, asked for its pairs
    and health, then closed; each route's status from its engines'. An engine that cannot even be
    built shows as down with the reason; a configuration error is raised."""
    settings.check_engines()
    chain = (default,) if default else settings.default_route
    routes: dict[str, tuple[str, ...]] = {k: v for k, v in settings.routes.items() if k != "*"} | {
        "*": chain
    }
    names = dict.fromkeys([*settings.engines, *(n for c in routes.values() for n in c)])
    states: dict[str, EngineState] = {}
    for name in names:
        spec = settings.engine_spec(name)
        state = states[name] = EngineState(name, spec.type, limits=_limits(spec))
        try:
            with configured(spec) as engine:
                health = engine.health()
                state.pairs = sorted(str(p) for p in engine.pairs())
        except EngineError as exc:
            health = Health(False, f"{type(exc).__name__}: {exc}")
        state.ok, state.detail = health.ok, health.detail
    return Report(
        list(states.values()),
        [_route_state(key, chain, states) for key, chain in routes.items()],
        settings.pivot,
    )


def _limits(spec: EngineSpec) -> dict[str, float]:
    values = {k: getattr(spec, k) for k in GENERIC_KEYS}
    if not spec.breaker_failures:
        values.pop("breaker_reset_s")
    return {k: v for k, v in values.items() if v}


def _route_state(key: str, chain: tuple[str, ...], states: Mapping[str, EngineState]) -> RouteState:
    def up(name: str) -> bool:
        state = states[name]
        return state.ok and (key == "*" or key in state.pairs)

    serving = next((n for n in chain if up(n)), "")
    status = "ok" if serving == chain[0] else "degraded" if serving else "down"
    return RouteState(key, list(chain), status, serving)
