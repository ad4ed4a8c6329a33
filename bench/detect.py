"""Benchmark: language detection (``tarjama.api.detect``), its cost and where to set the threshold.

    .venv/bin/python bench/detect.py [--eval ../shared/eval] [--per-language N]

1. Cost: py3langid's installed size, the time to import it and load its model in a fresh
   process (what the first ``/detect`` or ``source=auto`` pays), and the time of one detection
   of a sentence and of a 500-word article.
2. The threshold: sentences of FLORES-101 dev and newstest2013 in the installed source languages
   (en, es, ca, gl) and in one language no engine here has (ar), cut to their first 1, 2, 3, 4,
   6, 8 and 12 words and whole. For each length and threshold: the share of texts in an installed
   language that ``source=auto`` would take, rightly, and the number of texts it would take wrongly
   (the wrong language, or Arabic taken for an installed one). A wrong take is the costly error
   (a text translated from the wrong language comes back as garble with status 200); a refusal
   only asks the caller for ``source``. The default, 80, is the lowest threshold with no wrong
   take of a whole sentence and at most a few in a thousand at any length.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from importlib.metadata import distribution
from pathlib import Path

from tarjama.api.detect import detect

INSTALLED = ["en", "es", "ca", "gl"]
FOREIGN = ["ar"]
LENGTHS: list[int | None] = [1, 2, 3, 4, 6, 8, 12, None]
THRESHOLDS = [50.0, 60.0, 70.0, 80.0, 90.0]

COLD = """
import time
t0 = time.perf_counter()
from py3langid.langid import MODEL_FILE, LanguageIdentifier
t1 = time.perf_counter()
identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
t2 = time.perf_counter()
identifier.rank("El presidente dijo que las conversaciones habían terminado.")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def installed_mib(name: str) -> float:
    dist = distribution(name)
    return sum((f.size or 0) for f in dist.files or ()) / 2**20


def cost() -> None:
    print("== cost")
    own, numpy = installed_mib("py3langid"), installed_mib("numpy")
    print(f"py3langid installed: {own:.1f} MiB (and numpy, {numpy:.1f} MiB, as sacrebleu)")
    runs = []
    for _ in range(5):
        cold = subprocess.run([sys.executable, "-c", COLD], check=True, capture_output=True)
        runs.append([float(x) for x in cold.stdout.split()])
    for i, what in enumerate(("import", "model load", "first rank")):
        print(f"{what:>12}: {1000 * statistics.median(r[i] for r in runs):7.1f} ms (median of 5)")
    sentence = "El presidente dijo que las conversaciones habían terminado."
    article = " ".join([sentence] * 60)  # ~500 words
    detect(sentence, INSTALLED)
    for label, text in (("sentence", sentence), ("500 words", article)):
        n = 200
        start = time.perf_counter()
        for _ in range(n):
            detect(text, INSTALLED)
        print(f"{label:>12}: {1000 * (time.perf_counter() - start) / n:7.3f} ms per detection")


def _lines(path: Path, n: int) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:n]


def threshold(eval_dir: Path, per_language: int) -> None:
    print("== threshold: right takes (share of installed-language texts) / wrong takes (count)")
    texts: dict[str, list[str]] = {}
    for lang in INSTALLED + FOREIGN:
        texts[lang] = _lines(eval_dir / "flores101-dev" / f"flores-dev.{lang}", per_language)
    for lang in ("en", "es"):
        texts[lang] += _lines(eval_dir / "newstest2013" / f"newstest2013.{lang}", per_language)
    print(f"texts: {', '.join(f'{lang} {len(t)}' for lang, t in texts.items())}")
    print("words " + "".join(f"{t:>16.0f}" for t in THRESHOLDS))
    for n in LENGTHS:
        found = []
        for lang, sentences in texts.items():
            for sentence in sentences:
                words = sentence.split()
                if n is not None and len(words) < n:
                    continue
                best = detect(" ".join(words[:n]), INSTALLED)[0]
                found.append((lang, best["language"], best["confidence"]))
        row = []
        installed = [f for f in found if f[0] in INSTALLED]
        for t in THRESHOLDS:
            right = sum(1 for lang, got, c in installed if c >= t and got == lang)
            wrong = sum(1 for lang, got, c in found if c >= t and got != lang)
            row.append(f"{100 * right / len(installed):5.1f}% / {wrong:<4d}")
        print(f"{n or 'all':>5} " + "".join(f"{cell:>16}" for cell in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--eval", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "eval"
    )
    parser.add_argument("--per-language", type=int, default=1000)
    args = parser.parse_args()
    cost()
    threshold(args.eval, args.per_language)


if __name__ == "__main__":
    main()
