"""Hostile articles and feeds, as the service hands them out, rendered in a real headless Chromium
the way a CMS or a feed reader renders them: no script from the source runs.

Playwright drives Debian's Chromium (``executable_path``: no browser is downloaded). A server
on 127.0.0.1 serves each rendering; the browser answers its canary address itself, and refuses
every other address, so nothing leaves the machine. Each payload, if it ran, would request
``/canary/<name>``, open a dialog saying its name and push its name onto ``top.__pwned``; the
test watches all three, in every frame of the page.

A CMS renders ninjs as its templates do: HTML values (bodies, descriptions, headlines of type
text/html, ``body_html``) inserted as they are, text as text, addresses (``uri``, rendition
``href``) as links and pictures. A feed reader renders an item's content as HTML, its title as
text or HTML by its type, its ``<link>`` and other addresses as links. Each rendering is also
parsed a second time (its content serialised by the browser and set as ``innerHTML`` again: a
round trip, where mutation XSS lives), and every link a browser would not simply follow to
another page (any scheme but http(s), mailto, tel, urn, tag) is clicked.

The control: the hostile source documents rendered the same way run every live payload, so the
harness does see script run when there is script to run.
"""

from __future__ import annotations

import copy
import html
import http.server
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from tarjama.api import create_app, create_key
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.formats.feed import ATOM, CONTENT

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (scripts/test installs it)"
)

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
FOLLOWED = ("http:", "https:", "mailto:", "tel:", "urn:", "tag:")
INIT = "window.__pwned = []; window.__clicks = 0;"
# The trusted part of the harness: a sentinel link (javascript: URLs of one frame run in order,
# so once the sentinel's has run, the link clicked before it has had its turn), and the links
# to click marked.
MARK_LINKS = """followed => {
  const sentinel = document.createElement("a");
  sentinel.id = "__sentinel"; sentinel.href = "javascript:window.__clicks++"; sentinel.text = ".";
  document.body.prepend(sentinel);
  const risky = [...document.querySelectorAll("a[href]")]
    .filter(a => a !== sentinel && !followed.includes(a.protocol));
  risky.forEach((a, i) => a.setAttribute("data-click", i));
  return risky.map(a => a.protocol);
}"""
CLICK = """i => {
  document.querySelector(`[data-click="${i}"]`).click();
  document.getElementById("__sentinel").click();
}"""
# The round trip: what the browser built, serialised and parsed again; resolves when its
# pictures have loaded or failed (listeners added, so no handler of the page is replaced).
ROUND_TRIP = """() => {
  const copy = document.createElement("div");
  copy.innerHTML = document.body.innerHTML;
  document.body.append(copy);
  const waits = [...copy.querySelectorAll("img[src]")].filter(i => !i.complete).map(
    i => new Promise(done => { i.addEventListener("load", done); i.addEventListener("error", done); }));
  return Promise.all(waits).then(() => new Promise(done => setTimeout(done, 0)));
}"""  # noqa: E501


# --- the canary server ----------------------------------------------------------------------------


class Canary:
    """Serves the pages put in ``pages``; the canary address under it is answered in the
    browser (see ``browser``), which records who asked."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = canary.pages.get(self.path)
                body = (page or "").encode()
                self.send_response(200 if page is not None else 404)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def js(self, name: str) -> str:
        """What a payload runs: a request, a dialog and a mark, each naming it."""
        request = f"new Image().src='{self.base}/canary/{name}'"
        return f"{request};alert('{name}');top.__pwned.push('{name}')"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


@dataclass
class Seen:
    """What ran while a page was rendered."""

    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    """Canary requests the page (any of its frames) made, as the browser reports them..."""
    answered: list[str] = field(default_factory=list)
    """...and as they reached the canary address."""
    pwned: list[str] = field(default_factory=list)
    risky_links: list[str] = field(default_factory=list)

    @property
    def ran(self) -> set[str]:
        return set(self.dialogs) | set(self.requests) | set(self.answered) | set(self.pwned)


@pytest.fixture(scope="module")
def browser(canary: Canary) -> Iterator[Callable[[str, str, bool], Seen]]:
    """render(name, page, round_trip): the page served at /name, loaded, its risky links
    clicked; what ran."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = chromium.new_context()
        context.add_init_script(INIT)
        # nothing leaves the machine: any address but the canary server's is refused
        context.route(lambda url: not url.startswith(canary.base), lambda route: route.abort())

        def render(name: str, page_html: str, round_trip: bool) -> Seen:
            canary.pages[f"/{name}"] = page_html
            seen = Seen()
            page = context.new_page()
            page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
            page.on(
                "request",
                lambda r: (
                    seen.requests.append(r.url.rsplit("/", 1)[-1])
                    if r.url.startswith(f"{canary.base}/canary/")
                    else None
                ),
            )

            def answer(route: Any) -> None:
                seen.answered.append(route.request.url.rsplit("/", 1)[-1])
                route.fulfill(status=204)

            page.route(f"{canary.base}/canary/**", answer)
            page.goto(f"{canary.base}/{name}")  # until the load event: pictures, frames, objects
            page.evaluate("() => new Promise(done => setTimeout(done, 0))")
            if round_trip:
                page.evaluate(ROUND_TRIP)
            seen.risky_links = page.evaluate(MARK_LINKS, list(FOLLOWED))
            for i in range(len(seen.risky_links)):
                page.evaluate(CLICK, i)
                page.wait_for_function("n => window.__clicks >= n", arg=i + 1)
            seen.pwned = page.evaluate("window.__pwned")
            page.close()
            return seen

        yield render
        chromium.close()


# --- how a CMS and a feed reader render -----------------------------------------------------------


def _page(
    title: str, links: list[str], pictures: list[str], texts: list[str], markup: list[str]
) -> str:
    """A page as a CMS's template writes it: addresses into href and src, text escaped, HTML
    values inserted as they are (last: a raw-text element left open swallows what follows)."""
    head = f"<meta charset='utf-8'><title>{html.escape(title)}</title>"
    parts = [f"<!DOCTYPE html><html><head>{head}</head><body><nav>"]
    parts += [f'<a href="{html.escape(url)}">link</a> ' for url in links]
    parts += ["</nav>"] + [f'<img src="{html.escape(url)}" alt="">' for url in pictures]
    parts += [f"<p>{html.escape(text)}</p>" for text in texts]
    parts += [f"<section>{value}</section>" for value in markup]
    return "".join(parts) + "</body></html>"


def cms_page(doc: dict[str, Any]) -> str:
    """A ninjs document as a CMS shows it."""
    links: list[str] = []
    pictures: list[str] = []
    texts: list[str] = []
    markup: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, dict):
            kind = str(node.get("contentType", node.get("contenttype", ""))).lower()
            for name, value in node.items():
                if name == "value" and isinstance(value, str):
                    (markup if "html" in kind else texts).append(value)
                elif name.lower() in ("body_html", "description_html") and isinstance(value, str):
                    markup.append(value)
                elif name.lower() in ("uri", "href", "url") and isinstance(value, str):
                    links.append(value)
                    if key == "renditions":
                        pictures.append(value)
                else:
                    walk(value, name)

    walk(doc)
    return _page("ninjs", links, pictures, texts, markup)


def reader_page(feed: str) -> str:
    """An RSS or Atom feed as a feed reader shows it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(feed.split("?>", 1)[-1].encode(), parser)
    links: list[str] = []
    texts: list[str] = []
    markup: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el)
        text = el.text or ""
        if (name.namespace, name.localname) in ((None, "description"), (CONTENT, "encoded")):
            markup.append(text)
        elif name.namespace is None and name.localname in ("link", "comments", "url"):
            links.append(text.strip())
        elif name.namespace is None and name.localname == "guid":
            if el.get("isPermaLink", "true") != "false":
                links.append(text.strip())
        elif name.namespace is None and name.localname == "title":
            texts.append(text)
        elif name.namespace is None and name.localname == "enclosure" and el.get("url"):
            links.append(el.get("url", ""))
        elif name.namespace == ATOM:
            kind = el.get("type", "text")
            if el.get("href") is not None:
                links.append(el.get("href", ""))
            if name.localname == "uri":
                links.append(text.strip())
            elif name.localname in ("title", "summary", "content", "subtitle"):
                if kind == "html":
                    markup.append(text)
                elif kind == "xhtml":
                    markup.append(_inner_xhtml(el))
                else:
                    texts.append(text)
    return _page("feed", links, [], texts, markup)


def _inner_xhtml(el: etree._Element) -> str:
    """An Atom xhtml field's markup as a reader puts it into a page: the div's content."""
    div = el.find(f"{{{XHTML}}}div")
    if div is None:
        return ""
    div = copy.deepcopy(div)
    for node in div.iter():
        if isinstance(node.tag, str) and node.tag.startswith(f"{{{XHTML}}}"):
            node.tag = node.tag[len(XHTML) + 2 :]
    etree.cleanup_namespaces(div)
    out = [html.escape(div.text or "", quote=False)]
    out += [etree.tostring(child, method="html", encoding="unicode") for child in div]
    return "".join(out)


# --- the hostile documents ------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    name: str
    markup: str
    live: bool = True
    """Whether it runs where it is written (a mutation XSS only runs after a sanitiser's parse
    and serialisation changed it)."""


# Closes what a mutation payload opened, so that the rest of a page is read as it was written.
CLOSE_MATH = "</style></mglyph></table></mtext></math>"


def body_payloads(c: Canary, prefix: str) -> list[Payload]:
    def js(name: str) -> str:
        return c.js(f"{prefix}-{name}")

    return [
        Payload(f"{prefix}-img", f'<p>Gulls <img src="x" onerror="{js("img")}"> circled.</p>'),
        Payload(f"{prefix}-svg", f'<p>Crews <svg onload="{js("svg")}"></svg>cheered.</p>'),
        Payload(f"{prefix}-svg-script", f"<svg><script>{js('svg-script')}</script></svg>"),
        Payload(f"{prefix}-iframe", f'<iframe srcdoc="<script>{js("iframe")}</script>"></iframe>'),
        Payload(
            f"{prefix}-object",
            f'<object data="data:text/html,<script>{js("object")}</script>"></object>',
        ),
        Payload(f"{prefix}-embed", f'<embed src="data:text/html,<script>{js("embed")}</script>">'),
        Payload(
            f"{prefix}-details",
            f'<details open ontoggle="{js("details")}"><summary>More</summary>Boats.</details>',
        ),
        Payload(f"{prefix}-video", f'<video><source onerror="{js("video")}"></video>'),
        Payload(f"{prefix}-script", f"<script>{js('script')}</script>"),
        Payload(
            f"{prefix}-links",
            f'<p>Read <a href="javascript:{js("links")}">the plan</a> today.</p>',
        ),
        Payload(
            f"{prefix}-tab",
            f'<p>Read <a href="jav&#x09;ascript:{js("tab")}">the plan</a> now.</p>',
        ),
        Payload(
            f"{prefix}-entity",
            f'<p>Read <a href="&#106;avascript:{js("entity")}">the budget</a> here.</p>',
        ),
        Payload(
            f"{prefix}-case",
            f'<p>Read <a href=" &#x09;JaVaScRiPt:{js("case")}">the report</a> there.</p>',
        ),
        Payload(
            f"{prefix}-noscript",
            f'<noscript><p title="</noscript><img src=x onerror={js("noscript")}>"></noscript>',
            live=False,
        ),
        Payload(
            f"{prefix}-mxss",
            '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;'
            f'&lt;img src=1 onerror={html.escape(js("mxss"))}&gt;">{CLOSE_MATH}',
            live=False,
        ),
        Payload(
            f"{prefix}-math",
            f'<math><mtext><table><mglyph><style><img src=x onerror="{js("math")}">{CLOSE_MATH}',
            live=False,
        ),
    ]


def hostile_ninjs(c: Canary) -> tuple[dict[str, Any], set[str]]:
    body = body_payloads(c, "ninjs")
    doc = {
        "uri": f"javascript:{c.js('ninjs-uri')}",
        "type": "text",
        "headlines": [{"role": "main", "contentType": "text/html",
                       "value": f'Harbour <img src=x onerror="{c.js("ninjs-headline")}"> reopens'}],
        "descriptions": [{"role": "summary", "contentType": "text/html",
                          "value": f'<p>Boats <svg onload="{c.js("ninjs-standfirst")}"></svg>'
                                   "are back.</p>"}],
        "bodies": [{"role": "main", "contentType": "text/html",
                    "value": "".join(p.markup for p in body)}],
        "renditions": [{"name": "web", "href": f"javascript:{c.js('ninjs-rendition')}"}],
        "associations": [{
            "name": "picture1", "uri": f"javascript:{c.js('ninjs-picture-uri')}",
            "type": "picture",
            "renditions": [{"name": "original", "href": f"javascript:{c.js('ninjs-picture')}"}],
            "descriptions": [{"role": "caption", "contentType": "text/html",
                              "value": f'A boat<img src="x" onerror="{c.js("ninjs-caption")}">.'}],
        }],
    }  # fmt: skip
    live = {p.name for p in body if p.live} | {
        "ninjs-uri", "ninjs-headline", "ninjs-standfirst", "ninjs-rendition",
        "ninjs-picture-uri", "ninjs-picture", "ninjs-caption",
    }  # fmt: skip
    return doc, live


def hostile_ninjs_1(c: Canary) -> tuple[dict[str, Any], set[str]]:
    """ninjs 1.x: HTML in ``body_html`` and ``description_html``."""
    body = body_payloads(c, "legacy")
    doc = {
        "uri": f"javascript:{c.js('legacy-uri')}",
        "headline": "Harbour reopens",
        "description_html": f'<p>Boats <img src=x onerror="{c.js("legacy-standfirst")}"> back.</p>',
        "body_html": "".join(p.markup for p in body),
    }
    return doc, {p.name for p in body if p.live} | {"legacy-uri", "legacy-standfirst"}


def hostile_rss(c: Canary) -> tuple[str, set[str]]:
    body = body_payloads(c, "rss")
    feed = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="{CONTENT}"><channel><title>Courier</title>
<link>{c.base}/</link><description>News from the coast.</description>
<item><title>Harbour reopens</title><link>javascript:{c.js("rss-link")}</link>
<guid>javascript:{c.js("rss-guid")}</guid><comments> jav&#x09;ascript:{c.js("rss-comments")}</comments>
<description><![CDATA[<p>The harbour reopened.<img src=x onerror="{c.js("rss-description")}"></p>]]></description>
<content:encoded><![CDATA[{"".join(p.markup for p in body)}]]></content:encoded>
<enclosure url="javascript:{c.js("rss-enclosure")}" type="image/jpeg" length="1"/>
</item></channel></rss>
"""  # noqa: E501
    names = {p.name for p in body if p.live} | {
        "rss-link", "rss-guid", "rss-comments", "rss-description", "rss-enclosure",
    }  # fmt: skip
    return feed, names


def hostile_atom(c: Canary) -> tuple[str, set[str]]:
    escaped = html.escape
    feed = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="{ATOM}" xml:lang="en"><title>Courier</title><id>urn:courier</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title type="html">{escaped(f'Harbour <img src="x" onerror="{c.js("atom-title")}"> reopens')}</title>
<id>urn:courier:1</id><updated>2026-01-01T00:00:00Z</updated>
<link href="javascript:{c.js("atom-link")}"/>
<summary type="html">{escaped(f'<p>Boats are back.<img src="x" onerror="{c.js("atom-summary")}"></p>')}</summary>
<content type="xhtml"><div xmlns="{XHTML}"><p>Crews <a href="javascript:{c.js("atom-xhtml-link")}">cheered</a>.</p>
<p>Gulls <img src="x" onerror="{c.js("atom-xhtml-img")}"/> circled.</p><script>{c.js("atom-xhtml-script")}</script>
<svg xmlns="{SVG}" onload="{c.js("atom-xhtml-svg")}"/></div></content>
<author><name>Desk</name><uri>javascript:{c.js("atom-author")}</uri></author></entry></feed>
"""  # noqa: E501
    names = {
        "atom-title", "atom-link", "atom-summary", "atom-xhtml-link", "atom-xhtml-img",
        "atom-xhtml-script", "atom-xhtml-svg", "atom-author",
    }  # fmt: skip
    return feed, names


def hostile_page(c: Canary) -> tuple[str, set[str]]:
    body = body_payloads(c, "page")
    page = (
        "<!DOCTYPE html><html><head><title>Harbour</title></head>"
        f'<body onload="{c.js("page-body")}">'
        f"<article><h1>Harbour<script>{c.js('page-headline')}</script> reopens</h1>"
        '<p class="standfirst">Boats are back.</p>'
        f"{''.join(p.markup for p in body)}</article></body></html>"
    )
    return page, {p.name for p in body if p.live} | {"page-body", "page-headline"}


# --- the test -------------------------------------------------------------------------------------


def test_no_script_of_the_source_runs_where_its_translation_is_shown(
    tmp_path: Path, canary: Canary, browser: Callable[[str, str, bool], Seen]
) -> None:
    ninjs, ninjs_live = hostile_ninjs(canary)
    legacy, legacy_live = hostile_ninjs_1(canary)
    rss, rss_live = hostile_rss(canary)
    atom, atom_live = hostile_atom(canary)
    page, page_live = hostile_page(canary)
    snippet = "".join(p.markup for p in body_payloads(canary, "adhoc"))

    # the control: the sources, shown the same way, run every live payload
    ran: set[str] = set()
    for name, shown in (
        ("source-ninjs", cms_page(ninjs)),
        ("source-ninjs-1", cms_page(legacy)),
        ("source-rss", reader_page(rss)),
        ("source-atom", reader_page(atom)),
        ("source-page", page),
    ):
        ran |= browser(name, shown, False).ran
    live = ninjs_live | legacy_live | rss_live | atom_live | page_live
    assert ran >= live, sorted(live - ran)

    settings = Settings(data_dir=tmp_path / "data", targets=("es",))
    cms = {"X-API-Key": create_key(settings, "cms", "editor")}
    with TestClient(
        create_app(settings, engine=PseudoEngine(), job_threads=0), headers=cms
    ) as client:
        json_type = {"content-type": "application/json"}
        for publisher_id, body, content_type in (
            ("n1", json.dumps(ninjs), json_type),
            ("n2", json.dumps(legacy), json_type),
            ("h1", page, {"content-type": "text/html"}),
        ):
            put = client.put(f"/v1/articles/{publisher_id}", content=body, headers=content_type)
            assert put.is_success, put.text
        client.app.state.worker.run_pending()  # type: ignore[attr-defined]
        out_ninjs = client.get("/v1/articles/n1/translations/es", params={"format": "ninjs"})
        out_legacy = client.get("/v1/articles/n2/translations/es", params={"format": "ninjs"})
        out_page = client.get("/v1/articles/h1/translations/es", params={"format": "html"})
        out_rss = client.post("/v1/feeds/translate?target=es", content=rss.encode())
        out_atom = client.post("/v1/feeds/translate?target=es", content=atom.encode())
        out_feed = client.get("/v1/feeds/es")
        out_v1 = client.post("/v1/translate", json={"html": snippet, "target": "es"})
        out_libre = client.post(
            "/translate", json={"q": snippet, "source": "en", "target": "es", "format": "html"}
        )
    answers = (out_ninjs, out_legacy, out_page, out_rss, out_atom, out_feed, out_v1, out_libre)
    assert [a.status_code for a in answers] == [200] * len(answers), [a.text for a in answers]
    assert all("⟦" in a.text for a in answers)  # translated, not refused

    shown = {
        "ninjs": cms_page(out_ninjs.json()),
        "ninjs-1": cms_page(out_legacy.json()),
        "page": out_page.text,
        "rss": reader_page(out_rss.text),
        "atom": reader_page(out_atom.text),
        "stored-feed": reader_page(out_feed.text),
        "v1-translate": _page("v1", [], [], [], [out_v1.json()["translations"][0]["content"]]),
        "libretranslate": _page("lt", [], [], [], [out_libre.json()["translatedText"]]),
    }
    for name, shown_page in shown.items():
        seen = browser(name, shown_page, True)
        assert seen.ran == set(), (name, seen)
        assert seen.risky_links == [], (name, seen.risky_links)
