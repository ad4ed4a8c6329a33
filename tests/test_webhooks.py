"""Webhooks: registered per key, events POSTed signed (HMAC-SHA256 over timestamp and body)
to a real HTTP server on 127.0.0.1, retried with backoff, deliveries listed with their outcome."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tarjama.api import create_app, create_key
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.jobs.webhooks import backoff, sign

ARTICLE = "Council meets\n\nThe council met on Monday.\n"
TEXT = {"content-type": "text/plain"}


class Receiver:
    """A CMS's endpoint: records each POST; answers ``failures`` 500s first, then 204."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 204)
                self.end_headers()
                with receiver.arrived:
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()},
                                              body))  # fmt: skip
                    receiver.arrived.notify_all()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/tarjama"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 30) -> list[tuple[dict[str, str], bytes]]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.received)} deliveries, not {count}"
                self.arrived.wait(left)
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def client_for(tmp_path: Path, store_url: str, threads: int) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", store=store_url, targets=("es", "ca"))
    app = create_app(settings, engine=PseudoEngine(), job_threads=threads)
    return TestClient(app, headers={"X-API-Key": create_key(settings, "cms", "editor")})


def test_events_are_signed_and_delivered(
    tmp_path: Path, store_url: str, receiver: Receiver
) -> None:
    with client_for(tmp_path, store_url, threads=2) as client:
        created = client.post("/v1/webhooks", json={"url": receiver.url})
        assert created.status_code == 201, created.text
        hook = created.json()
        assert hook["events"] == ["translated", "needs-review", "reviewed"]
        assert hook["secret"].startswith("whsec_")
        assert client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT).status_code == 201
        translated = receiver.wait_for(2)
        approved = client.post("/v1/articles/a1/translations/es/approve")
        assert approved.status_code == 200
        every = receiver.wait_for(3)

        def listed() -> list[dict[str, Any]]:
            return client.get(f"/v1/webhooks/{hook['id']}/deliveries").json()  # type: ignore[no-any-return]

        worker = client.app.state.worker  # type: ignore[attr-defined]
        assert worker.wait(lambda: {d["state"] for d in listed()} == {"delivered"}, timeout=10)
        deliveries = listed()
    events = []
    for headers, body in every:
        timestamp = headers["x-tarjama-timestamp"]
        assert headers["x-tarjama-signature"] == sign(hook["secret"], timestamp, body)
        assert headers["x-tarjama-signature"] != sign("whsec_other", timestamp, body)
        assert abs(int(timestamp) - time.time()) < 60
        event = json.loads(body)
        assert event["event"] == headers["x-tarjama-event"]
        events.append((event["event"], event["language"], event["publisher_id"], event["version"]))
    assert sorted(events[:2]) == [("translated", "ca", "a1", 1), ("translated", "es", "a1", 1)]
    assert events[2] == ("reviewed", "es", "a1", 1)
    assert json.loads(translated[0][1])["href"].startswith("/v1/articles/a1/translations/")
    assert [(d["event"], d["state"], d["attempts"], d["status_code"]) for d in deliveries] == [
        ("reviewed", "delivered", 1, 204),
        ("translated", "delivered", 1, 204),
        ("translated", "delivered", 1, 204),
    ]


def test_a_failed_delivery_is_retried_with_backoff(tmp_path: Path, store_url: str) -> None:
    receiver = Receiver(failures=2)
    waited: list[float] = []
    try:
        with client_for(tmp_path, store_url, threads=1) as client:
            client.app.state.worker.delivery_delay = lambda d: waited.append(d) or 0.01  # type: ignore[attr-defined]
            hook = client.post("/v1/webhooks", json={"url": receiver.url,
                                                     "events": ["translated"]}).json()  # fmt: skip
            client.put("/v1/articles/a1", content=ARTICLE, headers=TEXT, params={"targets": "es"})
            receiver.wait_for(3)

            def listed() -> list[dict[str, Any]]:
                return client.get(f"/v1/webhooks/{hook['id']}/deliveries").json()  # type: ignore[no-any-return]

            # the outcome is written once the answer is in
            worker = client.app.state.worker  # type: ignore[attr-defined]
            assert worker.wait(lambda: listed()[0]["state"] == "delivered", timeout=10)
            deliveries = listed()
    finally:
        receiver.close()
    assert waited == [backoff(1), backoff(2)] == [1, 4]
    [delivery] = deliveries
    assert (delivery["attempts"], delivery["status_code"], delivery["error"]) == (3, 204, "")


def test_webhooks_belong_to_their_key(tmp_path: Path, store_url: str, receiver: Receiver) -> None:
    with client_for(tmp_path, store_url, threads=0) as client:
        settings = Settings(data_dir=tmp_path / "data", store=store_url)
        other = {"X-API-Key": create_key(settings, "other", "editor")}
        hook = client.post("/v1/webhooks", json={"url": receiver.url}).json()
        assert [h["id"] for h in client.get("/v1/webhooks").json()] == [hook["id"]]
        assert client.get("/v1/webhooks", headers=other).json() == []
        for method, path in [("GET", f"/v1/webhooks/{hook['id']}/deliveries"),
                             ("DELETE", f"/v1/webhooks/{hook['id']}")]:  # fmt: skip
            refused = client.request(method, path, headers=other)
            assert (refused.status_code, refused.json()["error"]["code"]) == (
                404, "webhook_not_found")  # fmt: skip
        assert client.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
        assert client.get("/v1/webhooks").json() == []
        for body in [{"url": "ftp://example.org/x"}, {"url": receiver.url, "events": ["sold"]},
                     {"url": receiver.url, "events": []}]:  # fmt: skip
            bad = client.post("/v1/webhooks", json=body)
            assert (bad.status_code, bad.json()["error"]["code"]) == (422, "validation_error")
        reader = {"X-API-Key": create_key(settings, "reader", "reader")}
        assert client.get("/v1/webhooks", headers=reader).status_code == 403
