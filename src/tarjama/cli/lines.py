"""Line-aligned text: ``tarjama translate --input-format lines`` (``--format lines``: one
translated line per line; ``--format jsonl``: one JSON object per line with its risk and
findings), and ``tarjama eval`` against a reference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tarjama import formats, inline
from tarjama.cli.base import (
    ENGINE_HELP,
    engine_only,
    in_languages,
    main,
    progress,
    reports_errors,
    settings_of,
    showing_progress,
)
from tarjama.cli.completion import complete_languages
from tarjama.errors import InputError, LanguageError
from tarjama.model import Translation
from tarjama.steps import STEPS

LINE_FORMATS = ("lines", "jsonl")

if TYPE_CHECKING:
    from tarjama.config import Settings

_MAX_LINES_BYTES = 256 * 1024 * 1024  # test sets, not articles: above formats' limit


def read_lines(data: bytes, name: str, *, reference: bool = False) -> list[str]:
    """The lines of UTF-8 input, exactly as many as it has (a final newline ends the last); a
    reference to score against is read as it is, without the text rule."""
    text = formats.decode(data, limit=_MAX_LINES_BYTES, name=name, text_rule=not reference)
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if text.endswith("\n") else lines


def translate_lines(
    data: bytes,
    path: str,
    targets: list[str],
    source: str,
    settings: Settings,
    out_dir: Path | None,
    out_format: str = "lines",
) -> None:
    """Each line of ``data`` translated as one segment, the lines kept aligned."""
    lines = read_lines(data, "the input" if path == "-" else path)
    if len(targets) > 1 and out_dir is None:
        raise LanguageError(
            f"--format {out_format} translates into one language on stdout; give --out DIR"
        )
    with engine_only(settings) as runtime:
        source, langs = in_languages(runtime.engine, source, targets)
        translator = runtime.translator()  # no memory: the engine's own lines, for scoring too
        results = {
            lang: [_written(t, out_format)
                   for t in translator.translate_line_segments(lines, lang, source)]
            for lang in langs
        }  # fmt: skip
    if out_dir is None:
        click.echo("".join(f"{line}\n" for line in results[langs[0]]), nl=False)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "article" if path == "-" else Path(path).name.split(".")[0]
    suffix = "txt" if out_format == "lines" else "jsonl"
    for lang, out in results.items():
        target = out_dir / f"{stem}.{lang}.{suffix}"
        target.write_text("".join(f"{line}\n" for line in out), encoding="utf-8")
        click.echo(str(target))


def _written(t: Translation, out_format: str) -> str:
    """One line's translation as a line of text, or as a JSON object: the line's target, its
    risk and status, and its findings with their place in that target (``span``: start and end
    characters, or null for a finding about something the target lacks)."""
    from tarjama.pipeline import line_text

    target = line_text(t)
    if out_format == "lines":
        return target
    findings = []
    if t.segments:
        segment = t.segments[0]
        # the segment is the line without its edge blanks: its spans move by those kept before
        shift = max(target.find(inline.plain(segment.target)), 0)
        findings = [
            {
                "code": f.check,
                "severity": str(f.severity),
                "message": f.message,
                "evidence": f.evidence,
                "span": [f.span[0] + shift, f.span[1] + shift] if f.span else None,
            }
            for f in segment.findings
        ]
    line = {"target": target, "risk": round(t.risk, 4), "status": str(t.status),
            "findings": findings}  # fmt: skip
    return json.dumps(line, ensure_ascii=False)


@main.command("eval")
@click.option("--src", "src_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Source text, one segment per line.")  # fmt: skip
@click.option("--ref", "ref_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Human reference translation, line-aligned with --src.")  # fmt: skip
@click.option(
    "--to",
    "target",
    required=True,
    shell_complete=complete_languages,
    help="Target language of the reference.",
)
@click.option(
    "--from",
    "source",
    default="en",
    show_default=True,
    shell_complete=complete_languages,
    help="Source language.",
)
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.option("--limit", type=click.IntRange(min=1), help="Score the first N lines only.")
@click.option("--without", "without", multiple=True, metavar="STEP",
              help=f"Run the pipeline without one of tarjama's steps ({', '.join(STEPS)}); "
              "repeatable.")  # fmt: skip
@click.option("--per-step", is_flag=True,
              help="Also run without each step: the lines each makes better, worse.")  # fmt: skip
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The raw engine's output made elsewhere (apertium -u), line-aligned with "
              "--src: compare with it instead of a raw run.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.pass_context
@reports_errors
def eval_(
    ctx: click.Context,
    src_path: Path,
    ref_path: Path,
    target: str,
    source: str,
    engine_name: str | None,
    limit: int | None,
    without: tuple[str, ...],
    per_step: bool,
    baseline_path: Path | None,
    as_json: bool,
) -> None:
    """Score the raw engine and the full pipeline against a reference: BLEU, chrF, fidelity;
    and the pipeline's risk and untranslated findings against what the reference shows."""
    from tarjama.evaluate import evaluate

    src_lines = read_lines(src_path.read_bytes(), str(src_path))
    ref_lines = read_lines(ref_path.read_bytes(), str(ref_path), reference=True)
    if len(src_lines) != len(ref_lines):
        raise InputError(
            f"{src_path} has {len(src_lines)} lines but {ref_path} has {len(ref_lines)}; "
            "source and reference must be line-aligned"
        )
    baseline = (
        read_lines(baseline_path.read_bytes(), str(baseline_path), reference=True)
        if baseline_path is not None
        else None
    )
    settings = settings_of(ctx)
    lines = min(len(src_lines), limit or len(src_lines))
    with (
        engine_only(settings, engine_name) as runtime,
        progress(2 * lines, "raw engine, then pipeline", "lines") as advance,
    ):
        source, [target] = in_languages(runtime.engine, source, [target])
        report = evaluate(
            src_lines, ref_lines, target, runtime.engine, source=source, limit=limit,
            review_thresholds=settings.review_threshold, without=without, per_step=per_step,
            baseline=baseline, progress=advance if showing_progress() else None,
        )  # fmt: skip
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    raw, pipe = report.raw, report.pipeline
    rows = [
        ("BLEU", f"{raw.bleu:.2f}", f"{pipe.bleu:.2f}"),
        ("chrF", f"{raw.chrf:.2f}", f"{pipe.chrf:.2f}"),
        ("number fidelity %", f"{100 * raw.number_fidelity.ratio:.1f}",
         f"{100 * pipe.number_fidelity.ratio:.1f}"),
        ("copy fidelity %", f"{100 * raw.copy_fidelity.ratio:.1f}",
         f"{100 * pipe.copy_fidelity.ratio:.1f}"),
        ("time s", f"{raw.seconds:.2f}", f"{pipe.seconds:.2f}"),
    ]  # fmt: skip
    skipped = f", without {', '.join(report.without)}" if report.without else ""
    click.echo(f"{report.source}-{report.target}, {report.lines} lines, engine {report.engine}"
               f"{skipped}")  # fmt: skip
    click.echo(f"{'':<18}{'raw engine':>12}{'pipeline':>12}")
    for name, a, b in rows:
        click.echo(f"{name:<18}{a:>12}{b:>12}")
    vs = report.vs_raw
    click.echo(f"lines against the raw engine: {vs.changed} changed, {vs.better} better, "
               f"{vs.worse} worse (sentence chrF)")  # fmt: skip
    for step in report.steps:
        own, off = step.own, step.without_vs_raw
        click.echo(f"  step {step.step:<10} changes {own.changed}: {own.better} better, "
                   f"{own.worse} worse; without it: {off.better} better, {off.worse} worse "
                   f"than raw, chrF {step.without.chrf:.2f}")  # fmt: skip
    quality = report.quality
    if quality is not None:  # how well the pipeline's risk and checks see what the reference shows
        click.echo(f"risk against sentence chrF (Spearman): {quality.risk_chrf:+.3f}")
        for name, found in (("untranslated recall", quality.untranslated_recall),
                            ("untranslated precision", quality.untranslated_precision),
                            ("needs review", quality.needs_review)):  # fmt: skip
            click.echo(f"{name}: {100 * found.ratio:.1f}% ({found.hits} of {found.total})")
