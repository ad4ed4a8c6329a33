"""``tarjama worker``: a Celery worker taking translation jobs from the broker."""

from __future__ import annotations

import os

import click

from tarjama.cli.base import main, reports_errors, settings_of

PRIORITIES = ("breaking", "normal", "backfill")


@main.command()
@click.option("--queues", default=",".join(PRIORITIES), show_default=True,
              help="Priorities to take jobs from, comma-separated; breaking first.")  # fmt: skip
@click.option("--concurrency", type=click.IntRange(1, 256),
              help="Worker processes, each with its own warm engine (default: CPUs).")  # fmt: skip
@click.option("--nice", type=click.IntRange(0, 19), default=0, show_default=True,
              help="CPU niceness of the worker and its engines: 19 for a backfill worker, so "
              "that breaking work on the same cores runs first.")  # fmt: skip
@click.pass_context
@reports_errors
def worker(ctx: click.Context, queues: str, concurrency: int | None, nice: int) -> None:
    """Run a Celery worker on the broker of [queue] url (TARJAMA_QUEUE_URL)."""
    from tarjama.jobs.distributed import run_worker

    chosen = [q.strip() for q in queues.split(",") if q.strip()]
    run_worker(settings_of(ctx), chosen, concurrency or os.cpu_count() or 1, nice=nice)
