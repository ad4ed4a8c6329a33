"""Benchmark: what the quality checks and the estimate cost, and what the round trip costs.

    .venv/bin/python bench/qa.py [--articles N] [--repeat K]

Translates the same corpus (newstest2013 in articles of 25 sentences, as bench/pipeline.py)
into Spanish three ways, each with a freshly started engine, in alternating rounds:

- without checks: the pipeline with its QA stage taken out (no checks, no estimate, no
  dictionaries asked), the baseline;
- default: the pipeline as it ships (every check, the dictionaries they ask, the estimate);
- round trip: the default, and every sentence translated back through spa-eng for the estimate
  (``Translator(round_trip=True)``, off by default).

and prints each one's CPU seconds per article once the engine is warm (tarjama's process and
every process under it: the Apertium stages and the analysers the checks ask), the best of the
rounds, and what the checks and the round trip add, as a share of the pipeline without checks.
Target: the default checks add at most 10%.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator

from pipeline import NEWSTEST, corpus, words
from proctree import cpu_seconds, process_tree
from tarjama import formats, pipeline
from tarjama.engines.apertium import ApertiumEngine
from tarjama.model import Article
from tarjama.pipeline import Translator


@contextlib.contextmanager
def without_checks() -> Iterator[None]:
    """The pipeline with its QA stage taken out: no checks run, no dictionary is asked."""
    checks, dictionaries = pipeline._checks, pipeline._Dictionaries.of
    pipeline._checks = lambda *args: []  # type: ignore[assignment]
    pipeline._Dictionaries.of = classmethod(lambda cls, d: cls())  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        pipeline._checks = checks  # type: ignore[assignment]
        pipeline._Dictionaries.of = dictionaries  # type: ignore[method-assign]


def run(articles: list[Article], round_trip: bool = False) -> float:
    """CPU seconds of one translation of ``articles`` with a fresh engine, once it is warm
    (its processes, and the analysers the checks ask, started on the first article)."""
    with ApertiumEngine() as engine:
        translator = Translator(engine, round_trip=round_trip)
        translator.translate_many(articles[:1], "es")
        start = _cpu()
        for t in translator.translate_many(articles, "es"):
            formats.write(t, "text")
        return _cpu() - start


def _cpu() -> float:
    """This process's CPU seconds and those of every process under it."""
    return time.process_time() + sum(cpu_seconds(p) for p in process_tree(os.getpid())[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=60, help="articles in the corpus")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (the best is kept)")
    args = parser.parse_args()

    texts = corpus(args.articles)
    articles = [formats.read(t.encode(), "text") for t in texts]
    origin = "newstest2013" if NEWSTEST.exists() else "bundled samples"
    print(f"corpus: {len(articles)} articles, {words(texts):,} words ({origin})")

    def bare() -> float:
        with without_checks():
            return run(articles)

    variants: dict[str, Callable[[], float]] = {
        "without checks": bare,
        "default": lambda: run(articles),
        "round trip": lambda: run(articles, round_trip=True),
    }
    best: dict[str, float] = {}
    for k in range(args.repeat):
        for name, variant in variants.items():
            used = variant()
            best[name] = min(best.get(name, used), used)
            print(f"  round {k + 1}: {name:<15} {used:7.2f} s CPU", flush=True)
    n = len(articles)
    base = best["without checks"]
    for name, used in best.items():
        print(f"cpu         {name:<15}: {used / n * 1000:7.1f} ms per article ({used:.2f} s)")
    checks = best["default"] / base - 1
    trip = best["round trip"] / best["default"] - 1
    verdict = "PASS" if checks <= 0.10 else "FAIL"
    print(f"checks      add {checks:+.1%} to the pipeline's CPU (target <= +10%) {verdict}")
    print(f"round trip  adds {trip:+.1%} more (optional: round_trip = true)")
    return 0 if checks <= 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())
