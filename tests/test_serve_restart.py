"""A real ``tarjama serve`` killed in the middle of a translation job, then started again.

The server runs as the installed console script, on SQLite and on PostgreSQL. To catch the job
while it runs, the server's Apertium processes are stopped (SIGSTOP) before the article arrives,
so the job claims its row and then waits on the engine. A second server started on the same store
meanwhile must leave the job to its runner, whose heartbeat is fresh. The first server's whole
process group is then killed with SIGKILL, as an out-of-memory killer or a power cut would; once
the job's lease (3 s here) runs out, the second server takes the job over (saying so in its JSON
log) and finishes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tarjama.api import create_key
from tarjama.config import Settings

from .conftest import needs_apertium

TARJAMA = str(Path(sys.executable).with_name("tarjama"))
ARTICLE = """Harbour reopens after storm

Ferries returned to the harbour on Tuesday after a storm closed it for three days.

"We lost 1,200 bookings," said the operator's spokesman, Daniel Okafor.
"""

pytestmark = [needs_apertium]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Output:
    """A server's output (JSON log lines), copied into ``path`` as it comes, so that a test
    waits for the line that says what it waits for rather than asking again and again."""

    def __init__(self, stream: IO[bytes], path: Path) -> None:
        self.path = path
        self.messages: list[str] = []
        self._new = threading.Condition()
        self._ended = False
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        with self.path.open("ab") as out:
            for raw in stream:
                out.write(raw)
                out.flush()
                try:
                    message = str(json.loads(raw).get("message", ""))
                except ValueError:
                    message = raw.decode("utf-8", "replace")
                with self._new:
                    self.messages.append(message)
                    self._new.notify_all()
        with self._new:
            self._ended = True
            self._new.notify_all()

    def wait_for(self, said: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
        """The first message for which ``said`` holds, once the server has written it."""
        deadline = time.monotonic() + timeout
        with self._new:
            while True:
                found = next((m for m in self.messages if said(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                assert not self._ended, f"the server ended before {what}: {self.path.read_text()}"
                assert left > 0, f"timed out waiting for {what}: {self.path.read_text()}"
                self._new.wait(left)

    def join(self) -> None:
        """Once the server has ended: every line is in the file."""
        self._reader.join(timeout=10)


def start_server(
    env: dict[str, str], port: int, log: Path
) -> tuple[subprocess.Popen[bytes], Output]:
    """``tarjama serve`` on ``port``, listening (it says so once its socket is bound)."""
    proc = subprocess.Popen(
        [TARJAMA, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert proc.stdout is not None
    output = Output(proc.stdout, log)
    output.wait_for(lambda m: m.startswith("Uvicorn running on"), "the server to listen")
    return proc, output


class Server:
    def __init__(self, env: dict[str, str], log: Path, key: str = "") -> None:
        self.headers = {"X-API-Key": key} if key else {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc, self.output = start_server(env, self.port, log)
        ready = httpx.get(f"{self.url}/ready", timeout=30)
        assert ready.status_code == 200, ready.text

    def get(self, path: str) -> Any:
        response = httpx.get(f"{self.url}{path}", headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.output.join()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.output.join()


@pytest.fixture
def env(tmp_path: Path, store_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    return {
        **clean,
        "TARJAMA_DATA_DIR": str(tmp_path / "data"),
        "TARJAMA_STORE": store_url,
        "TARJAMA_TARGETS": "es",
        "TARJAMA_JOB_LEASE": "3",
    }


@pytest.fixture
def key(env: dict[str, str]) -> str:
    """An editor key in the servers' store."""
    settings = Settings(data_dir=Path(env["TARJAMA_DATA_DIR"]), store=env["TARJAMA_STORE"])
    return create_key(settings, "desk", "editor")


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def test_a_killed_server_loses_nothing_and_finishes_the_job(
    env: dict[str, str], key: str, servers: list[Server], tmp_path: Path
) -> None:
    first = Server(env, tmp_path / "first.log", key)
    servers.append(first)
    warm = httpx.post(
        f"{first.url}/v1/translate",
        json={"text": "The port is open.", "source": "en", "targets": ["es"]},
        timeout=30,
    )
    assert warm.status_code == 200, warm.text
    engine_processes = descendants(first.proc.pid)
    assert engine_processes, "the warm-up should have started the en-es pipeline"
    for pid in engine_processes:
        os.kill(pid, signal.SIGSTOP)

    put = httpx.put(
        f"{first.url}/v1/articles/harbour-1",
        content=ARTICLE.encode(),
        headers={"content-type": "text/plain", **first.headers},
        timeout=10,
    )
    assert put.status_code == 201, put.text
    [job] = put.json()["jobs"]
    first.output.wait_for(lambda m: m == f"job {job} running", "the job to start")
    assert first.get(f"/v1/jobs/{job}")["state"] == "running"
    # A second server on the same store: the job's runner is alive, so it is not run again.
    second = Server(env, tmp_path / "second.log", key)
    servers.append(second)
    info = second.get(f"/v1/jobs/{job}")
    assert (info["state"], info["attempts"]) == ("running", 1)
    left = descendants(first.proc.pid)
    first.kill()
    # Apertium's stages run in sessions of their own: a killed server's stages see their input
    # close and exit, but these are stopped, so they are killed here, not left behind.
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    second.output.wait_for(lambda m: m == f"job {job} done", "the job to finish")
    assert second.get(f"/v1/jobs/{job}")["attempts"] == 2
    article = second.get("/v1/articles/harbour-1")
    assert article["current"]["number"] == 1
    assert article["current"]["statuses"] == {"es": "translated"}
    translation = second.get("/v1/articles/harbour-1/translations/es")
    assert translation["status"] == "translated"
    body = json.dumps(translation["article"], ensure_ascii=False)
    assert "Daniel Okafor" in body and "1200" in body  # CLDR es: no separator in 4 digits

    second.stop()
    lines = [json.loads(line) for line in (tmp_path / "second.log").read_text().splitlines()
             if line.startswith("{")]  # fmt: skip
    taken = [line for line in lines if "took over" in line.get("message", "")]
    assert taken and taken[0]["level"] == "warning", lines
    assert sum(line.get("message") == f"job {job} running" for line in lines) == 1
