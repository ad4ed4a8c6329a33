"""LibreTranslate-compatible routes, so existing clients and plugins work against tarjama as is.

``POST /translate``, ``GET /languages`` and ``POST /detect`` follow LibreTranslate's wire format
(``libretranslate/app.py``): JSON, form (urlencoded or multipart) bodies and query parameters;
``q`` a string or (JSON) a list of strings; ``source`` may be ``auto`` (refused with 400 when the
detected language's confidence is under ``detect_threshold``); ``format`` text or html;
``api_key`` in the body (or, for tarjama's own keys, a header). Answers are
``{"translatedText": ...}`` (a list for a list, with ``detectedLanguage`` when the source was
``auto``) and errors ``{"error": "..."}`` with LibreTranslate's statuses and messages: 400 for
bad requests and for a missing key where one is required, 403 for an invalid key, 429 to slow
down, 500 when translation fails. Two deliberate differences: a text over the character or size
limit gets 413 (LibreTranslate answers 400), and HTML output is sanitised and not unescaped
(LibreTranslate unescapes entities, which could turn escaped text into markup).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import urllib.parse
from typing import Annotated, Any, Literal

from babel import Locale, UnknownLocaleError
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from tarjama import intake
from tarjama.api import adhoc
from tarjama.api.detect import detect
from tarjama.api.errors import lt_responses, status_for
from tarjama.api.keys import Principal
from tarjama.api.schemas import LINE_BREAKS_FORM, LINE_BREAKS_JSON, Text, translatable
from tarjama.api.security import Access, admit, authenticate, presented_key
from tarjama.api.services import Services, ServicesDep
from tarjama.errors import (
    AccessError,
    ForbiddenError,
    FormatError,
    InputError,
    LanguageError,
    RateLimitedError,
    TarjamaError,
    TranslationFailedError,
)
from tarjama.model import Pair, Translation

router = APIRouter(tags=["LibreTranslate"])


class LTDetection(BaseModel):
    confidence: float
    language: str


# The bodies the routes read (read_params, _texts...), in JSON Schema for the OpenAPI document:
# an empty or null ``format`` is text, an empty ``api_key`` is none (then the key of the
# Authorization or X-API-Key header, if any), and a text alone must have something to translate
# while texts in a list may be blank.
Texts = (
    Annotated[Text, Field(json_schema_extra=translatable(LINE_BREAKS_JSON))]
    | Annotated[
        list[Text],
        Field(
            min_length=1,
            json_schema_extra={
                "anyOf": [{"minItems": 2}, {"items": translatable(LINE_BREAKS_JSON)}]
            },
        ),
    ]
)


class LTTranslateRequest(BaseModel):
    q: Texts = Field(description="Text(s) to translate")
    source: str = Field(
        min_length=1, description="Source language code, or auto", examples=["en", "auto"]
    )
    target: str = Field(min_length=1, description="Target language code", examples=["es"])
    format: Literal["text", "html", ""] | None = Field("text", description="text or html")
    api_key: str | None = Field(None, description="API key")


class LTTranslateResponse(BaseModel):
    translatedText: str | list[str]
    detectedLanguage: LTDetection | list[LTDetection] | None = None


class LTDetectRequest(BaseModel):
    q: Annotated[Text, Field(min_length=1)] | Annotated[list[Text], Field(min_length=1)] = Field(
        description="Text to detect (a list is taken as one text)"
    )
    api_key: str | None = Field(None, description="API key")


class LTLanguage(BaseModel):
    code: str
    name: str
    targets: list[str]


def _body(model: type[BaseModel], form_q: dict[str, Any]) -> dict[str, Any]:
    """The JSON and form bodies: a form field is one string (a list of texts is JSON's alone)."""
    schema = model.model_json_schema()
    q = {"type": "string", "pattern": intake.SCHEMA_PATTERN, **form_q}
    form = {**schema, "properties": {**schema["properties"], "q": q}}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema},
                "application/x-www-form-urlencoded": {"schema": form},
            },
        }
    }


# --- reading requests ---------------------------------------------------------------------------


async def read_params(request: Request) -> dict[str, Any]:
    """The request's parameters as LibreTranslate reads them: a JSON object, else form + query."""
    body = await request.body()
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("application/json") or content_type.endswith("+json"):
        try:
            data = json.loads(body)
        except ValueError:
            raise FormatError("Invalid JSON format") from None
        if not isinstance(data, dict):
            raise FormatError("Invalid JSON format")
        if not isinstance(data.get("api_key", ""), str | None):
            raise InputError("Invalid request: api_key must be a string")
        return data
    params: dict[str, Any] = {k: v for k, v in request.query_params.items()}
    if content_type.startswith("multipart/form-data"):
        params.update(_multipart(body, content_type))
    elif body:
        try:
            form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                         errors="strict")  # fmt: skip
        except (UnicodeDecodeError, ValueError):
            raise InputError("Invalid request: the form is not valid UTF-8") from None
        params.update({k: v[0] for k, v in form.items()})
    return params


def _multipart(body: bytes, content_type: str) -> dict[str, str]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and part.get_filename() is None:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                try:
                    fields.setdefault(name, payload.decode("utf-8"))
                except UnicodeDecodeError:
                    raise InputError(f"Invalid request: {name} is not valid UTF-8") from None
    return fields


async def caller(request: Request, params: dict[str, Any], services: Services) -> Principal:
    """LibreTranslate's access check, in tarjama's order (``api/security.py``): the address's
    rate limit, then the key, then the key's rate limit. In LibreTranslate's words: a key
    refused is forbidden ("Invalid API key", 403), a missing required one a bad request (400),
    a limit "Slowdown" (429, for an address that failed too often as well)."""
    key = params.get("api_key") or None
    try:
        key = key if isinstance(key, str) else presented_key(request)
        principal = await run_in_threadpool(authenticate, services, request, key)
        if principal.anonymous and not services.options.anonymous_translate:
            raise InputError("Please contact the server operator to get an API key")
        admit(services, principal, Access.TRANSLATE)
    except RateLimitedError as exc:
        raise type(exc)(f"Slowdown: {exc}", exc.retry_after) from None
    except AccessError:
        raise ForbiddenError("Invalid API key") from None
    return principal


# --- languages ----------------------------------------------------------------------------------


def language_name(code: str) -> str:
    try:
        return str(Locale.parse(code, sep="-").get_display_name("en"))
    except (UnknownLocaleError, ValueError, TypeError):
        primary, _, variant = code.partition("-")
        try:
            name = str(Locale.parse(primary).get_display_name("en"))
        except (UnknownLocaleError, ValueError, TypeError):
            return code
        return f"{name} ({variant})" if variant else name


def languages_of(pairs: list[Pair]) -> list[LTLanguage]:
    targets: dict[str, set[str]] = {}
    for pair in pairs:
        targets.setdefault(pair.source, set()).add(pair.target)
        targets.setdefault(pair.target, set())
    return [
        LTLanguage(code=code, name=language_name(code), targets=sorted(targets[code]))
        for code in sorted(targets)
    ]


def _check_pair(pairs: list[Pair], source: str, target: str) -> None:
    codes = {p.source for p in pairs} | {p.target for p in pairs}
    if source not in codes:
        raise LanguageError(f"{source} is not supported")
    if target not in codes:
        raise LanguageError(f"{target} is not supported")
    if Pair(source, target) not in pairs:
        raise LanguageError(
            f"{language_name(target)} ({target}) is not available as a target language from "
            f"{language_name(source)} ({source})"
        )


# --- translating --------------------------------------------------------------------------------


def _texts(params: dict[str, Any]) -> tuple[list[str], bool]:
    """``q`` as a list of texts under the text rule (``tarjama.intake``; a form's CRLF line
    ends become LF there), and whether it was a list."""
    q = params.get("q")
    if not q:
        raise InputError("Invalid request: missing q parameter")
    if isinstance(q, str):
        return [intake.accept(q, "q")], False
    if isinstance(q, list) and all(isinstance(t, str) for t in q):
        return [intake.accept(t, f"q[{i}]") for i, t in enumerate(q)], True
    raise InputError("Invalid request: q must be a string or a list of strings")


def _string(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not value:
        raise InputError(f"Invalid request: missing {name} parameter")
    if not isinstance(value, str):
        raise InputError(f"Invalid request: {name} must be a string")
    return value


def _sources(
    texts: list[str], source: str, pairs: list[Pair], fmt: str, threshold: float
) -> list[dict[str, Any]]:
    """Each text's source language: ``source``, or with ``auto`` the detected one. A text too short
    to tell on its own (or blank) takes the language of all the texts together; below
    ``threshold`` even then, the caller is asked for ``source``: a guess translated from the
    wrong language comes back as garble."""
    if source != "auto":
        return [{"confidence": 100.0, "language": source} for _ in texts]
    candidates = [p.source for p in pairs]
    html = fmt == "html"
    overall = detect(" ".join(texts), candidates, html=html)[0]
    found = []
    for text in texts:
        alone = len(texts) == 1 or not text.strip()
        best = overall if alone else detect(text, candidates, html=html)[0]
        if best["confidence"] < threshold:
            best = overall
        if best["confidence"] < threshold:
            raise LanguageError(
                "Cannot tell the language of the text: the best guess, "
                f"{language_name(best['language'])} ({best['language']}), has "
                f"{best['confidence']:g}% confidence, below {threshold:g}%; "
                "give the source language as source"
            )
        found.append(best)
    return found


def _translate(
    services: Services, texts: list[str], sources: list[str], target: str, fmt: str
) -> tuple[list[str], list[Translation]]:
    """The blocking part; an answer made wholly from the memory is reused while the memory
    stands still (``api/cache.py``)."""
    signatures = tuple(services.serving(source, target) for source in sources)
    return services.cache.get(
        ("libretranslate", fmt, target, signatures, tuple(sources), tuple(texts)),
        lambda: _translate_now(services, texts, sources, target, fmt),
        lambda done: done[1],
        lambda done: sum(map(len, texts)) * 2 + sum(map(len, done[0])),
    )


def _translate_now(
    services: Services, texts: list[str], sources: list[str], target: str, fmt: str
) -> tuple[list[str], list[Translation]]:
    out = [""] * len(texts)
    done: list[Translation] = []
    if fmt == "html":
        for i, (text, source) in enumerate(zip(texts, sources, strict=True)):
            if text.strip():
                out[i], html_t = adhoc.translate_html(
                    services.translator, text, source, target, label=False
                )
                done.append(html_t)
        return out, done
    for source in dict.fromkeys(sources):
        indices = [i for i, s in enumerate(sources) if s == source]
        results = adhoc.translate_texts(
            services.translator, [texts[i] for i in indices], source, target
        )
        for i, (content, t) in zip(indices, results, strict=True):
            out[i] = content
            if t is not None:
                done.append(t)
    return out, done


@router.post(
    "/translate",
    summary="Translate text (LibreTranslate-compatible)",
    description=(
        "LibreTranslate's `/translate`: `q` (a string, or in JSON a list of strings), `source` "
        "(a code or `auto`), `target`, `format` (`text` or `html`), `api_key`; JSON or form "
        'body. Answers `{"translatedText": ...}`; errors are `{"error": "..."}`.'
    ),
    response_model=LTTranslateResponse,
    response_model_exclude_none=True,
    responses=lt_responses(400, 403, 413, 429, 500),
    openapi_extra=_body(LTTranslateRequest, translatable(LINE_BREAKS_FORM)),
)
async def translate(request: Request, services: ServicesDep) -> JSONResponse:
    params = await read_params(request)
    await caller(request, params, services)
    texts, batch = _texts(params)
    source, target = _string(params, "source"), _string(params, "target")
    fmt = params.get("format")
    if fmt is not None and not isinstance(fmt, str):
        raise InputError("Invalid request: format must be a string")
    fmt = fmt or "text"
    adhoc.check_characters(texts, services.options.max_characters)
    if fmt not in ("text", "html"):
        raise InputError(f"{fmt} format is not supported")
    pairs = services.pairs()
    detected = _sources(texts, source, pairs, fmt, services.settings.detect_threshold)
    for d in detected:
        _check_pair(pairs, d["language"], target)
    sources = [d["language"] for d in detected]
    try:
        translated, _ = await services.run(
            lambda: _translate(services, texts, sources, target, fmt), lambda r: r[1]
        )
    except TarjamaError as exc:
        if status_for(exc)[0] < 500:
            raise
        raise TranslationFailedError(f"Cannot translate text: {exc}") from exc
    body: dict[str, Any] = {"translatedText": translated if batch else translated[0]}
    if source == "auto":
        body["detectedLanguage"] = detected if batch else detected[0]
    return JSONResponse(body)


@router.get(
    "/languages",
    summary="Supported languages (LibreTranslate-compatible)",
    description="Every language of an installed pair, with the languages it translates into.",
    response_model=list[LTLanguage],
)
async def languages(services: ServicesDep) -> list[LTLanguage]:
    return languages_of(services.pairs())


@router.post(
    "/detect",
    summary="Detect a text's language (LibreTranslate-compatible)",
    description=(
        "The installed source languages, most likely first, each with the confidence that the "
        "text is in it, in percent; a short or ambiguous text gets low confidence for every "
        "language (see `tarjama.api.detect`)."
    ),
    response_model=list[LTDetection],
    responses=lt_responses(400, 403, 429),
    openapi_extra=_body(LTDetectRequest, {"minLength": 1}),
)
async def detect_language(request: Request, services: ServicesDep) -> list[LTDetection]:
    params = await read_params(request)
    await caller(request, params, services)
    texts, _ = _texts(params)
    found = detect(" ".join(texts), [p.source for p in services.pairs()])
    return [LTDetection.model_validate(d) for d in found]
