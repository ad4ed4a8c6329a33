"""Engines made of engines: routing, fallback, pivoting, the circuit breaker and the concurrency
limit, with the real pseudo and Apertium engines and small engines of our own that fail, hang or
count on demand."""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pytest

from tarjama import formats
from tarjama.config import Settings
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.base import BatchEngine, Direction, Engine, Lexicon, Result
from tarjama.engines.compose import (
    CircuitBreaker,
    ConcurrencyLimit,
    Fallback,
    Pivot,
    Router,
    Wrapper,
)
from tarjama.engines.pseudo import PseudoEngine
from tarjama.engines.setup import build_engine
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
from tarjama.model import Pair, Provenance
from tarjama.pipeline import _CHUNK, Translator
from tarjama.store import Store

from .conftest import needs_apertium
from .test_engines import SENTENCES, EngineContract

EN_ES, EN_AR, EN_FR = Pair("en", "es"), Pair("en", "ar"), Pair("en", "fr")


class Scripted(BatchEngine):
    """Marks its output with its name; raises ``failure`` while one is set; counts its calls."""

    def __init__(self, name: str, pairs: Sequence[Pair] = (EN_ES,)) -> None:
        self.name = name
        self._pairs = list(pairs)
        self.failure: Exception | None = None
        self.calls = 0
        self.seen: list[str] = []

    def version(self) -> str:
        return "1.0"

    def model_for(self, pair: Pair) -> str:
        return f"{self.name}-model"

    def pairs(self) -> list[Pair]:
        return list(self._pairs)

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        self.calls += 1
        self.seen.extend(texts)
        if self.failure is not None:
            raise self.failure
        return [f"{t} [{self.name} {pair}]" for t in texts]


class Gate(BatchEngine):
    """Holds every call until ``release`` is set (at most 10 s), counting how many are inside
    (``wait_until(n)`` waits for n); raises ``failure`` at once while one is set."""

    name = "gate"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.failure: Exception | None = None
        self.active = 0
        self.most = 0
        self._changed = threading.Condition()

    def version(self) -> str:
        return "1"

    def pairs(self) -> list[Pair]:
        return [EN_ES]

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        if self.failure is not None:
            raise self.failure
        with self._changed:
            self.active += 1
            self.most = max(self.most, self.active)
            self._changed.notify_all()
        try:
            if not self.release.wait(10):
                raise EngineTimeoutError("the gate was never opened")
            return list(texts)
        finally:
            with self._changed:
                self.active -= 1
                self._changed.notify_all()

    def wait_until(self, active: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.active == active, 10), "timed out"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def serve(engine: Engine, texts: list[str], pair: Pair = EN_ES) -> tuple[list[str], Provenance]:
    """The outputs, and who served them (one engine, in these tests)."""
    results = list(engine.direction(pair).translate(texts))
    assert len({r.provenance for r in results}) == 1
    return [r.text for r in results], results[0].provenance


def expected(engine: Engine, pair: Pair = EN_ES) -> str:
    """The engine expected up front to serve a pair."""
    return engine.direction(pair).provenance.engine


# --- every wrapper is an engine: the contract ---------------------------------------------------


def _broken() -> Engine:
    broken = Scripted("broken")
    broken.failure = EngineUnavailableError("down")
    return broken


STACKS: dict[str, Callable[[], Engine]] = {
    "wrapper": lambda: Wrapper(PseudoEngine(), "named"),
    "breaker": lambda: CircuitBreaker(PseudoEngine(), 2, 30.0),
    "limit": lambda: ConcurrencyLimit(PseudoEngine(), 1, 10.0),
    "fallback": lambda: Fallback([CircuitBreaker(_broken(), 2, 30.0), PseudoEngine()]),
    "router": lambda: Router(
        {EN_ES: ConcurrencyLimit(PseudoEngine(), 2)}, Scripted("other", [EN_AR])
    ),
}


class TestWrapperContract(EngineContract):
    pair = EN_ES

    @pytest.fixture(params=list(STACKS))
    def engine(self, request: pytest.FixtureRequest) -> Iterator[Engine]:
        with STACKS[request.param]() as engine:
            yield engine


class TestPivotContract(EngineContract):
    pair = Pair("es", "ar")  # es-en, then en-ar

    @pytest.fixture
    def engine(self) -> Iterator[Engine]:
        legs = Fallback([Scripted("es-en", [Pair("es", "en")]), PseudoEngine()])
        yield Router({}, legs, pivot="en")


@needs_apertium
class TestApertiumPivotContract(EngineContract):
    pair = Pair("es", "ca")

    @pytest.fixture
    def engine(self, apertium: ApertiumEngine) -> Iterator[Engine]:
        yield Router({}, Wrapper(apertium), pivot="en")


LOCAL_APERTIUM = {
    "local": {"type": "apertium", "max_concurrency": 2, "max_wait_s": 30, "breaker_failures": 3}
}


@needs_apertium
class TestConfiguredContract(EngineContract):
    """What the settings build around Apertium: router, chain, limit, breaker, name."""

    pair = EN_ES

    @pytest.fixture
    def engine(self, apertium: ApertiumEngine) -> Iterator[Engine]:
        local = ConcurrencyLimit(CircuitBreaker(Wrapper(apertium, "local"), 3), 2, 30.0)
        yield Router({EN_ES: Fallback([local, PseudoEngine()])}, PseudoEngine())


@needs_apertium
def test_the_configured_stack_streams() -> None:
    """Through every wrapper the settings put around an engine, the first output comes out
    while the caller still holds the last segment."""
    settings = Settings(engines=LOCAL_APERTIUM, routes={"en-es": ("local", "pseudo")})
    with build_engine(settings) as engine:
        assert isinstance(engine, Router)
        chain = engine.routes[EN_ES]
        assert isinstance(chain, Fallback)
        limit = chain.engines[0]
        assert isinstance(limit, ConcurrencyLimit)
        breaker = limit.inner
        assert isinstance(breaker, CircuitBreaker) and isinstance(breaker.inner, Wrapper)
        assert isinstance(breaker.inner.inner, ApertiumEngine)

        first_out = threading.Event()
        given: list[str] = []

        def segments() -> Iterator[str]:
            yield from SENTENCES[:2]
            assert first_out.wait(30), "no output before the last segment was given"
            given.append("last")
            yield from SENTENCES[2:]

        outputs = []
        for result in engine.direction(EN_ES).translate(segments()):
            if not outputs:
                assert not given  # the first output came while the caller held the rest
                first_out.set()
            outputs.append(result.text)
            assert result.provenance.engine == "apertium"
        assert outputs == engine.translate_batch(SENTENCES, EN_ES)


# --- the circuit breaker and the fallback serving ----------------------------------------------


def test_failing_engine_trips_the_breaker_and_the_fallback_serves() -> None:
    clock = Clock()
    primary, secondary = Scripted("primary"), Scripted("secondary")
    guarded = CircuitBreaker(primary, failures=3, reset_s=30.0, clock=clock)
    chain = Fallback([guarded, secondary])
    assert expected(chain) == "primary"

    primary.failure = EngineTimeoutError("no answer within 5 s")
    for _ in range(3):
        outputs, by = serve(chain, ["Hello."])
        assert outputs == ["Hello. [secondary en-es]"]
        assert (by.engine, by.engine_version, by.model) == ("secondary", "1.0", "secondary-model")
    assert primary.calls == 3 and guarded.state == "open"

    # Open: the primary is not called at all, and the fallback is what the pair routes to.
    assert chain.translate_batch(["Again."], EN_ES) == ["Again. [secondary en-es]"]
    assert primary.calls == 3
    assert expected(chain) == "secondary"
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
    outputs, by = serve(chain, ["Back."])
    assert outputs == ["Back. [primary en-es]"] and by.engine == "primary"
    assert guarded.state == "closed" and expected(chain) == "primary"


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
    gate.wait_until(1)
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


def test_an_unserved_pair_is_refused_before_the_engine_is_called() -> None:
    engine = Scripted("e")
    guarded = CircuitBreaker(engine, failures=1, reset_s=5.0, clock=Clock())
    for _ in range(2):
        with pytest.raises(LanguageError, match="engine e cannot translate en-fr"):
            guarded.translate_batch(["x"], EN_FR)
    assert guarded.state == "closed" and engine.calls == 0


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


def test_the_next_engine_takes_over_from_the_first_segment_left_unanswered() -> None:
    class FailsMidStream(Scripted):
        def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
            raise AssertionError("not called: its direction streams")

        def direction(self, pair: Pair) -> Direction:
            first = super().direction(pair)

            class Dies(Direction):
                def translate(self, segments: Iterable[str]) -> Iterator[Result]:
                    for k, text in enumerate(segments):
                        if k == 2:
                            raise EngineUnavailableError("the process died")
                        yield Result(f"{text} [first]", first.provenance)

            return Dies(first.provenance)

    second = Scripted("second")
    chain = Fallback([FailsMidStream("first"), second])
    results = list(chain.direction(EN_ES).translate(["a", "b", "c", "d"]))
    assert [r.text for r in results] == ["a [first]", "b [first]", "c [second en-es]",
                                         "d [second en-es]"]  # fmt: skip
    assert [r.provenance.engine for r in results] == ["first", "first", "second", "second"]
    assert second.seen == ["c", "d"]


# --- routing and pivoting ----------------------------------------------------------------------


def test_each_pair_goes_to_its_route() -> None:
    spanish, arabic = Scripted("spanish", [EN_ES, EN_AR]), Scripted("arabic", [EN_AR])
    deepl = Scripted("deepl", [EN_AR, EN_FR])
    router = Router({EN_ES: spanish, EN_AR: Fallback([arabic, deepl])}, default=deepl)
    assert set(router.pairs()) == {EN_ES, EN_AR, EN_FR}
    assert router.translate_batch(["x"], EN_ES) == ["x [spanish en-es]"]
    assert router.translate_batch(["x"], EN_AR) == ["x [arabic en-ar]"]
    assert router.translate_batch(["x"], EN_FR) == ["x [deepl en-fr]"]
    assert [expected(router, p) for p in (EN_ES, EN_AR, EN_FR)] == ["spanish", "arabic", "deepl"]
    assert router.direction(EN_AR).provenance.model == "arabic-model"
    arabic.failure = EngineUnavailableError("model not loaded")
    outputs, by = serve(router, ["x"], EN_AR)
    assert by.engine == "deepl" and outputs == ["x [deepl en-ar]"]
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
    outputs, by = serve(router, [text], es_ar)
    assert outputs == [f"{text} [opus-es-en es-en] [opus-en-ar en-ar]"]
    assert en_ar.seen == [f"{text} [opus-es-en es-en]"]
    assert (by.engine, by.engine_version) == ("opus-es-en+opus-en-ar", "1.0; 1.0")
    assert by.model == "es-en: opus-es-en-model; en-ar: opus-en-ar-model"
    assert by.pair == "es-ar"
    assert router.direction(es_ar).provenance == by


def test_pivot_names_the_fallback_that_served_a_leg() -> None:
    primary, spare = Scripted("primary", [EN_AR]), Scripted("spare", [EN_AR])
    router = Router({EN_AR: Fallback([primary, spare])}, Scripted("es-en", [Pair("es", "en")]),
                    pivot="en")  # fmt: skip
    assert expected(router, Pair("es", "ar")) == "es-en+primary"
    primary.failure = EngineUnavailableError("down")
    _, by = serve(router, ["Hola."], Pair("es", "ar"))
    assert by.engine == "es-en+spare" and by.model == "es-en: es-en-model; en-ar: spare-model"


def test_pivot_gives_placeholders_back_their_attributes_between_legs() -> None:
    class DropsAttributes(Scripted):
        def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
            return [re.sub(r'<x id="(\d+)"[^/]*/>', r'<x id="\1"/>', t) for t in texts]

    first, second = DropsAttributes("first", [Pair("es", "en")]), Scripted("second", [EN_AR])
    Pivot(first, second).translate_batch(['Dijo <x id="1" ctype="name" equiv="Ana"/>.'],
                                         Pair("es", "ar"))  # fmt: skip
    assert second.seen == ['Dijo <x id="1" ctype="name" equiv="Ana"/>.']


def test_pivot_refuses_output_that_lost_a_tag() -> None:
    class LosesTags(Scripted):
        def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
            return [re.sub(r"<[^>]+>", "", t) for t in texts]

    chain = Fallback([Pivot(Scripted("a", [Pair("es", "en")]), LosesTags("b", [EN_AR])),
                      Scripted("direct", [Pair("es", "ar")])])  # fmt: skip
    _, by = serve(chain, ['Hola <x id="1"/>.'], Pair("es", "ar"))
    assert by.engine == "direct"
    with pytest.raises(PlaceholderError, match="did not survive both legs"):
        chain.engines[0].translate_batch(['Hola <x id="1"/>.'], Pair("es", "ar"))


@needs_apertium
def test_pivot_through_english_with_apertium(apertium: ApertiumEngine) -> None:
    router = Router({}, Wrapper(apertium), pivot="en")
    es_ca = Pair("es", "ca")
    assert es_ca not in apertium.pairs() and es_ca in router.pairs()
    text = 'El <g id="1">perro</g> comió <x id="2" ctype="number" equiv="3"/> panes en Madrid.'
    [out], by = serve(router, [text], es_ca)
    assert '<g id="1">' in out and "</g>" in out and '<x id="2"' in out, out
    assert "gos" in out, out  # Catalan for dog, by way of English
    version = apertium.direction(EN_ES).provenance.engine_version
    assert (by.engine, by.engine_version) == ("apertium+apertium", f"{version}; {version}")
    assert by.model.startswith("es-en: spa-eng") and "en-ca: eng-cat" in by.model


# --- the concurrency limit ---------------------------------------------------------------------


def test_concurrency_limit_bounds_calls_in_the_engine() -> None:
    gate = Gate()
    limited = ConcurrencyLimit(gate, 2, wait_s=0.05, name="opus")
    outcomes: queue.SimpleQueue[list[str] | Exception] = queue.SimpleQueue()

    def call(i: int) -> None:
        try:
            outcomes.put(limited.translate_batch([str(i)], EN_ES))
        except EngineUnavailableError as exc:
            outcomes.put(exc)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    # Two calls are in the engine, held there; the other four wait for a slot, in vain.
    refused = [outcomes.get(timeout=10) for _ in range(4)]
    assert all(isinstance(r, EngineUnavailableError) for r in refused), refused
    assert "engine opus is busy: 2 calls running" in str(refused[0])
    assert gate.active == 2
    gate.release.set()
    served = [outcomes.get(timeout=10) for _ in range(2)]
    for t in threads:
        t.join(10)
    assert gate.most == 2 and all(isinstance(r, list) for r in served)


def test_without_a_limit_every_call_is_in_the_engine_at_once() -> None:
    gate = Gate()
    threads = [
        threading.Thread(target=lambda i=i: gate.translate_batch([str(i)], EN_ES)) for i in range(6)
    ]
    for t in threads:
        t.start()
    gate.wait_until(6)
    gate.release.set()
    for t in threads:
        t.join(10)
    assert gate.most == 6


def test_waiting_too_long_for_a_slot_lets_the_fallback_serve() -> None:
    gate = Gate()
    limited = ConcurrencyLimit(gate, 1, wait_s=0.05, name="opus")
    chain = Fallback([limited, Scripted("deepl")])
    holder = threading.Thread(target=lambda: limited.translate_batch(["held"], EN_ES))
    holder.start()
    gate.wait_until(1)
    with pytest.raises(EngineUnavailableError, match="engine opus is busy: 1 calls running"):
        limited.translate_batch(["x"], EN_ES)
    assert serve(chain, ["x"])[1].engine == "deepl"
    gate.release.set()
    holder.join(10)
    assert serve(chain, ["x"])[1].engine == "gate"


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
        def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
            if any("Tuesday" in t for t in texts):
                raise EngineError("cannot")
            return super().translate_list(texts, pair)

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
        def lexicon(self, pair: Pair) -> Lexicon | None:
            def classify(words: Sequence[str]) -> dict[str, str]:
                if self.failure is not None:
                    raise self.failure
                return {w: f"{self.name}:common" for w in words}

            return classify

    first, second = WithLexicon("first"), WithLexicon("second")
    known = Fallback([first, second]).direction(EN_ES).lexicon()
    assert known is not None and known(["Moscow"]) == {"Moscow": "first:common"}
    first.failure = EngineUnavailableError("analyser died")
    assert known(["Moscow"]) == {"Moscow": "second:common"}
    second.failure = EngineUnavailableError("this one too")
    assert known(["Moscow"]) == {"Moscow": "unknown"}
    assert Fallback([Scripted("none")]).direction(EN_ES).lexicon() is None


def test_lexicon_calls_never_close_the_breaker() -> None:
    class WithLexicon(Scripted):
        def lexicon(self, pair: Pair) -> Lexicon | None:
            return lambda words: dict.fromkeys(words, "common")

    clock, engine = Clock(), WithLexicon("e")
    engine.failure = EngineUnavailableError("down")
    guarded = CircuitBreaker(engine, failures=1, reset_s=10.0, clock=clock)
    with pytest.raises(EngineUnavailableError):
        guarded.translate_batch(["x"], EN_ES)
    with pytest.raises(CircuitOpenError):
        guarded.direction(EN_ES).lexicon()
    clock.now += 10.0
    known = guarded.direction(EN_ES).lexicon()
    assert known is not None and known(["Moscow"]) == {"Moscow": "common"}
    assert guarded.state == "half-open"  # the trial is still the next translation's
    with pytest.raises(EngineUnavailableError):
        guarded.translate_batch(["x"], EN_ES)
    assert guarded.state == "open"
