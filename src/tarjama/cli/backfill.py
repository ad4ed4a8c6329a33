"""``tarjama backfill``: an archive translated in the background, with a progress line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tarjama.cli.base import main, reports_errors, settings_of, targets
from tarjama.errors import InputError

if TYPE_CHECKING:
    from tarjama.newsroom.backfill import Backfill, Progress


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--to", "to", required=True, help="Target language(s), comma-separated: es,ca,gl.")
@click.option(
    "--untranslated",
    is_flag=True,
    help="The store's articles whose current version lacks a target language.",
)
@click.option("--dry-run", is_flag=True, help="Count the articles and words; store nothing.")
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Follow the jobs to the end (with Celery workers, --no-wait only queues them).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    help="Threads translating here when no queue URL is set (default: CPUs).",
)
@click.pass_context
@reports_errors
def backfill(
    ctx: click.Context,
    sources: tuple[Path, ...],
    to: str,
    untranslated: bool,
    dry_run: bool,
    wait: bool,
    threads: int | None,
) -> None:
    """Translate an archive at the backfill priority: folders and files of articles (text,
    HTML, ninjs), ninjs dumps (.json arrays, .jsonl), RSS or Atom feeds, or --untranslated.
    A second run skips what is done."""
    from tarjama.newsroom import backfill as plan
    from tarjama.runtime import Runtime

    settings = settings_of(ctx)
    langs = tuple(targets(to))
    if not sources and not untranslated:
        raise InputError("give folders or files of articles, or --untranslated")
    if dry_run:
        count = plan.Count()
        found = list(plan.documents(sources))
        if untranslated:
            with Runtime.open(settings, engine=False) as runtime:
                found += list(plan.untranslated(runtime.store, langs))
        for document in found:
            count.count(document)
        _report_refused(count.refused)
        click.echo(f"{count.articles} articles, {count.words} words; "
                   f"{count.articles * len(langs)} tasks into {', '.join(langs)}")  # fmt: skip
        return
    with Runtime.open(settings) as runtime:
        queue = runtime.queue(threads=threads or os.cpu_count() or 1)
        work = plan.Backfill(newsroom=runtime.newsroom(), targets=langs,
                             max_characters=settings.max_characters)  # fmt: skip
        found = list(plan.documents(sources))
        if untranslated:
            found += list(plan.untranslated(runtime.store, langs))
        queue.start()
        for document in found:
            queue.dispatch(work.add(document), "backfill")
        _report_refused(work.refused)
        click.echo(f"{work.articles} articles, {work.words} words: {len(work.jobs)} tasks "
                   f"queued, {work.skipped} articles already done", err=True)  # fmt: skip
        if not wait:
            return
        progress = work.progress()
        shown = sys.stderr.isatty()  # a progress bar for a person; a log gets the totals
        while not progress.finished:
            if shown:
                _show(progress)
            queue.wait(_moved(work, progress.done + progress.failed), timeout=1.0)
            progress = work.progress()
        if shown:
            _show(progress)
            click.echo("", err=True)
        click.echo(f"{progress.done} done, {progress.failed} failed, "
                   f"{progress.words_per_second:.0f} words/s")  # fmt: skip
        if progress.failed:
            raise InputError(f"{progress.failed} tasks failed: GET /v1/jobs?state=failed lists "
                             "them; a second run retries them")  # fmt: skip


def _moved(work: Backfill, ended: int) -> Callable[[], bool]:
    """Whether more tasks ended than ``ended``."""

    def moved() -> bool:
        now = work.progress()
        return now.done + now.failed > ended

    return moved


def _show(progress: Progress) -> None:
    finished = progress.done + progress.failed
    width = 30
    filled = int(width * finished / progress.tasks) if progress.tasks else width
    bar = "#" * filled + "-" * (width - filled)
    line = (f"\r[{bar}] {finished}/{progress.tasks}  done {progress.done}  failed "
            f"{progress.failed}  {progress.words_per_second:.0f} words/s  ETA "
            f"{_duration(progress.eta)}")  # fmt: skip
    sys.stderr.write(line)
    sys.stderr.flush()


def _report_refused(refused: list[str]) -> None:
    for reason in refused:
        click.echo(f"skipped {reason}", err=True)
