"""A throwaway Redis server and real ``tarjama worker`` processes for the queue's tests.

``scripts/setup`` installs Debian's ``redis-server``. :class:`RedisServer` starts one on a free
loopback port with its data in a temporary folder, append-only and fsynced on every write (as
the deployment docs ask), and can kill and start it again on the same port and data.
:class:`WorkerProcess` runs ``tarjama worker`` as the console script, in a session of its own so
that a test can kill the whole worker (main process and pool) with SIGKILL. Both wait for the
line in which the server says it is ready, never for a time. :class:`FlowerProcess` runs
Flower (the dev extra's) against a Redis, on a free loopback port, behind basic auth.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

TARJAMA = str(Path(sys.executable).with_name("tarjama"))
CELERY = str(Path(sys.executable).with_name("celery"))


class RedisUnavailable(RuntimeError):
    """No redis-server on this machine."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Output:
    """A process's output, kept line by line as it comes (and copied to ``path``), so that a
    test waits for the line it needs."""

    def __init__(self, stream: IO[bytes], path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        self._new = threading.Condition()
        self._ended = False
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        with self.path.open("ab") as out:
            for raw in stream:
                out.write(raw)
                out.flush()
                line = raw.decode("utf-8", "replace").rstrip("\n")
                with contextlib.suppress(ValueError, AttributeError):  # JSON: its message
                    line = str(json.loads(line).get("message", line))
                with self._new:
                    self.lines.append(line)
                    self._new.notify_all()
        with self._new:
            self._ended = True
            self._new.notify_all()

    def wait_for(self, said: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        with self._new:
            while True:
                found = next((line for line in self.lines if said(line)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                assert not self._ended, f"the process ended before {what}: {self.path.read_text()}"
                assert left > 0, f"timed out waiting for {what}: {self.path.read_text()}"
                self._new.wait(left)

    def count(self, said: Callable[[str], bool]) -> int:
        with self._new:
            return sum(1 for line in self.lines if said(line))


class RedisServer:
    """``redis-server`` on 127.0.0.1 with append-only persistence in ``folder``."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisUnavailable("redis-server not installed: run scripts/setup")
        self.binary = binary
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.folder), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
             "--daemonize", "no", "--loglevel", "notice"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        output = Output(self.proc.stdout, self.folder / f"redis-{self.starts}.log")
        output.wait_for(lambda line: "Ready to accept connections" in line, "redis to start")

    def kill(self) -> None:
        """Killed as a power cut would: nothing written after the last fsync survives."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerProcess:
    """``tarjama worker`` with ``env``; started and ready when constructed."""

    def __init__(self, env: dict[str, str], log: Path, *args: str, concurrency: int = 1) -> None:
        self.proc = subprocess.Popen(
            [TARJAMA, "worker", f"--concurrency={concurrency}", *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.output = Output(self.proc.stdout, log)
        self.output.wait_for(lambda line: line.rstrip().endswith("ready."), "the worker to start")
        warm = " ready, engine warm"
        self.output.wait_for(lambda _: self.output.count(lambda line: warm in line) >= concurrency,
                             "every worker process to warm its engine")  # fmt: skip

    def children(self) -> list[int]:
        """The pool's processes."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    found.append(int(entry.name))
        return found

    def kill(self) -> None:
        """The whole worker, main process and pool, killed with SIGKILL."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # Celery's warm shutdown: the task in hand finishes
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class FlowerProcess:
    """Flower on 127.0.0.1 reading ``broker``, its HTTP API behind basic auth ``auth``; started
    and listening when constructed."""

    def __init__(self, broker: str, log: Path, auth: tuple[str, str] = ("ops", "flower")) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.auth = auth
        self.proc = subprocess.Popen(
            [CELERY, "--broker", broker, "flower", "--address=127.0.0.1", f"--port={self.port}",
             f"--basic-auth={auth[0]}:{auth[1]}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.output = Output(self.proc.stdout, log)
        self.output.wait_for(lambda line: "Visit me at" in line, "Flower to listen")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
