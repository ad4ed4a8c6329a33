"""``tarjama serve`` and ``tarjama keys``: the HTTP service and its API keys."""

from __future__ import annotations

import click

from tarjama.cli.base import main, reports_errors, settings_of
from tarjama.errors import InputError


@main.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8000).")
@click.pass_context
@reports_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the HTTP service: /v1 API, LibreTranslate-compatible endpoints, /health, /metrics."""
    from tarjama.api import serve as run_service

    run_service(settings_of(ctx), host or "127.0.0.1", port or 8000)


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

    click.echo(create_key(settings_of(ctx), name, role))


@keys.command("revoke")
@click.argument("key_id")
@click.pass_context
@reports_errors
def keys_revoke(ctx: click.Context, key_id: str) -> None:
    """Revoke a key (by its id or the whole key)."""
    from tarjama.api import revoke_key

    if not revoke_key(settings_of(ctx), key_id):
        raise InputError(f"no key {key_id!r}")
    click.echo(f"revoked {key_id}")
