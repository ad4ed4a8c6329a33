"""The bundled IPTC schemas (2.2 and 3.1) and validation against them."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from tarjama.errors import FormatError
from tarjama.formats.ninjs.layout import ninjs_version

SCHEMAS = {"2": "2.2", "3": "3.1"}
"""Major version -> the bundled schema (``schemas/ninjs-schema_<version>.json``, MIT, IPTC)."""
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"


@cache
def _validator(version: str) -> Draft202012Validator:
    text = (
        resources.files("tarjama.formats")
        .joinpath("schemas", f"ninjs-schema_{SCHEMAS[version]}.json")
        .read_text()
    )
    return Draft202012Validator(json.loads(text))


def schema_error(doc: dict[str, Any], version: str) -> str | None:
    error = best_match(_validator(version).iter_errors(doc))
    return None if error is None else f"at {error.json_path}: {error.message}"


def validate_ninjs(doc: dict[str, Any], version: str | None = None) -> None:
    """Raise FormatError, with the JSON path of the first problem, if ``doc`` is not valid ninjs."""
    version = version or ninjs_version(doc)
    if version not in SCHEMAS:
        raise FormatError(
            f"ninjs {version}.x cannot be validated: tarjama bundles 2.2 and 3.1 only"
        )
    problem = schema_error(doc, version)
    if problem:
        raise FormatError(f"not valid ninjs {SCHEMAS[version]} {problem}")
