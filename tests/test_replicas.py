"""Two real ``tarjama serve`` replicas on one Redis and one PostgreSQL keep no state of their own:
rate limits are shared (whichever replica a request reaches), an answer one computed is a hit on
the other, and a correction through one stops the other's kept answer. With Redis down each
replica answers at once on its own state (``api/shared.py``), and the shared buckets outlive a
Redis restart (append-only).

The answers' JSON codec of the shared cache (``api/cache.py``) is checked on its own too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarjama.api import create_key
from tarjama.api.cache import _decode, _encode
from tarjama.api.limits import SharedRateLimiter
from tarjama.api.shared import RETRY_AFTER, SharedState, Unavailable
from tarjama.config import Settings
from tarjama.model import (
    Article,
    FieldRef,
    Part,
    Provenance,
    SegmentOrigin,
    SegmentResult,
    Translation,
)
from tarjama.qa import Finding, Severity
from tests.cluster import RedisServer, free_port
from tests.test_queue import env_for
from tests.test_serve_restart import Server

TEXT = "The harbour reopened on Tuesday.\n\nFerries sailed again."


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def postgres(postgres_database: Callable[..., str]) -> str:
    return postgres_database(migrated=True)


def two_replicas(
    tmp_path: Path, store: str, redis: RedisServer, servers: list[Server], **more: str
) -> tuple[Server, Server, str]:
    env = env_for(tmp_path, store, redis, **more)
    key = create_key(Settings.load(environ=env), "desk", "editor")
    for name in ("a", "b"):
        servers.append(Server(env, tmp_path / f"{name}.log", key))
    return servers[0], servers[1], key


def translate(server: Server, text: str = TEXT, key: str = "") -> httpx.Response:
    headers = {"X-API-Key": key} if key else {}
    return httpx.post(f"{server.url}/v1/translate", json={"text": text, "targets": ["es"]},
                      headers=headers, timeout=5)  # fmt: skip


def refused(response: httpx.Response, code: str) -> int:
    """The seconds a 429 with ``code`` says to wait."""
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == code
    return int(response.headers["retry-after"])


def counted(server: Server, name: str) -> float:
    """A counter of the server's /metrics (0 when it has no sample)."""
    text = httpx.get(f"{server.url}/metrics", timeout=5).text
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


HITS = 'tarjama_result_cache_lookups_total{result="hit"}'
MISSES = 'tarjama_result_cache_lookups_total{result="miss"}'


def test_rate_limits_hold_across_replicas(
    tmp_path: Path, postgres: str, redis_server: RedisServer, servers: list[Server]
) -> None:
    # 6 requests an address, then one every 100 s; 2 failed key checks an address a minute
    a, b, _ = two_replicas(tmp_path, postgres, redis_server, servers, TARJAMA_RATE_LIMIT="0.01",
                           TARJAMA_RATE_BURST="6", TARJAMA_AUTH_FAILURES="2")  # fmt: skip
    bad = "tj_000000000000_" + "x" * 43
    assert translate(a).status_code == 200
    assert translate(b).status_code == 200
    for server in (a, b):  # one failed check on each replica spends the address's two
        assert translate(server, key=bad).status_code == 401
    assert refused(translate(a, key=bad), "too_many_failures") > 0
    assert translate(b).status_code == 200  # the sixth request of the address
    assert 90 <= refused(translate(a), "rate_limited") <= 100
    assert 90 <= refused(translate(b), "rate_limited") <= 100

    # Redis down: a replica answers at once, on its own buckets, and says so in /ready
    redis_server.stop()
    assert translate(a).status_code == 200
    ready = httpx.get(f"{a.url}/ready", timeout=10)
    assert ready.status_code == 503 and ready.json()["error"]["code"] == "not_ready"
    assert counted(a, "tarjama_shared_state_errors_total") >= 1

    # Redis back (its buckets were on disk): b, which never lost it, is still refused
    redis_server.start()
    assert 80 <= refused(translate(b), "rate_limited") <= 100


def test_an_answer_kept_by_one_replica_is_served_by_the_other(
    tmp_path: Path, postgres: str, redis_server: RedisServer, servers: list[Server]
) -> None:
    a, b, _ = two_replicas(tmp_path, postgres, redis_server, servers)
    assert translate(a).status_code == 200  # from the engine: into the memory, not kept
    kept = translate(a)  # wholly from the memory: kept, in Redis
    assert {s["origin"] for s in kept.json()["translations"][0]["segments"]} == {"memory:machine"}
    assert (counted(a, HITS), counted(b, HITS)) == (0, 0)

    served = translate(b)
    assert served.json() == kept.json()
    assert counted(b, HITS) == 1  # b computed nothing: a's answer

    # a correction through a: b's kept answer no longer matches, b computes the new one
    unit = {"source": "Ferries sailed again.", "target": "Los ferris volvieron a zarpar.",
            "source_lang": "en", "target_lang": "es"}  # fmt: skip
    added = httpx.post(f"{a.url}/v1/memory/units", json=unit, headers=a.headers, timeout=5)
    assert added.status_code == 201, added.text
    misses = counted(b, MISSES)
    corrected = translate(b)
    assert "Los ferris volvieron a zarpar." in corrected.json()["translations"][0]["content"]
    assert (counted(b, HITS), counted(b, MISSES)) == (1, misses + 1)
    assert translate(a).json() == corrected.json()  # and kept it for a
    assert counted(a, HITS) == 1

    # Redis down: every answer computed, none kept or taken, none waiting on Redis
    redis_server.stop()
    computed = translate(b).json()["translations"][0]
    assert computed["content"] == corrected.json()["translations"][0]["content"]
    assert counted(b, HITS) == 1
    assert counted(b, "tarjama_shared_state_errors_total") >= 1


def test_answers_in_redis_are_json_and_come_back_whole() -> None:
    finding = Finding("untranslated", Severity.MAJOR, "left in English", 0, "harbour", (3, 10))
    segment = SegmentResult(FieldRef(Part.HEADLINE), 0, "The harbour.", "El harbour.",
                            SegmentOrigin.MEMORY_HUMAN, risk=0.4, findings=(finding,),
                            names=("Tuesday",))  # fmt: skip
    article = Article(headline="El harbour.", body=(), original="The harbour.")
    t = Translation(article, "v1", Provenance("pseudo", "1", "", "en", "es"), segments=(segment,),
                    risk=0.4)  # fmt: skip
    for answer in [("El harbour.", t), (["El harbour.", ""], [t, t])]:
        data: Any = _encode(answer)
        assert _decode(data) == answer
    with pytest.raises(TypeError, match="bytes is not a part of an answer"):
        _encode((b"x", t))


def test_a_replica_leaves_a_down_redis_alone_for_a_while(redis_server: RedisServer) -> None:
    """After a failed call, calls fail at once (no connection tried) for RETRY_AFTER seconds;
    then Redis is tried again, and used again when it answers."""
    now = [0.0]
    failed: list[int] = []
    shared = SharedState(redis_server.url, failed=lambda: failed.append(1), clock=lambda: now[0])
    assert shared.call(lambda client: client.ping()) is True
    redis_server.stop()
    with pytest.raises(Unavailable, match=r"Connection (refused|closed)"):
        shared.call(lambda client: client.ping())
    redis_server.start()
    with pytest.raises(Unavailable, match="found down lately"):  # not tried: it is up again
        shared.call(lambda client: client.ping())
    assert failed == [1]
    now[0] += RETRY_AFTER
    assert shared.call(lambda client: client.ping()) is True
    shared.close()

    nowhere = SharedState(f"redis://127.0.0.1:{free_port()}/0", failed=lambda: failed.append(1))
    with pytest.raises(Unavailable):
        nowhere.call(lambda client: client.ping())
    assert failed == [1, 1]


def test_limiters_of_two_replicas_charge_one_bucket(redis_server: RedisServer) -> None:
    a, b = (SharedRateLimiter(0.5, 2, SharedState(redis_server.url), "rate") for _ in "ab")
    assert a.acquire("key:k1") is None and b.acquire("key:k1") is None
    assert a.acquire("key:k1") in (1, 2)  # a token every 2 s
    b.refund("key:k1")  # given back through the other replica
    assert a.acquire("key:k1") is None
    assert b.acquire("key:k2") is None  # a bucket per name
    other = SharedRateLimiter(0.5, 2, SharedState(redis_server.url), "auth-failures")
    assert other.acquire("key:k1") is None  # and per limit
