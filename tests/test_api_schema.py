"""Property-based conformance: schemathesis generates requests from tarjama's own OpenAPI spec
and checks that no response is a 500 and every response matches the documented schema.

One check is left out: "schema-valid request rejected". The spec does not express every rule of
a body ("give exactly one of text or html" is a validator, not a JSON Schema keyword), so a
request the schema allows can still be a 422 with tarjama's error envelope, which is correct."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tarjama.api import create_app
from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    config = Settings(data_dir=tmp_path_factory.mktemp("data"), anonymous_write=True)
    app = create_app(config, engine=PseudoEngine(), job_threads=0)
    with TestClient(app):  # runs the lifespan: the store is migrated
        yield app


def test_no_server_error_and_responses_match_the_spec(service: FastAPI, tmp_path: Path) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", service)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
