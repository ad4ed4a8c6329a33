"""Web pages as a user sends them, to ``tarjama translate`` and to ``POST /v1/translate``: a page
translated in place whole, its article alone with ``--extract`` (``extract=true``), and a page
whose markup would change never handed out silently (a warning on stderr, a critical ``markup``
finding and status needs-review; with ``--strict`` exit 65, ``strict=true`` 400
``markup_changed``, and nothing written)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from .conftest import needs_apertium
from .test_api import client_for
from .test_cli import run
from .test_extract import PAGE, PARAGRAPHS

# A fragment with an end tag it never opened: browsers ignore it, but inside the element that
# carries the translation's language it closes that element, and the markup changes.
STRAY_END = (
    "<p>The minister said the talks would resume.</p></div>"
    "<p>Prices rose in the northern region.</p>"
)


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "harbour.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


@needs_apertium
def test_a_whole_page_is_translated_in_place(page: Path) -> None:
    result = run("translate", str(page), "--to", "es", "--no-memory")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    out = result.stdout.decode()
    root = lxml.html.document_fromstring(out)
    assert root.get("lang") == "es"
    assert "Accept all cookies" not in out and "Aceptar" in out  # the chrome too, translated
    assert root.xpath("//a/@href") == lxml.html.document_fromstring(PAGE).xpath("//a/@href")
    assert root.xpath("//p[@class='tarjama-label']")


@needs_apertium
def test_extract_gives_the_article_alone_with_its_metadata(page: Path) -> None:
    result = run("translate", str(page), "--to", "es", "--extract", "--no-memory")
    assert result.returncode == 0, result.stderr.decode()
    root = lxml.html.document_fromstring(result.stdout.decode())
    text = root.text_content()
    for chrome in ("cookies", "galletas", "Copyright", "Storm", "Tormenta"):
        assert chrome not in text, chrome
    assert root.findtext(".//h1") != "Harbour reopens after repairs"  # translated
    assert "puerto" in root.findtext(".//h1").lower()
    assert len(root.xpath("//article//p[not(@class)]")) >= len(PARAGRAPHS)
    # the original at its own address (the translation, a single file, has none yet)
    for hreflang in ("en", "x-default"):
        assert root.xpath(f"//link[@hreflang='{hreflang}']/@href") == [
            "https://bay.example/news/harbour-reopens"
        ]
    assert root.xpath("//meta[@property='og:site_name']/@content") == ["Bay Courier"]
    assert "Mira Holt" in text


def test_extract_needs_a_web_page(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Headline\n\nSome text here.", encoding="utf-8")
    result = run("translate", str(path), "--to", "es", "--extract", "--engine", "pseudo")
    assert (result.returncode, result.stdout) == (65, b"")
    assert (
        result.stderr == b"tarjama: --extract finds the article in a web page; the input is text\n"
    )


@needs_apertium
def test_a_page_whose_markup_changed_is_never_written_silently(tmp_path: Path) -> None:
    path = tmp_path / "fragment.html"
    path.write_text(STRAY_END, encoding="utf-8")
    result = run("translate", str(path), "--to", "es", "--no-memory")
    assert result.returncode == 0, result.stderr.decode()
    assert "ministro" in result.stdout.decode()
    assert result.stderr.decode() == (
        "tarjama: warning (es): the page's markup changed: <div> 0 -> 1; "
        "at /: <p> became <div>; needs review\n"
    )
    strict = run("translate", str(path), "--to", "es", "--no-memory", "--strict")
    assert (strict.returncode, strict.stdout) == (65, b"")
    assert strict.stderr.decode() == (
        "tarjama: the translation (es) would change the page's markup: <div> 0 -> 1; "
        "at /: <p> became <div>\n"
    )


def test_the_api_extracts_the_article_and_says_when_markup_changed(tmp_path: Path) -> None:
    with client_for(tmp_path) as client:
        extracted = client.post(
            "/v1/translate", json={"html": PAGE, "target": "es", "extract": True}
        )
        assert extracted.status_code == 200, extracted.text
        [answer] = extracted.json()["translations"]
        root = lxml.html.document_fromstring(answer["content"])
        assert "Accept" not in root.text_content() and "Mira Holt" in root.text_content()
        assert len(root.xpath("//article//p[not(@class)]")) >= len(PARAGRAPHS)

        changed = client.post("/v1/translate", json={"html": STRAY_END, "target": "es"})
        assert changed.status_code == 200, changed.text
        [answer] = changed.json()["translations"]
        assert answer["status"] == "needs-review"
        [finding] = [f for s in answer["segments"] if s["field"] == "markup" for f in s["findings"]]
        assert (finding["check"], finding["severity"]) == ("markup", "critical")

        strict = client.post(
            "/v1/translate", json={"html": STRAY_END, "target": "es", "strict": True}
        )
        assert strict.status_code == 400
        assert strict.json()["error"]["code"] == "markup_changed"

        text = client.post("/v1/translate", json={"text": "Hi.", "target": "es", "extract": True})
        assert text.status_code == 422
        assert text.json()["error"] == {
            "code": "validation_error",
            "message": "body: Value error, extract finds the article in a web page: "
            "give it as html",
        }
