"""The pages people use in a browser, served by the service itself: the reader pages.

Over HTTP (TestClient) for what a page says: the label in the page's language, provenance,
language links, JSON-LD, ``Accept-Language``. In a real headless Chromium (Debian's, driven by
Playwright: no browser is downloaded) for what a reader sees: the stylesheet applied under the
page's Content-Security-Policy, a right-to-left page mirrored (from the boxes Chromium laid
out), and the page whole with JavaScript off. The server is a real uvicorn on 127.0.0.1; the
browser refuses every other address.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from tarjama import labels
from tarjama.api import create_app, create_key
from tarjama.api.web.reader import preferred
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import ConfigError
from tests.test_libretranslate import _free_port, _Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

PAGE = (
    b"<html><head><title>Council meets | The Courier</title></head><body><article>"
    b"<h1>Council meets</h1><p class='standfirst'>The budget passed.</p>"
    b"<p class='byline'>By Ana Ruiz</p>"
    b"<p>The <a href='https://example.com/council' rel='author'>council</a> met "
    b"<em>today</em> in the town hall.</p>"
    b"<figure><img src='/hall.jpg' alt='The hall' width='300' height='200'>"
    b"<figcaption>The town hall. AFP / Omar HAJ KADOUR</figcaption></figure>"
    b"<p>Residents will vote next year.</p></article></body></html>"
)
HTML = {"content-type": "text/html"}


def settings_for(tmp_path: Path, **fields: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", **{"targets": ("es", "ar"), **fields})


def submitted(
    app: FastAPI, client: TestClient, key: str, pid: str = "a1", body: bytes = PAGE
) -> None:
    response = client.put(f"/v1/articles/{pid}", content=body, headers={**HTML, "X-API-Key": key})
    assert response.status_code in (201, 202), response.text
    app.state.worker.run_pending()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FastAPI, TestClient, str]]:
    settings = settings_for(tmp_path, labels={"gl": "Beta - Tradución feita por máquina"})
    app = create_app(settings, engine=PseudoEngine(), job_threads=0)
    with TestClient(app) as client:
        key = create_key(settings, "desk", "editor")
        submitted(app, client, key)
        yield app, client, key


def _tree(text: str) -> Any:
    return lxml_html.document_fromstring(text)


# --- what the pages say -----------------------------------------------------------------------


def test_a_translated_page_says_what_it_is_in_its_own_language(
    site: tuple[FastAPI, TestClient, str],
) -> None:
    _, client, _ = site
    response = client.get("/read/a1/es")
    assert response.status_code == 200 and response.headers["content-language"] == "es"
    page = _tree(response.text)
    assert page.get("lang") == "es" and page.get("dir") == "ltr"
    assert page.findtext(".//title") == page.findtext(".//h1") != "Council meets"
    assert page.find(".//meta[@name='description']").get("content").startswith("⟦")
    label = page.find_class("tarjama-label")[0]
    assert label.find_class("label-text")[0].text == "Beta V.1.0 - Traducción automática"
    about = label.find("details")
    assert about.findtext("summary") == "Sobre esta traducción"
    assert [dt.text for dt in about.iter("dt")] == ["Motor", "Fecha"]
    assert about.find(".//dd").text == "pseudo 1 (pseudo-localisation)"
    assert label.get("data-tarjama-pair") == "en-es"
    base = "http://testserver/read/a1"
    assert page.find(".//link[@rel='canonical']").get("href") == f"{base}/es"
    links = {el.get("hreflang"): el.get("href") for el in page.iter("link") if el.get("hreflang")}
    assert links == {"en": f"{base}/en", "ar": f"{base}/ar", "es": f"{base}/es", "x-default": base}
    switcher = page.find_class("tarjama-languages")[0]
    assert [el.text_content() for el in switcher.iter("a", "strong")] == [
        "English", "العربية", "Español"]  # fmt: skip
    assert switcher.find(".//strong").get("aria-current") == "page"
    data = json.loads(page.find(".//script[@type='application/ld+json']").text)
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "es"
    assert data["translationOfWork"] == {"@type": "NewsArticle", "url": f"{base}/en",
                                         "inLanguage": "en"}  # fmt: skip
    assert data["isBasedOn"] == f"{base}/en" and data["headline"] == page.findtext(".//h1")
    # the article's own links keep their rel; no link gains nofollow
    link = page.find(".//div[@class='story-body']//a")
    assert (link.get("href"), link.get("rel")) == ("https://example.com/council", "author")
    assert page.find(".//div[@class='story-body']//em") is not None
    figure = page.find(".//figure")
    assert figure.find("img").get("alt").startswith("⟦") and "HAJ KADOUR" in figure.text_content()


def test_the_original_links_its_translations(site: tuple[FastAPI, TestClient, str]) -> None:
    _, client, _ = site
    page = _tree(client.get("/read/a1/en").text)
    assert page.get("lang") == "en" and not page.find_class("tarjama-label")
    assert page.findtext(".//h1") == "Council meets"
    data = json.loads(page.find(".//script[@type='application/ld+json']").text)
    assert [w["inLanguage"] for w in data["workTranslation"]] == ["ar", "es"]


def test_an_arabic_page_is_right_to_left_with_an_arabic_label(
    site: tuple[FastAPI, TestClient, str],
) -> None:
    _, client, _ = site
    page = _tree(client.get("/read/a1/ar").text)
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert page.find_class("label-text")[0].text == "Beta V.1.0 - ترجمة آلية"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("es-ES,es;q=0.9,en;q=0.5", "es"),
        ("fr, ar;q=0.8", "ar"),
        ("en-GB", "en"),
        ("fr", "en"),
        ("", "en"),
        ("es;q=0, ar;q=0.1", "ar"),
    ],
)
def test_the_article_address_honours_accept_language(
    site: tuple[FastAPI, TestClient, str], header: str, lang: str
) -> None:
    _, client, _ = site
    response = client.get("/read/a1", headers={"accept-language": header})
    assert response.status_code == 200 and response.headers["vary"] == "Accept-Language"
    page = _tree(response.text)
    assert page.get("lang") == response.headers["content-language"] == lang
    links = [a.get("href") for a in page.find_class("tarjama-languages")[0].iter("a")]
    assert "http://testserver/read/a1/en" in links or lang == "en"


def test_preferred_language_by_quality() -> None:
    assert preferred("da, en-gb;q=0.8, en;q=0.7", ["es", "en"]) == "en"
    assert preferred("*;q=0.5, es;q=0.9", ["en", "es"]) == "es"
    assert preferred("not a tag!!, es", ["es"]) == "es"
    assert preferred(None, ["es"]) is None


def test_the_index_lists_articles_with_their_languages(
    site: tuple[FastAPI, TestClient, str],
) -> None:
    app, client, key = site
    submitted(app, client, key, "a2", PAGE.replace(b"Council meets", b"Mayor resigns"))
    page = _tree(client.get("/read").text)
    titles = [a.text for a in page.find_class("title")]
    assert titles == ["Mayor resigns", "Council meets"]
    assert [a.get("hreflang") for a in page.find_class("tarjama-languages")[1].iter("a")] == [
        "ar", "es"]  # fmt: skip


def test_reviewed_label_and_per_language_override(site: tuple[FastAPI, TestClient, str]) -> None:
    _, client, key = site
    approved = client.post("/v1/articles/a1/translations/es/approve", headers={"X-API-Key": key})
    assert approved.status_code == 200
    page = _tree(client.get("/read/a1/es").text)
    assert page.find_class("label-text")[0].text == "Beta V.1.0 - Traducción revisada (pseudo 1)"
    assert [dt.text for dt in page.iter("dt")] == ["Motor", "Revisada por", "Fecha"]
    assert page.find_class("tarjama-label")[0].find(".//dd[2]") is None or "desk" in [
        dd.text for dd in page.iter("dd")]  # fmt: skip
    assert labels.label_for("gl", overrides={"gl": "Feito por máquina"}) == "Feito por máquina"
    assert labels.label_for("es-MX", configured="Our own words") == "Our own words"
    assert labels.label_for("ar", reviewed=True, engine="x 1") == "Beta V.1.0 - ترجمة مُراجَعة (x 1)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"es": ""}, "labels: 'es' = '' is not language = label"),
        ({"not a language": "x"}, "labels: 'not a language' = 'x' is not language = label"),
        (["es"], "labels must be a table of language = label"),
    ],
)
def test_bad_labels_setting_is_refused(value: Any, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings().merge({"labels": value}, "test")
    assert str(caught.value) == f"test: {message}"


def test_labels_from_the_environment() -> None:
    settings = Settings.load(environ={"TARJAMA_LABELS": "es=Hecho por máquina;ar=آلي"})
    assert settings.labels == {"es": "Hecho por máquina", "ar": "آلي"}


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/read/zz", 404, "no article 'zz'"),
        ("/read/a1/fr", 404, "'a1' cannot be read in 'fr'"),
        ("/static/missing.css", 404, None),
    ],
)
def test_missing_pages(
    site: tuple[FastAPI, TestClient, str], path: str, status: int, text: str | None
) -> None:
    _, client, _ = site
    response = client.get(path)
    assert response.status_code == status
    if text is not None:
        assert response.headers["content-type"].startswith("text/html")
        assert _tree(response.text).findtext(".//main/p") == text
    else:
        assert response.json()["error"]["code"] == "not_found"


def test_reader_pages_can_be_closed_to_anonymous_readers(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, anonymous_pages=False), engine=PseudoEngine(),
                     job_threads=0)  # fmt: skip
    with TestClient(app) as client:
        for path in ("/read", "/read/a1", "/read/a1/es"):
            response = client.get(path)
            assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthorized")


# --- in the browser ----------------------------------------------------------------------------


@contextmanager
def live_server(settings: Settings) -> Iterator[tuple[str, FastAPI]]:
    """A real uvicorn on 127.0.0.1 serving ``settings`` with the pseudo engine; jobs run when
    the test says (``app.state.worker.run_pending()``)."""
    app = create_app(settings, engine=PseudoEngine(), job_threads=0)
    port = _free_port()
    served = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=served.serve_until_done, daemon=True)
    thread.start()
    if not served.settled.wait(30) or not served.started:
        raise RuntimeError("the server did not start")
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        served.should_exit = True
        thread.join(15)


def put(base: str, app: FastAPI, key: str, pid: str, body: bytes) -> None:
    """Submit an HTML article and run its translation jobs."""
    response = httpx.put(f"{base}/v1/articles/{pid}", content=body,
                         headers={**HTML, "X-API-Key": key})  # fmt: skip
    assert response.status_code in (201, 202), response.text
    app.state.worker.run_pending()


@contextmanager
def chromium(base: str) -> Iterator[Callable[..., Any]]:
    """new_context(**options): a context of a headless Chromium that reaches ``base`` only."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (scripts/test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        def context(**options: Any) -> Any:
            made = browser.new_context(viewport={"width": 1000, "height": 900}, **options)
            # nothing leaves the machine: any address but the server's is refused
            made.route(lambda url: not url.startswith(base), lambda route: route.abort())
            return made

        yield context
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FastAPI, str]]:
    """A real uvicorn serving a store with article a1 translated into es and ar."""
    settings = settings_for(tmp_path_factory.mktemp("pages"))
    with live_server(settings) as (base, app):
        key = create_key(settings, "desk", "editor")
        put(base, app, key, "a1", PAGE)
        yield base, app, key


@pytest.fixture(scope="module")
def browser(server: tuple[str, FastAPI, str]) -> Iterator[Callable[..., Any]]:
    with chromium(server[0]) as context:
        yield context


BOXES = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
  const text = el => { const r = document.createRange(); r.selectNodeContents(el);
                       const b = r.getBoundingClientRect(); return [b.left, b.right]; };
  const main = document.querySelector("main");
  return {
    direction: getComputedStyle(document.documentElement).direction,
    main: box(main),
    headline: text(document.querySelector("h1")),
    languages: [...document.querySelectorAll(".tarjama-languages li")].map(box),
    switcher: box(document.querySelector(".tarjama-languages")),
    width: document.documentElement.clientWidth,
    figure: box(document.querySelector("figure")),
    labelBorder: getComputedStyle(document.querySelector(".tarjama-label")).borderInlineStartWidth,
  };
}"""


def test_a_right_to_left_page_is_mirrored_in_chromium(
    server: tuple[str, FastAPI, str], browser: Any
) -> None:
    base = server[0]
    context = browser()
    page = context.new_page()
    seen = {}
    for lang in ("es", "ar"):
        response = page.goto(f"{base}/read/a1/{lang}")
        assert response is not None and response.status == 200
        seen[lang] = page.evaluate(BOXES)
    context.close()
    es, ar = seen["es"], seen["ar"]
    assert (es["direction"], ar["direction"]) == ("ltr", "rtl")
    # the stylesheet loaded under the page's CSP (the label's border is the stylesheet's)
    assert es["labelBorder"] == ar["labelBorder"] == "4px"
    left, right = es["main"]
    assert ar["main"] == es["main"]  # the column is centred either way
    # headline text starts at the inline start: left in Spanish, right in Arabic
    assert abs(es["headline"][0] - left) < 20 < right - es["headline"][1]
    assert abs(right - ar["headline"][1]) < 20 < ar["headline"][0] - left
    # the figure (narrower than the column) hugs the start edge
    assert abs(es["figure"][0] - left) < 20 and abs(right - ar["figure"][1]) < 20
    assert es["figure"][1] < right - 50 and ar["figure"][0] > left + 50
    # the switcher's languages run from the start edge: rightwards, then leftwards
    es_x = [b[0] for b in es["languages"]]
    ar_x = [b[1] for b in ar["languages"]]
    assert es_x == sorted(es_x) and ar_x == sorted(ar_x, reverse=True)
    # the switcher stands at the masthead's end: right in Spanish, left in Arabic
    assert es["width"] - es["switcher"][1] < 20 and ar["switcher"][0] < 20


def test_reader_pages_work_without_javascript(
    server: tuple[str, FastAPI, str], browser: Any
) -> None:
    base = server[0]
    context = browser(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/read")
    page.click("text=Council meets")
    assert re.fullmatch(r".*/read/a1", page.url)
    page.click(".tarjama-languages >> text=Español")
    assert page.url.endswith("/read/a1/es")
    page.click("summary")
    assert page.is_visible("text=pseudo 1 (pseudo-localisation)")
    page.click("details >> text=English")
    assert page.url.endswith("/read/a1/en") and page.inner_text("h1") == "Council meets"
    context.close()


# --- the OpenAPI pages, offline -----------------------------------------------------------------

KEYED = [{"bearer": []}, {"apiKey": []}]


@pytest.mark.parametrize(
    ("fields", "method", "path", "security"),
    [
        ({}, "put", "/v1/articles/{publisher_id}", KEYED),
        ({}, "get", "/v1/memory/export", KEYED),
        ({}, "post", "/v1/translate", [{}, *KEYED]),
        ({"anonymous_translate": False}, "post", "/v1/translate", KEYED),
        ({"anonymous_read": True}, "get", "/v1/memory/export", [{}, *KEYED]),
        ({}, "get", "/v1/articles/{publisher_id}/translations/{lang}", [{}, *KEYED]),
        ({}, "get", "/health", None),
    ],
)
def test_openapi_names_the_key_schemes_where_they_are_needed(
    tmp_path: Path, fields: dict[str, Any], method: str, path: str, security: Any
) -> None:
    app = create_app(settings_for(tmp_path, **fields), engine=PseudoEngine(), job_threads=0)
    document = TestClient(app).get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer"
    assert (schemes["apiKey"]["in"], schemes["apiKey"]["name"]) == ("header", "X-API-Key")
    assert document["paths"][path][method].get("security") == security
    assert not any(p.startswith(("/read/", "/static/", "/docs")) for p in document["paths"])
    assert "/read" not in document["paths"]


@pytest.mark.parametrize(("path", "ready"), [("/docs", ".swagger-ui .info .title"),
                                             ("/redoc", "h1")])  # fmt: skip
def test_api_docs_render_offline(
    server: tuple[str, FastAPI, str], browser: Any, path: str, ready: str
) -> None:
    base = server[0]
    context = browser()
    refused: list[tuple[str, str]] = []
    context.on("requestfailed", lambda r: refused.append((r.url, r.failure or "")))
    page = context.new_page()
    page.goto(f"{base}{path}")
    page.wait_for_selector(ready)
    assert "tarjama" in page.inner_text(ready)
    if path == "/docs":
        page.click("button.authorize")
        assert page.is_visible("text=X-API-Key") and page.is_visible("text=bearer")
    context.close()
    # nothing is fetched from elsewhere: ReDoc's own "powered by" logo is all it would take,
    # and the page's CSP stops it before it leaves
    assert all(f == "csp" for _, f in refused), refused


# --- the translate page ---------------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "tarjama" / "samples"


def test_the_translate_page_translates_a_pasted_text(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path), engine=PseudoEngine(), job_threads=0)
    with TestClient(app) as client:
        form = _tree(client.get("/").text)
        boxes = {el.get("value"): el.get("checked") for el in form.iter("input")
                 if el.get("name") == "targets"}  # fmt: skip
        assert boxes.keys() >= {"es", "ca", "gl"} and boxes["es"] is not None
        response = client.post("/", data={"text": "The 3 ships sailed.", "targets": ["es", "ar"]})
        assert response.status_code == 200
        page = _tree(response.text)
        results = page.find_class("result")
        assert [r.get("lang") for r in results] == ["es", "ar"]
        assert [r.get("dir") for r in results] == ["ltr", "rtl"]
        es, ar = results
        assert es.find_class("label-text")[0].text == "Beta V.1.0 - Traducción automática"
        assert ar.find_class("label-text")[0].text == "Beta V.1.0 - ترجمة آلية"
        assert es.find(".//textarea").text == "⟦Ţhé~ 3 šhîpš~~ šàîļéð~~.⟧"
        # pseudo-localised "Arabic" is in Latin letters: the checks say so
        assert any("script" in li.text_content() for li in ar.find_class("findings")[0].iter("li"))
        assert page.find(".//textarea[@id='text']").text == "The 3 ships sailed."


@pytest.mark.parametrize(
    ("name", "kind", "needle"),
    [
        ("market-report.ninjs.json", "application/json", '"language": "es"'),
        ("bay-courier.rss", "application/xml", "<language>es</language>"),
        ("election-night.html", "text/html", 'lang="es"'),
    ],
)
def test_the_translate_page_takes_a_file_and_gives_one_back(
    tmp_path: Path, name: str, kind: str, needle: str
) -> None:
    app = create_app(settings_for(tmp_path), engine=PseudoEngine(), job_threads=0)
    with TestClient(app) as client:
        data = (SAMPLES / name).read_bytes()
        shown = client.post("/", data={"targets": ["es"]}, files={"file": (name, data, kind)})
        assert shown.status_code == 200
        assert needle in _tree(shown.text).find(".//textarea[@class='output']").text
        got = client.post("/", data={"targets": ["es"], "download": "es"},
                          files={"file": (name, data, kind)})  # fmt: skip
        assert got.status_code == 200 and needle in got.text
        assert got.headers["content-disposition"].startswith(
            'attachment; filename="translation.es.'
        )


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"text": " ", "targets": ["es"]}, 400,
         "give a text, HTML, ninjs or a feed, or a file: nothing to translate"),
        ({"text": "Hello."}, 400, "pick at least one language to translate into"),
        ({"text": "Hello.", "targets": ["xx"]}, 400, None),
        ({"text": "x" * 60_000, "targets": ["es"]}, 413, None),
    ],
)  # fmt: skip
def test_the_translate_page_says_what_is_wrong_and_keeps_the_text(
    tmp_path: Path, data: dict[str, Any], status: int, message: str | None
) -> None:
    app = create_app(settings_for(tmp_path), engine=PseudoEngine(), job_threads=0)
    with TestClient(app) as client:
        response = client.post("/", data=data)
        assert response.status_code == status
        page = _tree(response.text)
        said = page.findtext(".//p[@role='alert']")
        assert said == message if message else said
        assert (page.find(".//textarea[@id='text']").text or "") == data["text"].strip("\n")


def test_the_translate_page_can_be_closed_to_anonymous_callers(tmp_path: Path) -> None:
    app = create_app(settings_for(tmp_path, anonymous_translate=False), engine=PseudoEngine(),
                     job_threads=0)  # fmt: skip
    with TestClient(app) as client:
        response = client.post("/", data={"text": "Hello.", "targets": ["es"]})
        assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthorized")


@pytest.mark.parametrize("javascript", [False, True])
def test_the_translate_page_in_chromium(
    server: tuple[str, FastAPI, str], browser: Any, javascript: bool
) -> None:
    base = server[0]
    context = browser(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{base}/")
    page.fill("#text", "Rain is expected.")
    page.uncheck("input[value='ar']")
    page.check("input[value='es']")
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.click("form#translate button[type=submit]")
    page.wait_for_selector(".result[lang='es'] textarea")
    assert page.input_value(".result[lang='es'] textarea") == "⟦Ŕàîñ~~ îš~ éxpéçţéð~~~.⟧"
    assert page.is_visible(".result[lang='es'] button.copy") is javascript
    assert (loads == []) is javascript  # with JavaScript the results came in place
    context.close()
