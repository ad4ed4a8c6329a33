"""Dialect-aware bulk upsert: ``INSERT ... ON CONFLICT`` for SQLite and PostgreSQL.

Both dialects spell it the same way in SQLAlchemy but through their own ``insert``; this module
picks the right one so repositories stay dialect-neutral. Rows go in chunks through
``executemany`` (SQLAlchemy's "insertmanyvalues" where the driver benefits).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tarjama.errors import ConfigError

CHUNK = 5000


@functools.lru_cache(maxsize=64)
def _statement(dialect: str, table: Table, key: tuple[str, ...], update: tuple[str, ...]) -> Any:
    """The upsert of ``table``, made once: building it (``excluded`` makes a proxy of every
    column) was about a fifth of the CPU of writing an article's sentences to the memory."""
    if dialect == "sqlite":
        base: Any = sqlite.insert(table)
    elif dialect == "postgresql":
        base = postgresql.insert(table)
    else:
        raise ConfigError(f"no upsert for the {dialect!r} dialect (SQLite or PostgreSQL)")
    if update:
        return base.on_conflict_do_update(
            index_elements=list(key), set_={name: base.excluded[name] for name in update}
        )
    return base.on_conflict_do_nothing(index_elements=list(key))


def upsert(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] = (),
    chunk: int = CHUNK,
) -> None:
    """Insert ``rows``; where one collides on the unique ``key``, update the ``update`` columns.

    With no ``update`` columns a colliding row is left as it is (``DO NOTHING``). Rows that collide
    with each other inside one call behave as if they went in one by one: the last one wins an
    update, the first one a ``DO NOTHING`` (PostgreSQL refuses to touch a row twice in one
    statement).
    """
    if not rows:
        return
    statement = _statement(session.get_bind().dialect.name, table, tuple(key), tuple(update))
    unique: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for row in rows:
        identity = tuple(row[name] for name in key)
        if update or identity not in unique:
            unique[identity] = row
    deduplicated = list(unique.values())
    for start in range(0, len(deduplicated), chunk):
        session.execute(statement, deduplicated[start : start + chunk])
