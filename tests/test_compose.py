"""Engines made of engines: routing, fallback, pivoting, the circuit breaker and the concurrency
limit, with the real pseudo and Apertium engines and small engines of our own that fail, hang or
count on demand."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tarjama import formats
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.base import Engine, EngineInfo
from tarjama.engines.compose import (
    CircuitBreaker,
    ConcurrencyLimit,
    Fallback,
    Pivot,
    Router,
    Wrapper,
)
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import (
    CircuitOpenError,
    EngineError,
    EngineQuotaError,
    EngineRateLimitError,
    EngineTimeoutError,
    EngineUnavailableError,
    InputError,
    LanguageError,
    PlaceholderError,
)
from tarjama.memory import TranslationMemory
from tarjama.model import Pair
from tarjama.pipeline import _CHUNK, Translator
from tarjama.store import Store

from .conftest import needs_apertium
from .test_engines import EngineContract

EN_ES, EN_AR, EN_FR = Pair("en", "es"), Pair("en", "ar"), Pair("en", "fr")


class Scripted(Engine):
    """Marks its output with its name; raises ``failure`` while one is set; counts its calls."""

    def __init__(self, name: str, pairs: Sequence[Pair] = (EN_ES,)) -> None:
        self.name = name
        self._pairs = list(pairs)
        self.failure: Exception | None = None
        self.calls = 0
        self.seen: list[str] = []

    def info(self) -> EngineInfo:
        return EngineInfo(self.name, "1.0", f"{self.name}-model")

    def pairs(self) -> list[Pair]:
        return list(self._pairs)

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        self.check_pair(pair)
        self.calls += 1
        self.seen.extend(texts)
        if self.failure is not None:
            raise self.failure
        return [f"{t} [{self.name} {pair}]" for t in texts]


class Gate(Engine):
    """Holds every call until ``release`` is set (at most 10 s), counting how many are inside;
    raises ``failure`` at once while one is set."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.failure: Exception | None = None
        self.active = 0
        self.most = 0
        self._lock = threading.Lock()

    def info(self) -> EngineInfo:
        return EngineInfo("gate", "1")

    def pairs(self) -> list[Pair]:
        return [EN_ES]

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        if self.failure is not None:
            raise self.failure
        with self._lock:
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            if not self.release.wait(10):
                raise EngineTimeoutError("the gate was never opened")
            return list(texts)
        finally:
            with self._lock:
                self.active -= 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _wait_for(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


# --- every wrapper is an engine: the contract ---------------------------------------------------


class TestFallbackContract(EngineContract):
    pair = EN_ES

    @pytest.fixture
    def engine(self) -> Iterator[Engine]:
        broken = Scripted("broken")
        broken.failure = EngineUnavailableError("down")
        yield Fallback([CircuitBreaker(broken, 2, 30.0), PseudoEngine()])


class TestRouterContract(EngineContract):
    pair = EN_ES

    @pytest.fixture
    def engine(self) -> Iterator[Engine]:
        yield Router({EN_ES: ConcurrencyLimit(PseudoEngine(), 2)}, Scripted("other", [EN_AR]))


@needs_apertium
class TestPivotContract(EngineContract):
    pair = Pair("es", "ca")

    @pytest.fixture
    def engine(self, apertium: ApertiumEngine) -> Iterator[Engine]:
        yield Router({}, Wrapper(apertium), pivot="en")


# --- the circuit breaker and the fallback serving ----------------------------------------------


def test_failing_engine_trips_the_breaker_and_the_fallback_serves() -> None:
    clock = Clock()
    primary, secondary = Scripted("primary"), Scripted("secondary")
    guarded = CircuitBreaker(primary, failures=3, reset_s=30.0, clock=clock)
    chain = Fallback([guarded, secondary])
    assert chain.route(EN_ES) is primary

    primary.failure = EngineTimeoutError("no answer within 5 s")
    for _ in range(3):
        served = chain.serve_batch(["Hello."], EN_ES)
        assert served.outputs == ["Hello. [secondary en-es]"]
        assert served.engine == EngineInfo("secondary", "1.0", "secondary-model")
        assert served.model == "secondary-model"
    assert primary.calls == 3 and guarded.state == "open"

    # Open: the primary is not called at all, and the fallback is what the pair routes to.
    assert chain.translate_batch(["Again."], EN_ES) == ["Again. [secondary en-es]"]
    assert primary.calls == 3
    assert chain.route(EN_ES) is secondary
    with pytest.raises(CircuitOpenError, match=r"primary .* 3 consecutive failures .* 30 s"):
        guarded.translate_batch(["Hello."], EN_ES)
    assert not guarded.health().ok and "circuit open" in guarded.health().detail

    # Half-open after the reset time: one trial; it fails, so the circuit opens again.
    clock.now += 30.0
    assert guarded.state == "half-open"
    assert chain.translate_batch(["Trial."], EN_ES) == ["Trial. [secondary en-es]"]
    assert primary.calls == 4 and guarded.state == "open"
    clock.now += 29.0
    chain.translate_batch(["Still open."], EN_ES)
    assert primary.calls == 4

    # The primary recovers: the next trial closes the circuit and the primary serves again.
    primary.failure = None
    clock.now += 1.0
    served = chain.serve_batch(["Back."], EN_ES)
    assert served.outputs == ["Back. [primary en-es]"] and served.engine.name == "primary"
    assert guarded.state == "closed" and chain.route(EN_ES) is primary


def test_half_open_lets_one_trial_through_at_a_time() -> None:
    clock, gate = Clock(), Gate()
    guarded = CircuitBreaker(gate, failures=1, reset_s=10.0, clock=clock)
    gate.failure = EngineUnavailableError("down")
    with pytest.raises(EngineUnavailableError):
        guarded.translate_batch(["a"], EN_ES)
    assert guarded.state == "open"
    clock.now += 10.0
    gate.failure = None
    results: list[list[str]] = []
    trial = threading.Thread(target=lambda: results.append(guarded.translate_batch(["a"], EN_ES)))
    trial.start()
    _wait_for(lambda: gate.active == 1)
    with pytest.raises(CircuitOpenError, match="a trial call is running"):
        guarded.translate_batch(["b"], EN_ES)
    gate.release.set()
    trial.join(10)
    assert results == [["a"]] and guarded.state == "closed"


@pytest.mark.parametrize(
    ("error", "counts"),
    [
        (EngineUnavailableError("503 from the provider"), True),
        (EngineQuotaError("quota spent"), True),
        (PlaceholderError("lost <x id=1/>"), False),  # the engine answered
        (LanguageError("no such pair"), False),  # not the engine's failure
        (InputError("bad input"), False),
    ],
)
def test_what_counts_as_a_failure(error: Exception, counts: bool) -> None:
    engine = Scripted("e")
    engine.failure = error
    guarded = CircuitBreaker(engine, failures=2, reset_s=5.0, clock=Clock())
    for _ in range(2):
        with pytest.raises(type(error)):
            guarded.translate_batch(["x"], EN_ES)
    assert guarded.state == ("open" if counts else "closed")


def test_rate_limit_keeps_the_circuit_open_as_long_as_the_provider_asks() -> None:
    clock, engine = Clock(), Scripted("remote")
    engine.failure = EngineRateLimitError("429", retry_after=120.0)
    guarded = CircuitBreaker(engine, failures=1, reset_s=10.0, clock=clock)
    with pytest.raises(EngineRateLimitError):
        guarded.translate_batch(["x"], EN_ES)
    clock.now += 60.0
    assert guarded.state == "open"
    clock.now += 60.0
    assert guarded.state == "half-open"


# --- fallback chains ----------------------------------------------------------------------------


def test_every_engine_failing_raises_the_last_error_naming_all() -> None:
    first, second = Scripted("first"), Scripted("second")
    first.failure = EngineUnavailableError("connection refused")
    second.failure = EngineRateLimitError("too many requests", retry_after=7.0)
    with pytest.raises(EngineRateLimitError) as err:
        Fallback([first, second]).translate_batch(["x"], EN_ES)
    message = str(err.value)
    assert message.startswith("every engine for en-es failed")
    assert "first: EngineUnavailableError: connection refused" in message
    assert "second: EngineRateLimitError: too many requests" in message
    assert err.value.retry_after == 7.0


def test_input_errors_are_not_passed_down_the_chain() -> None:
    first, second = Scripted("first"), Scripted("second")
    first.failure = InputError("unusable text")
    with pytest.raises(InputError, match="unusable text"):
        Fallback([first, second]).translate_batch(["x"], EN_ES)
    assert second.calls == 0


def test_chain_members_serve_only_their_pairs() -> None:
    spanish, arabic = Scripted("spanish", [EN_ES]), Scripted("arabic", [EN_AR])
    chain = Fallback([spanish, arabic])
    assert chain.pairs() == [EN_ES, EN_AR]
    assert chain.translate_batch(["x"], EN_AR) == ["x [arabic en-ar]"]
    assert spanish.calls == 0
    with pytest.raises(LanguageError, match="no engine of spanish, arabic translates en-fr"):
        chain.translate_batch(["x"], EN_FR)


# --- routing and pivoting ----------------------------------------------------------------------


def test_each_pair_goes_to_its_route() -> None:
    spanish, arabic = Scripted("spanish", [EN_ES, EN_AR]), Scripted("arabic", [EN_AR])
    deepl = Scripted("deepl", [EN_AR, EN_FR])
    router = Router({EN_ES: spanish, EN_AR: Fallback([arabic, deepl])}, default=deepl)
    assert set(router.pairs()) == {EN_ES, EN_AR, EN_FR}
    assert router.translate_batch(["x"], EN_ES) == ["x [spanish en-es]"]
    assert router.translate_batch(["x"], EN_AR) == ["x [arabic en-ar]"]
    assert router.translate_batch(["x"], EN_FR) == ["x [deepl en-fr]"]
    assert [router.route(p).info().name for p in (EN_ES, EN_AR, EN_FR)] == [
        "spanish", "arabic", "deepl",
    ]  # fmt: skip
    assert router.model_for(EN_AR) == "arabic-model"
    arabic.failure = EngineUnavailableError("model not loaded")
    served = router.serve_batch(["x"], EN_AR)
    assert served.engine.name == "deepl" and served.outputs == ["x [deepl en-ar]"]
    with pytest.raises(LanguageError, match="no engine is routed for en-de") as err:
        router.translate_batch(["x"], Pair("en", "de"))
    assert err.value.available == ["en-ar", "en-es", "en-fr"]


def test_pivot_keeps_tags_and_names_both_legs() -> None:
    es_en = Scripted("opus-es-en", [Pair("es", "en")])
    en_ar = Scripted("opus-en-ar", [EN_AR])
    router = Router({}, Fallback([es_en, en_ar]), pivot="en")
    es_ar = Pair("es", "ar")
    assert es_ar in router.pairs()
    text = 'Subió un <x id="1" ctype="number" equiv="5"/> en <g id="2">Madrid</g>.'
    served = router.serve_batch([text], es_ar)
    assert served.outputs == [f"{text} [opus-es-en es-en] [opus-en-ar en-ar]"]
    assert en_ar.seen == [f"{text} [opus-es-en es-en]"]
    assert served.engine == EngineInfo("opus-es-en+opus-en-ar", "1.0; 1.0")
    assert served.model == "es-en: opus-es-en-model; en-ar: opus-en-ar-model"
    routed = router.route(es_ar)
    assert routed.info().name == served.engine.name
    assert routed.model_for(es_ar) == served.model


def test_pivot_gives_placeholders_back_their_attributes_between_legs() -> None:
    class DropsAttributes(Scripted):
        def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
            return [re.sub(r'<x id="(\d+)"[^/]*/>', r'<x id="\1"/>', t) for t in texts]

    first, second = DropsAttributes("first", [Pair("es", "en")]), Scripted("second", [EN_AR])
    Pivot(first, second).translate_batch(['Dijo <x id="1" ctype="name" equiv="Ana"/>.'],
                                         Pair("es", "ar"))  # fmt: skip
    assert second.seen == ['Dijo <x id="1" ctype="name" equiv="Ana"/>.']


def test_pivot_refuses_output_that_lost_a_tag() -> None:
    class LosesTags(Scripted):
        def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
            return [re.sub(r"<[^>]+>", "", t) for t in texts]

    chain = Fallback([Pivot(Scripted("a", [Pair("es", "en")]), LosesTags("b", [EN_AR])),
                      Scripted("direct", [Pair("es", "ar")])])  # fmt: skip
    served = chain.serve_batch(['Hola <x id="1"/>.'], Pair("es", "ar"))
    assert served.engine.name == "direct"
    with pytest.raises(PlaceholderError, match="did not survive both legs"):
        chain.engines[0].translate_batch(['Hola <x id="1"/>.'], Pair("es", "ar"))


@needs_apertium
def test_pivot_through_english_with_apertium(apertium: ApertiumEngine) -> None:
    router = Router({}, Wrapper(apertium), pivot="en")
    es_ca = Pair("es", "ca")
    assert es_ca not in apertium.pairs() and es_ca in router.pairs()
    text = 'El <g id="1">perro</g> comió <x id="2" ctype="number" equiv="3"/> panes en Madrid.'
    served = router.serve_batch([text], es_ca)
    out = served.outputs[0]
    assert '<g id="1">' in out and "</g>" in out and '<x id="2"' in out, out
    assert "gos" in out, out  # Catalan for dog, by way of English
    version = apertium.info().version
    assert served.engine == EngineInfo("apertium+apertium", f"{version}; {version}")
    assert served.model.startswith("es-en: spa-eng") and "en-ca: eng-cat" in served.model


# --- the concurrency limit ---------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "expected"), [(2, 2), (None, 6)])
def test_concurrency_limit_bounds_calls_in_the_engine(limit: int | None, expected: int) -> None:
    gate = Gate()
    engine: Engine = ConcurrencyLimit(gate, limit) if limit else gate
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda i=i: results.append(engine.translate_batch([str(i)], EN_ES)))
        for i in range(6)
    ]
    for t in threads:
        t.start()
    _wait_for(lambda: gate.active == expected)
    time.sleep(0.2)  # the others had time to get in, had the limit let them
    assert gate.active == expected
    gate.release.set()
    for t in threads:
        t.join(10)
    assert gate.most == expected
    assert sorted(r[0] for r in results) == [str(i) for i in range(6)]


def test_waiting_too_long_for_a_slot_lets_the_fallback_serve() -> None:
    gate = Gate()
    limited = ConcurrencyLimit(gate, 1, wait_s=0.05, name="opus")
    chain = Fallback([limited, Scripted("deepl")])
    holder = threading.Thread(target=lambda: limited.translate_batch(["held"], EN_ES))
    holder.start()
    _wait_for(lambda: gate.active == 1)
    with pytest.raises(EngineUnavailableError, match="engine opus is busy: 1 calls running"):
        limited.translate_batch(["x"], EN_ES)
    assert chain.serve_batch(["x"], EN_ES).engine.name == "deepl"
    gate.release.set()
    holder.join(10)
    assert chain.serve_batch(["x"], EN_ES).engine.name == "gate"


def test_shared_engine_is_closed_once() -> None:
    closed: list[str] = []

    class Closing(Scripted):
        def close(self) -> None:
            closed.append(self.name)

    shared = Wrapper(Closing("shared", [EN_ES, EN_AR]))
    Router({EN_ES: shared, EN_AR: Fallback([Closing("x", [EN_AR]), shared])}, shared).close()
    assert sorted(closed) == ["shared", "x"]


# --- provenance through the pipeline -----------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'tarjama.db'}") as s:
        s.migrate()
        yield s


ARTICLE = "Talks resume\n\nThe minister said the talks would resume on Tuesday. Nobody came."


def test_provenance_and_memory_name_the_engine_that_served(store: Store) -> None:
    clock, primary = Clock(), Scripted("primary")
    guarded = CircuitBreaker(primary, failures=1, reset_s=60.0, clock=clock)
    memory = TranslationMemory(store)
    translator = Translator(Fallback([guarded, PseudoEngine()]), memory=memory)
    article = formats.read(ARTICLE.encode(), "text")

    primary.failure = EngineUnavailableError("down")
    first = translator.translate(article, "es")
    assert first.provenance.engine == "pseudo" and first.provenance.model == "pseudo-localisation"
    sentence = "The minister said the talks would resume on Tuesday."
    pseudo = first.provenance.signature()
    assert memory.lookup(sentence, "en", "es", signature=pseudo) is not None
    # While the primary's circuit is open the fallback is routed up front, and its memory is used.
    second = translator.translate(article, "es")
    assert {s.origin for s in second.segments} == {"memory:machine"}
    assert second.provenance.signature() == pseudo

    clock.now += 60.0
    primary.failure = None
    third = translator.translate(article, "es")
    assert third.provenance.engine == "primary" and third.provenance.model == "primary-model"
    assert {s.origin for s in third.segments} == {"engine"}
    stored = memory.lookup(sentence, "en", "es", signature=third.provenance.signature())
    assert stored is not None and "[primary en-es]" in stored.target


def test_translation_served_partly_by_a_fallback_does_not_claim_the_primary() -> None:
    class FailsOnTuesday(Scripted):
        def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
            if any("Tuesday" in t for t in texts):
                raise EngineError("cannot")
            return super().translate_batch(texts, pair)

    translator = Translator(Fallback([FailsOnTuesday("primary"), PseudoEngine()]))
    calm = formats.read(b"Calm day\n\nNothing happened.", "text")
    # The last article comes in a later chunk: its first two sentences were served (by the
    # primary) with the first chunk, its last one by the fallback.
    mixed = formats.read(b"Calm day\n\nNothing happened. The talks resume on Tuesday.", "text")
    out = translator.translate_many([calm] * _CHUNK + [mixed], "es")
    assert [t.provenance.engine for t in out] == ["primary"] * _CHUNK + ["pseudo"]
    assert [s.target.startswith("⟦") for s in out[-1].segments] == [False, False, True]


def test_lexicon_comes_from_the_next_engine_when_the_first_fails() -> None:
    class WithLexicon(Scripted):
        def lexicon(self, pair: Pair) -> Callable[[Sequence[str]], dict[str, str]] | None:
            def classify(words: Sequence[str]) -> dict[str, str]:
                if self.failure is not None:
                    raise self.failure
                return {w: f"{self.name}:common" for w in words}

            return classify

    first, second = WithLexicon("first"), WithLexicon("second")
    known = Fallback([first, second]).lexicon(EN_ES)
    assert known is not None and known(["Moscow"]) == {"Moscow": "first:common"}
    first.failure = EngineUnavailableError("analyser died")
    assert known(["Moscow"]) == {"Moscow": "second:common"}
    second.failure = EngineUnavailableError("this one too")
    assert known(["Moscow"]) == {"Moscow": "unknown"}
    assert Fallback([Scripted("none")]).lexicon(EN_ES) is None


def test_lexicon_calls_never_close_the_breaker() -> None:
    class WithLexicon(Scripted):
        def lexicon(self, pair: Pair) -> Callable[[Sequence[str]], dict[str, str]] | None:
            return lambda words: dict.fromkeys(words, "common")

    clock, engine = Clock(), WithLexicon("e")
    engine.failure = EngineUnavailableError("down")
    guarded = CircuitBreaker(engine, failures=1, reset_s=10.0, clock=clock)
    with pytest.raises(EngineUnavailableError):
        guarded.translate_batch(["x"], EN_ES)
    with pytest.raises(CircuitOpenError):
        guarded.lexicon(EN_ES)
    clock.now += 10.0
    known = guarded.lexicon(EN_ES)
    assert known is not None and known(["Moscow"]) == {"Moscow": "common"}
    assert guarded.state == "half-open"  # the trial is still the next translation's
    with pytest.raises(EngineUnavailableError):
        guarded.translate_batch(["x"], EN_ES)
    assert guarded.state == "open"
