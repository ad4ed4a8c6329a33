"""``tarjama translate``: an article or a feed, into one or more languages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tarjama import formats
from tarjama.cli.base import ENGINE_HELP, main, reports_errors, settings_of, targets
from tarjama.cli.lines import translate_lines
from tarjama.config import Settings
from tarjama.errors import FormatError
from tarjama.formats import feed as feeds
from tarjama.model import DEFAULT_LABEL, Translation
from tarjama.runtime import Runtime

EXTENSIONS = {"text": "txt", "html": "html", "ninjs": "ninjs.json", "json": "json", "feed": "xml"}


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
@click.option(
    "--extract", "extract_article", is_flag=True,
    help="From a whole web page, its article alone (found by readability-lxml) with its "
    "metadata, written in tarjama's layout. Without it a page is translated in place, whole.",
)  # fmt: skip
@click.option(
    "--strict", is_flag=True,
    help="Fail (exit 65) rather than write a page whose markup the translation would change.",
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
    extract_article: bool,
    strict: bool,
) -> None:
    """Translate the article (or the RSS/Atom feed) in PATH (or - for stdin).

    A web page is translated in place: every element and attribute comes through, only its
    text and the attributes people read change. When the markup would not come through whole,
    the page is written all the same with a warning on stderr (the translation needs review);
    with --strict, nothing is written and the exit code is 65."""
    settings = settings_of(ctx).merge(
        {k: v for k, v in {"engine": engine_name, "label": label, "memory": memory}.items()
         if v is not None}, "flags")  # fmt: skip
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if out_format == "lines":
        translate_lines(data, path, targets(to), source or "en", settings, out_dir)
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
    if extract_article:
        from tarjama.formats.extract import extract

        article = extract(text, language=source)
    else:
        article = formats.parse(text, input_format, language=source)
    fmt = out_format or article.source_format
    with Runtime.open(settings, store=settings.memory) as runtime:
        translator = runtime.translator()  # the glossary and the memory go together here
        results = [translator.translate(article, lang) for lang in targets(to)]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = "article" if path == "-" else Path(path).name.split(".")[0]
        for t in results:
            target = out_dir / f"{stem}.{t.language}.{EXTENSIONS[fmt]}"
            target.write_text(_written(t, fmt, strict), encoding="utf-8")
            click.echo(str(target))
        return
    if len(results) > 1 and fmt in ("json", "ninjs"):
        docs = {t.language: json.loads(formats.write(t, fmt)) for t in results}
        click.echo(json.dumps(docs, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(_written(t, fmt, strict) for t in results), nl=False)


def _written(t: Translation, fmt: str, strict: bool) -> str:
    """The translation in ``fmt``; a page whose markup changed said so on stderr."""
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
