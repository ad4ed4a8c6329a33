"""``POST /v1/feeds/translate`` on both databases: a feed in, the same feed out, translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from .test_api import _on_both_databases, client_for  # noqa: F401 (autouse)
from .test_feed import ATOM_FEED, RSS


def test_service_translates_a_feed(tmp_path: Path) -> None:
    with client_for(tmp_path) as client:
        answer = client.post(
            "/v1/feeds/translate?target=es",
            content=RSS.encode(),
            headers={"Content-Type": "application/rss+xml"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/rss+xml; charset=utf-8"
        root = etree.fromstring(answer.text.split("\n", 2)[2].encode())
        assert root.findtext("channel/language") == "es"
        assert len(root.findall("channel/item")) == 2
        assert root.findtext("channel/item/title", "").startswith("⟦")

        atom = client.post("/v1/feeds/translate?target=ca", content=ATOM_FEED.encode())
        assert atom.status_code == 200, atom.text
        assert atom.headers["content-type"] == "application/atom+xml; charset=utf-8"


@pytest.mark.parametrize(
    ("body", "query", "status", "code", "message"),
    [
        (b"<rss><channel><item><title>A", "target=es", 400, "malformed_input", "line 1"),
        (b"\xef\xbb\xbf\xff\xfe", "target=es", 400, None, "not valid UTF-8"),
        (RSS.encode(), "target=xx", 400, "unsupported_language", "en-xx"),
    ],
)
def test_service_refuses_what_it_cannot_translate(
    tmp_path: Path, body: bytes, query: str, status: int, code: str | None, message: str
) -> None:
    with client_for(tmp_path) as client:
        answer = client.post(f"/v1/feeds/translate?{query}", content=body)
        assert answer.status_code == status, answer.text
        error = answer.json()["error"]
        assert message in error["message"] and (code is None or error["code"] == code)


def test_service_feed_counts_against_the_character_limit(tmp_path: Path) -> None:
    with client_for(tmp_path, max_characters=200) as client:
        answer = client.post("/v1/feeds/translate?target=es", content=RSS.encode())
        assert answer.status_code == 413, answer.text
        assert "characters" in answer.json()["error"]["message"]
