"""Translation memory and glossary: what is served, what is suggested, what files load.

Foreign-tool TMX and TBX fixtures below are written in the shape OmegaT, Okapi, SDL Trados and
TBX-Basic/TBX v3 tools export (header attributes, properties, notes, inline codes, region
subtags); they are made up for these tests.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tarjama.errors import EmptyInputError, FormatError, InputError
from tarjama.memory import (
    CSVError,
    Glossary,
    ImportReport,
    Origin,
    TBXError,
    TermNotFoundError,
    TMXError,
    TranslationMemory,
)
from tarjama.model import Pair, Provenance
from tarjama.store import Store

APERTIUM_38 = Provenance("apertium", "3.8.3", "eng-spa", "en", "es")
APERTIUM_39 = Provenance("apertium", "3.9.0", "eng-spa", "en", "es")
OTHER_MODEL = Provenance("apertium", "3.8.3", "eng-cat", "en", "es")


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Makes empty stores at the newest migration for one test: SQLite files, or fresh databases
    on the session's PostgreSQL server; every test that uses a store runs on both."""
    stores: list[Store] = []
    # requested before any store exists, so the stores close before their databases are dropped
    postgres_database = (
        request.getfixturevalue("postgres_database") if request.param == "postgresql" else None
    )

    def make() -> Store:
        if postgres_database is not None:
            # a copy of a database that Store.migrate() brought to head (tests/conftest.py)
            stores.append(Store(postgres_database(migrated=True)))
        else:
            stores.append(Store(f"sqlite:///{tmp_path / f'tarjama{len(stores)}.db'}"))
            stores[-1].migrate()
        return stores[-1]

    yield make
    for made in stores:
        made.close()


@pytest.fixture
def store(new_store: Callable[[], Store]) -> Store:
    return new_store()


@pytest.fixture
def tm(store: Store) -> TranslationMemory:
    return TranslationMemory(store)


@pytest.fixture
def glossary(store: Store) -> Glossary:
    return Glossary(store)


# -- exact matches -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "The talks resumed on Tuesday.",
        "  The talks   resumed on\tTuesday. ",
        "The talks resumed on\nTuesday.",
    ],
)
def test_exact_match_ignores_whitespace_runs(tm: TranslationMemory, query: str) -> None:
    tm.add(
        "The talks resumed on Tuesday.",
        "Las conversaciones se reanudaron el martes.",
        pair=("en", "es"),
    )
    match = tm.lookup(query, "en", "es")
    assert match is not None
    assert (match.target, match.score, match.origin) == (
        "Las conversaciones se reanudaron el martes.",
        1.0,
        Origin.HUMAN,
    )


@pytest.mark.parametrize(
    "query",
    ["the talks resumed on Tuesday.", "The talks resumed on Tuesday", "The talks resumed."],
)
def test_exact_match_is_exact_otherwise(tm: TranslationMemory, query: str) -> None:
    tm.add("The talks resumed on Tuesday.", "Se reanudaron.", pair=("en", "es"))
    assert tm.lookup(query, "en", "es") is None


def test_unicode_normalisation_forms_match(tm: TranslationMemory) -> None:
    tm.add("Caf\u00e9 owners protest.", "Protestan los due\u00f1os.", pair=("en", "es"))
    assert tm.lookup("Cafe\u0301 owners protest.", "en", "es") is not None


@pytest.mark.parametrize(
    ("stored", "queried"),
    [
        (("en-US", "es-MX"), ("en", "es")),
        (("EN-us", "es"), ("en-GB", "ES")),
        (("en", "es"), ("en_US", "es-419")),
    ],
)
def test_languages_match_on_the_primary_subtag(
    tm: TranslationMemory, stored: tuple[str, str], queried: tuple[str, str]
) -> None:
    tm.add("Breaking news.", "Última hora.", pair=stored)
    assert tm.lookup("Breaking news.", *queried) is not None
    assert tm.lookup("Breaking news.", "en", "fr") is None
    assert tm.lookup("Breaking news.", "es", "en") is None


HUMAN_APPROVED = ("human", True, "humano aprobado")
HUMAN = ("human", False, "humano")
MACHINE_38 = ("machine", APERTIUM_38, "máquina 3.8")
MACHINE_39 = ("machine", APERTIUM_39, "máquina 3.9")
MACHINE_OTHER_MODEL = ("machine", OTHER_MODEL, "otro modelo")


@pytest.mark.parametrize(
    ("units", "signature", "expected"),
    [
        ([HUMAN, MACHINE_38], APERTIUM_38.signature(), "humano"),
        ([HUMAN_APPROVED, MACHINE_38], APERTIUM_38.signature(), "humano aprobado"),
        ([MACHINE_38], APERTIUM_38.signature(), "máquina 3.8"),
        ([MACHINE_38, MACHINE_39], APERTIUM_39.signature(), "máquina 3.9"),
        # a different engine version is stale: never served
        ([MACHINE_38], APERTIUM_39.signature(), None),
        ([MACHINE_OTHER_MODEL], APERTIUM_38.signature(), None),
        # without a signature only human translations are served
        ([MACHINE_38], None, None),
        ([MACHINE_38, HUMAN], None, "humano"),
        # a signature for another pair serves no machine unit
        ([MACHINE_38], Provenance("apertium", "3.8.3", "eng-spa", "en", "fr").signature(), None),
    ],
)
def test_ranking_and_stale_engine_versions(
    tm: TranslationMemory,
    units: list[tuple[str, object, str]],
    signature: str | None,
    expected: str | None,
) -> None:
    for origin, extra, target in units:
        if origin == "human":
            tm.add("Polls close at 8pm.", target, pair=("en", "es"), approved=bool(extra))
        else:
            assert isinstance(extra, Provenance)
            tm.add("Polls close at 8pm.", target, origin="machine", provenance=extra)
    match = tm.lookup("Polls close at 8pm.", "en", "es", signature=signature)
    assert (match.target if match else None) == expected


def test_machine_match_carries_its_provenance(tm: TranslationMemory) -> None:
    unit_id = tm.add(
        "Hello.", "Hola.", pair=Pair("en", "es"), origin="machine", provenance=APERTIUM_38
    )
    match = tm.lookup("Hello.", "en", "es", signature=APERTIUM_38.signature())
    assert match is not None
    assert match.unit_id == unit_id
    assert match.signature == APERTIUM_38.signature()
    assert match.provenance is not None and match.provenance.engine_version == "3.8.3"


def test_a_human_correction_replaces_the_previous_one(tm: TranslationMemory) -> None:
    first = tm.add("Prices rose.", "Los precios suben.", source_lang="en", target_lang="es")
    second = tm.add(
        "Prices  rose.",
        "Los precios subieron.",
        source_lang="en",
        target_lang="es",
        approved=True,
        note="tense",
    )
    assert first == second
    assert tm.count() == 1
    match = tm.lookup("Prices rose.", "en", "es")
    assert match is not None
    assert (match.target, match.approved, match.note) == ("Los precios subieron.", True, "tense")


def test_each_provenance_is_one_row(tm: TranslationMemory) -> None:
    for provenance in (APERTIUM_38, APERTIUM_38, APERTIUM_39):
        tm.add("Hello.", "Hola.", origin="machine", provenance=provenance)
    tm.add("Hello.", "Hola.", pair=("en", "es"))
    assert tm.count("en", "es") == 3


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"origin": "machine", "pair": ("en", "es")}, InputError),
        ({"origin": "human", "provenance": APERTIUM_38}, InputError),
        ({"origin": "robot", "pair": ("en", "es")}, InputError),
        ({"origin": "machine", "provenance": APERTIUM_38, "pair": ("en", "fr")}, InputError),
        ({}, InputError),
    ],
)
def test_add_refuses_inconsistent_units(
    tm: TranslationMemory, kwargs: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        tm.add("Hello.", "Hola.", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "target"), [("", "Hola."), ("Hello.", "  "), (" \n", "x")])
def test_add_refuses_empty_text(tm: TranslationMemory, source: str, target: str) -> None:
    with pytest.raises(EmptyInputError):
        tm.add(source, target, pair=("en", "es"))


def test_lookup_many_matches_lookup(tm: TranslationMemory) -> None:
    for i in range(1200):
        tm_source = f"Sentence number {i}."
        if i % 3 == 0:
            tm.add(tm_source, f"Frase {i} (mt)", origin="machine", provenance=APERTIUM_38)
        if i % 2 == 0:
            tm.add(tm_source, f"Frase {i}", pair=("en", "es"))
    queries = [f"Sentence number {i}." for i in range(1300)] + ["Sentence  number 4."]
    found = tm.lookup_many(queries, "en", "es", signature=APERTIUM_38.signature())
    for query in queries[:50] + queries[-120:]:
        assert found.get(query) == tm.lookup(query, "en", "es", signature=APERTIUM_38.signature())
    assert found["Sentence number 3."].origin == Origin.MACHINE
    assert found["Sentence number 6."].origin == Origin.HUMAN
    assert "Sentence number 1." not in found
    assert found["Sentence  number 4."].target == "Frase 4"
    assert len(found) == 1200 // 2 + 1200 // 6 + 1
    assert tm.lookup_many([], "en", "es") == {}


# -- fuzzy suggestions -------------------------------------------------------------------------

FUZZY_UNITS = [
    "The minister said the talks would resume on Tuesday.",
    "The minister said the talks would resume on Friday.",
    "The president said the talks had failed.",
    "Floods hit the northern region.",
]


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (0.99, []),
        (0.96, ["The minister said the talks would resume on Tuesday."]),
        (
            0.9,
            [
                "The minister said the talks would resume on Tuesday.",
                "The minister said the talks would resume on Friday.",
            ],
        ),
        (
            0.6,
            [
                "The minister said the talks would resume on Tuesday.",
                "The minister said the talks would resume on Friday.",
                "The president said the talks had failed.",
            ],
        ),
    ],
)
def test_fuzzy_threshold(tm: TranslationMemory, threshold: float, expected: list[str]) -> None:
    for source in FUZZY_UNITS:
        tm.add(source, source.upper(), pair=("en", "es"))
    matches = tm.fuzzy(
        "The Minister said the talks would resume on Thursday.", "en", "es", threshold=threshold
    )
    assert [m.source for m in matches] == expected
    assert all(threshold <= m.score < 1 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_fuzzy_limit_and_exact(tm: TranslationMemory) -> None:
    for source in FUZZY_UNITS:
        tm.add(source, source.upper(), pair=("en", "es"))
    exact = tm.fuzzy(FUZZY_UNITS[0], "en", "es", limit=1)
    assert [(m.source, m.score) for m in exact] == [(FUZZY_UNITS[0], 1.0)]
    assert tm.fuzzy("Completely unrelated words here.", "en", "es") == []


def test_fuzzy_serves_no_stale_machine_units(tm: TranslationMemory) -> None:
    tm.add(FUZZY_UNITS[0], "mt", origin="machine", provenance=APERTIUM_38)
    assert tm.fuzzy(FUZZY_UNITS[0], "en", "es") == []
    assert tm.fuzzy(FUZZY_UNITS[0], "en", "es", signature=APERTIUM_39.signature()) == []
    found = tm.fuzzy(FUZZY_UNITS[0], "en", "es", signature=APERTIUM_38.signature())
    assert [m.target for m in found] == ["mt"]


@pytest.mark.parametrize("threshold", [0, -0.5, 1.5])
def test_fuzzy_threshold_must_be_a_fraction(tm: TranslationMemory, threshold: float) -> None:
    with pytest.raises(InputError):
        tm.fuzzy("x", "en", "es", threshold=threshold)


# -- TMX ---------------------------------------------------------------------------------------


def snapshot(tm: TranslationMemory) -> list[tuple[object, ...]]:
    """Everything about the units but their ids."""
    return sorted(
        (
            u.source,
            u.target,
            u.source_locale,
            u.target_locale,
            u.origin,
            u.engine,
            u.engine_version,
            u.model,
            u.approved,
            u.note,
            u.created_at,
            u.updated_at,
        )
        for u in tm.units()
    )


def test_tmx_round_trip_is_identical(
    tm: TranslationMemory, new_store: Callable[[], Store], tmp_path: Path
) -> None:
    tm.add(
        "Fish & chips cost <5 euros>.",
        "Pescado y patatas: <5 euros>.",
        pair=("en-GB", "es"),
        approved=True,
        note="check the price\nwith the desk",
    )
    tm.add("Fish & chips cost <5 euros>.", "mt", origin="machine", provenance=APERTIUM_38)
    tm.add("  Spaces  stay as written ", "Espacios", pair=("en", "es-419"))
    tm.add("Polls closed.", "Les bureaux de vote ont fermé.", pair=("en", "fr-CA"))
    tm.add("مرحبا", "Hello", pair=("ar", "en"), note="RTL")
    tm.add(
        "Model: a:b",
        "Modelo",
        origin="machine",
        provenance=Provenance("ct2", "4.0", "opus:en-es", "en", "es"),
    )
    path = tmp_path / "memory.tmx"
    assert tm.export_tmx(path) == 6
    copy = TranslationMemory(new_store())
    assert copy.import_tmx(path) == 6
    assert snapshot(copy) == snapshot(tm)
    match = copy.lookup(
        "Model: a:b",
        "en",
        "es",
        signature=Provenance("ct2", "4.0", "opus:en-es", "en", "es").signature(),
    )
    assert match is not None and match.target == "Modelo"


def test_tmx_export_is_valid_tmx14(tm: TranslationMemory) -> None:
    from lxml import etree

    tm.add("Hello.", "Hola.", pair=("en", "es"))
    tm.add("Hello.", "Bonjour.", pair=("en", "fr"))
    out = io.BytesIO()
    assert tm.export_tmx(out, source_lang="en", target_lang="es") == 1
    root = etree.fromstring(out.getvalue())
    header = root.find("header")
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert header is not None
    for attribute, value in {
        "creationtool": "tarjama",
        "segtype": "sentence",
        "o-tmf": "tarjama",
        "adminlang": "en",
        "srclang": "en",
        "datatype": "plaintext",
    }.items():
        assert header.get(attribute) == value
    assert header.get("creationtoolversion")
    (tu,) = root.iter("tu")
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.iter("tuv")]
    assert langs == ["en", "es"]
    props = {p.get("type"): p.text for p in tu.iter("prop")}
    assert props == {"x-tarjama-origin": "human", "x-tarjama-approved": "false"}


TRADOS_TMX = """<?xml version="1.0" encoding="utf-16"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="en-US" srclang="en-US"
          creationdate="20230412T081500Z" creationid="NEWSROOM\\editor">
    <prop type="x-Recognizers">RecognizeAll</prop>
    <prop type="x-TMName">Newsroom EN-AR</prop>
  </header>
  <body>
    <tu creationdate="20230412T081512Z" creationid="NEWSROOM\\editor"
        changedate="20230413T101010Z" changeid="NEWSROOM\\reviewer"
        lastusagedate="20230501T000000Z" usagecount="3">
      <prop type="x-LastUsedBy">NEWSROOM\\editor</prop>
      <prop type="x-Context">0, 0</prop>
      <prop type="x-ConfirmationLevel">ApprovedSignOff</prop>
      <tuv xml:lang="en-US">
        <seg>The <bpt i="1" type="1" x="1" />ceasefire<ept i="1" /> took effect at midnight.</seg>
      </tuv>
      <tuv xml:lang="ar-SA">
        <seg>دخل <bpt i="1" type="1" x="1" />وقف إطلاق النار<ept i="1" /> حيز التنفيذ.</seg>
      </tuv>
    </tu>
    <tu creationdate="20230412T081600Z" creationid="NEWSROOM\\editor">
      <tuv xml:lang="en-US"><seg>Only one language here.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

OKAPI_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="okapi" creationtoolversion="1.44.0"
segtype="paragraph" o-tmf="unknown" adminlang="en" srclang="en" datatype="x-undefined"></header>
<body>
<tu tuid="article.html_tu3"><prop type="Txt::FileName">article.html</prop>
<note>From the web desk</note>
<tuv xml:lang="en"><seg>Click <bpt i="1">&lt;a href="https://example.org"&gt;</bpt>here<ept \
i="1">&lt;/a&gt;</ept> for <ph x="2">&lt;br/&gt;</ph>details.</seg></tuv>
<tuv xml:lang="fr-FR"><seg>Cliquez <bpt i="1">&lt;a href="https://example.org"&gt;</bpt>ici\
<ept i="1">&lt;/a&gt;</ept> pour <ph x="2">&lt;br/&gt;</ph>les détails.</seg></tuv></tu>
<tu tuid="article.html_tu4" srclang="en">
<tuv xml:lang="de-DE">
<seg>Die <hi type="b">Wahl</hi> ist <it pos="begin">&lt;i&gt;</it>vorbei.</seg></tuv>
<tuv xml:lang="en">
<seg>The <hi type="b">election</hi> is <it pos="begin">&lt;i&gt;</it>over.</seg></tuv>
<tuv xml:lang="fr"><seg>L'<hi type="b">élection</hi> est terminée.</seg></tuv>
</tu>
</body>
</tmx>
"""

OMEGAT_TMX11 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="5.7.1_0" segtype="sentence" srclang="EN-US"/>
  <body>
<!-- Default translations -->
    <tu>
      <tuv lang="EN-US">
        <seg>Polls close at 8 p.m.</seg>
      </tuv>
      <tuv lang="ES" changeid="ana" changedate="20240105T120000Z" creationid="ana"
           creationdate="20240105T115900Z">
        <seg>Los colegios cierran a las 8 de la tarde.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="ES"><seg>Sin fuente.</seg></tuv>
      <tuv lang="FR"><seg>Sans source.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_trados_style_utf16_tmx_loads(tm: TranslationMemory) -> None:
    report = tm.import_tmx_report(TRADOS_TMX.encode("utf-16"))
    assert (report.imported, report.skipped) == (1, 1)
    assert report.skipped_lines == (23,)
    match = tm.lookup("The ceasefire took effect at midnight.", "en", "ar")
    assert match is not None
    assert match.target == "دخل وقف إطلاق النار حيز التنفيذ."
    (unit,) = tm.units()
    assert (unit.source_locale, unit.target_locale) == ("en-US", "ar-SA")
    assert unit.created_at == datetime(2023, 4, 12, 8, 15, 12, tzinfo=UTC)
    assert unit.updated_at == datetime(2023, 4, 13, 10, 10, 10, tzinfo=UTC)
    assert unit.origin == Origin.HUMAN and not unit.approved


def test_okapi_style_tmx_loads(tm: TranslationMemory) -> None:
    assert tm.import_tmx(OKAPI_TMX.encode()) == 3
    fr = tm.lookup("Click here for details.", "en", "fr")
    assert fr is not None
    assert (fr.target, fr.note) == ("Cliquez ici pour les détails.", "From the web desk")
    de = tm.lookup("The election is over.", "en", "de")
    assert de is not None and de.target == "Die Wahl ist vorbei."
    assert tm.lookup("The election is over.", "en", "fr") is not None


def test_omegat_tmx11_loads_from_a_path(tm: TranslationMemory, tmp_path: Path) -> None:
    path = tmp_path / "project_save.tmx"
    path.write_text(OMEGAT_TMX11, encoding="utf-8")
    report = tm.import_tmx_report(str(path))
    assert (report.imported, report.skipped) == (1, 1)
    match = tm.lookup("Polls close at 8 p.m.", "en", "es")
    assert match is not None and match.target == "Los colegios cierran a las 8 de la tarde."
    (unit,) = tm.units()
    assert unit.created_at == datetime(2024, 1, 5, 11, 59, tzinfo=UTC)


def test_import_options_for_machine_output_and_pairs(tm: TranslationMemory) -> None:
    count = tm.import_tmx(
        OKAPI_TMX.encode(), origin="machine", provenance=APERTIUM_38, target_lang="fr"
    )
    assert count == 2
    assert tm.lookup("Click here for details.", "en", "fr") is None
    with pytest.raises(InputError):
        tm.import_tmx(OKAPI_TMX.encode(), origin="machine")


def tmx_lines(*body: str) -> bytes:
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4">',
        '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t"'
        ' adminlang="en" srclang="en" datatype="plaintext"/>',
        "<body>",
    ]
    good = (
        '<tu><tuv xml:lang="en"><seg>One.</seg></tuv><tuv xml:lang="es"><seg>Uno.</seg></tuv></tu>'
    )
    return "\n".join([*head, good, good, *body]).encode()


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"this is not XML at all", 1),
        (b"", 1),
        (b'<?xml version="1.0"?>\n<xliff version="1.2"><file/></xliff>', 2),
        (
            tmx_lines('<tu><tuv xml:lang="en"><seg>Fish & chips</seg></tuv></tu>', "</body></tmx>"),
            7,
        ),
        (tmx_lines("<tu><tuv xml:lang='en'><seg>open</seg></tu>", "</body></tmx>"), 7),
        (tmx_lines("", "</body>"), 8),
    ],
)
def test_malformed_tmx_names_the_line(tm: TranslationMemory, data: bytes, line: int) -> None:
    with pytest.raises(TMXError, match=rf"line {line}\b") as caught:
        tm.import_tmx(data)
    assert isinstance(caught.value, FormatError)
    assert tm.count() == 0


def test_a_missing_file_is_a_format_error(tm: TranslationMemory, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read"):
        tm.import_tmx(tmp_path / "absent.tmx")


# -- glossary ----------------------------------------------------------------------------------

TERMS: list[tuple[str, str, dict[str, bool]]] = [
    ("European Union", "Union européenne", {}),
    ("Union", "Union", {}),
    ("AFP", "", {"case_sensitive": True, "do_not_translate": True}),
    ("apple", "pomme", {}),
    ("Apple", "", {"case_sensitive": True, "do_not_translate": True}),
    ("C++", "C++", {"do_not_translate": True}),
    ("e-mail", "courriel", {}),
    ("WHO Director-General", "directeur général de l'OMS", {"case_sensitive": True}),
    ("who", "qui", {}),
    ("New York", "New York", {}),
    ("New York Times", "New York Times", {"do_not_translate": True}),
]


@pytest.fixture
def terms(glossary: Glossary) -> Glossary:
    for source, target, flags in TERMS:
        glossary.add(
            source,
            target,
            source_lang="en",
            target_lang="fr",
            case_sensitive=flags.get("case_sensitive", False),
            do_not_translate=flags.get("do_not_translate", False),
        )
    return glossary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The European Union said", ["European Union"]),
        ("the union and the UNION", ["Union", "Union"]),
        ("AFP reported, quoting Afp", ["AFP"]),
        ("Apple shares rose; an apple fell; APPLE", ["Apple", "apple", "apple"]),
        ("pineapple and Unionist", []),
        ("Learn C++ now", ["C++"]),
        ("Send an e-mail.", ["e-mail"]),
        ("The New York Times reported from New York.", ["New York Times", "New York"]),
        ("WHO Director-General spoke", ["WHO Director-General"]),
        ("who director-general spoke", ["who"]),
        ("", []),
    ],
)
def test_terms_found_at_word_boundaries_longest_first(
    terms: Glossary, text: str, expected: list[str]
) -> None:
    hits = terms.find(text, "en-GB", "fr-FR")
    assert [hit.term.source for hit in hits] == expected
    assert all(text[h.start : h.end] == h.matched for h in hits)


def test_terms_for_lists_distinct_terms_with_renderings(terms: Glossary) -> None:
    found = terms.terms_for("AFP: the Union, the union, and Apple.", "en", "fr")
    assert [(t.source, t.rendering) for t in found] == [
        ("AFP", "AFP"),
        ("Union", "Union"),
        ("Apple", "Apple"),
    ]
    assert terms.terms_for("AFP", "en", "es") == []


def test_the_cache_sees_changes(store: Store, terms: Glossary) -> None:
    assert terms.terms_for("Reuters said", "en", "fr") == []
    terms.add("Reuters", "", source_lang="en", target_lang="fr", do_not_translate=True)
    assert [t.source for t in terms.terms_for("Reuters said", "en", "fr")] == ["Reuters"]
    other = Glossary(store)
    reuters = terms.terms_for("Reuters", "en", "fr")[0]
    other.update(reuters.id, source_term="Reuters News")
    assert terms.terms_for("Reuters said", "en", "fr") == []
    assert other.delete(reuters.id)
    assert not other.delete(reuters.id)
    assert terms.terms_for("Reuters News", "en", "fr") == []


def test_add_update_delete_list(glossary: Glossary) -> None:
    term = glossary.add("ceasefire", "cessez-le-feu", source_lang="en", target_lang="fr")
    again = glossary.add("ceasefire", "trêve", source_lang="en", target_lang="fr", note="short")
    assert again.id == term.id and again.target == "trêve"
    changed = glossary.update(term.id, case_sensitive=True, note="")
    assert (changed.case_sensitive, changed.note) == (True, "")
    assert glossary.list_terms("en", "fr") == [changed]
    assert glossary.get(term.id) == changed
    with pytest.raises(TermNotFoundError):
        glossary.update(9999, note="x")
    with pytest.raises(EmptyInputError):
        glossary.update(term.id, target_term="")
    with pytest.raises(EmptyInputError):
        glossary.add("truce", "", source_lang="en", target_lang="fr")
    # A do-not-translate term without a target renders as its source, added or updated.
    keep = glossary.add("Hezbollah", "", source_lang="en", target_lang="fr", do_not_translate=True)
    assert keep.target == "Hezbollah"
    assert glossary.update(keep.id, target_term="").target == "Hezbollah"
    assert glossary.update(keep.id, source_term="Hizbollah", target_term="").target == "Hizbollah"
    # Longer than the store keeps (PostgreSQL would refuse it): refused before the database.
    with pytest.raises(InputError, match="at most 1,000"):
        glossary.add("quay", "m" * 1001, source_lang="en", target_lang="fr")
    with pytest.raises(InputError, match="at most 1,000"):
        glossary.update(keep.id, source_term="x" * 1001)
    assert glossary.get(keep.id) is not None and glossary.get(keep.id).source == "Hizbollah"  # type: ignore[union-attr]


def test_thousands_of_terms_all_found(glossary: Glossary) -> None:
    # How fast: bench/memory.py (speed lives in benchmarks, not in timed tests).
    rows = "\n".join(f"term{i} word{i % 97},terme{i}" for i in range(5000))
    assert glossary.import_csv(io.StringIO("source,target\n" + rows + "\n"), "en", "fr") == 5000
    text = " ".join(f"term{i} word{i % 97} and other words" for i in range(0, 5000, 7))
    text = f"{text}. {text}"
    hits = glossary.find(text, "en", "fr")
    assert len(hits) == 2 * len(range(0, 5000, 7))
    assert {h.term.target for h in hits} == {f"terme{i}" for i in range(0, 5000, 7)}


def test_csv_round_trip(terms: Glossary, tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    assert terms.export_csv(path, "en", "fr") == len(TERMS)
    assert path.read_text(encoding="utf-8").splitlines()[0] == (
        "source,target,case_sensitive,do_not_translate,note"
    )
    copy = Glossary(terms.store)
    copy.import_csv(path, "en", "de")
    strip = [
        (t.source, t.target, t.case_sensitive, t.do_not_translate, t.note)
        for t in terms.list_terms("en", "fr")
    ]
    assert strip == [
        (t.source, t.target, t.case_sensitive, t.do_not_translate, t.note)
        for t in copy.list_terms("en", "de")
    ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("", 1),
        ("AFP,AFP\n", 1),
        ("source,target,colour\nAFP,AFP,red\n", 1),
        ("source,target\nAFP,AFP\nReuters\n", 3),
        ("source,target,do_not_translate\nAFP,AFP,true\nUN,ONU,maybe\n", 3),
        ("target,source\nONU,UN\n,Reuters\n", 3),
        ("source,target\nceasefire,\n", 2),
        ('source,target,note\nUN,ONU,"multi\nline"\nX,Y,Z,W\n', 4),
    ],
)
def test_bad_csv_names_the_line(glossary: Glossary, content: str, line: int) -> None:
    with pytest.raises(CSVError, match=rf"line {line}\b"):
        glossary.import_csv(io.StringIO(content), "en", "fr")
    assert glossary.list_terms("en", "fr") == []


TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader>
    <fileDesc><sourceDesc><p>Newsroom termbase</p></sourceDesc></fileDesc>
    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>
  </martifHeader>
  <text>
    <body>
      <termEntry id="c1">
        <descrip type="subjectField">politics</descrip>
        <note>Use the full name on first mention.</note>
        <langSet xml:lang="en-US">
          <tig>
            <term>European Union</term>
            <termNote type="partOfSpeech">noun</termNote>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </tig>
          <tig><term>EU</term><termNote type="x-caseSensitive">true</termNote></tig>
        </langSet>
        <langSet xml:lang="fr-FR">
          <tig>
            <term>Communauté européenne</term>
            <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
          </tig>
          <tig><term>Union européenne</term></tig>
        </langSet>
      </termEntry>
      <termEntry id="c2">
        <descrip type="x-doNotTranslate">yes</descrip>
        <langSet xml:lang="en">
          <ntig><termGrp><term>Agence France-Presse</term></termGrp></ntig>
        </langSet>
      </termEntry>
      <termEntry id="c3">
        <langSet xml:lang="de"><tig><term>Wahl</term></tig></langSet>
      </termEntry>
    </body>
  </text>
</martif>
"""

TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>v3 export</p></sourceDesc></fileDesc></tbxHeader>
  <text>
    <body>
      <conceptEntry id="1">
        <langSec xml:lang="en">
          <termSec>
            <term>polling station</term>
            <termNote type="x-doNotTranslate">false</termNote>
          </termSec>
        </langSec>
        <langSec xml:lang="fr"><termSec><term>bureau de vote</term></termSec></langSec>
      </conceptEntry>
      <conceptEntry id="2">
        <langSec xml:lang="en">
          <termSec><term>Reuters</term><termNote type="x-doNotTranslate">true</termNote></termSec>
        </langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""


def test_tbx_basic_loads(glossary: Glossary) -> None:
    # entry c3 (line 35) is German only
    assert glossary.import_tbx(TBX_BASIC.encode(), "en", "fr") == ImportReport(3, (35,))
    terms = {t.source: t for t in glossary.list_terms("en", "fr")}
    assert terms["European Union"].target == "Union européenne"
    assert terms["European Union"].note == "Use the full name on first mention."
    assert terms["EU"].case_sensitive and not terms["European Union"].case_sensitive
    assert terms["Agence France-Presse"].do_not_translate
    assert terms["Agence France-Presse"].target == "Agence France-Presse"


def test_tbx_v3_loads(glossary: Glossary) -> None:
    assert glossary.import_tbx(TBX_V3.encode(), "en-GB", "fr").imported == 2
    terms = {t.source: t for t in glossary.list_terms("en", "fr")}
    assert (terms["polling station"].target, terms["polling station"].do_not_translate) == (
        "bureau de vote",
        False,
    )
    assert terms["Reuters"].do_not_translate


def test_tbx_round_trip(terms: Glossary, new_store: Callable[[], Store], tmp_path: Path) -> None:
    path = tmp_path / "terms.tbx"
    terms.add("UN", "ONU", source_lang="en", target_lang="fr", note="line one\nline two")
    assert terms.export_tbx(path, "en", "fr") == len(TERMS) + 1
    other = Glossary(new_store())
    assert other.import_tbx(path, "en", "fr") == ImportReport(len(TERMS) + 1)

    def strip(glossary: Glossary) -> list[tuple[object, ...]]:
        return [
            (t.source, t.target, t.case_sensitive, t.do_not_translate, t.note)
            for t in glossary.list_terms("en", "fr")
        ]

    assert strip(other) == strip(terms)


def test_tbx_reports_the_entries_it_skips(glossary: Glossary) -> None:
    # German: only the do-not-translate entry has what the pair needs
    assert glossary.import_tbx(TBX_BASIC.encode(), "en", "de") == ImportReport(1, (10, 35))
    assert [t.source for t in glossary.list_terms("en", "de")] == ["Agence France-Presse"]


def test_a_tbx_term_too_long_for_the_store_refuses_the_file(glossary: Glossary) -> None:
    data = TBX_V3.replace("bureau de vote", "b" * 1001).encode()
    with pytest.raises(TBXError, match=r"line 6: .*at most 1,000"):
        glossary.import_tbx(data, "en", "fr")
    assert glossary.list_terms("en", "fr") == []


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"plain text", 1),
        (b'<?xml version="1.0"?>\n\n<tmx version="1.4"/>', 3),
        (TBX_BASIC.replace("<tig><term>EU</term>", "<tig><term>EU</trem>").encode(), 19),
        (TBX_V3.replace("</body>", "").encode(), 21),
    ],
)
def test_malformed_tbx_names_the_line(glossary: Glossary, data: bytes, line: int) -> None:
    with pytest.raises(TBXError, match=rf"line {line}\b"):
        glossary.import_tbx(data, "en", "fr")
    assert glossary.list_terms("en", "fr") == []


def test_fuzzy_sees_changes_made_after_its_index_was_built(
    store: Store, tm: TranslationMemory
) -> None:
    tm.add(FUZZY_UNITS[0], "uno", pair=("en", "es"))
    query = "The minister said the talks would resume on Thursday."
    assert [m.target for m in tm.fuzzy(query, "en", "es")] == ["uno"]
    TranslationMemory(store).add(FUZZY_UNITS[1], "dos", pair=("en", "es"))
    assert [m.target for m in tm.fuzzy(query, "en", "es")] == ["uno", "dos"]
    first = tm.lookup(FUZZY_UNITS[0], "en", "es")
    assert first is not None and tm.delete(first.unit_id)
    assert [m.target for m in tm.fuzzy(query, "en", "es")] == ["dos"]
    tm.add(FUZZY_UNITS[1], "dos, corregido", pair=("en", "es"))
    assert [m.target for m in tm.fuzzy(query, "en", "es")] == ["dos, corregido"]
    tm.add(FUZZY_UNITS[0], "uno otra vez", pair=("en", "es"))
    assert len(tm.fuzzy(query, "en", "es")) == 2
    gone = tm.lookup(FUZZY_UNITS[0], "en", "es")
    assert gone is not None and TranslationMemory(store).delete(gone.unit_id)
    assert [m.target for m in tm.fuzzy(query, "en", "es")] == ["dos, corregido"]


def test_fuzzy_takes_a_tiny_threshold(tm: TranslationMemory) -> None:
    # the length band's upper bound is infinite for the smallest floats: every length is in it
    for source in FUZZY_UNITS:
        tm.add(source, source.upper(), pair=("en", "es"))
    matches = tm.fuzzy("The minister", "en", "es", threshold=5e-324, limit=100)
    assert {m.source for m in matches} == set(FUZZY_UNITS)
