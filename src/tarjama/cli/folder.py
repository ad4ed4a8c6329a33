"""``tarjama translate DIR --to es --out OUT``: every article and feed in a folder, each into
``OUT/NAME.LANG.EXT``, skipping what is already translated.

A translation counts as done when its file exists and is no older than its source, so a run
that was interrupted, or a folder that gained articles, picks up where it was; ``--force``
translates everything again. Files are written whole or not at all (a temporary file renamed),
so a half-written one never passes for done. A file that cannot be read is reported on stderr
and the others go on; the exit status then says so (65).

Web pages are written as ``translate`` writes one page: in place, their markup checked, a page
whose markup would change written with a warning on stderr; with ``--strict`` that page is not
written, and the last line on stderr names the files refused (exit 65). With ``--extract``, each
page's article alone (other files, which hold an article already, as they are).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tarjama import formats
from tarjama.cli.base import in_languages, progress
from tarjama.errors import InputError, MarkupError, TarjamaError

if TYPE_CHECKING:
    from tarjama.config import Settings
    from tarjama.engines.base import Engine
    from tarjama.formats.feed import Feed
    from tarjama.model import Article, Translation
    from tarjama.pipeline import Translator

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".text", ".html", ".htm", ".json", ".xml", ".rss", ".atom")
EXTENSIONS = {"text": "txt", "html": "html", "ninjs": "ninjs.json", "json": "json", "feed": "xml"}
CHUNK = 8  # articles per engine call: the engine stays busy, and the bar moves often


def output_path(out_dir: Path, source: Path | str, lang: str, fmt: str) -> Path:
    """Where the ``lang`` translation of ``source`` goes: ``OUT/NAME.LANG.EXT``."""
    stem = "article" if source == "-" else Path(source).name.split(".")[0]
    return out_dir / f"{stem}.{lang}.{EXTENSIONS[fmt]}"


def write_whole(target: Path, text: str) -> None:
    """``text`` into ``target`` at once: a temporary file beside it, renamed."""
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)


@dataclass
class Work:
    """One file of the folder: what it holds, and the languages it still needs."""

    path: Path
    fmt: str  # the output format
    article: Article | None = None
    feed: Feed | None = None
    needed: list[str] = field(default_factory=list)


def translate_folder(
    folder: Path,
    to: list[str],
    source: str | None,
    out_format: str | None,
    input_format: str | None,
    settings: Settings,
    out_dir: Path,
    force: bool,
    *,
    extract: bool = False,
    strict: bool = False,
) -> None:
    from tarjama.runtime import Runtime

    files = sorted(
        f
        for f in folder.iterdir()
        if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith(".")
    )
    if not files:
        raise InputError(f"{folder} holds no articles or feeds ({', '.join(SUFFIXES)})")
    out_dir.mkdir(parents=True, exist_ok=True)
    with Runtime.open(settings, store=settings.memory) as runtime:
        _, langs = in_languages(runtime.engine, source or "en", to)
        works, failed = _read(
            files, langs, source, out_format, input_format, out_dir, force, extract
        )
        translator = runtime.translator()
        done, refused = _translate(works, langs, translator, runtime.engine, out_dir, strict)
    skipped = sum(len(langs) - len(w.needed) for w in works)
    summary = f"wrote {done} {'translation' if done == 1 else 'translations'} into {out_dir}/"
    if skipped:
        summary += f" ({skipped} already done, skipped)"
    click.echo(summary)
    problems = []
    if failed:
        problems.append(f"{failed} of {len(files)} files could not be translated (see above)")
    if refused:
        named = ", ".join(f"{path.name} ({', '.join(ls)})" for path, ls in refused.items())
        problems.append(
            f"{len(refused)} of {len(files)} files not written under --strict, their markup "
            f"would change: {named}"
        )
    if problems:
        raise InputError("; ".join(problems))


def _read(
    files: list[Path],
    langs: list[str],
    source: str | None,
    out_format: str | None,
    input_format: str | None,
    out_dir: Path,
    force: bool,
    extract: bool = False,
) -> tuple[list[Work], int]:
    """The files that still need a language, parsed (a page's article alone, with
    ``extract``); and how many could not be read."""
    works: list[Work] = []
    failed = 0
    for path in files:
        try:
            text = formats.decode(path.read_bytes(), name=str(path))
            kind = input_format or formats.detect(text)
            fmt = "feed" if kind == "feed" else out_format or kind
            if kind == "feed" and out_format not in (None, "feed"):
                raise InputError(f"{path} is a feed, written back as a feed, not {out_format}")
            work = Work(path, fmt)
            work.needed = [
                lang
                for lang in langs
                if force or not _is_done(path, output_path(out_dir, path, lang, fmt))
            ]
            if not work.needed:
                works.append(work)
                continue
            if kind == "feed":
                from tarjama.formats import feed as feeds

                work.feed = feeds.read_feed(text, language=source)
            elif extract and kind == "html":
                from tarjama.formats.extract import extract as extract_article

                work.article = extract_article(text, language=source)
            else:
                work.article = formats.parse(text, kind, language=source)
            works.append(work)
        except (TarjamaError, OSError) as exc:
            failed += 1
            message = str(exc) if isinstance(exc, TarjamaError) else f"{path}: {exc.strerror}"
            click.echo(f"tarjama: {message}", err=True)
    return works, failed


def _is_done(source: Path, target: Path) -> bool:
    try:
        return target.stat().st_mtime >= source.stat().st_mtime
    except FileNotFoundError:
        return False


def _translate(
    works: list[Work],
    langs: list[str],
    translator: Translator,
    engine: Engine,
    out_dir: Path,
    strict: bool = False,
) -> tuple[int, dict[Path, list[str]]]:
    """Each file into the languages it needs, articles a chunk per engine call; the number of
    translations written, and the languages of each page not written under ``strict``."""
    total = sum(len(w.needed) for w in works)
    written = 0
    refused: dict[Path, list[str]] = {}
    with progress(total, "translating", "files") as advance:
        for lang in langs:
            articles = [w for w in works if lang in w.needed and w.article is not None]
            for chunk in _chunks(articles, CHUNK):
                sources = [_source(engine, w.article, lang) for w in chunk if w.article]
                for work, result in zip(
                    chunk, translator.translate_many(sources, lang), strict=True
                ):
                    text = _checked(work, result, strict)
                    if text is None:
                        refused.setdefault(work.path, []).append(lang)
                        continue
                    write_whole(output_path(out_dir, work.path, lang, work.fmt), text)
                    written += 1
                advance(len(chunk))
            for work in (w for w in works if lang in w.needed and w.feed is not None):
                written += _translate_feed(work, lang, translator, engine, out_dir)
                advance(1)
    return written, refused


def _checked(work: Work, t: Translation, strict: bool) -> str | None:
    """The translation as written (a page: its markup checked, as ``translate`` checks one);
    None for a page refused under ``strict``, said on stderr."""
    try:
        written, checked = formats.write_checked(t, work.fmt, strict=strict)
    except MarkupError as exc:
        click.echo(f"tarjama: {work.path}: {exc}", err=True)
        return None
    for segment in checked.segments[len(t.segments) :]:
        for finding in segment.findings:
            click.echo(
                f"tarjama: warning ({work.path}, {t.language}): {finding.message}; needs review",
                err=True,
            )
    return written


def _source(engine: Engine, article: Article, lang: str) -> Article:
    """The article with its language as the engine spells it (``en-GB`` -> ``en``)."""
    src, _ = in_languages(engine, article.source_language, [lang])
    return replace(article, source_language=src)


def _translate_feed(
    work: Work, lang: str, translator: Translator, engine: Engine, out_dir: Path
) -> int:
    from tarjama.formats import feed as feeds

    assert work.feed is not None
    articles = [_source(engine, a, lang) for a in work.feed.articles]
    text = feeds.write_feed(work.feed, translator.translate_many(articles, lang))
    write_whole(output_path(out_dir, work.path, lang, "feed"), text)
    return 1


def _chunks(items: Sequence[Work], size: int) -> Iterator[Sequence[Work]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
