"""The service's side of the renderer (``tarjama.render``): HTML answers made from its
templates, and ``GET /static/{name}`` for the stylesheet and scripts shipped beside them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from tarjama.errors import NotFoundError
from tarjama.render import STATIC_TYPES, render, static_file

router = APIRouter(include_in_schema=False)


def html(text: str, status_code: int = 200) -> Response:
    """An HTML answer holding ``text``."""
    return Response(text, status_code, media_type="text/html; charset=utf-8")


def page(template: str, status_code: int = 200, **context: Any) -> Response:
    """An HTML answer: ``template`` rendered with ``context``."""
    return html(render(template, **context), status_code)


@router.get("/static/{name}")
def static(name: str) -> Response:
    """A stylesheet or script of the pages, cached by browsers for an hour."""
    kind = STATIC_TYPES.get(name[name.rfind(".") :]) if "." in name else None
    data = static_file(name) if kind else None
    if data is None:
        raise NotFoundError("not_found", f"no static file {name!r}")
    return Response(data, media_type=kind, headers={"Cache-Control": "public, max-age=3600"})
