"""The :class:`Newsroom`: the service the edges call (``tarjama.api.articles``, workers).

Each method is one or two transactions on the store: the SQL is ``repository.py``'s, the rules
``submission.py``'s, ``review.py``'s and ``jobs.py``'s. A conflict that slips through the
serialisation of submissions (two first submissions racing to insert the article) hits a
unique constraint (a :class:`~tarjama.errors.ConflictError` from the store) and the
submission is retried.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from tarjama import formats, inline
from tarjama.config import Settings
from tarjama.engines.base import Engine
from tarjama.errors import ConflictError, InputError, StoreError
from tarjama.jobs import webhooks
from tarjama.memory import Glossary, Origin, TranslationMemory
from tarjama.memory.tm import Match
from tarjama.model import Article, FieldRef, Pair, SegmentResult, Translation, memory_text
from tarjama.newsroom import repository, review
from tarjama.newsroom.codec import translation_from_json, translation_to_json
from tarjama.newsroom.jobs import TranslationJobs
from tarjama.newsroom.records import (
    ArticleInfo,
    Correction,
    JobInfo,
    Listed,
    Page,
    Queued,
    StoredResult,
    Submission,
    VersionInfo,
)
from tarjama.newsroom.submission import check_size, publisher_id_of, store_version
from tarjama.store import Store, StoredTranslation
from tarjama.store.models import utcnow_precise

log = logging.getLogger(__name__)

_RETRIES = 8


def edition(number: int, updated_at: datetime) -> str:
    """What an editor saw of a translation: its version's number and when it last changed.
    Compared before a correction or an approval is written."""
    return f"{number}:{updated_at.replace(tzinfo=None).isoformat()}"


class Newsroom:
    """Articles and their translations in a :class:`Store`, translated with one engine."""

    def __init__(self, store: Store, engine: Engine, settings: Settings) -> None:
        self.store = store
        self.engine = engine
        self.settings = settings
        self.memory = TranslationMemory(store)
        self.glossary = Glossary(store)
        self.run_job = TranslationJobs(store, engine, settings, self.memory, self.glossary)
        """Runs one translation job by id (the queue's worker calls it)."""

    # -- submitting ----------------------------------------------------------------------------

    def parse(self, data: bytes, fmt: str | None, language: str | None = None) -> Article:
        if fmt is not None and fmt not in formats.INPUT_FORMATS:
            raise InputError(
                f"unknown format {fmt!r}; use one of {', '.join(formats.INPUT_FORMATS)}"
            )
        return formats.read(data, fmt, language=language)

    def submit(
        self,
        data: bytes,
        fmt: str | None,
        publisher_id: str | None,
        targets: Sequence[str] | None = None,
        *,
        language: str | None = None,
        max_characters: int | None = None,
        priority: str = "breaking",
    ) -> Submission:
        """Store the document as the article's next version unless its content is unchanged,
        and queue its translation into every target language. An article with more than
        ``max_characters`` of text is refused whole (:class:`InputTooLargeError`). The jobs are
        queued at ``priority`` (breaking, normal or backfill): the caller dispatches them."""
        article = self.parse(data, fmt, language)
        check_size(article, max_characters)
        pid, uri = publisher_id_of(article, publisher_id)
        wanted = tuple(dict.fromkeys(targets or self.settings.targets))
        if not wanted:
            raise InputError("no target languages: give targets or configure some")
        for target in wanted:
            self.engine.direction(Pair(article.source_language, target))  # served?
        for attempt in range(_RETRIES):
            try:
                with self.store.begin() as session:
                    return store_version(session, article, pid, uri, wanted, priority)
            except (ConflictError, StoreError) as exc:
                if attempt == _RETRIES - 1:
                    raise
                log.info("submission of %s conflicted (%s); retrying", pid, type(exc).__name__)
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def delete(self, publisher_id: str) -> None:
        """Remove the article with every version, translation and job of it."""
        with self.store.begin() as session:
            repository.delete_article(session, publisher_id)

    # -- reading -------------------------------------------------------------------------------

    def article(self, publisher_id: str) -> ArticleInfo:
        with self.store.session() as session:
            row = repository.article(session, publisher_id)
            current = repository.version(session, row)
            return ArticleInfo(
                row.publisher_id,
                row.source_uri,
                row.source_language,
                tuple(t for t in row.targets.split(",") if t),
                row.created_at,
                row.updated_at,
                repository.version_info(session, current, True),
                repository.version_count(session, row),
            )

    def versions(self, publisher_id: str) -> list[VersionInfo]:
        with self.store.session() as session:
            return repository.versions(session, repository.article(session, publisher_id))

    def translation(self, publisher_id: str, lang: str, version: int | None = None) -> StoredResult:
        with self.store.session() as session:
            row = repository.article(session, publisher_id)
            v = repository.version(session, row, version)
            t = repository.translation(session, v, lang, publisher_id)
            return repository.stored_result(row, v, t)

    def latest(self, lang: str, limit: int = 20) -> list[StoredResult]:
        """The newest translations into ``lang`` of the articles' current versions (those done:
        translated, needing review or reviewed), most recently updated first."""
        with self.store.session() as session:
            return repository.latest(session, lang, limit)

    def listed(self, limit: int = 50) -> list[Listed]:
        """The articles most recently updated, each with the languages it can be read in."""
        with self.store.session() as session:
            return repository.listed(session, limit)

    def page(
        self,
        publisher_id: str,
        lang: str | None = None,
        prefer: Callable[[list[str]], str | None] | None = None,
    ) -> Page:
        """An article's current version for a reader page, with its translation into ``lang``
        (None: the original, or the language ``prefer`` picks of those it can be read in, the
        source language first); one read."""
        with self.store.session() as session:
            return repository.page(session, publisher_id, lang, prefer)

    def job(self, job_id: int) -> JobInfo:
        with self.store.session() as session:
            return repository.job(session, job_id)

    def jobs(self, state: str | None = None, limit: int = 100) -> list[JobInfo]:
        """The newest jobs (``state``: only those in it, ``failed`` say)."""
        with self.store.session() as session:
            return repository.jobs(session, state, limit)

    def retry(self, job_id: int) -> JobInfo:
        """Queue a failed job again, attempts from zero (the caller dispatches it);
        ConflictError ``job_not_failed`` for a job in another state (``conflict`` if a newer
        job of the same version and language is queued or running)."""
        with self.store.begin() as session:
            repository.requeue_failed(session, job_id)
        return self.job(job_id)

    # -- review --------------------------------------------------------------------------------

    def queue(
        self, lang: str | None = None, status: str | None = None, limit: int = 200
    ) -> list[Queued]:
        """The translations to review: those needing review first, the riskiest first."""
        with self.store.session() as session:
            return repository.queue(session, lang, status, limit)

    def segments(self, publisher_id: str, lang: str) -> StoredResult:
        """The current version's translation with its segments (and their QA findings)."""
        result = self.translation(publisher_id, lang)
        if result.translation is None:
            raise ConflictError(
                "translation_not_ready", f"the translation into {lang!r} is {result.status}"
            )
        return result

    def suggestions(
        self, result: StoredResult, *, threshold: float | None = None, limit: int = 3
    ) -> dict[tuple[FieldRef, int], list[Match]]:
        """For each segment of ``result`` that no person wrote, the memory's near matches from
        human work (corrections, imported translations), best first: suggestions to show an
        editor beside the segment, never applied by themselves. ``threshold`` defaults to the
        ``fuzzy_threshold`` setting."""
        t = result.translation
        if t is None:
            return {}
        wanted = self.settings.fuzzy_threshold if threshold is None else threshold
        found: dict[tuple[FieldRef, int], list[Match]] = {}
        for s in t.segments:
            if s.origin.by_person:
                continue
            # No signature: human units only; a machine unit is no suggestion to an editor.
            matches = self.memory.fuzzy(inline.plain(s.source), t.provenance.source_language,
                                        result.language, threshold=wanted, limit=limit)  # fmt: skip
            if matches:
                found[(s.field, s.index)] = matches
        return found

    def correct(
        self,
        publisher_id: str,
        lang: str,
        field: FieldRef,
        index: int,
        target: str,
        editor: str,
        *,
        expected: str | None = None,
    ) -> SegmentResult:
        """An editor's target for one segment of the current version's translation.

        ``target`` is plain text, or for a source with inline markup tarjama's tagged form
        with the same tags. It goes into the memory as human work and into the stored
        translation (segment and article text); the translation then needs review.
        ``expected``: the translation's :func:`edition` the editor saw; a translation changed
        since is not overwritten (:class:`ConflictError` ``changed_meanwhile``).
        """
        target = review.accept_target(target)
        with self.store.begin() as session:
            row, number, translation, corrections = self._editable(
                session, publisher_id, lang, expected
            )
            edit = review.correct(
                translation, corrections, (field, index), target, editor, self.settings.label
            )
            self._write(row, edit.translation, edit.corrections, reviewed_by="")
        pair = edit.translation.provenance
        self.memory.add(
            memory_text(edit.source),
            memory_text(edit.segment.target),
            source_lang=pair.source_language,
            target_lang=pair.target_language,
            origin=Origin.HUMAN,
            note=f"correction by {editor} in {publisher_id} v{number}",
        )
        return edit.segment

    def approve(
        self, publisher_id: str, lang: str, editor: str, *, expected: str | None = None
    ) -> StoredResult:
        """Mark the current version's translation reviewed, with a label that says so
        (``expected`` as for :meth:`correct`)."""
        with self.store.begin() as session:
            row, _, translation, corrections = self._editable(session, publisher_id, lang, expected)
            approved = review.approve(translation, self.settings.label)
            self._write(row, approved, corrections, reviewed_by=editor)
            session.flush()
            webhooks.record(session, "reviewed",
                            repository.event(session, row.article_version_id, lang))  # fmt: skip
        return self.translation(publisher_id, lang)

    @staticmethod
    def _editable(
        session: Session, publisher_id: str, lang: str, expected: str | None = None
    ) -> tuple[StoredTranslation, int, Translation, tuple[Correction, ...]]:
        """The current version's translation into ``lang``, locked, with its version's number;
        ConflictError when it is not the ``expected`` edition."""
        row = repository.article(session, publisher_id)
        v = repository.version(session, row)
        t = repository.translation(session, v, lang, publisher_id, lock=True)
        if expected is not None and edition(v.number, t.updated_at) != expected:
            raise ConflictError(
                "changed_meanwhile",
                f"the translation into {lang!r} was changed by someone else since it was "
                "opened; reload it to see the change",
            )
        if t.data is None:
            raise ConflictError(
                "translation_not_ready", f"the translation into {lang!r} is {t.status}"
            )
        return (t, v.number, *translation_from_json(t.data, v.original))

    @staticmethod
    def _write(
        row: StoredTranslation,
        translation: Translation,
        corrections: Sequence[Correction],
        reviewed_by: str,
    ) -> None:
        row.data = translation_to_json(translation, corrections)
        row.status = str(translation.status)
        row.reviewed_by = reviewed_by
        row.updated_at = utcnow_precise()
