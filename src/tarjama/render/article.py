"""The newsroom page of an article or of one of its translations: what the reader pages
(``GET /read/...``), ``tarjama demo`` and the CLI's HTML of an article show.

The article in its newsroom layout (kicker, headline, standfirst, byline, dateline, body, figures)
with the label in the page's language and its provenance in a ``<details>``, a switcher
naming every language in itself, ``<link rel="alternate" hreflang>`` for each and
``x-default``, ``rel="canonical"``, and schema.org ``NewsArticle`` JSON-LD (``inLanguage``; a
translation names the original as ``translationOfWork`` and ``isBasedOn``). The body is
written by ``formats.html`` and sanitised (links keep their own ``rel``); ``dir`` follows
the language. Where a page's addresses lead is the caller's: the service's own URLs, the
demo's file names, or none for a single file (a language without an address is named, not
linked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from tarjama import inline, labels
from tarjama.formats.html import blocks_to_html, language_name, provenance_text, text_direction
from tarjama.formats.sanitise import sanitise_fragment
from tarjama.model import Article, Status, Translation
from tarjama.render import render, static_file


@dataclass(frozen=True)
class Alternate:
    """One language of an article, as the switcher and the head's links show it."""

    lang: str
    name: str
    dir: str
    href: str
    current: bool


def alternates(links: Sequence[tuple[str, str]], current: str) -> list[Alternate]:
    """``links`` (language, address; the original first) as the switcher's entries."""
    return [
        Alternate(lang, language_name(lang), text_direction(lang), href, lang == current)
        for lang, href in links
    ]


def text(escaped: str) -> str:
    """A field of the article (escaped text with inline tags) as plain text."""
    return inline.plain(escaped) if escaped else ""


def body_html(article: Article) -> Markup:
    """The article's body as safe HTML: written by ``formats.html``, then sanitised (without
    the page's metadata and the blocks that repeat the headline or standfirst, which the page
    shows apart)."""
    return Markup(sanitise_fragment(blocks_to_html(article.prose())))


def description(article: Article) -> str:
    """The page's meta description: the standfirst, else the first paragraph, shortened."""
    found = text(article.standfirst) or next(
        (text(b.text) for b in article.body if b.text and b.kind == "paragraph"), ""
    )
    return found if len(found) <= 200 else found[:197].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Made:
    """Who made a translation and when, for its label and provenance."""

    label: str
    reviewed: bool = False
    reviewed_by: str = ""
    made: str = ""


def article_view(
    article: Article,
    links: Sequence[tuple[str, str]],
    lang: str,
    *,
    made: Made | None = None,
    translation: Translation | None = None,
    x_default: str | None = None,
    modified: str = "",
    body: Markup | None = None,
    negotiated: bool = False,
) -> dict[str, Any]:
    """What ``article.html`` shows: ``article`` in ``lang``; ``links`` are the article's
    languages with their addresses, the original first (an address may be empty: not known);
    ``translation`` and ``made`` for a translation, None for the original; ``x_default``: the
    article's own address (default: the original's); ``body``: the body already made."""
    source = links[0][0] if links else article.source_language
    switcher = alternates(links, lang)
    own = {a.lang: a.href for a in switcher}
    canonical = own.get(lang, "")
    default = x_default if x_default is not None else own.get(source, "")
    view: dict[str, Any] = {
        "lang": lang,
        "dir": text_direction(lang),
        "w": labels.words(lang),
        "headline": text(article.headline),
        "kicker": text(article.kicker),
        "standfirst": text(article.standfirst),
        "byline": text(article.byline),
        "dateline": text(article.dateline),
        "body": body if body is not None else body_html(article),
        "description": description(article),
        "canonical": canonical,
        "x_default": default,
        "alternates": switcher,
        "original": None,
        "label": None,
        "reviewed": False,
        "about": [],
        "title": text(article.headline),
        "negotiated": negotiated,
        "provenance_meta": "",
        "properties": [
            (name, value)
            for name, value in (
                ("og:site_name", text(article.site)),
                ("og:image", article.image),
                ("article:published_time", article.published),
                ("article:modified_time", article.updated),
            )
            if value
        ],
    }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": view["headline"],
        "inLanguage": lang,
    }
    if canonical:
        data["url"] = canonical
    if view["description"]:
        data["description"] = view["description"]
    if article.published:
        data["datePublished"] = article.published
    if modified:
        data["dateModified"] = modified
    if view["byline"]:
        data["author"] = {"@type": "Person", "name": view["byline"]}
    if translation is None:
        others = [a for a in switcher if not a.current and a.href]
        if others:
            data["workTranslation"] = [
                {"@type": "NewsArticle", "url": a.href, "inLanguage": a.lang} for a in others
            ]
    else:
        made = made or Made(translation.label, translation.status is Status.REVIEWED)
        pv = translation.provenance
        engine = f"{pv.engine} {pv.engine_version}".strip()
        w = view["w"]
        view["original"] = next((a for a in switcher if a.lang == source), None)
        view["label"] = made.label
        view["reviewed"] = made.reviewed
        view["about"] = [
            (w.engine, engine + (f" ({pv.model})" if pv.model and pv.model != pv.engine else "")),
            *([(w.reviewed_by, made.reviewed_by)] if made.reviewed and made.reviewed_by else []),
            (w.made, made.made or pv.created),
        ]
        view["provenance"] = pv
        view["provenance_meta"] = provenance_text(pv)
        original: dict[str, Any] = {"@type": "NewsArticle", "inLanguage": source}
        if own.get(source):
            original["url"] = own[source]
            data["isBasedOn"] = own[source]
        data["translationOfWork"] = original
        data["translator"] = {"@type": "SoftwareApplication", "name": engine}
        if made.reviewed and made.reviewed_by:
            data["editor"] = {"@type": "Person", "name": made.reviewed_by}
    view["jsonld"] = data
    return view


def translation_page(
    t: Translation,
    links: Sequence[tuple[str, str]] | None = None,
    *,
    static: str | None = None,
    home: str = "",
) -> str:
    """A whole page for the translation ``t``, on its own (the CLI's HTML of an article):
    ``links`` to its languages (default: the original at its canonical address, if it has
    one, and this one); the stylesheet inline unless ``static`` names its folder."""
    a = t.article
    if links is None:
        links = [(t.provenance.source_language, a.canonical_url), (t.language, "")]
    view = article_view(a, links, t.language, translation=t)
    return page(view, static=static, home=home)


def original_page(
    article: Article,
    links: Sequence[tuple[str, str]],
    *,
    static: str | None = None,
    home: str = "",
) -> str:
    """A whole page for the original ``article`` (see :func:`translation_page`)."""
    return page(article_view(article, links, article.source_language), static=static, home=home)


def page(view: dict[str, Any], *, static: str | None = None, home: str = "") -> str:
    """``article.html`` for ``view``: the stylesheet under ``static`` or, without, inline."""
    css = Markup((static_file("tarjama.css") or b"").decode()) if static is None else ""
    return render("article.html", **view, css=css, static=static or "", home=home)
