"""The newsroom service: versions, incremental retranslation, review, the job queue, the API.

Every test runs twice, on a SQLite file and on a PostgreSQL database (the ``store_url``
fixture). The pseudo engine where only the service's
behaviour matters; the real Apertium (wrapped to count what reaches it) where translation does.
Jobs run synchronously through ``Worker.run_pending`` except in the background-worker test; the
API tests that use the ``desk`` fixture run again with their jobs on a real Celery worker and
Redis (``tests/cluster.py``).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from tarjama import formats
from tarjama.api import ApiKeys, create_app, create_key
from tarjama.config import Settings
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.base import Engine
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import ConflictError, EngineUnavailableError, InputError, NotFoundError
from tarjama.formats.feed import CONTENT
from tarjama.jobs import Worker, table
from tarjama.jobs.tasks import Outcome, backoff, execute
from tarjama.model import Article, Block, BlockKind, FieldRef, Pair, Part
from tarjama.newsroom import SOURCE_CHANGED, Newsroom, characters
from tarjama.pipeline import Translator
from tarjama.store import ArticleVersion, Base, Job, Store, StoredArticle, StoredTranslation
from tarjama.store.models import utcnow_precise
from tests.cluster import RedisServer, WorkerProcess
from tests.test_pipeline import Counting

ARTICLE = """Council approves new budget

The city council met on Monday in the town hall.

The mayor said the plan would create many jobs. Officials agreed on the new budget.

Residents will vote on the plan next year.
"""
CHANGED = ARTICLE.replace("The mayor said the plan", "The mayor insisted that the plan")


class Failing(PseudoEngine):
    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        raise RuntimeError("the engine fell over")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as s:
        s.migrate()
        yield s


def newsroom_for(store: Store, engine: Engine, tmp_path: Path, **fields: Any) -> Newsroom:
    settings = Settings(data_dir=tmp_path, targets=("es",), **fields)
    return Newsroom(store, engine, settings)


@pytest.fixture
def newsroom(store: Store, tmp_path: Path) -> Newsroom:
    return newsroom_for(store, PseudoEngine(), tmp_path)


def worker_for(newsroom: Newsroom) -> Worker:
    return Worker(newsroom.store, newsroom.run_job)


def count(store: Store, model: type[Base]) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


# --- the migration ------------------------------------------------------------------------------


def test_migration_0003_up_and_down(store_url: str) -> None:
    with Store(store_url) as store:
        store.migrate()
        assert store.revision() == "0008"
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(connection).get_table_names())
        assert {"articles", "article_versions", "translations", "jobs"} <= tables
        store.downgrade("0002")
        assert store.revision() == "0002"
        with store.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        assert not {"articles", "article_versions", "translations", "jobs"} & tables
        assert "api_keys" in tables
        store.migrate()
        assert store.revision() == "0008"


def test_one_active_job_per_version_and_language(newsroom: Newsroom, store: Store) -> None:
    newsroom.submit(ARTICLE.encode(), None, "a1")
    with store.session() as session:
        version_id = session.execute(select(ArticleVersion.id)).scalar_one()
    with pytest.raises(ConflictError) as refused, store.begin() as session:
        session.add(Job(kind="translate", article_version_id=version_id, language="es"))
    assert isinstance(refused.value.__cause__, IntegrityError)  # the database's unique index
    with store.begin() as session:  # a finished job does not hold the place
        session.add(
            Job(kind="translate", article_version_id=version_id, language="es", state="done")
        )


# --- field addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("headline", FieldRef(Part.HEADLINE)),
        ("standfirst", FieldRef(Part.STANDFIRST)),
        ("body/0", FieldRef(Part.TEXT, 0)),
        ("body/12/alt", FieldRef(Part.ALT, 12)),
    ],
)
def test_a_field_address_reads_and_writes_as_it_is_stored(text: str, ref: FieldRef) -> None:
    assert FieldRef.parse(text) == ref and str(ref) == text


@pytest.mark.parametrize(
    "text", ["", "body", "body/", "body/-1", "body/01", "body/1/", "body/1/text", "Headline", "x"]
)
def test_what_is_no_field_address_is_refused(text: str) -> None:
    assert FieldRef.find(text) is None
    with pytest.raises(InputError, match="not a field of an article"):
        FieldRef.parse(text)


def test_an_article_is_read_and_rebuilt_by_its_fields() -> None:
    picture = Block(BlockKind.PICTURE, "A caption.", credit="AFP", alt="A ferry.")
    article = Article("Head", (Block(BlockKind.PARAGRAPH, "One."), picture), standfirst="So.")
    texts = dict(article.texts())
    assert [str(ref) for ref in texts] == [
        "headline", "standfirst", "body/0", "body/1", "body/1/alt"
    ]  # fmt: skip
    assert all(ref.read(article) == text for ref, text in texts.items())
    rebuilt = article.with_texts({ref: text.upper() for ref, text in texts.items()})
    assert (rebuilt.headline, rebuilt.standfirst) == ("HEAD", "SO.")
    assert [(b.text, b.alt, b.credit) for b in rebuilt.body] == [
        ("ONE.", "", ""), ("A CAPTION.", "A FERRY.", "AFP")
    ]  # fmt: skip


# --- submitting and versions --------------------------------------------------------------------


def test_unchanged_body_creates_nothing(newsroom: Newsroom, store: Store) -> None:
    first = newsroom.submit(ARTICLE.encode(), None, "a1")
    assert (first.created, first.changed, first.number, len(first.jobs)) == (True, True, 1, 1)
    again = newsroom.submit(ARTICLE.encode(), "text", "a1")
    assert (again.created, again.changed, again.number, again.jobs) == (False, False, 1, ())
    assert again.version == first.version
    assert (count(store, ArticleVersion), count(store, Job)) == (1, 1)


def test_changed_body_makes_the_next_version(newsroom: Newsroom, store: Store) -> None:
    newsroom.submit(ARTICLE.encode(), None, "a1")
    worker_for(newsroom).run_pending()
    second = newsroom.submit(CHANGED.encode(), None, "a1", ["es", "ca"])
    assert (second.created, second.changed, second.number, len(second.jobs)) == (
        False,
        True,
        2,
        2,
    )
    versions = newsroom.versions("a1")
    assert [(v.number, v.current) for v in versions] == [(1, False), (2, True)]
    assert versions[0].statuses == {"es": "translated"}
    assert versions[1].statuses == {"es": "queued", "ca": "queued"}
    worker_for(newsroom).run_pending()
    # every translation version is kept
    assert newsroom.translation("a1", "es", 1).translation is not None
    assert newsroom.translation("a1", "es").number == 2


def test_publisher_id_from_the_document(newsroom: Newsroom) -> None:
    ninjs = b'{"uri": "urn:newsml:example.com:2024:budget", "headline": "Council meets"}'
    assert newsroom.submit(ninjs, None, None).publisher_id == "urn:newsml:example.com:2024:budget"
    page = (
        b'<html><head><link rel="canonical" href="https://example.com/news/budget"></head>'
        b"<body><h1>Council meets</h1><p>The council met.</p></body></html>"
    )
    pid = newsroom.submit(page, None, None).publisher_id
    assert pid.startswith("doc-")
    assert newsroom.article(pid).source_uri == "https://example.com/news/budget"


def test_twenty_concurrent_submits_leave_one_version(newsroom: Newsroom, store: Store) -> None:
    barrier = threading.Barrier(20)
    results: list[Any] = []
    errors: list[BaseException] = []

    def submit(body: str) -> None:
        barrier.wait()
        try:
            results.append(newsroom.submit(body.encode(), None, "race"))
        except BaseException as exc:
            errors.append(exc)

    bodies = [ARTICLE] * 10 + [CHANGED] * 10
    threads = [threading.Thread(target=submit, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 20
    with store.session() as session:
        versions = session.scalars(select(ArticleVersion)).all()
        jobs = session.execute(select(Job.article_version_id, Job.language)).all()
        articles = session.scalars(select(StoredArticle)).all()
    assert len(articles) == 1
    # one version per distinct body, numbered without gaps, and one job per version
    assert sorted(v.number for v in versions) == list(range(1, len(versions) + 1))
    assert len({v.version for v in versions}) == len(versions) <= 2
    assert sorted(jobs) == sorted({(v.id, "es") for v in versions})
    # no lost update: every answer names a stored version by its number and content
    stored = {(v.number, v.version) for v in versions}
    assert {(r.number, r.version) for r in results} <= stored
    assert (newsroom.article("race").current.number, newsroom.article("race").current.version) in (
        stored
    )


def test_twenty_concurrent_updates_make_one_new_version(newsroom: Newsroom, store: Store) -> None:
    newsroom.submit(ARTICLE.encode(), None, "a1", ["es", "ca"])
    barrier = threading.Barrier(20)
    results: list[Any] = []

    def submit() -> None:
        barrier.wait()
        results.append(newsroom.submit(CHANGED.encode(), None, "a1", ["es", "ca"]))

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    assert [r.number for r in results] == [2] * 20
    assert sum(r.changed for r in results) == 1
    assert sorted(len(r.jobs) for r in results) == [0] * 19 + [2]
    assert (count(store, ArticleVersion), count(store, Job)) == (2, 4)
    assert newsroom.article("a1").current.number == 2


def test_twenty_concurrent_identical_submits(newsroom: Newsroom, store: Store) -> None:
    barrier = threading.Barrier(20)
    results: list[Any] = []

    def submit() -> None:
        barrier.wait()
        results.append(newsroom.submit(ARTICLE.encode(), None, "same"))

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    assert sum(r.created for r in results) == 1
    assert (count(store, ArticleVersion), count(store, Job)) == (1, 1)


def test_delete_takes_translations_and_jobs(newsroom: Newsroom, store: Store) -> None:
    newsroom.submit(ARTICLE.encode(), None, "a1")
    worker_for(newsroom).run_pending()
    newsroom.submit(CHANGED.encode(), None, "a1")
    newsroom.delete("a1")
    for model in (StoredArticle, ArticleVersion, StoredTranslation, Job):
        assert count(store, model) == 0, model
    with pytest.raises(NotFoundError):
        newsroom.article("a1")
    with pytest.raises(NotFoundError):
        newsroom.delete("a1")


# --- incremental retranslation and review -------------------------------------------------------


@pytest.mark.usefixtures("store")
def test_only_changed_sentences_reach_the_engine(
    apertium: ApertiumEngine, store: Store, tmp_path: Path
) -> None:
    engine = Counting(apertium)
    # memory off: the reuse comes from the previous version itself, not the memory
    newsroom = newsroom_for(store, engine, tmp_path, memory=False)
    worker = worker_for(newsroom)
    newsroom.submit(ARTICLE.encode(), None, "a1")
    worker.run_pending()
    first = engine.sent
    assert first == 5
    newsroom.submit(CHANGED.encode(), None, "a1")
    worker.run_pending()
    assert engine.sent - first == 1
    result = newsroom.translation("a1", "es")
    assert result.translation is not None
    origins = {s.source: s.origin for s in result.translation.segments}
    assert origins["The mayor insisted that the plan would create many jobs."] == "engine"
    assert origins["The city council met on Monday in the town hall."] == "memory:machine"


@pytest.mark.usefixtures("store")
def test_correction_is_kept_and_a_changed_source_is_flagged(
    apertium: ApertiumEngine, store: Store, tmp_path: Path
) -> None:
    newsroom = newsroom_for(store, apertium, tmp_path)
    worker = worker_for(newsroom)
    newsroom.submit(ARTICLE.encode(), None, "a1")
    worker.run_pending()
    corrected = newsroom.correct(
        "a1", "es", FieldRef.parse("body/1"), 1, "Los funcionarios aprobaron.", "ana"
    )
    assert corrected.origin == "human" and corrected.target == "Los funcionarios aprobaron."
    newsroom.correct("a1", "es", FieldRef.parse("body/0"), 0, "El pleno se reunió el lunes.", "ana")
    stored = newsroom.translation("a1", "es")
    assert stored.status == "needs-review"
    assert stored.translation is not None
    assert stored.translation.article.body[0].text == "El pleno se reunió el lunes."
    assert "Los funcionarios aprobaron." in stored.translation.article.body[1].text
    # the correction is human work in the memory
    match = newsroom.memory.lookup("Officials agreed on the new budget.", "en", "es")
    assert match is not None and match.target == "Los funcionarios aprobaron."

    body0 = "The city council met on Monday in the town hall."
    newsroom.submit(CHANGED.replace(body0, "The city council met on Tuesday.").encode(), None, "a1")
    worker.run_pending()
    result = newsroom.translation("a1", "es")
    assert result.number == 2 and result.status == "needs-review"
    assert result.translation is not None
    by_place = {(str(s.field), s.index): s for s in result.translation.segments}
    kept = by_place[("body/1", 1)]
    assert kept.target == "Los funcionarios aprobaron." and kept.origin == "memory:human"
    changed = by_place[("body/0", 0)]
    assert changed.source == "The city council met on Tuesday."
    flags = [f for f in changed.findings if f.check == SOURCE_CHANGED]
    assert len(flags) == 1 and "source changed since correction" in flags[0].message
    assert flags[0].evidence == "El pleno se reunió el lunes."
    assert [c.source for c in result.corrections] == ["Officials agreed on the new budget."]


def test_approve_labels_the_translation_reviewed(newsroom: Newsroom) -> None:
    newsroom.submit(ARTICLE.encode(), None, "a1")
    worker_for(newsroom).run_pending()
    machine = newsroom.translation("a1", "es")
    assert machine.translation is not None
    assert machine.translation.label == "Beta V.1.0 - Traducción automática"
    approved = newsroom.approve("a1", "es", "ana")
    assert approved.status == "reviewed" and approved.reviewed_by == "ana"
    assert approved.translation is not None
    assert approved.translation.label == "Beta V.1.0 - Traducción revisada (pseudo 1)"


@pytest.mark.parametrize(("thresholds", "status"), [
    ({"es": 0.0, "*": 1.0}, "needs-review"),  # every risk reaches 0 in Spanish
    ({"ca": 0.0, "*": 1.0}, "translated"),  # none reaches 1; the Catalan threshold is not asked
])  # fmt: skip
def test_the_review_threshold_of_the_language_decides(
    store: Store, tmp_path: Path, thresholds: dict[str, float], status: str
) -> None:
    newsroom = newsroom_for(store, PseudoEngine(), tmp_path, review_threshold=thresholds)
    newsroom.submit(ARTICLE.encode(), None, "a1")
    worker_for(newsroom).run_pending()
    stored = newsroom.translation("a1", "es")
    assert stored.status == status
    assert stored.translation is not None and stored.translation.status == status


def test_the_stored_translation_keeps_its_risk_and_where_its_findings_are(
    apertium: ApertiumEngine, store: Store, tmp_path: Path
) -> None:
    text = "Recount\n\nThe recount in several wards was stranded on the waterfront.\n"
    newsroom = newsroom_for(store, apertium, tmp_path)
    newsroom.submit(text.encode(), None, "a1")
    worker_for(newsroom).run_pending()
    stored = newsroom.translation("a1", "es").translation
    fresh = Translator(apertium).translate(formats.read(text.encode(), "text"), "es")
    assert stored is not None and stored.risk == fresh.risk > 0.5
    assert stored.segments == fresh.segments
    spans = [f.span for s in stored.segments for f in s.findings if f.check == "untranslated"]
    assert len(spans) >= 4 and all(spans)


# --- the job queue ------------------------------------------------------------------------------


def test_a_running_job_of_a_live_runner_is_never_run_again(
    newsroom: Newsroom, store: Store
) -> None:
    """Another process runs the job and its heartbeat is fresh: a second runner starting on
    the same store (a second ``tarjama serve``) leaves it alone; once the heartbeat is older
    than the lease, the runner died, and the job is taken over and finished."""
    [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs
    assert table.claim(store, job_id, "elsewhere:1:1") == 1
    second = Worker(store, newsroom.run_job, lease=60)
    second.start()
    try:
        assert second.run_pending() == []
        assert table.requeue_expired(store, 60) == []
    finally:
        second.stop()
    info = newsroom.job(job_id)
    assert (info.state, info.attempts) == ("running", 1)
    with store.begin() as session:  # the other process was killed a minute ago
        session.get_one(Job, job_id).heartbeat_at = utcnow_precise() - timedelta(seconds=61)
    assert table.requeue_expired(store, 60) == [job_id]
    assert worker_for(newsroom).run_pending() == [job_id]
    info = newsroom.job(job_id)
    assert (info.state, info.attempts) == ("done", 2)
    assert newsroom.translation("a1", "es").status == "translated"


def test_a_duplicated_or_late_task_stores_nothing(newsroom: Newsroom, store: Store) -> None:
    [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs
    assert execute(store, newsroom.run_job, job_id, "a:1:1") == (Outcome.DONE, 1)
    assert execute(store, newsroom.run_job, job_id, "b:1:1") == (Outcome.SKIPPED, 0)
    # A runner paused past its lease: another took the job over, so its result is not stored.
    newsroom.submit(CHANGED.encode(), None, "a1")
    [(second, _)] = table.queued(store)
    assert table.claim(store, second, "slow:1:1") == 1
    assert table.claim(store, second, "fast:1:1", lease=0) == 2  # the lease ran out
    assert newsroom.run_job(second, "slow:1:1") is False
    assert newsroom.translation("a1", "es").status == "queued"
    assert newsroom.run_job(second, "fast:1:1") is True
    assert count(store, StoredTranslation) == 2  # one per version and language


def test_a_started_worker_dispatches_at_once(newsroom: Newsroom, store: Store) -> None:
    """The sweep is an hour away: only dispatching can run the job."""
    worker = Worker(store, newsroom.run_job, threads=2, lease=7200)
    worker.start()
    try:
        [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs
        worker.dispatch([job_id], "breaking")
        assert worker.wait(lambda: newsroom.job(job_id).state == "done", timeout=20)
    finally:
        worker.stop()
    assert not worker.running


def test_a_started_worker_runs_what_the_store_holds_queued(
    newsroom: Newsroom, store: Store
) -> None:
    [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs  # queued, never dispatched
    worker = Worker(store, newsroom.run_job, lease=7200)
    worker.start()
    try:
        assert worker.wait(lambda: newsroom.job(job_id).state == "done", timeout=20)
    finally:
        worker.stop()


def test_breaking_jobs_run_before_normal_and_backfill(newsroom: Newsroom) -> None:
    queued = {}
    for n, priority in enumerate(["backfill", "normal", "breaking", "backfill", "breaking"]):
        [job] = newsroom.submit(f"Story {n}\n\nIt happened.".encode(), "text", f"s{n}",
                                priority=priority).jobs  # fmt: skip
        queued[job] = priority
    ran = worker_for(newsroom).run_pending()
    assert [queued[j] for j in ran] == ["breaking", "breaking", "normal", "backfill", "backfill"]
    assert ran == sorted(ran, key=lambda j: (table.rank(queued[j]), j))
    assert newsroom.job(ran[0]).priority == "breaking"


def test_a_failed_job_records_its_error(store: Store, tmp_path: Path) -> None:
    newsroom = newsroom_for(store, Failing(), tmp_path)
    [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs
    assert worker_for(newsroom).run_pending() == [job_id]
    info = newsroom.job(job_id)
    assert info.state == "failed" and "the engine fell over" in info.error
    assert info.attempts == 1  # not an engine error: no retry
    assert newsroom.translation("a1", "es").status == "failed"


class Flaky(PseudoEngine):
    """Unavailable for its first ``failures`` calls."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        if self.failures > 0:
            self.failures -= 1
            raise EngineUnavailableError("the engine is restarting")
        return super().translate_list(texts, pair)


def test_engine_errors_are_retried_with_backoff(store: Store, tmp_path: Path) -> None:
    newsroom = newsroom_for(store, Flaky(failures=2), tmp_path)
    [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs
    delays: list[int] = []
    worker = Worker(store, newsroom.run_job, threads=1,
                    retry_delay=lambda attempt: delays.append(attempt) or 0.01)  # fmt: skip
    worker.start()
    try:
        assert worker.wait(lambda: newsroom.job(job_id).state == "done", timeout=20)
    finally:
        worker.stop()
    assert delays == [1, 2] and newsroom.job(job_id).attempts == 3
    assert [backoff(n) for n in (1, 2, 3, 9)] == [1, 4, 16, 300]


def test_a_job_that_keeps_failing_ends_failed(store: Store, tmp_path: Path) -> None:
    newsroom = newsroom_for(store, Flaky(failures=99), tmp_path)
    [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs
    worker = Worker(store, newsroom.run_job, max_attempts=3)
    assert worker.run_pending() == [job_id, job_id, job_id]
    info = newsroom.job(job_id)
    assert (info.state, info.attempts) == ("failed", 3)
    assert info.error == "EngineUnavailableError: the engine is restarting"
    assert newsroom.jobs("failed") == [info]


def test_a_job_is_claimed_once(newsroom: Newsroom, store: Store) -> None:
    [job_id] = newsroom.submit(ARTICLE.encode(), None, "a1").jobs
    assert table.claim(store, job_id, "first:1:1") == 1
    assert table.claim(store, job_id, "second:1:1") is None


# --- the HTTP API -------------------------------------------------------------------------------


def client_for(
    tmp_path: Path,
    store_url: str,
    job_threads: int = 0,
    role: str | None = None,
    engine: Engine | None = None,
    **fields: Any,
) -> TestClient:
    """A client of a new app; with ``role``, every request carries a key of that role."""
    settings = Settings(data_dir=tmp_path / "data", store=store_url, targets=("es", "ca"), **fields)
    app = create_app(settings, engine=engine or PseudoEngine(), job_threads=job_threads)
    if role is None:
        return TestClient(app)
    return TestClient(app, headers={"X-API-Key": create_key(settings, "desk", role)})


@pytest.fixture
def client(tmp_path: Path, store_url: str) -> Iterator[TestClient]:
    with client_for(tmp_path, store_url, role="editor") as c:
        yield c


@pytest.fixture(params=["embedded", "celery"])
def desk(request: pytest.FixtureRequest, tmp_path: Path, store_url: str) -> Iterator[TestClient]:
    """An editor's client, its jobs run by the embedded runner or by a real ``tarjama worker``
    on a real Redis; the worker starts when :func:`run_jobs` is first called, so that what a
    test sees before is what was queued."""
    if request.param == "embedded":
        with client_for(tmp_path, store_url, role="editor") as client:
            yield client
        return
    redis: RedisServer = request.getfixturevalue("redis_server")
    workers: list[WorkerProcess] = []
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")},
        "TARJAMA_DATA_DIR": str(tmp_path / "data"),
        "TARJAMA_STORE": store_url,
        "TARJAMA_QUEUE_URL": redis.url,
        "TARJAMA_ENGINE": "pseudo",
        "TARJAMA_TARGETS": "es,ca",
    }
    with client_for(tmp_path, store_url, 1, "editor", queue_url=redis.url) as client:
        client.app.state.start_workers = lambda: (
            workers
            or workers.append(  # type: ignore[attr-defined]
                WorkerProcess(env, tmp_path / "worker.log")
            )
        )
        yield client
    for worker in workers:
        worker.stop()


def run_jobs(client: TestClient) -> list[int]:
    """Run the queued jobs: the embedded runner's at once (their ids), or the Celery worker's,
    waited for until no job is queued or running."""
    state = client.app.state  # type: ignore[attr-defined]
    if isinstance(state.worker, Worker):
        return state.worker.run_pending()
    state.start_workers()
    newsroom: Newsroom = state.newsroom

    def settled() -> bool:
        return all(job.state in ("done", "failed") for job in newsroom.jobs(limit=1000))

    assert state.worker.wait(settled, timeout=60)
    return []


TEXT = {"content-type": "text/plain"}


def error_of(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return response.status_code, body["error"]["code"]


def test_api_article_lifecycle(desk: TestClient) -> None:
    client = desk
    created = client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT)
    assert created.status_code == 201
    body = created.json()
    assert (body["number"], body["created"], body["targets"]) == (1, True, ["es", "ca"])
    assert len(body["jobs"]) == 2
    same = client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT)
    assert same.status_code == 200 and same.json()["jobs"] == []
    job = client.get(f"/v1/jobs/{body['jobs'][0]}").json()
    assert job["state"] == "queued" and job["publisher_id"] == "a1"
    queued = client.get("/v1/articles/a1/translations/es").json()
    assert queued["status"] == "queued" and queued["article"] is None
    run_jobs(client)
    assert client.get(f"/v1/jobs/{body['jobs'][0]}").json()["state"] == "done"

    article = client.get("/v1/articles/a1").json()
    assert article["current"]["statuses"] == {"es": "translated", "ca": "translated"}
    doc = client.get("/v1/articles/a1/translations/es").json()
    assert doc["status"] == "translated" and doc["provenance"]["engine"] == "pseudo"
    assert doc["label"] == "Beta V.1.0 - Traducción automática"
    html = client.get("/v1/articles/a1/translations/es", params={"format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    ninjs = client.get("/v1/articles/a1/translations/es", params={"format": "ninjs"})
    assert ninjs.json()["language"] == "es"

    updated = client.put("/v1/articles/a1", content=CHANGED, headers=TEXT, params={"targets": "es"})
    assert updated.status_code == 202 and updated.json()["number"] == 2
    run_jobs(client)
    versions = client.get("/v1/articles/a1/versions").json()
    assert [(v["number"], v["current"]) for v in versions] == [(1, False), (2, True)]
    old = client.get("/v1/articles/a1/translations/ca", params={"version": 1}).json()
    assert old["number"] == 1 and old["status"] == "translated"

    segments = client.get("/v1/articles/a1/translations/es/segments").json()["segments"]
    assert {"field", "index", "source", "target", "findings", "origin"} <= set(segments[0])
    risk = client.get("/v1/articles/a1/translations/es").json()["risk"]
    assert 0 < risk < 1
    put = client.put(
        "/v1/articles/a1/translations/es/segments/body/1/1",
        json={"target": "Los funcionarios <b>aprobaron</b>."},
    )
    assert put.status_code == 200 and put.json()["origin"] == "human"
    corrected = client.get("/v1/articles/a1/translations/es").json()
    assert corrected["status"] == "needs-review"
    assert corrected["risk"] < risk  # an editor's sentence carries no machine's risk
    # the correction is escaped in the text and never served as markup
    page = client.get("/v1/articles/a1/translations/es", params={"format": "html"}).text
    assert "<b>aprobaron</b>" not in page and "&lt;b&gt;aprobaron&lt;/b&gt;" in page
    approved = client.post("/v1/articles/a1/translations/es/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "reviewed"
    assert approved.json()["label"] == "Beta V.1.0 - Traducción revisada (pseudo 1)"

    metrics = client.get("/metrics").text
    assert 'tarjama_jobs{priority="breaking",state="done"} 3.0' in metrics
    assert 'tarjama_jobs{priority="backfill",state="queued"} 0.0' in metrics
    assert 'tarjama_job_latency_seconds{priority="breaking",quantile="0.95"}' in metrics
    done = 'tarjama_job_enqueue_to_done_seconds_bucket{le="%s",priority="breaking"} 3.0'
    assert done % "+Inf" in metrics and done % "86400" in metrics  # no job took a day
    assert 'tarjama_job_enqueue_to_done_seconds_count{priority="breaking"} 3.0' in metrics
    assert 'tarjama_job_enqueue_to_done_seconds_count{priority="backfill"} 0.0' in metrics

    assert client.delete("/v1/articles/a1").status_code == 204
    assert error_of(client.get("/v1/articles/a1")) == (404, "article_not_found")


def test_api_review_offers_near_matches_from_human_work(desk: TestClient) -> None:
    """Beside each machine segment, the memory's near matches from people: offered to the
    editor, never applied, never machine units."""
    client = desk
    assert client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT).status_code == 201
    run_jobs(client)
    newsroom: Newsroom = client.app.state.newsroom  # type: ignore[attr-defined]
    # A person translated a sentence near one of the article's; the engine one near another.
    human = newsroom.memory.add(
        "The city council met on Tuesday in the town hall.",
        "El concejo municipal se reunió el martes en el ayuntamiento.",
        source_lang="en", target_lang="es", origin="human",
    )  # fmt: skip
    machine_pair = Pair("en", "es")
    newsroom.memory.add_many(
        [("Residents will vote on the plan next month.", "Votarán el mes que viene.")],
        pair=machine_pair, origin="machine",
        provenance=newsroom.translation("a1", "es").translation.provenance,  # type: ignore[union-attr]
    )  # fmt: skip

    def listed(**params: Any) -> dict[str, list[dict[str, Any]]]:
        response = client.get("/v1/articles/a1/translations/es/segments", params=params)
        assert response.status_code == 200, response.text
        return {s["source"]: s["suggestions"] for s in response.json()["segments"]}

    offered = listed()
    [suggestion] = offered["The city council met on Monday in the town hall."]
    assert suggestion["unit_id"] == human and suggestion["origin"] == "human"
    assert suggestion["target"].startswith("El concejo") and 0.75 <= suggestion["score"] < 1
    assert offered["Residents will vote on the plan next year."] == []  # machine: no suggestion
    assert all(v == [] for k, v in offered.items() if "council" not in k)
    # never applied: the segment keeps the engine's translation
    doc = client.get("/v1/articles/a1/translations/es").json()
    assert "El concejo" not in json.dumps(doc["article"])
    assert listed(threshold=0.99)["The city council met on Monday in the town hall."] == []
    bad = client.get("/v1/articles/a1/translations/es/segments", params={"threshold": 0})
    assert bad.status_code == 422


def test_api_post_takes_the_id_from_the_document(client: TestClient) -> None:
    ninjs = '{"uri": "urn:example:1", "headline": "Council meets", "body_text": "It met."}'
    response = client.post(
        "/v1/articles", content=ninjs, headers={"content-type": "application/json"}
    )
    assert response.status_code == 201 and response.json()["publisher_id"] == "urn:example:1"
    assert client.get("/v1/articles/urn:example:1").status_code == 200


def test_api_background_worker(tmp_path: Path, store_url: str) -> None:
    with client_for(tmp_path, store_url, job_threads=1, role="editor") as client:
        [job, *_] = client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT).json()["jobs"]
        worker: Worker = client.app.state.worker
        assert worker.wait(lambda: client.get(f"/v1/jobs/{job}").json()["state"] == "done", 20)
        status = client.get("/v1/articles/a1/translations/es").json()["status"]
        assert status == "translated"


def test_api_failed_jobs_are_listed_and_retried(tmp_path: Path, store_url: str) -> None:
    engine = Flaky(failures=99)
    with client_for(tmp_path, store_url, role="editor", engine=engine) as client:
        jobs = client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT).json()["jobs"]
        client.app.state.worker.max_attempts = 2  # type: ignore[attr-defined]
        run_jobs(client)
        failed = client.get("/v1/jobs", params={"state": "failed"}).json()
        assert sorted(j["id"] for j in failed) == sorted(jobs)
        assert failed[0]["error"] == "EngineUnavailableError: the engine is restarting"
        assert (failed[0]["attempts"], failed[0]["priority"]) == (2, "breaking")
        translation = client.get("/v1/articles/a1/translations/es").json()
        assert translation["status"] == "failed"
        assert client.get("/v1/jobs", params={"state": "done"}).json() == []

        engine.failures = 0  # the engine is back
        retried = client.post(f"/v1/jobs/{jobs[0]}/retry")
        assert retried.status_code == 200, retried.text
        assert (retried.json()["state"], retried.json()["attempts"]) == ("queued", 0)
        assert error_of(client.post(f"/v1/jobs/{jobs[0]}/retry")) == (409, "job_not_failed")
        assert run_jobs(client) == [jobs[0]]
        assert client.get(f"/v1/jobs/{jobs[0]}").json()["state"] == "done"
        assert [j["id"] for j in client.get("/v1/jobs", params={"state": "failed"}).json()] == [
            jobs[1]
        ]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/v1/articles/nope", {}, 404, "article_not_found"),
        ("GET", "/v1/articles/nope/versions", {}, 404, "article_not_found"),
        ("DELETE", "/v1/articles/nope", {}, 404, "article_not_found"),
        ("GET", "/v1/articles/a1/translations/gl", {}, 404, "translation_not_found"),
        ("GET", "/v1/articles/a1/translations/es", {"params": {"version": 9}}, 404,
         "version_not_found"),
        ("GET", "/v1/articles/a1/translations/es", {"params": {"format": "pdf"}}, 422,
         "validation_error"),
        ("GET", "/v1/articles/a1/translations/es", {"params": {"format": "html"}}, 409,
         "translation_not_ready"),
        ("GET", "/v1/articles/a1/translations/es/segments", {}, 409, "translation_not_ready"),
        ("GET", "/v1/jobs/999", {}, 404, "job_not_found"),
        ("GET", "/v1/jobs/x", {}, 422, "validation_error"),
        ("GET", "/v1/jobs", {"params": {"state": "lost"}}, 422, "validation_error"),
        ("POST", "/v1/jobs/999/retry", {}, 404, "job_not_found"),
        ("PUT", "/v1/articles/a2", {"content": ARTICLE, "headers": TEXT,
                                    "params": {"priority": "urgent"}}, 422, "validation_error"),
        ("PUT", "/v1/articles/a2", {"content": b"", "headers": TEXT}, 400, "empty_input"),
        ("PUT", "/v1/articles/a2", {"content": b"caf\xe9", "headers": TEXT}, 400,
         "invalid_encoding"),
        ("PUT", "/v1/articles/a2", {"content": b'{"headline": 1',
                                    "headers": {"content-type": "application/json"}}, 400,
         "malformed_input"),
        ("PUT", "/v1/articles/a2", {"content": ARTICLE, "headers": TEXT,
                                    "params": {"targets": "xx"}}, 400, "unsupported_language"),
        ("PUT", "/v1/articles/bad%20id", {"content": ARTICLE, "headers": TEXT}, 400,
         "invalid_input"),
        ("POST", "/v1/articles", {"content": ARTICLE, "headers": TEXT}, 400, "invalid_input"),
        ("PUT", "/v1/articles/a1/translations/gl/segments/body/1/0", {"json": {"target": "x"}},
         404, "translation_not_found"),
        ("PUT", "/v1/articles/a1/translations/es/segments/body/1/0", {"json": {"target": 3}},
         422, "validation_error"),
        ("POST", "/v1/articles/nope/translations/es/approve", {}, 404, "article_not_found"),
    ],
)  # fmt: skip
def test_api_errors(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT)
    assert error_of(client.request(method, path, **kwargs)) == (status, code)


def test_api_review_errors(desk: TestClient) -> None:
    client = desk
    client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT)
    run_jobs(client)
    missing = client.put("/v1/articles/a1/translations/es/segments/body/7/0", json={"target": "x"})
    assert error_of(missing) == (404, "segment_not_found")
    empty = client.put("/v1/articles/a1/translations/es/segments/body/1/0", json={"target": " "})
    assert error_of(empty) == (400, "invalid_input")


def test_api_roles(tmp_path: Path, store_url: str) -> None:
    with client_for(tmp_path, store_url) as client:  # anonymous_write off by default
        keys = ApiKeys(client.app.state.services.store)  # type: ignore[attr-defined]
        reader = {"authorization": f"Bearer {keys.create('site', 'reader')}"}
        editor = {"authorization": f"Bearer {keys.create('cms', 'editor')}"}
        put = client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT)
        assert error_of(put) == (401, "unauthorized")
        put = client.put("/v1/articles/a1", content=ARTICLE, headers={**TEXT, **reader})
        assert error_of(put) == (403, "forbidden")
        bad = client.get("/v1/articles/a1", headers={"authorization": "Bearer tj_nope"})
        assert error_of(bad) == (401, "invalid_api_key")
        ok = client.put("/v1/articles/a1", content=ARTICLE, headers={**TEXT, **editor})
        assert ok.status_code == 201
        assert client.get("/v1/articles/a1", headers=reader).status_code == 200
        run_jobs(client)
        approve = client.post("/v1/articles/a1/translations/es/approve", headers=reader)
        assert error_of(approve) == (403, "forbidden")
        approve = client.post("/v1/articles/a1/translations/es/approve", headers=editor)
        assert approve.json()["reviewed_by"] == "cms"
        assert error_of(client.delete("/v1/articles/a1")) == (401, "unauthorized")
        assert error_of(client.delete("/v1/articles/a1", headers=reader)) == (403, "forbidden")
        assert error_of(client.get("/v1/articles/a1")) == (401, "unauthorized")  # anonymous_read
    with client_for(tmp_path / "open", store_url, anonymous_read=True) as client:
        assert client.get("/v1/articles/a1").status_code == 200
        assert error_of(client.delete("/v1/articles/a1")) == (401, "unauthorized")


# What a caller without a key may do by default: translate, read the reader pages; nothing else.
ANONYMOUS_BY_DEFAULT = [
    ("POST", "/translate", {"json": {"q": "Hi", "source": "en", "target": "es"}}, 200, None),
    ("GET", "/languages", {}, 200, None),
    ("POST", "/detect", {"json": {"q": "The harbour reopened."}}, 200, None),
    ("POST", "/v1/translate", {"json": {"text": "Hi", "target": "es"}}, 200, None),
    ("GET", "/v1/feeds/es", {}, 200, None),
    ("GET", "/v1/articles/a1/translations/es", {"params": {"format": "html"}}, 200, None),
    ("GET", "/v1/articles/a1/translations/es", {"params": {"format": "html", "version": 1}},
     401, "unauthorized"),
    ("GET", "/v1/articles/a1/translations/es", {}, 401, "unauthorized"),
    ("GET", "/v1/articles/a1/translations/es", {"params": {"format": "ninjs"}}, 401,
     "unauthorized"),
    ("GET", "/v1/articles/a1", {}, 401, "unauthorized"),
    ("GET", "/v1/articles/a1/versions", {}, 401, "unauthorized"),
    ("GET", "/v1/articles/a1/translations/es/segments", {}, 401, "unauthorized"),
    ("GET", "/v1/jobs/1", {}, 401, "unauthorized"),
    ("GET", "/v1/memory/export", {}, 401, "unauthorized"),
    ("GET", "/v1/memory/counts", {}, 401, "unauthorized"),
    ("GET", "/v1/memory/lookup", {"params": {"text": "Hi.", "target_lang": "es"}}, 401,
     "unauthorized"),
    ("GET", "/v1/glossary/terms", {}, 401, "unauthorized"),
    ("GET", "/v1/glossary/export", {"params": {"target_lang": "es"}}, 401, "unauthorized"),
    ("PUT", "/v1/articles/a2", {"content": ARTICLE, "headers": TEXT}, 401, "unauthorized"),
    ("DELETE", "/v1/articles/a1", {}, 401, "unauthorized"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), ANONYMOUS_BY_DEFAULT)
def test_api_anonymous_access_by_default(
    tmp_path: Path,
    store_url: str,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    code: str | None,
) -> None:
    with client_for(tmp_path, store_url, role="editor") as desk:
        assert desk.put("/v1/articles/a1", content=ARTICLE, headers=TEXT).status_code == 201
        run_jobs(desk)
        anonymous = TestClient(desk.app)  # the same running app, without the desk's key
        response = anonymous.request(method, path, **kwargs)
    if code is None:
        assert response.status_code == status, response.text
    else:
        assert error_of(response) == (status, code)
        assert response.headers["www-authenticate"] == "Bearer"


def test_api_reader_pages_and_translation_can_be_closed(tmp_path: Path, store_url: str) -> None:
    closed = {"anonymous_translate": False, "anonymous_pages": False}
    with client_for(tmp_path, store_url, role="editor", **closed) as desk:
        assert desk.put("/v1/articles/a1", content=ARTICLE, headers=TEXT).status_code == 201
        run_jobs(desk)
        page = desk.get("/v1/articles/a1/translations/es", params={"format": "html"})
        assert page.status_code == 200 and page.text.startswith("<")
        anonymous = TestClient(desk.app)
        for path, params in (
            ("/v1/feeds/es", {}),
            ("/v1/articles/a1/translations/es", {"format": "html"}),
        ):
            assert error_of(anonymous.get(path, params=params)) == (401, "unauthorized")
        refused = anonymous.post("/v1/translate", json={"text": "Hi", "target": "es"})
        assert error_of(refused) == (401, "unauthorized")
        lt = anonymous.post("/translate", json={"q": "Hi", "source": "en", "target": "es"})
        assert lt.status_code == 400
        assert lt.json() == {"error": "Please contact the server operator to get an API key"}


def _article_of(characters: int) -> str:
    """A plain-text article with exactly ``characters`` characters of text."""
    headline = "Council votes"
    sentence = "The council met on Monday and voted on the new budget plan for the harbour. "
    body = (sentence * (characters // len(sentence) + 1))[: characters - len(headline) - 1] + "."
    return f"{headline}\n\n{body}"


@pytest.mark.parametrize(
    ("method", "path", "size", "status"),
    [
        ("PUT", "/v1/articles/big", 60_000, 413),
        ("POST", "/v1/articles", 100_000, 413),
        ("PUT", "/v1/articles/big", 50_001, 413),
        ("PUT", "/v1/articles/big", 50_000, 201),
    ],
)
def test_api_an_article_over_the_character_limit_is_refused(
    tmp_path: Path, store_url: str, method: str, path: str, size: int, status: int
) -> None:
    text = _article_of(size)
    assert characters(formats.read(text.encode(), "text")) == size
    with client_for(tmp_path, store_url, role="editor") as client:
        response = client.request(method, path, content=text, headers=TEXT)
        if status == 413:
            assert error_of(response) == (413, "input_too_large")
            assert f"{size:,} characters of text; the limit is 50,000" in response.text
            assert client.get("/v1/jobs/1").status_code == 404  # nothing was stored or queued
        else:
            assert response.status_code == status, response.text


def test_api_feed_of_the_newest_translations(desk: TestClient) -> None:
    client = desk
    page = (
        '<article><h1>Harbour reopens</h1><p class="standfirst">Boats are back.</p>'
        '<p>The <a href="https://harbour.example/">harbour</a> reopened.</p>'
        '<p><img src="x" onerror="alert(1)">Crews cheered.</p></article>'
    )
    client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT)
    client.put("/v1/articles/h2", content=page, headers={"content-type": "text/html"})
    assert client.get("/v1/feeds/es").text.count("<item>") == 0  # nothing translated yet
    run_jobs(client)

    answer = client.get("/v1/feeds/es")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/rss+xml; charset=utf-8"
    channel = etree.fromstring(answer.text.split("\n", 1)[1].encode()).find("channel")
    assert channel is not None and channel.findtext("language") == "es"
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == [
        f"h2@{client.get('/v1/articles/h2').json()['current']['version']}/es",
        f"a1@{client.get('/v1/articles/a1').json()['current']['version']}/es",
    ]  # the newest first
    harbour = items[0]
    assert harbour.findtext("title", "").startswith("⟦")
    description = harbour.findtext("description", "")
    assert "Beta V.1.0 - Traducción automática" in description and "⟦" in description
    content = harbour.findtext(f"{{{CONTENT}}}encoded", "")
    assert content.startswith('<div lang="es" dir="ltr">')
    assert 'href="https://harbour.example/"' in content and "onerror" not in content

    # an update makes a new version: its translation is a new item, first
    client.put("/v1/articles/a1", content=CHANGED, headers=TEXT, params={"targets": "es"})
    run_jobs(client)
    items = etree.fromstring(client.get("/v1/feeds/es").text.split("\n", 1)[1].encode()).findall(
        "channel/item"
    )
    assert items[0].findtext("guid", "").startswith("a1@") and len(items) == 2
    assert client.get("/v1/feeds/es", params={"limit": 1}).text.count("<item>") == 1
    # a1's current version was sent for Spanish alone: Catalan readers get no stale version
    assert client.get("/v1/feeds/ca").text.count("<guid") == 1
    assert error_of(client.get("/v1/feeds/es", params={"limit": 0})) == (422, "validation_error")


def test_openapi_documents_the_articles_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/articles",
        "/v1/articles/{publisher_id}",
        "/v1/articles/{publisher_id}/versions",
        "/v1/articles/{publisher_id}/translations/{lang}",
        "/v1/articles/{publisher_id}/translations/{lang}/segments",
        "/v1/articles/{publisher_id}/translations/{lang}/approve",
        "/v1/jobs/{job_id}",
    ):
        assert path in paths, path
        assert all(op.get("summary") and op.get("description") for op in paths[path].values())
