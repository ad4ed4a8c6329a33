"""Accessibility of the pages, checked by axe-core (the copy vendored in
``axe-playwright-python``) in a real headless Chromium: no serious or critical violation on the
translate page, the index, a reader page (left to right and right to left), the desk's queue
and the desk's view of an article.

The reader pages' policy runs no script at all, axe's included; the browser context bypasses
the pages' CSP so that axe can run, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tarjama.api import create_key
from tests.test_desk import QUIET, STORY
from tests.test_pages import PAGE, chromium, live_server, put, settings_for

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
PAGES = ["/", "/read", "/read/a1/es", "/read/a1/ar", "/read/a1/en", "/desk", "/desk/s1/es",
         "/desk/login"]  # fmt: skip


@pytest.fixture(scope="module")
def signed_in_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    settings = settings_for(tmp_path_factory.mktemp("a11y"))
    with live_server(settings) as (base, app):
        key = create_key(settings, "ana", "editor")
        for pid, body in (("a1", PAGE), ("s1", STORY), ("q1", QUIET)):
            put(base, app, key, pid, body)
        with chromium(base) as new_context:
            context = new_context(bypass_csp=True)
            page = context.new_page()
            page.goto(f"{base}/desk/login")
            page.fill("#key", key)
            page.click("form.login button")
            page.wait_for_url(f"{base}/desk")
            yield base, page
            context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violation(signed_in_page: tuple[str, Any], path: str) -> None:
    base, page = signed_in_page
    response = page.goto(f"{base}{path}")
    assert response is not None and response.ok, path
    results = axe_playwright.Axe().run(page)
    found = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert found == [], found
