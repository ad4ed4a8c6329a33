"""The quality gate's floors: measure the pipeline on fixed slices and compare, raise or lower.

    .venv/bin/python bench/quality_gate.py                        # measured values against floors
    .venv/bin/python bench/quality_gate.py --raise                # raise floors to what is measured
    .venv/bin/python bench/quality_gate.py --lower --reason TEXT  # the one way to lower them

Floors live in tests/quality-floors.json, one entry per slice ("newstest2013/es/500": the first
500 lines of newstest2013, English to Spanish), each metric on a 0-100 scale (BLEU, chrF, number
and copy fidelity in percent; the risk's ranking of the sentences, -100 times its rank
correlation with sentence chrF; the untranslated findings' recall and precision in percent)
rounded down to 2 decimals, and the lines the pipeline makes better than the raw engine
(sentence chrF), a floor, and worse, a ceiling (``CEILINGS``: they only ever move down).
Apertium is deterministic, so the
floors are the exact measured values; tests/test_quality_gate.py fails when a value falls below
its floor, and when a commit lowered a floor without a ``Lower-floors: <reason>`` line in its
message. The test module imports this file, so the slices and the measurement are defined once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from tarjama.engines.base import Engine
from tarjama.evaluate import Report, evaluate

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"
FLOORS = REPO / "tests" / "quality-floors.json"
FLOORS_IN_REPO = "tests/quality-floors.json"
METRICS = ("bleu", "chrf", "copy_fidelity", "number_fidelity", "risk_ranking",
           "untranslated_recall", "untranslated_precision",
           "lines_better", "lines_worse")  # fmt: skip
# Metrics whose value in the file is a ceiling: the measured value must not exceed it.
CEILINGS = frozenset({"lines_worse"})
TRAILER = "Lower-floors:"
# Test set -> (folder under shared/eval, file stem); files are <stem>.en and <stem>.<lang>.
SETS = {
    "newstest2013": ("newstest2013", "newstest2013"),
    "flores101-dev": ("flores101-dev", "flores-dev"),
}
# The slices the gate measures, the same as the keys of the floors file.
SLICES = ("newstest2013/es/500", "flores101-dev/es/300", "flores101-dev/ca/300",
          "flores101-dev/gl/300")  # fmt: skip

Floors = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Slice:
    name: str
    folder: str
    stem: str
    target: str
    lines: int

    @classmethod
    def parse(cls, name: str) -> Slice:
        test_set, target, lines = name.split("/")
        folder, stem = SETS[test_set]
        return cls(name, folder, stem, target, int(lines))

    def files(self, root: Path = SHARED_EVAL) -> tuple[Path, Path]:
        folder = root / self.folder
        return folder / f"{self.stem}.en", folder / f"{self.stem}.{self.target}"

    def measure(
        self, engine: Engine, root: Path = SHARED_EVAL, *, per_step: bool = False
    ) -> Report:
        src, ref = (p.read_text(encoding="utf-8").splitlines() for p in self.files(root))
        return evaluate(src, ref, self.target, engine, limit=self.lines, per_step=per_step)


def values(report: Report) -> dict[str, float]:
    """The pipeline's metrics as the floors file holds them (0-100, not rounded).
    ``risk_ranking`` is -100 times the rank correlation between the sentences' risk and their
    chrF (higher: the risk predicts bad sentences better); the untranslated figures are
    ``evaluate.untranslated_detection``'s."""
    p, q = report.pipeline, report.quality
    assert q is not None
    return {
        "bleu": p.bleu,
        "chrf": p.chrf,
        "copy_fidelity": 100 * p.copy_fidelity.ratio,
        "number_fidelity": 100 * p.number_fidelity.ratio,
        "risk_ranking": -100 * q.risk_chrf,
        "untranslated_recall": 100 * q.untranslated_recall.ratio,
        "untranslated_precision": 100 * q.untranslated_precision.ratio,
        "lines_better": float(report.vs_raw.better),
        "lines_worse": float(report.vs_raw.worse),
    }


def passes(metric: str, value: float, bound: float) -> bool:
    """Is ``value`` within ``bound``: at or above a floor, at or below a ceiling?"""
    return value <= bound if metric in CEILINGS else value >= bound


def tighter(metric: str, value: float, bound: float) -> bool:
    """Would ``value`` (rounded as stored) raise a floor or lower a ceiling?"""
    stored = round_down(value)
    return stored < bound if metric in CEILINGS else stored > bound


def round_down(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR))


def load_floors(path: Path = FLOORS) -> Floors:
    data: Floors = json.loads(path.read_text(encoding="utf-8"))
    return data


def dump_floors(floors: Floors) -> str:
    ordered = {k: {m: floors[k][m] for m in METRICS if m in floors[k]} for k in sorted(floors)}
    return json.dumps(ordered, indent=2) + "\n"


def lowered(
    old: Mapping[str, Mapping[str, float]], new: Mapping[str, Mapping[str, float]]
) -> list[str]:
    """Each floor of ``old`` that ``new`` lowers or removes (each ceiling it raises or removes),
    as "slice metric: old -> new"."""
    found = []
    for key, metrics in old.items():
        for metric, floor in metrics.items():
            now = new.get(key, {}).get(metric)
            if now is None or not passes(metric, now, floor):
                found.append(f"{key} {metric}: {floor} -> {now if now is not None else 'removed'}")
    return found


# --- history: floors only move up ---------------------------------------------------------------


class HistoryUnavailable(Exception):
    """git, the repository or its full history is not there to check."""


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise HistoryUnavailable("git is not installed") from exc
    if done.returncode != 0:
        raise HistoryUnavailable(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def _floors_at(repo: Path, commit: str, path: str) -> Floors | None:
    try:
        text = _git(repo, "show", f"{commit}:{path}")
    except HistoryUnavailable:
        return None  # the file does not exist in that commit
    data: Floors = json.loads(text)
    return data


def history_violations(repo: Path = REPO, path: str = FLOORS_IN_REPO) -> list[str]:
    """Commits that lowered a floor relative to their parent without a ``Lower-floors:`` line
    in their message; raises HistoryUnavailable when the history cannot be read in full."""
    if _git(repo, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise HistoryUnavailable("the repository is a shallow clone: its history is incomplete")
    log = _git(repo, "log", "--format=%H%x00%P%x00%B%x1e", "--", path)
    records = [r.strip("\n") for r in log.split("\x1e") if r.strip()]
    if not records:
        raise HistoryUnavailable(f"no commit touches {path} yet")
    problems = []
    for record in records:
        commit, parents, message = record.split("\x00", 2)
        new = _floors_at(repo, commit, path) or {}
        for parent in parents.split():
            old = _floors_at(repo, parent, path)
            if old is None:
                continue
            drops = lowered(old, new)
            has_reason = any(
                line.startswith(TRAILER) and line[len(TRAILER) :].strip()
                for line in message.splitlines()
            )
            if drops and not has_reason:
                problems.append(
                    f"{commit[:12]} lowers {', '.join(drops)} without a '{TRAILER} <reason>' line"
                )
    return problems


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--raise", dest="raise_", action="store_true",
                        help="raise floors to the measured values (never lowers)")  # fmt: skip
    action.add_argument("--lower", action="store_true",
                        help="set floors to the measured values, lower ones included")  # fmt: skip
    parser.add_argument("--reason", help="why floors go down (required with --lower)")
    args = parser.parse_args(argv)
    if args.lower and not (args.reason and args.reason.strip()):
        parser.error("--lower needs --reason TEXT: it goes into the commit message")

    from tarjama.engines.apertium import ApertiumEngine

    floors = load_floors() if FLOORS.exists() else {}
    new: Floors = {k: dict(v) for k, v in floors.items()}
    failed = False
    with ApertiumEngine() as engine:
        for name in SLICES:
            report = Slice.parse(name).measure(engine)
            measured = values(report)
            raw, pipe = report.raw, report.pipeline
            worse = pipe.bleu < raw.bleu or pipe.chrf < raw.chrf
            failed |= worse
            print(f"{name}  (raw engine: BLEU {raw.bleu:.2f}, chrF {raw.chrf:.2f}"
                  f"{'; the pipeline does WORSE' if worse else ''})")  # fmt: skip
            for metric in METRICS:
                value, floor = measured[metric], floors.get(name, {}).get(metric)
                ok = floor is None or passes(metric, value, floor)
                failed |= not ok
                shown = "-" if floor is None else f"{floor:.2f}"
                kind, bad = ("ceiling", "ABOVE") if metric in CEILINGS else ("floor", "BELOW")
                print(f"  {metric:<24}{value:8.2f}  {kind} {shown:>6}  {'ok' if ok else bad}")
                if args.lower or (args.raise_ and (floor is None or tighter(metric, value, floor))):
                    new.setdefault(name, {})[metric] = round_down(value)
    if args.raise_ or args.lower:
        if new == floors:
            print(f"{FLOORS.relative_to(REPO)}: unchanged")
        else:
            FLOORS.write_text(dump_floors(new), encoding="utf-8")
            print(f"{FLOORS.relative_to(REPO)}: written")
        drops = lowered(floors, new)
        if drops:
            print("lowered: " + "; ".join(drops))
            print(f"put this line in the commit message:\n{TRAILER} {args.reason.strip()}")
        return 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
