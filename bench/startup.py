"""Benchmark: how fast the command line answers, in fresh processes as a person runs it.

    .venv/bin/python bench/startup.py [--runs 5] [--culprits 12]

1. Wall time of ``tarjama --help``, ``tarjama languages`` and a first ``tarjama translate`` of
   a short article into Spanish (memory on, a fresh store: what a new user's first command
   pays), each the median of ``--runs`` runs, beside a bare Python and a Python that imports
   click (on a machine busy with other work all of them grow). Target: ``--help`` under 0.3 s.
2. Where ``tarjama --help``'s import time goes: the slowest top-level imports by cumulative time
   (``python -X importtime``), to find what should load later.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARJAMA = str(Path(sys.executable).with_name("tarjama"))
ARTICLE = """Port workers strike over pay

Dockers in the city walked out on Monday, halting cargo at the country's second port.

"We will stay out until the offer improves," said union leader Rosa de la Vega, 52.

The port handles 1.2 million containers a year.
"""


def timed(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """Median, min and max wall seconds of ``args`` over ``runs`` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def culprits(env: dict[str, str], count: int) -> list[tuple[float, str]]:
    """The ``count`` top-level imports of ``tarjama --help`` with the most cumulative time."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c",
         "from tarjama.cli import main; main(['--help'], prog_name='tarjama')"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2  # two blanks a level, after one
        if depth <= 2:  # the command line's modules and what they import themselves
            rows.append((int(cumulative) / 1e6, "  " * depth + name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--culprits", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TARJAMA_DATA_DIR": tmp}
        env.pop("TARJAMA_CONFIG", None)
        article = Path(tmp) / "article.txt"
        article.write_text(ARTICLE, encoding="utf-8")
        cases = [
            # what no command line can beat on this machine now: Python, and Python with click
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import click'", [sys.executable, "-c", "import click"]),
            ("tarjama --help", [TARJAMA, "--help"]),
            ("tarjama languages", [TARJAMA, "languages"]),
            ("tarjama translate (short, es)", [TARJAMA, "translate", str(article), "--to", "es"]),
        ]
        print(f"wall time over {args.runs} runs, seconds: median (min-max)")
        for name, command in cases:
            median, low, high = timed(command, env, args.runs)
            print(f"  {name:<32}{median:7.3f}  ({low:.3f}-{high:.3f})")
        print("\n`tarjama --help`: slowest imports (cumulative seconds)")
        for seconds, module in culprits(env, args.culprits):
            print(f"  {seconds:7.3f}  {module}")


if __name__ == "__main__":
    main()
