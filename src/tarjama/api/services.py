"""What the routes share: settings, engine, store, translator, keys, limits, metrics, cache.

One :class:`Services` per app, built by the app's lifespan and found on ``app.state``.
:meth:`Services.run` runs blocking translation work in a worker thread and counts what it did
(segments by origin, memory hits) and how engines failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from tarjama.api.cache import ResultCache
from tarjama.api.keys import ApiKeys
from tarjama.api.limits import RateLimiter
from tarjama.api.metrics import Metrics
from tarjama.api.options import ServiceOptions
from tarjama.config import Settings
from tarjama.engines.base import Engine
from tarjama.errors import EngineError
from tarjama.model import Pair, Translation
from tarjama.pipeline import Translator
from tarjama.store import Store

T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    options: ServiceOptions
    engine: Engine
    store: Store
    translator: Translator
    keys: ApiKeys
    limiter: RateLimiter
    """Requests by client address and by key (``rate_limit``)."""
    auth_failures: RateLimiter
    """Failed key checks by client address (``auth_failures`` a minute)."""
    metrics: Metrics
    cache: ResultCache

    def serving(self, source: str, target: str) -> str:
        """Who would translate a pair now, for cache keys: engine, version and model."""
        return self.translator.provenance(Pair(source, target)).signature()

    def pairs(self) -> list[Pair]:
        return self.engine.pairs()

    async def run(
        self, work: Callable[[], T], translations: Callable[[T], Iterable[Translation]]
    ) -> T:
        """``work()`` in a worker thread; its translations counted in the metrics."""
        try:
            result = await run_in_threadpool(work)
        except EngineError as exc:
            self.metrics.engine_error(exc)
            raise
        self.metrics.count(translations(result))
        return result

    def check_pairs(self, source: str, targets: Sequence[str]) -> None:
        for target in targets:
            self.engine.direction(Pair(source, target))  # LanguageError if not served


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
"""A route parameter of this type receives the app's :class:`Services`."""
