"""Output that cannot carry script: what the service hands readers and CMSs is sanitised (HTML
through nh3's allowlist, addresses through a scheme allowlist), HTML answers carry security
headers, and CORS is open for the LibreTranslate routes only, unless configured.

The CLI's translation of the user's own document keeps every element and attribute: only the
service sanitises. A browser rendering the service's outputs: tests/test_hostile_render.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from tarjama import formats
from tarjama.api import create_app, create_key
from tarjama.api.headers import CONTENT_POLICY, DOCS_POLICY
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.formats.feed import ATOM, CONTENT, read_feed, write_feed
from tarjama.formats.html import read_html, write_html
from tarjama.formats.ninjs import validate_ninjs
from tarjama.formats.sanitise import safe_identifier, safe_url, sanitise_html
from tarjama.pipeline import Translator

XHTML = "http://www.w3.org/1999/xhtml"
# What no sanitised output may hold: script, handlers, script-bearing schemes and elements.
FORBIDDEN = (
    "<script", "onerror", "onload", "onfocus", "onclick", "ontoggle", "javascript:", "vbscript:",
    "data:text", "<iframe", "srcdoc", "<object", "<embed", "<svg", "<math", "<style", "<form",
    "<base", "http-equiv", "alert(",
)  # fmt: skip


JSON_LD = re.compile(r'<script type="application/ld\+json">([^<]*)</script>')


def assert_clean(text: str) -> None:
    # The renderer's JSON-LD is data a browser never runs; Jinja's tojson escapes "<", ">",
    # "&" and "'" in it, so nothing in it can close the element or open another.
    for data in JSON_LD.findall(text):
        json.loads(data)
    lowered = JSON_LD.sub("", text).lower()
    for bad in FORBIDDEN:
        assert bad not in lowered, (bad, text)


def client_for(tmp_path: Path, **fields: Any) -> TestClient:
    """A CMS's client: an editor key sends articles and reads what the service hands out."""
    settings = Settings(data_dir=tmp_path / "data", targets=("es",), **fields)
    return TestClient(
        create_app(settings, engine=PseudoEngine(), job_threads=0),
        headers={"X-API-Key": create_key(settings, "cms", "editor")},
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with client_for(tmp_path) as c:
        yield c


def run_jobs(client: TestClient) -> None:
    client.app.state.worker.run_pending()  # type: ignore[attr-defined]


# --- the sanitiser --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hostile", "kept"),
    [
        ('<p>Boats <img src="x" onerror="alert(1)" alt="a boat"> back.</p>', '<img src="x"'),
        ('<p>Crews<svg onload="alert(1)"><circle r="1"/></svg> cheered.</p>', "Crews cheered."),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe><p>Text.</p>', "<p>Text.</p>"),
        ('<object data="javascript:alert(1)">fallback</object><p>Text.</p>', "<p>Text.</p>"),
        ('<embed src="data:text/html,<script>alert(1)</script>"><p>Text.</p>', "<p>Text.</p>"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="&#x6A;ava&#x0A;script&colon;alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" \x01JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "<a>x</a>"),
        (
            '<a href="https://e.org/a" onfocus="alert(1)" target="_top">x</a>',
            'href="https://e.org/a"',
        ),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        (
            '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;'
            '&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
            "",
        ),
        (
            '<form><math><mtext></form><form><mglyph><svg><mtext><textarea><path id="</textarea>'
            '<img onerror=alert(1) src=1>"></textarea></mtext></svg></mglyph></form>'
            "</mtext></math>",
            "",
        ),
        ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', ""),
        ('<details open ontoggle="alert(1)"><summary>s</summary>Words</details>', "Words"),
        ('<p style="background:url(javascript:alert(1))">Styled</p>', "<p>Styled</p>"),
        ("<style>@import 'https://e.org/x.css';</style><p>Text.</p>", "<p>Text.</p>"),
        ('<base href="javascript:alert(1)//"><a href="x">x</a>', 'href="x"'),
        ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>T</p>', "<p>T</p>"),
        ('<form action="javascript:alert(1)"><button>Go</button></form><p>T</p>', "<p>T</p>"),
        ('<p><input autofocus onfocus="alert(1)">Text</p>', "<p>Text</p>"),
        ("<template><img src=x onerror=alert(1)></template><p>T</p>", "<p>T</p>"),
        ("<xmp><img src=x onerror=alert(1)></xmp><p>T</p>", "<p>T</p>"),
    ],
)
def test_sanitiser_drops_script(hostile: str, kept: str) -> None:
    out = sanitise_html(hostile)
    assert_clean(out)
    assert kept in out


def test_sanitiser_keeps_what_an_article_needs() -> None:
    html = (
        '<div lang="es" dir="ltr"><p class="tarjama-label" data-tarjama-pair="en-es">Label</p>'
        '<h2 id="x">Head</h2><p>A <a href="/rel?q=1#f" hreflang="es">link</a>, '
        '<a href="mailto:desk@e.org">mail</a>, <em>em</em>, <q cite="https://e.org">q</q>.</p>'
        '<figure><img src="https://e.org/a.jpg" alt="A boat" width="10"><figcaption>Cap '
        '<span class="credit">AFP</span></figcaption></figure>'
        '<table><tr><td colspan="2">1</td></tr></table><ul><li>one</li></ul></div>'
    )
    out = sanitise_html(html)
    for part in (
        '<div lang="es" dir="ltr">', 'class="tarjama-label" data-tarjama-pair="en-es"',
        '<h2 id="x">', 'href="/rel?q=1#f"', 'hreflang="es"', 'href="mailto:desk@e.org"',
        "<em>em</em>", 'cite="https://e.org"', 'src="https://e.org/a.jpg"', 'alt="A boat"',
        '<span class="credit">AFP</span>', 'colspan="2"', "<li>one</li>",
    ):  # fmt: skip
        assert part in out, (part, out)


def test_sanitiser_on_a_whole_page() -> None:
    page = (
        '<!DOCTYPE html><html lang="es" dir="ltr" onload="alert(1)"><head><meta charset="utf-8">'
        '<title>Harbour &amp; port</title><meta name="tarjama-provenance" content="engine=x">'
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'
        '<base href="javascript:alert(1)//"><link rel="stylesheet" href="https://e.org/x.css">'
        "<script>alert(1)</script><style>p{}</style></head>"
        '<body class="story" onload="alert(1)"><article><h1>Harbour</h1>'
        '<p onclick="alert(1)">Text <a href="javascript:alert(1)">here</a>.</p></article></body>'
        "</html>"
    )
    out = sanitise_html(page)
    assert_clean(out)
    assert out.startswith('<!DOCTYPE html>\n<html lang="es" dir="ltr"><head><meta charset="utf-8">')
    assert "<title>Harbour &amp; port</title>" in out
    assert '<meta name="tarjama-provenance" content="engine=x">' in out
    assert '<body class="story"><article><h1>Harbour</h1><p>Text <a>here</a>' in out
    assert "<link" not in out and "stylesheet" not in out


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://e.org/a", True),
        ("//e.org/a", True),
        ("a/b.html", True),
        ("#top", True),
        ("urn:newsml:e.org:2024:1", True),
        ("tag:e.org,2024:1", True),
        ("mailto:desk@e.org", True),
        ("javascript:alert(1)", False),
        ("\u200bjavascript:alert(1)", False),
        (" \tjava\nscript:alert(1)", False),
        ("&#106;avascript:alert(1)", False),
        ("jav&#x09;ascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("blob:https://e.org/x", False),
    ],
)
def test_safe_url(url: str, safe: bool) -> None:
    assert safe_url(url) is safe


def test_an_unsafe_identifier_becomes_a_stable_urn() -> None:
    assert safe_identifier("urn:x:1") == "urn:x:1"
    urn = safe_identifier("javascript:alert(1)")
    assert urn.startswith("urn:tarjama:unsafe-uri:") and urn == safe_identifier(
        "javascript:alert(1)"
    )
    assert urn != safe_identifier("javascript:alert(2)")


# --- the headline: script is no text -------------------------------------------------------------

SCRIPTED_HEADLINE = (
    '<article><h1>Harbour<script>track("headline")</script> reopens</h1>'
    "<p>Boats are back in the harbour.</p></article>"
)


def test_script_in_a_heading_is_not_headline_text() -> None:
    article = read_html(SCRIPTED_HEADLINE)
    assert article.headline == "Harbour reopens"
    t = Translator(PseudoEngine()).translate(article, "es")
    assert "track" not in t.article.headline
    # the CLI's page keeps the script, untranslated, and the headline's words
    h1 = etree.HTML(write_html(t)).find(".//h1")
    assert h1 is not None
    assert h1.findtext("script") == 'track("headline")'
    assert "track" not in (h1.text or "") + "".join(s.tail or "" for s in h1)


def test_script_in_a_heading_reaches_no_reader(client: TestClient) -> None:
    client.put("/v1/articles/h1", content=SCRIPTED_HEADLINE, headers={"content-type": "text/html"})
    run_jobs(client)
    page = client.get("/v1/articles/h1/translations/es", params={"format": "html"}).text
    assert_clean(page)
    assert "track" not in page
    doc = client.get("/v1/articles/h1/translations/es", params={"format": "ninjs"}).json()
    assert "track" not in doc["headlines"][0]["value"]


def test_script_in_an_html_headline_of_ninjs_and_atom() -> None:
    doc = {
        "uri": "urn:x:1",
        "headlines": [{"role": "main", "contentType": "text/html",
                       "value": "Harbour <script>track('h')</script>reopens"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Boats are back."}],
    }  # fmt: skip
    assert formats.parse(json.dumps(doc), "ninjs").headline == "Harbour reopens"
    atom = (
        f'<feed xmlns="{ATOM}"><title>T</title><id>urn:f</id><updated>2026-01-01T00:00:00Z'
        '</updated><entry><title type="html">Harbour &lt;script&gt;track(1)&lt;/script&gt;'
        "reopens</title><id>urn:e</id><updated>2026-01-01T00:00:00Z</updated>"
        "<summary>Boats are back.</summary></entry></feed>"
    )
    assert read_feed(atom).articles[0].headline == "Harbour reopens"


# --- ninjs ----------------------------------------------------------------------------------------

HOSTILE_BODY = (
    '<p>The harbour <a href="jav&#x09;ascript:alert(1)" onfocus="alert(2)" tabindex="1">'
    "reopened</a> today.</p>"
    '<p>Crews <svg onload="alert(3)"><circle r="1"/></svg>cheered.</p>'
    '<iframe srcdoc="<script>alert(4)</script>"></iframe>'
    '<p>Ships <object data="data:text/html,<script>alert(5)</script>">x</object>came back.</p>'
    '<p>Gulls <img src="x" onerror="alert(6)" alt="gulls"> circled.</p>'
)
HOSTILE_NINJS = {
    "uri": "javascript:alert(7)",
    "type": "text",
    "standard": {"name": "ninjs", "version": "3.1",
                 "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"},
    "headlines": [{"role": "main", "value": "Harbour reopens"}],
    "bodies": [{"role": "main", "contentType": "text/html", "value": HOSTILE_BODY}],
    "renditions": [{"name": "web", "href": "javascript:alert(8)"}],
    "trustIndicators": [{"role": "https://e.org/role", "href": "vbscript:msgbox(9)"}],
    "associations": [{
        "name": "picture1", "uri": "urn:x:picture1", "type": "picture",
        "renditions": [{"name": "original", "href": "javascript:alert(10)"},
                       {"name": "thumb", "href": "https://e.org/a.jpg"}],
        "descriptions": [{"role": "caption", "contentType": "text/html",
                          "value": 'A boat<img src="x" onerror="alert(11)">.'}],
    }],
}  # fmt: skip


def test_ninjs_from_the_service_is_sanitised(client: TestClient) -> None:
    put = client.put(
        "/v1/articles/n1",
        content=json.dumps(HOSTILE_NINJS),
        headers={"content-type": "application/json"},
    )
    assert put.status_code == 201, put.text
    run_jobs(client)
    answer = client.get("/v1/articles/n1/translations/es", params={"format": "ninjs"})
    assert answer.status_code == 200
    assert_clean(answer.text)
    doc = answer.json()
    validate_ninjs(doc, "3")
    assert doc["uri"] == safe_identifier("javascript:alert(7)")
    assert doc["renditions"] == [{"name": "web"}]
    assert doc["trustIndicators"] == [{"role": "https://e.org/role"}]
    picture = doc["associations"][0]
    assert picture["renditions"][1] == {"name": "thumb", "href": "https://e.org/a.jpg"}
    assert "href" not in picture["renditions"][0]
    body = doc["bodies"][0]["value"]
    assert "nofollow" not in body and 'alt="' in body and "tabindex" not in body


def test_ninjs_1x_html_fields_are_sanitised(client: TestClient) -> None:
    doc = {
        "uri": "urn:x:legacy",
        "headline": "Harbour reopens",
        "body_html": HOSTILE_BODY,
        "description_html": '<p onclick="alert(1)">Boats are back.</p>',
    }
    client.put(
        "/v1/articles/n2", content=json.dumps(doc), headers={"content-type": "application/json"}
    )
    run_jobs(client)
    answer = client.get("/v1/articles/n2/translations/es", params={"format": "ninjs"})
    assert answer.status_code == 200
    assert_clean(answer.text)
    assert answer.json()["description_html"].startswith("⟦")  # translated


def test_the_cli_keeps_the_users_markup() -> None:
    """The CLI's ninjs is the user's own document translated: markup kept as it came."""
    article = formats.parse(json.dumps(HOSTILE_NINJS), "ninjs")
    t = Translator(PseudoEngine()).translate(article, "es")
    kept = formats.write(t, "ninjs")
    assert 'onfocus=\\"alert(2)\\"' in kept and json.loads(kept)["uri"] == "javascript:alert(7)"
    assert_clean(formats.write(t, "ninjs", sanitise=True))


# --- feeds ----------------------------------------------------------------------------------------

HOSTILE_RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>
<rss version="2.0" xmlns:content="{CONTENT}" xmlns:h="{XHTML}">
<channel><title>Courier</title><link>https://courier.example/</link>
<description>News &lt;img src=x onerror=alert(1)&gt; from the coast.</description>
<image><url>javascript:alert(2)</url><title>Courier</title><link>https://courier.example/</link></image>
<item><title>Harbour reopens</title><link> jav&#x09;ascript:alert(3)</link>
<guid>javascript:alert(4)</guid><comments>javascript:alert(5)</comments>
<description><![CDATA[<p>The harbour <a href="javascript:alert(6)">reopened</a> today.<img src=x onerror="alert(7)"></p>]]></description>
<content:encoded><![CDATA[<p>Crews cheered.<svg onload="alert(8)"></svg></p><iframe srcdoc="<script>alert(9)</script>"></iframe>]]></content:encoded>
<enclosure url="javascript:alert(10)" type="image/jpeg" length="1"/>
<h:body><h:p>Gulls <h:script>alert(11)</h:script>circled.</h:p></h:body>
</item>
<item><title>Second story</title><link>https://courier.example/2</link>
<description>Plain words &amp; more.</description></item>
</channel></rss>
"""  # noqa: E501
HOSTILE_ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="{ATOM}" xml:lang="en" xml:base="javascript:alert(1)//">
<title>Courier</title><id>javascript:alert(2)</id><updated>2026-01-01T00:00:00Z</updated>
<logo>javascript:alert(3)</logo>
<entry><title type="html">Harbour &lt;b onclick="alert(4)"&gt;reopens&lt;/b&gt;</title>
<id>urn:x:1</id><updated>2026-01-01T00:00:00Z</updated>
<link href="javascript:alert(5)"/><link rel="enclosure" href="https://courier.example/a.jpg"/>
<summary type="html">&lt;p onmouseover="alert(6)"&gt;The harbour reopened.&lt;/p&gt;</summary>
<content type="xhtml"><div xmlns="{XHTML}" onclick="alert(7)" class="story"><p>Crews <a href="javascript:alert(8)">cheered</a>.<script>alert(9)</script></p><svg xmlns="http://www.w3.org/2000/svg" onload="alert(10)"/></div></content>
<author><name>Desk</name><uri>javascript:alert(11)</uri></author></entry>
<entry><title>Second</title><id>urn:x:2</id><updated>2026-01-01T00:00:00Z</updated>
<content type="image/svg+xml"><svg xmlns="http://www.w3.org/2000/svg" onload="alert(12)"/></content>
<summary>Plain words here.</summary></entry>
</feed>
"""  # noqa: E501


def _feed_root(text: str) -> etree._Element:
    return etree.fromstring(text.split("\n", 2)[2].encode())


def test_rss_from_the_service_is_sanitised(client: TestClient) -> None:
    answer = client.post("/v1/feeds/translate?target=es", content=HOSTILE_RSS.encode())
    assert answer.status_code == 200, answer.text
    assert "<?xml-stylesheet" not in answer.text
    root = _feed_root(answer.text)
    channel = root.find("channel")
    assert channel is not None and channel.findtext("link") == "https://courier.example/"
    assert channel.find("image/url") is None
    first, second = channel.findall("item")
    assert first.find("link") is None and first.find("comments") is None
    guid, enclosure, xhtml = (
        first.find("guid"),
        first.find("enclosure"),
        first.find(f"{{{XHTML}}}div"),
    )
    assert guid is not None and guid.get("isPermaLink") == "false"  # no longer a link
    assert enclosure is not None and enclosure.get("url") is None
    assert xhtml is not None and "Gulls" in "".join(xhtml.itertext())
    assert second.findtext("link") == "https://courier.example/2"
    for field in (
        channel.findtext("description", ""),
        first.findtext("description", ""),
        first.findtext(f"{{{CONTENT}}}encoded", ""),
        etree.tostring(xhtml, encoding="unicode"),
    ):
        assert_clean(field)
    assert "reopened" not in first.findtext("description", "")  # translated, and sanitised
    assert "<a>ŕéøpéñéð~~~</a>" in first.findtext("description", "")


def test_atom_from_the_service_is_sanitised(client: TestClient) -> None:
    answer = client.post("/v1/feeds/translate?target=es", content=HOSTILE_ATOM.encode())
    assert answer.status_code == 200, answer.text
    assert_clean(answer.text.replace("javascript:alert(", "").replace("alert(", ""))
    root = _feed_root(answer.text)
    a = f"{{{ATOM}}}"
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") is None
    assert root.findtext(f"{a}id") == safe_identifier("javascript:alert(2)")
    assert root.find(f"{a}logo") is None
    first, second = root.findall(f"{a}entry")
    assert [link.get("href") for link in first.findall(f"{a}link")] == [
        "https://courier.example/a.jpg"
    ]
    assert first.find(f"{a}author/{a}uri") is None
    assert_clean(first.findtext(f"{a}title", "") + first.findtext(f"{a}summary", ""))
    div = first.find(f"{a}content/{{{XHTML}}}div")
    assert div is not None and div.get("onclick") is None
    assert_clean(etree.tostring(div, encoding="unicode"))
    assert len(second.findall(f"{a}content/*")) == 0  # inline SVG: gone
    assert "javascript" not in answer.text


def test_the_cli_keeps_the_feed_as_it_was() -> None:
    feed = read_feed(HOSTILE_ATOM)
    done = Translator(PseudoEngine()).translate_many(feed.articles, "es")
    assert 'href="javascript:alert(5)"' in write_feed(feed, done)
    assert "javascript" not in write_feed(feed, done, sanitise=True)


def test_the_feed_of_stored_translations_has_no_unsafe_link(client: TestClient) -> None:
    page = (
        '<html><head><link rel="canonical" href="javascript:alert(1)"></head><body><article>'
        '<h1>Harbour reopens</h1><p onclick="alert(2)">Boats <svg onload="alert(3)"></svg>'
        "are back.</p></article></body></html>"
    )
    client.put("/v1/articles/h2", content=page, headers={"content-type": "text/html"})
    run_jobs(client)
    answer = client.get("/v1/feeds/es")
    assert answer.status_code == 200
    item = _feed_root("\n" + answer.text).find("channel/item")
    assert item is not None and item.find("link") is None
    assert_clean(answer.text)


# --- headers --------------------------------------------------------------------------------------


def test_security_headers(client: TestClient) -> None:
    client.put(
        "/v1/articles/h3", content="<p>Boats are back.</p>", headers={"content-type": "text/html"}
    )
    run_jobs(client)
    for response in (
        client.get("/v1/articles/h3/translations/es", params={"format": "html"}),
        client.get("/health"),
        client.get("/v1/articles/nobody"),  # an error answer too
        client.post("/v1/translate", content=b"x" * 2_000_000),  # refused before routing
    ):
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_POLICY, response.url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in CONTENT_POLICY and "script-src" not in CONTENT_POLICY
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-security-policy"] == DOCS_POLICY


# --- CORS -----------------------------------------------------------------------------------------

PREFLIGHT = {
    "origin": "https://reader.example",
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
}


def test_cors_open_for_libretranslate_closed_elsewhere(client: TestClient) -> None:
    for path in ("/translate", "/detect"):
        preflight = client.options(path, headers=PREFLIGHT)
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "POST" in preflight.headers["access-control-allow-methods"]
    answer = client.post(
        "/translate",
        json={"q": "Hello.", "source": "en", "target": "es"},
        headers={"origin": "https://reader.example"},
    )
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    languages = client.get("/languages", headers={"origin": "https://reader.example"})
    assert languages.headers["access-control-allow-origin"] == "*"
    # tarjama's own API: no CORS headers, so a page on another origin cannot read it
    own = client.post(
        "/v1/translate",
        json={"text": "Hello.", "target": "es"},
        headers={"origin": "https://reader.example"},
    )
    assert own.status_code == 200 and "access-control-allow-origin" not in own.headers
    preflight = client.options("/v1/translate", headers=PREFLIGHT)
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_origins_are_settings(tmp_path: Path) -> None:
    settings = Settings.load(
        environ={
            "TARJAMA_DATA_DIR": str(tmp_path / "data"),
            "TARJAMA_CORS_ORIGINS": "https://cms.example, https://desk.example",
            "TARJAMA_LIBRETRANSLATE_CORS_ORIGINS": "",
        }
    )
    assert settings.cors_origins == ("https://cms.example", "https://desk.example")
    assert settings.libretranslate_cors_origins == ()
    app = create_app(settings, engine=PseudoEngine(), job_threads=0)
    with TestClient(app) as client:
        allowed = client.options(
            "/v1/translate", headers={**PREFLIGHT, "origin": "https://cms.example"}
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://cms.example"
        assert "PUT" in allowed.headers["access-control-allow-methods"]
        refused = client.options("/v1/translate", headers=PREFLIGHT)
        assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
        closed = client.post(
            "/translate",
            json={"q": "Hello.", "source": "en", "target": "es"},
            headers={"origin": "https://reader.example"},
        )
        assert closed.status_code == 200 and "access-control-allow-origin" not in closed.headers


def test_html_from_the_service_keeps_each_links_rel(client: TestClient) -> None:
    """``?format=html``: a link keeps the rel its author gave it and gains no ``nofollow``;
    what is unsafe still goes."""
    body = (
        '<p>Crews <a href="https://e.org/council" rel="author">met</a> the '
        '<a href="https://e.org/port">port</a> staff <a href="javascript:alert(1)">here</a>'
        '<img src="x" onerror="alert(2)" alt="a boat">.</p><script>alert(3)</script>'
    )
    for number, content, kind in (
        ("r1", body, "text/html"),
        ("r2", json.dumps({"uri": "urn:x:r2", "headline": "Port", "body_html": body}),
         "application/json"),
    ):  # fmt: skip
        put = client.put(f"/v1/articles/{number}", content=content, headers={"content-type": kind})
        assert put.status_code == 201, put.text
        run_jobs(client)
        answer = client.get(f"/v1/articles/{number}/translations/es", params={"format": "html"})
        assert answer.status_code == 200
        assert_clean(answer.text)
        assert "nofollow" not in answer.text and "noopener" not in answer.text
        # the article's own links (a rendered page adds its switcher's and the home link)
        links = etree.HTML(answer.text).xpath(".//a[starts-with(@href, 'https://e.org')]")
        assert [(a.get("href"), a.get("rel")) for a in links] == [
            ("https://e.org/council", "author"), ("https://e.org/port", None)]  # fmt: skip
        if kind == "application/json":  # a page of the renderer keeps its head
            head = etree.HTML(answer.text).find("head")
            assert head is not None
            assert head.xpath("link[@rel='stylesheet']/@href") == ["/static/tarjama.css"]
            assert client.get("/static/tarjama.css").status_code == 200
            ld = head.xpath("script[@type='application/ld+json']/text()")
            assert json.loads(ld[0])["inLanguage"] == "es"
