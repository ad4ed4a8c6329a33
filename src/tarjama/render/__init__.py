"""One renderer for every HTML page tarjama writes: the service's pages (``api/web``),
``tarjama demo`` and the CLI's HTML of an article. Jinja2 templates shipped in the package,
autoescaped, compiled once per process, and the static files (stylesheet, scripts) beside them;
nothing comes from a CDN and nothing is built.

Templates live in ``render/templates``, static files in ``render/static``. A value that is
already safe HTML (an article's body, made by ``formats.html`` and sanitised) is handed in as
:class:`markupsafe.Markup`; everything else is escaped by the template. ``article.py`` makes
the newsroom page of an article or a translation.

A page finds its stylesheet under ``static`` (``/static/`` in the service, a relative folder in
the demo's output) or, with ``css``, carries it inline (a single file written by the CLI);
``home`` is where the masthead leads.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import Any

import jinja2

STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tarjama.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # package data does not change under a running process
    )
    env.globals.update(static="/static/", home="/read", css="")
    return env


@functools.cache
def template(name: str) -> jinja2.Template:
    """``name`` compiled, once per process."""
    return environment().get_template(name)


def render(name: str, **context: Any) -> str:
    """The template ``name`` rendered with ``context``."""
    return template(name).render(**context)


@functools.cache
def static_file(name: str) -> bytes | None:
    """A static file of the pages by name, or None."""
    item = importlib.resources.files("tarjama.render") / "static" / name
    return item.read_bytes() if "/" not in name and item.is_file() else None
