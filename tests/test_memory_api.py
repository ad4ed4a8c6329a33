"""The glossary and translation-memory API (``/v1/glossary``, ``/v1/memory``): term CRUD, CSV,
TBX and TMX import and export, lookups, corrections, counts, roles, limits, and how writes reach
``/v1/translate`` and its result cache.

Every test runs on a SQLite file and again on a PostgreSQL database (``store_url``). The pseudo
engine: only the service's behaviour matters here.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tarjama.api import ApiKeys, create_app, create_key
from tarjama.api.cache import ResultCache
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.store import Store

CSV_TYPE = {"content-type": "text/csv"}
TBX_TYPE = {"content-type": "application/x-tbx+xml"}
TMX_TYPE = {"content-type": "application/x-tmx+xml"}
EN_ES = {"source_lang": "en", "target_lang": "es"}


def client_for(
    tmp_path: Path, store_url: str, role: str | None = None, **fields: Any
) -> TestClient:
    """A client of a new app; with ``role``, every request carries a key of that role."""
    settings = Settings(data_dir=tmp_path / "data", store=store_url, **fields)
    app = create_app(settings, engine=PseudoEngine(), job_threads=0)
    if role is None:
        return TestClient(app)
    return TestClient(app, headers={"X-API-Key": create_key(settings, "desk", role)})


@pytest.fixture
def client(tmp_path: Path, store_url: str) -> Iterator[TestClient]:
    with client_for(tmp_path, store_url, role="editor") as c:
        yield c


@pytest.fixture
def other_store_url(store_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A second empty store on the same kind of database as ``store_url``."""
    if store_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.db'}"
    make: Callable[..., str] = request.getfixturevalue("postgres_database")
    return make()


def error_of(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return response.status_code, body["error"]["code"]


def message_of(response: Any) -> str:
    message: str = response.json()["error"]["message"]
    return message


def terms(client: TestClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/v1/glossary/terms", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def units(client: TestClient) -> int:
    response = client.get("/v1/memory/counts")
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def translate(client: TestClient, text: str, target: str = "es") -> dict[str, Any]:
    response = client.post("/v1/translate", json={"text": text, "targets": [target]})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()["translations"][0]
    return answer


def timeless(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer less the time its translation was made (two computations of one answer may
    fall in different seconds)."""
    return {**answer, "provenance": {**answer["provenance"], "created": None}}


def lookup(client: TestClient, text: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/memory/lookup", params={"text": text, **EN_ES, **params})
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


# --- glossary terms -----------------------------------------------------------------------------


def test_term_crud_round_trip(client: TestClient) -> None:
    created = client.post(
        "/v1/glossary/terms",
        json={**EN_ES, "source": "harbour", "target": "puerto", "note": "port, not harbor"},
    )
    assert created.status_code == 201, created.text
    term = created.json()
    assert created.headers["location"] == f"/v1/glossary/terms/{term['id']}"
    assert term | {"id": 0} == {
        "id": 0,
        "source_lang": "en",
        "target_lang": "es",
        "source": "harbour",
        "target": "puerto",
        "rendering": "puerto",
        "case_sensitive": False,
        "do_not_translate": False,
        "note": "port, not harbor",
    }
    brand = client.post(
        "/v1/glossary/terms",
        json={"source_lang": "en-GB", "target_lang": "ca", "source": "AFP",
              "do_not_translate": True, "case_sensitive": True},
    )  # fmt: skip
    assert brand.status_code == 201, brand.text
    assert brand.json()["rendering"] == "AFP" and brand.json()["target_lang"] == "ca"

    assert client.get(f"/v1/glossary/terms/{term['id']}").json() == term
    assert [t["source"] for t in terms(client)] == ["AFP", "harbour"]  # en-ca before en-es
    assert terms(client, source_lang="en", target_lang="es") == [term]
    assert [t["source"] for t in terms(client, target_lang="ca")] == ["AFP"]
    assert terms(client, source_lang="fr") == []

    changed = client.patch(f"/v1/glossary/terms/{term['id']}", json={"target": "muelle"})
    assert changed.status_code == 200, changed.text
    assert changed.json() == term | {"target": "muelle", "rendering": "muelle"}
    assert client.get(f"/v1/glossary/terms/{term['id']}").json()["target"] == "muelle"

    # adding the same source term again replaces the entry, it does not make a second one
    again = client.post(
        "/v1/glossary/terms", json={**EN_ES, "source": "harbour", "target": "dársena"}
    )
    assert again.json()["id"] == term["id"] and again.json()["target"] == "dársena"
    assert len(terms(client, target_lang="es")) == 1

    other = client.post("/v1/glossary/terms", json={**EN_ES, "source": "ferry", "target": "ferri"})
    clash = client.patch(f"/v1/glossary/terms/{other.json()['id']}", json={"source": "harbour"})
    assert error_of(clash) == (409, "term_exists")
    assert client.get(f"/v1/glossary/terms/{other.json()['id']}").json()["source"] == "ferry"

    no_target = client.post("/v1/glossary/terms", json={**EN_ES, "source": "quay"})
    assert error_of(no_target) == (400, "empty_input")
    emptied = client.patch(f"/v1/glossary/terms/{term['id']}", json={"target": ""})
    assert error_of(emptied) == (400, "empty_input")
    unknown_field = client.patch(f"/v1/glossary/terms/{term['id']}", json={"pair": "en-fr"})
    assert error_of(unknown_field) == (422, "validation_error")

    assert client.delete(f"/v1/glossary/terms/{term['id']}").status_code == 204
    assert error_of(client.get(f"/v1/glossary/terms/{term['id']}")) == (404, "term_not_found")
    assert error_of(client.delete(f"/v1/glossary/terms/{term['id']}")) == (404, "term_not_found")
    missing = client.patch(f"/v1/glossary/terms/{term['id']}", json={"note": "x"})
    assert error_of(missing) == (404, "term_not_found")
    assert [t["source"] for t in terms(client)] == ["AFP", "ferry"]


# --- roles --------------------------------------------------------------------------------------

TINY_TMX = (
    b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>Yes.</seg>'
    b'</tuv><tuv xml:lang="es"><seg>S\xc3\xad.</seg></tuv></tu></body></tmx>'
)
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/v1/glossary/terms", {"json": {**EN_ES, "source": "a", "target": "b"}}),
    ("PATCH", "/v1/glossary/terms/{term}", {"json": {"target": "c"}}),
    ("DELETE", "/v1/glossary/terms/{term}", {}),
    ("POST", "/v1/glossary/import?target_lang=es",
     {"content": b"source,target\nx,y\n", "headers": CSV_TYPE}),
    ("POST", "/v1/memory/import", {"content": TINY_TMX, "headers": TMX_TYPE}),
    ("POST", "/v1/memory/units", {"json": {**EN_ES, "source": "a.", "target": "b."}}),
    ("DELETE", "/v1/memory/units/{unit}", {}),
]  # fmt: skip


def test_writes_need_the_editor_role_and_reads_the_reader_role(
    tmp_path: Path, store_url: str
) -> None:
    with client_for(tmp_path, store_url) as client:  # anonymous_write off by default
        keys = ApiKeys(client.app.state.services.store)  # type: ignore[attr-defined]
        reader = {"authorization": f"Bearer {keys.create('site', 'reader')}"}
        editor = {"authorization": f"Bearer {keys.create('cms', 'editor')}"}
        term = client.post(
            "/v1/glossary/terms", json={**EN_ES, "source": "harbour", "target": "puerto"},
            headers=editor,
        ).json()  # fmt: skip
        unit = client.post(
            "/v1/memory/units", json={**EN_ES, "source": "Hi.", "target": "Hola."}, headers=editor
        ).json()
        for method, path, kwargs in WRITES:
            url = path.format(term=term["id"], unit=unit["id"])
            headers = kwargs.get("headers", {})
            anonymous = client.request(method, url, **kwargs)
            assert error_of(anonymous) == (401, "unauthorized"), (method, url)
            refused = client.request(method, url, **{**kwargs, "headers": {**headers, **reader}})
            assert error_of(refused) == (403, "forbidden"), (method, url)
        for url in (
            "/v1/glossary/terms",
            f"/v1/glossary/terms/{term['id']}",
            "/v1/glossary/export?target_lang=es",
            "/v1/memory/export",
            "/v1/memory/lookup?text=Hi.&target_lang=es",
            "/v1/memory/counts",
        ):
            assert client.get(url, headers=reader).status_code == 200, url
            assert error_of(client.get(url)) == (401, "unauthorized"), url  # anonymous_read off
        # nothing was written by the refused calls
        client.headers.update(reader)
        assert terms(client) == [term]
        assert lookup(client, "Hi.")["exact"]["target"] == "Hola."
        assert units(client) == 1
        for method, path, kwargs in WRITES:
            url = path.format(term=term["id"], unit=unit["id"])
            headers = {**kwargs.get("headers", {}), **editor}
            done = client.request(method, url, **{**kwargs, "headers": headers})
            assert done.status_code in (200, 201, 204), (method, url, done.text)
    with client_for(tmp_path, store_url, anonymous_read=True) as client:
        assert client.get("/v1/glossary/terms").status_code == 200
        assert client.get("/v1/memory/export").status_code == 200
        assert error_of(client.post("/v1/memory/units", json=EN_ES)) == (401, "unauthorized")


# --- glossary files -----------------------------------------------------------------------------

GLOSSARY_CSV = """\
source,target,case_sensitive,do_not_translate,note
harbour,puerto,false,false,
"Prime Minister","primer ministro",no,no,"title, lower case"
AFP,,true,true,agency
ceasefire,alto el fuego,,,
"""

GLOSSARY_TBX = """\
<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Core" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>Desk terms</p></sourceDesc></fileDesc></tbxHeader>
  <text>
    <body>
      <conceptEntry id="c1">
        <note>ports</note>
        <langSec xml:lang="en-GB"><termSec><term>harbour</term></termSec></langSec>
        <langSec xml:lang="es">
          <termSec><term>dársena</term>
            <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
          <termSec><term>puerto</term></termSec>
        </langSec>
      </conceptEntry>
      <conceptEntry id="c2">
        <langSec xml:lang="en"><termSec><term>Reuters</term>
          <termNote type="x-doNotTranslate">true</termNote>
          <termNote type="x-caseSensitive">yes</termNote></termSec></langSec>
      </conceptEntry>
      <conceptEntry id="c3">
        <langSec xml:lang="fr"><termSec><term>port</term></termSec></langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""

TERM_FIELDS = ("source", "target", "rendering", "case_sensitive", "do_not_translate", "note")


def fields(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(t[name] for name in TERM_FIELDS) for t in found]


def test_csv_import_export_round_trip(client: TestClient) -> None:
    imported = client.post(
        "/v1/glossary/import?target_lang=es", content=GLOSSARY_CSV.encode(), headers=CSV_TYPE
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "source_lang": "en", "target_lang": "es", "format": "csv", "imported": 4, "terms": 4,
        "skipped": 0, "skipped_lines": [],
    }  # fmt: skip
    assert fields(terms(client, target_lang="es")) == [
        ("AFP", "AFP", "AFP", True, True, "agency"),
        ("Prime Minister", "primer ministro", "primer ministro", False, False,
         "title, lower case"),
        ("ceasefire", "alto el fuego", "alto el fuego", False, False, ""),
        ("harbour", "puerto", "puerto", False, False, ""),
    ]  # fmt: skip

    exported = client.get("/v1/glossary/export", params={**EN_ES, "format": "csv"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert 'filename="glossary-en-es.csv"' in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["source"], r["target"], r["note"]) for r in rows][1] == (
        "Prime Minister", "primer ministro", "title, lower case",
    )  # fmt: skip

    # the export, imported into another pair, gives the same terms and exports the same file
    again = client.post(
        "/v1/glossary/import?source_lang=en&target_lang=gl", content=exported.content
    )  # no Content-Type: detected as CSV
    assert again.json()["format"] == "csv" and again.json()["imported"] == 4
    assert fields(terms(client, target_lang="gl")) == fields(terms(client, target_lang="es"))
    second = client.get("/v1/glossary/export", params={"target_lang": "gl"})
    assert second.text == exported.text


def test_tbx_import_export_round_trip(client: TestClient) -> None:
    imported = client.post(
        "/v1/glossary/import?source_lang=en&target_lang=es",
        content=GLOSSARY_TBX.encode(),
        headers=TBX_TYPE,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["format"] == "tbx" and imported.json()["imported"] == 2
    assert fields(terms(client, target_lang="es")) == [
        ("Reuters", "Reuters", "Reuters", True, True, ""),
        ("harbour", "puerto", "puerto", False, False, "ports"),  # not the deprecated dársena
    ]

    exported = client.get("/v1/glossary/export", params={**EN_ES, "format": "tbx"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/x-tbx+xml")
    assert "<martif" in exported.text and "x-doNotTranslate" in exported.text

    # TBX carries its languages: emptied, the pair imports the export back as it was
    before = fields(terms(client, target_lang="es"))
    for term in terms(client, target_lang="es"):
        assert client.delete(f"/v1/glossary/terms/{term['id']}").status_code == 204
    again = client.post(
        "/v1/glossary/import?target_lang=es", content=exported.content
    )  # no Content-Type: a body starting with < is TBX
    assert again.json()["format"] == "tbx" and again.json()["imported"] == 2
    assert fields(terms(client, target_lang="es")) == before
    assert client.get("/v1/glossary/export", params={**EN_ES, "format": "tbx"}).text == (
        exported.text
    )
    # a pair the file does not hold imports only its do-not-translate term; the answer counts
    # the entry skipped for lack of a German term and says where it is
    other = client.post("/v1/glossary/import?target_lang=de", content=exported.content)
    assert other.json() | {"format": "tbx"} == {
        "source_lang": "en", "target_lang": "de", "format": "tbx", "imported": 1, "terms": 1,
        "skipped": 1, "skipped_lines": [29],
    }  # fmt: skip
    assert "<termEntry" in exported.text.splitlines()[28]


# --- TMX ----------------------------------------------------------------------------------------


def without_header_date(tmx: str) -> str:
    """A TMX export with the header's creation date (the time of the export) left out."""
    lines = tmx.splitlines()
    return "\n".join(line for line in lines if not line.startswith("<header "))


def test_tmx_export_reimports_identically(
    client: TestClient, tmp_path: Path, other_store_url: str
) -> None:
    translate(client, "The harbour reopened on Tuesday.\n\nFerries sailed again.")  # machine units
    correction = {**EN_ES, "source": "Ferries sailed again.", "target": "Los ferris zarparon.",
                  "approved": True, "note": "desk style"}  # fmt: skip
    assert client.post("/v1/memory/units", json=correction).status_code == 201
    catalan = {"source_lang": "en", "target_lang": "ca", "source": "Hi.", "target": "Hola."}
    assert client.post("/v1/memory/units", json=catalan).status_code == 201
    before = client.get("/v1/memory/counts").json()
    assert before["total"] == 4

    exported = client.get("/v1/memory/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/x-tmx+xml"
    assert 'filename="memory.tmx"' in exported.headers["content-disposition"]
    assert exported.text.count("<tu ") == 4

    with client_for(tmp_path / "other", other_store_url, role="editor") as other:
        imported = other.post("/v1/memory/import", content=exported.content, headers=TMX_TYPE)
        assert imported.status_code == 200, imported.text
        assert imported.json() == {"imported": 4, "skipped": 0, "skipped_lines": [], "units": 4}
        assert other.get("/v1/memory/counts").json() == before
        assert without_header_date(other.get("/v1/memory/export").text) == without_header_date(
            exported.text
        )
        match = lookup(other, "Ferries sailed again.")["exact"]
        assert (match["target"], match["approved"], match["note"]) == (
            "Los ferris zarparon.", True, "desk style",
        )  # fmt: skip

    # one pair only; importing the same file again changes nothing
    pair = client.get("/v1/memory/export", params=EN_ES)
    assert (
        pair.text.count("<tu ") == 3
        and 'filename="memory-en-es.tmx"' in (pair.headers["content-disposition"])
    )
    assert client.post("/v1/memory/import", content=exported.content).json()["units"] == 4


REAL_WORLD_TMX = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.0" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="en-US" srclang="en-US"
          creationdate="20230405T101500Z" creationid="NEWSDESK\\jdoe">
    <prop type="x-Recognizers">RecognizeAll</prop>
    <note>Exported from the wire desk memory</note>
  </header>
  <body>
    <!-- politics -->
    <tu tuid="1" creationdate="20230405T101500Z" creationid="jdoe" usagecount="3">
      <prop type="x-Domain">Politics</prop>
      <note>checked by the desk</note>
      <tuv xml:lang="en-US">
        <seg>The <bpt i="1" x="1">&lt;b&gt;</bpt>council<ept i="1">&lt;/b&gt;</ept> approved the budget.</seg>
      </tuv>
      <tuv xml:lang="es-ES" changedate="20230406T080000Z">
        <seg>El <bpt i="1" x="1">&lt;b&gt;</bpt>consejo<ept i="1">&lt;/b&gt;</ept> aprobó el presupuesto.</seg>
      </tuv>
      <tuv lang="CA"><seg>El consell va aprovar el pressupost.</seg></tuv>
    </tu>
    <tu tuid="2">
      <tuv xml:lang="en-us"><seg>Residents will <hi type="b">vote</hi> next year.</seg></tuv>
      <tuv xml:lang="es-MX"><seg>Los vecinos <hi type="b">votarán</hi> el año próximo.</seg></tuv>
    </tu>
    <tu tuid="3">
      <tuv xml:lang="en-US"><seg>A lonely source.</seg></tuv>
    </tu>
    <tu tuid="4" srclang="es-ES">
      <tuv xml:lang="en-US"><seg>Good morning.</seg></tuv>
      <tuv xml:lang="es-ES"><seg>Buenos días.</seg></tuv>
    </tu>
  </body>
</tmx>
"""  # noqa: E501


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_a_real_world_tmx_loads(client: TestClient) -> None:
    imported = client.post(
        "/v1/memory/import", content=REAL_WORLD_TMX.encode(), headers={"content-type": "text/xml"}
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "imported": 4,
        "skipped": 1,
        "skipped_lines": [line_of(REAL_WORLD_TMX, '<tu tuid="3">')],
        "units": 4,
    }
    counts = client.get("/v1/memory/counts").json()
    assert counts["pairs"] == [
        {"source_lang": "en", "target_lang": "ca", "human": 1, "machine": 0, "total": 1},
        {"source_lang": "en", "target_lang": "es", "human": 2, "machine": 0, "total": 2},
        {"source_lang": "es", "target_lang": "en", "human": 1, "machine": 0, "total": 1},
    ]
    council = lookup(client, "The council approved the budget.")["exact"]
    assert council["target"] == "El consejo aprobó el presupuesto."
    assert council["origin"] == "human" and council["note"] == "checked by the desk"
    vote = lookup(client, "Residents will vote next year.")["exact"]
    assert vote["target"] == "Los vecinos votarán el año próximo."
    catalan = lookup(client, "The council approved the budget.", target_lang="ca")["exact"]
    assert catalan["target"] == "El consell va aprovar el pressupost."
    spanish = lookup(client, "Buenos días.", source_lang="es", target_lang="en")["exact"]
    assert spanish["target"] == "Good morning."
    assert lookup(client, "A lonely source.")["exact"] is None
    # one target language of the file on its own
    assert client.get("/v1/memory/export", params={"target_lang": "ca"}).text.count("<tu ") == 1


def test_lookup_exact_and_fuzzy(client: TestClient) -> None:
    text = "The harbour reopened on Tuesday after the storm."
    machine = translate(client, text)["segments"][0]["target"]
    found = lookup(client, text)
    assert found["exact"]["origin"] == "machine" and found["exact"]["target"] == machine
    assert found["exact"]["signature"].startswith("pseudo:1:")
    assert found["suggestions"] == []  # the exact match is not repeated as a suggestion
    assert lookup(client, text, machine=False)["exact"] is None  # machine units only if asked

    human = {**EN_ES, "source": "The harbour reopened on Monday after the storm.",
             "target": "El puerto reabrió el lunes tras la tormenta."}  # fmt: skip
    unit = client.post("/v1/memory/units", json=human).json()
    near = lookup(client, "The harbour reopened on Sunday after the storm.")
    assert near["exact"] is None
    assert [s["unit_id"] for s in near["suggestions"]][:1] == [unit["id"]]
    assert all(0.75 <= s["score"] < 1 for s in near["suggestions"])
    assert near["suggestions"][0]["score"] >= near["suggestions"][-1]["score"]
    far = lookup(client, "Sunday storm.", threshold=0.9)
    assert far["exact"] is None and far["suggestions"] == []
    only_one = lookup(client, "The harbour reopened on Sunday after the storm.", limit=1)
    assert len(only_one["suggestions"]) == 1
    bad = client.get("/v1/memory/lookup", params={"text": "x", **EN_ES, "threshold": 0})
    assert error_of(bad) == (422, "validation_error")


def test_units_add_and_delete(client: TestClient) -> None:
    body = {**EN_ES, "source": "Ferries sailed again.", "target": "Los ferris zarparon."}
    first = client.post("/v1/memory/units", json=body)
    assert first.status_code == 201
    assert first.json() == {**body, "id": first.json()["id"], "origin": "human",
                            "approved": False, "note": ""}  # fmt: skip
    # a second correction of the same sentence replaces the first
    second = client.post("/v1/memory/units", json={**body, "target": "Volvieron los ferris."})
    assert second.json()["id"] == first.json()["id"] and units(client) == 1
    assert lookup(client, "Ferries sailed again.")["exact"]["target"] == "Volvieron los ferris."
    blank = client.post("/v1/memory/units", json={**body, "source": "   "})
    assert error_of(blank) == (400, "empty_input")
    nul = client.post("/v1/memory/units", json={**body, "target": "Los\x00ferris."})
    assert error_of(nul) == (400, "invalid_character")  # on either database
    language = client.post("/v1/memory/units", json={**body, "target_lang": "e"})
    assert error_of(language) == (422, "validation_error")
    assert client.delete(f"/v1/memory/units/{first.json()['id']}").status_code == 204
    assert units(client) == 0 and lookup(client, "Ferries sailed again.")["exact"] is None
    gone = client.delete(f"/v1/memory/units/{first.json()['id']}")
    assert error_of(gone) == (404, "unit_not_found")


# --- bad files and limits -----------------------------------------------------------------------

BAD_TMX = """\
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>Good.</seg></tuv><tuv xml:lang="es"><seg>Bien.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Fine.</seg></tuv><tuv xml:lang="es"><seg>Vale.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Broken.</tuv></tu>
</body></tmx>
"""
NOT_TMX = '<?xml version="1.0"?>\n<xliff version="1.2"><file/></xliff>\n'
BAD_TBX = """\
<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry><langSet xml:lang="en"><tig><term>harbour</term></tig></langSet>
<langSet xml:lang="es"><tig><term>puerto</term></tig></langSet></termEntry>
<termEntry><langSet xml:lang="en"><tig><term>quay</term></tig>
</termEntry>
</body></text></martif>
"""
NOT_TBX = '<?xml version="1.0"?>\n<html><body>harbour</body></html>\n'
BAD_FIELDS = "source,target\nharbour,puerto\nferry,ferri\nquay,muelle,extra\n"
BAD_BOOLEAN = "source,target,do_not_translate\nharbour,puerto,no\nAFP,,maybe\n"
BAD_HEADER = "term,translation\nharbour,puerto\n"
MISSING_TARGET = "source,target\nharbour,puerto\nquay,\n"
LONG_CSV = "source,target\nharbour,puerto\nquay," + "m" * 1001 + "\n"  # over the column
LONG_TBX = BAD_TBX.replace("<tig><term>quay</term></tig>\n", "<tig><term>quay</term></tig>\n"
                           f'</langSet><langSet xml:lang="es"><tig><term>{"m" * 1001}</term></tig>'
                           "</langSet>\n")  # fmt: skip


@pytest.mark.parametrize(
    ("path", "body", "line", "words"),
    [
        ("/v1/memory/import", BAD_TMX, 5, "malformed XML"),
        ("/v1/memory/import", NOT_TMX, 2, "expected <tmx>"),
        ("/v1/memory/import", "", 1, "not XML or empty"),
        ("/v1/glossary/import?target_lang=es&format=tbx", BAD_TBX, 6, "malformed XML"),
        ("/v1/glossary/import?target_lang=es&format=tbx", NOT_TBX, 2, "expected <martif> or <tbx>"),
        ("/v1/glossary/import?target_lang=es&format=csv", BAD_FIELDS, 4, "3 fields"),
        ("/v1/glossary/import?target_lang=es&format=csv", BAD_BOOLEAN, 3, "do_not_translate"),
        ("/v1/glossary/import?target_lang=es&format=csv", BAD_HEADER, 1, "header"),
        ("/v1/glossary/import?target_lang=es&format=csv", MISSING_TARGET, 3, "needs a target"),
        ("/v1/glossary/import?target_lang=es&format=csv", "", 1, "empty file"),
        ("/v1/glossary/import?target_lang=es&format=csv", LONG_CSV, 3, "at most 1,000"),
        ("/v1/glossary/import?target_lang=es&format=tbx", LONG_TBX, 5, "at most 1,000"),
    ],
)
def test_a_malformed_file_is_refused_whole(
    client: TestClient, path: str, body: str, line: int, words: str
) -> None:
    response = client.post(path, content=body.encode())
    assert error_of(response) == (400, "malformed_input")
    message = message_of(response)
    assert f"line {line}" in message and words in message, message
    assert ("TMX" if "memory" in path else "TBX" if "tbx" in path else "CSV") in message
    assert terms(client) == [] and units(client) == 0


def test_a_tmx_unit_with_an_overlong_language_tag_is_skipped_with_its_line(
    client: TestClient,
) -> None:
    tag = "en-" + "-".join(["abcdefgh"] * 5)  # a well-formed tag longer than the store keeps
    tmx = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" '
        'datatype="plaintext"/><body>\n'
        '<tu><tuv xml:lang="en"><seg>The quay.</seg></tuv><tuv xml:lang="es"><seg>El muelle.'
        "</seg></tuv></tu>\n"
        f'<tu><tuv xml:lang="{tag}"><seg>The bay.</seg></tuv><tuv xml:lang="es"><seg>La bahía.'
        "</seg></tuv></tu>\n</body></tmx>\n"
    )
    response = client.post("/v1/memory/import", content=tmx.encode())
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["imported"], report["skipped"], report["skipped_lines"]) == (1, 1, [4])
    assert units(client) == 1


def test_a_csv_body_must_be_utf8(client: TestClient) -> None:
    latin1 = "source,target\nharbour,puerto\nbay,bahía\n".encode("latin-1")
    response = client.post("/v1/glossary/import?target_lang=es&format=csv", content=latin1)
    assert error_of(response) == (400, "invalid_encoding")
    assert terms(client) == []


def test_an_import_over_the_size_limit_is_refused(tmp_path: Path, store_url: str) -> None:
    tus = "".join(
        f'<tu><tuv xml:lang="en"><seg>Sentence {n}.</seg></tuv>'
        f'<tuv xml:lang="es"><seg>Frase {n}.</seg></tuv></tu>\n'
        for n in range(60)
    )
    tmx = f'<tmx version="1.4"><header srclang="en"/><body>\n{tus}</body></tmx>'.encode()
    glossary = ("source,target\n" + "".join(f"term{n},término{n}\n" for n in range(300))).encode()
    assert len(tmx) > 4096 and len(glossary) > 4096
    with client_for(tmp_path, store_url, role="editor", max_request_bytes=4096) as client:
        for path, body in (
            ("/v1/memory/import", tmx),
            ("/v1/glossary/import?target_lang=es", glossary),
        ):
            response = client.post(path, content=body)
            assert error_of(response) == (413, "request_too_large"), path
            assert "4,096 bytes" in message_of(response)
        assert units(client) == 0 and terms(client) == []
        small = client.post(
            "/v1/memory/import", content=tmx[:4000].rsplit(b"\n", 1)[0] + b"</body></tmx>"
        )
        assert small.status_code == 200 and small.json()["imported"] > 0


# --- what translation makes of it ---------------------------------------------------------------


def test_a_correction_is_used_by_translate(client: TestClient) -> None:
    first = translate(client, "Ferries sailed again.")
    assert [s["origin"] for s in first["segments"]] == ["engine"]
    correction = {**EN_ES, "source": "Ferries sailed again.", "target": "Los ferris zarparon."}
    assert client.post("/v1/memory/units", json=correction).status_code == 201
    corrected = translate(client, "Ferries sailed again.")
    [segment] = corrected["segments"]
    assert segment["origin"] == "memory:human"
    assert segment["target"] == "Los ferris zarparon."
    assert "Los ferris zarparon." in corrected["content"]
    # deleted again: the engine's own earlier translation is served from the memory
    unit_id = lookup(client, "Ferries sailed again.", machine=False)["exact"]["unit_id"]
    assert client.delete(f"/v1/memory/units/{unit_id}").status_code == 204
    after = translate(client, "Ferries sailed again.")
    assert [(s["origin"], s["target"]) for s in after["segments"]] == [
        ("memory:machine", first["segments"][0]["target"])
    ]


@contextmanager
def memory_writes_held(store: Store) -> Iterator[Callable[[], None]]:
    """Another connection keeps new memory units from being written (reads go on) until the
    function it yields is called."""
    if store.engine.url.get_backend_name() == "sqlite":
        path = store.engine.url.database
        assert path is not None
        raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        raw.execute("BEGIN EXCLUSIVE")  # in WAL mode readers still read

        def release() -> None:
            raw.execute("ROLLBACK")
            raw.close()
    else:
        connection = store.engine.connect()
        transaction = connection.begin()
        # Conflicts with the inserts' ROW EXCLUSIVE lock, not with the reads' ACCESS SHARE.
        connection.exec_driver_sql("LOCK TABLE tm_units IN SHARE ROW EXCLUSIVE MODE")

        def release() -> None:
            transaction.rollback()
            connection.close()

    released = threading.Event()

    def once() -> None:
        if not released.is_set():
            released.set()
            release()

    try:
        yield once
    finally:
        once()


def test_memory_routes_see_what_translate_has_just_stored(client: TestClient) -> None:
    """/v1/translate stores machine translations after answering; a memory route called before
    that write is done waits for it."""
    store: Store = client.app.state.services.store  # type: ignore[attr-defined]
    sentence = "The ferry number 7 left the harbour at dawn."
    assert units(client) == 0  # the client's key is checked (and its use recorded) before
    with memory_writes_held(store) as release:
        translated = translate(client, sentence)  # answered; its memory write is held up
        threading.Timer(0.5, release).start()
        found = lookup(client, sentence)["exact"]  # waits for the write, then finds it
    assert found is not None and found["origin"] == "machine"
    assert found["target"] == translated["segments"][0]["target"]


def test_lookup_suggests_from_the_fuzzy_threshold_setting(tmp_path: Path, store_url: str) -> None:
    with client_for(tmp_path, store_url, role="editor", fuzzy_threshold=0.95) as strict:
        human = {**EN_ES, "source": "The harbour reopened on Monday after the storm.",
                 "target": "El puerto reabrió el lunes tras la tormenta."}  # fmt: skip
        assert strict.post("/v1/memory/units", json=human).status_code == 201
        near = "The harbour reopened on Sunday after a storm."
        assert lookup(strict, near)["suggestions"] == []  # 0.91: under the setting
        assert len(lookup(strict, near, threshold=0.75)["suggestions"]) == 1


def test_the_result_cache_is_not_stale_after_writes_through_the_api(client: TestClient) -> None:
    cache: ResultCache = client.app.state.services.cache  # type: ignore[attr-defined]
    text = "The harbour reopened on Tuesday.\n\nFerries sailed again."
    translate(client, text)  # from the engine, into the memory
    from_memory = translate(client, text)
    assert {s["origin"] for s in from_memory["segments"]} == {"memory:machine"}
    assert timeless(translate(client, text)) == timeless(from_memory) and cache.hits == 1

    added = client.post(
        "/v1/glossary/terms", json={**EN_ES, "source": "harbour", "target": "puerto"}
    )
    assert added.status_code == 201
    assert (
        timeless(translate(client, text)) == timeless(from_memory) and cache.hits == 1
    )  # computed again
    assert timeless(translate(client, text)) == timeless(from_memory) and cache.hits == 2

    correction = {**EN_ES, "source": "Ferries sailed again.", "target": "Los ferris zarparon."}
    unit = client.post("/v1/memory/units", json=correction).json()
    corrected = translate(client, text)
    assert cache.hits == 2 and "Los ferris zarparon." in corrected["content"]
    assert timeless(translate(client, text)) == timeless(corrected) and cache.hits == 3

    assert client.delete(f"/v1/memory/units/{unit['id']}").status_code == 204
    assert timeless(translate(client, text)) == timeless(from_memory) and cache.hits == 3

    imported = client.post(
        "/v1/memory/import",
        content=(
            b'<tmx version="1.4"><header srclang="en"/><body><tu>'
            b'<tuv xml:lang="en"><seg>Ferries sailed again.</seg></tuv>'
            b'<tuv xml:lang="es"><seg>Zarparon los ferris.</seg></tuv></tu></body></tmx>'
        ),
    )
    assert imported.json()["imported"] == 1
    assert "Zarparon los ferris." in translate(client, text)["content"] and cache.hits == 3

    client.patch(f"/v1/glossary/terms/{added.json()['id']}", json={"target": "muelle"})
    translate(client, text)
    assert cache.hits == 3
    client.post("/v1/glossary/import?target_lang=es", content=b"source,target\nferry,ferri\n")
    translate(client, text)
    assert cache.hits == 3
    client.delete(f"/v1/glossary/terms/{added.json()['id']}")
    translate(client, text)
    assert cache.hits == 3


def test_openapi_documents_the_memory_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/glossary/terms",
        "/v1/glossary/terms/{term_id}",
        "/v1/glossary/import",
        "/v1/glossary/export",
        "/v1/memory/import",
        "/v1/memory/export",
        "/v1/memory/lookup",
        "/v1/memory/units",
        "/v1/memory/units/{unit_id}",
        "/v1/memory/counts",
    ):
        assert path in paths, path
        for operation in paths[path].values():
            assert operation.get("summary") and operation.get("description"), path
            assert "application/json" in operation["responses"]["401"]["content"], path
    imports = paths["/v1/memory/import"]["post"]["requestBody"]["content"]
    assert "application/x-tmx+xml" in imports


def test_an_import_lists_at_most_a_hundred_skipped_lines_and_counts_them_all(
    client: TestClient,
) -> None:
    bad = '<tu><tuv xml:lang="en"><seg>Alone.</seg></tuv></tu>\n' * 130
    tmx = (
        '<?xml version="1.0"?>\n<tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" '
        f'datatype="plaintext"/><body>\n{bad}</body></tmx>\n'
    )
    report = client.post("/v1/memory/import", content=tmx.encode()).json()
    assert report["skipped"] == 130
    assert report["skipped_lines"] == list(range(3, 103))  # the first hundred <tu>, one a line
