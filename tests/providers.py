"""Local stand-ins for the translation providers, on 127.0.0.1, speaking each one's documented
wire format: the same paths, headers, bodies, answers and error codes.

Each server checks what it receives. A request the real provider would refuse as malformed
(wrong path, missing or misspelt field, wrong header form, too many texts, markup that is not
well formed) gets the provider's error answer *and* is written to ``violations``, which the
fixtures assert empty: a wrong request fails the test even where the engine copes with the
error. A wrong key is not a violation but the provider's ordinary 401/403; these servers echo
the key they were given in that message (as a careless provider might) so that tests can prove
tarjama never repeats it.

Translation is word for word from a small English-Spanish dictionary, applied to text outside
tags; markup stays in place and the content of the elements a provider is told to leave alone
(DeepL's ``ignore_tags``, HTML ``translate="no"``/``class="notranslate"``) stays untranslated,
so tests can assert real outputs.

``fail(Fault(...))`` queues answers for the next translation requests: an error status with a
body and headers (``Retry-After``), a body that is not JSON, or a hang (the connection is
accepted and never answered, until the server stops).
"""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

DICTIONARY = {
    "the": "el", "minister": "ministro", "said": "dijo", "talks": "conversaciones",
    "would": "iban a", "resume": "reanudar", "on": "el", "tuesday": "martes",
    "prices": "precios", "rose": "subieron", "by": "en", "in": "en", "northern": "norte",
    "region": "región", "breaking": "última", "news": "hora", "resigned": "dimitió",
    "after": "tras", "days": "días", "fish": "pescado", "chips": "patatas", "cost": "cuestan",
    "less": "menos", "than": "que", "at": "en", "port": "puerto", "hello": "hola",
    "big": "grandes", "dogs": "perros", "ate": "comieron", "met": "se reunió con",
    "people": "personas", "you": "tú", "thank": "gracias",
}  # fmt: skip
FORMAL = {"you": "usted"}

_MARKUP = re.compile(r"(<[^>]*>)")
_ENTITY = re.compile(r"(&#?\w+;)")
_WORD = re.compile(r"[A-Za-z]+")
_TAG_NAME = re.compile(r"</?\s*([\w:-]+)")


def translate_words(text: str, glossary: dict[str, str] | None = None, formal: bool = False) -> str:
    table = {**DICTIONARY, **(FORMAL if formal else {}), **(glossary or {})}

    def word(m: re.Match[str]) -> str:
        src = m.group()
        out = table.get(src.lower())
        if out is None:
            return src
        return out[0].upper() + out[1:] if src[0].isupper() else out

    return "".join(
        part if _ENTITY.fullmatch(part) else _WORD.sub(word, part) for part in _ENTITY.split(text)
    )


def translate_markup(
    text: str,
    protected: Callable[[str], bool],
    glossary: dict[str, str] | None = None,
    formal: bool = False,
) -> str:
    """Translate the text outside tags, and not inside elements ``protected`` (given the
    opening tag) says to leave alone; tags stay where they are."""
    out: list[str] = []
    stack: list[str] = []
    protect_from: int | None = None
    for part in _MARKUP.split(text):
        if part.startswith("<"):
            m = _TAG_NAME.match(part)
            name = m.group(1).lower() if m else ""
            if part.startswith("</"):
                if stack and stack[-1] == name:
                    stack.pop()
                if protect_from is not None and len(stack) < protect_from:
                    protect_from = None
            elif not part.endswith("/>"):
                stack.append(name)
                if protect_from is None and protected(part):
                    protect_from = len(stack)
            out.append(part)
        elif protect_from is not None:
            out.append(part)
        else:
            out.append(translate_words(part, glossary, formal))
    return "".join(out)


def _html_protected(tag: str) -> bool:
    return bool(re.search(r'translate="no"|class="[^"]*\bnotranslate\b', tag))


def well_formed_xml(text: str) -> bool:
    try:
        ET.fromstring(f"<root>{text}</root>")
    except ET.ParseError:
        return False
    return True


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw)


@dataclass
class Fault:
    """An answer to give instead of the real one."""

    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    hang: bool = False


class Violation(Exception):
    """The engine sent something the provider would refuse as malformed."""

    def __init__(self, what: str, status: int = 400, body: Any = None) -> None:
        super().__init__(what)
        self.status = status
        self.body = body if body is not None else {"error": what}


Reply = tuple[int, Any]


class FakeProvider:
    """A provider on a free port of 127.0.0.1, in a thread; use as a context manager."""

    name = "provider"
    translate_path = "/translate"

    def __init__(self, key: str | None = "test-key-0123456789") -> None:
        self.key = key
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.provider = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def translations(self) -> list[Request]:
        """The translation requests received so far."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith(self.translate_path)]

    def receive(self, req: Request) -> tuple[int, dict[str, str], bytes] | None:
        with self._lock:
            self.requests.append(req)
            fault = (
                self.faults.popleft()
                if self.faults and req.path.endswith(self.translate_path)
                else None
            )
        if fault is not None:
            if fault.hang:
                self._release.wait(timeout=60)
                return None
            raw = fault.raw if fault.raw is not None else json.dumps(fault.body).encode()
            return fault.status, {"Content-Type": "application/json", **fault.headers}, raw
        try:
            status, body = self.handle(req)
        except Violation as v:
            with self._lock:
                self.violations.append(f"{req.method} {req.path}: {v}")
            status, body = v.status, v.body
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def handle(self, req: Request) -> Reply:
        raise NotImplementedError

    @staticmethod
    def json_body(req: Request) -> Any:
        if not req.headers.get("content-type", "").startswith("application/json"):
            raise Violation(f"content type {req.headers.get('content-type')!r}, not JSON")
        try:
            return req.json()
        except ValueError:
            raise Violation("body is not JSON") from None

    @staticmethod
    def only_keys(body: dict[str, Any], allowed: set[str], required: set[str]) -> None:
        if not isinstance(body, dict):
            raise Violation("body is not an object")
        if unknown := set(body) - allowed:
            raise Violation(f"unknown fields {sorted(unknown)}")
        if missing := required - set(body):
            raise Violation(f"missing fields {sorted(missing)}")

    @staticmethod
    def texts(value: Any, what: str, limit: int) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise Violation(f"{what} is not a list of strings")
        if not value:
            raise Violation(f"{what} is empty")
        if len(value) > limit:
            raise Violation(f"{len(value)} texts in one request (limit {limit})", 413)
        return value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in separate writes

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        req = Request(
            method,
            url.path,
            dict(parse_qsl(url.query)),
            {k.lower(): v for k, v in self.headers.items()},
            raw,
        )
        provider: FakeProvider = self.server.provider  # type: ignore[attr-defined]
        reply = provider.receive(req)
        if reply is None:
            self.close_connection = True
            return
        status, headers, body = reply
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# --- DeepL API v2 ---------------------------------------------------------------------------


class DeepLServer(FakeProvider):
    name = "deepl"
    translate_path = "/v2/translate"
    sources: ClassVar[list[str]] = ["EN", "ES", "DE", "FR", "PT"]
    targets: ClassVar[list[str]] = ["ES", "DE", "FR", "EN-GB", "EN-US", "PT-PT", "PT-BR", "AR"]
    _FIELDS: ClassVar[set[str]] = {
        "text", "source_lang", "target_lang", "tag_handling", "ignore_tags",
        "non_splitting_tags", "splitting_tags", "outline_detection", "formality",
        "glossary_id", "split_sentences", "preserve_formatting", "context",
    }  # fmt: skip

    def __init__(self, key: str | None = "test-key-0123456789:fx") -> None:
        super().__init__(key)
        self.glossaries: dict[str, tuple[str, str, dict[str, str]]] = {
            "gl-en-es": ("EN", "ES", {"minister": "ministra"})
        }

    def handle(self, req: Request) -> Reply:
        auth = req.headers.get("authorization")
        if auth is None or not auth.startswith("DeepL-Auth-Key "):
            raise Violation("no DeepL-Auth-Key authorization header", 403, {"message": "Forbidden"})
        if auth != f"DeepL-Auth-Key {self.key}":
            return 403, {"message": f"Wrong authentication key: {auth.split(' ', 1)[1]}"}
        if req.method == "GET" and req.path == "/v2/languages":
            kind = req.query.get("type")
            if kind not in ("source", "target"):
                raise Violation("languages without type=source or type=target")
            codes = self.sources if kind == "source" else self.targets
            return 200, [{"language": c, "name": c, "supports_formality": True} for c in codes]
        if req.method == "POST" and req.path == "/v2/translate":
            return self._translate(self.json_body(req))
        raise Violation(f"no such endpoint {req.method} {req.path}", 404)

    def _translate(self, body: Any) -> Reply:
        self.only_keys(body, self._FIELDS, {"text", "target_lang"})
        texts = self.texts(body["text"], "text", 50)
        if body["target_lang"] not in self.targets:
            raise Violation(f"target_lang {body['target_lang']!r} not supported")
        source = body.get("source_lang")
        if source is not None and source not in self.sources:
            raise Violation(f"source_lang {source!r} not supported")
        handling = body.get("tag_handling")
        for key in ("ignore_tags", "non_splitting_tags", "splitting_tags"):
            if key in body and not (
                isinstance(body[key], list) and all(isinstance(t, str) for t in body[key])
            ):
                raise Violation(f"{key} is not a list of tag names")
        if any("<" in t for t in texts):
            if handling != "xml":
                raise Violation("markup sent without tag_handling=xml")
            if not all(well_formed_xml(t) for t in texts):
                raise Violation("Tag handling parsing failed, please check input.")
        formality = body.get("formality", "default")
        if formality not in ("default", "more", "less", "prefer_more", "prefer_less"):
            raise Violation(f"formality {formality!r}")
        glossary: dict[str, str] = {}
        if "glossary_id" in body:
            entry = self.glossaries.get(body["glossary_id"])
            if entry is None or source is None:
                raise Violation("glossary_id unknown, or given without source_lang", 404)
            if (entry[0], entry[1]) != (source, body["target_lang"].split("-")[0]):
                raise Violation("the glossary does not match the language pair")
            glossary = entry[2]
        ignored = set(body.get("ignore_tags", []))
        formal = formality in ("more", "prefer_more")

        def protected(tag: str) -> bool:
            m = _TAG_NAME.match(tag)
            return bool(m and m.group(1) in ignored)

        return 200, {
            "translations": [
                {
                    "detected_source_language": source or "EN",
                    "text": translate_markup(t, protected, glossary, formal),
                }
                for t in texts
            ]
        }


# --- Google Cloud Translation v3 ------------------------------------------------------------


class GoogleServer(FakeProvider):
    name = "google"
    translate_path = ":translateText"
    languages: ClassVar[list[str]] = ["en", "es", "fr", "de", "ar"]

    def __init__(
        self, key: str | None = "ya29.test-token-0123456789", project: str = "newsroom-1"
    ) -> None:
        super().__init__(key)
        self.project = project
        self.location = "us-central1"
        self.glossaries = {
            f"projects/{project}/locations/us-central1/glossaries/style": {"minister": "ministra"}
        }

    @property
    def parent(self) -> str:
        return f"/v3/projects/{self.project}/locations/{self.location}"

    def handle(self, req: Request) -> Reply:
        auth = req.headers.get("authorization")
        if auth is None or not auth.startswith("Bearer "):
            raise Violation("no bearer token", 401, _google_error(401, "UNAUTHENTICATED", "no"))
        if auth != f"Bearer {self.key}":
            message = f"Request had invalid authentication credentials: {auth[7:]}"
            return 401, _google_error(401, "UNAUTHENTICATED", message)
        if req.method == "GET" and req.path == f"{self.parent}/supportedLanguages":
            return 200, {
                "languages": [
                    {"languageCode": c, "supportSource": True, "supportTarget": True}
                    for c in self.languages
                ]
            }
        if req.method == "POST" and req.path == f"{self.parent}:translateText":
            return self._translate(self.json_body(req))
        raise Violation(
            f"no such resource {req.method} {req.path}",
            404,
            _google_error(404, "NOT_FOUND", "not found"),
        )

    def _translate(self, body: Any) -> Reply:
        self.only_keys(
            body,
            {
                "contents", "mimeType", "sourceLanguageCode", "targetLanguageCode",
                "glossaryConfig", "model", "labels", "transliterationConfig",
            },
            {"contents", "targetLanguageCode"},
        )  # fmt: skip
        texts = self.texts(body["contents"], "contents", 1024)
        mime = body.get("mimeType", "text/html")
        if mime not in ("text/html", "text/plain"):
            raise Violation(f"mimeType {mime!r}")
        if mime != "text/html" and any("<" in t for t in texts):
            raise Violation("markup sent as text/plain")
        for key in ("sourceLanguageCode", "targetLanguageCode"):
            if key in body and body[key] not in self.languages:
                raise Violation(f"{key} {body[key]!r} is not supported")
        out: dict[str, Any] = {
            "translations": [
                {"translatedText": translate_markup(t, _html_protected)} for t in texts
            ]
        }
        if "glossaryConfig" in body:
            config = body["glossaryConfig"]
            if not isinstance(config, dict) or config.get("glossary") not in self.glossaries:
                raise Violation("glossaryConfig.glossary names no glossary of this location")
            terms = self.glossaries[config["glossary"]]
            out["glossaryTranslations"] = [
                {
                    "translatedText": translate_markup(t, _html_protected, terms),
                    "glossaryConfig": config,
                }
                for t in texts
            ]
        return 200, out


def _google_error(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


# --- Azure AI Translator v3.0 ---------------------------------------------------------------


class AzureServer(FakeProvider):
    name = "azure"
    translate_path = "/translate"
    languages: ClassVar[list[str]] = ["en", "es", "fr", "ar", "pt", "pt-PT", "zh-Hans"]

    def __init__(
        self, key: str | None = "azure-key-0123456789abcdef", region: str | None = "westeurope"
    ) -> None:
        super().__init__(key)
        self.region = region

    def handle(self, req: Request) -> Reply:
        if req.query.get("api-version") != "3.0":
            raise Violation("api-version is not 3.0", 400, _azure_error(400021, "api-version"))
        if req.method == "GET" and req.path == "/languages":
            if req.query.get("scope") not in (None, "translation"):
                raise Violation(f"scope {req.query.get('scope')!r}")
            return 200, {
                "translation": {
                    c: {"name": c, "nativeName": c, "dir": "rtl" if c == "ar" else "ltr"}
                    for c in self.languages
                }
            }
        if req.method != "POST" or req.path != "/translate":
            raise Violation(f"no such endpoint {req.method} {req.path}", 404)
        key = req.headers.get("ocp-apim-subscription-key")
        if key is None:
            raise Violation("no Ocp-Apim-Subscription-Key", 401, _azure_error(401000, "no key"))
        if key != self.key:
            return 401, _azure_error(401000, f"The request is not authorized: key {key}")
        if self.region and req.headers.get("ocp-apim-subscription-region") != self.region:
            raise Violation("no or wrong Ocp-Apim-Subscription-Region", 401)
        return self._translate(req)

    def _translate(self, req: Request) -> Reply:
        query = req.query
        if set(query) - {"api-version", "from", "to", "textType", "category"}:
            raise Violation(f"unknown query parameters {sorted(query)}")
        if query.get("to") not in self.languages:
            raise Violation(f"to={query.get('to')!r}", 400, _azure_error(400036, "bad target"))
        if "from" in query and query["from"] not in self.languages:
            raise Violation(f"from={query['from']!r}", 400, _azure_error(400035, "bad source"))
        body = self.json_body(req)
        if not isinstance(body, list) or not all(
            isinstance(item, dict) and set(item) == {"Text"} for item in body
        ):
            raise Violation("body is not a list of {Text: ...}")
        texts = self.texts([item["Text"] for item in body], "Text", 1000)
        if any("<" in t for t in texts) and query.get("textType") != "html":
            raise Violation("markup sent without textType=html")
        return 200, [
            {"translations": [{"text": translate_markup(t, _html_protected), "to": query["to"]}]}
            for t in texts
        ]


def _azure_error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


# --- LibreTranslate ---------------------------------------------------------------------------


class LibreTranslateServer(FakeProvider):
    name = "libretranslate"
    translate_path = "/translate"
    languages: ClassVar[dict[str, list[str]]] = {
        "en": ["es", "fr", "ar"],
        "es": ["en"],
        "fr": ["en"],
        "ar": ["en"],
    }

    def handle(self, req: Request) -> Reply:
        if req.method == "GET" and req.path == "/languages":
            return 200, [{"code": c, "name": c, "targets": t} for c, t in self.languages.items()]
        if req.method != "POST" or req.path != "/translate":
            raise Violation(f"no such endpoint {req.method} {req.path}", 404)
        body = self.json_body(req)
        self.only_keys(
            body, {"q", "source", "target", "format", "api_key", "alternatives"}, {"q", "target"}
        )
        if self.key is not None:
            if "api_key" not in body:
                raise Violation("no api_key", 400, {"error": "Visit the portal to get a key"})
            if body["api_key"] != self.key:
                return 403, {"error": f"Invalid API key {body['api_key']}"}
        source, target = body.get("source", "auto"), body["target"]
        if source not in self.languages or target not in self.languages.get(source, []):
            raise Violation(f"{source} -> {target} is not available")
        fmt = body.get("format", "text")
        if fmt not in ("text", "html"):
            raise Violation(f"format {fmt!r}")
        q = body["q"]
        texts = self.texts(q if isinstance(q, list) else [q], "q", 1000)
        if fmt != "html" and any("<" in t for t in texts):
            raise Violation("markup sent with format=text")
        out = [translate_markup(t, _html_protected) for t in texts]
        return 200, {"translatedText": out if isinstance(q, list) else out[0]}


# --- OpenAI-compatible chat completions -------------------------------------------------------


class ChatServer(FakeProvider):
    """An OpenAI-compatible server (as llama.cpp, vLLM and Ollama serve) whose "model"
    translates word for word and copies XML tags; ``lose_tags`` answers drop a placeholder
    first, ``think`` prefixes a reasoning block, ``finish_reason`` can say the answer was cut."""

    name = "openai"
    translate_path = "/v1/chat/completions"

    def __init__(self, key: str | None = "sk-test-0123456789", model: str = "tiny-mt") -> None:
        super().__init__(key)
        self.model = model
        self.lose_tags = 0
        self.think = False
        self.finish_reason = "stop"

    def handle(self, req: Request) -> Reply:
        if self.key is not None:
            auth = req.headers.get("authorization")
            if auth is None:
                raise Violation("no Authorization header", 401, _openai_error("no key"))
            if auth != f"Bearer {self.key}":
                return 401, _openai_error(f"Incorrect API key provided: {auth[7:]}")
        if req.method == "GET" and req.path == "/v1/models":
            return 200, {"object": "list", "data": [{"id": self.model, "object": "model"}]}
        if req.method == "POST" and req.path == "/v1/chat/completions":
            return self._complete(self.json_body(req))
        raise Violation(f"no such endpoint {req.method} {req.path}", 404)

    def _complete(self, body: Any) -> Reply:
        self.only_keys(
            body, {"model", "messages", "temperature", "max_tokens", "seed"}, {"model", "messages"}
        )
        if body["model"] != self.model:
            return 404, _openai_error(f"The model {body['model']!r} does not exist")
        if body.get("temperature") != 0:
            raise Violation(f"temperature {body.get('temperature')!r}, not 0")
        messages = body["messages"]
        if not isinstance(messages, list) or not all(
            isinstance(m, dict)
            and set(m) == {"role", "content"}
            and m["role"] in ("system", "user", "assistant")
            and isinstance(m["content"], str)
            for m in messages
        ):
            raise Violation("messages is not a list of {role, content}")
        roles = [m["role"] for m in messages]
        if roles not in (["system", "user"], ["system", "user", "assistant", "user"]):
            raise Violation(f"unexpected conversation {roles}")
        if "tag" not in messages[0]["content"]:
            raise Violation("the system prompt says nothing of tags")
        text = messages[1]["content"]
        if not well_formed_xml(text):
            raise Violation("the text is not well-formed XML")
        answer = translate_markup(text, lambda tag: tag.startswith("<x"))
        if self.lose_tags > 0:
            self.lose_tags -= 1
            answer = re.sub(r'<x id="\d+"(?:/>|>.*?</x>)', "", answer, count=1)
        if self.think:
            answer = "<think>The user wants Spanish.</think>\n" + answer
        return 200, {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer},
                    "finish_reason": self.finish_reason,
                }
            ],
        }


def _openai_error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error"}}


@contextmanager
def serving(server: FakeProvider) -> Iterator[FakeProvider]:
    """Run a fake provider for a test and fail the test on any malformed request it got."""
    with server:
        yield server
    assert server.violations == [], f"{server.name} received malformed requests"
