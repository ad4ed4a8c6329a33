"""The queue on Celery and a real Redis: priorities, and faults, each with real processes.

Every test starts its own Redis (append-only, fsynced at every write: ``tests/cluster.py``),
real ``tarjama worker`` processes and, where the service matters, a real ``tarjama serve``.
What a test waits for is a line a process writes ("job 7 done", "... ready."), never a time.
The store is SQLite and PostgreSQL (the ``store_url`` fixture) for the faults that touch it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis
from sqlalchemy import func, select

from tarjama.api import create_key
from tarjama.config import Settings
from tarjama.errors import ConfigError
from tarjama.jobs import webhooks
from tarjama.jobs.distributed import QUEUES, CeleryQueue
from tarjama.jobs.webhooks import sign
from tarjama.newsroom import Newsroom
from tarjama.runtime import Runtime
from tarjama.store import Delivery, Job, StoredTranslation
from tests.cluster import FlowerProcess, RedisServer, WorkerProcess
from tests.conftest import _in_ci, needs_apertium
from tests.test_serve_restart import Server, descendants
from tests.test_webhooks import Receiver

STORY = "Harbour reopens\n\nFerries returned to the harbour on Tuesday after a storm.\n"


def env_for(tmp_path: Path, store_url: str, redis: RedisServer, **more: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")},
        "TARJAMA_DATA_DIR": str(tmp_path / "data"),
        "TARJAMA_STORE": store_url,
        "TARJAMA_QUEUE_URL": redis.url,
        "TARJAMA_ENGINE": "pseudo",
        "TARJAMA_TARGETS": "es",
        "TARJAMA_JOB_LEASE": "3",
        **more,
    }


def settings_for(env: dict[str, str]) -> Settings:
    return Settings.load(environ=env)


@pytest.fixture
def workers() -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def ran(worker: WorkerProcess) -> list[int]:
    """The jobs the worker started, in order."""
    return [int(line.split()[-2]) for line in worker.output.lines
            if line.endswith(" running") and "job " in line]  # fmt: skip


def done_in(worker: WorkerProcess, job: int, what: str = "") -> None:
    worker.output.wait_for(lambda line: line.endswith(f"job {job} done"), what or f"job {job}")


def submit(newsroom: Newsroom, queue: CeleryQueue, n: int, priority: str) -> int:
    [job] = newsroom.submit(f"Story {n}\n\nIt happened on day {n}.".encode(), "text", f"s{n}",
                            priority=priority).jobs  # fmt: skip
    queue.dispatch([job], priority)
    return job


# --- priorities ---------------------------------------------------------------------------------


def test_a_worker_takes_breaking_work_first(
    tmp_path: Path, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    env = env_for(tmp_path, "", redis_server)
    with Runtime.open(settings_for(env)) as runtime:
        newsroom = runtime.newsroom()
        queue = CeleryQueue(runtime.settings, runtime.store)
        backfill = [submit(newsroom, queue, n, "backfill") for n in range(4)]
        normal = submit(newsroom, queue, 10, "normal")
        breaking = submit(newsroom, queue, 20, "breaking")
        assert queue.depth() == {"breaking": 1, "normal": 1, "backfill": 4}
        worker = WorkerProcess(env, tmp_path / "worker.log")
        workers.append(worker)
        done_in(worker, backfill[0], "the first backfill job")
        assert ran(worker)[:3] == [breaking, normal, backfill[0]]

        # A breaking story published while the backfill runs waits for one task at most.
        late = [submit(newsroom, queue, 100 + n, "backfill") for n in range(20)]
        worker.output.wait_for(lambda line: line.endswith(f"job {late[0]} running"), "backfill")
        story = submit(newsroom, queue, 999, "breaking")
        started = [j for j in late if newsroom.job(j).state != "queued"]  # when it was sent
        done_in(worker, story, "the breaking story")
        order = ran(worker)
        after = order[max(order.index(j) for j in started) + 1 : order.index(story)]
        assert len(after) <= 1, (order, started)  # at most the one in hand when it came
        assert newsroom.job(late[-1]).state == "queued"  # the backfill had not run out


@needs_apertium
def test_a_backfill_worker_at_nice_19_runs_its_engines_at_19(
    tmp_path: Path, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    env = env_for(tmp_path, "", redis_server, TARJAMA_ENGINE="apertium")
    backfill = WorkerProcess(env, tmp_path / "backfill.log", "--queues=backfill", "--nice=19")
    workers.append(backfill)
    breaking = WorkerProcess(env, tmp_path / "breaking.log", "--queues=breaking,normal")
    workers.append(breaking)
    # The worker, its pool and the pool's engine pipelines all run at 19, and so does its
    # session (Linux's autogroup would otherwise share the CPU between sessions evenly).
    tree = [backfill.proc.pid, *descendants(backfill.proc.pid)]
    assert any(b"lt-proc" in Path(f"/proc/{pid}/cmdline").read_bytes() for pid in tree)
    assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in tree} == {19}
    others = [breaking.proc.pid, *descendants(breaking.proc.pid)]
    assert {os.getpriority(os.PRIO_PROCESS, pid) for pid in others} == {0}
    if Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1":
        group = Path(f"/proc/{backfill.proc.pid}/autogroup").read_text()
        assert group.rstrip().endswith("nice 19"), group


def test_webhook_deliveries_go_to_the_queue_of_their_job(
    tmp_path: Path, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    receiver = Receiver()
    env = env_for(tmp_path, "", redis_server)
    try:
        backfill = WorkerProcess(env, tmp_path / "backfill.log", "--queues=backfill")
        workers.append(backfill)
        breaking = WorkerProcess(env, tmp_path / "breaking.log", "--queues=breaking,normal")
        workers.append(breaking)
        with Runtime.open(settings_for(env)) as runtime:
            with runtime.store.begin() as session:
                webhooks.register(session, "", receiver.url)
            newsroom = runtime.newsroom()
            queue = CeleryQueue(runtime.settings, runtime.store)
            old = [submit(newsroom, queue, n, "backfill") for n in range(6)]
            backfill.output.wait_for(lambda line: line.endswith(f"job {old[0]} running"), "it")
            story = submit(newsroom, queue, 99, "breaking")
            done_in(breaking, story, "the breaking story")
            done_in(backfill, old[-1], "the backfill")
            assert ran(breaking) == [story] and ran(backfill) == old
            receiver.wait_for(len(old) + 1, timeout=60)
            with runtime.store.session() as session:
                sent = {json.loads(d.body)["publisher_id"]: (d.id, d.priority)
                        for d in session.scalars(select(Delivery))}  # fmt: skip
        # Each delivery went to its job's queue, the story's to the breaking worker: a
        # backfill's thousands of deliveries do not stand before it.
        assert {pid: p for pid, (_, p) in sent.items()} == {
            "s99": "breaking",
            **{f"s{n}": "backfill" for n in range(6)},
        }
        for worker, pid in ((breaking, "s99"), (backfill, "s0"), (backfill, "s5")):
            said = f"webhook delivery {sent[pid][0]} ("
            # The worker writes its line once the receiver has answered: wait for it.
            worker.output.wait_for(lambda line, said=said: said in line, f"{pid}'s delivery")
            assert worker.output.count(lambda line, said=said: said in line) == 1, pid
    finally:
        receiver.close()


# --- faults -------------------------------------------------------------------------------------


def rows(runtime: Runtime, model: type[Job] | type[StoredTranslation]) -> int:
    with runtime.store.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


@needs_apertium
def test_a_worker_killed_mid_task_loses_nothing(
    tmp_path: Path, store_url: str, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    """The worker's Apertium is stopped (SIGSTOP) so that the job is caught running; the whole
    worker is then killed with SIGKILL. Another worker takes the job over once its lease (3 s)
    ran out, and exactly one translation is stored."""
    env = env_for(tmp_path, store_url, redis_server, TARJAMA_ENGINE="apertium")
    first = WorkerProcess(env, tmp_path / "first.log")
    workers.append(first)
    pool = set(first.children())
    engine = [pid for pid in descendants(first.proc.pid) if pid not in pool]
    assert engine, "the worker process should have started its en-es pipeline"
    for pid in engine:
        os.kill(pid, signal.SIGSTOP)
    # The test's side submits with the pseudo engine: it only checks that en-es is served.
    with Runtime.open(settings_for({**env, "TARJAMA_ENGINE": "pseudo"})) as runtime:
        queue = CeleryQueue(runtime.settings, runtime.store)
        [job] = runtime.newsroom().submit(STORY.encode(), "text", "harbour-1").jobs
        queue.dispatch([job], "breaking")
        first.output.wait_for(lambda line: line.endswith(f"job {job} running"), "the job to start")
        first.kill()
        for pid in engine:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

        second = WorkerProcess(env, tmp_path / "second.log")
        workers.append(second)
        done_in(second, job, "the job, on the second worker")
        assert ran(second) == [job]
        info = runtime.newsroom().job(job)
        assert (info.state, info.attempts) == ("done", 2)
        assert rows(runtime, StoredTranslation) == 1
        translation = runtime.newsroom().translation("harbour-1", "es")
        assert translation.status == "translated" and translation.translation is not None
        assert translation.translation.provenance.engine == "apertium"


def test_redis_restarted_mid_run_loses_no_job(
    tmp_path: Path, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    """Redis is killed (SIGKILL) while a worker works through 30 jobs, and started again on its
    append-only file: every job ends done, once."""
    env = env_for(tmp_path, "", redis_server)
    with Runtime.open(settings_for(env)) as runtime:
        newsroom = runtime.newsroom()
        queue = CeleryQueue(runtime.settings, runtime.store)
        jobs = [submit(newsroom, queue, n, "normal") for n in range(30)]
        worker = WorkerProcess(env, tmp_path / "worker.log")
        workers.append(worker)
        done_in(worker, jobs[0], "the first job")
        redis_server.kill()
        redis_server.start()
        for job in jobs:
            done_in(worker, job)
        assert sorted(set(ran(worker))) == jobs
        assert {newsroom.job(job).state for job in jobs} == {"done"}
        assert rows(runtime, StoredTranslation) == 30


def test_a_job_whose_message_the_broker_lost_is_sent_again(
    tmp_path: Path, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    """A Redis that lost its last writes (``appendfsync everysec``), a purged queue, a task
    revoked in Flower: the jobs stay queued in the store, and are sent again once two leases
    have passed with their queue empty."""
    env = env_for(tmp_path, "", redis_server)  # a lease of 3 s: lost after 6
    with Runtime.open(settings_for(env)) as runtime:
        newsroom = runtime.newsroom()
        queue = CeleryQueue(runtime.settings, runtime.store)
        jobs = [submit(newsroom, queue, n, "normal") for n in range(3)]
        assert queue.depth()["normal"] == 3
        Redis.from_url(redis_server.url).delete(QUEUES["normal"])  # the messages, gone
        assert queue.sweep() == []  # sent too lately to be taken for lost
        worker = WorkerProcess(env, tmp_path / "worker.log")
        workers.append(worker)
        for job in jobs:
            done_in(worker, job)
        assert sorted(ran(worker)) == jobs  # once each
        assert worker.output.count(lambda line: "messages were lost by the broker" in line) >= 1
        assert {newsroom.job(job).state for job in jobs} == {"done"}


def test_an_api_killed_loses_nothing_and_concurrent_puts_make_one_task(
    tmp_path: Path,
    store_url: str,
    redis_server: RedisServer,
    workers: list[WorkerProcess],
    servers: list[Server],
) -> None:
    env = env_for(tmp_path, store_url, redis_server, TARJAMA_TARGETS="es,ca")
    key = create_key(settings_for(env), "desk", "editor")
    api = Server(env, tmp_path / "api.log", key)
    servers.append(api)
    ready = httpx.get(f"{api.url}/ready", timeout=30).json()
    assert ready["checks"]["queue"] == (
        "ok: 0 workers live; waiting: 0 breaking, 0 normal, 0 backfill"
    )

    # 20 PUTs of one article at once: one version, one task per language.
    start = threading.Barrier(20)
    answers: list[httpx.Response] = []

    def put() -> None:
        start.wait()
        answers.append(httpx.put(f"{api.url}/v1/articles/a1", content=STORY.encode(),
                                 headers={"content-type": "text/plain", **api.headers},
                                 timeout=30))  # fmt: skip

    threads = [threading.Thread(target=put) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * 19 + [201]
    [created] = [a.json() for a in answers if a.status_code == 201]
    assert len(created["jobs"]) == 2

    # The broker is down when the next story comes: it is stored, then the service is killed.
    redis_server.stop()
    late = httpx.put(f"{api.url}/v1/articles/a2", content=STORY.replace("Tuesday", "Monday"),
                     headers={"content-type": "text/plain", **api.headers}, timeout=30)  # fmt: skip
    assert late.status_code == 201, late.text
    api.kill()
    redis_server.start()

    worker = WorkerProcess(env, tmp_path / "worker.log")
    workers.append(worker)
    for job in created["jobs"] + late.json()["jobs"]:
        done_in(worker, job)
    assert sorted(ran(worker)) == sorted(created["jobs"] + late.json()["jobs"])  # once each
    with Runtime.open(settings_for(env), engine=False) as runtime:
        assert rows(runtime, Job) == 4 and rows(runtime, StoredTranslation) == 4


def test_workers_deliver_webhooks(
    tmp_path: Path, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    receiver = Receiver(failures=1)
    env = env_for(tmp_path, "", redis_server)
    try:
        with Runtime.open(settings_for(env)) as runtime:
            with runtime.store.begin() as session:
                _, secret = webhooks.register(session, "", receiver.url, ["translated"])
            queue = CeleryQueue(runtime.settings, runtime.store)
            submit(runtime.newsroom(), queue, 1, "breaking")
            workers.append(WorkerProcess(env, tmp_path / "worker.log"))
            [(_, refused), (headers, body)] = receiver.wait_for(2, timeout=60)  # after 1 s
        assert refused == body
        assert headers["x-tarjama-signature"] == sign(secret, headers["x-tarjama-timestamp"], body)
        event = json.loads(body)
        assert (event["event"], event["publisher_id"], event["language"]) == (
            "translated",
            "s1",
            "es",
        )
    finally:
        receiver.close()


# --- Flower -------------------------------------------------------------------------------------


def test_flower_sees_the_workers_and_their_tasks(
    tmp_path: Path, redis_server: RedisServer, workers: list[WorkerProcess]
) -> None:
    if importlib.util.find_spec("flower") is None:
        missing = "Flower is not installed: it is in the dev extra (scripts/setup dev)"
        if _in_ci():
            pytest.fail(f"{missing} (CI=true: the queue's tests must run in CI)", pytrace=False)
        pytest.skip(missing)
    env = env_for(tmp_path, "", redis_server)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    workers.append(worker)
    flower = FlowerProcess(redis_server.url, tmp_path / "flower.log")
    try:
        # Flower asks the workers for task events when it starts; tasks before that are unseen
        worker.output.wait_for(lambda line: "Events of group {task} enabled" in line, "events")
        with Runtime.open(settings_for(env)) as runtime:
            job = submit(runtime.newsroom(), CeleryQueue(runtime.settings, runtime.store), 1,
                         "breaking")  # fmt: skip
        done_in(worker, job)

        api = httpx.Client(base_url=flower.url, auth=flower.auth, timeout=10)
        assert api.get("/api/workers").status_code == 200
        assert httpx.get(f"{flower.url}/api/workers", timeout=10).status_code == 401
        found = api.get("/api/workers", params={"refresh": "1"}).json()
        [name] = [n for n in found if n.startswith(f"tarjama-{worker.proc.pid}@")]
        queues = {q["name"] for q in found[name]["active_queues"]}
        assert queues == {"tarjama.0-breaking", "tarjama.1-normal", "tarjama.2-backfill"}

        # the task's success event reaches Flower after the worker's own log line: ask again
        deadline = time.monotonic() + 30
        succeeded = {"taskname": "tarjama.translate", "state": "SUCCESS"}
        while not (tasks := api.get("/api/tasks", params=succeeded).json()):
            assert time.monotonic() < deadline, "Flower never saw the task succeed"
            threading.Event().wait(0.2)
        [task] = tasks.values()
        assert (task["args"], task["worker"], task["result"]) == (f"[{job}]", name, "'done'")
    finally:
        flower.stop()


# --- settings -----------------------------------------------------------------------------------


def test_the_queue_settings(tmp_path: Path) -> None:
    config = tmp_path / "tarjama.toml"
    config.write_text('[queue]\nurl = "redis://cache:6379/2"\nlease = 30\n')
    settings = Settings.load(config, environ={})
    assert (settings.queue_url, settings.job_lease) == ("redis://cache:6379/2", 30.0)
    settings = Settings.load(config, environ={"TARJAMA_QUEUE_URL": "redis://other/0",
                                              "TARJAMA_JOB_LEASE": "5"})  # fmt: skip
    assert (settings.queue_url, settings.job_lease) == ("redis://other/0", 5.0)
    assert Settings.load(environ={}).queue_url == ""  # the embedded runner
    for text, said in [('[queue]\nurls = "x"\n', "[queue] takes url and lease"),
                       ("[queue]\nlease = 0\n", "job_lease must be above 0")]:  # fmt: skip
        config.write_text(text)
        with pytest.raises(ConfigError, match=re.escape(said)):
            Settings.load(config, environ={})
