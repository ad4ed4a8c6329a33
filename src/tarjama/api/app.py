"""The app factory: :func:`create_app` wires settings, engine and store into a FastAPI app.

    app = create_app(Settings.load())          # engine and store from the settings
    serve(Settings.load(), "127.0.0.1", 8000)  # the same, on uvicorn

The lifespan opens the runtime (``tarjama.runtime``: the store migrated with Alembic to head,
the engine, the translator, the newsroom and its job worker), and on shutdown closes what it
created itself (an engine or store passed in belongs to the caller).
uvicorn turns SIGTERM into a graceful shutdown: it stops accepting, lets running requests finish,
then runs the lifespan's exit.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tarjama.api import (
    articles,
    docs,
    errors,
    libretranslate,
    logs,
    memory,
    ops,
    translate,
    web,
    webhooks,
)
from tarjama.api.cache import ResultCache, SharedResultCache
from tarjama.api.deadline import with_header_deadline
from tarjama.api.headers import CrossOrigin, SecurityHeaders
from tarjama.api.keys import ApiKeys
from tarjama.api.limits import BodyLimit, RateLimiter, SharedRateLimiter
from tarjama.api.metrics import Metrics
from tarjama.api.options import ServiceOptions
from tarjama.api.services import Services
from tarjama.api.shared import SharedState
from tarjama.config import Settings
from tarjama.engines.base import Engine
from tarjama.jobs.stats import QueueCollector
from tarjama.runtime import Runtime
from tarjama.store import Store

log = logging.getLogger(__name__)

DESCRIPTION = """\
tarjama translates news articles with a self-hosted engine (Apertium by default).

Every error is `{"error": {"code": "...", "message": "..."}}`; the LibreTranslate-compatible
routes answer `{"error": "..."}` as LibreTranslate does. API keys go in
`Authorization: Bearer tj_...` (or `X-API-Key`); LibreTranslate clients send `api_key`.
"""


ROUTERS = (
    translate.router,
    *articles.ROUTERS,
    *memory.ROUTERS,
    webhooks.router,
    libretranslate.router,
    ops.router,
    *web.ROUTERS,
)


def _version() -> str:
    try:
        return package_version("tarjama")
    except PackageNotFoundError:
        return "0+unknown"


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    store: Store | None = None,
    job_threads: int | None = None,
    warm: bool = False,
) -> FastAPI:
    """A FastAPI app serving tarjama; nothing starts until its lifespan runs.

    ``job_threads`` background threads run the translation jobs (0: none; tests then run them
    with ``app.state.worker.run_pending()``); by default one per target language, at least one
    per CPU, so that an article's languages are translated side by side. ``warm``: translate a
    short article into each target before serving, so the first one is not slow.
    """
    options = ServiceOptions.from_settings(settings)
    metrics = Metrics()
    if job_threads is None:
        job_threads = max(len(settings.targets), os.cpu_count() or 1)
    app = FastAPI(
        title="tarjama",
        version=_version(),
        description=DESCRIPTION,
        docs_url=None,  # served offline by api/docs.py
        redoc_url=None,
        lifespan=_lifespan(settings, options, metrics, store, engine, job_threads, warm),
    )
    errors.install(app)
    docs.install(app, options, [route for router in ROUTERS for route in router.routes])
    for router in ROUTERS:
        app.include_router(router)
    _add_middleware(app, options, metrics)
    return app


Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def _lifespan(
    settings: Settings,
    options: ServiceOptions,
    metrics: Metrics,
    store: Store | None,
    engine: Engine | None,
    job_threads: int,
    warm: bool,
) -> Lifespan:
    """The app's lifespan: the runtime opened (store migrated, engine built, unless given),
    the services on ``app.state``, the job worker started; all closed again on shutdown. The
    rate limits outlive a lifespan: they belong to the app. With a queue URL, the limits and
    the result cache are in its Redis, shared by every replica (``api/shared.py``)."""
    shared = (
        SharedState(settings.queue_url, failed=metrics.shared_errors.inc)
        if settings.queue_url
        else None
    )
    limiter = _limiter(options.rate_limit, options.rate_burst, shared, "rate")
    auth_failures = _limiter(
        options.auth_failures / 60, max(options.auth_failures, 1), shared, "auth-failures"
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime: Runtime | None = None
        try:
            runtime = await run_in_threadpool(
                lambda: Runtime.open(
                    settings,
                    store=True if store is None else store,
                    engine=True if engine is None else engine,
                )
            )
            # The caller of a synchronous translation does not wait for the store.
            translator = runtime.translator(write_behind=True)
            app.state.services = Services(
                settings=settings,
                options=options,
                engine=runtime.engine,
                store=runtime.store,
                translator=translator,
                keys=ApiKeys(runtime.store),
                limiter=limiter,
                auth_failures=auth_failures,
                metrics=metrics,
                cache=_cache(runtime.store, options, shared, translator.flush, metrics),
            )
            app.state.newsroom = runtime.newsroom()
            # The embedded runner, or the Celery broker when a queue URL is configured.
            app.state.worker = runtime.queue(threads=max(job_threads, 1))
            QueueCollector.install(metrics.registry, runtime.store)
            if warm:
                await run_in_threadpool(runtime.warm)
            if job_threads > 0:
                app.state.worker.start()
            log.info("tarjama service ready: engine %s, store %s", settings.engine, runtime.store)
            yield
        finally:
            log.info("tarjama service stopping")
            if runtime is not None:
                runtime.close()

    return lifespan


def _limiter(rate: float, burst: int, shared: SharedState | None, name: str) -> RateLimiter:
    if shared is None:
        return RateLimiter(rate, burst)
    return SharedRateLimiter(rate, burst, shared, name)


def _cache(
    store: Store,
    options: ServiceOptions,
    shared: SharedState | None,
    settle: Callable[[], None],
    metrics: Metrics,
) -> ResultCache:
    entries, counted = options.result_cache, metrics.cache_lookup
    if shared is None:
        return ResultCache(store, entries, settle=settle, counted=counted)
    return SharedResultCache(store, shared, entries, settle=settle, counted=counted)


def _add_middleware(app: FastAPI, options: ServiceOptions, metrics: Metrics) -> None:
    app.add_middleware(BodyLimit, max_bytes=options.max_request_bytes, timeout=options.timeout_body)
    app.add_middleware(SecurityHeaders, docs_paths=docs.PATHS)
    app.add_middleware(
        CrossOrigin,
        origins=options.cors_origins,
        libretranslate_origins=options.libretranslate_cors_origins,
    )
    # Added after the others, so outside them: it sees every answer, the body limit's included.
    # It is given the routes themselves to name the route of a request refused before routing.
    routes = [route for router in ROUTERS for route in router.routes]
    app.state.routes = routes  # for the Allow header of a 405 (api/errors.py)
    app.add_middleware(logs.Observe, metrics=metrics, routes=routes)
    if options.trusted_proxies:
        # Outermost: the log line and the rate limits see the address the proxy forwarded.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(options.trusted_proxies))


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the service on uvicorn until SIGINT/SIGTERM (graceful: running requests finish).

    Slow clients: an idle connection closes after ``timeout_keep_alive`` seconds, one that has
    not sent a request's headers after ``timeout_headers`` (``api/deadline.py``; uvicorn has
    no such timeout), a body not in after ``timeout_body`` gets 408 (``api/limits.py``), and
    beyond ``max_connections`` connections new requests get 503.
    """
    import uvicorn
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    options = ServiceOptions.from_settings(settings)
    logs.configure()
    uvicorn.run(
        create_app(settings, warm=True),
        host=host,
        port=port,
        log_config=None,
        access_log=False,  # Observe writes one structured line per request
        timeout_graceful_shutdown=30,
        # The app reads X-Forwarded-For itself, from trusted_proxies only; uvicorn's own
        # reading would trust any local peer.
        proxy_headers=False,
        http=with_header_deadline(AutoHTTPProtocol, options.timeout_headers),
        timeout_keep_alive=options.timeout_keep_alive,
        limit_concurrency=options.max_connections,
    )
