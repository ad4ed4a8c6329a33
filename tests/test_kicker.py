"""The kicker, the line above the headline: read from ninjs 2.x/3.x (a headline whose role is
``kicker``) and from HTML (an element of class ``kicker``), translated like a headline,
stored, written back, and shown above the headline on the reader page and the desk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from tarjama import formats
from tarjama.api import create_app, create_key
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.formats.ninjs import validate_ninjs
from tarjama.model import FieldRef, Part
from tarjama.pipeline import Translator

NINJS = {
    "uri": "urn:x:k1",
    "type": "text",
    "headlines": [
        {"role": "kicker", "value": "Election night"},
        {"role": "main", "value": "Mayor wins by a narrow margin"},
    ],
    "bodies": [{"role": "main", "contenttype": "text/plain", "value": "The mayor won."}],
}
HTML = (
    b"<article><p class='kicker'>Election night</p><h1>Mayor wins by a narrow margin</h1>"
    b"<p>The mayor won.</p></article>"
)


def test_read_from_ninjs_and_html() -> None:
    for data in (json.dumps(NINJS).encode(), HTML):
        article = formats.read(data)
        assert (article.kicker, article.headline) == (
            "Election night", "Mayor wins by a narrow margin")  # fmt: skip
        assert next(article.texts()) == (FieldRef(Part.KICKER), "Election night")
        assert FieldRef.parse("kicker").read(article) == "Election night"
    # a headline list without one: no kicker, and the article's version is as it was
    plain = formats.read(json.dumps({**NINJS, "headlines": NINJS["headlines"][1:]}).encode())
    assert plain.kicker == "" and FieldRef(Part.KICKER) not in dict(plain.texts())
    assert plain.version != formats.read(json.dumps(NINJS).encode()).version


def test_translated_like_a_headline_and_written_back() -> None:
    t = Translator(PseudoEngine()).translate(formats.read(json.dumps(NINJS).encode()), "es")
    assert t.article.kicker.startswith("⟦") and "Election" not in t.article.kicker
    assert [str(s.field) for s in t.segments][:2] == ["kicker", "headline"]
    doc = json.loads(formats.write(t, "ninjs"))
    validate_ninjs(doc, "2")
    assert [h["role"] for h in doc["headlines"]] == ["kicker", "main"]
    assert doc["headlines"][0]["value"] == t.article.kicker
    # written anew (a text article has no document to go back into): a headline of role kicker
    new = formats.write(t.__class__(t.article.with_changes(source_format="text", original=""),
                                    t.source_version, t.provenance), "ninjs")  # fmt: skip
    assert json.loads(new)["headlines"][1] == {
        "role": "kicker", "contentType": "text/plain", "value": t.article.kicker}  # fmt: skip


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FastAPI, TestClient, str]]:
    settings = Settings(data_dir=tmp_path / "data", targets=("es",))
    app = create_app(settings, engine=PseudoEngine(), job_threads=0)
    with TestClient(app) as client:
        yield app, client, create_key(settings, "desk", "editor")


def test_stored_and_shown_above_the_headline(site: tuple[FastAPI, TestClient, str]) -> None:
    app, client, key = site
    put = client.put("/v1/articles/k1", content=json.dumps(NINJS),
                     headers={"content-type": "application/json", "X-API-Key": key})  # fmt: skip
    assert put.status_code == 201, put.text
    app.state.worker.run_pending()
    for lang in ("en", "es"):
        page = lxml_html.document_fromstring(client.get(f"/read/k1/{lang}").text)
        head = page.find(".//header[@class='story-head']")
        assert [el.get("class") for el in head][:2] == ["kicker", "headline"], lang
        kicker = head.findtext("p[@class='kicker']")
        assert (kicker == "Election night") is (lang == "en"), kicker
    desk = client.get("/desk/k1/es", headers={"Authorization": f"Bearer {key}"})
    assert desk.status_code == 200
    rows = lxml_html.document_fromstring(desk.text).xpath("//*[contains(text(), 'kicker')]")
    assert rows, "the desk names the kicker's segment"
