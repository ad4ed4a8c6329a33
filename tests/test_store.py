"""The store: migrations up and down, connection settings, models in step with migrations.

``StoreContract`` holds what every database must pass; ``TestSQLiteStore`` runs it on a SQLite
file and ``TestPostgreSQLStore`` on a fresh database of the throwaway PostgreSQL server
(``tests/postgres.py``), each subclass providing its ``url`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from tarjama.api.errors import status_for
from tarjama.cli import EXIT_CODES
from tarjama.errors import ConfigError, ConflictError, StoreConfigError, StoreError
from tarjama.memory import Glossary, Origin, TranslationMemory
from tarjama.store import Base, GlossaryTerm, Store, TMUnit, generations, upsert

TABLES = {"tm_units", "glossary_terms", "api_keys", "generations", "desk_sessions"}


class StoreContract:
    """What a store must do on any database; subclasses provide ``url``."""

    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        raise NotImplementedError

    @pytest.fixture
    def store(self, url: str) -> Iterator[Store]:
        store = Store(url)
        yield store
        store.close()

    def test_migrate_creates_the_tables_at_head(self, store: Store) -> None:
        assert store.revision() is None
        store.migrate()
        head = ScriptDirectory.from_config(store.alembic_config()).get_current_head()
        assert store.revision() == head == "0008"
        assert set(inspect(store.engine).get_table_names()) >= TABLES

    def test_downgrade_to_base_and_up_again(self, store: Store) -> None:
        store.migrate()
        store.downgrade("base")
        assert store.revision() is None
        assert not TABLES & set(inspect(store.engine).get_table_names())
        store.migrate()
        assert store.revision() == "0008"

    def test_migrate_twice_is_a_no_op(self, store: Store) -> None:
        store.migrate()
        store.migrate()
        assert store.revision() == "0008"

    def test_models_match_the_migrations(self, store: Store) -> None:
        store.migrate()
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []

    def test_what_the_database_refuses_is_a_tarjama_error(self, store: Store) -> None:
        store.migrate()
        term = {"source_lang": "en", "target_lang": "es", "source_term": "AFP",
                "target_term": "AFP"}  # fmt: skip
        with store.begin() as session:
            session.add(GlossaryTerm(**term))
        with pytest.raises(ConflictError) as collided, store.begin() as session:
            session.add(GlossaryTerm(**term))  # the same source term of the same pair
        assert collided.value.code == "conflict" and "collides" in str(collided.value)
        assert isinstance(collided.value.__cause__, IntegrityError)
        # a database out of reach: PostgreSQL has none of that name, SQLite no such folder
        missing = "no_such_database" if store.dialect == "postgresql" else "/no/such/folder/x.db"
        gone = store.url.set(database=missing)
        unreachable = Store(gone.render_as_string(hide_password=False))
        with pytest.raises(StoreError) as failed, unreachable.session() as session:
            session.execute(text("SELECT 1"))
        unreachable.close()
        assert isinstance(failed.value.__cause__, OperationalError)

    def test_unique_provenance_key(self, store: Store) -> None:
        store.migrate()
        row = {
            "source_lang": "en",
            "target_lang": "es",
            "source_locale": "en",
            "target_locale": "es",
            "source": "Hello.",
            "target": "Hola.",
            "source_hash": "h",
            "source_length": 6,
            "origin": "human",
            "engine": "",
            "engine_version": "",
            "model": "",
            "approved": False,
            "note": "",
            "created_at": datetime(2024, 1, 1, tzinfo=UTC),
            "updated_at": datetime(2024, 1, 1, tzinfo=UTC),
        }
        key = ("source_lang", "target_lang", "source_hash", "origin", "engine", "engine_version")
        with store.begin() as session:
            upsert(
                session,
                TMUnit.__table__,  # type: ignore[arg-type]
                [row, {**row, "target": "¡Hola!"}, {**row, "engine_version": "2"}],
                key=(*key, "model"),
                update=("target",),
            )
        with store.session() as session:
            targets = sorted(session.scalars(select(TMUnit.target)))
        assert targets == ["Hola.", "¡Hola!"]

    def test_every_memory_and_glossary_write_moves_the_generation(self, store: Store) -> None:
        store.migrate()
        tm, glossary = TranslationMemory(store), Glossary(store)
        seen = [generations.current(store)]

        def moved() -> bool:
            seen.append(generations.current(store))
            return seen[-1] > seen[-2]

        unit = tm.add("Hello.", "Hola.", pair=("en", "es"))
        assert moved()
        tm.add_many([("Bye.", "Adiós.")], pair=("en", "es"), origin=Origin.HUMAN)
        assert moved()
        assert tm.delete(unit)
        assert moved()
        term = glossary.add("port", "puerto", source_lang="en", target_lang="es")
        assert moved()
        glossary.update(term.id, note="harbour sense")
        assert moved()
        assert glossary.delete(term.id)
        assert moved()
        tm.lookup("Bye.", "en", "es")
        glossary.list_terms("en", "es")
        assert not moved()  # reads leave it alone
        store.downgrade("0003")
        assert "generations" not in inspect(store.engine).get_table_names()

    def test_timestamps_come_back_in_utc(self, store: Store) -> None:
        store.migrate()
        plus_two = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
        with store.begin() as session:
            session.add(
                GlossaryTerm(
                    source_lang="en",
                    target_lang="es",
                    source_term="AFP",
                    target_term="AFP",
                    created_at=plus_two,
                    updated_at=plus_two,
                )
            )
        with store.session() as session:
            term = session.scalars(select(GlossaryTerm)).one()
        assert term.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
        assert term.created_at.tzinfo is UTC
        assert term.case_sensitive is False and term.note == ""


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'tarjama.db'}"

    @pytest.mark.parametrize(
        ("pragma", "expected"),
        [("journal_mode", "wal"), ("foreign_keys", 1), ("synchronous", 1)],
    )
    def test_sqlite_connections_are_configured(
        self, store: Store, pragma: str, expected: object
    ) -> None:
        with store.engine.connect() as connection:
            assert connection.execute(text(f"PRAGMA {pragma}")).scalar_one() == expected

    def test_the_file_is_where_the_url_says(self, store: Store, tmp_path: Path) -> None:
        store.migrate()
        assert (tmp_path / "tarjama.db").is_file()
        assert store.dialect == "sqlite"


@pytest.mark.postgresql
class TestPostgreSQLStore(StoreContract):
    @pytest.fixture
    def url(self, postgres_database: Callable[..., str]) -> str:
        return postgres_database()

    def test_the_database_is_postgresql(self, store: Store) -> None:
        store.migrate()
        assert store.dialect == "postgresql"
        with store.engine.connect() as connection:
            assert connection.execute(text("SHOW server_encoding")).scalar_one() == "UTF8"

    def test_the_session_url_reaches_the_server(self, postgres_url: str) -> None:
        with Store(postgres_url) as store, store.engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "not a database URL: 'not a url'"),
        ("nosuchdatabase://host/db", "no driver for 'nosuchdatabase'"),
    ],
)
def test_unusable_urls_are_config_errors(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Store(url)
    assert type(caught.value) is StoreConfigError and says in str(caught.value)
    # a configuration error at both edges: exit 78 (EX_CONFIG), HTTP 500 configuration_error
    assert next(code for kind, code in EXIT_CODES if isinstance(caught.value, kind)) == 78
    assert status_for(caught.value) == (500, "configuration_error")
