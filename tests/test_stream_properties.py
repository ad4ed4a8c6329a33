"""Property: whatever one caller sends, every other caller gets its own translation.

A real ``tarjama serve`` on the real Apertium, with the translation memory off so that every
canary goes to the engine: hypothesis sends arbitrary Unicode (controls, lone surrogates, the
stream format's special characters, bidi controls, zero-width characters) through ``/translate``,
``/v1/translate``, article PUTs and memory units, while a second client sends known canary
sentences the whole time. Every canary's answer must equal what the freshly started server gave
for it; no answer is a 5xx; whatever was accepted can be exported. The command line is checked
the same way: hostile lines between canary lines in one ``--format lines`` run.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarjama.api import create_key
from tarjama.config import Settings
from tests.conftest import needs_apertium

from .test_serve_restart import TARJAMA, free_port, start_server

pytestmark = needs_apertium

CANARIES = (
    "The weather is nice today.",
    "My password is hunter two.",
    "Dogs bark at night.",
    "The council approved the new budget on Tuesday.",
)
# Characters the stream format, the text rule or a renderer treats specially, weighted in.
SPECIALS = (
    "^$/<>{}[]\\@*#~|\x00\x01\x07\x0b\x0c\x1b\x7f\x85\x9f\r\t\n\u200b\u200d\ufeff\u202e\u2066"
)
HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from(SPECIALS),
        st.characters(exclude_categories=()),  # surrogates included
        st.sampled_from("abcdefghij KLMNOP .,'\""),
    ),
    max_size=60,
)


class Server:
    """``tarjama serve`` on Apertium, memory off, with an editor key."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = tmp / "data"
        data.mkdir()
        self.log = tmp / "serve.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
        env.update(TARJAMA_DATA_DIR=str(data), TARJAMA_MEMORY="false", TARJAMA_TARGETS="es")
        self.key = create_key(Settings(data_dir=data), "cms", "editor")
        self.proc, self.output = start_server(env, self.port, self.log)
        self.hostile = httpx.Client(base_url=self.url, timeout=60)
        self.canary = httpx.Client(base_url=self.url, timeout=60)
        ready = self.hostile.get("/ready")
        assert ready.status_code == 200, ready.text

    def lt(self, client: httpx.Client, q: str) -> httpx.Response:
        return client.post("/translate", json={"q": q, "source": "en", "target": "es"})

    def stop(self) -> None:
        self.hostile.close()
        self.canary.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.output.join()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    served = Server(tmp_path_factory.mktemp("stream-properties"))
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def fresh(server: Server) -> dict[str, str]:
    """Each canary as the freshly started server translates it, before any hostile text."""
    answers = {}
    for canary in CANARIES:
        response = server.lt(server.canary, canary)
        assert response.status_code == 200, response.text
        answers[canary] = response.json()["translatedText"]
    return answers


class Canaries:
    """A second client sending canaries, one after another, until stopped."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.answers: list[tuple[str, int, str]] = []
        self.two = threading.Event()  # at least two answers heard
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        i = 0
        while not self.stopped.is_set():
            canary = CANARIES[i % len(CANARIES)]
            response = self.server.lt(self.server.canary, canary)
            self.answers.append((canary, response.status_code, response.text))
            i += 1
            if i >= 2:
                self.two.set()

    def stop(self) -> list[tuple[str, int, str]]:
        """Stop once at least two canaries went through (the check is never vacuous)."""
        self.two.wait(timeout=60)
        self.stopped.set()
        self.thread.join(timeout=60)
        return self.answers


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=HOSTILE, n=st.integers(min_value=0, max_value=10**9))
def test_hostile_text_never_reaches_another_caller(
    server: Server, fresh: dict[str, str], text: str, n: int
) -> None:
    canaries = Canaries(server)
    key = {"X-API-Key": server.key}
    try:
        answers = [
            server.lt(server.hostile, text),
            server.hostile.post("/v1/translate", json={"text": text, "target": "es"}),
            server.hostile.put(
                f"/v1/articles/p{n}",
                content=f"Headline {n}\n\n{text}\n\nThe end.".encode("utf-8", "surrogatepass"),
                headers={**key, "content-type": "text/plain; charset=utf-8"},
            ),
            server.hostile.post(
                "/v1/memory/units",
                json={"source": f"{text} {n}", "target": f"{text} ({n})", "target_lang": "es"},
                headers=key,
            ),
        ]
    finally:
        heard = canaries.stop()
    for response in answers:
        assert response.status_code < 500, (response.request.url, response.text)
    assert len(heard) >= 2
    for canary, status, body in heard:
        assert status == 200, body
        assert httpx.Response(200, content=body).json() == {"translatedText": fresh[canary]}
    exported = server.hostile.get("/v1/memory/export", headers=key)
    assert exported.status_code == 200, exported.text
    back = server.hostile.post(
        "/v1/memory/import",
        content=exported.content,
        headers={**key, "content-type": "application/x-tmx+xml"},
    )
    assert back.status_code == 200, back.text


@settings(max_examples=12, deadline=None)
@given(lines=st.lists(HOSTILE, min_size=1, max_size=6))
def test_the_command_line_keeps_canaries_in_step(lines: list[str]) -> None:
    """One ``tarjama translate --format lines`` run: hostile lines between canary lines. The
    run either refuses the input (exit 65, one line on stderr, nothing on stdout) or answers
    every canary line as the engine does alone."""
    hostile = [" ".join(line.split()) or "x" for line in lines]  # one line each
    mixed = [t for line in hostile for t in (line, CANARIES[0])]
    run = subprocess.run(
        [TARJAMA, "translate", "-", "--to", "es", "--format", "lines", "--no-memory"],
        input="\n".join(mixed).encode("utf-8", "surrogatepass") + b"\n",
        capture_output=True,
        timeout=120,
        check=False,
    )
    if run.returncode == 65:
        assert run.stdout == b"" and run.stderr.count(b"\n") == 1, run.stderr
        return
    assert run.returncode == 0, run.stderr
    out = run.stdout.decode().split("\n")[:-1]
    assert len(out) == len(mixed)
    assert set(out[1::2]) == {_CLI_CANARY.get()}


class _CliCanary:
    """The canary line as a run with nothing else translates it."""

    value: str | None = None

    def get(self) -> str:
        if self.value is None:
            run = subprocess.run(
                [TARJAMA, "translate", "-", "--to", "es", "--format", "lines", "--no-memory"],
                input=CANARIES[0].encode() + b"\n",
                capture_output=True,
                timeout=120,
                check=True,
            )
            self.value = run.stdout.decode().rstrip("\n")
        return self.value


_CLI_CANARY = _CliCanary()
