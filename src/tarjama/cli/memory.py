"""``tarjama tm`` and ``tarjama glossary``: the translation memory and the glossary."""

from __future__ import annotations

from pathlib import Path

import click

from tarjama import inline, intake
from tarjama.cli.base import F, main, reports_errors, settings_of
from tarjama.errors import InputError
from tarjama.memory import Glossary, TranslationMemory
from tarjama.model import Provenance
from tarjama.runtime import open_store


def language_pair(command: F) -> F:
    """The options of a command on one language pair: ``--to`` and ``--from`` (en)."""
    command = click.option("--from", "source_lang", default="en", show_default=True)(command)
    return click.option("--to", "to", required=True, help="Target language.")(command)


@main.group()
def tm() -> None:
    """The translation memory: import, export, add corrections, look up."""


@tm.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--origin", type=click.Choice(["human", "machine"]), default="human",
              show_default=True)  # fmt: skip
@click.option(
    "--engine",
    "engine_name",
    default="",
    help="With --origin machine: the engine that made the units (e.g. apertium).",
)
@click.option("--engine-version", default="", help="With --origin machine: its version.")
@click.option("--model", default="", help="With --origin machine: its model.")
@click.pass_context
@reports_errors
def tm_import(
    ctx: click.Context, path: Path, origin: str, engine_name: str, engine_version: str, model: str
) -> None:
    """Load a TMX file (1.4b; other tools' TMX too) into the memory.

    Machine units are only ever reused for the engine, version and model that made them, so
    ``--origin machine`` needs ``--engine`` (and the version and model it reports: ``tarjama
    engines --json``) for units whose file does not say (files tarjama exported do)."""
    provenance = None
    if origin == "machine":
        if not engine_name:
            raise click.BadParameter(
                "machine units need the engine that made them: add --engine (and "
                "--engine-version, --model)", param_hint="--origin machine"
            )  # fmt: skip
        # The pair is each unit's own; the provenance only names the engine.
        provenance = Provenance(engine_name, engine_version, model, "und", "und")
    elif engine_name or engine_version or model:
        raise click.BadParameter("only machine units have an engine", param_hint="--engine")
    with open_store(settings_of(ctx)) as store:
        report = TranslationMemory(store).import_tmx_report(
            path, origin=origin, provenance=provenance
        )
    skipped = f", {report.skipped} skipped" if report.skipped else ""
    click.echo(f"imported {report.imported} units from {path}{skipped}")


@tm.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "source", help="Only this source language.")
@click.option("--to", "target", help="Only this target language.")
@click.pass_context
@reports_errors
def tm_export(ctx: click.Context, path: Path, source: str | None, target: str | None) -> None:
    """Write the memory (or one language pair of it) as TMX 1.4b."""
    with open_store(settings_of(ctx)) as store:
        count = TranslationMemory(store).export_tmx(path, source_lang=source, target_lang=target)
    click.echo(f"exported {count} units to {path}")


@tm.command("add")
@click.argument("source")
@click.argument("target")
@language_pair
@click.option("--approved", is_flag=True, help="Mark the translation as approved.")
@click.pass_context
@reports_errors
def tm_add(
    ctx: click.Context, source: str, target: str, to: str, source_lang: str, approved: bool
) -> None:
    """Store an editor's translation of one sentence; it is reused from then on."""
    with open_store(settings_of(ctx)) as store:
        unit = TranslationMemory(store).add(
            source, target,
            source_lang=source_lang, target_lang=to, approved=approved,
        )  # fmt: skip
    click.echo(f"stored unit {unit}")


@tm.command("lookup")
@click.argument("text")
@language_pair
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.75, show_default=True)
@click.pass_context
@reports_errors
def tm_lookup(ctx: click.Context, text: str, to: str, source_lang: str, threshold: float) -> None:
    """Show the exact match and fuzzy suggestions for a sentence (suggestions are for editors)."""
    source = intake.accept(text, "TEXT")
    with open_store(settings_of(ctx)) as store:
        memory = TranslationMemory(store)
        exact = memory.lookup(source, source_lang, to)
        fuzzy = memory.fuzzy(source, source_lang, to, threshold=threshold)
    if exact is None and not fuzzy:
        raise InputError(f"no match in the memory for {text!r} ({source_lang}-{to})")
    for match in ([exact] if exact else []) + [m for m in fuzzy if not exact or m != exact]:
        click.echo(f"{match.score:.2f}\t{match.origin}\t{inline.plain(match.target)}")


@main.group()
def glossary() -> None:
    """The glossary (term base): terms the translation must use, per language pair."""


def _glossary_file(
    ctx: click.Context, verb: str, path: Path, source_lang: str, to: str
) -> tuple[int, tuple[int, ...]]:
    """Import or export a pair's terms as CSV or TBX, by the file's extension: how many, and
    the lines of the TBX entries an import skipped."""
    kind = path.suffix.lower()
    if kind not in (".csv", ".tbx"):
        raise InputError(f"{path}: give a .csv or .tbx file")
    with open_store(settings_of(ctx)) as store:
        glossary = Glossary(store)
        if verb == "import" and kind == ".tbx":
            report = glossary.import_tbx(path, source_lang, to)
            return report.imported, report.skipped_lines
        method = getattr(glossary, f"{verb}_{kind[1:]}")
        count: int = method(path, source_lang, to)
    return count, ()


@glossary.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@language_pair
@click.pass_context
@reports_errors
def glossary_import(ctx: click.Context, path: Path, to: str, source_lang: str) -> None:
    """Load terms from CSV (source,target,case_sensitive,do_not_translate,note) or TBX."""
    count, skipped = _glossary_file(ctx, "import", path, source_lang, to)
    click.echo(f"imported {count} terms from {path}")
    if skipped:
        lines = ", ".join(str(n) for n in skipped[:10]) + (", ..." if len(skipped) > 10 else "")
        click.echo(
            f"skipped {len(skipped)} {'entry' if len(skipped) == 1 else 'entries'} without a "
            f"{source_lang} and a {to} term (line{'' if len(skipped) == 1 else 's'} {lines})"
        )


@glossary.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@language_pair
@click.pass_context
@reports_errors
def glossary_export(ctx: click.Context, path: Path, to: str, source_lang: str) -> None:
    """Write the pair's terms as CSV or TBX (by the file's extension)."""
    count, _ = _glossary_file(ctx, "export", path, source_lang, to)
    click.echo(f"exported {count} terms to {path}")


@glossary.command("add")
@click.argument("source")
@click.argument("target", required=False, default="")
@language_pair
@click.option("--do-not-translate", "dnt", is_flag=True, help="Keep the term as written.")
@click.option("--case-sensitive", is_flag=True)
@click.option("--note", default="")
@click.pass_context
@reports_errors
def glossary_add(
    ctx: click.Context, source: str, target: str, to: str, source_lang: str, dnt: bool,
    case_sensitive: bool, note: str,
) -> None:  # fmt: skip
    """Add a term (or a do-not-translate entry)."""
    if not target and not dnt:
        raise InputError("give a target term, or --do-not-translate")
    with open_store(settings_of(ctx)) as store:
        term = Glossary(store).add(
            source, target, source_lang=source_lang, target_lang=to, case_sensitive=case_sensitive,
            do_not_translate=dnt, note=note,
        )  # fmt: skip
    click.echo(f"term {term.id}: {term.source} -> {term.rendering}")


@glossary.command("list")
@language_pair
@click.pass_context
@reports_errors
def glossary_list(ctx: click.Context, to: str, source_lang: str) -> None:
    """List the pair's terms."""
    with open_store(settings_of(ctx)) as store:
        for t in Glossary(store).list_terms(source_lang, to):
            flags = ("do-not-translate " if t.do_not_translate else "") + (
                "case-sensitive" if t.case_sensitive else ""
            )
            click.echo(f"{t.id}\t{t.source}\t{t.rendering}\t{flags.strip()}")
