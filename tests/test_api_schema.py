"""The OpenAPI document is as strict as the server: schemathesis with every check passes.

schemathesis runs every phase of ``st run --checks all`` against the app in process: the
documented examples, boundary ("coverage") cases and methods the path does not have, random
valid and invalid data, and stateful sequences that feed one answer's ids into the next request.
It sends an admin key, so every route is reached whatever the defaults for anonymous callers are,
and bad keys where the document names the key schemes (its ``ignored_auth`` check).
Every built-in check runs: no 5xx, answers (status, content type, body, headers) as documented,
invalid data refused, valid data accepted, a 405 with an ``Allow`` naming every method of the
path. A run takes a bounded number of examples from a fixed seed.

Two kinds of failure are dropped, each for a reason stated here and no wider than it:

- valid data refused with 400 for a reason no JSON Schema can state (:data:`REFUSALS`, checked
  by the answer's error code, and by operation);
- "invalid" data accepted when the only invalid part is a non-string body of a text media type
  (text/html, RSS): schemathesis sends it as its text, a valid string, as it already knows for
  text/plain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis import engine
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.engine import events
from schemathesis.openapi.checks import RejectedPositiveData

from tarjama.api import create_app, create_key
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine

# (error code, the operations whose valid requests it may refuse, why no schema can say so)
REFUSALS: list[tuple[str, str, str]] = [
    ("unsupported_language", r".*",
     "the languages are the installed engines' pairs, known at run time"),
    ("language_not_detected", r"POST /translate",
     "whether a text's language can be told with source=auto is the detector's judgement"),
    ("malformed_input",
     r"(PUT|POST) /v1/(articles.*|translate|feeds/translate|glossary/import|memory/import)",
     "the body is a document (HTML, ninjs, RSS/Atom, CSV, TBX, TMX) that the schema can only "
     "call a string or an object"),
    ("empty_input", r"(PUT|POST) /v1/(articles.*|translate|feeds/translate)|POST /translate",
     "a document (HTML, an article, a feed; a text that is only the label) may hold no text to "
     "translate"),
    ("empty_input", r"PATCH /v1/glossary/terms/\{term_id\}",
     "whether a term may lose its target depends on the stored term's do_not_translate"),
    ("invalid_character",
     r"(PUT|POST) /v1/(articles.*|translate|feeds/translate|glossary/import|memory/import)",
     "a document's characters are checked once it is decoded and parsed (the text rule, "
     "tarjama.intake): an entity, a ninjs key or a CSV field may hold one the rule refuses"),
    ("invalid_input", r"POST /v1/articles",
     "a document without an id of its own (ninjs uri, HTML canonical link) needs PUT"),
]  # fmt: skip
# The LibreTranslate routes answer {"error": message} as LibreTranslate does: their messages.
LIBRETRANSLATE_REFUSALS = {
    "empty_input": re.compile(r"the (text|HTML) is empty: nothing to translate"),
    "unsupported_language": re.compile(
        r"\S+ is not supported|.* is not available as a target language from .*"
    ),
    "language_not_detected": re.compile(r"Cannot tell the language of the text: .*"),
}
TEXT_MEDIA = re.compile(r"text/.*|application/(rss|atom)\+xml")

CONFIG = {
    "seed": 14,
    "generation": {"max-examples": 6, "database": "none"},
    "phases": {"stateful": {"max-steps": 6}},
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    # schemathesis sends bad keys to every keyed operation (its ignored_auth check): more than
    # the failures an address is allowed a minute, which tests/test_service_edges.py covers.
    config = Settings(data_dir=tmp_path_factory.mktemp("data"), auth_failures=0)
    key = create_key(config, "schemathesis", "admin")
    app = create_app(config, engine=PseudoEngine(), job_threads=0)
    with TestClient(app):  # runs the lifespan: the store is migrated
        yield app, key


def refusal_reason(response: schemathesis.Response) -> str | None:
    error = response.json().get("error")
    if isinstance(error, dict):
        return str(error.get("code"))
    return next(
        (code for code, text in LIBRETRANSLATE_REFUSALS.items() if text.fullmatch(str(error))),
        None,
    )


def stated_exception(failure: Any, case: schemathesis.Case, response: Any) -> bool:
    """Whether a failure is one of the two kinds the module docstring names."""
    label = case.operation.label
    if isinstance(failure, RejectedPositiveData) and response.status_code == 400:
        code = refusal_reason(response)
        return any(code == c and re.fullmatch(ops, label) for c, ops, _why in REFUSALS)
    if isinstance(failure, AcceptedNegativeData) and case.meta is not None:
        negative = [loc for loc, c in case.meta.components.items() if c.mode.is_negative]
        return (
            [loc.value for loc in negative] == ["body"]
            and TEXT_MEDIA.fullmatch(case.media_type or "") is not None
            and not isinstance(case.body, str)
        )
    return False


@pytest.fixture(scope="module")
def api(service: tuple[FastAPI, str]) -> Any:
    app, key = service
    config = schemathesis.Config.from_dict(
        {**CONFIG, "headers": {"Authorization": f"Bearer {key}"}}
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)

    @schema.hook("filter_failure")
    def keep(context: Any, failure: Any, case: schemathesis.Case, response: Any) -> bool:
        return not stated_exception(failure, case, response)

    return schema


def test_the_server_does_what_its_openapi_says(api: Any) -> None:
    problems: dict[tuple[str, str], str] = {}
    cases = 0
    for event in engine.from_schema(api).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            for case_id, nodes in event.recorder.checks.items():
                response = event.recorder.find_response(case_id=case_id)
                answer = f"{response.status_code} {response.text[:300]}" if response else ""
                for node in nodes:
                    if node.status == engine.Status.FAILURE and node.failure_info is not None:
                        failure = node.failure_info.failure
                        problems.setdefault(
                            (str(failure.operation), failure.title),
                            f"{failure.operation} ({event.phase.value}): {failure.title}\n"
                            f"{failure.message}\n{node.failure_info.code_sample}\n-> {answer}",
                        )
        elif isinstance(event, events.NonFatalError):
            problems[(event.label, repr(event.value))] = f"{event.label}: {event.value!r}"
        elif isinstance(event, events.FatalError):
            problems[("", repr(event.exception))] = repr(event.exception)
    assert not problems, f"{len(problems)} failures:\n\n" + "\n\n".join(problems.values())
    assert cases > 500


def test_every_operation_is_in_the_run(api: Any) -> None:
    labels = {result.ok().label for result in api.get_all_operations()}
    assert {"POST /translate", "POST /v1/translate", "PUT /v1/articles/{publisher_id}"} <= labels
    assert len(labels) >= 30
