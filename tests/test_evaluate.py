"""Scoring: number and copy fidelity case tables, ``evaluate``, and the ``eval`` and
``translate --input-format lines`` (``--format lines`` and ``jsonl``) commands end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tarjama.engines.base import Engine
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import InputError
from tarjama.evaluate import (
    Lines,
    Score,
    bleu_chrf,
    compare_lines,
    copy_fidelity,
    evaluate,
    number_fidelity,
    spearman,
    untranslated_detection,
)
from tarjama.model import SegmentResult
from tarjama.qa import Finding, Severity
from tarjama.steps import STEPS

from .conftest import needs_apertium

TARJAMA = str(Path(sys.executable).with_name("tarjama"))


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [TARJAMA, *args], input=stdin, capture_output=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("source", "output", "target", "expected"),
    [
        ("It cost 1,300 euros.", "Costó 1.300 euros.", "es", (1, 1)),
        ("It cost 1,300 euros.", "Costó 1300 euros.", "es", (1, 1)),
        ("It cost 1,300 euros.", "Costó 1,300 euros.", "es", (0, 1)),  # a Spaniard reads 1.3
        ("Growth was 2.5%.", "El crecimiento fue del 2,5 %.", "es", (1, 1)),
        ("Growth was 2.5%.", "El crecimiento fue del 2.5%.", "es", (0, 1)),  # not Spanish: 25
        ("3,000,000 people", "3.000.000 personas", "es", (1, 1)),
        ("10,000 people", "10.000 persones", "ca", (1, 1)),
        ("0.75 points", "0,75 puntos", "gl", (1, 1)),
        ("In 2019 and 2020.", "En 2019 y 2021.", "es", (1, 2)),  # a changed number
        ("In 2019 and 2020.", "En 2019.", "es", (1, 2)),  # a missing number
        ("5 votes and 5 seats", "5 votos y escaños", "es", (1, 2)),  # each occurrence counts
        ("The G20 met.", "El G20 se reunió.", "es", (0, 0)),  # G20 is a word, not a number
        ("No figures here.", "Aquí no hay cifras.", "es", (0, 0)),
    ],
)
def test_number_fidelity(source: str, output: str, target: str, expected: tuple[int, int]) -> None:
    score = number_fidelity([source], [output], target)
    assert (score.hits, score.total) == expected
    assert score.ratio == (expected[0] / expected[1] if expected[1] else 1.0)


@pytest.mark.parametrize(
    ("source", "reference", "output", "expected"),
    [
        # names the reference kept; "Berlin" became "Berlín" there, so it does not count
        ("Obama met Merkel in Berlin.", "Obama se reunió con Merkel en Berlín.",
         "Obama se reunió con Merkel en Berlín.", (2, 2)),
        ("Obama met Merkel in Berlin.", "Obama se reunió con Merkel en Berlín.",
         "Obama se reunió con merkel en Berlín.", (1, 2)),  # a name lost (case matters)
        ("Obama met Merkel in Berlin.", "Obama se reunió con Merkel en Berlín.",
         "Obama se reunió con ella en Berlín.", (1, 2)),  # a name missing
        # first word: capitalised only because it starts the line, not in the reference
        ("However, NASA said no.", "Sin embargo, la NASA dijo que no.",
         "Sin embargo, NASA dijo no.", (1, 1)),
        # first word that the reference kept is a name like any other
        ("Obama spoke.", "Obama habló.", "Habló.", (0, 1)),
        # ALL-CAPS and hyphenated names; whole words only
        ("The EU and Saint-Etienne agreed.", "La UE y Saint-Etienne acordaron.",
         "La UE y Saint acordaron.", (0, 1)),
        ("The FBI and the CIA.", "El FBI y la CIA.", "El FBI y la CIA.", (2, 2)),
        # possessive: the name counts
        ("Obama's plan", "El plan de Obama", "El plan de Obama", (1, 1)),
        # numbers by value in the target's conventions
        ("It cost 1,300 euros.", "Costó 1.300 euros.", "Costó 1300 euros.", (1, 1)),
        ("It cost 1,300 euros.", "Costó 1.300 euros.", "Costó 1,300 euros.", (0, 1)),
        ("It cost 1,000 euros.", "Costó mil euros.", "Costó 1.000 euros.", (0, 0)),
        # HTML entities (engines run in HTML mode) are unescaped first
        ("Sinn Fein's O'Brien said.", "O'Brien, del Sinn Fein, dijo.",
         "O&#39;Brien de Sinn Fein dijo.", (3, 3)),
    ],
)  # fmt: skip
def test_copy_fidelity(source: str, reference: str, output: str, expected: tuple[int, int]) -> None:
    score = copy_fidelity([source], [reference], [output], "es")
    assert (score.hits, score.total) == expected


def test_scores_count_over_the_corpus() -> None:
    sources = ["In 2019.", "Obama and 3 others.", ""]
    refs = ["En 2019.", "Obama y otros 3.", ""]
    outputs = ["En 2018.", "Obama y 3 más.", ""]
    assert number_fidelity(sources, outputs, "es") == Score(1, 2, 0.5)
    assert copy_fidelity(sources, refs, outputs, "es") == Score(2, 3, 2 / 3)


def test_mismatched_lines_are_an_input_error() -> None:
    with pytest.raises(InputError, match="source has 2 lines but output has 1"):
        number_fidelity(["a", "b"], ["a"], "es")
    with pytest.raises(InputError, match="source has 1 lines but reference has 2"):
        evaluate(["a"], ["a", "b"], "es", PseudoEngine())


def test_bleu_chrf_match_sacrebleu() -> None:
    import sacrebleu

    hyp, ref = ["el gato está en la alfombra"], ["el gato se sienta en la alfombra"]
    bleu, chrf = bleu_chrf(hyp, ref)
    assert bleu == sacrebleu.corpus_bleu(hyp, [ref]).score
    assert chrf == sacrebleu.corpus_chrf(hyp, [ref]).score
    assert bleu_chrf(ref, ref) == pytest.approx((100.0, 100.0))


def test_evaluate_scores_raw_engine_and_pipeline() -> None:
    src = ["It cost 1,300 euros.", "", "Obama spoke in 2019."]
    ref = ["Costó 1.300 euros.", "", "Obama habló en 2019."]
    report = evaluate(src, ref, "es", PseudoEngine(), limit=3)
    assert report.lines == 3 and report.engine == "pseudo"
    assert report.raw_outputs[1] == report.pipeline_outputs[1] == ""
    # the raw engine passes "1,300" through (1.3 to a Spanish reader); the pipeline writes 1300
    assert report.raw.number_fidelity == Score(1, 2, 0.5)
    assert report.pipeline.number_fidelity == Score(2, 2, 1.0)
    assert set(report.to_dict()) == {
        "source", "target", "engine", "lines", "raw", "pipeline", "quality", "vs_raw"
    }  # fmt: skip
    assert evaluate(src, ref, "es", PseudoEngine(), limit=1).lines == 1
    # the pseudo-engine marks nothing and leaves no word untranslated: nothing to find
    assert report.quality is not None
    assert report.quality.untranslated_recall == Score(0, 0, 1.0)
    assert report.quality.untranslated_precision == Score(0, 0, 1.0)
    assert [s is None for s in report.segments] == [False, True, False]


@pytest.mark.parametrize(
    ("base", "outputs", "expected"),
    [
        (["El gato duerme."], ["El gato duerme."], Lines(0, 0, 0)),  # unchanged: not counted
        (["El perro duerme."], ["El gato duerme."], Lines(1, 1, 0)),
        (["El gato duerme."], ["El perro duerme."], Lines(1, 0, 1)),
        # changed, but no closer to the reference nor further from it
        (["El gato duerme."], ["El gato duerme. "], Lines(1, 0, 0)),
    ],
)
def test_compare_lines_by_sentence_chrf(
    base: list[str], outputs: list[str], expected: Lines
) -> None:
    assert compare_lines(base, outputs, ["El gato duerme."]) == expected


def test_evaluate_per_step_and_without() -> None:
    src = ["It cost 1,300 euros.", "Obama spoke in 2019."]
    ref = ["Costó 1.300 euros.", "Obama habló en 2019."]
    report = evaluate(src, ref, "es", PseudoEngine(), per_step=True)
    assert [s.step for s in report.steps] == list(STEPS)
    figures = next(s for s in report.steps if s.step == "figures")
    # the pseudo engine keeps "1,300", which a Spanish reader takes for 1.3: the figures step
    # is what writes 1300, and the pipeline without it scores as the raw engine does
    assert figures.without.number_fidelity == Score(1, 2, 0.5)
    assert figures.own.changed >= 1
    assert set(report.to_dict()["steps"]) == set(STEPS)
    without = evaluate(src, ref, "es", PseudoEngine(), without=["figures"])
    assert without.without == ("figures",)
    assert without.pipeline.number_fidelity == Score(1, 2, 0.5)
    with pytest.raises(InputError, match="unknown step 'colour': the steps are headlines, names, "):
        evaluate(src, ref, "es", PseudoEngine(), without=["colour"])


def test_evaluate_against_a_baseline() -> None:
    src = ["The cat sleeps.", "The dog sleeps."]
    ref = ["El gato duerme.", "El perro duerme."]
    baseline = ["El gato duerme.", "Zzz"]
    report = evaluate(src, ref, "es", PseudoEngine(), baseline=baseline)
    assert report.raw_outputs == tuple(baseline) and report.raw.name == "baseline"
    # the baseline's first line is the reference; its second has nothing of it
    assert report.vs_raw == Lines(changed=2, better=1, worse=1)
    with pytest.raises(InputError, match="source has 2 lines but baseline has 1"):
        evaluate(src, ref, "es", PseudoEngine(), baseline=baseline[:1])


@needs_apertium
def test_progress_changes_nothing_but_the_calls(apertium: Engine) -> None:
    """With a progress callback the lines go in chunks, and the outputs are the same."""
    src = [f"The council met {n} times in {2000 + n}, officials said." for n in range(150)]
    ref = [f"El consejo se reunió {n} veces en {2000 + n}, dijeron los funcionarios." for n in
           range(150)]  # fmt: skip
    seen: list[int] = []
    chunked = evaluate(src, ref, "es", apertium, progress=seen.append)
    whole = evaluate(src, ref, "es", apertium)
    assert seen == [100, 50, 100, 50]
    assert chunked.raw_outputs == whole.raw_outputs
    assert chunked.pipeline_outputs == whole.pipeline_outputs
    assert (chunked.pipeline.bleu, chunked.raw.chrf) == (whole.pipeline.bleu, whole.raw.chrf)


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "test.en"
    ref = tmp_path / "test.es"
    src.write_text("The cat sleeps.\nIt cost 1,300 euros in 2019.\nObama spoke.\n", "utf-8")
    ref.write_text("El gato duerme.\nCostó 1.300 euros en 2019.\nObama habló.\n", "utf-8")
    return src, ref


def test_eval_pseudo_table(pair: tuple[Path, Path]) -> None:
    src, ref = pair
    result = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--engine", "pseudo")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    out = result.stdout.decode()
    assert out.startswith("en-es, 3 lines, engine pseudo\n")
    for row in ("BLEU", "chrF", "number fidelity %", "copy fidelity %", "time s"):
        assert f"\n{row} " in out
    # beside them, how the risk and the untranslated findings see what the reference shows
    for row in ("risk against sentence chrF (Spearman): ", "untranslated recall: ",
                "untranslated precision: ", "needs review: "):  # fmt: skip
        assert f"\n{row}" in out


def test_eval_pseudo_json(pair: tuple[Path, Path]) -> None:
    src, ref = pair
    result = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--engine", "pseudo",
                 "--limit", "2", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["lines"] == 2
    assert set(data["raw"]) == set(data["pipeline"]) == {
        "name", "bleu", "chrf", "number_fidelity", "copy_fidelity", "seconds"
    }  # fmt: skip
    assert data["pipeline"]["number_fidelity"] == {"hits": 2, "total": 2, "ratio": 1.0}


def test_eval_steps_and_baseline(pair: tuple[Path, Path], tmp_path: Path) -> None:
    src, ref = pair
    base = tmp_path / "test.base"
    base.write_text("El gato duerme.\nZzz\nZzz\n", "utf-8")
    result = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--engine", "pseudo",
                 "--per-step", "--without", "tidy", "--baseline", str(base), "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["without"] == ["tidy"] and data["raw"]["name"] == "baseline"
    assert sorted(data["steps"]) == sorted(set(STEPS) - {"tidy"})
    assert set(data["vs_raw"]) == {"changed", "better", "worse"}
    table = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--engine", "pseudo",
                "--per-step")  # fmt: skip
    out = table.stdout.decode()
    assert "\nlines against the raw engine: " in out
    assert all(f"\n  step {step} " in out for step in STEPS), out


def test_eval_unknown_step(pair: tuple[Path, Path]) -> None:
    src, ref = pair
    result = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--engine", "pseudo",
                 "--without", "spelling")  # fmt: skip
    assert result.returncode == 65 and result.stdout == b""
    assert result.stderr.decode().startswith("tarjama: unknown step 'spelling': the steps are ")


@needs_apertium
@pytest.mark.apertium
def test_eval_apertium(pair: tuple[Path, Path]) -> None:
    src, ref = pair
    result = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["engine"] == "apertium"
    assert data["pipeline"]["bleu"] > 0 and data["pipeline"]["chrf"] > 0
    table = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es")
    assert table.returncode == 0 and b"BLEU" in table.stdout and b"chrF" in table.stdout


@pytest.mark.parametrize(
    ("src_text", "ref_text", "code", "message"),
    [
        ("a\nb\nc\n", "a\nb\n", 65, "has 3 lines but"),
        ("a\n", "\xef\xbb\xbf\xff", 65, "not valid UTF-8"),  # a BOM says UTF-8
    ],
)
def test_eval_bad_input(
    tmp_path: Path, src_text: str, ref_text: str, code: int, message: str
) -> None:
    src, ref = tmp_path / "s.en", tmp_path / "r.es"
    src.write_text(src_text, "utf-8")
    ref.write_bytes(ref_text.encode("latin-1"))
    result = run("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--engine", "pseudo")
    assert result.returncode == code
    assert result.stdout == b""
    err = result.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("tarjama: ") and message in err, err


def test_eval_missing_file(tmp_path: Path) -> None:
    result = run("eval", "--src", str(tmp_path / "nope.en"), "--ref", str(tmp_path / "nope.es"),
                 "--to", "es", "--engine", "pseudo")  # fmt: skip
    assert result.returncode == 74
    assert result.stderr.decode().count("\n") == 1


def test_eval_unknown_pair(pair: tuple[Path, Path]) -> None:
    src, ref = pair
    result = run("eval", "--src", str(src), "--ref", str(ref), "--to", "xx", "--engine", "pseudo")
    assert result.returncode == 64
    assert result.stderr.decode() == (
        "tarjama: cannot translate into 'xx'; available: ar, ca, de, es, fr, gl, it, pt\n"
    )


LINES = "The cat sleeps.\n\nIt cost 1,300 euros.\n\n\nObama spoke in London.\n"


@pytest.mark.parametrize(
    "engine", ["pseudo", pytest.param("apertium", marks=[needs_apertium, pytest.mark.apertium])]
)
def test_translate_lines_keeps_lines(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "lines.en"
    path.write_text(LINES, "utf-8")
    result = run("translate", str(path), "--format", "lines", "--to", "es", "--engine", engine)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode().split("\n")
    source = LINES.split("\n")
    assert len(out) == len(source)
    assert [line == "" for line in out] == [line == "" for line in source]
    # line-aligned: each line comes out as it does when translated alone
    for src_line, out_line in zip(source, out, strict=True):
        if src_line:
            alone = run("translate", "-", "--format", "lines", "--to", "es", "--engine", engine,
                        stdin=src_line.encode())  # fmt: skip
            assert alone.stdout.decode() == out_line + "\n"


def test_translate_lines_without_final_newline_and_crlf() -> None:
    result = run("translate", "-", "--format", "lines", "--to", "es", "--engine", "pseudo",
                 stdin=b"One.\r\n\r\nTwo.")  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == "⟦Øñé~.⟧\n\n⟦Ţwø~.⟧\n"


def test_translate_lines_several_languages(tmp_path: Path) -> None:
    path = tmp_path / "story.en.txt"
    path.write_text(LINES, "utf-8")
    args = ("translate", str(path), "--format", "lines", "--to", "es,ca", "--engine", "pseudo")
    refused = run(*args)
    assert refused.returncode == 64 and refused.stdout == b""
    assert refused.stderr.decode().count("\n") == 1
    written = run(*args, "--out", str(tmp_path / "out"))
    assert written.returncode == 0, written.stderr.decode()
    for lang in ("es", "ca"):
        text = (tmp_path / "out" / f"story.{lang}.txt").read_text("utf-8")
        assert text.count("\n") == LINES.count("\n")


LINES_QA = (
    "The recount in several wards was stranded on the waterfront.\n"
    "\n"
    "  The minister spoke to reporters in Madrid on Tuesday.\n"
)


@needs_apertium
@pytest.mark.apertium
def test_translate_jsonl_gives_each_line_its_risk_and_findings() -> None:
    result = run("translate", "-", "--input-format", "lines", "--format", "jsonl", "--to", "es",
                 stdin=LINES_QA.encode())  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == 3
    recount, blank, minister = rows
    assert recount["target"] == "El recount en varios wards era stranded en el waterfront."
    *left, why = recount["findings"]
    words = [(f["code"], f["evidence"], recount["target"][slice(*f["span"])]) for f in left]
    assert words == [("untranslated", w, w) for w in ("recount", "wards", "stranded", "waterfront")]
    assert all(f["message"] == f"'{f['evidence']}' is left in English" and
               f["severity"] == "major" for f in left)  # fmt: skip
    # the risk comes with what drives it
    assert (why["code"], why["severity"], why["span"]) == ("estimate", "info", None)
    assert why["message"].startswith("likely to read badly (")
    assert recount["risk"] >= 0.5 and recount["status"] == "needs-review"
    assert blank == {"target": "", "risk": 0.0, "status": "translated", "findings": []}
    assert minister["target"].startswith("  El ministro") and minister["findings"] == []
    assert minister["risk"] < 0.5 and minister["status"] == "translated"
    # the same lines as lines: the targets alone, as --format jsonl gave them
    plain = run("translate", "-", "--input-format", "lines", "--to", "es", stdin=LINES_QA.encode())
    assert plain.stdout.decode().split("\n")[:-1] == [row["target"] for row in rows]


@pytest.mark.parametrize(("threshold", "status"), [("1", "translated"), ("0", "needs-review")])
def test_translate_jsonl_review_threshold_from_the_settings(threshold: str, status: str) -> None:
    env = {**os.environ, "TARJAMA_REVIEW_THRESHOLD": f"es={threshold},*=0.5"}
    result = subprocess.run(
        [TARJAMA, "translate", "-", "--format", "jsonl", "--to", "es", "--engine", "pseudo"],
        input=b"The cat sleeps.\n", capture_output=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    (row,) = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert row["status"] == status and row["findings"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--input-format", "html", "--format", "jsonl"),
         "--format jsonl reads and writes line by line; --input-format html cannot go with it"),
        (("--input-format", "lines", "--format", "html"),
         "--input-format lines is written as lines or jsonl, not html"),
    ],
)  # fmt: skip
def test_translate_lines_refuses_other_formats(args: tuple[str, ...], message: str) -> None:
    result = run("translate", "-", "--to", "es", "--engine", "pseudo", *args, stdin=b"One.\n")
    assert result.returncode == 65 and result.stdout == b""
    assert result.stderr.decode() == f"tarjama: {message}\n"


def test_translate_jsonl_several_languages(tmp_path: Path) -> None:
    path = tmp_path / "story.en.txt"
    path.write_text(LINES, "utf-8")
    written = run("translate", str(path), "--input-format", "lines", "--format", "jsonl",
                  "--to", "es,ca", "--engine", "pseudo", "--out", str(tmp_path))  # fmt: skip
    assert written.returncode == 0, written.stderr.decode()
    for lang in ("es", "ca"):
        text = (tmp_path / f"story.{lang}.jsonl").read_text("utf-8")
        rows = [json.loads(line) for line in text.splitlines()]
        assert [row["target"] == "" for row in rows] == [
            line == "" for line in LINES.split("\n")[:-1]
        ]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("a finales del siglo XIX", [19]),
        ("los siglos XX y XXI", [20, 21]),
        ("Juan XXIII y la Segunda Guerra Mundial (II)", [2, 23]),
        ("Washington DC, MD y yo", []),
    ],
)
def test_roman_numerals_in_a_translation(text: str, values: list[int]) -> None:
    from decimal import Decimal

    from tarjama.evaluate import roman_numerals

    assert sorted(roman_numerals(text).elements()) == [Decimal(v) for v in values]


# --- the quality estimate and the untranslated findings against the reference -----------------


@pytest.mark.parametrize(
    ("xs", "ys", "rho"),
    [
        ([1, 2, 3, 4], [10, 20, 30, 40], 1.0),
        ([1, 2, 3, 4], [40, 30, 20, 10], -1.0),
        ([1, 2, 3, 4], [1, 1, 1, 1], 0.0),
        # ties share their mean rank, as scipy.stats.spearmanr gives them
        ([1, 2, 2, 3], [1, 3, 2, 4], 0.9486832980505138),
    ],
)
def test_spearman(xs: list[float], ys: list[float], rho: float) -> None:
    assert spearman(xs, ys) == pytest.approx(rho)


def _segment(target: str, evidence: list[str], names: tuple[str, ...] = ()) -> SegmentResult:
    findings = tuple(Finding("untranslated", Severity.MAJOR, "m", evidence=e) for e in evidence)
    return SegmentResult("headline", 0, "s", target, "engine", 0.5, findings, names)


def test_untranslated_detection_counts_lines() -> None:
    marked = [["recount"], ["wards"], ["Kalin"], [], ["online"], []]
    references = ["El recuento.", "Los distritos.", "Dijo Kalin.", "Nada.", "En línea.", "Nada."]
    segments = [
        _segment("El recount.", ["recount"]),  # found
        _segment("Los wards.", []),  # missed
        _segment("Dijo Kalin.", []),  # the reference keeps it: nothing to find
        _segment("Nada online.", ["online"]),  # flagged, but the engine did not mark it
        _segment("En online.", ["online"]),  # found
        None,  # a blank line
    ]
    recall, precision = untranslated_detection(marked, references, segments)
    assert recall == Score(2, 3, 2 / 3)
    assert precision == Score(2, 3, 2 / 3)
    # a protected name is kept on purpose, whatever the reference says
    named = [_segment("Dijo Kalin.", [], names=("Kalin",))]
    assert untranslated_detection([["Kalin"]], ["Dijo Kalín."], named) == (
        Score(0, 0, 1.0), Score(0, 0, 1.0)
    )  # fmt: skip
