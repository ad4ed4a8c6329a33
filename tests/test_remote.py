"""The remote engines against local servers that speak each provider's wire format
(``tests/providers.py``): the engine contract, the provider specifics, and every failure mode
mapped to tarjama's errors, retried or not, without a key ever showing."""

from __future__ import annotations

import logging
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarjama import inline
from tarjama.engines import registry
from tarjama.engines.base import Engine
from tarjama.engines.pseudo import PseudoEngine
from tarjama.engines.remote import tags
from tarjama.engines.remote.azure import AzureEngine
from tarjama.engines.remote.base import RemoteEngine
from tarjama.engines.remote.deepl import FREE_URL, PRO_URL, DeepLEngine, from_deepl
from tarjama.engines.remote.google import GoogleEngine
from tarjama.engines.remote.http import retry_after_seconds
from tarjama.engines.remote.libretranslate import LibreTranslateEngine
from tarjama.engines.remote.openai import OpenAIEngine
from tarjama.errors import (
    ConfigError,
    EngineAuthError,
    EngineQuotaError,
    EngineRateLimitError,
    EngineRequestError,
    EngineTimeoutError,
    EngineUnavailableError,
    PlaceholderError,
)
from tarjama.model import Pair

from .providers import (
    AzureServer,
    ChatServer,
    DeepLServer,
    FakeProvider,
    Fault,
    GoogleServer,
    LibreTranslateServer,
    serving,
)
from .test_engines import SENTENCES, EngineContract
from .test_libretranslate import running_server

SERVERS: dict[str, Callable[[], FakeProvider]] = {
    "libretranslate": LibreTranslateServer,
    "deepl": DeepLServer,
    "google": GoogleServer,
    "azure": AzureServer,
    "openai": ChatServer,
}
EN_ES = Pair("en", "es")


def build(server: FakeProvider, **options: Any) -> RemoteEngine:
    """The engine for a fake provider, configured as a tarjama.toml table would be."""
    settings: dict[str, Any] = {
        "url": server.url,
        "api_key": server.key,
        "timeout": 5.0,
        "retries": 2,
        "backoff": 0.01,
    }
    settings.update(options)
    if isinstance(server, DeepLServer):
        return DeepLEngine(**settings)
    if isinstance(server, GoogleServer):
        return GoogleEngine(project=server.project, location=server.location, **settings)
    if isinstance(server, AzureServer):
        return AzureEngine(region=server.region, **settings)
    if isinstance(server, ChatServer):
        settings["url"] = server.url + "/v1"
        settings.setdefault("model", server.model)
        return OpenAIEngine(pairs=["en-es", "en-fr"], **settings)
    return LibreTranslateEngine(**settings)


@pytest.fixture
def make() -> Iterator[Callable[..., RemoteEngine]]:
    engines: list[RemoteEngine] = []

    def factory(server: FakeProvider, **options: Any) -> RemoteEngine:
        engine = build(server, **options)
        engines.append(engine)
        return engine

    yield factory
    for engine in engines:
        engine.close()


@pytest.fixture(params=list(SERVERS))
def provider(request: pytest.FixtureRequest) -> Iterator[FakeProvider]:
    with serving(SERVERS[request.param]()) as server:
        yield server


# --- the engine contract, per provider ------------------------------------------------------


class _RemoteContract(EngineContract):
    pair = EN_ES
    kind: str

    @pytest.fixture
    def engine(self, make: Callable[..., RemoteEngine]) -> Iterator[Engine]:
        with serving(SERVERS[self.kind]()) as server:
            yield make(server)


class TestLibreTranslateContract(_RemoteContract):
    kind = "libretranslate"


class TestDeepLContract(_RemoteContract):
    kind = "deepl"


class TestGoogleContract(_RemoteContract):
    kind = "google"


class TestAzureContract(_RemoteContract):
    kind = "azure"


class TestOpenAIContract(_RemoteContract):
    kind = "openai"


# --- what every provider does ---------------------------------------------------------------


def test_translates_with_tags_in_place(
    provider: FakeProvider, make: Callable[..., RemoteEngine]
) -> None:
    engine = make(provider)
    out = engine.translate_batch(
        [
            'Prices rose by <x id="1" ctype="number" equiv="5%"/> in the <g id="2">northern</g> '
            "region.",
            '<x id="3" ctype="name" equiv="Theresa May"/> met people.',
        ],
        EN_ES,
    )
    assert out == [
        'Precios subieron en <x id="1" ctype="number" equiv="5%"/> en el <g id="2">norte</g> '
        "región.",
        '<x id="3" ctype="name" equiv="Theresa May"/> se reunió con personas.',
    ]
    # The words a placeholder stands for reached the provider, and were not translated.
    assert any("Theresa May" in r.raw.decode() for r in provider.translations())


def test_pairs_come_from_the_provider_once(
    provider: FakeProvider, make: Callable[..., RemoteEngine]
) -> None:
    engine = make(provider)
    engine.translate_batch(["Hello."], EN_ES)
    asked = len(provider.requests)
    engine.translate_batch(["Hello."], EN_ES)
    assert EN_ES in engine.pairs()
    assert len(provider.requests) == asked + 1
    assert len(provider.translations()) == 2


def test_provenance_names_the_provider_and_its_api(
    provider: FakeProvider, make: Callable[..., RemoteEngine]
) -> None:
    engine = make(provider)
    provenance = engine.direction(EN_ES).provenance
    assert (provenance.engine, provenance.engine_version) == (provider.name, engine.api_version)
    assert provenance.model.startswith(f"{provider.name}/{engine.api_version}")
    assert provenance.model == engine.model_for(EN_ES)


def test_health_reports_without_translating(
    provider: FakeProvider, make: Callable[..., RemoteEngine]
) -> None:
    health = make(provider).health()
    assert health.ok, health.detail
    assert provider.requests and not provider.translations()


def test_wrong_key_is_an_auth_error_that_never_shows_the_key(
    provider: FakeProvider,
    make: Callable[..., RemoteEngine],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "WRONG-key-5f3a9c71e2b84d06"
    engine = make(provider, api_key=wrong)
    with pytest.raises(EngineAuthError) as err:
        engine.pairs()  # the languages endpoint needs no key at some providers
        engine.translate_batch(["Hello."], EN_ES)
    assert len(provider.translations()) <= 1  # not retried
    # The provider got the key (and echoed it back), and tarjama repeated it nowhere.
    seen = [r for r in provider.requests if wrong in str(r.headers) + r.raw.decode()]
    assert seen
    text = "".join(traceback.format_exception(err.value))
    assert wrong not in text and "***" in str(err.value)
    assert wrong not in caplog.text
    assert wrong not in engine.health().detail


def test_missing_key_fails_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEEPL_AUTH_KEY", raising=False)
    with serving(DeepLServer()) as server:
        engine = DeepLEngine(url=server.url)
        with pytest.raises(EngineAuthError, match="DEEPL_AUTH_KEY"):
            engine.translate_batch(["Hello."], EN_ES)
        health = engine.health()
        engine.close()
    assert not health.ok and "DEEPL_AUTH_KEY" in health.detail
    assert server.requests == []


def test_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with serving(AzureServer()) as server:
        assert server.key
        monkeypatch.setenv("NEWSROOM_AZURE_KEY", server.key)
        monkeypatch.setenv("AZURE_TRANSLATOR_REGION", "westeurope")
        engine = AzureEngine(url=server.url, api_key_env="NEWSROOM_AZURE_KEY")
        assert engine.translate_batch(["Hello."], EN_ES) == ["Hola."]
        engine.close()
        assert server.translations()[0].headers["ocp-apim-subscription-key"] == server.key


def test_registry_knows_the_remote_engines() -> None:
    with serving(LibreTranslateServer(key=None)) as server:
        engine = registry.create("libretranslate", url=server.url)
        assert isinstance(engine, LibreTranslateEngine)
        assert engine.translate_batch(["Thank you."], EN_ES) == ["Gracias tú."]
        engine.close()
    for name in ("deepl", "google", "azure", "openai"):
        assert name in registry.ENGINES


# --- retries, backoff and the errors --------------------------------------------------------


def test_retry_after_is_honoured_then_succeeds(make: Callable[..., RemoteEngine]) -> None:
    with serving(DeepLServer()) as server:
        engine = make(server)
        engine.pairs()
        server.fail(Fault(429, {"message": "Too many requests"}, {"Retry-After": "1"}))
        start = time.monotonic()
        assert engine.translate_batch(["Hello."], EN_ES) == ["Hola."]
        waited = time.monotonic() - start
    assert 1.0 <= waited < 3.0
    assert len(server.translations()) == 2


def test_exhausted_retries_raise_rate_limit_with_retry_after(
    make: Callable[..., RemoteEngine],
) -> None:
    with serving(DeepLServer()) as server:
        engine = make(server, retries=1)
        engine.pairs()
        server.fail(*[Fault(429, {"message": "Too many requests"}, {"Retry-After": "0.2"})] * 2)
        with pytest.raises(EngineRateLimitError) as err:
            engine.translate_batch(["Hello."], EN_ES)
    assert err.value.retry_after == pytest.approx(0.2)
    assert len(server.translations()) == 2


def test_rate_limit_without_retry_after_backs_off(make: Callable[..., RemoteEngine]) -> None:
    with serving(GoogleServer()) as server:
        engine = make(server, retries=3)
        engine.pairs()
        server.fail(*[Fault(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}})] * 4)
        with pytest.raises(EngineRateLimitError) as err:
            engine.translate_batch(["Hello."], EN_ES)
    assert err.value.retry_after is None
    assert len(server.translations()) == 4


def test_retry_after_beyond_the_cap_ends_at_once(make: Callable[..., RemoteEngine]) -> None:
    with serving(AzureServer()) as server:
        engine = make(server, retry_after_cap=5.0)
        engine.pairs()
        server.fail(
            Fault(429, {"error": {"code": 429001, "message": "slow"}}, {"Retry-After": "3600"})
        )
        start = time.monotonic()
        with pytest.raises(EngineRateLimitError) as err:
            engine.translate_batch(["Hello."], EN_ES)
    assert time.monotonic() - start < 1.0
    assert err.value.retry_after == 3600
    assert len(server.translations()) == 1


@pytest.mark.parametrize(
    ("server_type", "fault", "error"),
    [
        (DeepLServer, Fault(456, {"message": "Quota exceeded"}), EngineQuotaError),
        (DeepLServer, Fault(400, {"message": "Bad request"}), EngineRequestError),
        (DeepLServer, Fault(413, {"message": "Request Entity Too Large"}), EngineRequestError),
        (DeepLServer, Fault(403, {"message": "Forbidden"}), EngineAuthError),
        (AzureServer, Fault(403, {"error": {"code": 403001, "message": "q"}}), EngineQuotaError),
        (AzureServer, Fault(401, {"error": {"code": 401000, "message": "no"}}), EngineAuthError),
        (GoogleServer, Fault(403, {"error": {"status": "PERMISSION_DENIED"}}), EngineAuthError),
        (LibreTranslateServer, Fault(400, {"error": "Invalid request"}), EngineRequestError),
        (ChatServer, Fault(200, raw=b"<html>proxy error</html>"), EngineUnavailableError),
        (GoogleServer, Fault(200, {"translations": "nope"}), EngineUnavailableError),
        (AzureServer, Fault(200, [{"translations": []}]), EngineUnavailableError),
    ],
)  # fmt: skip
def test_errors_that_are_not_retried(
    server_type: Callable[[], FakeProvider],
    fault: Fault,
    error: type[Exception],
    make: Callable[..., RemoteEngine],
) -> None:
    with serving(server_type()) as server:
        engine = make(server, retries=3)
        engine.pairs()
        server.fail(fault)
        with pytest.raises(error) as err:
            engine.translate_batch(["Hello."], EN_ES)
    assert type(err.value) is error
    assert str(err.value).startswith(f"{server.name}: ")
    assert len(server.translations()) == 1


def test_server_errors_are_retried(make: Callable[..., RemoteEngine]) -> None:
    with serving(LibreTranslateServer()) as server:
        engine = make(server, retries=2)
        engine.pairs()
        server.fail(Fault(503, {"error": "busy"}), Fault(500, {"error": "crash"}))
        assert engine.translate_batch(["Hello."], EN_ES) == ["Hola."]
        assert len(server.translations()) == 3
        server.fail(*[Fault(502, {"error": "bad gateway"})] * 3)
        with pytest.raises(EngineUnavailableError, match="HTTP 502"):
            engine.translate_batch(["Hello."], EN_ES)
        assert len(server.translations()) == 6


def test_a_hanging_server_times_out(make: Callable[..., RemoteEngine]) -> None:
    with serving(DeepLServer()) as server:
        engine = make(server, timeout=0.5, retries=1)
        engine.pairs()
        server.fail(Fault(hang=True), Fault(hang=True))
        start = time.monotonic()
        with pytest.raises(EngineTimeoutError, match=r"0\.5 s"):
            engine.translate_batch(["Hello."], EN_ES)
        elapsed = time.monotonic() - start
    assert 1.0 <= elapsed < 3.0
    assert len(server.translations()) == 2


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = LibreTranslateEngine(url=f"http://127.0.0.1:{port}", retries=1, backoff=0.01)
    with pytest.raises(EngineUnavailableError, match="cannot reach"):
        engine.pairs()
    assert not engine.health().ok
    engine.close()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("2", 2.0), ("0.5", 0.5), ("-3", 0.0), ("soon", None), (None, None), ("", None)],
)
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_retry_after_as_an_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28 <= (retry_after_seconds(when) or 0) <= 30


# --- batches ----------------------------------------------------------------------------------


def test_large_batches_are_split_to_the_provider_limit(make: Callable[..., RemoteEngine]) -> None:
    texts = [f"Hello {i}." for i in range(120)]
    with serving(DeepLServer()) as server:
        out = make(server).translate_batch(texts, EN_ES)
    assert out == [f"Hola {i}." for i in range(120)]
    assert [len(r.json()["text"]) for r in server.translations()] == [50, 50, 20]


def test_batches_respect_a_character_limit(make: Callable[..., RemoteEngine]) -> None:
    texts = ["Hello. " * 20] * 6  # 140 characters each
    with serving(LibreTranslateServer()) as server:
        make(server, char_limit=300, batch_size=100).translate_batch(texts, EN_ES)
    assert [len(r.json()["q"]) for r in server.translations()] == [2, 2, 2]


def test_blank_texts_are_not_sent(make: Callable[..., RemoteEngine]) -> None:
    with serving(GoogleServer()) as server:
        out = make(server).translate_batch(["", "Hello.", "  "], EN_ES)
    assert out == ["", "Hola.", "  "]
    assert [r.json()["contents"] for r in server.translations()] == [["Hello."]]


# --- provider specifics ---------------------------------------------------------------------


def test_deepl_request_and_free_endpoint(make: Callable[..., RemoteEngine]) -> None:
    with serving(DeepLServer()) as server:
        engine = make(server)
        engine.translate_batch(['A <g id="1">big</g> <x id="2" equiv="Ford"/>.'], EN_ES)
        request = server.translations()[0]
    assert request.headers["authorization"] == f"DeepL-Auth-Key {server.key}"
    body = request.json()
    assert body["text"] == ['A <g id="1">big</g> <x id="2">Ford</x>.']
    assert (body["source_lang"], body["target_lang"], body["tag_handling"]) == ("EN", "ES", "xml")
    assert body["ignore_tags"] == ["x"] and set(body["non_splitting_tags"]) == {"x", "g"}
    with DeepLEngine(api_key="abc:fx") as free, DeepLEngine(api_key="abc") as pro:
        assert (free.url, pro.url) == (FREE_URL, PRO_URL)


def test_deepl_target_variants(make: Callable[..., RemoteEngine]) -> None:
    with serving(DeepLServer()) as server:
        engine = make(server)
        pairs = engine.pairs()
        assert {
            Pair("en", "pt"),
            Pair("en", "pt-BR"),
            Pair("en", "pt-PT"),
            Pair("es", "en"),
        } <= set(pairs)
        assert Pair("en", "en-GB") not in pairs
        engine.translate_batch(["Hello."], Pair("en", "pt"))
        engine.translate_batch(["Hello."], Pair("en", "pt-BR"))
        us = make(server, target_variants={"en": "en-US"})
        us.translate_batch(["Hola."], Pair("es", "en"))
        targets = [r.json()["target_lang"] for r in server.translations()]
    assert targets == ["PT-PT", "PT-BR", "EN-US"]
    assert engine.model_for(Pair("en", "pt")) == "deepl/v2 target=PT-PT"
    assert engine.model_for(Pair("en", "pt-BR")) == "deepl/v2"


@pytest.mark.parametrize(
    ("code", "bcp47"),
    [("EN-GB", "en-GB"), ("ZH-HANT", "zh-Hant"), ("ES-419", "es-419"), ("DE", "de")],
)
def test_deepl_codes(code: str, bcp47: str) -> None:
    assert from_deepl(code) == bcp47


def test_deepl_glossary_and_formality(make: Callable[..., RemoteEngine]) -> None:
    with serving(DeepLServer()) as server:
        engine = make(server, glossaries={"en-es": "gl-en-es"}, formality="prefer_more")
        out = engine.translate_batch(["The minister said: thank you."], EN_ES)
        body = server.translations()[0].json()
    assert out == ["El ministra dijo: gracias usted."]
    assert body["glossary_id"] == "gl-en-es" and body["formality"] == "prefer_more"
    assert engine.model_for(EN_ES) == "deepl/v2 formality=prefer_more glossary=gl-en-es"
    assert engine.model_for(Pair("en", "fr")) == "deepl/v2 formality=prefer_more"


def test_google_request_and_glossary(make: Callable[..., RemoteEngine]) -> None:
    with serving(GoogleServer()) as server:
        engine = make(server, glossaries={"en-es": "style"}, quota_project="billing-1")
        out = engine.translate_batch(['The <g id="1">minister</g> <x id="2"/>.'], EN_ES)
        request = server.translations()[0]
    assert out == ['El <g id="1">ministra</g> <x id="2"/>.']
    assert request.path == "/v3/projects/newsroom-1/locations/us-central1:translateText"
    assert request.headers["authorization"] == f"Bearer {server.key}"
    assert request.headers["x-goog-user-project"] == "billing-1"
    body = request.json()
    assert body["mimeType"] == "text/html"
    assert body["contents"] == [
        'The <span id="g1">minister</span> '
        '<span translate="no" class="notranslate" id="x2"></span>.'
    ]
    assert body["glossaryConfig"] == {
        "glossary": "projects/newsroom-1/locations/us-central1/glossaries/style"
    }
    assert engine.model_for(EN_ES) == "google/v3 glossary=style"


def test_azure_request(make: Callable[..., RemoteEngine]) -> None:
    with serving(AzureServer()) as server:
        engine = make(server, category="news-general")
        engine.translate_batch(["Hello.", "The port."], EN_ES)
        request = server.translations()[0]
    assert request.query == {
        "api-version": "3.0",
        "from": "en",
        "to": "es",
        "textType": "html",
        "category": "news-general",
    }
    assert request.json() == [{"Text": "Hello."}, {"Text": "The port."}]
    assert request.headers["ocp-apim-subscription-region"] == "westeurope"
    assert engine.model_for(EN_ES) == "azure/3.0 category=news-general"


def test_libretranslate_request(make: Callable[..., RemoteEngine]) -> None:
    with serving(LibreTranslateServer()) as server:
        engine = make(server)
        assert Pair("es", "en") in engine.pairs() and Pair("es", "fr") not in engine.pairs()
        engine.translate_batch(["Hello.", "Fish &amp; chips."], EN_ES)
        body = server.translations()[0].json()
    assert body == {
        "q": ["Hello.", "Fish &amp; chips."],
        "source": "en",
        "target": "es",
        "format": "html",
        "api_key": server.key,
    }


def test_openai_request_and_strict_answer(make: Callable[..., RemoteEngine]) -> None:
    with serving(ChatServer()) as server:
        server.think = True
        engine = make(server)
        out = engine.translate_batch(['<x id="1" equiv="Ana"/> said hello.'], EN_ES)
        body = server.translations()[0].json()
    assert out == ['<x id="1" equiv="Ana"/> dijo hola.']
    assert body["model"] == "tiny-mt" and body["temperature"] == 0
    assert "Spanish (es)" in body["messages"][0]["content"]
    assert body["messages"][1] == {"role": "user", "content": '<x id="1">Ana</x> said hello.'}
    assert engine.direction(EN_ES).provenance.model == "openai/v1 model=tiny-mt prompt=1"


def test_openai_lost_tag_is_asked_again_once(make: Callable[..., RemoteEngine]) -> None:
    text = 'Prices rose by <x id="1" ctype="number"/>.'
    with serving(ChatServer()) as server:
        engine = make(server)
        server.lose_tags = 1
        assert engine.translate_batch([text], EN_ES) == [
            'Precios subieron en <x id="1" ctype="number"/>.'
        ]
        second = server.translations()[1].json()["messages"]
        assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
        assert second[2]["content"] == "Precios subieron en ."
        server.lose_tags = 2
        with pytest.raises(PlaceholderError, match="lost x1"):
            engine.translate_batch([text], EN_ES)
        assert len(server.translations()) == 4


def test_openai_cut_answer_is_refused(make: Callable[..., RemoteEngine]) -> None:
    with serving(ChatServer()) as server:
        server.finish_reason = "length"
        with pytest.raises(EngineRequestError, match="max_tokens"):
            make(server, max_tokens=8).translate_batch(["Hello."], EN_ES)


def test_openai_needs_pairs_and_reports_its_model(
    make: Callable[..., RemoteEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError):
        OpenAIEngine(model="m", pairs=[])
    with serving(ChatServer(key=None)) as server:
        assert "listed" in make(server, api_key=None).health().detail
        other = make(server, api_key=None, model="other")
        health = other.health()
        assert health.ok and "not listed" in health.detail
        assert "authorization" not in server.requests[0].headers


# --- the tag forms ----------------------------------------------------------------------------

SOURCE = 'A <g id="1">big <x id="2" ctype="number" equiv="5"/></g> dog <x id="3"/>.'


@pytest.mark.parametrize(
    ("form", "answer"),
    [
        (tags.XML, 'Un <g id="1">gran <x id="2">5</x></g> perro <x id="3"/>.'),
        (tags.XML, "Un <g id='1'>gran <x id=\"2\"/></g> perro <x id=\"3\"></x>."),
        (tags.HTML, 'Un <span id="g1">gran <span id="x2" class="notranslate">5</span></span> '
         'perro <span translate="no" id="x3"/>.'),
    ],
)  # fmt: skip
def test_tag_forms_read_back(form: tags.TagForm, answer: str) -> None:
    assert form.decode(answer, SOURCE, "test") == (
        'Un <g id="1">gran <x id="2" ctype="number" equiv="5"/></g> perro <x id="3"/>.'
    )


@pytest.mark.parametrize("form", [tags.XML, tags.HTML])
def test_tag_forms_round_trip(form: tags.TagForm) -> None:
    for sentence in SENTENCES:
        assert form.decode(form.encode(sentence), sentence, "test") == sentence
        inline.parse(form.decode(form.encode(sentence), sentence, "test"))


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ('Un <g id="1">gran</g> perro <x id="3"/>.', "lost x2"),
        ('Un <g id="1">gran <x id="2"/></g> <x id="2"/> perro <x id="3"/>.', "repeated x2"),
        ('Un <g id="1">gran <x id="2"/> perro <x id="3"/>.', "unclosed <g>"),
        ('Un gran</g> <x id="2"/> perro <x id="3"/>.', "lost g1"),
        ('Un <g id="1">gran <x id="2"/></g> <b>perro</b> <x id="3"/>.', "unexpected <b>"),
        ('Un <g id="7">gran <x id="2"/></g> perro <x id="3"/>.', "added or repeated g7"),
    ],
)
def test_broken_tags_are_refused(answer: str, problem: str) -> None:
    with pytest.raises(PlaceholderError, match=problem):
        tags.XML.decode(answer, SOURCE, "test")


def test_a_provider_that_drops_markup_gives_placeholder_error(
    make: Callable[..., RemoteEngine],
) -> None:
    with serving(GoogleServer()) as server:
        engine = make(server)
        engine.pairs()
        server.fail(Fault(200, {"translations": [{"translatedText": "Precios subieron."}]}))
        with pytest.raises(PlaceholderError, match="lost x1"):
            engine.translate_batch(['Prices rose <x id="1"/>.'], EN_ES)


def test_the_fake_providers_refuse_malformed_requests() -> None:
    """The servers' checks can fail: a request without tag handling is refused and fails the
    test through ``serving``."""
    server = DeepLServer()
    with pytest.raises(AssertionError, match="malformed"), serving(server):
        answer = httpx.post(
            f"{server.url}/v2/translate",
            headers={"Authorization": f"DeepL-Auth-Key {server.key}"},
            json={"text": ['A <x id="1"/>.'], "target_lang": "ES"},
        )
        assert answer.status_code == 400
    assert server.violations == ["POST /v2/translate: markup sent without tag_handling=xml"]


def test_libretranslate_engine_against_tarjamas_own_service(tmp_path: Path) -> None:
    """One tarjama as the engine of another, through the LibreTranslate-compatible routes of a
    real uvicorn server (pseudo-localisation behind it)."""
    with running_server(tmp_path, PseudoEngine()) as url:
        engine = LibreTranslateEngine(url=url, retries=0)
        try:
            assert engine.health().ok
            out = engine.translate_batch(
                ['Prices rose <x id="1" ctype="number" equiv="5%"/> in the <g id="2">north</g>.'],
                EN_ES,
            )
        finally:
            engine.close()
    assert out == [
        '⟦Pŕîçéš~~ ŕøšé~~ <x id="1" ctype="number" equiv="5%"/> îñ~ ţhé~ <g id="2">ñøŕţh~~</g>.⟧'
    ]
