"""A real ``tarjama serve`` at its edges: callers with fake keys, forged X-Forwarded-For, slow
and idle clients, too many connections.

Each server is the installed console script on a SQLite store in a temporary folder, with the
pseudo engine (what is tested here is the server, not translation). Slow clients are raw
sockets that send part of a request and then a byte at a time; the test waits on the socket
(``select``) until the server closes it and checks when.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import secrets
import select
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tarjama.api.keys import scrypt_hash
from tarjama.store import Store
from tarjama.store.keys import ApiKey

from .test_serve_restart import free_port, start_server

TRANSLATE = {"text": "The harbour reopened.", "target": "es"}


class Served:
    """``tarjama serve`` with the given ``TARJAMA_*`` settings; its log in ``log``."""

    def __init__(self, tmp_path: Path, **settings: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = tmp_path / "data"
        self.log = tmp_path / "serve.log"
        self.data.mkdir(exist_ok=True)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
        env = {
            **clean,
            "TARJAMA_DATA_DIR": str(self.data),
            "TARJAMA_ENGINE": "pseudo",
            "TARJAMA_TARGETS": "es",
            **{f"TARJAMA_{k.upper()}": v for k, v in settings.items()},
        }
        self.proc, self.output = start_server(env, self.port, self.log)
        ready = httpx.get(f"{self.url}/ready", timeout=30)
        assert ready.status_code == 200, ready.text

    def rss_kib(self) -> int:
        """The server's resident memory, from /proc."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        sock.setblocking(False)
        return sock

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.output.join()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[type[Served]]:
    started: list[Served] = []

    class Started(Served):
        def __init__(self, tmp: Path = tmp_path, **settings: str) -> None:
            super().__init__(tmp, **settings)
            started.append(self)

    yield Started
    for server in started:
        server.stop()


def until_closed(
    sock: socket.socket, trickle: bytes = b"", limit: float = 30.0
) -> tuple[float, bytes]:
    """Wait for the server to close ``sock``, sending ``trickle`` (one byte) every 0.25 s
    meanwhile, as a slow client does; the seconds it took and what the server sent."""
    start = time.monotonic()
    received = b""
    while time.monotonic() - start < limit:
        readable, _, _ = select.select([sock], [], [], 0.25)
        try:
            if readable:
                data = sock.recv(65536)
                if not data:
                    return time.monotonic() - start, received
                received += data
            elif trickle:
                sock.send(trickle)
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - start, received
    raise AssertionError(f"the server held the connection for {limit} s; it sent {received!r}")


def read_response(sock: socket.socket) -> bytes:
    """One whole answer (headers, and a body of its Content-Length) from ``sock``."""
    data = b""
    while True:
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if length and len(body) >= int(length.group(1)):
                return data
        readable, _, _ = select.select([sock], [], [], 10)
        assert readable, f"no whole answer in 10 s: {data!r}"
        chunk = sock.recv(65536)
        assert chunk, f"closed before a whole answer: {data!r}"
        data += chunk


# --- keys -----------------------------------------------------------------------------------------


def old_format_key(data: Path) -> str:
    """A reader key stored as keys were before (scrypt), as an upgraded server finds it."""
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(16)
    with Store(f"sqlite:///{data / 'tarjama.db'}") as store:
        store.migrate()
        with store.begin() as session:
            session.add(
                ApiKey(
                    id=key_id,
                    name="old CMS",
                    role="reader",
                    salt=salt.hex(),
                    hash=scrypt_hash(secret, salt),
                    revoked=False,
                )
            )
    return f"tj_{key_id}_{secret}"


def test_a_thousand_fake_keys_get_429_and_cost_no_memory(
    tmp_path: Path, serve: type[Served]
) -> None:
    (tmp_path / "data").mkdir()
    old = old_format_key(tmp_path / "data")
    server = serve()  # default settings: 10 failed key checks a minute per address
    old_id = old.split("_")[1]

    def fake(n: int) -> str:
        # every other one names the old-format key, whose check would cost scrypt's 16 MiB
        key_id = old_id if n % 2 else secrets.token_hex(6)
        return f"tj_{key_id}_{secrets.token_urlsafe(32)}"

    limits = httpx.Limits(max_connections=20)
    with httpx.Client(base_url=server.url, limits=limits, timeout=30) as client:

        def post(key: str | None) -> int:
            headers = {"X-API-Key": key} if key else {}
            return client.post("/v1/translate", json=TRANSLATE, headers=headers).status_code

        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            # warm: the worker threads and the code paths exist before "idle" is measured
            assert set(pool.map(lambda _: post(None), range(200))) == {200}
            idle = server.rss_kib()
            started = time.monotonic()
            first = [post(fake(n)) for n in range(11)]
            rest = list(pool.map(lambda n: post(fake(n)), range(11, 1000)))
            elapsed = time.monotonic() - started
        after = server.rss_kib()
        limited = client.post("/v1/translate", json=TRANSLATE, headers={"X-API-Key": fake(0)})
    assert first == [401] * 10 + [429]
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "too_many_failures"
    assert 1 <= int(limited.headers["retry-after"]) <= 6
    # a token comes back every 6 s: a check may be let through then (401, or 503 when it
    # would wait for another old-format check)
    counts = Counter(rest)
    assert set(counts) <= {429, 401, 503}
    assert counts[401] + counts[503] <= elapsed / 6 + 1, counts
    assert after <= idle * 1.10, f"{idle} KiB idle, {after} KiB after 1,000 fake keys"


def test_forwarded_for_from_a_local_peer_is_not_believed(
    tmp_path: Path, serve: type[Served]
) -> None:
    server = serve(rate_limit="0.01", rate_burst="2")
    statuses = [
        httpx.post(
            f"{server.url}/v1/translate",
            json=TRANSLATE,
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


# --- slow and idle clients -----------------------------------------------------------------------


@pytest.fixture
def impatient(serve: type[Served]) -> Served:
    return serve(timeout_headers="1", timeout_body="1", timeout_keep_alive="1")


def test_partial_headers_are_cut_off(impatient: Served) -> None:
    with impatient.connect() as sock:
        sock.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        took, received = until_closed(sock, trickle=b"a")
    assert received == b"" and 0.9 <= took < 3.0, took
    impatient.output.wait_for(lambda m: "no complete headers in 1 s" in m, "the log line")


def test_a_connection_that_sends_nothing_is_cut_off(impatient: Served) -> None:
    with impatient.connect() as sock:
        took, received = until_closed(sock)
    assert received == b"" and 0.9 <= took < 3.0, took


def test_a_slow_body_gets_408(impatient: Served) -> None:
    with impatient.connect() as sock:
        sock.send(
            b"POST /v1/translate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        took, received = until_closed(sock, trickle=b" ")
    assert received.startswith(b"HTTP/1.1 408 "), received
    assert b'"code":"request_timeout"' in received
    assert 0.9 <= took < 3.0, took


def test_an_idle_keep_alive_connection_is_closed_and_a_busy_one_is_not(impatient: Served) -> None:
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with impatient.connect() as sock:
        for _ in range(3):  # one request after another on one connection: all answered
            sock.send(request)
            assert read_response(sock).startswith(b"HTTP/1.1 200 ")
        took, received = until_closed(sock)
    assert received == b"" and 0.9 <= took < 3.0, took


def test_connections_beyond_the_limit_get_503(serve: type[Served]) -> None:
    server = serve(max_connections="3")
    assert httpx.get(f"{server.url}/health").status_code == 200
    held = [server.connect() for _ in range(2)]
    try:
        for sock in held:
            sock.send(b"GET /health HTTP/1.1\r\n")  # and no more
        # the server took the held connections before this one: it accepts in order
        refused = httpx.get(f"{server.url}/health")
        assert refused.status_code == 503 and refused.text == "Service Unavailable"
    finally:
        for sock in held:
            sock.close()
