"""Benchmark: CTranslate2 engine throughput by batch size, on the tiny test model.

    .venv/bin/python bench/neural.py [--sentences N] [--threads T]

Builds the tiny random Marian model of the tests (tests/tiny_models.py) in a temporary folder,
converts it, and translates N untagged news-like sentences (256 by default) through
``CTranslate2Engine.translate_batch`` with ``max_batch_size`` 1, 8 and 32, greedy, on the CPU.
Prints sentences per second for each and the ratio of batch 32 to batch 1, the baseline measured
in the same run. Target: batch 32 faster per sentence than batch 1 (ratio > 1), i.e. batching
is real. The model is tiny, so the ratio shows per-call overheads saved, not what a real model
gains (there, the matrix products dominate and batching gains come from using the cores).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.tiny_models

from tests.tiny_models import build_marian, convert, corpus

from tarjama.engines.ctranslate2 import CTranslate2Engine
from tarjama.model import Pair

BATCH_SIZES = (1, 8, 32)


def throughput(model: Path, sentences: list[str], batch_size: int, threads: int) -> float:
    engine = CTranslate2Engine(
        str(model),
        ["en-es"],
        beam_size=1,
        max_batch_size=batch_size,
        intra_threads=threads,
        max_output_ratio=1.5,
        max_output_extra=4,
    )
    pair = Pair("en", "es")
    engine.translate_batch(sentences[:batch_size], pair)  # load the model, warm the caches
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        engine.translate_batch(sentences, pair)
        best = max(best, len(sentences) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1, help="CTranslate2 intra_threads")
    args = parser.parse_args()
    en, _ = corpus(lines=args.sentences, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        hf = build_marian(Path(tmp))
        model = convert(hf, Path(tmp) / "marian-en-es-ct2", ["source.spm", "target.spm"])
        rates = {b: throughput(model, en, b, args.threads) for b in BATCH_SIZES}
    print(f"CTranslate2 engine, tiny Marian model, {len(en)} sentences, greedy, CPU")
    for b, rate in rates.items():
        print(f"  batch {b:>2}: {rate:9.1f} sentences/s")
    ratio = rates[32] / rates[1]
    print(f"  batch 32 / batch 1: {ratio:.2f}x  (target > 1: {'met' if ratio > 1 else 'MISSED'})")


if __name__ == "__main__":
    main()
