"""Benchmark: tarjama's full pipeline against raw Apertium, measured in the same run.

    .venv/bin/python bench/pipeline.py [--articles N] [--repeat K]

1. Throughput, in source words per second, over the same corpus: ``apertium eng-spa`` reading
   the corpus as plain text (one process for everything, as fast as Apertium goes) against
   ``tarjama``'s whole pipeline (read, segment, protect, translate, restore, write) with a
   freshly started engine. Target: a ratio of at least 0.8.
2. Latency of one article: a warm tarjama engine against spawning ``apertium eng-spa`` once for
   the article (what a naive integration does per request). Target: at most a third.

The corpus is the newstest2013 English source grouped into articles of 25 sentences (when
../shared is beside the repository), else the bundled sample articles repeated.

Beside the throughput, the CPU seconds of each side's last run: the raw pipeline's processes,
and tarjama's Python process with every process under it (the Apertium stages, the tagger filter
and the taggers it replaced), read from /proc before the engine stops. On a machine whose cores
both sides keep busy, this tells where the difference goes. tarjama's own CPU (its Python
process: every thread, none of the engine's processes) is also given per 500 words of source,
the size of the issue's article; target: at most 7 ms. Its engine's CPU is given by kind of
process too: the pipeline's stages, the tagger filter (its taggers and those it replaced
included) and the analysers the checks and names ask, with the number of tagger restarts.

The two sides of each comparison run alternately, so that a burst of load from other work on the
machine falls on both alike; each side's best time is kept, and the spread of the per-round
ratios is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from proctree import cpu_seconds, parent_of, process_tree
from tarjama import formats
from tarjama.engines.apertium import ApertiumEngine
from tarjama.formats.text import write_text
from tarjama.model import Article
from tarjama.pipeline import Translator

REPO = Path(__file__).resolve().parents[1]
NEWSTEST = REPO.parent / "shared" / "eval" / "newstest2013" / "newstest2013.en"


def corpus(n_articles: int) -> list[str]:
    """Articles in tarjama's plain-text layout: headline, blank line, paragraphs."""
    if NEWSTEST.exists():
        lines = NEWSTEST.read_text(encoding="utf-8").splitlines()
        size = 25
        chunks = [lines[i : i + size] for i in range(0, len(lines), size)][:n_articles]
        return ["\n\n".join(chunk) + "\n" for chunk in chunks if len(chunk) > 2]
    samples = [
        f.read_text(encoding="utf-8")
        for f in (files("tarjama") / "samples").iterdir()
        if f.name.endswith(".txt")
    ]
    return [samples[i % len(samples)] for i in range(n_articles)]


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


# CPU seconds of the last run of each side: (everything, of which this process).
cpu_used: dict[str, tuple[float, float]] = {}
# tarjama's engine processes in its last run: CPU seconds by kind, and the tagger's restarts.
engine_parts: dict[str, float] = {}


def kind_of(pid: int, root: int) -> str:
    """Which part of tarjama's engine a process under ``root`` is: the tagger filter (with the
    taggers it runs, and those it replaced and reaped), an analyser the checks and names ask
    (an ``lt-proc`` of the engine's own), or a stage of a pipeline."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "stages"
    if any(a.endswith(b"tagger.py") for a in argv) or argv[0].endswith(b"apertium-tagger"):
        return "tagger filter"
    if argv[0].endswith(b"lt-proc") and parent_of(pid) == root:
        return "analysers"
    return "stages"


def alternating(
    k: int, first: Callable[[], object], second: Callable[[], object]
) -> list[tuple[float, float]]:
    """k rounds of (time of first, time of second), the two run one after the other."""
    return [(timed(first), timed(second)) for _ in range(k)]


def raw_apertium(texts: list[str]) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        ["apertium", "eng-spa"],
        input="\n".join(texts).encode(),
        stdout=subprocess.DEVNULL,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    cpu_used["raw"] = (used, 0.0)


def tarjama_pipeline(texts: list[str]) -> None:
    start = time.process_time()
    with ApertiumEngine() as engine:
        translator = Translator(engine)
        articles: list[Article] = [formats.read(t.encode(), "text") for t in texts]
        for t in translator.translate_many(articles, "es"):
            write_text(t)
        python = time.process_time() - start
        engine_parts.clear()
        for pid in process_tree(os.getpid())[1:]:
            kind = kind_of(pid, os.getpid())
            engine_parts[kind] = engine_parts.get(kind, 0.0) + cpu_seconds(pid)
        engine_parts["tagger restarts"] = engine.tagger_restarts
        under = sum(v for k, v in engine_parts.items() if k != "tagger restarts")
        cpu_used["tarjama"] = (python + under, python)


OWN_CPU_TARGET_MS = 7.0
"""tarjama's own CPU per 500 words of source in the pipeline, at most."""


def verdict_of(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=120, help="articles in the corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side (best is kept)")
    args = parser.parse_args()

    texts = corpus(args.articles)
    n_words = words(texts)
    origin = "newstest2013" if NEWSTEST.exists() else "bundled samples"
    print(f"corpus: {len(texts)} articles, {n_words:,} words ({origin})")
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    rounds = alternating(args.repeat, lambda: raw_apertium(texts), lambda: tarjama_pipeline(texts))
    raw_s, ours_s = min(r for r, _ in rounds), min(o for _, o in rounds)
    raw_wps, ours_wps = n_words / raw_s, n_words / ours_s
    ratio = ours_wps / raw_wps
    per_round = sorted(r / o for r, o in rounds)
    print(f"throughput  raw apertium eng-spa : {raw_wps:9,.0f} words/s ({raw_s:.2f} s)")
    print(f"throughput  tarjama pipeline     : {ours_wps:9,.0f} words/s ({ours_s:.2f} s)")
    verdict = verdict_of(ratio >= 0.8)
    print(f"throughput  ratio tarjama/raw    : {ratio:.2f}  (target >= 0.80) {verdict}")
    print(
        f"            (per round {per_round[0]:.2f}-{per_round[-1]:.2f} over {len(rounds)} rounds)"
    )
    # Both sides keep every core busy, so their CPU time tells where the difference goes even
    # when other work on the machine blurs the clock.
    (raw_cpu, _), (ours_cpu, python_cpu) = cpu_used["raw"], cpu_used["tarjama"]
    print(
        f"cpu         raw {raw_cpu:.2f} s; tarjama {ours_cpu:.2f} s, of which its Python "
        f"process {python_cpu:.2f} s (last round; ratio {raw_cpu / ours_cpu:.2f})"
    )
    per_500 = 500 / n_words
    own_ms = python_cpu * 1000 * per_500
    own_ok = own_ms <= OWN_CPU_TARGET_MS
    print(
        f"cpu/500 w   tarjama's own {own_ms:.1f} ms (target <= {OWN_CPU_TARGET_MS:.0f}) "
        f"{verdict_of(own_ok)}; its engine {(ours_cpu - python_cpu) * 1000 * per_500:.1f} ms; "
        f"raw apertium {raw_cpu * 1000 * per_500:.1f} ms"
    )
    parts = ", ".join(
        f"{kind} {engine_parts.get(kind, 0.0) * 1000 * per_500:.1f} ms"
        for kind in ("stages", "tagger filter", "analysers")
    )
    print(f"            its engine: {parts}; {engine_parts['tagger restarts']:.0f} tagger restarts")

    article_text = (files("tarjama") / "samples" / "port-strike.txt").read_text(encoding="utf-8")
    article = formats.read(article_text.encode(), "text")
    runs = 10
    with ApertiumEngine() as engine:
        translator = Translator(engine)
        translator.translate(article, "es")  # warm up: start the pipeline
        pairs = alternating(
            runs,
            lambda: raw_apertium([article_text]),
            lambda: translator.translate(article, "es"),
        )
    cold_ms = statistics.median(c for c, _ in pairs) * 1000
    warm_ms = statistics.median(w for _, w in pairs) * 1000
    latency_ratio = warm_ms / cold_ms
    print(f"latency     cold apertium spawn  : {cold_ms:7.1f} ms median of {runs}")
    print(f"latency     warm tarjama         : {warm_ms:7.1f} ms median of {runs}")
    verdict = verdict_of(latency_ratio <= 1 / 3)
    print(f"latency     ratio warm/cold      : {latency_ratio:.2f}  (target <= 0.33) {verdict}")
    print(f"            (one article of {article.words()} words)")
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0 if ratio >= 0.8 and latency_ratio <= 1 / 3 and own_ok else 1


if __name__ == "__main__":
    sys.exit(main())
