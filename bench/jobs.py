# ruff: noqa: E402
"""Benchmark: publish latency and backfill throughput, embedded runner against Celery + Redis.

    .venv/bin/python bench/jobs.py [--articles 50] [--per-pair 30] [--backfill 1000]
        [--breaking 40] [--store postgresql|sqlite] [--deployments shared,split]
        [--phases embedded,celery,throughput,busy]

Needs Debian's ``redis-server`` and ``postgresql`` (``scripts/setup`` installs them) and
``taskset`` (util-linux). Everything runs on this machine, on 127.0.0.1, with the real Apertium
(eng-spa, eng-cat, en-gl), a fresh store per setup (SQLite for the embedded runner; for Celery,
PostgreSQL as a newsroom with replicas runs it, with its default durability, or ``--store
sqlite``), and a CMS's webhook receiver in this process: an article is *readable* when the
webhook events of all its languages have arrived, which is how a CMS learns it (the receiver
is told; nothing polls).

What runs, in one process tree, one after the other:

1. **One synchronous translation**, the yardstick: the article into es by the pipeline in this
   process (warm engine, memory off), the median of 5.
2. **Publish latency**, embedded: ``tarjama serve`` (the default runner, its threads), then
   ``--articles`` PUTs of a ~480-word article (the bundled ``port-strike.txt``, every sentence
   numbered so that no translation memory knows it) into es, ca and gl, one after the other,
   each timed from the PUT until the three events arrived; the first article after start
   included.
3. The same with ``[queue] url``: ``tarjama serve`` and the workers of each deployment, each
   ``--concurrency 1`` and pinned to a core (``taskset``): ``shared``, a worker per core taking
   every queue; ``split``, on each of the 2 cores a worker for breaking and normal work and one
   for the backfill at ``--nice 19`` (docs/queue.md, "Breaking news during a backfill").
4. **Backfill throughput**, Celery: ``--per-pair`` articles into one language at a time, one
   worker pinned to core 0: articles per hour per core for each pair; then the same articles
   into es with 2 workers pinned to cores 0 and 1 against 1 worker on core 0, in ``--rounds``
   alternating rounds, their medians compared.
5. **Breaking news during a backfill**, for each deployment: ``--breaking`` articles PUT as in
   3 on idle workers, then ``--backfill`` articles queued at the backfill priority (into es),
   then ``--breaking`` more while the same workers work through the backfill: the two p95
   compared, measured a minute apart (the machine's other load swung the idle p95 of 3 by
   half from one phase to the next, minutes apart). The
   workers' ``job N timing`` lines split each article's time: the PUT, its last job's wait in
   the queue, load, translation and store, and the rest (the webhook's delivery).

Targets (the issue's): publish p50 under 0.5 s and p95 under 1 s in both modes, first article
included; 2 workers at least 1.7x one; breaking p95 during the backfill at most 2x idle (the
first of ``--deployments`` is held to it, the others printed beside it). Exit 0
when all are met, 1 when one is not, 2 when the benchmark could not run.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder would come first on the path (a file here once shadowed the
# standard library's queue): the repository goes there instead, before any other import, and
# the folder last (for bench/service.py's own imports).
sys.path[0] = str(Path(__file__).resolve().parents[1])
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from bench.service import article_text, numbered
from tests.cluster import TARJAMA, Output, RedisServer, WorkerProcess, free_port

from tarjama import formats
from tarjama.api import create_key
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.jobs.distributed import CeleryQueue
from tarjama.runtime import Runtime

LANGS = ("es", "ca", "gl")


# --- a CMS ---------------------------------------------------------------------------------------


class Cms:
    """A webhook receiver: the moment each (article, language) was said to be ready."""

    def __init__(self) -> None:
        self.ready: dict[tuple[str, str], float] = {}
        self.changed = threading.Condition()
        cms = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                event = json.loads(self.rfile.read(int(self.headers["content-length"])))
                self.send_response(204)
                self.end_headers()
                with cms.changed:
                    cms.ready[(event["publisher_id"], event["language"])] = time.perf_counter()
                    cms.changed.notify_all()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tarjama"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def readable(self, publisher_id: str, langs: Sequence[str], timeout: float = 300) -> float:
        """When the last of ``langs`` of the article was said to be ready."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not all((publisher_id, lang) in self.ready for lang in langs):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{publisher_id} not readable in {timeout} s")
                self.changed.wait(left)
            return max(self.ready[(publisher_id, lang)] for lang in langs)


# --- processes -----------------------------------------------------------------------------------


def environment(folder: Path, **more: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")},
        "TARJAMA_DATA_DIR": str(folder / "data"),
        "TARJAMA_TARGETS": ",".join(LANGS),
        "TARJAMA_RATE_LIMIT": "0",
        **more,
    }


@contextmanager
def serving(env: dict[str, str], folder: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([TARJAMA, "serve", "--port", str(port)], env=env, cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    assert proc.stdout is not None
    output = Output(proc.stdout, folder / f"serve-{port}.log")
    try:
        output.wait_for(lambda line: line.startswith("Uvicorn running on"), "the server")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def workers(
    env: dict[str, str], folder: Path, cores: Sequence[int], *args: str
) -> Iterator[list[WorkerProcess]]:
    """One ``tarjama worker --concurrency 1`` per core, pinned to it with taskset."""
    started: list[WorkerProcess] = []
    try:
        for core in cores:
            log = folder / f"worker-{core}-{time.time():.0f}.log"
            started.append(_pinned_worker(env, log, core, *args))
        yield started
    finally:
        for worker in started:
            worker.stop()


def _pinned_worker(env: dict[str, str], log: Path, core: int, *args: str) -> WorkerProcess:
    worker = WorkerProcess.__new__(WorkerProcess)  # as WorkerProcess starts one, under taskset
    worker.proc = subprocess.Popen(
        ["taskset", "-c", str(core), TARJAMA, "worker", "--concurrency=1", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    assert worker.proc.stdout is not None
    worker.output = Output(worker.proc.stdout, log)
    # A worker at --nice 19 on a machine busy with other work can take minutes to warm up.
    worker.output.wait_for(lambda line: " ready, engine warm" in line, "a worker to warm up",
                           timeout=900)  # fmt: skip
    return worker


DEPLOYMENTS = {
    "shared": [("--queues=breaking,normal,backfill",)],
    "split": [("--queues=breaking,normal",), ("--queues=backfill", "--nice=19")],
}
"""The workers of each deployment, one of each per core: ``shared``, a worker per core taking
every priority; ``split``, a worker per core for breaking (and normal) work and another at
niceness 19 for the backfill (docs/queue.md, "Breaking news during a backfill")."""


@contextmanager
def deployment(env: dict[str, str], folder: Path, kind: str) -> Iterator[list[WorkerProcess]]:
    with ExitStack() as stack:
        started: list[WorkerProcess] = []
        for args in DEPLOYMENTS[kind]:
            started += stack.enter_context(workers(env, folder, (0, 1), *args))
        yield started


@contextmanager
def postgres_store(folder: Path) -> Iterator[str]:
    """A PostgreSQL database (tests/postgres.py's server) with the default durability a
    newsroom's server has (fsync, synchronous commits); its SQLAlchemy URL."""
    from tests.postgres import start_server

    server = start_server()
    try:
        with server.connect() as admin:
            for name in ("fsync", "synchronous_commit", "full_page_writes"):
                admin.execute(f"ALTER SYSTEM SET {name} = on")
            admin.execute("SELECT pg_reload_conf()")
        yield server.url(server.create_database())
    finally:
        server.stop()


# --- measures ------------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


@dataclass
class Published:
    """One article's PUT: seconds until readable, seconds the PUT took, its jobs."""

    span: float
    put: float
    jobs: list[int]


def publish(url: str, key: str, cms: Cms, prefix: str, count: int, start: int = 0,
            register: bool = True) -> list[Published]:  # fmt: skip
    """Each PUT, timed until its three languages were said to be ready."""
    text = article_text()
    headers = {"X-API-Key": key, "content-type": "text/plain"}
    if register:
        _register(url, key, cms)
    published = []
    with httpx.Client(timeout=60) as client:
        for n in range(start, start + count):
            pid = f"{prefix}-{n}"
            began = time.perf_counter()
            answer = client.put(f"{url}/v1/articles/{pid}", content=numbered(text, n).encode(),
                                headers=headers)  # fmt: skip
            answered = time.perf_counter()
            if answer.status_code not in (201, 202):
                raise RuntimeError(f"PUT {pid}: {answer.status_code} {answer.text}")
            span = cms.readable(pid, LANGS) - began
            published.append(Published(span, answered - began, list(answer.json()["jobs"])))
    return published


TIMING = re.compile(
    r"job (\d+) timing: (\w+) (\w+) attempt (\d+), queued ([\d.]+) s, load ([\d.]+) s, "
    r"translate ([\d.]+) s, store ([\d.]+) s"
)


def timings(started: Sequence[WorkerProcess]) -> dict[int, dict[str, Any]]:
    """What the workers said of each job they ran (the newsroom's ``job N timing`` lines)."""
    found: dict[int, dict[str, Any]] = {}
    for worker in started:
        for line in list(worker.output.lines):
            match = TIMING.search(line)
            if match:
                job, priority, lang, _, *seconds = match.groups()
                queued, load, translate, store = map(float, seconds)
                found[int(job)] = {
                    "priority": priority, "lang": lang, "queued": queued, "load": load,
                    "translate": translate, "store": store,
                }  # fmt: skip
    return found


def breakdown(published: Sequence[Published], jobs: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Where each article's time went, by its last job: the PUT, the job's wait in the queue,
    its run (load, translate, store), and the rest (the webhook's delivery); and each
    language's translation times."""
    parts: dict[str, list[float]] = {k: [] for k in ("put", "queued", "load", "translate",
                                                     "store", "rest", "span")}  # fmt: skip
    langs: dict[str, list[float]] = {lang: [] for lang in LANGS}
    for item in published:
        ran = [jobs[j] for j in item.jobs if j in jobs]
        for job in ran:
            langs[job["lang"]].append(job["translate"])
        if len(ran) != len(item.jobs):
            continue
        last = max(ran, key=lambda j: j["queued"] + j["load"] + j["translate"] + j["store"])
        used = last["queued"] + last["load"] + last["translate"] + last["store"]
        parts["put"].append(item.put)
        for k in ("queued", "load", "translate", "store"):
            parts[k].append(last[k])
        parts["rest"].append(item.span - used - item.put)
        parts["span"].append(item.span)
    return {"parts": parts, "langs": langs}


def _register(url: str, key: str, cms: Cms) -> None:
    hook = httpx.post(f"{url}/v1/webhooks", json={"url": cms.url}, headers={"X-API-Key": key},
                      timeout=30)  # fmt: skip
    if hook.status_code not in (200, 201):
        raise RuntimeError(f"webhook refused: {hook.text}")


def synchronous(folder: Path) -> float:
    settings = Settings(data_dir=folder / "sync", memory=False, targets=("es",))
    text = article_text()
    with Runtime.open(settings) as runtime:
        translator = runtime.translator()
        translator.translate(formats.read(numbered(text, 0).encode(), "text"), "es")
        spans = []
        for n in range(1, 6):
            article = formats.read(numbered(text, n).encode(), "text")
            began = time.perf_counter()
            translator.translate(article, "es")
            spans.append(time.perf_counter() - began)
    return statistics.median(spans)


def backfill_rate(env: dict[str, str], folder: Path, cores: Sequence[int], langs: Sequence[str],
                  count: int, first: int) -> float:  # fmt: skip
    """Articles per hour through workers pinned to ``cores``, into ``langs``."""
    settings = Settings.load(environ=env)
    text = article_text()
    # This process only submits (the pseudo engine says every pair is served); workers translate.
    with Runtime.open(settings, engine=PseudoEngine()) as runtime, \
            workers(env, folder, cores, "--queues=backfill"):  # fmt: skip
        news = runtime.newsroom()
        queue = CeleryQueue(settings, runtime.store)
        began = time.perf_counter()
        jobs = []
        for n in range(first, first + count):
            submission = news.submit(numbered(text, n).encode(), "text", f"b-{n}", list(langs),
                                     priority="backfill")  # fmt: skip
            queue.dispatch(submission.jobs, "backfill")
            jobs += submission.jobs
        finished = queue.wait(lambda: _all_done(news, jobs), timeout=3600)
        if not finished:
            raise RuntimeError("the backfill did not finish within an hour")
        return count / (time.perf_counter() - began) * 3600


def _all_done(news: Any, jobs: Sequence[int]) -> bool:
    return all(j.state in ("done", "failed") for j in news.jobs(limit=len(jobs) + 100)
               if j.id in set(jobs))  # fmt: skip


# --- the run -------------------------------------------------------------------------------------


PHASES = ("embedded", "celery", "throughput", "busy")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--per-pair", type=int, default=30)
    parser.add_argument("--backfill", type=int, default=1000)
    parser.add_argument("--breaking", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of one worker against two (medians compared)")  # fmt: skip
    parser.add_argument(
        "--store",
        choices=("postgresql", "sqlite"),
        default="postgresql",
        help="the store of the Celery runs (the embedded one is SQLite)",
    )
    parser.add_argument("--deployments", default="shared,split",
                        help="worker deployments measured, of: split, shared (the first "
                        "is held to the targets)")  # fmt: skip
    parser.add_argument("--phases", default=",".join(PHASES),
                        help="what to run, of: %(default)s")  # fmt: skip
    args = parser.parse_args(argv)
    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    kinds = [k.strip() for k in args.deployments.split(",") if k.strip()]
    if not kinds or set(kinds) - set(DEPLOYMENTS):
        parser.error(f"--deployments: some of {', '.join(DEPLOYMENTS)}")
    if phases - set(PHASES):
        parser.error(f"--phases: some of {', '.join(PHASES)}")
    for tool in ("redis-server", "taskset", "apertium"):
        if shutil.which(tool) is None:
            print(f"queue bench: {tool} is not installed (scripts/setup)", file=sys.stderr)
            return 2
    folder = Path(tempfile.mkdtemp(prefix="tarjama-bench-queue-"))
    cms = Cms()
    results: dict[str, Any] = {}
    try:
        results["sync"] = synchronous(folder)
        print(f"one synchronous translation into es: {results['sync'] * 1000:.0f} ms", flush=True)

        if "embedded" in phases:
            embedded = environment(folder / "embedded")
            (folder / "embedded").mkdir()
            key = create_key(Settings.load(environ=embedded), "bench", "editor")
            with serving(embedded, folder / "embedded") as url:
                results["embedded"] = publish(url, key, cms, "e", args.articles)
            print("embedded: done", flush=True)

        redis = RedisServer(folder / "redis")
        redis.start()
        stack = ExitStack()
        try:
            store = {}
            if args.store == "postgresql":
                store["TARJAMA_STORE"] = stack.enter_context(postgres_store(folder))
            celery = environment(folder / "celery", TARJAMA_QUEUE_URL=redis.url, **store)
            (folder / "celery").mkdir()
            key = create_key(Settings.load(environ=celery), "bench", "editor")
            first = 100_000  # numbers no earlier article had: nothing comes from the memory
            if "celery" in phases:
                for n, kind in enumerate(kinds):
                    with serving(celery, folder / "celery") as url, \
                            deployment(celery, folder, kind) as started:  # fmt: skip
                        results[f"celery-{kind}"] = publish(url, key, cms, f"c-{kind}",
                                                            args.articles, start=1000 * n,
                                                            register=not n)  # fmt: skip
                        results[f"celery-{kind}-jobs"] = timings(started)
                    print(f"celery, {kind} workers: done", flush=True)

            if "throughput" in phases:
                rates: dict[str, float] = {}
                for lang in LANGS:
                    rates[lang] = backfill_rate(celery, folder, (0,), (lang,), args.per_pair,
                                                first)  # fmt: skip
                    first += args.per_pair
                # One worker against two, in alternating rounds: a single round of each swung
                # by a third from run to run on a 2-core machine, the medians hold still.
                ones, twos = [rates["es"]], []
                for round_ in range(args.rounds):
                    if round_:
                        ones.append(backfill_rate(celery, folder, (0,), ("es",), args.per_pair,
                                                  first))  # fmt: skip
                        first += args.per_pair
                    twos.append(backfill_rate(celery, folder, (0, 1), ("es",), args.per_pair,
                                              first))  # fmt: skip
                    first += args.per_pair
                results["rates"], results["ones"], results["twos"] = rates, ones, twos
                print("throughput: done", flush=True)

            if "busy" in phases:
                for n, kind in enumerate(kinds):
                    (
                        results[f"calm-{kind}"],
                        results[f"busy-{kind}"],
                        results[f"busy-{kind}-jobs"],
                        results[f"busy-{kind}-rate"],
                    ) = breaking_during_backfill(
                        celery,
                        folder,
                        cms,
                        key,
                        args,
                        first,
                        kind,
                        start=10_000 * (n + 1),
                        register=not n and "celery" not in phases,
                    )
                    first += args.backfill
                    print(f"breaking during a backfill, {kind} workers: done", flush=True)
        finally:
            redis.stop()
            stack.close()
    finally:
        cms.server.shutdown()
    return report(results, args)


def breaking_during_backfill(
    env: dict[str, str],
    folder: Path,
    cms: Cms,
    key: str,
    args: argparse.Namespace,
    first: int,
    kind: str,
    start: int,
    register: bool = False,
) -> tuple[list[Published], list[Published], dict[int, dict[str, Any]], float]:
    """``--breaking`` stories on idle workers, then as many while the same workers work through
    ``--backfill`` articles queued meanwhile: the two measured a minute apart, so that the load
    of the machine's other work weighs on both alike; and the backfill's pace meanwhile."""
    settings = Settings.load(environ=env)
    text = article_text()
    with Runtime.open(settings, engine=PseudoEngine()) as runtime, \
            serving(env, folder / "celery") as url, \
            deployment(env, folder, kind) as started:  # fmt: skip
        news = runtime.newsroom()
        queue = CeleryQueue(settings, runtime.store)
        idle = publish(url, key, cms, f"calm-{kind}", args.breaking, start=start,
                       register=register)  # fmt: skip
        for n in range(first, first + args.backfill):
            submission = news.submit(numbered(text, n).encode(), "text", f"old-{n}", ["es"],
                                     priority="backfill")  # fmt: skip
            queue.dispatch(submission.jobs, "backfill")
        before = sum(1 for j in timings(started).values() if j["priority"] == "backfill")
        began = time.perf_counter()
        busy = publish(url, key, cms, f"busy-{kind}", args.breaking, start=start + 5000,
                       register=False)  # fmt: skip
        spent = time.perf_counter() - began
        waiting = queue.depth()["backfill"]
        ran = timings(started)
    if waiting == 0:
        print("warning: the backfill ran out before the breaking stories ended", flush=True)
    # The backfill's own pace meanwhile: it did run, whatever its priority.
    done = sum(1 for j in ran.values() if j["priority"] == "backfill") - before
    return idle, busy, ran, done / spent * 3600


def report(results: dict[str, Any], args: argparse.Namespace) -> int:
    sync = results["sync"]
    met = True
    kinds = [k.strip() for k in args.deployments.split(",")
             if f"celery-{k.strip()}" in results or f"calm-{k.strip()}" in results]  # fmt: skip
    print()
    print(f"Celery runs on {args.store}; workers: " + "; ".join(
        f"{k}: " + " + ".join(" ".join(a) for a in DEPLOYMENTS[k]) + " (one of each per core)"
        for k in kinds))  # fmt: skip
    if "embedded" in results or kinds:
        print(f"publish latency, PUT of a ~480-word article until es, ca and gl are readable "
              f"({args.articles} articles, the first after start included); one synchronous "
              f"translation into es: {sync * 1000:.0f} ms")  # fmt: skip
        print(f"{'':24}{'p50':>9}{'p95':>9}{'first':>9}{'max':>9}{'p50/sync':>10}")
    for name in ["embedded"] + [f"celery-{k}" for k in kinds]:
        if name not in results:
            continue
        spans = [p.span for p in results[name]]
        p50, p95 = quantile(spans, 0.5), quantile(spans, 0.95)
        met &= p50 < 0.5 and p95 < 1.0
        label = "embedded (serve)" if name == "embedded" else f"celery, {name[7:]} workers"
        print(f"{label:24}{p50 * 1000:>7.0f}ms{p95 * 1000:>7.0f}ms{spans[0] * 1000:>7.0f}ms"
              f"{max(spans) * 1000:>7.0f}ms{p50 / sync:>9.1f}x")  # fmt: skip
    if "embedded" in results or kinds:
        print("target: p50 < 500 ms, p95 < 1000 ms in both modes")
        print()
    if "rates" in results:
        rates, ones, twos = results["rates"], results["ones"], results["twos"]
        print(f"backfill, articles per hour per worker core ({args.per_pair} articles a pair):")
        for lang, rate in rates.items():
            print(f"  en-{lang}: {rate:8.0f}")
        one, two = statistics.median(ones), statistics.median(twos)
        scale = two / one
        met &= scale >= 1.7
        print(f"  en-es, median of {len(ones)} rounds: 1 worker {one:8.0f}, 2 workers on 2 "
              f"cores {two:8.0f}  ({scale:.2f}x one; target >= 1.7x)")  # fmt: skip
        print(f"    rounds, 1 worker: {', '.join(f'{r:.0f}' for r in ones)}; "
              f"2 workers: {', '.join(f'{r:.0f}' for r in twos)}")  # fmt: skip
        print()
    for n, kind in enumerate(kinds):
        if f"busy-{kind}" not in results:
            continue
        idle = quantile([p.span for p in results[f"calm-{kind}"]], 0.95)
        busy = quantile([p.span for p in results[f"busy-{kind}"]], 0.95)
        if n == 0:
            met &= busy <= 2 * idle
        held = "" if n == 0 else ", not held to it"
        print(
            f"breaking news p95 during a {args.backfill}-article backfill, {kind} workers "
            f"({args.breaking} articles): {busy * 1000:.0f} ms against {idle * 1000:.0f} ms "
            f"just before, idle ({busy / idle:.2f}x; target <= 2x{held}); "
            f"the backfill meanwhile: {results[f'busy-{kind}-rate']:.0f} articles an hour"
        )
        print_breakdown(
            breakdown(results[f"calm-{kind}"], results[f"busy-{kind}-jobs"]),
            breakdown(results[f"busy-{kind}"], results[f"busy-{kind}-jobs"]),
        )
        print()
    return 0 if met else 1


def print_breakdown(idle: dict[str, Any], busy: dict[str, Any]) -> None:
    """Where a breaking article's time went, idle and during the backfill (its last job)."""
    print("  where the time went (ms; p50 / p95; the article's last job):")
    print(f"  {'':12}{'idle':>15}{'backfill':>15}")
    for part in ("put", "queued", "load", "translate", "store", "rest", "span"):
        cells = []
        for side in (idle, busy):
            values = side["parts"][part]
            cells.append(f"{_ms(values, 0.5)} / {_ms(values, 0.95)}" if values else "-")
        print(f"  {part:12}{cells[0]:>15}{cells[1]:>15}")
    print("  translation alone, per language (ms; p50, backfill against idle):")
    for lang in LANGS:
        a, b = idle["langs"][lang], busy["langs"][lang]
        if a and b:
            ratio = statistics.median(b) / statistics.median(a)
            print(f"    {lang}: {_ms(a, 0.5)} idle, {_ms(b, 0.5)} during ({ratio:.2f}x)")


def _ms(values: Sequence[float], q: float) -> str:
    if len(values) < 2:
        return f"{values[0] * 1000:.0f}"
    return f"{quantile(values, q) * 1000:.0f}"


if __name__ == "__main__":
    sys.exit(main())
