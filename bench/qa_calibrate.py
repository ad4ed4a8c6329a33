"""Calibrate the quality estimate (``tarjama.qa.estimate.MODELS``) and report how well it ranks.

    .venv/bin/python bench/qa_calibrate.py            # fit, print the models and the figures
    .venv/bin/python bench/qa_calibrate.py --write    # ... and write them into qa/estimate.py

Translates the FLORES-101 dev sets (en->es, en->ca, en->gl: the calibration sets) and
newstest2013 (en->es: held out, never fitted on) with the full pipeline and the real Apertium,
computes each sentence's signals (``qa.estimate.signals``; the round trip through the reverse
pair too) and its chrF against the human reference, fits one least-squares model of chrF per
set of signals (with and without the source's dictionary, with and without the round trip) on
the FLORES sentences, and prints, for every set, the rank correlation (Spearman) between the
risk those models give and sentence chrF: the more negative, the better the risk predicts a
bad sentence.
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import sacrebleu

from tarjama import inline, qa
from tarjama.engines.apertium import ApertiumEngine
from tarjama.evaluate import spearman
from tarjama.model import Pair
from tarjama.pipeline import Translator
from tarjama.qa import estimate

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
SETS = [
    ("flores/es", EVAL / "flores101-dev" / "flores-dev", "es", True),
    ("flores/ca", EVAL / "flores101-dev" / "flores-dev", "ca", True),
    ("flores/gl", EVAL / "flores101-dev" / "flores-dev", "gl", True),
    ("newstest2013/es", EVAL / "newstest2013" / "newstest2013", "es", False),
]
ESTIMATE = REPO / "src" / "tarjama" / "qa" / "estimate.py"


@dataclass
class Row:
    """One sentence: the signals the estimate sees (with the source's dictionary and without),
    the risk of the findings it does not count, and the sentence's chrF."""

    signals: dict[str, float]
    plain_signals: dict[str, float]
    others: float
    chrf: float

    def seen(self, readings: bool, trip: bool) -> dict[str, float]:
        found = dict(self.signals if readings else self.plain_signals)
        if not trip:
            found.pop("round_trip")
        return found

    def risk(self, trip: bool) -> float:
        return 1 - (1 - estimate.estimate(self.seen(True, trip))) * (1 - self.others)


def measure(engine: ApertiumEngine, stem: Path, target: str) -> list[Row]:
    sources = stem.with_suffix(".en").read_text(encoding="utf-8").splitlines()
    references = stem.with_suffix(f".{target}").read_text(encoding="utf-8").splitlines()
    translations = Translator(engine).translate_line_segments(sources, target)
    direction = engine.direction(Pair("en", target))
    readings = direction.readings("en"), direction.readings(target)
    back = engine.direction(Pair(target, "en"))
    lines = [(t.segments[0], ref) for t, ref in zip(translations, references, strict=True)
             if t.segments]  # fmt: skip
    returned = [r.text for r in back.translate([s.target for s, _ in lines])]
    rows = []
    for (segment, reference), trip in zip(lines, returned, strict=True):
        ctx = qa.CheckContext(
            segment.source, segment.target, "en", target, names=segment.names,
            source_readings=readings[0], target_readings=readings[1],
        )  # fmt: skip
        chrf = sacrebleu.sentence_chrf(inline.plain(segment.target), [reference]).score
        round_trip = qa.round_trip_chrf(trip, segment.source)
        found = estimate.signals(ctx, segment.findings, round_trip)
        plain = estimate.signals(replace(ctx, source_readings=None), segment.findings, round_trip)
        modelled = [f for f in segment.findings if f.check not in estimate.MODELLED
                    and f.severity is not qa.Severity.MINOR]  # fmt: skip
        rows.append(Row(found, plain, qa.risk_score(modelled), chrf))
    return rows


def fit(rows: list[Row], readings: bool, trip: bool) -> estimate.Model:
    table = [r.seen(readings, trip) for r in rows]
    names = list(table[0])
    x = np.array([[t[n] for n in names] + [1.0] for t in table])
    y = np.array([r.chrf for r in rows])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    spread = float(np.std(y - x @ coef))
    weights = {n: round(float(c), 3) for n, c in zip(names, coef[:-1], strict=True)}
    means = {n: round(float(m), 3) for n, m in zip(names, x[:, :-1].mean(axis=0), strict=True)}
    return estimate.Model(weights, round(float(coef[-1]), 3), round(spread, 3), means)


def models_source(models: dict[tuple[bool, bool], estimate.Model]) -> str:
    lines = ["MODELS: Mapping[tuple[bool, bool], Model] = {"]
    for key, m in models.items():
        weights = ", ".join(f'"{k}": {v}' for k, v in m.weights.items())
        means = ", ".join(f'"{k}": {v}' for k, v in m.means.items())
        lines.append(
            f"    {key}: Model(\n        {{{weights}}},\n        {m.intercept}, {m.spread},"
            f"\n        {{{means}}},\n    ),"
        )
    lines.append("}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the models into estimate.py")
    parser.add_argument("--cache", type=Path, help="keep the measured sentences in this file")
    args = parser.parse_args(argv)
    if args.cache and args.cache.exists():
        measured: dict[str, list[Row]] = pickle.loads(args.cache.read_bytes())
    else:
        measured = {}
        with ApertiumEngine() as engine:
            for name, stem, target, _ in SETS:
                measured[name] = measure(engine, stem, target)
                print(f"{name}: {len(measured[name])} sentences", flush=True)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(measured))
    calibration = [r for name, _, _, fits in SETS if fits for r in measured[name]]
    models = {
        (readings, trip): fit(calibration, readings, trip)
        for readings in (False, True)
        for trip in (False, True)
    }
    estimate.MODELS = models  # type: ignore[misc]  # the figures below use the fitted models
    print(models_source(models))
    chrfs = sorted(r.chrf for r in calibration)
    print(f"calibration sentence chrF: lower quartile {chrfs[len(chrfs) // 4]:.1f}, "
          f"median {chrfs[len(chrfs) // 2]:.1f}")  # fmt: skip
    for name, _, _, fits in SETS:
        rows = measured[name]
        y = [r.chrf for r in rows]
        default = spearman([r.risk(False) for r in rows], y)
        trip = spearman([r.risk(True) for r in rows], y)
        held = "calibration" if fits else "held out"
        print(f"{name:<16} ({held}): Spearman(risk, sentence chrF) {default:+.3f}, "
              f"with the round trip {trip:+.3f}")  # fmt: skip
    if args.write:
        text = ESTIMATE.read_text(encoding="utf-8")
        block = re.compile(r"MODELS: Mapping\[tuple\[bool, bool\], Model\] = \{\n.*?\n\}\n", re.S)
        ESTIMATE.write_text(block.sub(models_source(models) + "\n", text, count=1), "utf-8")
        print(f"{ESTIMATE.relative_to(REPO)}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
