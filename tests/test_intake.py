"""Text in, one rule (``tarjama.intake``): lone surrogates, NUL, the other control characters
but tab and line breaks, and noncharacters are refused naming where; line ends become LF; text
is NFC. At every entry: the HTTP routes (status and error code), the command line (exit 65 and
one line on stderr), TMX, TBX and CSV imports. And whatever was accepted can be exported, text
stored before the rule included.

The HTTP and store tests run on SQLite and on PostgreSQL (``store_url``), with the pseudo
engine: only what happens to the text at the edges matters here.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from tarjama import formats, intake
from tarjama.api import create_app, create_key
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import CharacterError, ConfigError, InputError
from tarjama.formats.feed import read_feed
from tarjama.memory import Glossary, TranslationMemory
from tarjama.memory.normalise import source_hash
from tarjama.memory.tmx import TMXReader
from tarjama.store import GlossaryTerm, Store, TMUnit, utcnow

from .test_serve_restart import Server

TARJAMA = str(Path(sys.executable).with_name("tarjama"))
JSON = {"content-type": "application/json"}
EN_ES = {"source_lang": "en", "target_lang": "es"}


def json_body(value: Any) -> bytes:
    """JSON as a client sends it: every character outside ASCII as an escape, so a lone
    surrogate travels as ``\\ud800``, the way the issue's probe sent it."""
    return json.dumps(value, ensure_ascii=True).encode("ascii")


# --- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello \ud800 world.", "lone surrogate U+D800 at offset 6"),
        ("Hello \udfff", "lone surrogate U+DFFF at offset 6"),
        ("x\udcff", "the byte 0xFF, not UTF-8"),  # how Python carries a bad byte of argv
        ("Hello\x00world.", "NUL (U+0000) at offset 5"),
        ("a\x01", "control character U+0001 at offset 1"),
        ("one\x0btwo", "control character U+000B at offset 3"),  # a word processor's line break
        ("page\x0c", "control character U+000C at offset 4"),
        ("a\x1fb", "control character U+001F at offset 1"),
        ("del\x7f", "control character U+007F at offset 3"),
        ("NEL\x85", "control character U+0085 at offset 3"),
        ("don\x92t", "there 0x92 is '’'"),  # Windows-1252 read as Latin-1
        ("\ufdd0", "noncharacter U+FDD0 at offset 0"),
        ("ok \ufffe", "noncharacter U+FFFE at offset 3"),
        ("ok \uffff", "noncharacter U+FFFF at offset 3"),
        ("\U0010ffff", "noncharacter U+10FFFF at offset 0"),
        ("\U0001fffe", "noncharacter U+1FFFE at offset 0"),
    ],
)
def test_refused_characters_are_named_with_their_offset(text: str, message: str) -> None:
    with pytest.raises(CharacterError) as caught:
        intake.accept(text, "q")
    assert str(caught.value).startswith("q: ") and message in str(caught.value), caught.value
    assert caught.value.offset == text.index(caught.value.character)
    assert "\\" not in str(caught.value)  # the character is described, never echoed


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("windows\r\nline\r\nends", "windows\nline\nends"),
        ("old\rmac", "old\nmac"),
        ("\r\n\r", "\n\n"),
        ("cafe\u0301", "caf\u00e9"),  # NFD -> NFC
        ("\u212b", "\u00c5"),  # the angstrom sign is A with a ring in NFC
        ("\u200f\u202bمرحبا\u202c\u2067x\u2069", "\u200f\u202bمرحبا\u202c\u2067x\u2069"),  # bidi
        ("zero\u200bwidth\u200c\u200d\u2060\ufeff", "zero\u200bwidth\u200c\u200d\u2060\ufeff"),
        ("soft\u00adhyphen\u00a0nbsp", "soft\u00adhyphen\u00a0nbsp"),
        (
            "private \ue000 \U000f0000 emoji \U0001f600",
            "private \ue000 \U000f0000 emoji \U0001f600",
        ),
        ("^$/<>{}[]\\@*#~", "^$/<>{}[]\\@*#~"),  # Apertium's specials are text
        ("\U0010fffd", "\U0010fffd"),
    ],
)
def test_accepted_text_is_nfc_with_lf_line_ends(text: str, accepted: str) -> None:
    assert intake.accept(text) == accepted


def test_a_file_position_is_given_as_line_and_column_too() -> None:
    with pytest.raises(CharacterError) as caught:
        intake.accept("first\r\nsecond\rthird \x11", "story.txt", lines=True)
    assert str(caught.value).startswith(
        "story.txt: control character U+0011 at offset 20 (line 3, column 7): "
    )
    assert (caught.value.line, caught.value.column) == (3, 7)


def test_scrub_removes_what_the_rule_refuses_and_says_where() -> None:
    assert intake.scrub("a\x11b\r\nc\x85") == (
        "ab\nc",
        ["U+0011 at offset 1", "U+0085 at offset 6"],
    )
    assert intake.scrub("clean") == ("clean", [])


# Arbitrary text, weighted towards what breaks things: every control character, surrogates,
# noncharacters, bidi controls, zero-width characters, combining marks, Apertium's specials.
SPECIAL = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\ud800", "\udbff", "\udc00", "\udfff", "\ufdd0", "\ufffe", "\uffff", "\U0001ffff"]
    + ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0301", "\u0308", "\u212b"]
    + list("^$/<>{}[]\\@*#~")
)
TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=())),
    max_size=60,
)
# The same, but only what the rule accepts: the round trips need text that gets in.
ACCEPTABLE = st.text(
    alphabet=st.one_of(
        st.sampled_from([c for c in SPECIAL if intake.accepts(c)]),
        st.characters(exclude_categories=()).filter(intake.accepts),
    ),
    max_size=60,
)
MIXED = st.one_of(ACCEPTABLE, TEXT)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_the_rule_refuses_or_gives_nfc_text_with_nothing_it_refuses(text: str) -> None:
    try:
        accepted = intake.accept(text)
    except CharacterError as exc:
        assert not intake.accepts(text)
        assert intake.REFUSED.fullmatch(text[exc.offset])
        assert not intake.REFUSED.search(text, 0, exc.offset)  # the first one is named
        return
    assert intake.accepts(text)
    assert unicodedata.is_normalized("NFC", accepted)
    assert not intake.REFUSED.search(accepted) and "\r" not in accepted
    assert intake.accept(accepted) == accepted
    accepted.encode("utf-8")  # what hashing for the memory did, and a lone surrogate broke


# --- whatever is accepted can be exported -------------------------------------------------------


@pytest.fixture
def stores(store_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Store]]:
    """Two migrated stores on the same kind of database."""
    if store_url.startswith("sqlite"):
        other = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        other = request.getfixturevalue("postgres_database")(migrated=True)
    with Store(store_url) as first, Store(other) as second:
        first.migrate()
        second.migrate()
        yield [first, second]


def _empty(*stores: Store) -> None:
    for store in stores:
        with store.begin() as session:
            session.execute(delete(TMUnit))
            session.execute(delete(GlossaryTerm))


# hypothesis gives each example the same stores, and each example empties them first
ROUND_TRIP = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@ROUND_TRIP
@given(source=MIXED, target=MIXED, note=ACCEPTABLE)
def test_accepted_text_round_trips_memory_tmx_export_and_import(
    stores: list[Store], source: str, target: str, note: str
) -> None:
    _empty(*stores)
    memory, copy = TranslationMemory(stores[0]), TranslationMemory(stores[1])
    try:
        memory.add(source, target, source_lang="en", target_lang="es", note=note)
    except CharacterError:
        assert not all(intake.accepts(t) for t in (source, target, note))
        assert memory.count() == 0
        event("refused")
        return
    except InputError:  # a blank source or target
        assert not (source.strip() and target.strip())
        event("blank")
        return
    event("round trip")
    stored = [(u.source, u.target, u.note) for u in memory.units()]
    assert stored == [(intake.accept(source), intake.accept(target), intake.accept(note))]
    exported = io.BytesIO()
    assert memory.export_tmx(exported) == 1
    assert copy.import_tmx(exported.getvalue()) == 1
    assert [(u.source, u.target, u.note) for u in copy.units()] == stored


@ROUND_TRIP
@given(source=MIXED, target=MIXED, note=ACCEPTABLE)
def test_accepted_terms_round_trip_csv_and_tbx(
    stores: list[Store], source: str, target: str, note: str
) -> None:
    _empty(*stores)
    glossary, copy = Glossary(stores[0]), Glossary(stores[1])
    try:
        glossary.add(source, target, source_lang="en", target_lang="es", note=note)
    except CharacterError:
        assert not all(intake.accepts(t) for t in (source, target, note))
        return
    except InputError:  # a blank term
        return
    [term] = glossary.list_terms("en", "es")
    csv_file = io.StringIO(newline="")
    glossary.export_csv(csv_file, "en", "es")
    csv_file.seek(0)
    assert copy.import_csv(csv_file, "en", "es") == 1
    assert [(t.source, t.target, t.note) for t in copy.list_terms("en", "es")] == [
        (term.source, term.target, term.note)
    ]
    _empty(stores[1])
    tbx_file = io.BytesIO()
    glossary.export_tbx(tbx_file, "en", "es")
    assert copy.import_tbx(tbx_file.getvalue(), "en", "es").imported == 1
    # TBX notes are read trimmed, as they always were
    assert [(t.source, t.target, t.note) for t in copy.list_terms("en", "es")] == [
        (term.source, term.target, term.note.strip())
    ]


LEGACY = "Stored\x11 before\r\nthe rule\x85."  # what earlier versions let in


def _store_legacy(store: Store, text: str) -> None:
    """A unit and a term holding ``text``, written as versions before the rule wrote them."""
    now = utcnow()
    with store.begin() as session:
        session.execute(
            insert(TMUnit).values(
                source_lang="en", target_lang="es", source_locale="en", target_locale="es",
                source=text, target=text, source_hash=source_hash(text),
                source_length=len(text), origin="human", engine="", engine_version="",
                model="", approved=False, note=text, created_at=now, updated_at=now,
            )
        )  # fmt: skip
        session.execute(
            insert(GlossaryTerm).values(
                source_lang="en", target_lang="es", source_term=text, target_term="muelle",
                case_sensitive=False, do_not_translate=False, note=text, created_at=now,
                updated_at=now,
            )
        )  # fmt: skip


def test_text_stored_before_the_rule_is_exported_without_what_it_refuses(
    client: TestClient, stores: list[Store], store_url: str
) -> None:
    legacy = LEGACY + ("\x00" if store_url.startswith("sqlite") else "")  # PostgreSQL refuses NUL
    _store_legacy(stores[0], legacy)  # the client's store
    clean = "Stored before\nthe rule."
    said = "U+0011 at offset 6; source U+0085 at offset 24"

    tmx = client.get("/v1/memory/export")
    assert tmx.status_code == 200, tmx.text
    assert f"<!-- tarjama removed what the text rule refuses: source {said}" in tmx.text
    units = list(TMXReader(tmx.content))
    assert [(u.source, u.target, u.note) for u in units] == [(clean, clean, clean)]
    assert TranslationMemory(stores[1]).import_tmx(tmx.content) == 1

    tbx = client.get("/v1/glossary/export", params={"target_lang": "es", "format": "tbx"})
    assert tbx.status_code == 200, tbx.text
    assert f"<!-- tarjama removed what the text rule refuses: source {said}" in tbx.text
    assert Glossary(stores[1]).import_tbx(tbx.content, "en", "es").imported == 1
    assert Glossary(stores[1]).list_terms("en", "es")[0].source == clean

    csv_text = client.get("/v1/glossary/export", params={"target_lang": "es"}).text
    assert csv_text.splitlines()[1:3] == [
        '"Stored before',
        'the rule.",muelle,false,false,"Stored before',
    ]
    _empty(stores[1])
    assert Glossary(stores[1]).import_csv(io.StringIO(csv_text, newline=""), "en", "es") == 1


# --- the formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"Headline\n\nA \x00 here.", None, "the input: NUL (U+0000) at offset 12 (line 3, col"),
        (b"H\x00e\x00", None, "binary data, or UTF-16?"),
        (b"Headline\n\nOne\x0btwo.", None, "U+000B at offset 13 (line 3, column 4)"),
        ("Headline\r\n\r\nDon\u0092t.".encode(), None, "U+0092 at offset 15 (line 3, column 4)"),
        (b'{"uri": "x", "headlines": [{"role": "main", "value": "Hi \\ud800."}]}', "ninjs",
         "the ninjs: headlines[0].value: lone surrogate U+D800 at offset 3"),
        (b'{"uri": "x", "headline": "Hi", "body_html": "<p>a \\u0011</p>"}', "ninjs",
         "the ninjs: body_html: control character U+0011 at offset 5"),
        (b'{"uri": "x", "headline": "Hi", "body_html": "<p>a &#x7f;</p>"}', "ninjs",
         "the HTML body: control character U+007F at offset 5 (line 1, column 6)"),
        (b'{"uri": "x", "headline": "Hi", "ednote": "\\u0000"}', "ninjs",
         "the ninjs: ednote: NUL (U+0000) at offset 0"),
        (b"<h1>Title</h1>\n<p>a &#x11; b</p>", "html",
         "the HTML: control character U+0011 at offset 20 (line 2, column 6)"),
        (b'<p>x</p><img alt="a&#x7f;">', "html",
         "the HTML: control character U+007F at offset 19 (line 1, column 20)"),
    ],
)  # fmt: skip
def test_every_reader_refuses_with_the_position(data: bytes, fmt: str | None, message: str) -> None:
    with pytest.raises(CharacterError) as caught:
        formats.read(data, fmt)
    assert message in str(caught.value), caught.value


def test_a_feed_refuses_a_c1_control_raw_or_as_a_reference() -> None:
    feed = (
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n'
        "<item><title>One</title><description>Fine.</description></item>\n"
        "<item><title>T{}wo</title><description>Fine.</description></item>\n"
        "</channel></rss>\n"
    )
    with pytest.raises(CharacterError, match=r"the feed: .*U\+0085 at offset \d+ \(line 4, col"):
        read_feed(feed.format("\x85"))
    with pytest.raises(CharacterError, match=r"the feed, item 2, headline: .*U\+0085 at offset 1"):
        read_feed(feed.format("&#x85;"))


def test_formats_read_nfc_text_with_lf_line_ends() -> None:
    article = formats.read(b"Cafe\xcc\x81 opens\r\n\r\nThe cafe\xcc\x81 opened.\r\n", "text")
    assert article.headline == "Caf\u00e9 opens"
    assert article.body[0].text == "The caf\u00e9 opened."
    ninjs = json_body({"uri": "u", "headlines": [{"role": "main", "value": "Cafe\u0301"}]})
    assert formats.read(ninjs).headline == "Caf\u00e9"


# --- HTTP ---------------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path, store_url: str) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", store=store_url, targets=("es",))
    editor = {"X-API-Key": create_key(settings, "cms", "editor")}
    with TestClient(
        create_app(settings, engine=PseudoEngine(), job_threads=0), headers=editor
    ) as c:
        yield c


def error_of(response: Any) -> tuple[int, str, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return response.status_code, body["error"]["code"], body["error"]["message"]


CSV = {"content-type": "text/csv"}
TBX = {"content-type": "application/x-tbx+xml"}
TMX = {"content-type": "application/x-tmx+xml"}
TEXT_PLAIN = {"content-type": "text/plain"}
TMX_C1 = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en"/><body>
<tu><tuv xml:lang="en"><seg>Good.</seg></tuv><tuv xml:lang="es"><seg>Bien.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Bad\u0085.</seg></tuv><tuv xml:lang="es"><seg>Mal.</seg></tuv></tu>
</body></tmx>
"""
TBX_C1 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry><langSet xml:lang="en"><tig><term>harbour</term></tig></langSet>
<langSet xml:lang="es"><tig><term>puerto</term></tig></langSet></termEntry>
<termEntry><langSet xml:lang="en"><tig><term>quay</term></tig></langSet>
<langSet xml:lang="es"><tig><term>muelle&#x9f;</term></tig></langSet></termEntry>
</body></text></martif>
"""
ARTICLE_NINJS = {"uri": "urn:x", "headlines": [{"role": "main", "value": "Hello \ud800 world."}]}

# (method, path, request arguments, the message's start and the position it names)
ENTRIES: list[tuple[str, str, dict[str, Any], str]] = [
    ("POST", "/v1/translate", {"content": json_body({"text": "Hi \ud800 you.", "target": "es"}),
     "headers": JSON}, "text: lone surrogate U+D800 at offset 3"),
    ("POST", "/v1/translate", {"json": {"text": "Hello\x00world.", "target": "es"}},
     "text: NUL (U+0000) at offset 5"),
    ("POST", "/v1/translate", {"json": {"html": "<p>Hi \x11</p>", "target": "es"}},
     "html: control character U+0011 at offset 6"),
    ("POST", "/v1/translate", {"json": {"html": "<p>Hi &#x1b;</p>", "target": "es"}},
     "the HTML: control character U+001B at offset 6 (line 1, column 7)"),
    ("PUT", "/v1/articles/a1", {"content": json_body(ARTICLE_NINJS), "headers": JSON},
     "the ninjs: headlines[0].value: lone surrogate U+D800 at offset 6"),
    ("PUT", "/v1/articles/a1", {"content": b"Headline\n\nNUL \x00.", "headers": TEXT_PLAIN},
     "the input: NUL (U+0000) at offset 14 (line 3, column 5)"),
    ("PUT", "/v1/articles/a1", {"content": "<h1>Hi</h1><p>x\u0085</p>".encode(),
                                "headers": {"content-type": "text/html"}},
     "the HTML: control character U+0085 at offset 15 (line 1, column 16)"),
    ("POST", "/v1/articles", {"content": b'{"uri": "u", "headline": "A \\u001b[31m"}',
                              "headers": JSON}, "the ninjs: headline: control character U+001B"),
    ("POST", "/v1/feeds/translate?target=es",
     {"content": b'<rss version="2.0"><channel><title>T</title><item><title>A &#x9b;</title>'
                 b"</item></channel></rss>", "headers": {"content-type": "application/rss+xml"}},
     "the feed, item 1, headline: control character U+009B at offset 2"),
    ("POST", "/v1/glossary/terms", {"json": {**EN_ES, "source": "qu\x11ay", "target": "muelle"}},
     "source: control character U+0011 at offset 2"),
    ("POST", "/v1/glossary/terms", {"json": {**EN_ES, "source": "quay", "target": "m",
                                             "note": "\ufffe"}}, "note: noncharacter U+FFFE"),
    ("POST", "/v1/memory/units", {"content": json_body({**EN_ES, "source": "A\udc00.",
                                                        "target": "B."}), "headers": JSON},
     "source: lone surrogate U+DC00 at offset 1"),
    ("POST", "/v1/memory/units", {"json": {**EN_ES, "source": "A.", "target": "B\x00."}},
     "target: NUL (U+0000) at offset 1"),
    ("GET", "/v1/memory/lookup?target_lang=es&text=a%00b", {}, "text: NUL (U+0000) at offset 1"),
    ("POST", "/v1/memory/import", {"content": TMX_C1.encode(), "headers": TMX},
     "the TMX body: line 4: <tuv>: control character U+0085 at offset 3"),
    ("POST", "/v1/glossary/import?target_lang=es",
     {"content": b"source,target\nharbour,puerto\nquay\x00,muelle\n", "headers": CSV},
     "the CSV body: NUL (U+0000) at offset 33 (line 3, column 5)"),
    ("POST", "/v1/glossary/import?target_lang=es",
     {"content": b"source,target,note\nquay,muelle,\"two\r\nlines \x0c\"\n", "headers": CSV},
     "the CSV body: control character U+000C at offset 43 (line 3, column 7)"),
    ("POST", "/v1/glossary/import?target_lang=es", {"content": TBX_C1.encode(), "headers": TBX},
     "the TBX body: line 5: the target term: control character U+009F at offset 6"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "kwargs", "message"), ENTRIES)
def test_every_entry_refuses_with_400_naming_the_position(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any], message: str
) -> None:
    response = client.request(method, path, **kwargs)
    status, code, said = error_of(response)
    assert (status, code) == (400, "invalid_character"), said
    assert said.startswith(message), said
    # nothing of it was stored
    assert client.get("/v1/memory/counts").json()["total"] == 0
    assert client.get("/v1/glossary/terms").json() == []
    assert client.get("/v1/articles/a1").status_code == 404
    assert client.get("/v1/articles/u").status_code == 404


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=MIXED)
def test_arbitrary_text_is_refused_or_served_and_what_is_kept_exports(
    client: TestClient, text: str
) -> None:
    """Arbitrary text through /v1/translate, /translate, an article PUT and a memory unit: a
    400 invalid_character exactly when the rule refuses it, never a 5xx, and the memory (all
    that was accepted into it so far) always exports and imports back."""
    accepted = intake.accepts(text)
    blank = not text.strip()

    def check(method: str, path: str, body: dict[str, Any], fine: set[int]) -> None:
        response = client.request(method, path, content=json_body(body), headers=JSON)
        assert response.status_code < 500, response.text
        error = response.json().get("error") if response.status_code >= 400 else None
        code = error if isinstance(error, str) or error is None else error["code"]
        if not accepted:
            assert response.status_code == 400, response.text
            assert code == "invalid_character" or str(code).startswith("q: "), response.text
        elif response.status_code not in fine:  # blank text, or a blank headline
            assert blank and response.status_code in (400, 422), response.text
            assert code in {"empty_input", "validation_error", "malformed_input"} or (
                path == "/translate"
            ), response.text

    check("POST", "/v1/translate", {"text": text, "target": "es"}, {200})
    check("POST", "/translate", {"q": text, "source": "en", "target": "es"}, {200})
    check("PUT", "/v1/articles/p1", {"uri": "p1", "headline": text}, {200, 201, 202})
    check("POST", "/v1/memory/units", {**EN_ES, "source": text, "target": text}, {201})
    exported = client.get("/v1/memory/export")
    assert exported.status_code == 200, exported.text
    again = client.post("/v1/memory/import", content=exported.content, headers=TMX)
    assert again.status_code == 200, again.text
    assert (
        again.json()["imported"] == again.json()["units"] == len(list(TMXReader(exported.content)))
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"content": json_body({"q": "Hello \ud800 world.", "source": "en", "target": "es"}),
          "headers": JSON}, "q: lone surrogate U+D800 at offset 6"),
        ({"json": {"q": ["Fine.", "Hello\x00world."], "source": "en", "target": "es"}},
         "q[1]: NUL (U+0000) at offset 5"),
        ({"data": {"q": "Form \x0b body", "source": "en", "target": "es"}},
         "q: control character U+000B at offset 5"),
        ({"files": {"q": (None, "multi\x85part"), "source": (None, "en"), "target": (None, "es")}},
         "q: control character U+0085 at offset 5"),
        ({"json": {"q": "<p>a &#x11;</p>", "source": "en", "target": "es", "format": "html"}},
         "the HTML: control character U+0011 at offset 5 (line 1, column 6)"),
    ],
)  # fmt: skip
def test_libretranslate_refuses_with_its_own_error_shape(
    client: TestClient, kwargs: dict[str, Any], message: str
) -> None:
    response = client.post("/translate", **kwargs)
    assert response.status_code == 400
    assert set(response.json()) == {"error"} and response.json()["error"].startswith(message)
    detect = client.post("/detect", **{**kwargs, "json": None} if "json" in kwargs else kwargs)
    if "json" not in kwargs and "html" not in message:
        assert detect.status_code == 400 and detect.json()["error"].startswith(message)


def test_a_correction_is_text_under_the_rule(client: TestClient) -> None:
    submitted = client.put(
        "/v1/articles/a1", content=b"Harbour reopens\n\nThe ferries sailed.", headers=TEXT_PLAIN
    )
    assert submitted.status_code == 201, submitted.text
    assert client.app.state.worker.run_pending()  # type: ignore[attr-defined]
    segments = client.get("/v1/articles/a1/translations/es/segments").json()["segments"]
    first = next(s for s in segments if s["field"].startswith("body"))
    segment = f"/v1/articles/a1/translations/es/segments/{first['field']}/{first['index']}"
    refused = client.put(segment, json={"target": "Los ferris\x0bzarparon."})
    assert error_of(refused)[:2] == (400, "invalid_character")
    assert error_of(refused)[2].startswith("target: control character U+000B at offset 10")
    corrected = client.put(segment, json={"target": "Los ferris\r\nzarparon de nuevo\u0301."})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["target"] == "Los ferris\nzarparon de nuev\u00f3."


def test_accepted_text_is_nfc_where_it_is_stored_and_matched(client: TestClient) -> None:
    nfd, nfc = "Cafe\u0301", "Caf\u00e9"
    term = {**EN_ES, "source": f"{nfd} Nour", "target": "", "do_not_translate": True}
    added = client.post("/v1/glossary/terms", json=term)
    assert added.status_code == 201 and added.json()["source"] == f"{nfc} Nour"
    unit = {**EN_ES, "source": f"The {nfd} opened.", "target": f"Abri\u00f3 el {nfd}."}
    stored = client.post("/v1/memory/units", json=unit).json()
    assert (stored["source"], stored["target"]) == (f"The {nfc} opened.", f"Abri\u00f3 el {nfc}.")
    found = client.get("/v1/memory/lookup", params={"text": f"The {nfc} opened.", **EN_ES})
    assert found.json()["exact"]["target"] == f"Abri\u00f3 el {nfc}."
    done = client.post(
        "/v1/translate", json={"text": "We met at Cafe\u0301 Nour.\r\nOk.", "target": "es"}
    )
    assert done.status_code == 200, done.text
    content = done.json()["translations"][0]["content"]
    assert "Caf\u00e9 Nour" in content and "\r" not in content and content.count("\n") == 1


def test_the_next_request_on_the_connection_is_served(tmp_path: Path) -> None:
    """The probe's lone surrogate was a 500 and the next request on its connection was reset;
    now a 400, and the same keep-alive connection serves the next request."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env = {**clean, "TARJAMA_DATA_DIR": str(tmp_path / "data"), "TARJAMA_ENGINE": "pseudo",
           "TARJAMA_ANONYMOUS_WRITE": "true", "TARJAMA_TARGETS": "es"}  # fmt: skip
    server = Server(env, tmp_path / "server.log")
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.connect()
        sock = connection.sock
        for path, bad, good in (
            ("/v1/translate", {"text": "Hello \ud800 world.", "target": "es"},
             {"text": "Hello world.", "target": "es"}),
            ("/translate", {"q": "Hello \ud800 world.", "source": "en", "target": "es"},
             {"q": "Hello world.", "source": "en", "target": "es"}),
            ("/v1/articles/a1", {"uri": "a1", "headline": "Hello \ud800 world."},
             {"uri": "a1", "headline": "Hello world."}),
        ):  # fmt: skip
            method = "PUT" if path.startswith("/v1/articles") else "POST"
            for body, status in ((bad, 400), (good, 201 if method == "PUT" else 200)):
                connection.request(method, path, body=json_body(body), headers=JSON)
                response = connection.getresponse()
                answer = json.loads(response.read())
                assert response.status == status, answer
                assert response.getheader("connection", "").lower() != "close"
                assert connection.sock is sock  # the same connection, not a new one
    finally:
        server.stop()


# --- the command line ---------------------------------------------------------------------------


def run(*args: str | bytes, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [TARJAMA, *args], input=stdin, capture_output=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("args", "stdin", "files", "message"),
    [
        (("translate", "{story}", "--to", "es"), None, {"story": b"Headline\n\nA \x11 here."},
         "{story}: control character U+0011 at offset 12 (line 3, column 3)"),
        (("translate", "-", "--to", "es"), b"Headline\n\nA \x00 here.", {},
         "the input: NUL (U+0000) at offset 12 (line 3, column 3)"),
        (("translate", "-", "--to", "es", "--format", "lines"), "One.\nTwo\u0085.\n".encode(),
         {}, "the input: control character U+0085 at offset 8 (line 2, column 4)"),
        (("translate", "-", "--to", "es", "--input-format", "ninjs"),
         b'{"uri": "x", "headline": "Hi \\ud800"}', {},
         "the ninjs: headline: lone surrogate U+D800 at offset 3"),
        (("tm", "add", "Bad\x1b[0m.", "Malo.", "--to", "es"), None, {},
         "the source: control character U+001B at offset 3"),
        (("tm", "add", b"Bad\xff.", "Malo.", "--to", "es"), None, {},
         "the source: lone surrogate U+DCFF at offset 3: half of a UTF-16 pair without its "
         "other half, not a character (in a command-line argument: the byte 0xFF, not UTF-8)"),
        (("tm", "lookup", "Bad\x7f.", "--to", "es"), None, {},
         "TEXT: control character U+007F at offset 3"),
        (("tm", "import", "{tmx}"), None, {"tmx": TMX_C1.encode()},
         "{tmx}: line 4: <tuv>: control character U+0085 at offset 3"),
        (("glossary", "add", "quay", "muelle\x08", "--to", "es"), None, {},
         "the target term: control character U+0008 at offset 6"),
        (("glossary", "import", "{csv}", "--to", "es"), None,
         {"csv": b"source,target\nquay,mue\x0clle\n"},
         "{csv}: control character U+000C at offset 22 (line 2, column 9)"),
        (("glossary", "import", "{tbx}", "--to", "es"), None, {"tbx": TBX_C1.encode()},
         "{tbx}: line 5: the target term: control character U+009F at offset 6"),
    ],
)  # fmt: skip
def test_the_command_line_refuses_with_exit_65_and_one_line(
    tmp_path: Path,
    args: tuple[str | bytes, ...],
    stdin: bytes | None,
    files: dict[str, bytes],
    message: str,
) -> None:
    paths = {}
    for name, content in files.items():
        paths[name] = str(tmp_path / (name + (f".{name}" if name in ("csv", "tbx") else "")))
        Path(paths[name]).write_bytes(content)
    argv = [a.format(**paths) if isinstance(a, str) else a for a in args]
    if args[0] == "translate":
        argv += ["--engine", "pseudo"]
    result = run(*argv, stdin=stdin)
    err = result.stderr.decode()
    assert result.returncode == 65, err
    assert result.stdout == b""
    assert err.startswith(f"tarjama: {message.format(**paths)}") and err.count("\n") == 1, err


def test_a_label_under_the_rule_or_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "tarjama.toml"
    config.write_text('label = "Machine\\u0007 translation"\n')
    result = run("--config", str(config), "translate", "-", "--to", "es", "--engine", "pseudo",
                 stdin=b"Headline\n\nText.")  # fmt: skip
    assert result.returncode == 78, result.stderr
    assert result.stderr.decode().startswith(
        f"tarjama: config file {config}: label: control character U+0007 at offset 7"
    )
    with pytest.raises(ConfigError, match=r"flags: label: control character U\+0085"):
        Settings().merge({"label": "Automated\x85"}, "flags")
    assert Settings().merge({"label": "Traduccio\u0301n"}, "flags").label == "Traducci\u00f3n"


def test_a_reference_to_score_against_is_read_as_published(tmp_path: Path) -> None:
    """``tarjama eval`` translates the source, under the rule, and only compares with the
    reference, which stays as published: FLORES's Catalan has U+0093 for a quotation mark."""
    source, reference = tmp_path / "dev.en", tmp_path / "dev.ca"
    source.write_text("The cat sat.\nA dog.\n")
    reference.write_text("\u0093El gat\u0094 seia.\nUn gos.\n")
    scored = run("eval", "--src", str(source), "--ref", str(reference), "--to", "ca",
                 "--engine", "pseudo", "--json")  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["lines"] == 2
    refused = run("eval", "--src", str(reference), "--ref", str(source), "--from", "ca",
                  "--to", "en", "--engine", "pseudo")  # fmt: skip
    assert refused.returncode == 65
    assert refused.stderr.decode().startswith(
        f"tarjama: {reference}: control character U+0093 at offset 0 (line 1, column 1)"
    )
