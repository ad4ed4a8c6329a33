"""The command line: argv -> settings -> runtime (``tarjama.runtime``) -> output and an exit code.

    cli/base.py       the ``tarjama`` group, the settings, errors -> exit codes (one table)
    cli/translate.py  translate (articles and feeds)
    cli/lines.py      translate --format lines, eval
    cli/engines.py    languages, engines
    cli/demo.py       demo
    cli/service.py    serve, keys
    cli/memory.py     tm, glossary
    cli/completion.py completion (and the languages --to and --from complete to)
    cli/codes.py      language codes as people write them (ES, es_ES, spa, Spanish -> es)
    cli/queue.py      worker (Celery)
    cli/backfill.py   backfill

The console script ``tarjama`` is :func:`main`; ``python -m tarjama`` runs it too.
"""

from tarjama.cli import (  # their commands
    backfill,
    completion,
    demo,
    engines,
    lines,
    memory,
    queue,
    service,
    translate,
)
from tarjama.cli.base import EXIT_CODES, main

__all__ = [
    "EXIT_CODES",
    "backfill",
    "completion",
    "demo",
    "engines",
    "lines",
    "main",
    "memory",
    "queue",
    "service",
    "translate",
]
