"""The editor's review desk (``/desk``): sign-in, sessions, CSRF, the queue, the article view,
corrections with a version check, approval; and the whole flow in a real headless Chromium.

In the browser an editor signs in, opens the riskiest translation, corrects the sentence that
holds a link and an emphasis by typing words only (the markup is tokens; a Backspace at a token
leaves it), saves and approves from the keyboard; the reader page then shows the corrected
sentence with its link and emphasis and a label that says reviewed, and a second article with
the same sentence is translated with the correction from the memory. Hostile articles and
corrections run nothing on any page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import select, update

from tarjama.api import create_app, create_key, revoke_key
from tarjama.api.web.desk import COOKIE
from tarjama.engines.pseudo import PseudoEngine
from tarjama.store import DeskSession, utcnow
from tests.test_pages import HTML, chromium, live_server, put, settings_for

STORY = (
    b"<html><body><article><h1>Harbour reopens</h1>"
    b"<p>The <a href='https://example.com/port' rel='author'>port</a> reopened "
    b"<em>today</em>.</p>"
    b"<p>The fleet of 3 ships sailed.</p></article></body></html>"
)
QUIET = b"<html><body><article><h1>Weather</h1><p>Rain is expected.</p></article></body></html>"
AGAIN = (
    b"<html><body><article><h1>Harbour news</h1>"
    b"<p>The <a href='https://example.com/port' rel='author'>port</a> reopened "
    b"<em>today</em>.</p></article></body></html>"
)
LINKED = 'The <g id="1">port</g> reopened <g id="2">today</g>.'


def csrf_of(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', text)
    assert found is not None
    return found.group(1)


def signed_in(client: TestClient, key: str) -> str:
    """Sign ``client`` in with ``key``; the session's CSRF token."""
    form = client.get("/desk/login")
    done = client.post("/desk/login", data={"key": key, "csrf": csrf_of(form.text)},
                       follow_redirects=False)  # fmt: skip
    assert (done.status_code, done.headers["location"]) == (303, "/desk"), done.text
    return csrf_of(client.get("/desk").text)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[FastAPI, TestClient, str]]:
    settings = settings_for(tmp_path, targets=("es", "ca"))
    app = create_app(settings, engine=PseudoEngine(), job_threads=0)
    with TestClient(app) as client:
        key = create_key(settings, "ana", "editor")
        for pid, body in (("s1", STORY), ("q1", QUIET)):
            response = client.put(f"/v1/articles/{pid}", content=body,
                                  headers={**HTML, "X-API-Key": key})  # fmt: skip
            assert response.status_code == 201
        app.state.worker.run_pending()
        yield app, client, key


def segment_of(app: FastAPI, pid: str, lang: str, source: str) -> Any:
    result = app.state.newsroom.segments(pid, lang)
    return next(s for s in result.translation.segments if s.source == source)


# --- signing in ---------------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_strict(desk: tuple[FastAPI, TestClient, str]) -> None:
    _, client, key = desk
    form = client.get("/desk/login")
    assert form.status_code == 200
    response = client.post("/desk/login", data={"key": key, "csrf": csrf_of(form.text)},
                           follow_redirects=False)  # fmt: skip
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith("tarjama_desk="))  # fmt: skip
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/desk" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over TLS it is Secure
    assert key not in cookie


@pytest.mark.parametrize(
    ("role", "status", "message"),
    [
        ("reader", 403, "This key cannot use the desk: it needs the editor role."),
        (None, 401, "This key cannot sign in: malformed API key (expected tj_<id>_<secret>)"),
    ],
)
def test_no_desk_for_readers_or_bad_keys(
    desk: tuple[FastAPI, TestClient, str], tmp_path: Path, role: str | None, status: int,
    message: str,
) -> None:  # fmt: skip
    _, client, _ = desk
    key = (
        create_key(settings_for(tmp_path, targets=("es", "ca")), "reader", role)
        if role
        else "tj_nobody_nothing"
    )
    form = client.get("/desk/login")
    response = client.post("/desk/login", data={"key": key, "csrf": csrf_of(form.text)},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == status
    assert lxml_html.document_fromstring(response.text).findtext(".//p[@role='alert']") == message
    assert client.get("/desk", follow_redirects=False).status_code == 303
    if role:  # a script with a reader key
        scripted = client.get("/desk", headers={"Authorization": f"Bearer {key}"})
        assert (scripted.status_code, scripted.json()["error"]["code"]) == (403, "forbidden")


def test_an_anonymous_caller_is_sent_to_sign_in(desk: tuple[FastAPI, TestClient, str]) -> None:
    _, client, _ = desk
    for path in ("/desk", "/desk/s1/es"):
        response = client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/desk/login")
    refused = client.post("/desk/s1/es/approve", data={"edition": "1:x"}, follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, "/desk/login")


def test_forms_without_their_csrf_token_are_refused(
    desk: tuple[FastAPI, TestClient, str],
) -> None:
    app, client, key = desk
    signin = client.post("/desk/login", data={"key": key, "csrf": "forged"})
    assert (signin.status_code, signin.json()["error"]["code"]) == (403, "forbidden")
    token = signed_in(client, key)
    page = client.get("/desk/s1/es").text
    edition = re.search(r'name="edition" value="([^"]*)"', page)
    assert edition is not None
    for data in ({"edition": edition.group(1)}, {"edition": edition.group(1), "csrf": "x"}):
        response = client.post("/desk/s1/es/approve", data=data)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")
    assert app.state.newsroom.translation("s1", "es").status == "translated"
    done = client.post("/desk/s1/es/approve", data={"edition": edition.group(1), "csrf": token},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert app.state.newsroom.translation("s1", "es").status == "reviewed"


def test_a_revoked_keys_session_ends(desk: tuple[FastAPI, TestClient, str], tmp_path: Path) -> None:
    _, client, _ = desk
    settings = settings_for(tmp_path, targets=("es", "ca"))
    key = create_key(settings, "leaving", "editor")
    signed_in(client, key)
    assert client.get("/desk").status_code == 200
    assert revoke_key(settings, key)
    response = client.get("/desk", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/desk/login")
    assert client.get("/desk", follow_redirects=False).status_code == 303  # the session is gone


def test_sessions_live_in_the_store(desk: tuple[FastAPI, TestClient, str], tmp_path: Path) -> None:
    """A restart, or a second server of the same store, keeps the editor signed in; the store
    holds the session id's hash and the key's id, never the id or the key."""
    app, client, key = desk
    token = signed_in(client, key)
    sid = client.cookies[COOKIE]
    with app.state.services.keys.store.session() as session:
        [row] = session.scalars(select(DeskSession)).all()
    assert row.id == hashlib.sha256(sid.encode()).hexdigest() != sid
    assert key.startswith(f"tj_{row.key_id}_") and row.csrf == token
    settings = settings_for(tmp_path, targets=("es", "ca"))
    with TestClient(create_app(settings, engine=PseudoEngine(), job_threads=0)) as other:
        other.cookies.set(COOKIE, sid, path="/desk")
        queue = other.get("/desk", follow_redirects=False)
        assert queue.status_code == 200 and csrf_of(queue.text) == token
        # signed out there, signed out here
        out = other.post("/desk/logout", data={"csrf": token}, follow_redirects=False)
        assert (out.status_code, out.headers["location"]) == (303, "/desk/login")
    response = client.get("/desk", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/desk/login")


def test_an_idle_session_ends(desk: tuple[FastAPI, TestClient, str]) -> None:
    app, client, key = desk
    signed_in(client, key)
    store = app.state.services.keys.store
    with store.begin() as session:
        session.execute(update(DeskSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.get("/desk", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/desk/login")
    # its row goes when a session is next opened
    signed_in(client, key)
    with store.session() as session:
        assert len(session.scalars(select(DeskSession)).all()) == 1


def test_scripts_use_the_desk_with_a_bearer_key(desk: tuple[FastAPI, TestClient, str]) -> None:
    _, client, key = desk
    bearer = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    page = client.get("/desk/s1/es", headers=bearer)
    assert page.status_code == 200
    edition = re.search(r'name="edition" value="([^"]*)"', page.text)
    assert edition is not None
    done = client.post("/desk/s1/es/approve", data={"edition": edition.group(1)}, headers=bearer)
    assert done.status_code == 200 and done.json()["status"] == "reviewed"


# --- the queue and an article -------------------------------------------------------------------


def test_the_queue_puts_the_riskiest_needing_review_first(
    desk: tuple[FastAPI, TestClient, str],
) -> None:
    app, client, key = desk
    # someone corrected a figure wrongly: the checks flag it, and the translation needs review
    ships = segment_of(app, "s1", "es", "The fleet of 3 ships sailed.")
    wrong = client.put(f"/v1/articles/s1/translations/es/segments/{ships.field}/{ships.index}",
                       json={"target": "La flota de 4 barcos zarpó."},
                       headers={"X-API-Key": key})  # fmt: skip
    assert wrong.status_code == 200 and wrong.json()["risk"] > 0
    signed_in(client, key)
    queue = lxml_html.document_fromstring(client.get("/desk").text)
    rows = [[td.text_content().strip() for td in tr.iter("td")] for tr in queue.iter("tr")][1:]
    first = rows[0]
    assert (first[0].split()[-1], first[1], first[2]) == ("s1", "Español", "needs-review")
    assert sorted((r[0].split()[-1], r[1], r[2]) for r in rows[1:]) == [
        ("q1", "Català", "translated"), ("q1", "Español", "translated"),
        ("s1", "Català", "translated"),
    ]  # fmt: skip
    risks = [float(r[3]) for r in rows[1:]]
    assert risks == sorted(risks, reverse=True)  # then the riskiest first
    assert float(rows[0][3]) > 0 and int(rows[0][4]) >= 1
    filtered = lxml_html.document_fromstring(client.get("/desk?lang=ca&status=translated").text)
    assert {tr.findtext("td[2]") for tr in filtered.iter("tr")} - {None} == {"Català"}


def test_the_article_view_shows_markup_as_tokens_and_marks_findings(
    desk: tuple[FastAPI, TestClient, str],
) -> None:
    app, client, key = desk
    ships = segment_of(app, "s1", "es", "The fleet of 3 ships sailed.")
    client.put(
        f"/v1/articles/s1/translations/es/segments/{ships.field}/{ships.index}",
        json={"target": "La flota de 4 barcos zarpó."},
        headers={"X-API-Key": key},
    )
    signed_in(client, key)
    page = lxml_html.document_fromstring(client.get("/desk/s1/es").text)
    linked = next(li for li in page.find_class("segment") if li.find_class("tok"))
    source = linked.find_class("source")[0]
    assert "<g" not in source.text_content() and "<a" not in source.text_content()
    tokens = [
        (t.text_content(), t.get("data-tag"), t.get("title")) for t in source.find_class("tok")
    ]
    assert tokens == [
        ("▸ link", '<g id="1">', "https://example.com/port"),
        ("link ◂", "</g>", "https://example.com/port"),
        ("▸ emphasis", '<g id="2">', ""),
        ("emphasis ◂", "</g>", ""),
    ]
    target = linked.find_class("target")[0]
    assert target.get("contenteditable") == "true"
    assert [t.get("contenteditable") for t in target.find_class("tok")] == ["false"] * 4
    assert linked.find_class("help") == []  # no glossary term, no suggestion for it yet
    flagged = next(li for li in page.find_class("segment") if li.find(".//mark") is not None)
    mark = flagged.find(".//mark")
    assert (mark.text, mark.get("title")) == ("3", "number 3 changed to 4")
    assert flagged.find_class("findings")[0].text_content().strip()


def test_the_article_view_offers_glossary_terms_and_memory_suggestions(
    desk: tuple[FastAPI, TestClient, str],
) -> None:
    _, client, key = desk
    keyed = {"X-API-Key": key}
    term = {"target_lang": "es", "source": "fleet", "target": "flota"}
    assert client.post("/v1/glossary/terms", json=term, headers=keyed).status_code == 201
    near = {"source": "The fleet of 4 ships sailed.", "target": "La flota de 4 barcos zarpó.",
            "source_lang": "en", "target_lang": "es"}  # fmt: skip
    assert client.post("/v1/memory/units", json=near, headers=keyed).status_code == 201
    signed_in(client, key)
    page = lxml_html.document_fromstring(client.get("/desk/s1/es").text)
    ships = next(li for li in page.find_class("segment")
                 if "3 ships" in li.find_class("source")[0].text_content())  # fmt: skip
    help_ = ships.find_class("help")[0]
    glossary = help_.xpath(".//h2[.='Glossary']/following-sibling::ul[1]/li")
    assert [li.text_content() for li in glossary] == ["fleet → flota"]
    # the memory is searched for the segment in focus only: not on the article's view, but
    # by its link (without JavaScript) or the part the script fetches when it gets focus
    assert not page.xpath("//h2[.='Translation memory']")
    n = ships.get("data-n")
    [link] = ships.xpath(".//p[@class='suggest']/a")
    assert link.get("href") == f"/desk/s1/es?focus={n}#segment-{n}"
    focused = lxml_html.document_fromstring(client.get(f"/desk/s1/es?focus={n}").text)
    fetched = client.get(f"/desk/s1/es/suggestions/{n}")
    assert fetched.status_code == 200
    for view in (focused, lxml_html.fragment_fromstring(fetched.text, create_parent="div")):
        [box] = view.xpath(f"//div[@id='help-{n}']")
        suggestion = box.xpath(".//h2[.='Translation memory']/following-sibling::ul[1]/li")[0]
        assert suggestion.text_content().split(" ", 1) == ["96%", "La flota de 4 barcos zarpó."]
        assert len(view.xpath("//h2[.='Translation memory']")) == 1  # that segment's alone
    missing = client.get("/desk/s1/es/suggestions/999")
    assert missing.status_code == 404
    client.cookies.clear()
    signed_out = client.get(f"/desk/s1/es/suggestions/{n}", follow_redirects=False)
    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/desk/login")


def test_a_change_made_meanwhile_is_not_overwritten(
    desk: tuple[FastAPI, TestClient, str],
) -> None:
    app, client, key = desk
    token = signed_in(client, key)
    page = client.get("/desk/s1/es").text
    seen = re.search(r'name="edition" value="([^"]*)"', page)
    assert seen is not None
    ships = segment_of(app, "s1", "es", "The fleet of 3 ships sailed.")
    form = {"csrf": token, "edition": seen.group(1), "field": str(ships.field),
            "index": str(ships.index), "target": "La flota de 3 barcos zarpó."}  # fmt: skip
    first = client.post("/desk/s1/es/segment", data=form, headers={"Accept": "application/json"})
    assert first.status_code == 200 and first.json()["status"] == "needs-review"
    again = client.post("/desk/s1/es/segment", data={**form, "target": "Otra cosa."},
                        headers={"Accept": "application/json"})  # fmt: skip
    assert (again.status_code, again.json()["error"]["code"]) == (409, "changed_meanwhile")
    stale = client.post("/desk/s1/es/approve", data={"csrf": token, "edition": seen.group(1)})
    assert stale.status_code == 409
    assert segment_of(app, "s1", "es", ships.source).target == "La flota de 3 barcos zarpó."
    linked = segment_of(app, "s1", "es", LINKED)
    fresh = {**form, "edition": first.json()["edition"], "field": str(linked.field),
             "index": str(linked.index), "target": 'El <g id="1">puerto</g> reabrió.'}  # fmt: skip
    broken = client.post("/desk/s1/es/segment", data=fresh, headers={"Accept": "application/json"})
    assert (broken.status_code, broken.json()["error"]["code"]) == (400, "invalid_input")


# --- in the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def newsroom_site(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, FastAPI, str, Callable[..., Any]]]:
    settings = settings_for(tmp_path_factory.mktemp("desk"), targets=("es", "ca"))
    with live_server(settings) as (base, app):
        key = create_key(settings, "ana", "editor")
        put(base, app, key, "s1", STORY)
        put(base, app, key, "q1", QUIET)
        # an earlier slip: a figure changed, so s1 is the riskiest translation needing review
        ships = segment_of(app, "s1", "es", "The fleet of 3 ships sailed.")
        slip = httpx.put(
            f"{base}/v1/articles/s1/translations/es/segments/{ships.field}/{ships.index}",
            json={"target": "La flota de 4 barcos zarpó."}, headers={"X-API-Key": key},
        )  # fmt: skip
        assert slip.status_code == 200
        with chromium(base) as context:
            yield base, app, key, context


CARET_AFTER = """([editor, nth]) => {
  const token = document.querySelectorAll(".target")[editor].querySelectorAll(".tok")[nth];
  const range = document.createRange();
  range.setStartAfter(token);
  range.collapse(true);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""
WORDS_BETWEEN = """([editor, nth]) => {
  // select the words between token nth and token nth+1 of an editor
  const tokens = document.querySelectorAll(".target")[editor].querySelectorAll(".tok");
  const range = document.createRange();
  range.setStartAfter(tokens[nth]);
  range.setEndBefore(tokens[nth + 1]);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def test_an_editor_corrects_saves_and_approves_in_the_browser(
    newsroom_site: tuple[str, FastAPI, str, Callable[..., Any]],
) -> None:
    base, app, key, new_context = newsroom_site
    context = new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{base}/desk")
    assert page.url == f"{base}/desk/login"
    page.fill("#key", key)
    page.click("form.login button")
    page.wait_for_url(f"{base}/desk")
    page.click("table.queue tbody tr:first-child a")  # the riskiest, needing review
    page.wait_for_url(f"{base}/desk/s1/es")
    editors = page.locator(".target")
    linked = next(i for i in range(editors.count()) if editors.nth(i).locator(".tok").count())
    editor = editors.nth(linked)
    # keyboard: from the first segment, Alt+Down moves to the next
    editors.nth(0).focus()
    for _ in range(linked):
        page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.closest('.segment').dataset.n") == str(linked)
    # a Backspace right after the link's closing token leaves the token where it is
    page.evaluate(CARET_AFTER, [linked, 1])
    page.keyboard.press("Backspace")
    assert editor.locator(".tok").count() == 4
    # the words inside the link, then inside the emphasis, typed anew
    page.evaluate(WORDS_BETWEEN, [linked, 0])
    page.keyboard.type("puerto")
    page.evaluate(WORDS_BETWEEN, [linked, 2])
    page.keyboard.type("hoy")
    page.evaluate(CARET_AFTER, [linked, 3])
    page.keyboard.press("Control+s")
    page.wait_for_selector(f".segment[data-n='{linked}'].saved")
    assert page.inner_text("#status") == "needs-review"
    saved = segment_of(app, "s1", "es", LINKED)
    assert re.fullmatch(r'.*<g id="1">puerto</g>.*<g id="2">hoy</g>.*', saved.target)
    assert str(saved.origin) == "human"
    page.keyboard.press("Control+Shift+A")
    page.wait_for_selector("#status:text('reviewed')")
    assert app.state.newsroom.translation("s1", "es").reviewed_by == "ana"
    # the reader page: the corrected sentence with its link and emphasis, a reviewed label
    page.goto(f"{base}/read/s1/es")
    link = page.locator(".story-body a")
    assert (link.inner_text(), link.get_attribute("href"), link.get_attribute("rel")) == (
        "puerto", "https://example.com/port", "author")  # fmt: skip
    assert page.inner_text(".story-body em") == "hoy"
    assert page.inner_text(".label-text") == "Beta V.1.0 - Traducción revisada (pseudo 1)"
    assert dialogs == []
    context.close()
    # the next article with that sentence is translated with the correction, from the memory
    put(base, app, key, "n1", AGAIN)
    reused = segment_of(app, "n1", "es", LINKED)
    assert (reused.target, str(reused.origin)) == (saved.target, "memory:human")


HOSTILE = (
    b"<html><body><article><h1>Alert<script>alert('h1')</script></h1>"
    b"<p>Look <img src='x' onerror=\"alert('img');fetch('/canary/img')\"> here "
    b"<a href=\"javascript:alert('link');fetch('/canary/link')\">now</a>.</p>"
    b"<p onclick=\"alert('p')\">Click <svg onload=\"alert('svg')\"></svg> me.</p>"
    b"<script>fetch('/canary/script')</script></article></body></html>"
)


def test_hostile_articles_and_corrections_run_nothing(
    newsroom_site: tuple[str, FastAPI, str, Callable[..., Any]],
) -> None:
    base, app, key, new_context = newsroom_site
    put(base, app, key, "x1", HOSTILE)
    segments = app.state.newsroom.segments("x1", "es").translation.segments
    plain = next(s for s in segments if "<" not in s.source)
    fix = httpx.put(
        f"{base}/v1/articles/x1/translations/es/segments/{plain.field}/{plain.index}",
        json={"target": "<script>fetch('/canary/fix')</script><img src=x onerror=alert('fix')>"},
        headers={"X-API-Key": key},
    )  # fmt: skip
    assert fix.status_code == 200
    context = new_context()
    ran: list[str] = []
    context.on("request", lambda r: ran.append(r.url) if "/canary/" in r.url else None)
    page = context.new_page()
    page.on("dialog", lambda d: (ran.append(d.message), d.dismiss()))
    page.goto(f"{base}/desk/login")
    page.fill("#key", key)
    page.click("form.login button")
    page.wait_for_url(f"{base}/desk")
    for path in ("/read", "/read/x1/en", "/read/x1/es", "/desk", "/desk/x1/es"):
        page.goto(f"{base}{path}")  # until the load event: pictures (and their onerror) done
        for link in page.locator("a[href^='javascript']").all():
            link.click()
    assert "<script>" in page.inner_text(".segments")  # the correction shows as text
    context.close()
    assert ran == []


def test_signing_in_with_bad_keys_again_and_again_is_slowed(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, targets=("es",), auth_failures=2)
    with TestClient(create_app(settings, engine=PseudoEngine(), job_threads=0)) as client:
        statuses = []
        for _ in range(3):
            form = client.get("/desk/login")
            wrong = client.post("/desk/login", data={"key": "tj_aaaaaaaaaaaa_wrong",
                                                     "csrf": csrf_of(form.text)})  # fmt: skip
            statuses.append(wrong.status_code)
        assert statuses == [401, 401, 429]
        said = lxml_html.document_fromstring(wrong.text).findtext(".//p[@role='alert']")
        assert said.startswith("This key cannot sign in: too many failed authentications")
