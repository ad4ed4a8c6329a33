"""Errors as HTTP responses: one table from tarjama's exceptions to a status and an error code.

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
    CharacterError,
    ConfigError,
    EmptyInputError,
    EncodingError,
    EngineError,
    EngineTimeoutError,
    EngineUnavailableError,
    FormatError,
    InputError,
    InputTooLargeError,
    LanguageError,
    TarjamaError,
)
from tarjama.store import StoreError

log = logging.getLogger(__name__)

LIBRETRANSLATE_PATHS = frozenset({"/translate", "/languages", "/detect"})

# Exception kind -> (status, code); the first match wins, so subclasses come first.
ERROR_TABLE: tuple[tuple[type[BaseException], int, str], ...] = (
    (EmptyInputError, 400, "empty_input"),
    (EncodingError, 400, "invalid_encoding"),
    (CharacterError, 400, "invalid_character"),
    (FormatError, 400, "malformed_input"),
    (InputTooLargeError, 413, "input_too_large"),
    (InputError, 400, "invalid_input"),
    (LanguageError, 400, "unsupported_language"),
    (StoreError, 503, "store_unavailable"),
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


class ApiError(Exception):
    """An error the API answers as it is: a status, a code, a message, maybe headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


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
    for kind, status, code in ERROR_TABLE:
        if isinstance(exc, kind):
            return status, code
    return 500, "internal_error"


def error_response(
    path: str,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error as this path's clients expect it."""
    if path in LIBRETRANSLATE_PATHS:
        body: dict[str, Any] = {"error": message}
    else:
        body = {"error": {"code": code, "message": message}}
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


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request.url.path, exc.status, exc.code, exc.message, exc.headers)


async def _tarjama_error(request: Request, exc: Exception) -> Response:
    status, code = status_for(exc)
    if status >= 500:
        log.error("%s: %s", code, exc, exc_info=exc if status == 500 else None)
    return error_response(request.url.path, status, code, str(exc))


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
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(TarjamaError, _tarjama_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
