"""ninjs in and out: the fields read, the same shape written back, and schema-valid output."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tarjama.errors import EmptyInputError, FormatError
from tarjama.formats.ninjs import ninjs_version, read_ninjs, validate_ninjs, write_ninjs
from tarjama.model import BlockKind
from tests.test_html import translated

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = SHARED / "ninjs" / "examples"
LABEL = "Beta V.1.0 - Powered by automated translation"

V3: dict[str, Any] = {
    "uri": "https://news.example/items/tram-line-3",
    "type": "text",
    "versionCreated": "2024-03-02T08:15:00Z",
    "language": "en",
    "by": "Sam Okafor",
    "located": "Lyon, France",
    "headlines": [
        {"role": "short", "value": "Tram line opens"},
        {"role": "main", "contentType": "text/plain", "value": "New tram line opens to riders"},
    ],
    "descriptions": [{"role": "summary", "value": "Line 3 links the station & the campus."}],
    "bodies": [
        {
            "role": "main",
            "contentType": "text/html",
            "charCount": 80,
            "value": '<p>The <a href="https://trams.example/3">new line</a> carried '
            "<em>4,000</em> riders.</p><p>Fares stay the same.</p>",
        },
        {"contentType": "text/plain", "value": "The new line carried 4,000 riders.\n\nFares..."},
    ],
    "associations": [
        {
            "name": "main-photo",
            "uri": "https://news.example/media/tram.jpg",
            "type": "picture",
            "copyrightHolder": "AFP",
            "by": "Lea Martin",
            "descriptions": [
                {"role": "caption", "value": "Riders board the first tram."},
                {"role": "alt", "value": "A green tram at a stop"},
            ],
            "renditions": [
                {"name": "small", "href": "https://cdn.example/tram-s.jpg", "width": 320},
                {"name": "large", "href": "https://cdn.example/tram-l.jpg", "width": 1600},
            ],
        },
        {"name": "related", "uri": "https://news.example/items/bus", "type": "text"},
    ],
}

V2: dict[str, Any] = {
    "uri": "urn:example:2024:harvest",
    "type": "text",
    "versioncreated": "2024-09-10T06:00:00Z",
    "headlines": [{"value": "Grape harvest starts early"}],
    "descriptions": [
        {"value": "A warm summer <b>sped up</b> ripening.", "contenttype": "text/html"}
    ],
    "bodies": [
        {
            "contenttype": "text/plain",
            "wordcount": 9,
            "value": "Growers began picking on Monday.\n\nYields look good.\n  \nPrices may fall.",
        }
    ],
    "associations": [
        {
            "name": "photo",
            "uri": "urn:example:2024:harvest:photo",
            "type": "picture",
            "copyrightholder": "Reuters",
            "descriptions": [{"value": "Pickers in a vineyard."}],
        }
    ],
}

V1: dict[str, Any] = {
    "uri": "urn:example:legacy:1",
    "type": "text",
    "versioncreated": "2020-01-01T00:00:00Z",
    "headline": "Library reopens",
    "byline": "Kim Lee",
    "description_text": "Doors open after repairs.",
    "body_html": "<p>The library <em>reopened</em> today.</p>",
    "body_text": "The library reopened today.",
    "associations": {
        "featuremedia": {
            "uri": "urn:example:legacy:1:pic",
            "type": "picture",
            "description_text": "Readers return.",
            "creditline": "DPA / Jo Weber",
            "renditions": {"original": {"href": "https://cdn.example/lib.jpg"}},
        }
    },
}


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)


def examples() -> list[Any]:
    if not EXAMPLES.is_dir():
        reason = f"{EXAMPLES} is absent: the shared data folder is not beside the repository"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return sorted(EXAMPLES.glob("*/*.json"))


def write(doc: dict[str, Any] | str, target: str = "es") -> dict[str, Any]:
    data = doc if isinstance(doc, str) else dump(doc)
    out = json.loads(write_ninjs(translated(read_ninjs(data), target)))
    assert isinstance(out, dict)
    return out


# --- reading ------------------------------------------------------------------------------------


def test_read_3x() -> None:
    a = read_ninjs(dump(V3))
    assert (a.headline, a.standfirst) == ("New tram line opens to riders", V3_STANDFIRST)
    assert (a.byline, a.dateline, a.source_language) == ("Sam Okafor", "Lyon, France", "en")
    assert (a.source_format, a.updated) == ("ninjs", "2024-03-02T08:15:00Z")
    assert [b.kind for b in a.body] == [BlockKind.PARAGRAPH, BlockKind.PARAGRAPH, BlockKind.PICTURE]
    assert a.body[0].text == 'The <g id="1">new line</g> carried <g id="2">4,000</g> riders.'
    picture = a.body[2]
    assert (picture.text, picture.alt) == ("Riders board the first tram.", "A green tram at a stop")
    assert (picture.credit, picture.src) == ("AFP / Lea Martin", "https://cdn.example/tram-l.jpg")


V3_STANDFIRST = "Line 3 links the station &amp; the campus."


def test_read_2x_plain_body() -> None:
    a = read_ninjs(dump(V2), language="en-GB")
    assert a.source_language == "en-GB"
    assert a.standfirst == "A warm summer sped up ripening."
    assert [b.text for b in a.body] == [
        "Growers began picking on Monday.",
        "Yields look good.",
        "Prices may fall.",
        "Pickers in a vineyard.",
    ]
    assert a.body[-1].credit == "Reuters"


def test_read_1x_legacy() -> None:
    a = read_ninjs(dump(V1))
    assert (a.headline, a.byline, a.standfirst) == (
        "Library reopens",
        "Kim Lee",
        "Doors open after repairs.",
    )
    assert a.body[0].text == 'The library <g id="1">reopened</g> today.'
    assert (a.body[1].credit, a.body[1].src) == ("DPA / Jo Weber", "https://cdn.example/lib.jpg")


@pytest.mark.parametrize(
    ("doc", "version"),
    [
        (V3, "3"),
        (V2, "2"),
        (V1, "1"),
        ({"uri": "x", "headlines": [{"value": "h"}]}, "3"),
        ({"uri": "x", "standard": {"name": "ninjs", "version": "2.1"}}, "2"),
        ({"uri": "x", "$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#"}, "3"),
        ({"uri": "x", "bodies": [{"value": "b", "contenttype": "text/plain"}]}, "2"),
    ],
)
def test_version_detection(doc: dict[str, Any], version: str) -> None:
    assert ninjs_version(doc) == version


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("", EmptyInputError, "empty ninjs input"),
        ("  \n", EmptyInputError, "empty ninjs input"),
        ('{"uri": "x",\n "headlines": [}', FormatError, "invalid JSON at line 2, column 16"),
        ("<p>not json</p>", FormatError, "invalid JSON at line 1, column 1"),
        ('[{"uri": "x"}]', FormatError, "must be a JSON object, not a JSON list"),
        ('{"headlines": [{"value": "h"}]}', FormatError, 'has no "uri"'),
        ('{"uri": "x", "type": "text"}', FormatError, "no headline and no body"),
        ('{"uri": "x", "headlines": "oops"}', FormatError, "headlines must be an array, not str"),
        (
            '{"uri": "x", "headlines": [{"value": 3}]}',
            FormatError,
            "headlines[0].value must be a string",
        ),
        ('{"uri": "x", "headlines": ["h"]}', FormatError, "headlines[0] must be an object"),
    ],
)
def test_malformed_input(data: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        read_ninjs(data)


# --- writing ------------------------------------------------------------------------------------


def test_write_3x_same_shape_translated() -> None:
    out = write(V3)
    validate_ninjs(out, "3")
    assert list(out) == [*V3, "infoSources"]
    assert out["language"] == "es"
    assert out["headlines"][0] == V3["headlines"][0]  # only the main headline is translated
    assert out["headlines"][1]["value"] == "NEW TRAM LINE OPENS TO RIDERS"
    assert out["descriptions"][0]["value"] == "LINE 3 LINKS THE STATION & THE CAMPUS."
    assert (out["by"], out["located"]) == ("SAM OKAFOR", "LYON, FRANCE")
    html, plain = (b["value"] for b in out["bodies"])
    assert html == (
        '<p>THE <a href="https://trams.example/3">NEW LINE</a> CARRIED <em>4,000</em> RIDERS.</p>'
        "<p>FARES STAY THE SAME.</p>"
    )
    assert plain == "THE NEW LINE CARRIED 4,000 RIDERS.\n\nFARES STAY THE SAME."
    assert out["bodies"][0]["charCount"] == len(
        "THE NEW LINE CARRIED 4,000 RIDERS.FARES STAY THE SAME."
    )
    photo, related = out["associations"]
    assert [d["value"] for d in photo["descriptions"]] == [
        "RIDERS BOARD THE FIRST TRAM.",
        "A GREEN TRAM AT A STOP",
    ]
    assert (photo["language"], photo["copyrightHolder"], photo["by"]) == ("es", "AFP", "Lea Martin")
    assert related == V3["associations"][1]


def test_write_2x_plain_body() -> None:
    out = write(V2, "ar")
    validate_ninjs(out, "2")
    assert out["language"] == "ar"
    assert out["bodies"][0]["value"] == (
        "GROWERS BEGAN PICKING ON MONDAY.\n\nYIELDS LOOK GOOD.\n\nPRICES MAY FALL."
    )
    assert out["bodies"][0]["wordcount"] == 11
    assert out["descriptions"][0]["value"] == "A WARM SUMMER SPED UP RIPENING."
    assert out["associations"][0]["descriptions"][0]["value"] == "PICKERS IN A VINEYARD."
    assert out["associations"][0]["language"] == "ar"


def test_plain_text_body_keeps_its_line_breaks() -> None:
    doc = json.loads(dump(V2))
    doc["bodies"][0]["value"] = "Roads were closed.\nOfficials said so.\n\nSchools stay shut."
    out = write(doc)
    assert out["bodies"][0]["value"] == (
        "ROADS WERE CLOSED.\nOFFICIALS SAID SO.\n\nSCHOOLS STAY SHUT."
    )


def test_write_1x_legacy() -> None:
    out = write(V1)
    assert out["headline"] == "LIBRARY REOPENS"
    assert out["body_html"] == "<p>THE LIBRARY <em>REOPENED</em> TODAY.</p>"
    assert out["body_text"] == "THE LIBRARY REOPENED TODAY."
    assert out["associations"]["featuremedia"]["description_text"] == "READERS RETURN."
    assert out["associations"]["featuremedia"]["creditline"] == "DPA / Jo Weber"
    assert out["ednote"].startswith(f"[tarjama] {LABEL} (engine=pseudo;")


@pytest.mark.parametrize("doc", [V3, V2])
def test_label_and_provenance(doc: dict[str, Any]) -> None:
    out = write(doc)
    sources = out["infoSources" if "infoSources" in out else "infosources"]
    assert sources == [
        {
            "name": "tarjama",
            "role": "machine-translation",
            "literal": sources[0]["literal"],
        }
    ]
    assert sources[0]["literal"].startswith("engine=pseudo; engine_version=1; model=; pair=en-es")
    assert out["descriptions"][-1]["role"] == "tarjama-label"
    assert out["descriptions"][-1]["value"] == LABEL


def test_translating_output_again_keeps_one_label() -> None:
    once = write_ninjs(translated(read_ninjs(dump(V3))))
    again = read_ninjs(once)
    assert again.label == LABEL
    assert again.standfirst == "LINE 3 LINKS THE STATION &amp; THE CAMPUS."
    twice = json.loads(write_ninjs(translated(again)))
    assert [d["role"] for d in twice["descriptions"]] == ["summary", "tarjama-label"]
    assert len(twice["infoSources"]) == 1


@pytest.mark.parametrize(
    "path", examples(), ids=lambda p: f"{p.parent.name}/{p.name}" if p else "absent"
)
def test_iptc_examples_round_trip_valid(path: Path) -> None:
    original = json.loads(path.read_text())
    version = path.parent.name[0]
    validate_ninjs(original, version)
    out = write(path.read_text())
    validate_ninjs(out, version)
    assert out["language"] == "es"
    assert set(out) - set(original) <= {"language", "descriptions", "infoSources", "infosources"}
    assert out["headlines"][0]["value"] == original["headlines"][0]["value"].upper()


def test_other_formats_become_ninjs_31() -> None:
    source = read_ninjs(dump(V3))
    t = translated(replace(source, source_format="html", original=""))
    out = json.loads(write_ninjs(t))
    validate_ninjs(out, "3")
    assert out["standard"]["version"] == "3.1"
    assert out["language"] == "es"
    assert out["descriptions"][-1] == {
        "role": "tarjama-label",
        "contentType": "text/plain",
        "value": LABEL,
    }
    assert out["infoSources"][0]["literal"].startswith("engine=pseudo; engine_version=1;")
    assert out["headlines"][0]["value"] == "NEW TRAM LINE OPENS TO RIDERS"
    assert '<a href="https://trams.example/3">NEW LINE</a>' in out["bodies"][0]["value"]
    (photo,) = out["associations"]
    assert photo["by"] == "AFP / Lea Martin"
    assert photo["renditions"] == [{"name": "original", "href": "https://cdn.example/tram-l.jpg"}]
    again = read_ninjs(json.dumps(out))
    assert [b.kind for b in again.body] == [b.kind for b in source.body]


@pytest.mark.parametrize(
    ("doc", "version", "message"),
    [
        ({"headlines": []}, "3", "at $: 'uri' is a required property"),
        ({"uri": "x", "headlines": [{"role": "main"}]}, "3", "at $.headlines[0]"),
        ({"uri": "x", "colour": "red"}, "2", "not valid ninjs 2.2"),
        ({"uri": "x", "versionCreated": "2024-01-01T00:00:00Z"}, "2", "versionCreated"),
        ({"uri": "x", "headline": "old"}, None, "ninjs 1.x cannot be validated"),
    ],
)
def test_validate_reports_where(doc: dict[str, Any], version: str | None, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        validate_ninjs(doc, version)
