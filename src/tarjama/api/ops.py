"""Operations: ``/health`` (the process answers), ``/ready`` (engine, store and broker work),
``/metrics``.

``/ready`` translates a word on every route of the engine (a router's routed pairs and one pair
of its default engine; a single engine's first pair, English first) and runs ``SELECT 1`` on the
store, each within a deadline; a route that no engine of its chain serves, or the store failing,
answers 503 with the reasons, so a load balancer stops sending work to this instance. A route
served by a fallback is ready, and its check says which engine served it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from tarjama.api.errors import responses
from tarjama.api.metrics import CONTENT_TYPE
from tarjama.api.schemas import Health, Readiness
from tarjama.api.services import ServicesDep
from tarjama.engines.base import Engine
from tarjama.engines.compose import probe_pairs
from tarjama.errors import EngineUnavailableError, NotReadyError, TarjamaError
from tarjama.store import Store

router = APIRouter(tags=["operations"])
T = TypeVar("T")

READY_TIMEOUT = 10.0


def check_engine(engine: Engine) -> str:
    pairs = probe_pairs(engine)
    if not pairs:
        raise EngineUnavailableError(f"engine {engine.name} has no language pairs")
    failed: list[str] = []
    fallbacks: list[str] = []
    for pair in pairs:
        try:
            direction = engine.direction(pair)
            expected = direction.provenance.engine
            served = list(direction.translate(["ready"]))
        except TarjamaError as exc:
            if len(pairs) == 1:
                raise
            failed.append(f"{pair}: {type(exc).__name__}: {exc}")
            continue
        if len(served) != 1 or not served[0].text.strip():
            failed.append(f"{pair}: no translation")
        elif served[0].provenance.engine != expected:
            fallbacks.append(f"{pair} by {served[0].provenance.engine} instead of {expected}")
    if failed:
        raise EngineUnavailableError("; ".join(failed))
    return f"ok (served by a fallback: {', '.join(fallbacks)})" if fallbacks else "ok"


def check_store(store: Store) -> None:
    with store.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_queue(queue: Any) -> str:
    """The broker answers (a ping to the workers goes through it); how many workers answered.
    None is no failure: jobs wait in the broker for the first worker to start."""
    depth = queue.depth()
    workers = queue.live_workers()
    waiting = ", ".join(f"{n} {p}" for p, n in depth.items())
    return f"ok: {workers} worker{'s' if workers != 1 else ''} live; waiting: {waiting}"


async def _probe(check: Callable[[T], str | None], arg: T) -> tuple[bool, str]:
    """Whether the check passed, and what to show of it."""
    try:
        said = await asyncio.wait_for(run_in_threadpool(check, arg), READY_TIMEOUT)
    except TimeoutError:
        return False, f"no answer within {READY_TIMEOUT:g} s"
    except Exception as exc:  # any failure means not ready; its text is the reason
        return False, f"{type(exc).__name__}: {exc}"
    return True, said or "ok"


@router.get(
    "/health",
    summary="Liveness",
    description="200 while the process answers requests. Checks nothing else.",
    response_model=Health,
)
async def health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    summary="Readiness",
    description="200 when the engine translates, the store answers and, with a queue URL, the "
    "broker answers (`checks.queue` names the live workers and the jobs waiting per priority); "
    "503 with reasons if not.",
    response_model=Readiness,
    responses=responses(503),
)
async def ready(services: ServicesDep, request: Request) -> Response:
    results = {
        "engine": await _probe(check_engine, services.engine),
        "store": await _probe(check_store, services.store),
    }
    queue = getattr(request.app.state, "worker", None)
    if hasattr(queue, "live_workers"):  # Celery: the broker answers, and how many workers do
        results["queue"] = await _probe(check_queue, queue)
    checks = {k: text for k, (_, text) in results.items()}
    if all(ok for ok, _ in results.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    reasons = "; ".join(f"{k}: {text}" for k, (ok, text) in results.items() if not ok)
    raise NotReadyError(reasons, checks)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="Requests by route template and status class, latency, segments, TM hits, errors.",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}},
)
async def metrics(services: ServicesDep) -> Response:
    return Response(services.metrics.render(), media_type=CONTENT_TYPE)
