"""The ``tarjama`` group and what its commands share: the settings, the runtime of an engine, the
one table from errors to exit codes. Only the command line prints or exits: an error is one line
on stderr; stdout carries only results.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from tarjama.config import Settings
from tarjama.engines import registry
from tarjama.errors import ConfigError, EngineError, InputError, LanguageError, TarjamaError
from tarjama.runtime import Runtime

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


def settings_of(ctx: click.Context) -> Settings:
    settings: Settings = ctx.ensure_object(dict)["settings"]
    return settings


def engine_only(settings: Settings, name: str | None = None) -> Runtime:
    """A runtime with the settings' engine alone (routes, fallbacks...); ``name`` replaces the
    default route."""
    return Runtime.open(settings, store=False, engine_name=name)


ENGINE_HELP = (
    f"Engine for pairs without a route: built-in ({', '.join(registry.ENGINES)}) or one "
    "configured in the settings (default: the settings')."
)


def targets(value: str) -> list[str]:
    langs = [t.strip() for t in value.split(",") if t.strip()]
    if not langs:
        raise click.BadParameter("give at least one target language, e.g. --to es,ca")
    return langs
