"""The pipeline's stages together: names, glossary, memory, QA, on real engines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import event, text

from tarjama import formats, inline
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.base import Direction, Engine, Lexicon, Result
from tarjama.engines.guards import Wrapper
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import EngineUnavailableError
from tarjama.memory import Glossary, TranslationMemory
from tarjama.model import Pair, Status
from tarjama.pipeline import Translator
from tarjama.store import Store

from .conftest import needs_apertium

ARTICLE = """Trump and May meet in London

The talks come after weeks of tension over trade

Officials said on Monday that Donald Trump would meet Theresa May at Downing Street.

Trump said the European Union and the White House had agreed on 1,300 new posts,
a rise of 70 per cent.

Grace Young, a spokeswoman for West Ham United, said the club would play in Moscow
on December 24, 2019.
"""


class Counting(Wrapper):
    """Wraps a real engine and counts the sentences it is asked to translate; with ``version``,
    it says it is another version of that engine."""

    def __init__(self, inner: Engine, version: str | None = None) -> None:
        super().__init__(inner)
        self.version, self.sent = version, 0

    def wrap(self, direction: Direction) -> Direction:
        return _Counted(direction, self)


class _Counted(Direction):
    def __init__(self, inner: Direction, counting: Counting) -> None:
        version = counting.version or inner.provenance.engine_version
        super().__init__(replace(inner.provenance, engine_version=version))
        self.inner, self.counting = inner, counting

    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        def counted() -> Iterator[str]:
            for segment in segments:
                self.counting.sent += 1
                yield segment

        for result in self.inner.translate(counted()):
            yield Result(result.text, self.provenance)

    def lexicon(self) -> Lexicon | None:
        return self.inner.lexicon()


class DropsPlaceholders(PseudoEngine):
    """A faulty engine: loses every placeholder (what a neural model sometimes does)."""

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        return [inline.plain(t) for t in super().translate_list(texts, pair)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'tarjama.db'}") as s:
        s.migrate()
        yield s


def article():  # type: ignore[no-untyped-def]
    return formats.read(ARTICLE.encode(), "text")


@needs_apertium
def test_names_decided_over_the_article(apertium: ApertiumEngine) -> None:
    out = formats.write(Translator(apertium).translate(article(), "es"), "text")
    for kept in ("Trump", "Theresa May", "Donald Trump", "Grace Young", "West Ham United"):
        assert kept in out, kept
    for translated in ("Moscú", "Casa Blanca", "lunes", "Unión", "Londres"):
        assert translated in out, translated
    for mangled in ("Triunfo", "mayo", "Gracia", "Oeste"):
        assert mangled not in out, mangled
    assert "24 de diciembre de 2019" in out and "1300" in out
    assert "70 por ciento" in out  # the source says "70 per cent": CLDR Spanish words


@needs_apertium
@pytest.mark.parametrize("target", ["es", "ca", "gl"])
def test_names_of_ordinary_words_and_quotation_marks(apertium: ApertiumEngine, target: str) -> None:
    lines = [
        '"We will appeal," said a spokesman for British American Tobacco in Sydney on Monday.',
        "Researchers at Human Rights Watch counted the victims in the northern villages.",
    ]
    first, second = Translator(apertium).translate_lines(lines, target)
    assert "British American Tobacco" in first and "Human Rights Watch" in second
    # the comma follows the closing quotation mark in these languages
    assert '",' in first and ',"' not in first


@needs_apertium
def test_magnitudes_keep_their_value_and_grammar(apertium: ApertiumEngine) -> None:
    line = "The fund turned over 10 billion euros and 3 million people used it."
    es, ca, gl = (Translator(apertium).translate_lines([line], t)[0] for t in ("es", "ca", "gl"))
    assert "10 mil millones de euros" in es and "3 millones de personas" in es
    # eng-cat alone writes "bilió", a million million
    assert "10 mil milions d'euros" in ca and "bilió" not in ca
    assert "10 mil millóns de euros" in gl


@needs_apertium
def test_capitals_read_as_ordinary_words_are_kept(apertium: ApertiumEngine) -> None:
    lines = ["He has worked in IT at the bank for a decade.", "The CAT scan showed nothing."]
    it, cat = Translator(apertium).translate_lines(lines, "es")
    assert " IT " in it and "LO" not in it  # eng-spa alone: "Ha trabajado en LO"
    assert "CAT" in cat and "GATO" not in cat


@needs_apertium
def test_glossary_terms_are_enforced(apertium: ApertiumEngine, store: Store) -> None:
    glossary = Glossary(store)
    glossary.add("Downing Street", "Downing Street", source_lang="en", target_lang="es",
                 do_not_translate=True)  # fmt: skip
    glossary.add("posts", "puestos de trabajo", source_lang="en", target_lang="es")
    t = Translator(apertium, glossary=glossary).translate(article(), "es")
    out = formats.write(t, "text")
    assert "Downing Street" in out and "puestos de trabajo" in out
    assert not [f for s in t.segments for f in s.findings if f.check == "glossary"]


@needs_apertium
def test_memory_reuses_human_work_and_machine_output(
    apertium: ApertiumEngine, store: Store
) -> None:
    memory = TranslationMemory(store)
    source = "The talks come after weeks of tension over trade"
    memory.add(source, "Las conversaciones llegan tras semanas de tensión comercial",
               source_lang="en", target_lang="es")  # fmt: skip
    engine = Counting(apertium)
    first = Translator(engine, memory=memory).translate(article(), "es")
    assert "Las conversaciones llegan tras semanas de tensión comercial" in formats.write(
        first, "text"
    )
    standfirst = next(s for s in first.segments if str(s.field) == "standfirst")
    assert standfirst.origin == "memory:human"
    sent_first = engine.sent
    assert sent_first > 0
    second = Translator(engine, memory=memory).translate(article(), "es")
    assert engine.sent == sent_first  # every sentence came from the memory
    assert (
        formats.write(second, "text").split("\n\n")[:-1]
        == formats.write(first, "text").split("\n\n")[:-1]
    )
    assert {s.origin for s in second.segments} <= {"memory:human", "memory:machine"}


@needs_apertium
def test_new_engine_version_never_gets_stale_output(apertium: ApertiumEngine, store: Store) -> None:
    memory = TranslationMemory(store)
    Translator(Counting(apertium), memory=memory).translate(article(), "es")
    upgraded = Counting(apertium, version="99-upgraded")
    Translator(upgraded, memory=memory).translate(article(), "es")
    assert upgraded.sent > 0


def test_qa_marks_broken_output_for_review() -> None:
    t = Translator(DropsPlaceholders()).translate(article(), "es")
    assert t.status is Status.NEEDS_REVIEW
    checks = {f.check for s in t.segments for f in s.findings}
    assert {"number_mismatch", "name_altered"} <= checks
    assert max(s.risk for s in t.segments) > 0.8


def test_clean_output_is_not_flagged() -> None:
    t = Translator(PseudoEngine()).translate(article(), "es")
    critical = [f for s in t.segments for f in s.findings if f.severity == "critical"]
    assert critical == [] and t.status is Status.TRANSLATED


def test_json_output_carries_segments_and_status() -> None:
    import json

    t = Translator(PseudoEngine()).translate(article(), "es")
    doc = json.loads(formats.write(t, "json"))
    assert doc["status"] == "translated"
    assert doc["segments"][0]["origin"] == "engine"
    assert doc["provenance"]["engine"] == "pseudo"


def test_write_behind_memory(store: Store) -> None:
    """The service's translator stores machine translations after answering: its own lookups
    and ``flush()`` wait for them, ``close()`` finishes them."""
    memory = TranslationMemory(store)
    engine = Counting(PseudoEngine())
    translator = Translator(engine, memory=memory, write_behind=True)
    try:
        first = translator.translate(article(), "es")
        sent = engine.sent
        assert sent > 0
        second = translator.translate(article(), "es")  # waits for the first one's writes
        assert engine.sent == sent
        assert {s.origin for s in second.segments} <= {"memory:machine", "copy"}
        assert [s.target for s in second.segments] == [s.target for s in first.segments]
        translator.translate(formats.read(b"Another story entirely\n", "text"), "es")
        translator.flush()
        assert (
            Translator(Counting(PseudoEngine()), memory=memory)
            .translate(formats.read(b"Another story entirely\n", "text"), "es")
            .segments[0]
            .origin
            == "memory:machine"
        )
    finally:
        translator.close()
    translator.close()  # twice is harmless


def test_write_behind_failure_is_logged_not_raised(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # A store that refuses every new memory unit (a real SQLite error, from a trigger).
    with store.begin() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON tm_units "
                "BEGIN SELECT RAISE(ABORT, 'the disk says no'); END"
            )
        )
    translator = Translator(PseudoEngine(), memory=TranslationMemory(store), write_behind=True)
    try:
        t = translator.translate(article(), "es")
        translator.flush()
    finally:
        translator.close()
    assert t.segments and all(s.origin in ("engine", "copy") for s in t.segments)
    assert "not stored in the memory" in caplog.text and "the disk says no" in caplog.text
    with pytest.raises(Exception, match="the disk says no"):  # without write-behind: raised
        Translator(PseudoEngine(), memory=TranslationMemory(store)).translate(article(), "es")


def test_flush_waits_for_a_write_the_store_holds_up(store: Store) -> None:
    """A write-behind write that the database keeps waiting (another connection holds the
    write lock) is waited for by ``flush()``, and lands once the lock goes."""
    import sqlite3
    import threading

    order: list[str] = []

    def stored(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO TM_UNITS"):
            order.append("stored")

    event.listen(store.engine, "after_cursor_execute", stored)
    memory = TranslationMemory(store)
    translator = Translator(PseudoEngine(), memory=memory, write_behind=True)
    path = store.engine.url.database
    assert path is not None
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    flushing = threading.Event()

    def flush() -> None:
        flushing.set()
        translator.flush()
        order.append("flushed")

    try:
        translator.translate(formats.read(b"Ferries sailed again\n", "text"), "es")
        waiter = threading.Thread(target=flush)
        waiter.start()
        assert flushing.wait(10)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    waiter.join(10)
    translator.close()
    # flush() returned once the write it waited for had landed, after the lock went.
    assert order == ["stored", "flushed"]
    assert memory.lookup("Ferries sailed again", "en", "es", signature=None) is None  # machine
    assert memory.count("en", "es") == 1


class FailsMidStream(PseudoEngine):
    """A streaming engine that dies after its first output, as a crashed model server would."""

    def direction(self, pair: Pair) -> Direction:
        return _Dies(super().direction(pair))


class _Dies(Direction):
    def __init__(self, inner: Direction) -> None:
        super().__init__(inner.provenance)
        self.inner = inner

    def translate(self, segments: Iterable[str]) -> Iterator[Result]:
        for k, result in enumerate(self.inner.translate(segments)):
            if k == 1:
                raise EngineUnavailableError("the engine went away mid-stream")
            yield result


def test_engine_failing_mid_stream_is_an_error() -> None:
    # The engine answers the first sentence, then fails.
    text = "\n\n".join(
        " ".join(f"Dockers in port {p} stopped work on day {d}." for d in "ABCD") for p in "XYZ"
    )
    article = formats.read(text.encode(), "text")
    with pytest.raises(EngineUnavailableError, match="mid-stream"):
        Translator(FailsMidStream()).translate(article, "es")


@needs_apertium
def test_articles_streamed_in_chunks_come_out_as_one_by_one(apertium: ApertiumEngine) -> None:
    # More articles than one engine call takes, sharing sentences across calls: each comes out
    # as it does alone.
    lines = [
        f"The port of Valmoria reopened on day {n}. Dockers returned to work." for n in range(12)
    ]
    articles = [formats.read(line.encode(), "text") for line in lines]
    together = Translator(apertium).translate_many(articles, "es")
    alone = [Translator(apertium).translate(a, "es") for a in articles]
    assert [t.article for t in together] == [t.article for t in alone]
    assert [s.target for t in together for s in t.segments] == [
        s.target for t in alone for s in t.segments
    ]


# --- what a reader sees: findings, risk and review ---------------------------------------------

RECOUNT = """The recount was stranded

The recount in several wards was stranded on the waterfront, Kalin said.

The minister spoke on Tuesday.
"""


@needs_apertium
def test_words_left_untranslated_are_findings_in_their_place(apertium: ApertiumEngine) -> None:
    article = formats.read(RECOUNT.encode(), "text")
    t = Translator(apertium).translate(article, "es")
    by_field = {str(s.field): s for s in t.segments}
    body = by_field["body/0"]
    target = inline.plain(body.target)
    left = [(f.evidence, target[f.span[0] : f.span[1]]) for f in body.findings
            if f.check == "untranslated" and f.span]  # fmt: skip
    assert left == [(w, w) for w in ("recount", "wards", "stranded", "waterfront")]
    assert "Kalin" in body.names and "Kalin" in target  # protected: no finding
    assert not any(c in target for c in "*#@")
    assert by_field["body/1"].findings == ()
    # the risk follows: the clean sentence is the least risky, the article's lies between
    assert by_field["body/1"].risk < body.risk
    assert by_field["body/1"].risk < t.risk < max(s.risk for s in t.segments)


@needs_apertium
def test_a_headline_without_its_verb_is_found(apertium: ApertiumEngine) -> None:
    article = formats.read(b"Port workers end strike\n\nThe port is closed.\n", "text")
    t = Translator(apertium, without=["headlines"]).translate(article, "es")
    # and it reads badly enough for the estimate to say why
    assert [f.check for f in t.segments[0].findings] == ["headline_verb", "estimate"]
    # written out for the engine ("end the strike"), the headline keeps its verb: no finding
    t = Translator(apertium).translate(article, "es")
    assert t.article.headline == "Los trabajadores portuarios acaban la huelga"
    assert t.segments[0].findings == ()


@needs_apertium
def test_the_review_threshold_is_per_language(apertium: ApertiumEngine) -> None:
    article = formats.read(RECOUNT.encode(), "text")
    risk = Translator(apertium).translate(article, "es").risk
    assert 0 < risk < 1
    strict = Translator(apertium, review_thresholds={"es": risk, "*": 1.0})
    assert strict.translate(article, "es").status is Status.NEEDS_REVIEW
    assert strict.translate(article, "ca").status is Status.TRANSLATED
    lenient = Translator(apertium, review_thresholds={"*": min(1.0, risk + 0.01)})
    assert lenient.translate(article, "es").status is Status.TRANSLATED


@needs_apertium
def test_the_round_trip_is_one_more_signal(apertium: ApertiumEngine) -> None:
    article = formats.read(RECOUNT.encode(), "text")
    once = Translator(apertium).translate(article, "es")
    both = Translator(apertium, round_trip=True).translate(article, "es")
    assert [s.target for s in both.segments] == [s.target for s in once.segments]
    assert [s.risk for s in both.segments] != [s.risk for s in once.segments]
    # an engine without the reverse pair translates as before, without the round trip
    pseudo = Translator(PseudoEngine(), round_trip=True).translate(article, "es")
    assert pseudo.segments and pseudo.status is Status.TRANSLATED
