"""The newsroom service: articles submitted, versioned, translated incrementally and reviewed.

No HTTP here (``tarjama.api.articles`` is the thin edge). The flow:

    submit(document)   parse -> Article; same content hash as the latest version: nothing happens;
                       else version n+1 stored, one queued translation and one job per language
    run_job(job)       translate the version (memory + glossary); sentences unchanged since the
                       previous version reuse its translation, an editor's correction included;
                       a corrected sentence whose source changed is flagged for review
    correct(...)       an editor's target for one segment: into the memory as human work, into the
                       stored translation; the translation needs review until approved
    approve(...)       status reviewed, label "... - Reviewed translation (engine version)"

Submissions of the same article are serialised by the article's row: on PostgreSQL with
``SELECT ... FOR UPDATE``, on SQLite by the database's single writer (the first statement of
the transaction is a write, so it waits for the lock before it reads). A conflict that slips
through (two first submissions racing to insert the article) hits a unique constraint (a
:class:`ConflictError` from the store) and the submission is retried.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from tarjama import formats, inline, intake, qa
from tarjama.config import Settings
from tarjama.engines.base import Engine
from tarjama.errors import (
    ConflictError,
    InputError,
    InputTooLargeError,
    NotFoundError,
    StoreError,
    TarjamaError,
)
from tarjama.memory import Glossary, Origin, TranslationMemory
from tarjama.memory.tm import Match
from tarjama.model import (
    Article,
    Block,
    BlockKind,
    FieldRef,
    Pair,
    Provenance,
    SegmentOrigin,
    SegmentResult,
    Status,
    Translation,
    memory_text,
)
from tarjama.pipeline import Translator
from tarjama.store import (
    ArticleVersion,
    Job,
    Store,
    StoredArticle,
    StoredTranslation,
    upsert,
)
from tarjama.store.models import utcnow_precise

log = logging.getLogger(__name__)

SOURCE_CHANGED = "source_changed"
"""The check name of the finding on a corrected segment whose source has since changed."""
FAILED = "failed"
QUEUED = "queued"
_RETRIES = 8
_PATH_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~@+-]{0,199}")
PUBLISHER_ID = _PATH_SAFE.pattern
"""What a publisher id is (the API documents it; :func:`check_publisher_id` refuses others)."""


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """What a submission did: created the article, made a new version, or nothing."""

    publisher_id: str
    number: int
    version: str
    created: bool
    changed: bool
    jobs: tuple[int, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class VersionInfo:
    number: int
    version: str
    source_format: str
    created_at: datetime
    current: bool
    statuses: Mapping[str, str]


@dataclass(frozen=True)
class ArticleInfo:
    publisher_id: str
    source_uri: str
    source_language: str
    targets: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    current: VersionInfo
    versions: int


@dataclass(frozen=True)
class Correction:
    """An editor's target for one segment, carried to later versions while its source stays."""

    field: FieldRef
    index: int
    source: str
    target: str
    editor: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "field": str(self.field)}


@dataclass(frozen=True)
class StoredResult:
    """A stored translation: its status and, once translated, the Translation itself."""

    publisher_id: str
    language: str
    number: int
    version: str
    status: str
    translation: Translation | None
    corrections: tuple[Correction, ...]
    reviewed_by: str
    error: str
    updated_at: datetime


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    state: str
    attempts: int
    error: str
    publisher_id: str
    number: int
    language: str
    created_at: datetime
    updated_at: datetime


# --- JSON of the model --------------------------------------------------------------------------


def article_to_json(article: Article) -> str:
    data = asdict(article)
    data.pop("original", None)
    return json.dumps(data, ensure_ascii=False)


def article_from_dict(data: Mapping[str, Any], original: str = "") -> Article:
    fields = dict(data)
    fields["body"] = tuple(
        Block(
            **{
                **b,
                "kind": BlockKind(b["kind"]),
                "inline": tuple((str(k), str(v)) for k, v in b.get("inline", ())),
            }
        )
        for b in data.get("body", ())
    )
    fields["original"] = original
    return Article(**fields)


def _finding(data: Mapping[str, Any]) -> qa.Finding:
    return qa.Finding(
        check=str(data["check"]),
        severity=qa.Severity(data["severity"]),
        message=str(data["message"]),
        segment=data.get("segment"),
        evidence=str(data.get("evidence", "")),
    )


def translation_to_json(t: Translation, corrections: Sequence[Correction]) -> str:
    data = t.to_dict()
    data["corrections"] = [c.to_dict() for c in corrections]
    return json.dumps(data, ensure_ascii=False)


def _stored_result(article: StoredArticle, v: ArticleVersion, t: StoredTranslation) -> StoredResult:
    translation, corrections = (
        translation_from_json(t.data, v.original) if t.data is not None else (None, ())
    )
    return StoredResult(
        article.publisher_id, t.language, v.number, v.version, t.status, translation,
        corrections, t.reviewed_by, t.error, t.updated_at,
    )  # fmt: skip


def translation_from_json(text: str, original: str) -> tuple[Translation, tuple[Correction, ...]]:
    data = json.loads(text)
    segments = tuple(
        SegmentResult(
            **{
                **s,
                "field": FieldRef.parse(s["field"]),
                "origin": SegmentOrigin(s["origin"]),
                "findings": tuple(_finding(f) for f in s.get("findings", ())),
            }
        )
        for s in data["segments"]
    )
    translation = Translation(
        article=article_from_dict(data["article"], original),
        source_version=data["source_version"],
        provenance=Provenance(**data["provenance"]),
        label=data["label"],
        status=Status(data["status"]),
        segments=segments,
    )
    corrections = tuple(
        Correction(**{**c, "field": FieldRef.parse(c["field"])})
        for c in data.get("corrections", ())
    )
    return translation, corrections


# --- helpers ------------------------------------------------------------------------------------


def _tags(tagged: str) -> list[str]:
    return sorted(m.group(0) for m in inline.TAG.finditer(tagged))


def characters(article: Article) -> int:
    """Characters of an article's text, as a reader counts them: markup not included."""
    texts = [article.headline, article.standfirst, article.byline, article.dateline]
    texts += [t for b in article.body for t in (b.text, b.alt)]
    return sum(len(inline.plain(t)) for t in texts if t)


def publisher_id_of(article: Article, given: str | None) -> tuple[str, str]:
    """The article's publisher id and the document's own id (ninjs ``uri``, canonical URL).

    A given id wins. A document id that cannot travel in a URL path is replaced by a stable
    ``doc-<hash>`` id (the document id itself is kept as ``source_uri``).
    """
    uri = ""
    if article.source_format == "ninjs" and article.original:
        try:
            value = json.loads(article.original).get("uri")
        except (ValueError, AttributeError):
            value = None
        uri = value if isinstance(value, str) else ""
    elif article.canonical_url:
        uri = article.canonical_url
    if given is not None:
        check_publisher_id(given)
        return given, uri
    if not uri:
        raise InputError(
            "the document has no id of its own (ninjs uri or HTML canonical link): "
            "use PUT /v1/articles/{publisher_id}"
        )
    if _PATH_SAFE.fullmatch(uri):
        return uri, uri
    return "doc-" + hashlib.sha256(uri.encode()).hexdigest()[:24], uri


def check_publisher_id(publisher_id: str) -> None:
    if not _PATH_SAFE.fullmatch(publisher_id):
        raise InputError(
            f"invalid publisher id {publisher_id[:50]!r}: 1-200 characters of letters, digits "
            "and . _ : ~ @ + -, starting with a letter or digit"
        )


def reviewed_label(machine_label: str, provenance: Provenance) -> str:
    """The label of a reviewed translation, from the configured machine-translation label:
    "Beta V.1.0 - Powered by automated translation" -> "Beta V.1.0 - Reviewed translation
    (apertium 3.8.3)"."""
    prefix = machine_label.split(" - ")[0].strip() if " - " in machine_label else ""
    engine = f"{provenance.engine} {provenance.engine_version}".strip()
    head = f"{prefix} - Reviewed translation" if prefix else "Reviewed translation"
    return f"{head} ({engine})"


def _replace_nth(text: str, targets: Sequence[str], position: int, new: str) -> str:
    """``text`` with the ``position``-th of the consecutive ``targets`` replaced by ``new``."""
    start = 0
    for i, target in enumerate(targets):
        found = text.find(target, start) if target else -1
        if found < 0:
            break
        if i == position:
            return text[:found] + new + text[found + len(target) :]
        start = found + len(target)
    raise ConflictError("segment_mismatch", "the segment could not be located in its field")


class _Incremental(TranslationMemory):
    """The store's memory, with the previous version's translation of this article in front of
    it: an unchanged sentence gets its previous target (an editor's correction always; machine
    output only from the same engine signature), so only changed sentences reach the engine."""

    def __init__(
        self,
        store: Store,
        inner: TranslationMemory | None,
        previous: Mapping[str, tuple[str, Origin]],
        signature: str,
    ) -> None:
        super().__init__(store)
        self.inner = inner
        self.previous = previous
        self.signature_now = signature

    def lookup_many(
        self,
        sources: Iterable[str],
        source_lang: str,
        target_lang: str,
        *,
        signature: str | None = None,
    ) -> dict[str, Match]:
        wanted = list(sources)
        found = (
            self.inner.lookup_many(wanted, source_lang, target_lang, signature=signature)
            if self.inner is not None
            else {}
        )
        for source in wanted:
            hit = self.previous.get(source)
            if hit is None:
                continue
            target, origin = hit
            if origin is Origin.HUMAN or (source not in found and signature == self.signature_now):
                found[source] = Match(source, target, origin, 1.0, False, 0, None)
        return found

    def add_many(
        self,
        units: Sequence[tuple[str, str]],
        *,
        pair: tuple[str, str] | Pair,
        origin: Origin | str = Origin.MACHINE,
        provenance: Provenance | None = None,
    ) -> int:
        if self.inner is None:
            return 0
        return self.inner.add_many(units, pair=pair, origin=origin, provenance=provenance)


# --- the service --------------------------------------------------------------------------------


class Newsroom:
    """Articles and their translations in a :class:`Store`, translated with one engine."""

    def __init__(self, store: Store, engine: Engine, settings: Settings) -> None:
        self.store = store
        self.engine = engine
        self.settings = settings
        self.memory = TranslationMemory(store)
        self.glossary = Glossary(store)

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
    ) -> Submission:
        """Store the document as the article's next version unless its content is unchanged,
        and queue its translation into every target language. An article with more than
        ``max_characters`` of text is refused whole (:class:`InputTooLargeError`)."""
        article = self.parse(data, fmt, language)
        if max_characters is not None:
            size = characters(article)
            if size > max_characters:
                raise InputTooLargeError(
                    f"the article has {size:,} characters of text; the limit is {max_characters:,}"
                )
        pid, uri = publisher_id_of(article, publisher_id)
        wanted = tuple(dict.fromkeys(targets or self.settings.targets))
        if not wanted:
            raise InputError("no target languages: give targets or configure some")
        for target in wanted:
            self.engine.check_pair(Pair(article.source_language, target))
        for attempt in range(_RETRIES):
            try:
                with self.store.begin() as session:
                    return self._submit(session, article, pid, uri, wanted)
            except (ConflictError, StoreError) as exc:
                if attempt == _RETRIES - 1:
                    raise
                log.info("submission of %s conflicted (%s); retrying", pid, type(exc).__name__)
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _submit(
        self, session: Session, article: Article, pid: str, uri: str, targets: tuple[str, ...]
    ) -> Submission:
        now = utcnow_precise()
        # A write first: on SQLite it takes the database's write lock before anything is read.
        upsert(
            session,
            cast(Table, StoredArticle.__table__),
            [
                {
                    "publisher_id": pid,
                    "source_uri": uri,
                    "source_language": article.source_language,
                    "targets": ",".join(targets),
                    "current_version_id": None,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
            key=("publisher_id",),
        )
        row = session.execute(
            select(StoredArticle).where(StoredArticle.publisher_id == pid).with_for_update()
        ).scalar_one()
        created = row.current_version_id is None
        current = session.get(ArticleVersion, row.current_version_id) if not created else None
        if current is not None and current.version == article.version:
            statuses = self._statuses(session, current.id)
            missing = tuple(t for t in targets if t not in statuses)
            jobs = self._enqueue(session, current.id, missing) if missing else ()
            if missing:
                row.targets = ",".join(dict.fromkeys([*row.targets.split(","), *missing]))
            return Submission(pid, current.number, current.version, False, False, jobs, targets)
        existing = session.execute(
            select(ArticleVersion).where(
                ArticleVersion.article_id == row.id, ArticleVersion.version == article.version
            )
        ).scalar_one_or_none()
        if existing is not None:
            # Back to an earlier body: that version, with its translations, is current again.
            row.current_version_id = existing.id
            row.updated_at = now
            have = self._statuses(session, existing.id)
            jobs = self._enqueue(session, existing.id, [t for t in targets if t not in have])
            return Submission(pid, existing.number, existing.version, False, True, jobs, targets)
        number = (
            session.execute(
                select(ArticleVersion.number)
                .where(ArticleVersion.article_id == row.id)
                .order_by(ArticleVersion.number.desc())
                .limit(1)
            ).scalar_one_or_none()
            or 0
        ) + 1
        version = ArticleVersion(
            article_id=row.id,
            version=article.version,
            number=number,
            source_format=article.source_format,
            original=article.original,
            article=article_to_json(article),
            created_at=now,
        )
        session.add(version)
        session.flush()
        row.current_version_id = version.id
        row.targets = ",".join(targets)
        row.source_language = article.source_language
        row.updated_at = now
        jobs = self._enqueue(session, version.id, targets)
        return Submission(pid, number, article.version, created, True, jobs, targets)

    @staticmethod
    def _statuses(session: Session, version_id: int) -> dict[str, str]:
        rows = session.execute(
            select(StoredTranslation.language, StoredTranslation.status).where(
                StoredTranslation.article_version_id == version_id
            )
        ).all()
        return {lang: status for lang, status in rows}

    @staticmethod
    def _enqueue(session: Session, version_id: int, languages: Sequence[str]) -> tuple[int, ...]:
        jobs = []
        for lang in languages:
            session.add(StoredTranslation(article_version_id=version_id, language=lang))
            job = Job(kind="translate", article_version_id=version_id, language=lang)
            session.add(job)
            jobs.append(job)
        session.flush()
        return tuple(j.id for j in jobs)

    # -- translating ---------------------------------------------------------------------------

    def run_job(self, job_id: int) -> None:
        """Translate the job's version into its language and store the result. The job's own
        state is the queue's business (``tarjama.jobs``); a failure marks the translation
        failed and is raised again."""
        with self.store.session() as session:
            job = session.get(Job, job_id)
            if job is None:
                raise NotFoundError("job_not_found", f"no job {job_id}")
            version = session.get(ArticleVersion, job.article_version_id)
            assert version is not None  # a foreign key
            lang = job.language
            article = article_from_dict(json.loads(version.article), version.original)
            previous = self._previous(session, version, lang)
        try:
            translation, corrections = self._translate(article, lang, previous)
        except Exception as exc:
            with self.store.begin() as session:
                session.execute(
                    update(StoredTranslation)
                    .where(
                        StoredTranslation.article_version_id == version.id,
                        StoredTranslation.language == lang,
                    )
                    .values(status=FAILED, error=str(exc)[:2000], updated_at=utcnow_precise())
                )
            raise
        with self.store.begin() as session:
            session.execute(
                update(StoredTranslation)
                .where(
                    StoredTranslation.article_version_id == version.id,
                    StoredTranslation.language == lang,
                )
                .values(
                    status=str(translation.status),
                    data=translation_to_json(translation, corrections),
                    engine_signature=translation.provenance.signature(),
                    error="",
                    reviewed_by="",
                    updated_at=utcnow_precise(),
                )
            )

    def _previous(
        self, session: Session, version: ArticleVersion, lang: str
    ) -> tuple[Translation, tuple[Correction, ...]] | None:
        """The translation of the latest earlier version of the article into ``lang``."""
        row = session.execute(
            select(StoredTranslation, ArticleVersion.original)
            .join(ArticleVersion, StoredTranslation.article_version_id == ArticleVersion.id)
            .where(
                ArticleVersion.article_id == version.article_id,
                ArticleVersion.number < version.number,
                StoredTranslation.language == lang,
                StoredTranslation.data.is_not(None),
            )
            .order_by(ArticleVersion.number.desc())
            .limit(1)
        ).first()
        if row is None or row[0].data is None:
            return None
        return translation_from_json(row[0].data, row[1])

    def _translate(
        self,
        article: Article,
        lang: str,
        previous: tuple[Translation, tuple[Correction, ...]] | None,
    ) -> tuple[Translation, tuple[Correction, ...]]:
        pair = Pair(article.source_language, lang)
        routed = self.engine.route(pair)
        signature = Provenance(
            engine=routed.info().name,
            engine_version=routed.info().version,
            model=routed.model_for(pair),
            source_language=pair.source,
            target_language=pair.target,
        ).signature()
        reuse: dict[str, tuple[str, Origin]] = {}
        old_corrections: tuple[Correction, ...] = ()
        if previous is not None:
            before, old_corrections = previous
            if before.provenance.signature() == signature:
                for s in before.segments:
                    if s.origin is not SegmentOrigin.COPY:
                        origin = Origin.HUMAN if s.origin.by_person else Origin.MACHINE
                        reuse[memory_text(s.source)] = (memory_text(s.target), origin)
            for c in old_corrections:
                reuse[memory_text(c.source)] = (memory_text(c.target), Origin.HUMAN)
        memory = _Incremental(
            self.store, self.memory if self.settings.memory else None, reuse, signature
        )
        translator = Translator(
            self.engine, label=self.settings.label, memory=memory, glossary=self.glossary
        )
        translation = translator.translate(article, lang)
        return self._carry(translation, old_corrections)

    @staticmethod
    def _carry(
        translation: Translation, old: Sequence[Correction]
    ) -> tuple[Translation, tuple[Correction, ...]]:
        """Carry the previous version's corrections: kept where the source is unchanged, flagged
        for review (never dropped silently) where it changed."""
        if not old:
            return translation, ()
        by_source = {s.source: s for s in translation.segments}
        by_place = {(s.field, s.index): s for s in translation.segments}
        kept: list[Correction] = []
        flags: dict[tuple[FieldRef, int], list[qa.Finding]] = {}
        orphans: list[qa.Finding] = []
        for c in old:
            same = by_source.get(c.source)
            if same is not None:
                kept.append(replace(c, field=same.field, index=same.index))
                continue
            finding = qa.Finding(
                check=SOURCE_CHANGED,
                severity=qa.Severity.CRITICAL,
                message=(
                    f"source changed since correction by {c.editor}: was "
                    f"{inline.plain(c.source)!r}, corrected to {inline.plain(c.target)!r}"
                ),
                segment=str(c.field),
                evidence=inline.plain(c.target),
            )
            if (c.field, c.index) in by_place:
                flags.setdefault((c.field, c.index), []).append(finding)
            else:
                orphans.append(finding)
        if orphans:
            # The corrected sentence is gone: the finding goes on the headline, so it is seen.
            first = translation.segments[0]
            flags.setdefault((first.field, first.index), []).extend(orphans)
        segments = tuple(
            replace(
                s,
                findings=(*s.findings, *flags[(s.field, s.index)]),
                risk=qa.risk_score([*s.findings, *flags[(s.field, s.index)]]),
            )
            if (s.field, s.index) in flags
            else s
            for s in translation.segments
        )
        status = Status.NEEDS_REVIEW if flags else translation.status
        return replace(translation, segments=segments, status=status), tuple(kept)

    # -- reading -------------------------------------------------------------------------------

    def _article(self, session: Session, publisher_id: str) -> StoredArticle:
        row = session.execute(
            select(StoredArticle).where(StoredArticle.publisher_id == publisher_id)
        ).scalar_one_or_none()
        if row is None or row.current_version_id is None:
            raise NotFoundError("article_not_found", f"no article {publisher_id!r}")
        return row

    def _version(self, session: Session, row: StoredArticle, number: int | None) -> ArticleVersion:
        if number is None:
            found = session.get(ArticleVersion, row.current_version_id)
        else:
            found = session.execute(
                select(ArticleVersion).where(
                    ArticleVersion.article_id == row.id, ArticleVersion.number == number
                )
            ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(
                "version_not_found", f"article {row.publisher_id!r} has no version {number}"
            )
        return found

    def _translation_row(
        self, session: Session, version: ArticleVersion, lang: str, publisher_id: str
    ) -> StoredTranslation:
        found = session.execute(
            select(StoredTranslation).where(
                StoredTranslation.article_version_id == version.id,
                StoredTranslation.language == lang,
            )
        ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(
                "translation_not_found",
                f"article {publisher_id!r} version {version.number} has no translation "
                f"into {lang!r}",
            )
        return found

    def _version_info(self, session: Session, v: ArticleVersion, current: bool) -> VersionInfo:
        return VersionInfo(
            v.number,
            v.version,
            v.source_format,
            v.created_at,
            current,
            self._statuses(session, v.id),
        )

    def article(self, publisher_id: str) -> ArticleInfo:
        with self.store.session() as session:
            row = self._article(session, publisher_id)
            current = self._version(session, row, None)
            count = len(
                session.execute(
                    select(ArticleVersion.id).where(ArticleVersion.article_id == row.id)
                ).all()
            )
            return ArticleInfo(
                row.publisher_id,
                row.source_uri,
                row.source_language,
                tuple(t for t in row.targets.split(",") if t),
                row.created_at,
                row.updated_at,
                self._version_info(session, current, True),
                count,
            )

    def versions(self, publisher_id: str) -> list[VersionInfo]:
        with self.store.session() as session:
            row = self._article(session, publisher_id)
            found = session.scalars(
                select(ArticleVersion)
                .where(ArticleVersion.article_id == row.id)
                .order_by(ArticleVersion.number)
            ).all()
            return [self._version_info(session, v, v.id == row.current_version_id) for v in found]

    def translation(self, publisher_id: str, lang: str, version: int | None = None) -> StoredResult:
        with self.store.session() as session:
            row = self._article(session, publisher_id)
            v = self._version(session, row, version)
            t = self._translation_row(session, v, lang, publisher_id)
            return _stored_result(row, v, t)

    def latest(self, lang: str, limit: int = 20) -> list[StoredResult]:
        """The newest translations into ``lang`` of the articles' current versions (those done:
        translated, needing review or reviewed), most recently updated first."""
        with self.store.session() as session:
            rows = session.execute(
                select(StoredArticle, ArticleVersion, StoredTranslation)
                .join(ArticleVersion, ArticleVersion.id == StoredArticle.current_version_id)
                .join(StoredTranslation, StoredTranslation.article_version_id == ArticleVersion.id)
                .where(StoredTranslation.language == lang, StoredTranslation.data.is_not(None))
                .order_by(StoredTranslation.updated_at.desc(), StoredTranslation.id.desc())
                .limit(limit)
            ).all()
            return [_stored_result(article, v, t) for article, v, t in rows]

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
        source_lang = t.provenance.source_language
        found: dict[tuple[FieldRef, int], list[Match]] = {}
        for s in t.segments:
            if s.origin.by_person:
                continue
            # No signature: human units only; a machine unit is no suggestion to an editor.
            matches = self.memory.fuzzy(
                inline.plain(s.source), source_lang, result.language, threshold=wanted, limit=limit
            )
            if matches:
                found[(s.field, s.index)] = matches
        return found

    def job(self, job_id: int) -> JobInfo:
        with self.store.session() as session:
            found = session.execute(
                select(Job, ArticleVersion.number, StoredArticle.publisher_id)
                .join(ArticleVersion, Job.article_version_id == ArticleVersion.id)
                .join(StoredArticle, ArticleVersion.article_id == StoredArticle.id)
                .where(Job.id == job_id)
            ).first()
            if found is None:
                raise NotFoundError("job_not_found", f"no job {job_id}")
            j, number, pid = found
            return JobInfo(
                j.id,
                j.kind,
                j.state,
                j.attempts,
                j.error,
                pid,
                number,
                j.language,
                j.created_at,
                j.updated_at,
            )

    # -- changing ------------------------------------------------------------------------------

    def delete(self, publisher_id: str) -> None:
        """Remove the article with every version, translation and job of it."""
        with self.store.begin() as session:
            row = session.execute(
                select(StoredArticle)
                .where(StoredArticle.publisher_id == publisher_id)
                .with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise NotFoundError("article_not_found", f"no article {publisher_id!r}")
            ids = select(ArticleVersion.id).where(ArticleVersion.article_id == row.id)
            session.execute(delete(Job).where(Job.article_version_id.in_(ids)))
            session.execute(
                delete(StoredTranslation).where(StoredTranslation.article_version_id.in_(ids))
            )
            session.execute(delete(ArticleVersion).where(ArticleVersion.article_id == row.id))
            session.execute(delete(StoredArticle).where(StoredArticle.id == row.id))

    def _editable(
        self, session: Session, publisher_id: str, lang: str
    ) -> tuple[StoredTranslation, ArticleVersion, Translation, tuple[Correction, ...]]:
        row = self._article(session, publisher_id)
        v = self._version(session, row, None)
        t = session.execute(
            select(StoredTranslation)
            .where(StoredTranslation.article_version_id == v.id, StoredTranslation.language == lang)
            .with_for_update()
        ).scalar_one_or_none()
        if t is None:
            raise NotFoundError(
                "translation_not_found",
                f"article {publisher_id!r} has no translation into {lang!r}",
            )
        if t.data is None:
            raise ConflictError(
                "translation_not_ready", f"the translation into {lang!r} is {t.status}"
            )
        translation, corrections = translation_from_json(t.data, v.original)
        return t, v, translation, corrections

    def correct(
        self, publisher_id: str, lang: str, field: FieldRef, index: int, target: str, editor: str
    ) -> SegmentResult:
        """An editor's target for one segment of the current version's translation.

        ``target`` is plain text, or for a source with inline markup tarjama's tagged form
        with the same tags. It goes into the memory as human work and into the stored
        translation (segment and article text); the translation then needs review.
        """
        target = intake.accept(target, "the corrected target")
        if not target.strip():
            raise InputError("the corrected target is empty")
        with self.store.begin() as session:
            row, v, translation, corrections = self._editable(session, publisher_id, lang)
            segments = list(translation.segments)
            at = next(
                (i for i, s in enumerate(segments) if s.field == field and s.index == index), None
            )
            if at is None:
                raise NotFoundError(
                    "segment_not_found", f"the translation has no segment {field}#{index}"
                )
            old = segments[at]
            if "<" in old.source:
                tagged = target
                try:
                    inline.plain(tagged)
                except TarjamaError as exc:
                    message = f"the corrected target's inline tags are broken: {exc}"
                    raise InputError(message) from exc
                if _tags(tagged) != _tags(old.source):
                    raise InputError(
                        "the corrected target must keep the source's inline tags: "
                        + " ".join(_tags(old.source))
                    )
            else:
                tagged = inline.escape_text(target)
            src = translation.provenance
            findings = [
                f
                for f in qa.run_checks(
                    qa.CheckContext(
                        source=old.source,
                        target=tagged,
                        source_lang=src.source_language,
                        target_lang=src.target_language,
                        segment=f"{field}#{index}",
                    )
                )
            ]
            new = replace(
                old,
                target=tagged,
                origin=SegmentOrigin.HUMAN,
                findings=tuple(findings),
                risk=qa.risk_score(findings),
            )
            segments[at] = new
            same_field = [s.target for s in translation.segments if s.field == field]
            position = [s for s in translation.segments if s.field == field].index(old)
            text = _replace_nth(field.read(translation.article), same_field, position, tagged)
            article = translation.article.with_texts({field: text})
            kept = [c for c in corrections if not (c.field == field and c.index == index)]
            kept.append(
                Correction(field, index, old.source, tagged, editor, utcnow_precise().isoformat())
            )
            updated = replace(
                translation,
                article=article,
                segments=tuple(segments),
                status=Status.NEEDS_REVIEW,
                label=self.settings.label,
            )
            row.data = translation_to_json(updated, kept)
            row.status = str(Status.NEEDS_REVIEW)
            row.reviewed_by = ""
            row.updated_at = utcnow_precise()
        self.memory.add(
            memory_text(old.source),
            memory_text(tagged),
            source_lang=src.source_language,
            target_lang=src.target_language,
            origin=Origin.HUMAN,
            note=f"correction by {editor} in {publisher_id} v{v.number}",
        )
        return new

    def approve(self, publisher_id: str, lang: str, editor: str) -> StoredResult:
        """Mark the current version's translation reviewed, with a label that says so."""
        with self.store.begin() as session:
            row, _, translation, corrections = self._editable(session, publisher_id, lang)
            updated = replace(
                translation,
                status=Status.REVIEWED,
                label=reviewed_label(self.settings.label, translation.provenance),
            )
            row.data = translation_to_json(updated, corrections)
            row.status = str(Status.REVIEWED)
            row.reviewed_by = editor
            row.updated_at = utcnow_precise()
        return self.translation(publisher_id, lang)
