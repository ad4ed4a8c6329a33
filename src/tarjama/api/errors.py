"""Errors as HTTP responses: one table from tarjama's exceptions to a status and an error code.

Routes and the security checks raise tarjama's own errors (``tarjama.errors``); only this
module knows their statuses. An error with a code of its own (``NotFoundError("job_not_found",
...)``) shows that code with its kind's status. A caller refused for want of a good key gets
``WWW-Authenticate: Bearer``; a limit or a busy service says when to retry (``Retry-After``).

Every error the service answers has the same body, ``{"error": {"code": ..., "message": ...}}``,
FastAPI's and Starlette's own (404, 405, request validation) included. The LibreTranslate
routes (``/translate``, ``/languages``, ``/detect``) answer ``{"error": "..."}`` instead, as
LibreTranslate does; :func:`error_response` picks the shape from the path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from tarjama.errors import (
    AccessError,
    BusyError,
    CharacterError,
    ConfigError,
    ConflictError,
    EmptyInputError,
    EncodingError,
    EngineError,
    EngineTimeoutError,
    EngineUnavailableError,
    ForbiddenError,
    FormatError,
    InputError,
    InputTooLargeError,
    InvalidKeyError,
    KeyRequiredError,
    LanguageError,
    MarkupError,
    NotFoundError,
    NotReadyError,
    RateLimitedError,
    RevokedKeyError,
    StoreError,
    TarjamaError,
    TooManyFailuresError,
    TranslationFailedError,
    UnauthenticatedError,
    UnavailableError,
)
from tarjama.memory import TermNotFoundError

log = logging.getLogger(__name__)

LIBRETRANSLATE_PATHS = frozenset({"/translate", "/languages", "/detect"})

# Exception kind -> (status, code); the first match wins, so subclasses come first.
ERROR_TABLE: tuple[tuple[type[BaseException], int, str], ...] = (
    (TermNotFoundError, 404, "term_not_found"),
    (EmptyInputError, 400, "empty_input"),
    (EncodingError, 400, "invalid_encoding"),
    (CharacterError, 400, "invalid_character"),
    (FormatError, 400, "malformed_input"),
    (MarkupError, 400, "markup_changed"),
    (InputTooLargeError, 413, "input_too_large"),
    (InputError, 400, "invalid_input"),
    (LanguageError, 400, "unsupported_language"),
    (KeyRequiredError, 401, "unauthorized"),
    (InvalidKeyError, 401, "invalid_api_key"),
    (RevokedKeyError, 401, "api_key_revoked"),
    (UnauthenticatedError, 401, "unauthorized"),
    (ForbiddenError, 403, "forbidden"),
    (TooManyFailuresError, 429, "too_many_failures"),
    (RateLimitedError, 429, "rate_limited"),
    (AccessError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (ConflictError, 409, "conflict"),
    (NotReadyError, 503, "not_ready"),
    (BusyError, 503, "busy"),
    (UnavailableError, 503, "unavailable"),
    (StoreError, 503, "store_unavailable"),
    (TranslationFailedError, 500, "translation_failed"),
    (ConfigError, 500, "configuration_error"),
    (EngineTimeoutError, 504, "engine_timeout"),
    (EngineUnavailableError, 503, "engine_unavailable"),
    (EngineError, 502, "engine_error"),
    (TarjamaError, 500, "internal_error"),
)

# Statuses Starlette raises itself -> our codes.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error response of the tarjama API."""

    error: ErrorDetail


class LibreTranslateError(BaseModel):
    """The body of every error response of the LibreTranslate-compatible routes."""

    error: str


def status_for(exc: BaseException) -> tuple[int, str]:
    """The HTTP status and error code for one of tarjama's exceptions."""
    own = exc.code if isinstance(exc, TarjamaError) else ""
    for kind, status, code in ERROR_TABLE:
        if isinstance(exc, kind):
            return status, own or code
    return 500, "internal_error"


def headers_for(exc: BaseException) -> dict[str, str]:
    """What the answer to ``exc`` says beside its body: how to authenticate, when to retry."""
    headers = {}
    if isinstance(exc, UnauthenticatedError):
        headers["WWW-Authenticate"] = "Bearer"
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(exc, RateLimitedError | UnavailableError) and retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return headers


def error_response(
    path: str,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """The error as this path's clients expect it; ``extra`` goes beside the envelope."""
    if path in LIBRETRANSLATE_PATHS:
        body: dict[str, Any] = {"error": message}
    else:
        body = {"error": {"code": code, "message": message}, **(extra or {})}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error statuses a route may answer."""
    return {s: {"model": ErrorBody, "description": HTTP_CODES.get(s, "error")} for s in statuses}


def lt_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": LibreTranslateError, "description": "error"} for s in statuses}


def _validation_message(errors: Sequence[Any]) -> str:
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


async def _tarjama_error(request: Request, exc: Exception) -> Response:
    status, code = status_for(exc)
    if status >= 500 and not isinstance(exc, UnavailableError):  # those answer for themselves
        log.error("%s: %s", code, exc, exc_info=exc if status == 500 else None)
    extra = {"checks": exc.checks} if isinstance(exc, NotReadyError) else None
    return error_response(request.url.path, status, code, str(exc), headers_for(exc), extra)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "error" if exc.status_code < 500 else "internal_error")
    message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such route: {request.method} {request.url.path}"
    headers = exc.headers
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return error_response(request.url.path, exc.status_code, code, message, headers)


def _allowed_methods(request: Request) -> str:
    """Every method of every route of the request's path: Starlette's 405 names only the
    methods of the first route that matched the path, one of several when a path has a route
    per method. The routes are the app's own and its routers' (``app.state.routes``: FastAPI
    keeps an included router as one route)."""
    routes = [*request.app.router.routes, *getattr(request.app.state, "routes", ())]
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(
            request.url.path, 400, "malformed_input", "the request body is not valid JSON"
        )
    return error_response(request.url.path, 422, "validation_error", _validation_message(errors))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(request.url.path, 500, "internal_error", "internal server error")


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the envelope."""
    app.add_exception_handler(TarjamaError, _tarjama_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
