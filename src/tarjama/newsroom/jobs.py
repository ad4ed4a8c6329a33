"""The newsroom's translation jobs: one per version and language, queued with the version
(``repository.enqueue``), run by a worker of the queue (``tarjama.jobs``) through
:class:`TranslationJobs`.

A job translates its version with the memory and the glossary, incrementally: sentences
unchanged since the previous version reuse its translation, an editor's correction included,
and a corrected sentence whose source changed is flagged for review (``incremental.py``).
The job's state is the queue's business (``tarjama.jobs.table``), but the end of a job and its
result are one transaction: the translation is stored only by the runner that still holds the
job, so a duplicated or redelivered job stores nothing twice.
"""

from __future__ import annotations

import logging
import time

from tarjama.config import Settings
from tarjama.engines.base import Engine
from tarjama.jobs import table, webhooks
from tarjama.memory import Glossary, TranslationMemory
from tarjama.model import Article, Translation
from tarjama.newsroom import repository
from tarjama.newsroom.codec import article_from_json, translation_from_json, translation_to_json
from tarjama.newsroom.incremental import Incremental, carry
from tarjama.newsroom.records import FAILED, Correction
from tarjama.pipeline import Translator
from tarjama.store import Store
from tarjama.store.models import utcnow_precise

Previous = tuple[Translation, tuple[Correction, ...]]

log = logging.getLogger(__name__)


class TranslationJobs:
    """Runs translation jobs by id (a :class:`tarjama.jobs.tasks.JobRunner`)."""

    def __init__(
        self,
        store: Store,
        engine: Engine,
        settings: Settings,
        memory: TranslationMemory,
        glossary: Glossary,
    ) -> None:
        self.store = store
        self.engine = engine
        self.settings = settings
        self.memory = memory
        self.glossary = glossary

    def __call__(self, job_id: int, owner: str) -> bool:
        """Translate the job's version and store the translation, if ``owner`` still holds
        the job (then the job is done, in the same transaction); False if it does not."""
        began = time.perf_counter()
        with self.store.session() as session:
            job, version = repository.job_version(session, job_id)
            lang, version_id = job.language, version.id
            # The claim stamped updated_at: from the job's creation to it, its wait in the queue.
            waited = (job.updated_at - job.created_at).total_seconds()
            priority, attempts = job.priority, job.attempts
            article = article_from_json(version.article, version.original)
            stored = repository.previous_translation(session, version, lang)
        previous = translation_from_json(*stored) if stored is not None else None
        loaded = time.perf_counter()
        translation, corrections = self.translate(article, lang, previous)
        translated = time.perf_counter()
        with self.store.begin() as session:
            if not table.finish(session, job_id, owner, "done"):
                return False
            repository.set_translation(session, version_id, lang, {
                "status": str(translation.status),
                "data": translation_to_json(translation, corrections),
                "engine_signature": translation.provenance.signature(),
                "error": "",
                "reviewed_by": "",
                "updated_at": utcnow_precise(),
            })  # fmt: skip
            # The CMS's webhooks hear of it in the same transaction: never lost, never early.
            webhooks.record(session, str(translation.status),
                            repository.event(session, version_id, lang), priority)  # fmt: skip
        ended = time.perf_counter()
        # One line per job, so that an operator (and bench/jobs.py) sees where its time went.
        log.info("job %d timing: %s %s attempt %d, queued %.3f s, load %.3f s, translate %.3f s, "
                 "store %.3f s", job_id, priority, lang, attempts, waited, loaded - began,
                 translated - loaded, ended - translated)  # fmt: skip
        return True

    def fail(self, job_id: int, owner: str, error: str) -> bool:
        """The job and its translation failed, with ``error``, if ``owner`` holds the job."""
        with self.store.begin() as session:
            job, version = repository.job_version(session, job_id)
            if not table.finish(session, job_id, owner, "failed", error):
                return False
            repository.set_translation(session, version.id, job.language, {
                "status": FAILED, "error": error[:2000], "updated_at": utcnow_precise(),
            })  # fmt: skip
        return True

    def translate(
        self, article: Article, lang: str, previous: Previous | None
    ) -> tuple[Translation, tuple[Correction, ...]]:
        """The article in ``lang``, reusing the previous version's translation, with the
        previous version's corrections carried."""
        before, corrections = previous if previous is not None else (None, ())
        memory = Incremental(
            self.store, self.memory if self.settings.memory else None, before, corrections
        )
        translator = Translator(
            self.engine,
            label=self.settings.label,
            label_overrides=self.settings.labels,
            memory=memory,
            glossary=self.glossary,
            review_thresholds=self.settings.review_threshold,
            round_trip=self.settings.round_trip,
            guillemets=self.settings.guillemets,
            headline_case=self.settings.headline_case,
        )
        return carry(translator.translate(article, lang), corrections)
