"""The reader pages: ``GET /read`` (the latest articles, each with its languages),
``GET /read/{publisher_id}`` (the original, or the reader's language by ``Accept-Language``)
and ``GET /read/{publisher_id}/{lang}`` (one language; the source language is the original).

Each page is the article in its newsroom layout with the label in the page's language and its
provenance in a ``<details>``, a switcher naming every language in itself, ``<link
rel="alternate" hreflang>`` for each and ``x-default``, ``rel="canonical"``, and schema.org
``NewsArticle`` JSON-LD (``inLanguage``; a translation names the original as
``translationOfWork`` and ``isBasedOn``). The body is written by ``formats.html`` and
sanitised (links keep their own ``rel``). No script: the pages work as they are.
Open to anonymous callers unless ``anonymous_pages`` is off.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from tarjama import labels
from tarjama.api.articles.common import NewsroomDep
from tarjama.api.security import PageReader
from tarjama.api.web.render import html, page
from tarjama.config import Settings
from tarjama.errors import NotFoundError
from tarjama.formats.html import text_direction
from tarjama.model import Status
from tarjama.newsroom import Newsroom, Page
from tarjama.render import article as render_article
from tarjama.render import render
from tarjama.render.article import Made

router = APIRouter(include_in_schema=False)

_QUALITY = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$"
)


def preferred(header: str | None, available: list[str]) -> str | None:
    """The language of ``available`` the ``Accept-Language`` header prefers most (a tag
    matches its own language: ``es-ES`` takes ``es``), or None."""
    ranked: list[tuple[float, int, str]] = []
    for i, item in enumerate((header or "").split(",")):
        m = _QUALITY.match(item)
        if m is None:
            continue
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if q > 0:
            ranked.append((-q, i, m.group(1).lower()))
    for _, _, tag in sorted(ranked):
        for lang in available:
            if tag == lang.lower() or tag.split("-")[0] == lang.lower().split("-")[0]:
                return lang
    return None


_PAGES: OrderedDict[tuple[Any, ...], tuple[str, str]] = OrderedDict()
_PAGES_KEPT = 512
_PAGES_LOCK = threading.Lock()


def _rendered(
    base: str, p: Page, lang: str | None, settings: Settings, *, negotiated: bool = False
) -> tuple[str, str]:
    """The page of ``p`` in ``lang`` (see :func:`article_view`) and its language. Rendering is
    most of a page's cost, so the latest pages are kept, keyed by all they show: the article,
    its version and languages, the translation's last change and review (an approval or a
    correction changes it), the address and the labels; a stored page never changes under
    its key, and a change makes a new key, so nothing is served stale."""
    r = p.result
    key = (
        base, p.publisher_id, lang, p.number, tuple(p.languages), p.updated_at, negotiated,
        r.updated_at if r is not None else p.original.version if p.original else "",
        (r.status, r.reviewed_by) if r is not None else None,
        settings.label, tuple(sorted(settings.labels.items())),
    )  # fmt: skip
    with _PAGES_LOCK:
        found = _PAGES.get(key)
        if found is not None:
            _PAGES.move_to_end(key)
            return found
    view = article_view(base, p, lang, settings, negotiated=negotiated)
    made = (render("article.html", **view), str(view["lang"]))
    with _PAGES_LOCK:
        _PAGES[key] = made
        while len(_PAGES) > _PAGES_KEPT:
            _PAGES.popitem(last=False)
    return made


def article_view(
    base: str, p: Page, lang: str | None, settings: Settings, *, negotiated: bool = False
) -> dict[str, Any]:
    """What the article template shows: the page of ``p`` in ``lang`` (None: the original);
    ``base`` is the site's address, without the trailing slash; ``negotiated``: served at the
    article's own address by ``Accept-Language``."""
    source = p.source_language
    own = f"{base}/read/{quote(p.publisher_id, safe='')}"
    languages = [source, *(x for x in p.languages if x != source)]
    current = lang or source
    t = p.result.translation if p.result is not None else None
    article = t.article if t is not None else p.original
    assert article is not None  # a page holds the original or a translation
    made = None
    if t is not None:
        assert p.result is not None
        reviewed = t.status is Status.REVIEWED
        pv = t.provenance
        made = Made(
            labels.label_for(
                current,
                reviewed=reviewed,
                engine=f"{pv.engine} {pv.engine_version}".strip(),
                configured=settings.label,
                overrides=settings.labels,
            ),
            reviewed,
            p.result.reviewed_by or "",
            p.result.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    return render_article.article_view(
        article,
        [(x, f"{own}/{x}") for x in languages],
        current,
        made=made,
        translation=t,
        x_default=own,
        modified=p.updated_at.isoformat(),
        negotiated=negotiated,
    )


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _page(
    newsroom: Newsroom,
    publisher_id: str,
    lang: str | None,
    prefer: Callable[[list[str]], str | None] | None = None,
) -> Page | Response:
    try:
        return await run_in_threadpool(lambda: newsroom.page(publisher_id, lang, prefer))
    except NotFoundError as exc:
        return page("error.html", 404, lang="en", dir="ltr", title="Not found", message=str(exc))


@router.get("/read")
async def index(
    request: Request,
    newsroom: NewsroomDep,
    _caller: PageReader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """The latest articles, each with the languages it can be read in."""
    listed = await run_in_threadpool(lambda: newsroom.listed(limit))
    base = _base(request)
    items = []
    for item in listed:
        own = f"{base}/read/{quote(item.publisher_id, safe='')}"
        items.append(
            {
                "headline": render_article.text(item.headline),
                "lang": item.source_language,
                "dir": text_direction(item.source_language),
                "href": own,
                "updated": item.updated_at.strftime("%Y-%m-%d %H:%M"),
                "languages": render_article.alternates(
                    [(x, f"{own}/{x}") for x in item.languages], ""
                ),
            }
        )
    return page("index.html", lang="en", dir="ltr", title="tarjama", items=items)


@router.get("/read/{publisher_id}")
async def read_negotiated(
    publisher_id: str,
    request: Request,
    newsroom: NewsroomDep,
    _caller: PageReader,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The original, or its translation into the language the reader's browser prefers."""
    found = await _page(newsroom, publisher_id, None, lambda ok: preferred(accept_language, ok))
    if isinstance(found, Response):
        return found
    lang = found.result.language if found.result is not None else None
    text, lang_shown = _rendered(_base(request), found, lang, newsroom.settings, negotiated=True)
    response = html(text)
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = lang_shown
    return response


@router.get("/read/{publisher_id}/{lang}")
async def read_language(
    publisher_id: str, lang: str, request: Request, newsroom: NewsroomDep, _caller: PageReader
) -> Response:
    """The article in one language; the source language gives the original."""
    found = await _page(newsroom, publisher_id, lang)
    if isinstance(found, Response):
        return found
    text, lang_shown = _rendered(
        _base(request), found, None if found.result is None else lang, newsroom.settings
    )
    response = html(text)
    response.headers["Content-Language"] = lang_shown
    return response
