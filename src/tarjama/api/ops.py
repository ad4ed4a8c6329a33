"""Operations: ``/health`` (the process answers), ``/ready`` (engine and store work), ``/metrics``.

``/ready`` translates a word with the engine (on its first pair, English first when there is one)
and runs ``SELECT 1`` on the store, each within a deadline; either failing answers 503 with the
reasons, so a load balancer stops sending work to this instance.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from tarjama.api.errors import responses
from tarjama.api.metrics import CONTENT_TYPE
from tarjama.api.schemas import Health, Readiness
from tarjama.api.services import ServicesDep
from tarjama.engines.base import Engine, Pair
from tarjama.errors import EngineUnavailableError
from tarjama.store import Store

router = APIRouter(tags=["operations"])

READY_TIMEOUT = 10.0


def check_engine(engine: Engine) -> None:
    pairs = engine.pairs()
    if not pairs:
        raise EngineUnavailableError(f"engine {engine.info().name} has no language pairs")
    pair = next((p for p in pairs if p.source == "en"), pairs[0])
    out = engine.translate_batch(["ready"], Pair(pair.source, pair.target))
    if len(out) != 1 or not out[0].strip():
        raise EngineUnavailableError(f"engine gave no translation for {pair}")


def check_store(store: Store) -> None:
    with store.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def _probe(check: object, arg: object) -> str:
    try:
        await asyncio.wait_for(run_in_threadpool(check, arg), READY_TIMEOUT)  # type: ignore[arg-type]
    except TimeoutError:
        return f"no answer within {READY_TIMEOUT:g} s"
    except Exception as exc:  # any failure means not ready; its text is the reason
        return f"{type(exc).__name__}: {exc}"
    return "ok"


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
    description="200 when the engine translates and the store answers; 503 with reasons if not.",
    response_model=Readiness,
    responses=responses(503),
)
async def ready(services: ServicesDep) -> Response:
    checks = {
        "engine": await _probe(check_engine, services.engine),
        "store": await _probe(check_store, services.store),
    }
    if all(v == "ok" for v in checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    reasons = "; ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok")
    return JSONResponse(
        {"error": {"code": "not_ready", "message": reasons}, "checks": checks}, status_code=503
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="Requests by route template and status class, latency, segments, TM hits, errors.",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format"}},
)
async def metrics(services: ServicesDep) -> Response:
    return Response(services.metrics.render(), media_type=CONTENT_TYPE)
