"""A throwaway PostgreSQL server for the tests: found, initialised, started and removed here.

``scripts/setup`` installs Debian's ``postgresql`` package (server binaries only; no service is
started). :func:`start_server` finds ``initdb`` and ``pg_ctl`` (``$TARJAMA_PG_BINDIR``,
``pg_config --bindir``, ``/usr/lib/postgresql/*/bin``, then ``$PATH``), creates a cluster in a
fresh temporary folder and starts it listening on a Unix socket in that folder only (no TCP), with
durability switched off because nothing in it outlives the test session. Run as root, every
server command runs as the ``postgres`` OS user, since ``initdb`` refuses root.

Databases are cheap: :meth:`PostgresServer.create_database` copies a template (an empty one, or
one already migrated), so each test gets its own database in a few milliseconds.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "postgres"
OS_USER = "postgres"
"""The OS account that owns the cluster when the tests run as root."""

SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}
"""Unix socket only (no TCP); no durability, since the data is thrown away; small. Values are as
``pg_ctl`` hands them to a shell."""


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``pg_isready``; raise if there is none."""
    candidates: list[Path] = []
    if os.environ.get("TARJAMA_PG_BINDIR"):
        candidates.append(Path(os.environ["TARJAMA_PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    versions.sort(key=lambda p: _version_key(Path(p).parent.name), reverse=True)
    candidates.extend(Path(p) for p in versions)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for candidate in candidates:
        if all((candidate / tool).is_file() for tool in ("initdb", "pg_ctl", "pg_isready")):
            return candidate
    raise PostgresUnavailable(
        "PostgreSQL server not installed: run scripts/setup (Debian's postgresql package)"
    )


def _version_key(name: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (0,)


def _free_port() -> int:
    """A port nobody listens on; it only names the socket file, since TCP stays off."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway cluster; :meth:`stop` stops it and removes its folder."""

    bindir: Path
    root: Path
    port: int
    _as_user: list[str] = field(default_factory=list)
    _names: count[int] = field(default_factory=count)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str) -> str:
        """SQLAlchemy URL for ``database`` on this server (psycopg 3 over the Unix socket)."""
        return (
            f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"
        )

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection for administration (CREATE and DROP DATABASE)."""
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,
        )

    def create_database(self, template: str = "template0", name: str | None = None) -> str:
        """A new database copied from ``template``; returns its name."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        with self.connect() as connection:
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending any connection a test left open to it."""
        with self.connect() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def mark_template(self, name: str) -> None:
        """Let ``name`` be copied by :meth:`create_database` and refuse connections to it."""
        with self.connect() as connection:
            connection.execute(
                sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false").format(
                    sql.Identifier(name)
                )
            )

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run a server tool as the cluster's owner; raise with its output if it fails."""
        command = [*self._as_user, str(self.bindir / tool), *args]
        result = subprocess.run(
            command,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C"},
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
                f"{self._log_tail()}"
            )
        return result

    def _log_tail(self) -> str:
        try:
            return "\nserver log:\n" + self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self) -> None:
        self.run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = " ".join(
            [f"-k {self.socket_dir}", f"-p {self.port}"]
            + [f"-c {key}={value}" for key, value in SERVER_SETTINGS.items()]
        )
        self.run("pg_ctl", "start", "--pgdata", str(self.data), "--log", str(self.log),
                 "--wait", "--timeout", "60", "--options", options)  # fmt: skip
        isready = [str(self.bindir / "pg_isready"), "--quiet", "--host", str(self.socket_dir),
                   "--port", str(self.port), "--username", SUPERUSER]  # fmt: skip
        # pg_ctl --wait has waited for the server's own word that it accepts connections
        if subprocess.run(isready, check=False, timeout=30).returncode != 0:
            raise RuntimeError(f"PostgreSQL did not become ready{self._log_tail()}")

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder, whatever state it is in."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "fast", "--wait")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def scratch_parent(needed: int = 1 << 30) -> str | None:
    """``/dev/shm`` when it is a writable memory file system with room to spare, else None (the
    default temporary folder): on a disk, copying a database costs ten times as much."""
    shm = "/dev/shm"
    try:
        stats = os.statvfs(shm)
    except OSError:
        return None
    if not os.access(shm, os.W_OK | os.X_OK) or stats.f_bavail * stats.f_frsize < needed:
        return None
    return shm


def start_server(bindir: Path | None = None, *, parent: str | None = None) -> PostgresServer:
    """Initialise and start a cluster in a new temporary folder (``parent``, by default
    :func:`scratch_parent`; kept short, since socket paths are limited to about 100 bytes); raise
    :class:`PostgresUnavailable` without the binaries."""
    bindir = bindir or find_bindir()
    as_user: Sequence[str] = ()
    root = Path(tempfile.mkdtemp(prefix="tarjama-pg-", dir=parent or scratch_parent()))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(OS_USER)
        except KeyError as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable(
                f"running as root and there is no {OS_USER!r} OS user to own the cluster "
                "(Debian's postgresql package creates it: run scripts/setup)"
            ) from exc
        runuser = shutil.which("runuser")
        if not runuser:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable("running as root and runuser(1) (util-linux) is missing")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        as_user = [runuser, "-u", OS_USER, "--"]
    server = PostgresServer(bindir=bindir, root=root, port=_free_port(), _as_user=list(as_user))
    try:
        server.start()
    except BaseException:
        with contextlib.suppress(Exception):
            server.stop()
        raise
    return server
