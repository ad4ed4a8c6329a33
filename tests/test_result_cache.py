"""The service's cache of whole answers made from the memory (``api/cache.py``), on both
databases: reused while nothing is written, dropped by any write, whichever process makes it.
Every test runs with the cache in the process and again in a real Redis (``[queue] url``: the
cache the API's replicas share; ``tests/test_replicas.py`` runs two of them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tarjama.api.cache import ResultCache, SharedResultCache
from tarjama.engines.base import Engine
from tarjama.engines.pseudo import PseudoEngine
from tarjama.memory import Glossary, TranslationMemory
from tarjama.model import Article, Pair, Provenance, SegmentResult, Translation
from tarjama.store import Store
from tests.test_api import _on_both_databases, settings_for  # noqa: F401 (autouse)
from tests.test_api import client_for as api_client_for

TEXT = "The harbour reopened on Tuesday.\n\nFerries sailed again."

_queue: list[str] = []


@pytest.fixture(autouse=True, params=["in-process", "redis"])
def _kept_where(request: pytest.FixtureRequest) -> Iterator[None]:
    _queue.append(request.getfixturevalue("redis_server").url if request.param == "redis" else "")
    yield
    _queue.pop()


def client_for(
    tmp_path: Path, engine: Engine | None = None, **fields: Any
) -> AbstractContextManager[TestClient]:
    return api_client_for(tmp_path, engine, queue_url=_queue[-1], **fields)


class CountingPseudo(PseudoEngine):
    def __init__(self) -> None:
        self.sent: list[str] = []

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        self.sent.extend(texts)
        return super().translate_list(texts, pair)


def cache_of(client: TestClient) -> ResultCache:
    cache: ResultCache = client.app.state.services.cache  # type: ignore[attr-defined]
    assert isinstance(cache, SharedResultCache) == bool(_queue[-1])
    return cache


def ask(client: TestClient, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/translate", json={"text": TEXT, "targets": ["es"], **extra})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()["translations"][0]
    return answer


def origins(answer: dict[str, Any]) -> set[str]:
    return {s["origin"] for s in answer["segments"]}


def test_an_answer_from_the_memory_is_reused_until_the_memory_changes(tmp_path: Path) -> None:
    engine = CountingPseudo()
    with client_for(tmp_path, engine=engine) as client:
        cache = cache_of(client)
        first = ask(client)
        assert origins(first) == {"engine"} and len(engine.sent) == 2
        second = ask(client)  # from the memory, computed: engine output is never kept
        assert origins(second) == {"memory:machine"} and cache.hits == 0
        third = ask(client)
        assert third == second and cache.hits == 1 and len(engine.sent) == 2

        # another process (the CLI, a second server) corrects a sentence in the same store
        with Store(settings_for(tmp_path).store_url) as store:
            TranslationMemory(store).add(
                "Ferries sailed again.", "Los ferris volvieron a zarpar.", pair=("en", "es")
            )
        corrected = ask(client)
        assert "Los ferris volvieron a zarpar." in corrected["content"]
        assert cache.hits == 1
        assert ask(client) == corrected and cache.hits == 2

        # a glossary change moves it too
        with Store(settings_for(tmp_path).store_url) as store:
            Glossary(store).add("harbour", "puerto", source_lang="en", target_lang="es")
        ask(client)
        assert cache.hits == 2


def test_the_key_is_the_whole_request(tmp_path: Path) -> None:
    requests = [
        {"text": TEXT, "targets": ["es"]},
        {"html": f"<p>{TEXT}</p>", "targets": ["es"]},
        {"text": TEXT, "targets": ["ca"]},
        {"text": TEXT, "source": "en", "targets": ["es"]},  # the same as the first
    ]
    with client_for(tmp_path) as client:
        cache = cache_of(client)
        for body in requests[:3]:  # into the memory: every write moves the generation
            client.post("/v1/translate", json=body)
        answers = [client.post("/v1/translate", json=body).json() for body in requests]
        assert cache.hits == 1  # only the fourth, which repeats the first
        assert answers[3] == answers[0]
        assert len({str(a) for a in answers[:3]}) == 3
        assert [client.post("/v1/translate", json=b).json() for b in requests] == answers
        assert cache.hits == 5


def test_libretranslate_answers_are_cached_too(tmp_path: Path) -> None:
    with client_for(tmp_path) as client:
        cache = cache_of(client)
        body = {"q": ["Ferries sailed again.", "The harbour reopened."], "source": "en",
                "target": "es"}  # fmt: skip
        answers = [client.post("/translate", json=body).json() for _ in range(3)]
        assert answers[0] == answers[1] == answers[2]
        assert cache.hits == 1  # the first from the engine, the second from the memory


def test_turned_off(tmp_path: Path) -> None:
    engine = CountingPseudo()
    with client_for(tmp_path, engine=engine, result_cache=0) as client:
        for _ in range(3):
            ask(client)
        assert cache_of(client).hits == 0 and len(engine.sent) == 2


def test_bounded_by_entries(tmp_path: Path) -> None:
    with client_for(tmp_path, result_cache=2) as client:
        cache = cache_of(client)
        texts = [f"Ferry number {n} sailed." for n in range(4)]
        for _ in range(2):
            for text in texts:
                client.post("/v1/translate", json={"text": text, "targets": ["es"]})
        assert len(cache) == 2


def test_the_generation_is_read_after_this_process_writes(tmp_path: Path) -> None:
    """The service's translator writes to the memory behind the answer; the next request must
    key its answer by the generation those writes leave, or it is kept where nobody looks."""
    with client_for(tmp_path) as client:
        store: Store = client.app.state.services.store  # type: ignore[attr-defined]
        memory = TranslationMemory(store)
        written: list[str] = []

        def settle() -> None:  # a write this process started and the store has not seen yet
            if not written:
                memory.add("The quay was shut.", "El muelle estaba cerrado.", pair=("en", "es"))
                written.append("done")

        cache = ResultCache(store, settle=settle)
        computed: list[int] = []

        def compute() -> Translation:
            computed.append(1)
            return _from_memory()

        def one(done: Translation) -> list[Translation]:
            return [done]

        first = cache.get(("k",), compute, one, lambda _: 10)
        assert written == ["done"] and len(computed) == 1
        assert cache.get(("k",), compute, one, lambda _: 10) is first
        assert cache.hits == 1 and len(computed) == 1


def _from_memory() -> Translation:
    article = Article(headline="El muelle estaba cerrado.", body=())
    provenance = Provenance("pseudo", "1", "", "en", "es")
    segment = SegmentResult("headline", 0, "The quay was shut.", "El muelle estaba cerrado.",
                            "memory:human")  # fmt: skip
    return Translation(article, "v1", provenance, segments=(segment,))
