"""``tarjama translate``: an article or a feed, into one or more languages."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tarjama import formats
from tarjama.cli.base import (
    ENGINE_HELP,
    in_languages,
    main,
    reports_errors,
    settings_of,
    targets,
)
from tarjama.cli.completion import complete_languages
from tarjama.cli.folder import output_path, translate_folder, write_whole
from tarjama.cli.lines import LINE_FORMATS, translate_lines
from tarjama.errors import FormatError
from tarjama.model import DEFAULT_LABEL, Translation

if TYPE_CHECKING:
    from tarjama.config import Settings


@main.command()
@click.argument("path", type=click.Path(allow_dash=True, path_type=str))
@click.option(
    "--to",
    "to",
    required=True,
    shell_complete=complete_languages,
    help="Target language(s), comma-separated: es,ca,gl (or ES, es_ES, spa, Spanish).",
)
@click.option(
    "--from",
    "source",
    shell_complete=complete_languages,
    help="Source language (default: the document's, else en).",
)
@click.option(
    "--format", "out_format", type=click.Choice((*formats.OUTPUT_FORMATS, *LINE_FORMATS, "feed")),
    help="Output format (default: the input's); lines: one translated line per input line; "
    "jsonl: one JSON object per input line (target, risk, status, findings); "
    "feed: an RSS or Atom feed, translated item by item (only from a feed).",
)  # fmt: skip
@click.option(
    "--input-format",
    type=click.Choice((*formats.INPUT_FORMATS, "lines")),
    help="Input format (default: detected); lines: one segment per line, no article layout.",
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
@click.option("--force", is_flag=True, help="A folder: translate again what is already done.")
@click.option(
    "--extract", "extract_article", is_flag=True,
    help="From a whole web page, its article alone (found by readability-lxml) with its "
    "metadata, written in tarjama's layout (a folder: each page's). Without it a page is "
    "translated in place, whole.",
)  # fmt: skip
@click.option(
    "--strict", is_flag=True,
    help="Fail (exit 65) rather than write a page whose markup the translation would change "
    "(a folder: such pages are not written, the others are).",
)  # fmt: skip
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
    force: bool,
    extract_article: bool,
    strict: bool,
) -> None:
    """Translate the article (or the RSS/Atom feed) in PATH (or - for stdin); or every article
    and feed in the folder PATH into --out, skipping those already translated there.

    A web page is translated in place: every element and attribute comes through, only its
    text and the attributes people read change. When the markup would not come through whole,
    the page is written all the same with a warning on stderr (the translation needs review);
    with --strict, nothing is written and the exit code is 65."""
    settings = settings_of(ctx).merge(
        {k: v for k, v in {"engine": engine_name, "label": label, "memory": memory}.items()
         if v is not None}, "flags")  # fmt: skip
    if path != "-" and Path(path).is_dir():
        if out_dir is None:
            raise click.UsageError("a folder is translated into files: give --out DIR")
        if out_format in LINE_FORMATS or input_format == "lines":
            raise click.UsageError("line by line (lines, jsonl) translates one file, not a folder")
        translate_folder(Path(path), targets(to), source, out_format, input_format, settings,
                         out_dir, force, extract=extract_article, strict=strict)  # fmt: skip
        return
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if input_format == "lines" or out_format in LINE_FORMATS:
        if input_format not in (None, "lines") or out_format not in (None, *LINE_FORMATS):
            raise FormatError(
                f"--format {out_format} reads and writes line by line; "
                f"--input-format {input_format} cannot go with it"
                if out_format in LINE_FORMATS
                else f"--input-format lines is written as lines or jsonl, not {out_format}"
            )
        translate_lines(
            data, path, targets(to), source or "en", settings, out_dir, out_format or "lines"
        )
        return
    text = formats.decode(data, name="the input" if path == "-" else path)
    input_format = input_format or formats.detect(text)
    if extract_article and input_format != "html":
        raise FormatError(f"--extract finds the article in a web page; the input is {input_format}")
    if input_format == "feed":
        _translate_feed(text, path, targets(to), source, out_format, settings, out_dir)
        return
    if out_format == "feed":
        raise FormatError("--format feed writes a feed, and the input is not one (RSS or Atom)")
    from tarjama.runtime import Runtime

    if extract_article:
        from tarjama.formats.extract import extract

        article = extract(text, language=source)
    else:
        article = formats.parse(text, input_format, language=source)
    fmt = out_format or article.source_format
    with Runtime.open(settings, store=settings.memory) as runtime:
        src, langs = in_languages(runtime.engine, article.source_language, targets(to))
        article = replace(article, source_language=src)
        translator = runtime.translator()  # the glossary and the memory go together here
        results = [translator.translate(article, lang) for lang in langs]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        files = {t.language: output_path(out_dir, path, t.language, fmt) for t in results}
        # an article's pages link each other (and the original, at its address if known)
        links = [(article.source_language, article.canonical_url),
                 *((lang, f.name) for lang, f in files.items())]  # fmt: skip
        for t in results:
            write_whole(files[t.language], _written(t, fmt, strict, links))
            click.echo(str(files[t.language]))
        return
    if len(results) > 1 and fmt in ("json", "ninjs"):
        docs = {t.language: json.loads(formats.write(t, fmt)) for t in results}
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(_written(t, fmt, strict) for t in results), nl=False)


def _written(
    t: Translation, fmt: str, strict: bool, links: list[tuple[str, str]] | None = None
) -> str:
    """The translation in ``fmt``; a page whose markup changed said so on stderr. ``links``:
    the article's languages and their files, for the newsroom page of an article that came in
    another format than HTML (``tarjama.render``)."""
    a = t.article
    if links is not None and fmt == "html" and (a.source_format != "html" or not a.original):
        from tarjama.render.article import translation_page

        return translation_page(t, links)
    written, checked = formats.write_checked(t, fmt, strict=strict)
    for segment in checked.segments[len(t.segments) :]:
        for finding in segment.findings:
            click.echo(
                f"tarjama: warning ({t.language}): {finding.message}; needs review", err=True
            )
    return written


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
    from tarjama.formats import feed as feeds
    from tarjama.runtime import Runtime

    parsed = feeds.read_feed(text, language=source)
    with Runtime.open(settings, store=settings.memory) as runtime:
        src, langs = in_languages(runtime.engine, parsed.articles[0].source_language, targets)
        articles = [replace(a, source_language=src) for a in parsed.articles]
        translator = runtime.translator()
        written = {
            lang: feeds.write_feed(parsed, translator.translate_many(articles, lang))
            for lang in langs
        }
    if out_dir is None:
        click.echo("".join(written.values()), nl=False)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for lang, feed_text in written.items():
        target = output_path(out_dir, "feed" if path == "-" else path, lang, "feed")
        write_whole(target, feed_text)
        click.echo(str(target))
