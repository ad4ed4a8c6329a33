"""One renderer for every page tarjama serves: Jinja2 templates shipped in the package,
autoescaped, and the static files (stylesheet, script) beside them.

Templates live in ``api/web/templates``, static files in ``api/web/static``; nothing comes
from a CDN and nothing is built. A value that is already safe HTML (an article's body, made
by ``formats.html`` and sanitised) is handed in as :class:`markupsafe.Markup`; everything else
is escaped by the template.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Any

import jinja2
from fastapi import APIRouter, Response

from tarjama.errors import NotFoundError

STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}

router = APIRouter(include_in_schema=False)


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tarjama.api.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context: Any) -> str:
    """``template`` rendered with ``context``."""
    return environment().get_template(template).render(**context)


def page(template: str, status_code: int = 200, **context: Any) -> Response:
    """An HTML answer: ``template`` rendered with ``context``."""
    return Response(render(template, **context), status_code, media_type="text/html; charset=utf-8")


@functools.cache
def _static(name: str) -> bytes | None:
    item = importlib.resources.files("tarjama.api.web") / "static" / name
    return item.read_bytes() if item.is_file() else None


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """A stylesheet or script of the pages, cached by browsers for an hour."""
    kind = STATIC_TYPES.get(name[name.rfind(".") :]) if "." in name else None
    data = _static(name) if kind and "/" not in name else None
    if data is None:
        raise NotFoundError("not_found", f"no static file {name!r}")
    return Response(data, media_type=kind, headers={"Cache-Control": "public, max-age=3600"})
