"""Shared fixtures: where ../shared is, one Apertium engine and one PostgreSQL server per session,
a Redis server per test that asks for one.

PostgreSQL (``tests/postgres.py``): the server starts on first use and is removed at the end of
the session. Without the server binaries its tests are skipped, except under ``CI=true``, where a
missing PostgreSQL fails them so CI always covers both databases.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tarjama.engines.apertium import ApertiumEngine, discover_modes
from tarjama.store import Store
from tests.cluster import RedisServer, RedisUnavailable
from tests.postgres import PostgresServer, PostgresUnavailable, start_server

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "src" / "tarjama" / "samples"

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium-wblank-mode") is None or not discover_modes(),
    reason="Apertium and its language pairs are not installed (scripts/setup installs them)",
)


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data folder is not beside the repository")
    return path


@pytest.fixture(scope="session")
def apertium() -> Iterator[ApertiumEngine]:
    if shutil.which("apertium-wblank-mode") is None or not discover_modes():
        pytest.skip("Apertium is not installed (scripts/setup installs it)")
    engine = ApertiumEngine()
    yield engine
    engine.close()


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commands run by the tests keep their store in a temporary folder, never in $HOME."""
    monkeypatch.setenv("TARJAMA_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("TARJAMA_CONFIG", raising=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgresql: runs against the throwaway PostgreSQL server (tests/postgres.py)"
    )


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _postgres_missing(reason: str) -> NoReturn:
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of the test's own (``tests/cluster.py``), append-only, on a free port.
    Missing, its tests are skipped, except under ``CI=true``, where they fail."""
    try:
        server = RedisServer(tmp_path / "redis")
    except RedisUnavailable as exc:
        if _in_ci():
            pytest.fail(f"{exc} (CI=true: the queue's tests must run in CI)", pytrace=False)
        pytest.skip(str(exc))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of our own for the session, on a Unix socket in a temporary folder."""
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        _postgres_missing(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a database created for the session (shared: tests may see each other's
    rows; use ``postgres_database`` for a database of a test's own)."""
    return postgres_server.url(postgres_server.create_database(name="tarjama_session"))


@pytest.fixture(scope="session")
def postgres_migrated_template(postgres_server: PostgresServer) -> str:
    """A database migrated to head by ``Store.migrate``, kept as a template to copy."""
    name = postgres_server.create_database(name="tarjama_migrated")
    with Store(postgres_server.url(name)) as store:
        store.migrate()
    postgres_server.mark_template(name)
    return name


@pytest.fixture
def postgres_database(
    postgres_server: PostgresServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., str]]:
    """Makes fresh databases for one test and returns their URLs: ``make()`` an empty one (a copy
    of ``template0``), ``make(migrated=True)`` one already at the newest migration (a copy of
    ``postgres_migrated_template``), in a few milliseconds each.

    They are dropped, open connections and all, when the test ends.
    """
    made: list[str] = []

    def make(*, migrated: bool = False) -> str:
        template = "template0"
        if migrated:
            template = request.getfixturevalue("postgres_migrated_template")
        made.append(postgres_server.create_database(template))
        return postgres_server.url(made[-1])

    yield make
    for name in made:
        postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL: suites that take this
    fixture run whole on both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tarjama.db'}"
    make: Callable[..., str] = request.getfixturevalue("postgres_database")
    return make()
