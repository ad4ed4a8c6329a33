"""The newsroom's translation jobs: one per version and language, queued with the version
(``repository.enqueue``), run by a worker of the queue (``tarjama.jobs``) through
:class:`TranslationJobs`.

A job translates its version with the memory and the glossary, incrementally: sentences
unchanged since the previous version reuse its translation, an editor's correction included,
and a corrected sentence whose source changed is flagged for review (``incremental.py``).
The job's own state is the queue's business; a failure marks the translation failed and is
raised again.
"""

from __future__ import annotations

from tarjama.config import Settings
from tarjama.engines.base import Engine
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


class TranslationJobs:
    """Runs translation jobs by id (a :data:`tarjama.jobs.inprocess.Runner`)."""

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

    def __call__(self, job_id: int) -> None:
        with self.store.session() as session:
            job, version = repository.job_version(session, job_id)
            lang, version_id = job.language, version.id
            article = article_from_json(version.article, version.original)
            stored = repository.previous_translation(session, version, lang)
        previous = translation_from_json(*stored) if stored is not None else None
        try:
            translation, corrections = self.translate(article, lang, previous)
        except Exception as exc:
            with self.store.begin() as session:
                repository.set_translation(session, version_id, lang, {
                    "status": FAILED, "error": str(exc)[:2000], "updated_at": utcnow_precise(),
                })  # fmt: skip
            raise
        with self.store.begin() as session:
            repository.set_translation(session, version_id, lang, {
                "status": str(translation.status),
                "data": translation_to_json(translation, corrections),
                "engine_signature": translation.provenance.signature(),
                "error": "",
                "reviewed_by": "",
                "updated_at": utcnow_precise(),
            })  # fmt: skip

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
            self.engine, label=self.settings.label, memory=memory, glossary=self.glossary
        )
        return carry(translator.translate(article, lang), corrections)
