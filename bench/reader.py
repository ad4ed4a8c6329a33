"""Benchmark: the pages people use, served from the store, in process.

    .venv/bin/python bench/reader.py [--requests N] [--segments S]

On a fresh SQLite store with the pseudo engine (only the page's own cost is measured: nothing
is translated while timing), an HTML article of S sentences (40 by default: each a paragraph
with a link and an emphasis) is submitted and translated into Spanish; then, N times each,
through the whole app (routing, middleware, the key check, the store read, Jinja2):

1. ``GET /read/{id}/es``: the reader page of the translation (rendered pages are kept, keyed
   by all they show, so this is the store read and the kept page);
2. the same with the kept pages emptied before each request (every request renders);
3. ``GET /read/{id}``: the reader page with ``Accept-Language`` negotiation;
4. ``GET /desk/{id}/es``: the desk's view of the article, signed in (segments side by side,
   tokens, findings, glossary terms);
5. ``GET /desk/{id}/es/suggestions/N``: the memory's suggestions for the segment in focus,
   fetched when it gets focus.

Targets: the reader page at p50 under 10 ms, the desk's view of a 40-segment article under
50 ms. Prints p50, p95 and p99 per page, the CPU time per request (the steadier figure on a
machine other work shares) and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from tarjama.api import create_app, create_key
from tarjama.api.web import reader
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine


def article(sentences: int) -> bytes:
    paragraphs = "".join(
        f"<p>Reporter {i} said the <a href='https://example.com/{i}'>council</a> met "
        f"<em>today</em> to discuss item {i}.</p>"
        for i in range(sentences - 1)
    )
    return (
        f"<html><body><article><h1>Council meets</h1>{paragraphs}</article></body></html>".encode()
    )


def timed(
    client: TestClient,
    path: str,
    times: int,
    before: Callable[[], None] = lambda: None,
    **headers: str,
) -> tuple[list[float], float]:
    """Wall-clock seconds of each request, and the process's CPU seconds per request (the
    app runs in a thread of this process): on a shared machine the CPU time is the steadier.
    ``before`` runs ahead of each request, untimed."""
    taken = []
    cpu = 0.0
    for _ in range(times):
        before()
        cpu -= time.process_time()
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        taken.append(time.perf_counter() - start)
        cpu += time.process_time()
        assert response.status_code == 200, (path, response.status_code)
    return taken, cpu / times


def report(name: str, measured: tuple[list[float], float], target_ms: float) -> None:
    taken, cpu = measured
    cuts = statistics.quantiles(taken, n=100)
    p50, p95, p99 = statistics.median(taken) * 1000, cuts[94] * 1000, cuts[98] * 1000
    verdict = "ok" if p50 < target_ms else "OVER TARGET"
    print(f"{name:<30} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p99 {p99:6.2f} ms  "
          f"CPU {cpu * 1000:6.2f} ms/request  (target p50 < {target_ms:g} ms: "
          f"{verdict})")  # fmt: skip


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--segments", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), targets=("es",))
        app = create_app(settings, engine=PseudoEngine(), job_threads=0)
        with TestClient(app) as client:
            key = create_key(settings, "bench", "editor")
            put = client.put("/v1/articles/bench", content=article(args.segments),
                             headers={"content-type": "text/html", "X-API-Key": key})  # fmt: skip
            assert put.status_code == 201, put.text
            app.state.worker.run_pending()
            segments = app.state.newsroom.segments("bench", "es").translation.segments
            print(f"article: {len(segments)} segments, {args.requests} requests per page; {load()}")
            form = client.get("/desk/login").text
            token = re.search(r'name="csrf" value="([^"]*)"', form)
            assert token is not None
            client.post("/desk/login", data={"key": key, "csrf": token.group(1)})
            for path in ("/read/bench/es", "/desk/bench/es"):
                timed(client, path, 10)  # warm: templates compiled, connections open
            report("reader page /read/{id}/es", timed(client, "/read/bench/es", args.requests),
                   10)  # fmt: skip
            report("reader page, rendered each time",
                   timed(client, "/read/bench/es", args.requests, reader._PAGES.clear),
                   10)  # fmt: skip
            report("negotiated /read/{id} (es)",
                   timed(client, "/read/bench", args.requests, **{"accept-language": "es"}),
                   10)  # fmt: skip
            report(f"desk view, {len(segments)} segments",
                   timed(client, "/desk/bench/es", args.requests), 50)  # fmt: skip
            report("desk: one segment's suggestions",
                   timed(client, "/desk/bench/es/suggestions/5", args.requests), 50)  # fmt: skip
            print(load())


if __name__ == "__main__":
    main()
