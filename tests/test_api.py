"""The HTTP service: error envelope, limits, validation, auth, rate limits, sanitised HTML,
operations endpoints, metrics, API keys and their migration.

Pseudo engine where only the service's behaviour matters; the real Apertium where translation
does (skipped when it is not installed). Every test runs on a SQLite file and again on a
PostgreSQL database (``store_url`` in conftest.py).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, update
from starlette.types import Message, Receive, Scope, Send

from tarjama import errors
from tarjama.api import ApiKeys, ServiceOptions, create_app, create_key, revoke_key
from tarjama.api.errors import ERROR_TABLE, headers_for, status_for
from tarjama.api.keys import KEY_CACHE_SECONDS, Principal, Role, hash_kind, scrypt_hash
from tarjama.api.limits import BodyLimit, RateLimiter
from tarjama.api.logs import JSONFormatter
from tarjama.api.security import Admin, Editor
from tarjama.config import Settings
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.base import Engine
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import (
    BusyError,
    CharacterError,
    ConfigError,
    ConflictError,
    EmptyInputError,
    EncodingError,
    EngineRateLimitError,
    EngineTimeoutError,
    EngineUnavailableError,
    ForbiddenError,
    FormatError,
    InputTooLargeError,
    InvalidKeyError,
    KeyRequiredError,
    LanguageError,
    NotFoundError,
    RateLimitedError,
    RevokedKeyError,
    TarjamaError,
    TooManyFailuresError,
)
from tarjama.formats.sanitise import safe_url, sanitise_html
from tarjama.model import Pair
from tarjama.store import Store
from tarjama.store.keys import ApiKey
from tests.conftest import needs_apertium

_database: list[str] = []
"""The store URL of the running test: every test here runs on SQLite and on PostgreSQL."""


@pytest.fixture(autouse=True)
def _on_both_databases(store_url: str) -> Iterator[None]:
    _database.append(store_url)
    yield
    _database.pop()


def settings_for(tmp_path: Path, **fields: Any) -> Settings:
    # outside this module's tests (a helper imported elsewhere): the default SQLite file
    return Settings(data_dir=tmp_path / "data", store=_database[-1] if _database else "", **fields)


@contextmanager
def client_for(tmp_path: Path, engine: Engine | None = None, **fields: Any) -> Iterator[TestClient]:
    app = create_app(settings_for(tmp_path, **fields), engine=engine or PseudoEngine())

    @app.post("/v1/_editor-probe", include_in_schema=False)
    def editor_probe(caller: Editor) -> dict[str, str | None]:
        return {"key": caller.key_id}

    @app.post("/v1/_admin-probe", include_in_schema=False)
    def admin_probe(caller: Admin) -> dict[str, str | None]:
        return {"key": caller.key_id}

    with TestClient(app) as client:
        yield client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with client_for(tmp_path) as c:
        yield c


def from_address(client: TestClient, host: str) -> TestClient:
    """Another client of the same running app (its lifespan not run again), calling from
    ``host``."""
    return TestClient(client.app, client=(host, 5000))


def error_of(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) >= {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return response.status_code, body["error"]["code"]


# --- the error table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (EmptyInputError("x"), 400, "empty_input"),
        (EncodingError("x"), 400, "invalid_encoding"),
        (CharacterError("x", offset=0, character="\0"), 400, "invalid_character"),
        (FormatError("x"), 400, "malformed_input"),
        (InputTooLargeError("x"), 413, "input_too_large"),
        (LanguageError("x"), 400, "unsupported_language"),
        (EngineUnavailableError("x"), 503, "engine_unavailable"),
        (EngineTimeoutError("x"), 504, "engine_timeout"),
    ],
)
def test_error_table(exc: Exception, status: int, code: str) -> None:
    assert status_for(exc) == (status, code)


def test_every_tarjama_error_has_a_status() -> None:
    assert all(100 <= status < 600 and code for _, status, code in ERROR_TABLE)
    kinds = [
        k for k in vars(errors).values() if isinstance(k, type) and issubclass(k, TarjamaError)
    ]
    assert len(kinds) > 30 and all(issubclass(k, TarjamaError) for k in kinds)
    # every kind of the tree has a row of its own or an ancestor's below the catch-all
    unmapped = [k.__name__ for k in kinds if k is not TarjamaError and _row(k) is TarjamaError]
    assert unmapped == []


def _row(kind: type[BaseException]) -> type[BaseException]:
    return next(k for k, _, _ in ERROR_TABLE if issubclass(kind, k))


@pytest.mark.parametrize(
    ("exc", "status", "code", "headers"),
    [
        (KeyRequiredError("x"), 401, "unauthorized", {"WWW-Authenticate": "Bearer"}),
        (RevokedKeyError("x"), 401, "api_key_revoked", {"WWW-Authenticate": "Bearer"}),
        (ForbiddenError("x"), 403, "forbidden", {}),
        (TooManyFailuresError("x", 7), 429, "too_many_failures", {"Retry-After": "7"}),
        (RateLimitedError("x", 2), 429, "rate_limited", {"Retry-After": "2"}),
        (BusyError("x"), 503, "busy", {}),
        (BusyError("x", 1), 503, "busy", {"Retry-After": "1"}),
        (NotFoundError("job_not_found", "x"), 404, "job_not_found", {}),
        (ConflictError("translation_not_ready", "x"), 409, "translation_not_ready", {}),
        (EngineRateLimitError("x", retry_after=3), 502, "engine_error", {}),  # the provider's
    ],
)
def test_the_service_errors_answer(
    exc: TarjamaError, status: int, code: str, headers: dict[str, str]
) -> None:
    assert (status_for(exc), headers_for(exc)) == ((status, code), headers)


# --- every error shape over HTTP -------------------------------------------------------------

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/nowhere", {}, 404, "not_found"),
        ("GET", "/v1/translate", {}, 405, "method_not_allowed"),
        ("POST", "/v1/translate", {"json": {"text": 1, "target": "es"}}, 422, "validation_error"),
        ("POST", "/v1/translate", {"json": {"text": "Hi"}}, 422, "validation_error"),
        ("POST", "/v1/translate", {"json": {"text": "Hi", "target": ["es", 3]}}, 422,
         "validation_error"),
        ("POST", "/v1/translate", {"json": {"text": "Hi", "target": "es", "x": 1}}, 422,
         "validation_error"),
        ("POST", "/v1/translate", {"json": {"text": "a", "html": "<p>a</p>", "target": "es"}},
         422, "validation_error"),
        ("POST", "/v1/translate", {"json": ["text"]}, 422, "validation_error"),
        ("POST", "/v1/translate", {"json": {"text": "Hi", "target": "es", "format": "pdf"}}, 422,
         "validation_error"),
        ("POST", "/v1/translate", {"content": b'{"text": ', "headers": JSON}, 400,
         "malformed_input"),
        ("POST", "/v1/translate", {"content": b'{"text": "caf\xe9", "target": "es"}',
                                   "headers": JSON}, 400, "invalid_encoding"),
        ("POST", "/v1/translate", {"json": {"text": "  \n ", "target": "es"}}, 400,
         "empty_input"),
        ("POST", "/v1/translate", {"json": {"html": "no markup at all", "target": "es"}}, 400,
         "malformed_input"),
        ("POST", "/v1/translate", {"json": {"html": "<p>bad \x01 control</p>", "target": "es"}},
         400, "invalid_character"),
        ("POST", "/v1/translate", {"json": {"text": "Hi", "target": "xx"}}, 400,
         "unsupported_language"),
        ("POST", "/v1/translate", {"json": {"text": "Hi", "source": "fr", "target": "es"}}, 400,
         "unsupported_language"),
    ],
)  # fmt: skip
def test_error_envelope(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    assert error_of(client.request(method, path, **kwargs)) == (status, code)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/v1/glossary/terms/1", "DELETE, GET, PATCH"),
        ("OPTIONS", "/v1/articles/story-1", "DELETE, GET, PUT"),
        ("DELETE", "/v1/glossary/terms", "GET, POST"),
        # not GET /v1/feeds/{lang} with lang "translate" (that was a 422 about lang)
        ("GET", "/v1/feeds/translate", "POST"),
        ("OPTIONS", "/translate", "POST"),
    ],
)
def test_method_not_allowed_names_every_method_of_the_path(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


def test_unknown_language_lists_the_available_pairs(client: TestClient) -> None:
    response = client.post("/v1/translate", json={"text": "Hi", "target": "xx"})
    assert error_of(response) == (400, "unsupported_language")
    message = response.json()["error"]["message"]
    assert "en-xx" in message and "available: " in message and "en-es" in message


def test_request_over_the_byte_limit_is_refused_before_reading(tmp_path: Path) -> None:
    with client_for(tmp_path, max_request_bytes=1000) as client:
        response = client.post("/v1/translate", json={"text": "x" * 2000, "target": "es"})
        assert error_of(response) == (413, "request_too_large")
        assert "the limit is 1,000 bytes" in response.json()["error"]["message"]


def test_streamed_request_over_the_byte_limit(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(50):
            yield b"x" * 100
        yield b'", "target": "es"}'

    with client_for(tmp_path, max_request_bytes=1000) as client:
        response = client.post("/v1/translate", content=chunks(), headers=JSON)
        assert error_of(response) == (413, "request_too_large")


def test_text_over_the_character_limit(tmp_path: Path) -> None:
    with client_for(tmp_path, max_characters=100) as client:
        response = client.post("/v1/translate", json={"text": "é" * 101, "target": "es"})
        assert error_of(response) == (413, "input_too_large")
        assert "101 characters; the limit is 100" in response.json()["error"]["message"]
        ok = client.post("/v1/translate", json={"text": "é" * 100, "target": "es"})
        assert ok.status_code == 200


def _long_text(paragraphs: int) -> str:
    return "\n\n".join(
        f"Paragraph {i} says that the council met on Monday and voted on the new budget plan."
        for i in range(paragraphs)
    )


def test_a_long_text_under_a_raised_limit_comes_back_whole(tmp_path: Path) -> None:
    text = _long_text(1200)
    assert 100_000 <= len(text) <= 110_000
    with client_for(tmp_path, max_characters=120_000, max_request_bytes=200_000) as client:
        response = client.post("/v1/translate", json={"text": text, "target": "es"})
    assert response.status_code == 200
    content = response.json()["translations"][0]["content"]
    paragraphs = content.split("\n\n")
    assert len(paragraphs) == 1200
    assert all(p.startswith("⟦") and p.endswith("⟧") for p in paragraphs)


# --- translation --------------------------------------------------------------------------------


def test_translate_text_into_several_languages(client: TestClient) -> None:
    response = client.post(
        "/v1/translate", json={"text": "Hello world.\n\nSecond line.", "targets": ["es", "ca"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [t["language"] for t in body["translations"]] == ["es", "ca"]
    first = body["translations"][0]
    assert first["content"].count("\n\n") == 1
    assert first["label"] == "Beta V.1.0 - Traducción automática"
    assert first["status"] == "translated"
    assert first["provenance"]["engine"] == "pseudo"
    assert first["provenance"]["signature"] == "pseudo:1:pseudo-localisation:en-es"
    assert [s["source"] for s in first["segments"]] == ["Hello world.", "Second line."]
    assert {s["origin"] for s in first["segments"]} == {"engine"}


def test_translated_html_is_sanitised_and_labelled(client: TestClient) -> None:
    html = (
        '<p onclick="steal()">Read <a href="javascript:alert(1)">this</a> and '
        '<a href="https://example.org/x">that</a>.</p><script>alert(1)</script>'
        '<p style="color:red">Second <img src="x.png" onerror="alert(2)" alt="A cat"></p>'
    )
    response = client.post("/v1/translate", json={"html": html, "target": "es"})
    assert response.status_code == 200
    content = response.json()["translations"][0]["content"]
    for bad in ("<script", "onclick", "onerror", "javascript:", "style=", "alert"):
        assert bad not in content
    assert 'href="https://example.org/x"' in content
    assert 'class="tarjama-label"' in content and 'lang="es"' in content


@pytest.mark.parametrize(
    ("html", "absent", "present"),
    [
        ("<p>a<script>alert(1)</script>b</p>", ["script", "alert"], ["<p>ab</p>"]),
        ("<p>a<style>p{}</style>b</p>", ["style", "p{}"], ["<p>ab</p>"]),
        ('<p onmouseover="x()" class="k">a</p>', ["onmouseover"], ['class="k"']),
        ('<a href=" JaVa\tScRiPt:alert(1)">a</a>', ["href", "alert"], ["<a>a</a>"]),
        ('<a href="&#106;avascript:x()">a</a>', ["href"], ["<a>a</a>"]),
        ('<img src="data:text/html,<b>x</b>">', ["src"], ["<img>"]),
        ('<a href="/relative?q=1#x">a</a>', [], ['href="/relative?q=1#x"']),
        ('<a href="mailto:desk@example.org">a</a>', [], ["mailto:desk@example.org"]),
        ("<iframe src='https://e.org'></iframe><p>x</p>", ["iframe"], ["<p>x</p>"]),
        ("<svg><script>x</script></svg>t", ["svg", "script"], ["t"]),
        ("<p>a<!-- <script>x</script> -->b</p>", ["<!--"], ["<p>ab</p>"]),
        ("<form action='/x'><input value='v'>text</form>", ["form", "input"], []),
        ("<blink>kept text</blink>", ["blink"], ["kept text"]),
        ('<p data-x="1" data-tarjama-pair="en-es">a</p>', ["data-x"], ["data-tarjama-pair"]),
    ],
)
def test_sanitiser(html: str, absent: list[str], present: list[str]) -> None:
    out = sanitise_html(html)
    for text in absent:
        assert text not in out, out
    for text in present:
        assert text in out, out


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://e.org", True),
        ("/a/b", True),
        ("#top", True),
        ("tel:+341234", True),
        ("javascript:x", False),
        ("  javascript:x", False),
        ("java\nscript:x", False),
        ("VBScript:x", False),
        ("data:text/html,x", False),
    ],
)
def test_safe_url(url: str, safe: bool) -> None:
    assert safe_url(url) is safe


# --- keys, roles, anonymous access ----------------------------------------------------------------


def test_keys_are_stored_hashed(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    key = create_key(settings, "CMS", "reader")
    assert re.fullmatch(r"tj_[0-9a-f]{12}_[A-Za-z0-9_-]+", key)
    _, key_id, secret = key.split("_", 2)
    with Store(settings.store_url) as store, store.session() as session:
        row = session.scalars(select(ApiKey)).one()
    assert row.id == key_id and row.role == "reader" and not row.revoked
    assert secret not in f"{row.hash}{row.salt}{row.name}"
    assert hash_kind(row.hash) == "hmac-sha256"  # a fast keyed hash: the secret is random
    assert revoke_key(settings, key_id) is True
    assert revoke_key(settings, "000000000000") is False


def test_anonymous_translation_refused_when_configured(tmp_path: Path) -> None:
    with client_for(tmp_path, anonymous_translate=False) as client:
        response = client.post("/v1/translate", json={"text": "Hi", "target": "es"})
        assert error_of(response) == (401, "unauthorized")
        assert response.headers["www-authenticate"] == "Bearer"


def test_reader_key_translates(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, anonymous_translate=False)
    key = create_key(settings, "CMS", "reader")
    with client_for(tmp_path, anonymous_translate=False) as client:
        for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
            response = client.post(
                "/v1/translate", json={"text": "Hi", "target": "es"}, headers=headers
            )
            assert response.status_code == 200


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda key: key[:-2] + ("AA" if not key.endswith("AA") else "BB"), "invalid_api_key"),
        (lambda key: "tj_ffffffffffff_" + key.split("_", 2)[2], "invalid_api_key"),
        (lambda key: "not-a-key", "invalid_api_key"),
    ],
)
def test_wrong_keys_are_refused(tmp_path: Path, mangle: Any, code: str) -> None:
    key = create_key(settings_for(tmp_path), "CMS", "admin")
    with client_for(tmp_path) as client:
        response = client.post(
            "/v1/translate",
            json={"text": "Hi", "target": "es"},
            headers={"Authorization": f"Bearer {mangle(key)}"},
        )
        assert error_of(response) == (401, code)


def test_wrong_authorization_scheme(client: TestClient) -> None:
    response = client.post(
        "/v1/translate", json={"text": "Hi", "target": "es"}, headers={"Authorization": "Basic x"}
    )
    assert error_of(response) == (401, "invalid_api_key")


def test_revoked_key_is_refused(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    key = create_key(settings, "old CMS", "editor")
    with client_for(tmp_path) as client:
        headers = {"X-API-Key": key}
        assert client.post("/v1/_editor-probe", headers=headers).status_code == 200
        revoke_key(settings, key)
        assert error_of(client.post("/v1/_editor-probe", headers=headers)) == (
            401,
            "api_key_revoked",
        )


def old_key(store: Store, role: str = "editor") -> str:
    """A key stored as keys were before: its secret's scrypt hash."""
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(16)
    with store.begin() as session:
        session.add(
            ApiKey(
                id=key_id,
                name="old CMS",
                role=role,
                salt=salt.hex(),
                hash=scrypt_hash(secret, salt),
                revoked=False,
            )
        )
    return f"tj_{key_id}_{secret}"


def stored_hash(store: Store, key: str) -> str:
    with store.session() as session:
        row = session.get(ApiKey, key.split("_")[1])
    assert row is not None
    return row.hash


def test_a_key_stored_with_scrypt_still_works_and_is_rehashed(tmp_path: Path) -> None:
    with Store(settings_for(tmp_path).store_url) as store:
        store.migrate()
        key = old_key(store)
        keys = ApiKeys(store)
        wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
        with pytest.raises(InvalidKeyError) as refused:
            keys.verify(wrong)
        assert status_for(refused.value) == (401, "invalid_api_key")
        assert hash_kind(stored_hash(store, key)) == "scrypt"  # a wrong secret changes nothing
        principal = keys.verify(key)
        assert principal.role is Role.EDITOR and principal.name == "old CMS"
        assert hash_kind(stored_hash(store, key)) == "hmac-sha256"  # on its first good use
        assert ApiKeys(store).verify(key) == principal  # from the new hash, by a fresh checker
        with pytest.raises(InvalidKeyError):
            ApiKeys(store).verify(wrong)


def test_a_good_key_is_remembered_for_a_while(tmp_path: Path) -> None:
    now = [0.0]
    with Store(settings_for(tmp_path).store_url) as store:
        store.migrate()
        keys = ApiKeys(store, clock=lambda: now[0])
        key = keys.create("site", "reader")
        assert keys.cached(key) is None  # never checked yet
        principal = keys.verify(key)
        assert keys.cached(key) == principal
        assert keys.cached(key[:-2] + ("AA" if not key.endswith("AA") else "BB")) is None
        # revoked by another process (here: its row written directly): not seen for a while
        with store.begin() as session:
            session.execute(update(ApiKey).values(revoked=True))
        now[0] = KEY_CACHE_SECONDS - 0.1
        assert keys.cached(key) == principal
        now[0] = KEY_CACHE_SECONDS
        assert keys.cached(key) is None
        with pytest.raises(RevokedKeyError) as refused:
            keys.verify(key)
        assert status_for(refused.value) == (401, "api_key_revoked")


def test_remembered_keys_are_bounded(tmp_path: Path) -> None:
    with Store(settings_for(tmp_path).store_url) as store:
        store.migrate()
        keys = ApiKeys(store, cache_size=3)
        made = [keys.create(f"site {i}", "reader") for i in range(5)]
        for key in made:
            keys.verify(key)
        assert [keys.cached(k) is not None for k in made] == [False, False, True, True, True]


def test_roles_and_anonymous_writes(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    reader = create_key(settings, "site", "reader")
    editor = create_key(settings, "desk", "editor")
    with client_for(tmp_path) as client:
        assert error_of(client.post("/v1/_editor-probe")) == (401, "unauthorized")
        probe = client.post("/v1/_editor-probe", headers={"X-API-Key": reader})
        assert error_of(probe) == (403, "forbidden")
        assert client.post("/v1/_editor-probe", headers={"X-API-Key": editor}).json() == {
            "key": editor.split("_")[1]
        }
        assert error_of(client.post("/v1/_admin-probe", headers={"X-API-Key": editor})) == (
            403,
            "forbidden",
        )
    with client_for(tmp_path, anonymous_write=True) as client:
        assert client.post("/v1/_editor-probe").json() == {"key": None}
        assert error_of(client.post("/v1/_admin-probe")) == (401, "unauthorized")


def test_last_use_is_recorded(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    key = create_key(settings, "site", "reader")
    with Store(settings.store_url) as store:
        keys = ApiKeys(store)
        principal = keys.verify(key)
        assert principal == Principal(key.split("_")[1], "site", principal.role)
        [entry] = keys.entries()
        assert entry["last_used_at"] is not None and "hash" not in entry


# --- rate limits --------------------------------------------------------------------------------


def test_rate_limit_per_address_and_per_key(tmp_path: Path) -> None:
    key = create_key(settings_for(tmp_path), "site", "reader")
    body = {"text": "Hi", "target": "es"}
    with client_for(tmp_path, rate_limit=0.01, rate_burst=2) as client:
        assert [client.post("/v1/translate", json=body).status_code for _ in range(2)] == [200, 200]
        response = client.post("/v1/translate", json=body)
        assert error_of(response) == (429, "rate_limited")
        assert int(response.headers["retry-after"]) >= 1
        # the address is limited before any key is looked at: a good one and a bad one alike
        for presented in (key, "tj_000000000000_" + "x" * 43):
            limited = client.post("/v1/translate", json=body, headers={"X-API-Key": presented})
            assert error_of(limited) == (429, "rate_limited")
        # operations are never limited
        assert client.get("/health").status_code == 200
        # a key has its own bucket too, whatever address it comes from
        for n, expected in ((1, 200), (2, 200), (3, 429)):
            elsewhere = from_address(client, f"192.0.2.{n}")
            response = elsewhere.post("/v1/translate", json=body, headers={"X-API-Key": key})
            assert response.status_code == expected, response.text
        assert error_of(response) == (429, "rate_limited")


def test_failed_authentications_are_limited_per_address(tmp_path: Path) -> None:
    key = create_key(settings_for(tmp_path), "site", "reader")
    body = {"text": "Hi", "target": "es"}
    wrong = {"X-API-Key": "tj_000000000000_" + "x" * 43}
    with client_for(tmp_path, auth_failures=3) as client:
        assert (
            client.post("/v1/translate", json=body, headers={"X-API-Key": key}).status_code == 200
        )
        for _ in range(3):
            assert error_of(client.post("/v1/translate", json=body, headers=wrong)) == (
                401,
                "invalid_api_key",
            )
        for presented in (wrong, {"X-API-Key": "not-a-key"}):
            limited = client.post("/v1/translate", json=body, headers=presented)
            assert error_of(limited) == (429, "too_many_failures")
            assert 1 <= int(limited.headers["retry-after"]) <= 20  # 3 a minute: one in 20 s
        # a key checked a moment ago passes from memory; no key is no authentication
        assert (
            client.post("/v1/translate", json=body, headers={"X-API-Key": key}).status_code == 200
        )
        assert client.post("/v1/translate", json=body).status_code == 200
        # a key not yet remembered waits like any other from this address
        other = create_key(settings_for(tmp_path), "desk", "reader")
        limited = client.post("/v1/translate", json=body, headers={"X-API-Key": other})
        assert error_of(limited) == (429, "too_many_failures")
        # another address is not affected
        elsewhere = from_address(client, "192.0.2.7")
        response = elsewhere.post("/v1/translate", json=body, headers={"X-API-Key": other})
        assert response.status_code == 200


def test_good_keys_do_not_use_up_the_failure_allowance(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    keys = [create_key(settings, f"site {i}", "reader") for i in range(6)]
    with client_for(tmp_path, auth_failures=2) as client:
        for key in keys:  # each checked against the store once: a token taken and given back
            response = client.post("/v1/_editor-probe", headers={"X-API-Key": key})
            assert error_of(response) == (403, "forbidden")


@pytest.mark.parametrize(
    ("trusted", "peer", "limited"),
    [
        ((), "127.0.0.1", True),  # by default no peer is a proxy, not even a local one
        (("10.0.0.0/8",), "192.0.2.1", True),  # a peer outside the trusted networks
        (("10.0.0.0/8",), "10.1.2.3", False),  # a trusted proxy: each forwarded client counts
        (("10.1.2.3", "::1"), "10.1.2.3", False),
    ],
)
def test_forwarded_for_only_from_trusted_proxies(
    tmp_path: Path, trusted: tuple[str, ...], peer: str, limited: bool
) -> None:
    with client_for(tmp_path, rate_limit=0.01, rate_burst=1, trusted_proxies=trusted) as client:
        proxied = from_address(client, peer)
        statuses = [
            proxied.get(
                "/v1/feeds/es", headers={"X-Forwarded-For": f"203.0.113.{n}, {peer}"}
            ).status_code
            for n in range(3)
        ]
    assert statuses == ([200, 429, 429] if limited else [200, 200, 200])


def test_the_forwarded_address_is_the_one_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with client_for(tmp_path, trusted_proxies=("10.0.0.0/8",)) as client:
        proxied = from_address(client, "10.0.0.5")
        with caplog.at_level(logging.INFO, logger="tarjama.api.access"):
            proxied.get("/health", headers={"X-Forwarded-For": "203.0.113.9"})
    [line] = [r for r in caplog.records if r.name == "tarjama.api.access"]
    assert line.__dict__["client"] == "203.0.113.9"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"libretranslate_requires_key": "true"}, "'anonymous_translate' (its opposite)"),
        ({"trusted_proxies": "10.0.0.0/8,proxy.local"}, "'proxy.local' is not an IP address"),
        ({"timeout_headers": "0"}, "must be >= 1"),
        ({"auth_failures": "-1"}, "auth_failures must be >= 0"),
    ],
)
def test_service_settings_are_checked(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        ServiceOptions.from_settings(Settings.load(environ={}, **values))
    assert message in str(refused.value)


def test_service_defaults() -> None:
    options = ServiceOptions.from_settings(Settings())
    assert (options.anonymous_translate, options.anonymous_pages) == (True, True)
    assert (options.anonymous_read, options.anonymous_write) == (False, False)
    assert options.trusted_proxies == () and options.auth_failures == 10
    timeouts = (options.timeout_keep_alive, options.timeout_headers, options.timeout_body)
    assert timeouts == (5, 10, 30) and options.max_connections == 500
    environ = {"TARJAMA_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1"}
    proxies = ServiceOptions.from_settings(Settings.load(environ=environ)).trusted_proxies
    assert proxies == ("10.0.0.0/8", "192.168.1.1")


def test_token_bucket_refills() -> None:
    limiter = RateLimiter(rate=2.0, burst=2)
    assert limiter.acquire("a", now=0.0) is None
    assert limiter.acquire("a", now=0.0) is None
    assert limiter.acquire("a", now=0.0) == 1
    assert limiter.acquire("b", now=0.0) is None
    assert limiter.acquire("a", now=0.5) is None
    assert RateLimiter(rate=0, burst=1).acquire("a") is None


def test_a_refunded_token_is_given_back() -> None:
    limiter = RateLimiter(rate=0.001, burst=1)
    assert limiter.acquire("a", now=0.0) is None
    limiter.refund("a")
    assert limiter.acquire("a", now=0.0) is None
    assert limiter.acquire("a", now=0.0) is not None
    limiter.refund("a")
    limiter.refund("a")  # never more than the burst
    assert limiter.acquire("a", now=0.0) is None
    assert limiter.acquire("a", now=0.0) is not None


def test_a_body_that_does_not_arrive_in_time_gets_408() -> None:
    reached: list[bytes] = []
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append((await receive())["body"])

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> None:
        never = anyio.Event()
        parts: list[Message] = [{"type": "http.request", "body": b"{", "more_body": True}]

        async def receive() -> Message:
            if parts:
                return parts.pop()
            await never.wait()  # the rest of the body never comes
            raise AssertionError("unreachable")

        scope = {"type": "http", "path": "/v1/translate", "headers": [(b"content-length", b"99")]}
        with anyio.fail_after(5):
            await BodyLimit(app, max_bytes=1000, timeout=0.2)(scope, receive, send)

    anyio.run(run)
    start = sent[0]
    assert start["status"] == 408 and (b"connection", b"close") in start["headers"]
    assert json.loads(sent[1]["body"])["error"]["code"] == "request_timeout"
    assert reached == []


def test_rate_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, max_buckets=10)
    for i in range(100):
        limiter.acquire(f"addr:{i}", now=0.0)
    assert len(limiter._buckets) == 10


# --- operations ---------------------------------------------------------------------------------


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"engine": "ok", "store": "ok"}}


def test_not_ready_when_the_engine_is_dead(tmp_path: Path) -> None:
    empty = tmp_path / "no-apertium"
    (empty / "modes").mkdir(parents=True)
    engine = ApertiumEngine(datadir=empty)
    with client_for(tmp_path, engine=engine) as client:
        response = client.get("/ready")
        assert response.status_code == 503
        body = response.json()
        assert body["error"]["code"] == "not_ready"
        assert body["checks"]["store"] == "ok"
        assert body["checks"]["engine"].startswith("EngineUnavailableError")
        assert "engine:" in body["error"]["message"]
        assert client.get("/health").status_code == 200
        failed = client.post("/v1/translate", json={"text": "Hi", "target": "es"})
        assert error_of(failed) == (503, "engine_unavailable")


def _samples(text: str, name: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            labels, _, value = line.rpartition(" ")
            found[labels] = float(value)
    return found


def test_metrics_have_bounded_labels(client: TestClient) -> None:
    body = {"text": "Hello world.", "target": "es"}
    client.post("/v1/translate", json=body)
    client.post("/v1/translate", json=body)  # the memory has it now
    for i in range(5):
        client.get(f"/articles/{i}/random-{i}")
    client.post("/v1/translate", content=b'{"text": "\xff"}', headers=JSON)
    text = client.get("/metrics").text
    requests = _samples(text, "tarjama_http_requests_total")
    assert (
        requests['tarjama_http_requests_total{method="POST",route="/v1/translate",status="2xx"}']
        == 2
    )
    assert requests['tarjama_http_requests_total{method="GET",route="unmatched",status="4xx"}'] == 5
    assert (
        requests['tarjama_http_requests_total{method="POST",route="/v1/translate",status="4xx"}']
        == 1
    )
    assert "random" not in text and "/articles/" not in text
    assert _samples(text, "tarjama_http_request_duration_seconds_count")
    segments = _samples(text, "tarjama_segments_translated_total")
    assert segments['tarjama_segments_translated_total{origin="engine"}'] == 1
    assert segments['tarjama_segments_translated_total{origin="memory:machine"}'] == 1
    memory = _samples(text, "tarjama_memory_lookups_total")
    assert memory == {
        'tarjama_memory_lookups_total{result="hit"}': 1,
        'tarjama_memory_lookups_total{result="miss"}': 1,
    }


class StuckEngine(PseudoEngine):
    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        raise EngineTimeoutError("the engine gave no answer within 1 s")


def test_engine_errors_are_answered_and_counted(tmp_path: Path) -> None:
    with client_for(tmp_path, engine=StuckEngine()) as client:
        failed = client.post("/v1/translate", json={"text": "Hi there.", "target": "es"})
        assert error_of(failed) == (504, "engine_timeout")
        lt = client.post("/translate", json={"q": "Hi there.", "source": "en", "target": "es"})
        assert lt.status_code == 500
        assert lt.json() == {"error": "Cannot translate text: the engine gave no answer within 1 s"}
        text = client.get("/metrics").text
    assert _samples(text, "tarjama_engine_errors_total") == {
        'tarjama_engine_errors_total{kind="EngineTimeoutError"}': 2
    }


def test_request_ids_and_json_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tarjama.api.access"):
        response = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/health").headers["x-request-id"])
    record = next(r for r in caplog.records if getattr(r, "request_id", None) is None)
    line = json.loads(JSONFormatter().format(record))
    assert line["route"] == "/health" and line["status"] == 200 and line["method"] == "GET"
    assert line["level"] == "info" and "duration_ms" in line


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/v1/translate", "/v1/feeds/translate", "/v1/feeds/{lang}", "/translate", "/languages",
        "/detect", "/health", "/ready", "/metrics",
        "/v1/articles", "/v1/articles/{publisher_id}", "/v1/articles/{publisher_id}/versions",
        "/v1/articles/{publisher_id}/translations/{lang}",
        "/v1/articles/{publisher_id}/translations/{lang}/segments",
        "/v1/articles/{publisher_id}/translations/{lang}/segments/{field}/{index}",
        "/v1/articles/{publisher_id}/translations/{lang}/approve", "/v1/jobs/{job_id}",
        "/v1/jobs", "/v1/jobs/{job_id}/retry", "/v1/webhooks", "/v1/webhooks/{webhook_id}",
        "/v1/webhooks/{webhook_id}/deliveries",
        "/v1/glossary/terms", "/v1/glossary/terms/{term_id}", "/v1/glossary/import",
        "/v1/glossary/export", "/v1/memory/import", "/v1/memory/export", "/v1/memory/lookup",
        "/v1/memory/units", "/v1/memory/units/{unit_id}", "/v1/memory/counts",
    }  # fmt: skip
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            assert operation.get("summary") and operation.get("description"), path
    assert {"413", "422", "429"} <= set(spec["paths"]["/v1/translate"]["post"]["responses"])


# --- the migration --------------------------------------------------------------------------------


def test_api_keys_migration_up_and_down(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 't.db'}") as store:
        store.migrate()
        assert store.revision() == "0008"
        assert {"api_keys", "tm_units", "glossary_terms"} <= set(
            inspect(store.engine).get_table_names()
        )
        columns = {c["name"] for c in inspect(store.engine).get_columns("api_keys")}
        assert columns == {
            "id", "name", "role", "salt", "hash", "created_at", "revoked", "last_used_at"
        }  # fmt: skip
        store.downgrade("0001")
        assert store.revision() == "0001"
        tables = set(inspect(store.engine).get_table_names())
        assert "api_keys" not in tables and "tm_units" in tables
        store.migrate()
        assert store.revision() == "0008"


# --- the real engine ---------------------------------------------------------------------------


@needs_apertium
def test_real_translation_with_provenance(tmp_path: Path, apertium: ApertiumEngine) -> None:
    with client_for(tmp_path, engine=apertium) as client:
        response = client.post(
            "/v1/translate",
            json={"text": "The cat is black.\n\nThe dog sleeps.", "target": ["es", "ca"]},
        )
        assert response.status_code == 200, response.text
        es, ca = response.json()["translations"]
        assert "gato" in es["content"] and "\n\n" in es["content"]
        assert "gat" in ca["content"]
        assert es["provenance"]["engine"] == "apertium"
        assert es["provenance"]["model"].startswith("eng-spa (apertium-eng-spa=")
        html = client.post(
            "/v1/translate",
            json={"html": "<p>The <em>black</em> cat sleeps.</p><script>x()</script>",
                  "target": "es"},
        )  # fmt: skip
        content = html.json()["translations"][0]["content"]
        assert "<em>" in content and "gato" in content and "<script" not in content
        assert client.get("/ready").status_code == 200


@needs_apertium
def test_real_long_text_comes_back_whole(tmp_path: Path, apertium: ApertiumEngine) -> None:
    text = _long_text(1200)
    with client_for(
        tmp_path, engine=apertium, max_characters=120_000, max_request_bytes=200_000
    ) as client:
        response = client.post("/v1/translate", json={"text": text, "target": "es"})
    assert response.status_code == 200, response.text
    paragraphs = response.json()["translations"][0]["content"].split("\n\n")
    assert len(paragraphs) == 1200
    for i, paragraph in enumerate(paragraphs):
        assert re.search(rf"\b{i}\b", paragraph), paragraph
        assert "presupuesto" in paragraph
