"""The newsroom's SQL: every statement on the articles, versions, translations and jobs tables.

Functions over a session the caller opened (``store.session()`` to read, ``store.begin()`` to
write), so that one submission or one correction is one transaction whatever it reads and
writes. Rows that must not change under a writer are read ``FOR UPDATE`` (PostgreSQL; SQLite
has one writer at a time). What is missing is a :class:`~tarjama.errors.NotFoundError` naming
it; the rows come back as the ORM's, the newsroom's answers as :mod:`records`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from tarjama.errors import ConflictError, InputError, NotFoundError
from tarjama.model import Article
from tarjama.newsroom.codec import article_from_json, article_to_json, translation_from_json
from tarjama.newsroom.records import JobInfo, Listed, Page, Queued, StoredResult, VersionInfo
from tarjama.store import ArticleVersion, Job, StoredArticle, StoredTranslation, upsert
from tarjama.store.articles import PRIORITIES

# --- articles and versions ----------------------------------------------------------------------


def claim_article(
    session: Session,
    publisher_id: str,
    uri: str,
    language: str,
    targets: Sequence[str],
    now: datetime,
) -> StoredArticle:
    """The article's row, inserted if new, locked for the rest of the transaction.

    A write first: on SQLite it takes the database's write lock before anything is read, so
    submissions of one article run one after the other."""
    upsert(
        session,
        cast(Table, StoredArticle.__table__),
        [
            {
                "publisher_id": publisher_id,
                "source_uri": uri,
                "source_language": language,
                "targets": ",".join(targets),
                "current_version_id": None,
                "created_at": now,
                "updated_at": now,
            }
        ],
        key=("publisher_id",),
    )
    return session.execute(
        select(StoredArticle).where(StoredArticle.publisher_id == publisher_id).with_for_update()
    ).scalar_one()


def article(session: Session, publisher_id: str, *, lock: bool = False) -> StoredArticle:
    """An article that has a version; NotFoundError ``article_not_found`` otherwise."""
    query = select(StoredArticle).where(StoredArticle.publisher_id == publisher_id)
    row = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if row is None or row.current_version_id is None:
        raise NotFoundError("article_not_found", f"no article {publisher_id!r}")
    return row


def version(session: Session, row: StoredArticle, number: int | None = None) -> ArticleVersion:
    """The article's version ``number``, the current one by default."""
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


def current_version(session: Session, row: StoredArticle) -> ArticleVersion | None:
    if row.current_version_id is None:
        return None
    return session.get(ArticleVersion, row.current_version_id)


def version_of_content(session: Session, row: StoredArticle, content: str) -> ArticleVersion | None:
    """The article's version with this content hash (``Article.version``), if it had one."""
    return session.execute(
        select(ArticleVersion).where(
            ArticleVersion.article_id == row.id, ArticleVersion.version == content
        )
    ).scalar_one_or_none()


def add_version(
    session: Session, row: StoredArticle, article: Article, now: datetime
) -> ArticleVersion:
    """The article's next version (number n+1), stored; not yet current."""
    last = session.execute(
        select(ArticleVersion.number)
        .where(ArticleVersion.article_id == row.id)
        .order_by(ArticleVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()
    added = ArticleVersion(
        article_id=row.id,
        version=article.version,
        number=(last or 0) + 1,
        source_format=article.source_format,
        original=article.original,
        article=article_to_json(article),
        created_at=now,
    )
    session.add(added)
    session.flush()
    return added


def version_count(session: Session, row: StoredArticle) -> int:
    return len(
        session.execute(select(ArticleVersion.id).where(ArticleVersion.article_id == row.id)).all()
    )


def versions(session: Session, row: StoredArticle) -> list[VersionInfo]:
    found = session.scalars(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == row.id)
        .order_by(ArticleVersion.number)
    ).all()
    return [version_info(session, v, v.id == row.current_version_id) for v in found]


def version_info(session: Session, v: ArticleVersion, current: bool) -> VersionInfo:
    return VersionInfo(v.number, v.version, v.source_format, v.created_at, current,
                       statuses(session, v.id))  # fmt: skip


def statuses(session: Session, version_id: int) -> dict[str, str]:
    """Language -> status of every translation of a version."""
    rows = session.execute(
        select(StoredTranslation.language, StoredTranslation.status).where(
            StoredTranslation.article_version_id == version_id
        )
    ).all()
    return {lang: status for lang, status in rows}


def delete_article(session: Session, publisher_id: str) -> None:
    """The article with every version, translation and job of it."""
    row = session.execute(
        select(StoredArticle).where(StoredArticle.publisher_id == publisher_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError("article_not_found", f"no article {publisher_id!r}")
    ids = select(ArticleVersion.id).where(ArticleVersion.article_id == row.id)
    session.execute(delete(Job).where(Job.article_version_id.in_(ids)))
    session.execute(delete(StoredTranslation).where(StoredTranslation.article_version_id.in_(ids)))
    session.execute(delete(ArticleVersion).where(ArticleVersion.article_id == row.id))
    session.execute(delete(StoredArticle).where(StoredArticle.id == row.id))


# --- translations -------------------------------------------------------------------------------


def translation(
    session: Session, v: ArticleVersion, lang: str, publisher_id: str, *, lock: bool = False
) -> StoredTranslation:
    """The version's translation into ``lang``; NotFoundError ``translation_not_found``."""
    query = select(StoredTranslation).where(
        StoredTranslation.article_version_id == v.id, StoredTranslation.language == lang
    )
    found = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if found is None:
        raise NotFoundError(
            "translation_not_found",
            f"article {publisher_id!r} version {v.number} has no translation into {lang!r}",
        )
    return found


def stored_result(
    article: StoredArticle, v: ArticleVersion, t: StoredTranslation, *, segments: bool = True
) -> StoredResult:
    translation, corrections = (
        translation_from_json(t.data, v.original, segments=segments)
        if t.data is not None
        else (None, ())
    )
    return StoredResult(
        article.publisher_id, t.language, v.number, v.version, t.status, translation,
        corrections, t.reviewed_by, t.error, t.updated_at,
    )  # fmt: skip


def latest(session: Session, lang: str, limit: int) -> list[StoredResult]:
    """The newest done translations into ``lang`` of the articles' current versions."""
    rows = session.execute(
        select(StoredArticle, ArticleVersion, StoredTranslation)
        .join(ArticleVersion, ArticleVersion.id == StoredArticle.current_version_id)
        .join(StoredTranslation, StoredTranslation.article_version_id == ArticleVersion.id)
        .where(StoredTranslation.language == lang, StoredTranslation.data.is_not(None))
        .order_by(StoredTranslation.updated_at.desc(), StoredTranslation.id.desc())
        .limit(limit)
    ).all()
    return [stored_result(article, v, t) for article, v, t in rows]


DONE = ("translated", "needs-review", "reviewed")
"""The statuses of a translation a reader can read."""


def listed(session: Session, limit: int) -> list[Listed]:
    """The articles most recently updated, with their current versions' done languages."""
    rows = session.execute(
        select(StoredArticle, ArticleVersion)
        .join(ArticleVersion, ArticleVersion.id == StoredArticle.current_version_id)
        .order_by(StoredArticle.updated_at.desc(), StoredArticle.id.desc())
        .limit(limit)
    ).all()
    done: dict[int, list[str]] = {}
    for version_id, lang in session.execute(
        select(StoredTranslation.article_version_id, StoredTranslation.language)
        .where(
            StoredTranslation.article_version_id.in_([v.id for _, v in rows]),
            StoredTranslation.status.in_(DONE),
        )
        .order_by(StoredTranslation.language)
    ):
        done.setdefault(version_id, []).append(lang)
    return [
        Listed(
            a.publisher_id,
            a.source_language,
            article_from_json(v.article, "").headline,
            a.updated_at,
            tuple(done.get(v.id, ())),
        )
        for a, v in rows
    ]


def page(
    session: Session,
    publisher_id: str,
    lang: str | None,
    prefer: Callable[[list[str]], str | None] | None = None,
) -> Page:
    """The current version of an article, its done languages, and its translation into
    ``lang`` without its segments (None or the source language: the original; NotFoundError
    ``translation_not_found`` when that translation is not done). Without ``lang``,
    ``prefer`` may choose one of the languages (the source first)."""
    row = article(session, publisher_id)
    v = version(session, row)
    done = tuple(sorted(k for k, status in statuses(session, v.id).items() if status in DONE))
    if lang is None and prefer is not None:
        lang = prefer([row.source_language, *done])
    if lang is None or lang == row.source_language:
        original = article_from_json(v.article, v.original)
        return Page(row.publisher_id, row.source_uri, row.source_language, v.number,
                    row.updated_at, done, original, None)  # fmt: skip
    if lang not in done:
        raise NotFoundError("translation_not_found", f"{publisher_id!r} cannot be read in {lang!r}")
    result = stored_result(row, v, translation(session, v, lang, publisher_id), segments=False)
    return Page(row.publisher_id, row.source_uri, row.source_language, v.number, row.updated_at,
                done, None, result)  # fmt: skip


def queue(session: Session, lang: str | None, status: str | None, limit: int) -> list[Queued]:
    """The current versions' done translations, those needing review first, then the
    riskiest; of one language or status if given."""
    query = (
        select(StoredArticle.publisher_id, ArticleVersion.number, StoredTranslation)
        .join(ArticleVersion, ArticleVersion.id == StoredArticle.current_version_id)
        .join(StoredTranslation, StoredTranslation.article_version_id == ArticleVersion.id)
        .where(StoredTranslation.data.is_not(None))
    )
    if lang:
        query = query.where(StoredTranslation.language == lang)
    if status:
        query = query.where(StoredTranslation.status == status)
    found = []
    for publisher_id, number, t in session.execute(query):
        if t.data is None:
            continue
        data = json.loads(t.data)
        segments = data.get("segments", ())
        risk = max((float(s.get("risk", 0)) for s in segments), default=0.0)
        findings = sum(len(s.get("findings", ())) for s in segments)
        headline = data["article"].get("headline", "")
        found.append(Queued(publisher_id, t.language, number, t.status, headline, risk,
                            findings, t.updated_at))  # fmt: skip
    found.sort(key=lambda q: (q.status != "needs-review", -q.risk, q.publisher_id, q.language))
    return found[:limit]


def previous_translation(session: Session, v: ArticleVersion, lang: str) -> tuple[str, str] | None:
    """The stored JSON and the document of the latest earlier version's translation into
    ``lang``, if one was made."""
    row = session.execute(
        select(StoredTranslation.data, ArticleVersion.original)
        .join(ArticleVersion, StoredTranslation.article_version_id == ArticleVersion.id)
        .where(
            ArticleVersion.article_id == v.article_id,
            ArticleVersion.number < v.number,
            StoredTranslation.language == lang,
            StoredTranslation.data.is_not(None),
        )
        .order_by(ArticleVersion.number.desc())
        .limit(1)
    ).first()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]


def set_translation(
    session: Session, version_id: int, lang: str, values: Mapping[str, Any]
) -> None:
    """Write ``values`` into the version's translation into ``lang``."""
    session.execute(
        update(StoredTranslation)
        .where(
            StoredTranslation.article_version_id == version_id,
            StoredTranslation.language == lang,
        )
        .values(**values)
    )


def event(session: Session, version_id: int, lang: str) -> dict[str, Any]:
    """What a webhook event says of a version's translation into ``lang``."""
    row = session.execute(
        select(StoredArticle.publisher_id, ArticleVersion.number, ArticleVersion.version,
               StoredTranslation.status, StoredTranslation.updated_at)
        .join(ArticleVersion, ArticleVersion.article_id == StoredArticle.id)
        .join(StoredTranslation, StoredTranslation.article_version_id == ArticleVersion.id)
        .where(ArticleVersion.id == version_id, StoredTranslation.language == lang)
    ).one()  # fmt: skip
    publisher_id, number, content, status, updated = row
    return {
        "publisher_id": publisher_id, "language": lang, "version": number,
        "content_version": content, "status": status, "at": updated.isoformat(),
        "href": f"/v1/articles/{publisher_id}/translations/{lang}?version={number}",
    }  # fmt: skip


# --- jobs ---------------------------------------------------------------------------------------


def enqueue(
    session: Session, version_id: int, languages: Sequence[str], priority: str = "normal"
) -> tuple[int, ...]:
    """A queued translation and a translation job per language; the jobs' ids."""
    if priority not in PRIORITIES:
        raise InputError(f"unknown priority {priority!r}; use one of {', '.join(PRIORITIES)}")
    jobs = []
    for lang in languages:
        session.add(StoredTranslation(article_version_id=version_id, language=lang))
        job = Job(kind="translate", article_version_id=version_id, language=lang, priority=priority)
        session.add(job)
        jobs.append(job)
    session.flush()
    return tuple(j.id for j in jobs)


def job_version(session: Session, job_id: int) -> tuple[Job, ArticleVersion]:
    """A job and the version it translates."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("job_not_found", f"no job {job_id}")
    return job, session.get_one(ArticleVersion, job.article_version_id)


def job(session: Session, job_id: int) -> JobInfo:
    found = session.execute(
        select(Job, ArticleVersion.number, StoredArticle.publisher_id)
        .join(ArticleVersion, Job.article_version_id == ArticleVersion.id)
        .join(StoredArticle, ArticleVersion.article_id == StoredArticle.id)
        .where(Job.id == job_id)
    ).first()
    if found is None:
        raise NotFoundError("job_not_found", f"no job {job_id}")
    j, number, publisher_id = found
    return _job_info(j, number, publisher_id)


def _job_info(j: Job, number: int, publisher_id: str) -> JobInfo:
    return JobInfo(j.id, j.kind, j.state, j.attempts, j.error, publisher_id, number, j.language,
                   j.priority, j.created_at, j.updated_at)  # fmt: skip


def jobs(session: Session, state: str | None, limit: int) -> list[JobInfo]:
    """The newest jobs, in ``state`` if given."""
    query = (
        select(Job, ArticleVersion.number, StoredArticle.publisher_id)
        .join(ArticleVersion, Job.article_version_id == ArticleVersion.id)
        .join(StoredArticle, ArticleVersion.article_id == StoredArticle.id)
    )
    if state is not None:
        query = query.where(Job.state == state)
    rows = session.execute(query.order_by(Job.id.desc()).limit(limit)).all()
    return [_job_info(j, number, publisher_id) for j, number, publisher_id in rows]


def requeue_failed(session: Session, job_id: int) -> Job:
    """A failed job queued again from its first attempt, its translation queued again."""
    query = select(Job).where(Job.id == job_id).with_for_update()
    job = session.execute(query).scalar_one_or_none()
    if job is None:
        raise NotFoundError("job_not_found", f"no job {job_id}")
    if job.state != "failed":
        raise ConflictError(
            "job_not_failed", f"job {job_id} is {job.state}; only a failed job is retried"
        )
    job.state, job.attempts, job.error, job.dispatched_at = "queued", 0, "", None
    values = {"status": "queued", "error": ""}
    set_translation(session, job.article_version_id, job.language, values)
    return job
