"""The quality gate: the pipeline with the real Apertium on fixed slices of WMT and FLORES test
sets stays at or above the floors in quality-floors.json, does no worse than the raw engine, and
the floors only ever move up (bench/quality_gate.py measures, raises and lowers them)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tarjama.engines.apertium import ApertiumEngine
from tarjama.evaluate import Report

from .conftest import REPO, needs_apertium, shared_path


def _load_gate() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "quality_gate", REPO / "bench" / "quality_gate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gate = _load_gate()
FLOORS = gate.load_floors()


def test_floors_cover_the_gate_slices() -> None:
    assert sorted(FLOORS) == sorted(gate.SLICES)
    for name, metrics in FLOORS.items():
        assert sorted(metrics) == sorted(gate.METRICS), name
        assert all(round(v, 2) == v for v in metrics.values()), name


@pytest.fixture(scope="module")
def reports(apertium: ApertiumEngine) -> Iterator[dict[str, Report]]:
    shared_path("eval")
    yield {name: gate.Slice.parse(name).measure(apertium) for name in gate.SLICES}


@needs_apertium
@pytest.mark.apertium
@pytest.mark.parametrize("name", gate.SLICES)
def test_pipeline_at_or_above_floors(reports: dict[str, Report], name: str) -> None:
    measured = gate.values(reports[name])
    below = {
        metric: f"{measured[metric]:.2f} {'>' if metric in gate.CEILINGS else '<'} {floor}"
        for metric, floor in FLOORS[name].items()
        if not gate.passes(metric, measured[metric], floor)
    }
    assert not below, f"{name} fell below its floors (or rose above its ceilings): {below}"


@needs_apertium
@pytest.mark.apertium
@pytest.mark.parametrize("name", [n for n in gate.SLICES if "/es/" in n])
def test_pipeline_no_worse_than_raw_engine(reports: dict[str, Report], name: str) -> None:
    """For en->es, the pair the quality targets are set on. (en->ca and en->gl are held by
    their floors: on FLORES en->ca the pipeline's BLEU is a few hundredths below the raw
    engine's, because CLDR Catalan writes "90 %" where the reference writes "90 per cent".)"""
    raw, pipe = reports[name].raw, reports[name].pipeline
    assert pipe.bleu >= raw.bleu and pipe.chrf >= raw.chrf, (
        f"{name}: pipeline BLEU {pipe.bleu:.2f} / chrF {pipe.chrf:.2f}, "
        f"raw engine BLEU {raw.bleu:.2f} / chrF {raw.chrf:.2f}"
    )


@needs_apertium
@pytest.mark.apertium
def test_no_step_makes_more_lines_worse_than_better(apertium: ApertiumEngine) -> None:
    """Each of tarjama's own steps, on the whole of newstest2013 en->es (a slice is too small:
    on the first 500 lines the names step changes 13): the lines it changes against the
    pipeline without it (sentence chrF) are more often better than worse. About 90 s: the
    pipeline runs six times over 3,000 lines."""
    shared_path("eval")
    report = gate.Slice.parse("newstest2013/es/3000").measure(apertium, per_step=True)
    hurting = {s.step: s.own for s in report.steps if s.own.worse > s.own.better}
    assert not hurting, f"steps that make more lines worse than better: {hurting}"


# --- floors only move up ------------------------------------------------------------------------


def test_floors_never_lowered_without_a_reason() -> None:
    try:
        problems = gate.history_violations()
    except gate.HistoryUnavailable as exc:
        pytest.skip(f"cannot check the floors' history: {exc}")
    assert not problems, "\n".join(problems)


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _commit(repo: Path, floors: dict[str, dict[str, float]], message: str) -> None:
    path = repo / "tests" / "quality-floors.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(floors), encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)


@needs_git
@pytest.mark.parametrize(
    ("second", "message", "problem"),
    [
        ({"a": {"bleu": 12.5, "chrf": 40.0}}, "Raise floors", None),
        ({"a": {"bleu": 12.5, "chrf": 39.99}}, "Retune", "lowers a chrf: 40.0 -> 39.99"),
        ({"a": {"bleu": 12.0}}, "Drop chrF", "lowers a chrf: 40.0 -> removed"),
        ({"b": {"bleu": 1.0}}, "Rename slice", "lowers a bleu: 12.0 -> removed"),
        ({"a": {"bleu": 11.0, "chrf": 40.0}}, "Retune\n\nLower-floors: new Apertium data", None),
        ({"a": {"bleu": 11.0, "chrf": 40.0}}, "Retune\n\nLower-floors:", "lowers a bleu"),
    ],
)  # fmt: skip
def test_history_check_finds_unexplained_lowering(
    tmp_path: Path, second: dict[str, dict[str, float]], message: str, problem: str | None
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _commit(tmp_path, {"a": {"bleu": 12.0, "chrf": 40.0}}, "First floors")
    _commit(tmp_path, second, message)
    problems = gate.history_violations(tmp_path)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0], problems


@pytest.mark.parametrize(
    ("now", "problems"),
    [
        (5.0, []),
        (6.0, []),
        (9.0, ["a lines_worse: 6.0 -> 9.0"]),
        (None, ["a lines_worse: 6.0 -> removed"]),
    ],
)
def test_a_ceiling_only_moves_down(now: float | None, problems: list[str]) -> None:
    new = {"a": {"bleu": 12.0} | ({"lines_worse": now} if now is not None else {})}
    assert gate.lowered({"a": {"bleu": 12.0, "lines_worse": 6.0}}, new) == problems
    if now is not None:
        assert gate.passes("lines_worse", now, 6.0) is (now <= 6.0)
        assert gate.passes("lines_better", now, 6.0) is (now >= 6.0)


@needs_git
def test_history_check_skips_without_history(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    with pytest.raises(gate.HistoryUnavailable, match="does not have any commits"):
        gate.history_violations(tmp_path)
    _commit(tmp_path, {}, "Floors to come")
    with pytest.raises(gate.HistoryUnavailable, match=r"no commit touches tests/other\.json"):
        gate.history_violations(tmp_path, "tests/other.json")
