"""Where the article is in a page: its container (for the label), headline, standfirst,
byline, dateline, title and any label an earlier translation left.

- container: the first ``<article>`` with an ``<h1>``, else the first ``<article>``, else
  ``<main>``, else ``<body>``;
- headline: the first ``<h1>`` in the container, else in the page;
- standfirst / byline / dateline: the first element whose class names a standfirst (summary,
  lede, dek) / a byline (or ``rel="author"``, or ``<address>``) / a dateline, in the container
  then the page, that is not inside a paragraph-like block (a ``rel=author`` link inside a
  paragraph stays part of that paragraph); a box of paragraphs: its first one;
- kicker: the first element of class ``kicker`` (``<p class="kicker">`` above the headline).

On a whole page these are metadata of the Article; the elements stay where they are, the
headline and standfirst translated in place with the rest, the byline and dateline as written
(names in them come out mangled: the pipeline never translates them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tarjama.formats.html.source import Document, Element, words

LABEL_CLASS = "tarjama-label"
OWN_CLASS_PREFIX = "tarjama-"
_STANDFIRST = ("standfirst", "summary", "lede", "dek")
_PARA_TAGS = words("p h1 h2 h3 h4 h5 h6 li dt dd figcaption")


def no_translate(el: Element) -> bool:
    return el.get("translate").lower() == "no" or "notranslate" in el.classes()


def own(el: Element) -> bool:
    """One of tarjama's own elements (the label, the language switcher)."""
    return any(c.startswith(OWN_CLASS_PREFIX) for c in el.classes())


@dataclass
class Parts:
    container: Element | None = None
    headline: Element | None = None
    standfirst: Element | None = None
    byline: Element | None = None
    dateline: Element | None = None
    kicker: Element | None = None
    title: Element | None = None
    labels: list[Element] = field(default_factory=list)


def find_parts(doc: Document, *, page: bool) -> Parts:
    found = Parts()
    elements = list(doc.elements())
    body = next((e for e in elements if e.tag == "body"), None)
    articles = [e for e in elements if e.tag == "article"]
    container = next((a for a in articles if any(e.tag == "h1" for e in a.iter())), None)
    if container is None and articles:
        container = articles[0]
    if container is None:
        container = next((e for e in elements if e.tag == "main"), body)
    found.container = container
    scopes = [s for s in (container, body, doc.root) if s is not None]
    found.headline = next((e for s in scopes for e in s.iter() if e.tag == "h1"), None)
    found.labels = [e for e in elements if LABEL_CLASS in e.classes()]
    if page:
        found.title = next((e for e in elements if e.tag == "title"), None)
    found.standfirst = _first(
        scopes, lambda e: any(k in c for c in e.classes() for k in _STANDFIRST)
    )
    found.byline = _first(
        scopes,
        lambda e: (
            e.tag == "address"
            or "author" in e.get("rel").split()
            or any("byline" in c for c in e.classes())
        ),
    )
    found.dateline = _first(scopes, lambda e: "dateline" in e.classes())
    found.kicker = _first(scopes, lambda e: "kicker" in e.classes())
    return found


def _first(scopes: list[Element], match: Callable[[Element], bool]) -> Element | None:
    """The first element matching ``match`` that is not inside a paragraph-like block (a box
    of paragraphs: its first paragraph)."""
    seen = range(0)  # each scope holds the one before: what it held was looked at already
    for scope in scopes:
        for el in scope.iter():
            if el.index in seen:
                continue
            if (
                el.tag not in ("html", "body", "article", "main", "head", "#document")
                and match(el)
                and not own(el)
                and not _in_block(el)
                and not any(a.tag == "head" for a in el.ancestors())
            ):
                if el.tag not in _PARA_TAGS:
                    first = next((p for p in el.iter() if p.tag == "p"), None)
                    if first is not None:
                        return first
                return el
        seen = range(scope.index, scope.stop)
    return None


def _in_block(el: Element) -> bool:
    return any(a.tag in _PARA_TAGS or a.tag in ("blockquote", "figure") for a in el.ancestors())
