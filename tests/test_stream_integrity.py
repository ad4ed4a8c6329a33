"""One caller's text never reaches another: the Apertium driver's stream, framed and escaped.

The driver keeps long-lived processes (a pipeline per pair, an analyser per pair) and sends every
request down one pipe. A request that the stream format misreads (a NUL ends a record in
null-flush mode) used to cut the stream out of step: every later caller got the previous caller's
output. These tests send such text through the real Apertium, and also put the stream out of
step by hand (a stray record written into a live pipeline), and check that each output belongs
to its own request: what a freshly started engine gives for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tarjama.api import create_app
from tarjama.config import Settings
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.apertium.process import Pipeline
from tarjama.engines.apertium.stream import to_stream
from tarjama.engines.events import EVENTS, PROCESS_RESTART, STREAM_OUT_OF_STEP
from tarjama.errors import StreamIntegrityError
from tarjama.model import Pair
from tests.conftest import needs_apertium

pytestmark = needs_apertium

ES = Pair("en", "es")
CANARIES = ["The weather is nice today.", "My password is hunter two.", "Dogs bark at night."]


@pytest.fixture
def engine() -> Iterator[ApertiumEngine]:
    """An engine of the test's own: these tests break its processes on purpose."""
    with ApertiumEngine() as engine:
        yield engine


@pytest.fixture(scope="module")
def fresh() -> dict[tuple[str, str], str]:
    """Each canary's translation by an engine that has seen nothing else."""
    answers = {}
    for target in ("es", "ca", "gl"):
        for text in CANARIES:
            with ApertiumEngine() as engine:
                answers[text, target] = engine.translate_batch([text], Pair("en", target))[0]
    return answers


def test_the_nul_sequence_keeps_every_caller_in_step(
    engine: ApertiumEngine, fresh: dict[tuple[str, str], str]
) -> None:
    """The issue's sequence: before the fix the NUL request answered "Hola", the next caller got
    "Mundial. El fin." and the one after "Mi contraseña es cazadora dos."."""
    assert engine.translate_batch([CANARIES[0]], ES) == [fresh[CANARIES[0], "es"]]
    [out] = engine.translate_batch(["Hello\x00world. The end."], ES)
    assert out == "Hola\x00Mundo. El fin."  # its own text, the NUL where it was
    assert engine.translate_batch([CANARIES[1]], ES) == [fresh[CANARIES[1], "es"]]
    assert engine.translate_batch([CANARIES[2]], ES) == [fresh[CANARIES[2], "es"]]


# Apertium's stream syntax, controls, bidi and zero-width characters: each text must come back
# with the characters around its words, and leave the stream in step for the next caller.
HOSTILE = [
    "a^b",
    "^$",
    "price: 5$ / 3^2",
    "<tag> {brace} [bracket] \\back\\slash",
    "me@example.org #1 *star* ~tilde~ a|b",
    "[tarjama:cut] fake cut",
    "[\\<x:1\\>] fake markup blank",
    "ctrl \x01\x02\x03\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f end",
    "c1 \x80\x85\x9f end",
    "cr\rlf",
    "nul\x00\x00twice",
    "bidi \u202ehidden\u202c \u2066iso\u2069",
    "zero\u200bwidth\u200d join\ufeff",
    "lone surrogate \ud800 here",
]


@pytest.mark.parametrize("target", ["es", "ca", "gl"])
def test_stream_syntax_and_controls_never_cross_requests(
    engine: ApertiumEngine, fresh: dict[tuple[str, str], str], target: str
) -> None:
    pair = Pair("en", target)
    batch = [t for hostile in HOSTILE for t in (hostile, CANARIES[0])]
    outputs = engine.translate_batch(batch, pair)
    for hostile, out, canary in zip(HOSTILE, outputs[::2], outputs[1::2], strict=True):
        assert canary == fresh[CANARIES[0], target], hostile
        # The characters no stage may read come back as they were sent.
        for ch in re.findall(r"[\x00-\x08\x0b-\x1f\x7f-\x9f^\ud800-\udfff]", hostile):
            assert ch in out, (hostile, out)
    for canary in CANARIES:  # alone, after all of that
        assert engine.translate_batch([canary], pair) == [fresh[canary, target]]


def test_catalan_survives_a_caret() -> None:
    """eng-cat's lrx-proc read an escaped "^" as the start of a word and swallowed the rest of
    the record with its NUL: the pipeline hung until its timeout, then restarted."""
    with ApertiumEngine(timeout=5) as engine:
        restarts = EVENTS.count("apertium", PROCESS_RESTART)
        assert engine.translate_batch(["x^2 grew."], Pair("en", "ca"))[0].startswith("x^2")
        assert EVENTS.count("apertium", PROCESS_RESTART) == restarts


def test_a_request_cut_in_two_is_out_of_step() -> None:
    """The framing itself, below the escaping: a raw NUL inside a request (what a text with a
    NUL used to become) makes the output fail its frame instead of passing as the answer."""
    with ApertiumEngine() as engine:
        pipe: Pipeline = engine._pipeline(ES)
        cut = to_stream("Hello").encode() + b"\0" + to_stream("world. The end.").encode()
        with pytest.raises(StreamIntegrityError, match="out of step"):
            list(pipe.stream([[cut, to_stream(CANARIES[1]).encode()]]))


def test_an_out_of_step_pipeline_is_restarted_and_the_request_retried(
    engine: ApertiumEngine, fresh: dict[tuple[str, str], str]
) -> None:
    """A stray record in a live pipeline (as if a stage had written one output too many):
    the next caller's request is answered by that record first. The driver sees that it does
    not carry the request's frame, discards it, restarts the pipeline, sends the request again
    and returns its own translation; the event is counted for /metrics."""
    assert engine.translate_batch([CANARIES[0]], ES) == [fresh[CANARIES[0], "es"]]
    pipe = engine._pipeline(ES)
    stray = to_stream(CANARIES[1]).encode()  # another caller's text, unframed
    assert pipe.front.stdin is not None
    pipe.front.stdin.write(stray + b"\0")
    pipe.front.stdin.flush()
    before = EVENTS.count("apertium", STREAM_OUT_OF_STEP)
    assert engine.translate_batch([CANARIES[2]], ES) == [fresh[CANARIES[2], "es"]]
    assert EVENTS.count("apertium", STREAM_OUT_OF_STEP) == before + 1
    assert engine._pipeline(ES) is pipe and pipe.serial == 1  # the same pipeline, restarted


def test_an_out_of_step_analyser_is_restarted(engine: ApertiumEngine) -> None:
    """The analyser that names words for the name rules is framed the same way."""
    classify = engine.direction(ES).lexicon()
    assert classify is not None
    assert classify(["London"]) == {"London": "proper-place"}
    analyser = engine._analyser(ES)
    stray = b"[tarjama\\:0000\\:0]budget\0"
    assert analyser.proc.stdin is not None
    analyser.proc.stdin.write(stray)
    analyser.proc.stdin.flush()
    before = EVENTS.count("apertium", STREAM_OUT_OF_STEP)
    assert classify(["Theresa", "table"]) == {"Theresa": "proper-person", "table": "common"}
    assert EVENTS.count("apertium", STREAM_OUT_OF_STEP) == before + 1


def test_the_service_discards_an_out_of_step_output_and_counts_it(
    engine: ApertiumEngine, fresh: dict[tuple[str, str], str], tmp_path: Path
) -> None:
    """Over HTTP: the caller after a stray record gets its own translation, /ready stays ok
    (the pipeline was restarted), and /metrics counts the event."""
    settings = Settings(data_dir=tmp_path / "data", memory=False)
    with TestClient(create_app(settings, engine=engine)) as client:
        answer = client.post("/translate", json={"q": CANARIES[0], "source": "en", "target": "es"})
        assert answer.json() == {"translatedText": fresh[CANARIES[0], "es"]}
        pipe = engine._pipeline(ES)
        assert pipe.front.stdin is not None
        pipe.front.stdin.write(to_stream(CANARIES[1]).encode() + b"\0")
        pipe.front.stdin.flush()
        answer = client.post("/translate", json={"q": CANARIES[2], "source": "en", "target": "es"})
        assert answer.json() == {"translatedText": fresh[CANARIES[2], "es"]}
        assert client.get("/ready").status_code == 200
        metrics = client.get("/metrics").text
    counted = re.search(
        r'^tarjama_engine_events_total\{engine="apertium",event="stream_out_of_step"\} (\S+)$',
        metrics,
        re.MULTILINE,
    )
    assert counted is not None and float(counted.group(1)) >= 1


def test_the_nul_sequence_over_http(
    engine: ApertiumEngine, fresh: dict[tuple[str, str], str], tmp_path: Path
) -> None:
    """The issue's probe against the service: the NUL request is refused with its position,
    and every caller before and after it gets its own translation."""
    settings = Settings(data_dir=tmp_path / "data")
    with TestClient(create_app(settings, engine=engine)) as client:

        def translate(q: str) -> tuple[int, object]:
            answer = client.post("/translate", json={"q": q, "source": "en", "target": "es"})
            return answer.status_code, answer.json()

        assert translate(CANARIES[0]) == (200, {"translatedText": fresh[CANARIES[0], "es"]})
        status, body = translate("Hello\u0000world. The end.")
        assert status == 400 and "NUL" in str(body) and "offset 5" in str(body), body
        for canary in CANARIES[1:]:
            assert translate(canary) == (200, {"translatedText": fresh[canary, "es"]})
        v1 = client.post("/v1/translate", json={"text": "Hello\u0000world.", "target": "es"})
        assert v1.status_code == 400 and v1.json()["error"]["code"] == "invalid_character"
