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
from typing import Any, TypeVar

import click

from tarjama import formats, inline
from tarjama.engines import registry
from tarjama.engines.base import Engine
from tarjama.errors import (
    ConfigError,
    EngineError,
    InputError,
    LanguageError,
    TarjamaError,
)
from tarjama.model import DEFAULT_LABEL, Translation
from tarjama.pipeline import Translator

# One table from error kinds to exit codes (sysexits.h where one fits); first match wins.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, 65),  # EX_DATAERR
    (LanguageError, 64),  # EX_USAGE
    (ConfigError, 78),  # EX_CONFIG
    (EngineError, 69),  # EX_UNAVAILABLE
    (TarjamaError, 1),
)
EXTENSIONS = {"text": "txt", "html": "html", "ninjs": "ninjs.json", "json": "json"}

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"tarjama: {message}", err=True)
    sys.exit(code)


def reports_errors(func: F) -> F:
    """Turn tarjama's errors (and anything unexpected) into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TarjamaError as exc:
            code = next(c for kind, c in EXIT_CODES if isinstance(exc, kind))
            _fail(str(exc), code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc), 74)
        except Exception as exc:  # the promise is one line, never a traceback
            logging.getLogger(__name__).debug("internal error", exc_info=True)
            _fail(f"internal error: {type(exc).__name__}: {exc} (run with -v for details)", 70)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (and tracebacks) to stderr.")
@click.version_option(package_name="tarjama")
def main(verbose: bool) -> None:
    """tarjama: automated translation of news articles, structure and names intact."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _engine(name: str) -> Engine:
    return registry.create(name)


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
    "--format", "out_format", type=click.Choice(formats.OUTPUT_FORMATS),
    help="Output format (default: the input's).",
)  # fmt: skip
@click.option(
    "--input-format",
    type=click.Choice(formats.INPUT_FORMATS),
    help="Input format (default: detected).",
)
@click.option("--engine", "engine_name", default="apertium", show_default=True,
              type=click.Choice(sorted(registry.ENGINES)))  # fmt: skip
@click.option("--label", default=DEFAULT_LABEL, show_default=True, help="Disclosure label.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one file per language into this folder instead of stdout.")  # fmt: skip
@reports_errors
def translate(
    path: str,
    to: str,
    source: str | None,
    out_format: str | None,
    input_format: str | None,
    engine_name: str,
    label: str,
    out_dir: Path | None,
) -> None:
    """Translate the article in PATH (or - for stdin)."""
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    article = formats.read(data, input_format, language=source)
    fmt = out_format or article.source_format
    with _engine(engine_name) as engine:
        translator = Translator(engine, label=label)
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


@main.command()
@click.option("--engine", "engine_name", default="apertium", show_default=True,
              type=click.Choice(sorted(registry.ENGINES)))  # fmt: skip
@reports_errors
def languages(engine_name: str) -> None:
    """List the language pairs the engine can translate."""
    with _engine(engine_name) as engine:
        pairs = engine.pairs()
        if not pairs:
            raise EngineError(f"engine {engine_name} has no language pairs installed")
        for pair in sorted(pairs, key=str):
            click.echo(f"{pair}\t{engine.model_for(pair)}".rstrip())


# --- demo: the bundled samples, translated and served ------------------------------------------

DEMO_LANGUAGES = ("es", "ca", "gl")


def _samples() -> list[tuple[str, bytes]]:
    root = importlib.resources.files("tarjama") / "samples"
    return sorted(
        (item.name, item.read_bytes())
        for item in root.iterdir()
        if item.name.endswith((".txt", ".html", ".json"))
    )


def _index(entries: list[tuple[str, str, dict[str, str]]]) -> str:
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
        f"<p>{html.escape(DEFAULT_LABEL)}</p><ul>{''.join(rows)}</ul></body></html>\n"
    )


@main.command()
@click.option("--out", "out_dir", default="out/demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))  # fmt: skip
@click.option("--to", "to", default=",".join(DEMO_LANGUAGES), show_default=True)
@click.option("--engine", "engine_name", default="apertium", show_default=True,
              type=click.Choice(sorted(registry.ENGINES)))  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--serve/--no-serve", default=True, help="Serve the results over HTTP afterwards.")
@reports_errors
def demo(out_dir: Path, to: str, engine_name: str, host: str, port: int, serve: bool) -> None:
    """Translate the bundled sample articles into HTML pages and serve them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries: list[tuple[str, str, dict[str, str]]] = []
    with _engine(engine_name) as engine:
        translator = Translator(engine)
        articles = [(name, formats.read(data)) for name, data in _samples()]
        by_lang: dict[str, list[Translation]] = {
            lang: translator.translate_many([a for _, a in articles], lang) for lang in _targets(to)
        }
    for i, (name, article) in enumerate(articles):
        stem = name.split(".")[0]
        (out_dir / name).write_bytes(dict(_samples())[name])
        links = {}
        for lang, results in by_lang.items():
            page = f"{stem}.{lang}.html"
            (out_dir / page).write_text(formats.write(results[i], "html"), encoding="utf-8")
            links[lang] = page
        entries.append((inline.plain(article.headline), name, links))
    (out_dir / "index.html").write_text(_index(entries), encoding="utf-8")
    click.echo(f"translated {len(articles)} articles into {', '.join(by_lang)}: {out_dir}/")
    if not serve:
        return
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")
