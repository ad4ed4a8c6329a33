"""``tarjama languages`` and ``tarjama engines``: what the configured engines serve, and how."""

from __future__ import annotations

import json

import click

from tarjama.cli.base import ENGINE_HELP, engine_only, main, reports_errors, settings_of
from tarjama.engines.setup import report as engines_report
from tarjama.errors import EngineError


@main.command()
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.pass_context
@reports_errors
def languages(ctx: click.Context, engine_name: str | None) -> None:
    """List the language pairs the engine (or the configured routes) can translate."""
    with engine_only(settings_of(ctx), engine_name) as runtime:
        engine = runtime.engine
        pairs = engine.pairs()
        if not pairs:
            raise EngineError(f"engine {engine.name} has no language pairs installed")
        for pair in sorted(pairs, key=str):
            click.echo(f"{pair}\t{engine.direction(pair).provenance.model}".rstrip())


@main.command()
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@click.option("--strict", is_flag=True, help="Also fail when a route runs on a fallback.")
@click.pass_context
@reports_errors
def engines(ctx: click.Context, engine_name: str | None, as_json: bool, strict: bool) -> None:
    """List the configured engines (type, pairs, health) and the routes.

    Exits 69 when a route has no healthy engine for its pair ("down"); with --strict, also
    when one is served by a fallback ("degraded"). A configuration error exits 78.
    """
    report = engines_report(settings_of(ctx), default=engine_name)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        rows = [("ENGINE", "TYPE", "HEALTH", "PAIRS")]
        for e in report.engines:
            health = "ok" if e.ok else f"DOWN: {e.detail}"
            rows.append((e.name, e.type, health, " ".join(e.pairs) or "-"))
        rows.append(("", "", "", ""))
        rows.append(("ROUTE", "STATUS", "SERVED BY", "ENGINES"))
        for r in report.routes:
            rows.append((r.pair, r.status, r.serving or "-", " > ".join(r.engines)))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
            click.echo("  ".join([*cells, row[3]]).rstrip())
        if report.pivot:
            click.echo(f"\npairs without a route pivot through {report.pivot}")
    failing = report.down + (report.degraded if strict else [])
    if failing:
        raise EngineError("; ".join(f"route {r.pair} is {r.status}" for r in failing))
