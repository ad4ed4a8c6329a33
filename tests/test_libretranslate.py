"""LibreTranslate compatibility: the wire format of /translate, /languages and /detect, its
errors, and a real LibreTranslate client (``libretranslatepy``) against a real uvicorn server.
"""

from __future__ import annotations

import socket
import threading
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from libretranslatepy import LibreTranslateAPI  # type: ignore[import-untyped]

from tarjama.api import create_app, create_key
from tarjama.api.detect import detect
from tarjama.config import Settings
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.base import Engine
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import ConfigError
from tests.conftest import needs_apertium
from tests.test_api import _on_both_databases, client_for, settings_for  # noqa: F401 (autouse)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with client_for(tmp_path) as c:
        yield c


def _pseudo(text: str) -> str:
    return PseudoEngine._one(text)


# --- /translate ---------------------------------------------------------------------------------


def test_form_body(client: TestClient) -> None:
    response = client.post("/translate", data={"q": "Hello", "source": "en", "target": "es"})
    assert response.status_code == 200
    assert response.json() == {"translatedText": "⟦Héļļø~~⟧"}


def test_json_body_and_query_free_form(client: TestClient) -> None:
    response = client.post("/translate", json={"q": "Hello", "source": "en", "target": "es"})
    assert response.json() == {"translatedText": "⟦Héļļø~~⟧"}


def test_multipart_body(client: TestClient) -> None:
    response = client.post(
        "/translate", files={"q": (None, "Hello"), "source": (None, "en"), "target": (None, "es")}
    )
    assert response.json() == {"translatedText": "⟦Héļļø~~⟧"}


def test_list_of_texts(client: TestClient) -> None:
    response = client.post(
        "/translate", json={"q": ["Hello", "", "Bye"], "source": "en", "target": "es"}
    )
    assert response.json() == {"translatedText": ["⟦Héļļø~~⟧", "", "⟦Býé~⟧"]}


def test_auto_source_reports_the_detected_language(client: TestClient) -> None:
    single = client.post(
        "/translate", json={"q": "The cat is on the mat", "source": "auto", "target": "es"}
    )
    assert single.json()["detectedLanguage"] == {"confidence": 99.7, "language": "en"}
    # "The cat" alone is too short to tell (29%): it takes the language of the whole batch
    batch = client.post(
        "/translate", json={"q": ["The cat", "and the dog", ""], "source": "auto", "target": "es"}
    )
    assert batch.status_code == 200
    assert batch.json()["detectedLanguage"] == [
        {"confidence": 99.3, "language": "en"},
        {"confidence": 97.0, "language": "en"},
        {"confidence": 99.3, "language": "en"},
    ]
    assert batch.json()["translatedText"] == [_pseudo("The cat"), _pseudo("and the dog"), ""]


@pytest.mark.parametrize(
    ("q", "error"),
    [
        ("Hi", "Cannot tell the language of the text: the best guess, English (en), has 6.2% "
         "confidence, below 80%; give the source language as source"),
        # no engine translates from Spanish here: not English, and said so rather than garbled
        ("El tiempo es bueno hoy.", "Cannot tell the language of the text: the best guess, "
         "English (en), has 0% confidence, below 80%; give the source language as source"),
        (["Hi", "Bye"], "Cannot tell the language of the text: the best guess, English (en), "
         "has 12.1% confidence, below 80%; give the source language as source"),
    ],
)  # fmt: skip
def test_auto_source_below_the_threshold_asks_for_the_source(
    client: TestClient, q: str | list[str], error: str
) -> None:
    response = client.post("/translate", json={"q": q, "source": "auto", "target": "es"})
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_detect_threshold_is_a_setting(tmp_path: Path) -> None:
    with client_for(tmp_path, detect_threshold=5.0) as client:
        response = client.post("/translate", json={"q": "Hi", "source": "auto", "target": "es"})
        assert response.status_code == 200
        assert response.json()["detectedLanguage"] == {"confidence": 6.2, "language": "en"}
    out_of_range = r"environment: detect_threshold is a percentage from 0 to 100, not 101\.0"
    with pytest.raises(ConfigError, match=out_of_range):
        Settings.load(config_file=None, environ={"TARJAMA_DETECT_THRESHOLD": "101"})


def test_line_layout_is_kept(client: TestClient) -> None:
    response = client.post(
        "/translate", data={"q": "One.\r\n\r\nTwo.\nThree.", "source": "en", "target": "es"}
    )
    assert response.json()["translatedText"].split("\n") == [
        "⟦Øñé~.⟧",
        "",
        "⟦Ţwø~.⟧",
        "⟦Ţhŕéé~~.⟧",
    ]


def test_html_format_keeps_markup_and_is_sanitised(client: TestClient) -> None:
    response = client.post(
        "/translate",
        json={
            "q": '<p>Hello <b>you</b><script>x()</script></p><a href="javascript:x()">go</a>',
            "source": "en",
            "target": "es",
            "format": "html",
        },
    )
    text = response.json()["translatedText"]
    assert text.startswith("<p>⟦Héļļø~~ <b>ýøü~</b>⟧</p>")
    assert "script" not in text and "javascript" not in text and "tarjama-label" not in text


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"source": "en", "target": "es"}, 400, "Invalid request: missing q parameter"),
        ({"q": "", "source": "en", "target": "es"}, 400, "Invalid request: missing q parameter"),
        ({"q": "Hi", "target": "es"}, 400, "Invalid request: missing source parameter"),
        ({"q": "Hi", "source": "en"}, 400, "Invalid request: missing target parameter"),
        ({"q": "Hi", "source": "xx", "target": "es"}, 400, "xx is not supported"),
        ({"q": "Hi", "source": "en", "target": "zz"}, 400, "zz is not supported"),
        ({"q": "Hi", "source": "es", "target": "en"}, 400,
         "English (en) is not available as a target language from Spanish (es)"),
        ({"q": "Hi", "source": "en", "target": "es", "format": "pdf"}, 400,
         "pdf format is not supported"),
        ({"q": 3, "source": "en", "target": "es"}, 400,
         "Invalid request: q must be a string or a list of strings"),
        ({"q": "Hi", "source": ["en"], "target": "es"}, 400,
         "Invalid request: source must be a string"),
        ({"q": "Hi", "source": "en", "target": "es", "format": {}}, 400,
         "Invalid request: format must be a string"),
        ({"q": "Hi", "source": "en", "target": "es", "api_key": 0}, 400,
         "Invalid request: api_key must be a string"),
        ({"q": "Hi", "source": "en", "target": "es", "format": None, "api_key": None}, 200, None),
        ({"q": "Hi", "source": "en", "target": "es", "format": "", "api_key": ""}, 200, None),
        ({"q": ["\n "], "source": "en", "target": "es"}, 400,
         "the text is empty: nothing to translate"),
        ({"q": "no markup", "source": "en", "target": "es", "format": "html"}, 200, None),
    ],
)  # fmt: skip
def test_errors_as_libretranslate_gives_them(
    client: TestClient, body: dict[str, Any], status: int, error: str | None
) -> None:
    response = client.post("/translate", json=body)
    assert response.status_code == status
    if error is not None:
        assert response.json() == {"error": error}


@pytest.mark.parametrize(
    ("content", "headers", "status", "error"),
    [
        (b"[1, 2]", {"content-type": "application/json"}, 400, "Invalid JSON format"),
        (b"{nope", {"content-type": "application/json"}, 400, "Invalid JSON format"),
        (b'{"q": "\xff"}', {"content-type": "application/json"}, 400, None),
        (b"q=%FF&source=en&target=es", {"content-type": "application/x-www-form-urlencoded"},
         400, "Invalid request: the form is not valid UTF-8"),
    ],
)  # fmt: skip
def test_bad_bodies(
    client: TestClient, content: bytes, headers: dict[str, str], status: int, error: str | None
) -> None:
    response = client.post("/translate", content=content, headers=headers)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str)
    if error is not None:
        assert body["error"] == error


def test_size_and_character_limits(tmp_path: Path) -> None:
    with client_for(tmp_path, max_characters=10, max_request_bytes=200) as client:
        chars = client.post("/translate", json={"q": "x" * 11, "source": "en", "target": "es"})
        assert chars.status_code == 413
        assert chars.json() == {
            "error": "the text to translate is 11 characters; the limit is 10: "
            "split it into several requests"
        }
        size = client.post("/translate", json={"q": "x" * 300, "source": "en", "target": "es"})
        assert size.status_code == 413 and "the limit is 200 bytes" in size.json()["error"]


def test_keys(tmp_path: Path) -> None:
    key = create_key(settings_for(tmp_path), "plugin", "reader")
    body = {"q": "Hi", "source": "en", "target": "es"}
    with client_for(tmp_path, anonymous_translate=False) as client:
        missing = client.post("/translate", json=body)
        assert missing.status_code == 400
        assert missing.json() == {"error": "Please contact the server operator to get an API key"}
        wrong = client.post("/translate", json={**body, "api_key": "tj_000000000000_" + "x" * 43})
        assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key"}
        assert client.post("/translate", json={**body, "api_key": key}).status_code == 200
        assert client.post("/translate", data={**body, "api_key": key}).status_code == 200
        assert client.post("/detect", data={"q": "Hi"}).status_code == 400
        assert client.get("/languages").status_code == 200  # as in LibreTranslate: open
    with client_for(tmp_path) as client:
        assert client.post("/translate", json=body).status_code == 200
        bad = client.post("/translate", json={**body, "api_key": "wrong"})
        assert bad.status_code == 403 and bad.json() == {"error": "Invalid API key"}


def test_slow_down(tmp_path: Path) -> None:
    body = {"q": "Hi", "source": "en", "target": "es"}
    with client_for(tmp_path, rate_limit=0.01, rate_burst=1) as client:
        assert client.post("/translate", json=body).status_code == 200
        response = client.post("/translate", json=body)
        assert response.status_code == 429
        assert response.json()["error"].startswith("Slowdown: too many requests")
        assert int(response.headers["retry-after"]) >= 1


def test_failed_keys_slow_down_the_address(tmp_path: Path) -> None:
    key = create_key(settings_for(tmp_path), "plugin", "reader")
    body = {"q": "Hi", "source": "en", "target": "es"}
    wrong = {**body, "api_key": "tj_000000000000_" + "x" * 43}
    with client_for(tmp_path, auth_failures=2) as client:
        assert client.post("/translate", json={**body, "api_key": key}).status_code == 200
        for _ in range(2):
            refused = client.post("/translate", json=wrong)
            assert refused.status_code == 403 and refused.json() == {"error": "Invalid API key"}
        limited = client.post("/translate", json=wrong)
        assert limited.status_code == 429
        assert limited.json()["error"].startswith("Slowdown: too many failed authentications")
        assert 1 <= int(limited.headers["retry-after"]) <= 30
        # a key known good a moment ago still passes; no key at all is not an authentication
        assert client.post("/translate", json={**body, "api_key": key}).status_code == 200
        assert client.post("/translate", json=body).status_code == 200


# --- /languages and /detect ---------------------------------------------------------------------


def test_languages(client: TestClient) -> None:
    languages = client.get("/languages").json()
    english = next(lang for lang in languages if lang["code"] == "en")
    assert english == {
        "code": "en",
        "name": "English",
        "targets": ["ar", "ca", "de", "es", "fr", "gl", "it", "pt"],
    }
    spanish = next(lang for lang in languages if lang["code"] == "es")
    assert spanish == {"code": "es", "name": "Spanish", "targets": []}


def test_detect_route(client: TestClient) -> None:
    response = client.post("/detect", data={"q": "The minister said that it was over"})
    assert response.json() == [{"confidence": 100.0, "language": "en"}]
    short = client.post("/detect", json={"q": "Hi"})
    assert short.json() == [{"confidence": 6.2, "language": "en"}]
    missing = client.post("/detect", data={})
    assert missing.status_code == 400
    assert missing.json() == {"error": "Invalid request: missing q parameter"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The president said that the talks were over.", "en"),
        ("El presidente dijo que las conversaciones habían terminado.", "es"),
        ("El president va dir que les converses havien acabat i que no hi ha acord.", "ca"),
        ("O presidente dixo que as conversas remataran e que non hai acordo.", "gl"),
        ("<p>El gato <b>es</b> negro y el perro duerme en la casa.</p>", "es"),
    ],
)
def test_detect_among_installed_languages(text: str, expected: str) -> None:
    found = detect(text, ["en", "es", "ca", "gl"], html=True)
    assert found[0]["language"] == expected
    assert sorted(d["language"] for d in found) == ["ca", "en", "es", "gl"]
    assert found[0]["confidence"] >= 80
    assert sum(float(d["confidence"]) for d in found) <= 100.1


@pytest.mark.parametrize(
    "text",
    [
        "", "12 345", "!!!", "Xq zzv", "Hi", "Hola", "The cat",  # too little to tell
        "Le président a dit que les négociations étaient terminées.",  # French: no engine has it
        "قال الرئيس إن المحادثات انتهت في المدينة",  # Arabic, likewise
        "Привет, как дела?",
    ],
)  # fmt: skip
def test_detect_reports_low_confidence_when_it_cannot_tell(text: str) -> None:
    found = detect(text, ["en", "es", "ca", "gl"])
    assert all(float(d["confidence"]) < 30 for d in found), found


def test_detect_knows_other_scripts_and_unknown_codes() -> None:
    assert detect("قال الرئيس إن المحادثات انتهت في المدينة", ["en", "ar"])[0] == {
        "confidence": 100.0,
        "language": "ar",
    }
    # a variant is detected by its language; a code the model does not know is left out
    assert [d["language"] for d in detect("The cat sat on the mat.", ["pt-BR", "en", "xx"])] == [
        "en",
        "pt-BR",
    ]
    assert detect("Hi", ["xx"]) == [{"confidence": 0.0, "language": "xx"}]
    assert detect("Hi", []) == [{"confidence": 0.0, "language": "en"}]


# --- a real client against a real server ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server(uvicorn.Server):
    """uvicorn's server, saying when it has started listening, or given up."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.settled = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.settled.set()

    def serve_until_done(self) -> None:
        try:
            self.run()
        finally:
            self.settled.set()


@contextmanager
def running_server(tmp_path: Path, engine: Engine, **fields: Any) -> Iterator[str]:
    port = _free_port()
    app = create_app(settings_for(tmp_path, **fields), engine=engine)
    server = _Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.serve_until_done, daemon=True)
    thread.start()
    if not server.settled.wait(30) or not server.started:
        raise RuntimeError("the server did not start")
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(15)


def test_libretranslatepy_against_a_real_server(tmp_path: Path) -> None:
    with running_server(tmp_path, PseudoEngine()) as url:
        lt = LibreTranslateAPI(url)
        assert lt.translate("Hello", "en", "es") == "⟦Héļļø~~⟧"
        assert {"code": "en", "name": "English"}.items() <= lt.languages()[0].items() or any(
            lang["code"] == "en" for lang in lt.languages()
        )
        assert lt.detect("The cat is on the mat") == [{"confidence": 99.7, "language": "en"}]


def test_libretranslatepy_with_a_required_key(tmp_path: Path) -> None:
    key = create_key(settings_for(tmp_path), "plugin", "reader")
    with running_server(tmp_path, PseudoEngine(), anonymous_translate=False) as url:
        assert LibreTranslateAPI(url, api_key=key).translate("Hello", "en", "es") == "⟦Héļļø~~⟧"
        with pytest.raises(urllib.error.HTTPError) as refused:
            LibreTranslateAPI(url).translate("Hello", "en", "es")
        assert refused.value.code == 400


@needs_apertium
def test_libretranslatepy_through_apertium(tmp_path: Path, apertium: ApertiumEngine) -> None:
    with running_server(tmp_path, apertium) as url:
        lt = LibreTranslateAPI(url)
        assert "gato" in lt.translate("The cat is black.", "en", "es")
        assert "gat" in lt.translate("The cat is black.", "en", "ca")
        assert "cat" in lt.translate("El gato es negro.", "es", "en")
        languages = {lang["code"]: lang for lang in lt.languages()}
        assert {"es", "ca", "gl"} <= set(languages["en"]["targets"])
        assert languages["es"]["name"] == "Spanish"
        assert lt.detect("El gato es negro y el perro duerme en la casa.")[0] == {
            "confidence": 99.2,
            "language": "es",
        }
        # the case: a Spanish sentence with source=auto is translated from Spanish
        spanish = "El tiempo es bueno hoy."
        assert lt.translate(spanish, "auto", "en") == lt.translate(spanish, "es", "en")
        with pytest.raises(urllib.error.HTTPError) as refused:
            lt.translate("Hi", "auto", "es")
        assert refused.value.code == 400
