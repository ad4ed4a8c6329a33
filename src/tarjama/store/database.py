"""The :class:`Store`: one database (SQLite default, PostgreSQL by URL), sessions, migrations.

    store = Store("sqlite:///tarjama.db")
    store.migrate()                      # Alembic, to the newest revision shipped in the package
    with store.begin() as session:       # a transaction: commits on success, rolls back on error
        ...

Migrations live in ``tarjama/store/migrations`` and run programmatically (no ``alembic.ini``):
:meth:`Store.alembic_config` builds the configuration and hands Alembic this store's engine.
SQLite connections get WAL journaling, foreign keys and a busy timeout when they open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from tarjama.errors import ConflictError, InputError, StoreConfigError, StoreError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@contextmanager
def _mapped() -> Iterator[None]:
    """The database's errors as tarjama's, for every caller alike: a row colliding with a
    unique constraint is a :class:`ConflictError` (``conflict``), a value the database cannot
    hold (a term over its column's length in PostgreSQL) an :class:`InputError`, a database
    that fails (locked, gone, out of step) a :class:`StoreError`."""
    try:
        yield
    except IntegrityError as exc:
        message = f"the change collides with a stored entry: {_reason(exc)}"
        raise ConflictError("conflict", message) from exc
    except DataError as exc:
        raise InputError(f"the store refused a value: {_reason(exc)}") from exc
    except OperationalError as exc:
        raise StoreError(f"the database failed: {_reason(exc)}") from exc


def _reason(exc: DBAPIError) -> str:
    """The driver's own words, first line (PostgreSQL adds a DETAIL line with the values)."""
    lines = str(exc.orig).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


class Store:
    """A database holding tarjama's translation memory and glossary (and, later, more).

    ``url`` is a SQLAlchemy URL: ``sqlite:///path/to/file.db`` or
    ``postgresql+psycopg://user:password@host/dbname``. Choosing a default location is the
    caller's business. Nothing connects until the first use.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreConfigError(f"not a database URL: {url!r}") from exc
        self.url = parsed
        try:
            self.engine: Engine = create_engine(parsed, echo=echo)
        except (NoSuchModuleError, ImportError) as exc:
            raise StoreConfigError(f"no driver for {parsed.drivername!r}: {exc}") from exc
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """The database kind: ``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session without a transaction of its own, for reads (``with store.session() as
        s:``); the database's errors mapped as :meth:`begin` maps them."""
        with _mapped(), self._sessions() as session:
            yield session

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on an error."""
        with _mapped(), self._sessions.begin() as session:
            yield session

    def alembic_config(self) -> Config:
        """Alembic's configuration for this store: the packaged migrations, this store's engine."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("path_separator", "os")
        config.set_main_option(
            "sqlalchemy.url", self.url.render_as_string(hide_password=False).replace("%", "%%")
        )
        config.attributes["engine"] = self.engine
        return config

    def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema to ``revision`` (the newest shipped migration by default)."""
        log.info("migrating %s to %s", self.url.render_as_string(), revision)
        try:
            command.upgrade(self.alembic_config(), revision)
        except SQLAlchemyError as exc:
            raise StoreError(f"migration to {revision} failed: {exc}") from exc

    def downgrade(self, revision: str) -> None:
        """Downgrade the schema to ``revision`` (``"base"`` removes every table)."""
        log.info("downgrading %s to %s", self.url.render_as_string(), revision)
        try:
            command.downgrade(self.alembic_config(), revision)
        except SQLAlchemyError as exc:
            raise StoreError(f"downgrade to {revision} failed: {exc}") from exc

    def revision(self) -> str | None:
        """The schema's current revision, or None for a database never migrated."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string()!r})"
