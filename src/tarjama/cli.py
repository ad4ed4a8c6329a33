"""The command line: argv -> engine and translator -> output and an exit code.

Only this module prints or exits. Errors are one line on stderr; stdout carries only results.
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib.resources
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from tarjama import formats, inline, intake
from tarjama.config import Settings
from tarjama.engines import registry
from tarjama.engines.setup import report as engines_report
from tarjama.errors import (
    ConfigError,
    EngineError,
    FormatError,
    InputError,
    LanguageError,
    TarjamaError,
)
from tarjama.formats import feed as feeds
from tarjama.formats import html as formats_html
from tarjama.memory import Glossary, TranslationMemory
from tarjama.model import DEFAULT_LABEL, Provenance, Translation
from tarjama.runtime import Runtime, open_store

# One table from error kinds to exit codes (sysexits.h where one fits); first match wins.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, 65),  # EX_DATAERR
    (LanguageError, 64),  # EX_USAGE
    (ConfigError, 78),  # EX_CONFIG
    (EngineError, 69),  # EX_UNAVAILABLE
    (TarjamaError, 1),
    (KeyboardInterrupt, 130),  # 128 + SIGINT, as shells report it
    (OSError, 74),  # EX_IOERR
    (Exception, 70),  # EX_SOFTWARE
)
EXTENSIONS = {"text": "txt", "html": "html", "ninjs": "ninjs.json", "json": "json", "feed": "xml"}

F = TypeVar("F", bound=Callable[..., Any])


def _message(exc: BaseException) -> str:
    if isinstance(exc, TarjamaError):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    logging.getLogger(__name__).debug("internal error", exc_info=exc)
    return f"internal error: {type(exc).__name__}: {exc} (run with -v for details)"


def fail(exc: BaseException) -> NoReturn:
    """One line on stderr and the exit code of ``exc``'s kind (:data:`EXIT_CODES`)."""
    click.echo(f"tarjama: {_message(exc)}", err=True)
    sys.exit(next(code for kind, code in EXIT_CODES if isinstance(exc, kind)))


def reports_errors(func: F) -> F:
    """Turn tarjama's errors (and anything unexpected) into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise  # usage errors: click prints them and exits 2
        except (Exception, KeyboardInterrupt) as exc:  # the promise is one line, no traceback
            fail(exc)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (and tracebacks) to stderr.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (TOML); default: $TARJAMA_CONFIG, else ./tarjama.toml.",
)
@click.version_option(package_name="tarjama")
@click.pass_context
def main(ctx: click.Context, verbose: bool, config_file: Path | None) -> None:
    """tarjama: automated translation of news articles, structure and names intact."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        ctx.ensure_object(dict)["settings"] = Settings.load(config_file)
    except TarjamaError as exc:
        fail(exc)


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.ensure_object(dict)["settings"]
    return settings


def _engine(settings: Settings, name: str | None = None) -> Runtime:
    """A runtime with the settings' engine alone (routes, fallbacks...); ``name`` replaces the
    default route."""
    return Runtime.open(settings, store=False, engine_name=name)


ENGINE_HELP = (
    f"Engine for pairs without a route: built-in ({', '.join(registry.ENGINES)}) or one "
    "configured in the settings (default: the settings')."
)


def _targets(value: str) -> list[str]:
    langs = [t.strip() for t in value.split(",") if t.strip()]
    if not langs:
        raise click.BadParameter("give at least one target language, e.g. --to es,ca")
    return langs


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option("--to", "to", required=True, help="Target language(s), comma-separated: es,ca,gl.")
@click.option("--from", "source", help="Source language (default: the document's, else en).")
@click.option(
    "--format", "out_format", type=click.Choice((*formats.OUTPUT_FORMATS, "lines", "feed")),
    help="Output format (default: the input's); lines: one translated line per input line; "
    "feed: an RSS or Atom feed, translated item by item (only from a feed).",
)  # fmt: skip
@click.option(
    "--input-format",
    type=click.Choice(formats.INPUT_FORMATS),
    help="Input format (default: detected).",
)
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.option("--label", help=f"Disclosure label (default: {DEFAULT_LABEL!r}).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per language into this folder instead of stdout.")  # fmt: skip
@click.option(
    "--memory/--no-memory",
    default=None,
    help="Reuse and fill the translation memory, apply the glossary (default: on).",
)
@click.pass_context
@reports_errors
def translate(
    ctx: click.Context,
    path: str,
    to: str,
    source: str | None,
    out_format: str | None,
    input_format: str | None,
    engine_name: str | None,
    label: str | None,
    out_dir: Path | None,
    memory: bool | None,
) -> None:
    """Translate the article (or the RSS/Atom feed) in PATH (or - for stdin)."""
    settings = _settings(ctx).merge(
        {k: v for k, v in {"engine": engine_name, "label": label, "memory": memory}.items()
         if v is not None}, "flags")  # fmt: skip
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if out_format == "lines":
        _translate_lines(data, path, _targets(to), source or "en", settings, out_dir)
        return
    text = formats.decode(data, name="the input" if path == "-" else path)
    input_format = input_format or formats.detect(text)
    if input_format == "feed":
        _translate_feed(text, path, _targets(to), source, out_format, settings, out_dir)
        return
    if out_format == "feed":
        raise FormatError("--format feed writes a feed, and the input is not one (RSS or Atom)")
    article = formats.parse(text, input_format, language=source)
    fmt = out_format or article.source_format
    with Runtime.open(settings, store=settings.memory) as runtime:
        translator = runtime.translator()  # the glossary and the memory go together here
        results = [translator.translate(article, lang) for lang in _targets(to)]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = "article" if path == "-" else Path(path).name.split(".")[0]
        for t in results:
            target = out_dir / f"{stem}.{t.language}.{EXTENSIONS[fmt]}"
            target.write_text(formats.write(t, fmt), encoding="utf-8")
            click.echo(str(target))
        return
    if len(results) > 1 and fmt in ("json", "ninjs"):
        docs = {t.language: json.loads(formats.write(t, fmt)) for t in results}
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(formats.write(t, fmt) for t in results), nl=False)


def _translate_feed(
    text: str,
    path: str,
    targets: list[str],
    source: str | None,
    out_format: str | None,
    settings: Settings,
    out_dir: Path | None,
) -> None:
    """A feed in, the same feed out per language, every item translated in one engine call."""
    if out_format not in (None, "feed"):
        raise FormatError(f"a feed is written back as a feed; --format {out_format} cannot be")
    parsed = feeds.read_feed(text, language=source)
    with Runtime.open(settings, store=settings.memory) as runtime:
        translator = runtime.translator()
        written = {
            lang: feeds.write_feed(parsed, translator.translate_many(parsed.articles, lang))
            for lang in targets
        }
    if out_dir is None:
        click.echo("".join(written.values()), nl=False)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "feed" if path == "-" else Path(path).name.split(".")[0]
    for lang, feed_text in written.items():
        target = out_dir / f"{stem}.{lang}.{EXTENSIONS['feed']}"
        target.write_text(feed_text, encoding="utf-8")
        click.echo(str(target))


@main.command()
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.pass_context
@reports_errors
def languages(ctx: click.Context, engine_name: str | None) -> None:
    """List the language pairs the engine (or the configured routes) can translate."""
    with _engine(_settings(ctx), engine_name) as runtime:
        engine = runtime.engine
        pairs = engine.pairs()
        if not pairs:
            raise EngineError(f"engine {engine.info().name} has no language pairs installed")
        for pair in sorted(pairs, key=str):
            click.echo(f"{pair}\t{engine.model_for(pair)}".rstrip())


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
    report = engines_report(_settings(ctx), default=engine_name)
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


# --- line-aligned text: translate --format lines, and eval against a reference ----------------


_MAX_LINES_BYTES = 256 * 1024 * 1024  # test sets, not articles: above formats' limit


def _lines(data: bytes, name: str, *, reference: bool = False) -> list[str]:
    """The lines of UTF-8 input, exactly as many as it has (a final newline ends the last); a
    reference to score against is read as it is, without the text rule."""
    text = formats.decode(data, limit=_MAX_LINES_BYTES, name=name, text_rule=not reference)
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if text.endswith("\n") else lines


def _translate_lines(
    data: bytes,
    path: str,
    targets: list[str],
    source: str,
    settings: Settings,
    out_dir: Path | None,
) -> None:
    lines = _lines(data, "the input" if path == "-" else path)
    if len(targets) > 1 and out_dir is None:
        raise LanguageError("--format lines translates into one language on stdout; give --out DIR")
    with _engine(settings) as runtime:
        translator = runtime.translator()  # no memory: the engine's own lines, for scoring too
        results = {lang: translator.translate_lines(lines, lang, source) for lang in targets}
    if out_dir is None:
        click.echo("".join(f"{line}\n" for line in results[targets[0]]), nl=False)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "article" if path == "-" else Path(path).name.split(".")[0]
    for lang, out in results.items():
        target = out_dir / f"{stem}.{lang}.txt"
        target.write_text("".join(f"{line}\n" for line in out), encoding="utf-8")
        click.echo(str(target))


@main.command("eval")
@click.option("--src", "src_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Source text, one segment per line.")  # fmt: skip
@click.option("--ref", "ref_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Human reference translation, line-aligned with --src.")  # fmt: skip
@click.option("--to", "target", required=True, help="Target language of the reference.")
@click.option("--from", "source", default="en", show_default=True, help="Source language.")
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.option("--limit", type=click.IntRange(min=1), help="Score the first N lines only.")
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
    as_json: bool,
) -> None:
    """Score the raw engine and the full pipeline against a reference: BLEU, chrF, fidelity."""
    from tarjama.evaluate import evaluate

    src_lines = _lines(src_path.read_bytes(), str(src_path))
    ref_lines = _lines(ref_path.read_bytes(), str(ref_path), reference=True)
    if len(src_lines) != len(ref_lines):
        raise InputError(
            f"{src_path} has {len(src_lines)} lines but {ref_path} has {len(ref_lines)}; "
            "source and reference must be line-aligned"
        )
    with _engine(_settings(ctx), engine_name) as runtime:
        report = evaluate(src_lines, ref_lines, target, runtime.engine, source=source, limit=limit)
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
    click.echo(f"{report.source}-{report.target}, {report.lines} lines, engine {report.engine}")
    click.echo(f"{'':<18}{'raw engine':>12}{'pipeline':>12}")
    for name, a, b in rows:
        click.echo(f"{name:<18}{a:>12}{b:>12}")


# --- demo: the bundled samples, translated and served ------------------------------------------

DEMO_LANGUAGES = ("es", "ca", "gl")


def _samples_dir() -> Any:
    return importlib.resources.files("tarjama") / "samples"


def _samples() -> list[tuple[str, bytes]]:
    """The bundled sample articles (the sample feed is read apart)."""
    return sorted(
        (item.name, item.read_bytes())
        for item in _samples_dir().iterdir()
        if item.name.endswith((".txt", ".html", ".json"))
    )


def _index(entries: list[tuple[str, str, dict[str, str]]], label: str) -> str:
    rows = []
    for title, original, links in entries:
        langs = " · ".join(
            f'<a href="{html.escape(href)}" hreflang="{lang}">{lang}</a>'
            for lang, href in links.items()
        )
        rows.append(
            f'<li><a href="{html.escape(original)}">{html.escape(title)}</a> — {langs}</li>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">'
        "<title>tarjama demo</title></head><body><h1>tarjama: translated sample articles</h1>"
        f"<p>{html.escape(label)}</p><ul>{''.join(rows)}</ul></body></html>\n"
    )


@main.command()
@click.option("--out", "out_dir", default="out/demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))  # fmt: skip
@click.option("--to", "to", default=",".join(DEMO_LANGUAGES), show_default=True)
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--serve/--no-serve", default=True, help="Serve the results over HTTP afterwards.")
@click.pass_context
@reports_errors
def demo(
    ctx: click.Context,
    out_dir: Path,
    to: str,
    engine_name: str | None,
    host: str,
    port: int,
    serve: bool,
) -> None:
    """Translate the bundled sample articles into HTML pages, and the sample RSS feed into
    translated feeds, and serve them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries: list[tuple[str, str, dict[str, str]]] = []
    feed_name = "bay-courier.rss"
    feed_data = (_samples_dir() / feed_name).read_bytes()
    feed = feeds.read_feed(formats.decode(feed_data))
    samples = _samples()
    settings = _settings(ctx)
    with _engine(settings, engine_name) as runtime:
        translator = runtime.translator()  # no store: the demo leaves the memory alone
        articles = [(name, formats.read(data)) for name, data in samples]
        by_lang: dict[str, list[Translation]] = {
            lang: translator.translate_many([a for _, a in articles], lang) for lang in _targets(to)
        }
        feed_out = {
            lang: feeds.write_feed(feed, translator.translate_many(feed.articles, lang))
            for lang in by_lang
        }
    for i, ((name, data), (_, article)) in enumerate(zip(samples, articles, strict=True)):
        stem = name.split(".")[0]
        (out_dir / name).write_bytes(data)
        links = {lang: f"{stem}.{lang}.html" for lang in by_lang}
        # every page links the others and the original: a reader switches language in place
        alternates = [(article.source_language, name), *links.items()]
        for lang, results in by_lang.items():
            page = formats_html.add_language_links(
                formats.write(results[i], "html"), alternates, lang
            )
            (out_dir / links[lang]).write_text(page, encoding="utf-8")
        entries.append((inline.plain(article.headline), name, links))
    (out_dir / feed_name).write_bytes(feed_data)
    feed_links = {}
    for lang, text in feed_out.items():
        feed_links[lang] = f"{feed_name.split('.')[0]}.{lang}.xml"
        (out_dir / feed_links[lang]).write_text(text, encoding="utf-8")
    entries.append((f"RSS feed: {feed_name}", feed_name, feed_links))
    (out_dir / "index.html").write_text(_index(entries, settings.label), encoding="utf-8")
    items = len(feed.articles) - feed.has_description
    click.echo(
        f"translated {len(articles)} articles and a feed of {items} items "
        f"into {', '.join(by_lang)}: {out_dir}/"
    )
    if not serve:
        return
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")


# --- the service ------------------------------------------------------------------------------


@main.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.pass_context
@reports_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the HTTP service: /v1 API, LibreTranslate-compatible endpoints, /health, /metrics."""
    from tarjama.api import serve as run_service

    run_service(_settings(ctx), host or "127.0.0.1", port or 8000)


@main.group()
def keys() -> None:
    """API keys for the service (stored hashed)."""


@keys.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["reader", "editor", "admin"]), default="reader",
              show_default=True)  # fmt: skip
@click.pass_context
@reports_errors
def keys_create(ctx: click.Context, name: str, role: str) -> None:
    """Create a key and print it (it is shown only this once)."""
    from tarjama.api import create_key

    click.echo(create_key(_settings(ctx), name, role))


@keys.command("revoke")
@click.argument("key_id")
@click.pass_context
@reports_errors
def keys_revoke(ctx: click.Context, key_id: str) -> None:
    """Revoke a key (by its id or the whole key)."""
    from tarjama.api import revoke_key

    if not revoke_key(_settings(ctx), key_id):
        raise InputError(f"no key {key_id!r}")
    click.echo(f"revoked {key_id}")


# --- translation memory and glossary ----------------------------------------------------------


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
    with open_store(_settings(ctx)) as store:
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
    with open_store(_settings(ctx)) as store:
        count = TranslationMemory(store).export_tmx(path, source_lang=source, target_lang=target)
    click.echo(f"exported {count} units to {path}")


@tm.command("add")
@click.argument("source")
@click.argument("target")
@click.option("--to", "to", required=True, help="Target language.")
@click.option("--from", "source_lang", default="en", show_default=True)
@click.option("--approved", is_flag=True, help="Mark the translation as approved.")
@click.pass_context
@reports_errors
def tm_add(
    ctx: click.Context, source: str, target: str, to: str, source_lang: str, approved: bool
) -> None:
    """Store an editor's translation of one sentence; it is reused from then on."""
    with open_store(_settings(ctx)) as store:
        unit = TranslationMemory(store).add(
            source, target,
            source_lang=source_lang, target_lang=to, approved=approved,
        )  # fmt: skip
    click.echo(f"stored unit {unit}")


@tm.command("lookup")
@click.argument("text")
@click.option("--to", "to", required=True, help="Target language.")
@click.option("--from", "source_lang", default="en", show_default=True)
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.75, show_default=True)
@click.pass_context
@reports_errors
def tm_lookup(ctx: click.Context, text: str, to: str, source_lang: str, threshold: float) -> None:
    """Show the exact match and fuzzy suggestions for a sentence (suggestions are for editors)."""
    source = intake.accept(text, "TEXT")
    with open_store(_settings(ctx)) as store:
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
    with open_store(_settings(ctx)) as store:
        glossary = Glossary(store)
        if verb == "import" and kind == ".tbx":
            report = glossary.import_tbx(path, source_lang, to)
            return report.imported, report.skipped_lines
        method = getattr(glossary, f"{verb}_{kind[1:]}")
        count: int = method(path, source_lang, to)
    return count, ()


@glossary.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "to", required=True, help="Target language.")
@click.option("--from", "source_lang", default="en", show_default=True)
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
@click.option("--to", "to", required=True, help="Target language.")
@click.option("--from", "source_lang", default="en", show_default=True)
@click.pass_context
@reports_errors
def glossary_export(ctx: click.Context, path: Path, to: str, source_lang: str) -> None:
    """Write the pair's terms as CSV or TBX (by the file's extension)."""
    count, _ = _glossary_file(ctx, "export", path, source_lang, to)
    click.echo(f"exported {count} terms to {path}")


@glossary.command("add")
@click.argument("source")
@click.argument("target", required=False, default="")
@click.option("--to", "to", required=True, help="Target language.")
@click.option("--from", "source_lang", default="en", show_default=True)
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
    with open_store(_settings(ctx)) as store:
        term = Glossary(store).add(
            source, target, source_lang=source_lang, target_lang=to, case_sensitive=case_sensitive,
            do_not_translate=dnt, note=note,
        )  # fmt: skip
    click.echo(f"term {term.id}: {term.source} -> {term.rendering}")


@glossary.command("list")
@click.option("--to", "to", required=True, help="Target language.")
@click.option("--from", "source_lang", default="en", show_default=True)
@click.pass_context
@reports_errors
def glossary_list(ctx: click.Context, to: str, source_lang: str) -> None:
    """List the pair's terms."""
    with open_store(_settings(ctx)) as store:
        for t in Glossary(store).list_terms(source_lang, to):
            flags = ("do-not-translate " if t.do_not_translate else "") + (
                "case-sensitive" if t.case_sensitive else ""
            )
            click.echo(f"{t.id}\t{t.source}\t{t.rendering}\t{flags.strip()}")
