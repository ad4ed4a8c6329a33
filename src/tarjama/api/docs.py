"""The OpenAPI pages, offline: Swagger UI at ``/docs`` and ReDoc at ``/redoc`` with their
assets served by the service itself, and the document's security schemes.

The assets come from the pinned ``fastapi-offline`` package, which ships Swagger UI's and
ReDoc's bundles; nothing is fetched from a CDN, so the pages work on a newsroom network cut off
from the internet. The document declares the two ways of presenting a key
(``Authorization: Bearer``, ``X-API-Key``) and, on each operation, whether it needs one: a
route that anonymous callers may use (by the settings in force) lists them as optional, so
Swagger UI's "Authorize" applies the key everywhere.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi import FastAPI, Response
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from tarjama.api.options import ServiceOptions
from tarjama.api.security import Access
from tarjama.errors import NotFoundError

DOCS = "/docs"
REDOC = "/redoc"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
ASSETS = "/docs/assets"
PATHS = (DOCS, REDOC, OAUTH2_REDIRECT)
"""The pages that run Swagger UI's and ReDoc's scripts (``api/headers.py`` gives them their
own policy); the assets are plain files."""

SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key: `Authorization: Bearer tj_...` (`tarjama keys create`).",
    },
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "The same API key in the `X-API-Key` header.",
    },
}
_ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}


@functools.cache
def _asset(name: str) -> bytes:
    return (importlib.resources.files("fastapi_offline") / "static" / name).read_bytes()


def install(app: FastAPI, options: ServiceOptions, routes: Sequence[BaseRoute]) -> None:
    """The docs pages and their assets on ``app`` (made with ``docs_url=redoc_url=None``), and
    its OpenAPI document with the security schemes of ``routes`` (the routers' own)."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS, include_in_schema=False)
    async def swagger_ui() -> Response:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            oauth2_redirect_url=OAUTH2_REDIRECT,
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_redirect() -> Response:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC, include_in_schema=False)
    async def redoc() -> Response:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title}: API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        kind = _ASSET_TYPES.get(name)
        if kind is None:
            raise NotFoundError("not_found", f"no asset {name!r}")
        return Response(_asset(name), media_type=kind,
                        headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = secured(app, options, routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def secured(app: FastAPI, options: ServiceOptions, routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The app's OpenAPI document with the key schemes, and the requirement of each operation
    of ``routes``."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
    )
    document.setdefault("components", {})["securitySchemes"] = SCHEMES
    for route in routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        access = list(_accesses(route.dependant))
        if not access:
            continue
        optional = any(a is None or a.open_to_anonymous(options) for a in access)
        requirement: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]
        if optional:
            requirement = [{}, *requirement]
        path = document["paths"].get(route.path_format, {})
        for method in route.methods or ():
            operation = path.get(method.lower())
            if operation is not None:
                operation["security"] = requirement
    return document


def _accesses(dependant: Dependant) -> Iterator[Access | None]:
    """The accesses a route's dependencies check (None: a caller identified, then admitted by
    the route itself, as for a reader page that is also an API read)."""
    for dependency in dependant.dependencies:
        call: Callable[..., Any] | None = dependency.call
        name = getattr(call, "__name__", "")
        if name.startswith("require_"):
            yield Access[name.removeprefix("require_").upper()]
        elif name == "identify":
            yield None
        yield from _accesses(dependency)
