"""``tarjama completion``: shell completion of the commands, their options and the languages.

    eval "$(tarjama completion bash)"     # in ~/.bashrc (zsh: ~/.zshrc; fish: a file in
                                          # ~/.config/fish/completions/tarjama.fish)

Click completes commands and options by itself; :func:`complete_languages` completes ``--to``
and ``--from`` with the languages the configured engine serves (``es``, ``ca-valencia``...),
each with its English name where the shell shows one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import click

from tarjama.cli.base import engine_of, main

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

log = logging.getLogger(__name__)

SHELLS = ("bash", "zsh", "fish")


def complete_languages(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The languages the engine translates into (``--from``: from) that start with what is
    typed; after a comma (``--to es,c``), the next of a list."""
    from click.shell_completion import CompletionItem

    from tarjama.cli.codes import name_of
    from tarjama.config import Settings

    done, comma, typed = incomplete.rpartition(",")
    root = ctx.find_root().params
    try:
        settings = Settings.load(root.get("config_file"))  # the group's callback has not run
        with engine_of(settings, ctx.params.get("engine_name")) as engine:
            pairs = engine.pairs()
    except Exception:  # a completion never prints a traceback into the shell: nothing to offer
        log.debug("no languages to complete", exc_info=True)
        return []
    source = param.name in ("source", "source_lang")
    codes = sorted({p.source if source else p.target for p in pairs})
    return [
        CompletionItem(f"{done}{comma}{code}", help=name_of(code) or None)
        for code in codes
        if code.lower().startswith(typed.lower())
    ]


@main.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL: eval "$(tarjama completion bash)" in ~/.bashrc
    completes commands, options, files and languages."""
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    if completer is None:  # click knows every shell of SHELLS
        raise click.BadParameter(f"no completion for {shell}")
    click.echo(completer(main, {}, "tarjama", "_TARJAMA_COMPLETE").source())
