"""The pages people use in a browser, served by ``tarjama serve``: the reader pages
(``reader.py``), the editor's review desk (``desk.py``; inline markup shown as tokens by
``tokens.py``) and the translate page at ``/`` (``home.py``), with one renderer for all
(``render.py``: Jinja2 templates and static files shipped in the package, nothing from a CDN).
"""

from tarjama.api.web import desk, home, reader, render

ROUTERS = (render.router, home.router, reader.router, desk.router)
"""The routers of the pages (not in the OpenAPI document: they answer HTML to people)."""

__all__ = ["ROUTERS"]
