"""``tarjama languages`` and ``tarjama engines``: what the configured engines serve, and how."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import click

from tarjama.cli.base import ENGINE_HELP, engine_of, main, reports_errors, settings_of
from tarjama.cli.codes import name_of
from tarjama.errors import EngineError
from tarjama.model import Pair


@dataclass(frozen=True)
class Offer:
    """A direction a person would pick (en-ca), with the variants the engine also serves
    (ca-valencia, ca-iec2017...)."""

    pair: Pair
    variants: tuple[str, ...]

    def names(self) -> str:
        return f"{name_of(self.pair.source) or '?'} -> {name_of(self.pair.target) or '?'}"

    def to_dict(self) -> dict[str, object]:
        return {
            "pair": str(self.pair), "source": self.pair.source, "target": self.pair.target,
            "source_name": name_of(self.pair.source), "target_name": name_of(self.pair.target),
            "variants": list(self.variants),
        }  # fmt: skip


def offers(pairs: Iterable[Pair]) -> list[Offer]:
    """The pairs grouped as a person picks them: a target with a variant (``ca-valencia``,
    ``en-US``) goes under its language's pair when the engine serves that too."""
    served = set(pairs)
    variants: dict[Pair, list[str]] = {}
    for pair in sorted(served, key=str):
        language = pair.target.split("-")[0]
        plain = Pair(pair.source, language)
        if pair != plain and plain in served:
            variants.setdefault(plain, []).append(pair.target)
        else:
            variants.setdefault(pair, [])
    return [Offer(pair, tuple(v)) for pair, v in variants.items()]


@main.command()
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.option(
    "--long", "long", is_flag=True, help="Every pair on its own line, with its model (slower)."
)
@click.pass_context
@reports_errors
def languages(ctx: click.Context, engine_name: str | None, as_json: bool, long: bool) -> None:
    """List the languages the engine (or the configured routes) translates between, each
    variant (ca-valencia, en-US) under its language: what --to and --from take."""
    with engine_of(settings_of(ctx), engine_name) as engine:
        pairs = engine.pairs()
        if not pairs:
            raise EngineError(f"engine {engine.name} has no language pairs installed")
        if long:
            for pair in sorted(pairs, key=str):
                click.echo(f"{pair}\t{engine.direction(pair).provenance.model}".rstrip())
            return
    listed = offers(pairs)
    if as_json:
        click.echo(json.dumps([o.to_dict() for o in listed], ensure_ascii=False, indent=2))
        return
    pair_width = max(len(str(o.pair)) for o in listed)
    name_width = max(len(o.names()) for o in listed)
    for o in listed:
        variants = f"variants: {', '.join(o.variants)}" if o.variants else ""
        click.echo(f"{o.pair!s:<{pair_width}}  {o.names():<{name_width}}  {variants}".rstrip())


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
    from tarjama.engines.setup import report as engines_report

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
