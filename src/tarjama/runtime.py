"""The composition root: what a tarjama process runs on, built from the settings in one place.

    with Runtime.open(settings) as runtime:      # the store (migrated) and the engine
        runtime.translator()                      # with the settings' memory, glossary, label
        runtime.newsroom()                        # articles, versions, jobs, review
        runtime.worker(threads=2)                 # runs the newsroom's jobs from the store
        runtime.queue()                           # the same, or the Celery broker if configured

The command line, the HTTP service's lifespan, ``tarjama demo`` and queue workers all start
here, so each builds the same store, engine and translator from the same settings. What a
runtime builds it closes; a store or an engine handed to :meth:`Runtime.open` belongs to the
caller (tests share one Apertium engine that way).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tarjama.config import Settings
from tarjama.engines.base import Engine
from tarjama.engines.setup import build_engine
from tarjama.errors import ConfigError, TarjamaError
from tarjama.model import Article, Block, BlockKind
from tarjama.pipeline import Translator

if TYPE_CHECKING:
    from tarjama.jobs import Worker
    from tarjama.jobs.distributed import CeleryQueue
    from tarjama.newsroom import Newsroom
    from tarjama.store import Store

log = logging.getLogger(__name__)


def open_store(settings: Settings, *, migrate: bool = True) -> Store:
    """The settings' store, migrated to the newest schema; the default SQLite file's folder is
    made first."""
    from tarjama.store import Store

    if not settings.store:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.store_url)
    try:
        if migrate:
            store.migrate()
    except BaseException:
        store.close()
        raise
    return store


class Runtime:
    """A store and an engine from the settings, and what is built on them."""

    def __init__(self, settings: Settings, store: Store | None, engine: Engine | None) -> None:
        self.settings = settings
        self._store = store
        self._engine = engine
        self._owned = contextlib.ExitStack()
        self._newsroom: Newsroom | None = None

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        store: Store | bool = True,
        engine: Engine | bool = True,
        engine_name: str | None = None,
    ) -> Runtime:
        """The runtime of ``settings``. ``store`` and ``engine``: True to build them from the
        settings (the runtime closes them), False for none, or one to use as it is (its caller
        closes it). ``engine_name`` replaces the default route (the CLI's ``--engine``)."""
        runtime = cls(settings, None, None)
        with contextlib.ExitStack() as undo:
            undo.callback(runtime.close)
            # The store (SQLAlchemy, Alembic) is loaded only when there is one: a translation
            # without the memory starts without it.
            if store is True:
                runtime._store = runtime._owned.enter_context(open_store(settings))
            elif store is not False:
                runtime._store = store
            if isinstance(engine, Engine):
                runtime._engine = engine
            elif engine:
                built = build_engine(settings, default=engine_name)
                runtime._engine = runtime._owned.enter_context(built)
            undo.pop_all()
        return runtime

    @property
    def store(self) -> Store:
        if self._store is None:
            raise ConfigError("this runtime was opened without a store")
        return self._store

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise ConfigError("this runtime was opened without an engine")
        return self._engine

    def translator(self, *, write_behind: bool = False) -> Translator:
        """A translator with the settings' label, review thresholds and round trip, and with the
        store: the glossary, and the memory unless the settings turn it off. ``write_behind``:
        see :class:`Translator`."""
        store = self._store
        memory = glossary = None
        if store is not None:
            from tarjama.memory import Glossary, TranslationMemory

            memory = TranslationMemory(store) if self.settings.memory else None
            glossary = Glossary(store)
        translator = Translator(
            self.engine,
            label=self.settings.label,
            label_overrides=self.settings.labels,
            memory=memory,
            glossary=glossary,
            write_behind=write_behind,
            review_thresholds=self.settings.review_threshold,
            round_trip=self.settings.round_trip,
            guillemets=self.settings.guillemets,
            headline_case=self.settings.headline_case,
        )
        self._owned.callback(translator.close)  # its memory writes still under way finish
        return translator

    def newsroom(self) -> Newsroom:
        """The runtime's newsroom (one per runtime)."""
        if self._newsroom is None:
            from tarjama.newsroom import Newsroom

            self._newsroom = Newsroom(self.store, self.engine, self.settings)
        return self._newsroom

    def worker(self, threads: int = 1) -> Worker:
        """The embedded runner of the newsroom's jobs, not started; stopped (running jobs
        finishing) when the runtime closes."""
        from tarjama.jobs import Worker

        worker = Worker(
            self.store, self.newsroom().run_job, threads=threads, lease=self.settings.job_lease
        )
        self._owned.callback(worker.stop)
        return worker

    def queue(self, threads: int = 1) -> Worker | CeleryQueue:
        """Where the newsroom's jobs go: the Celery broker of ``queue_url`` when the settings
        name one (workers run them), else the embedded runner with ``threads`` threads. Not
        started; stopped when the runtime closes."""
        if not self.settings.queue_url:
            return self.worker(threads)
        from tarjama.jobs.distributed import CeleryQueue  # only where a broker is configured

        queue = CeleryQueue(self.settings, self.store)
        self._owned.callback(queue.stop)
        return queue

    def warm(self, targets: Sequence[str] | None = None) -> None:
        """Start what translating into each target needs (the engine's pipelines, the name
        analysers, locale data) with a short article and no memory, so that the first real
        article does not pay for it (about 1-2 s a language with Apertium)."""
        translator = Translator(self.engine, label=self.settings.label)
        article = Article(
            "Minister visits Moscow",
            (Block(BlockKind.PARAGRAPH, "Grace Young met the mayor on Monday, 3 May, at 10am."),),
        )
        for target in targets if targets is not None else self.settings.targets:
            try:
                translator.translate(article, target)
            except TarjamaError as exc:
                log.warning("could not warm the engine for %s: %s", target, exc)

    def close(self) -> None:
        """Stop what was started and close what was built, the last first."""
        self._owned.close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
