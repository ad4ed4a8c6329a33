"""The editor's review desk at ``/desk``: sign in with a key, the queue, an article side by
side, corrections and approval. For editor and admin keys only.

Signing in (``/desk/login``) takes an API key and opens a session: a random id in a cookie
(HttpOnly, SameSite=Strict, Secure over TLS, path ``/desk``); the store keeps the id's hash
with the key's id (``store/sessions.py``), so a restart or a second server keeps the editor
signed in, and reads the key's row with the session on every request, so a revoked key's
session ends with it.
Every form carries the session's CSRF token (the sign-in form a token of its own, from a cookie
it is compared with); a post without it is refused. Scripts may skip the session and send
``Authorization: Bearer`` (or ``X-API-Key``) on each request: no cookie, no CSRF token.

The queue lists the current versions' translations, those needing review first, the riskiest
first, filtered by language and status. An article's page shows each segment's source and
translation side by side with the QA findings marked on the words they name and the glossary
terms that apply, and for the segment in focus the memory's suggestions from human work (with
their score; fetched when it gets focus, or by its link without JavaScript); inline
markup is shown as tokens (``tokens.py``), never as tags. The desk's script
(``static/desk.js``) edits a segment with its tokens unbreakable and saves it; the correction
goes through the newsroom (``Newsroom.correct``: into the stored translation, and into the
memory as human work), with the edition the editor saw: a translation changed meanwhile is not
overwritten (409 ``changed_meanwhile``).
"""

from __future__ import annotations

import bisect
import hmac
import secrets
import threading
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from tarjama import inline
from tarjama.api.articles.common import NewsroomDep
from tarjama.api.errors import status_for
from tarjama.api.keys import Principal, Role
from tarjama.api.security import authenticate, client_address, presented_key, throttle
from tarjama.api.services import Services
from tarjama.api.web.render import page
from tarjama.api.web.tokens import pieces
from tarjama.errors import (
    AccessError,
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    TarjamaError,
)
from tarjama.formats.html import language_name, text_direction
from tarjama.memory.tm import Match
from tarjama.model import FieldRef, Part
from tarjama.newsroom import Newsroom
from tarjama.newsroom import edition as edition_of
from tarjama.store.sessions import DeskSessions

router = APIRouter(prefix="/desk", include_in_schema=False)

COOKIE = "tarjama_desk"
LOGIN_COOKIE = "tarjama_desk_login"
IDLE_SECONDS = 8 * 3600
"""A session unused this long ends (on every server of the store)."""
STATUSES = ("needs-review", "translated", "reviewed")


_SESSIONS_LOCK = threading.Lock()


def sessions_of(request: Request) -> DeskSessions:
    """The desk's sessions, in the store (``store/sessions.py``): shared by every server of
    the store and kept across restarts."""
    state = request.app.state
    with _SESSIONS_LOCK:
        if not hasattr(state, "desk_sessions"):
            services: Services = state.services
            state.desk_sessions = DeskSessions(services.keys.store, IDLE_SECONDS)
    found: DeskSessions = state.desk_sessions
    return found


@dataclass(frozen=True)
class Editor:
    """Who works at the desk, and the CSRF token their forms carry (None for a script that
    sends its key with each request)."""

    principal: Principal
    csrf: str | None


def _sign_in() -> Response:
    return RedirectResponse("/desk/login", status_code=303)


def _refused(message: str, status: int) -> Response:
    return page("error.html", status, lang="en", dir="ltr", title="The desk", message=message)


def _editor(request: Request) -> Editor | Response:
    """The editor at the desk: by the key the request sends, else by the session's key;
    otherwise a way to sign in (or a refusal for a key below the editor role)."""
    services: Services = request.app.state.services
    key = presented_key(request)
    if key is not None:
        principal = authenticate(services, request, key)  # a bad key: the API's 401
        if principal.role is None or principal.role < Role.EDITOR:
            raise ForbiddenError("the desk is for editor and admin keys")
        return Editor(principal, None)
    sid = request.cookies.get(COOKIE)
    throttle(services.limiter, f"addr:{client_address(request)}")
    session = sessions_of(request).get(sid)  # read with its key's row as it is now
    if session is None:
        return _sign_in()
    if session.revoked:  # since it was opened: the session ends with the key
        sessions_of(request).close(sid)
        response = _sign_in()
        response.delete_cookie(COOKIE, path="/desk")
        return response
    principal = Principal(session.key_id, session.name, Role.parse(session.role))
    if principal.role is None or principal.role < Role.EDITOR:
        return _refused("The desk is for editor and admin keys.", 403)
    return Editor(principal, session.csrf)


def _check_csrf(editor: Editor, given: str) -> None:
    if editor.csrf is not None and not hmac.compare_digest(editor.csrf, given):
        raise ForbiddenError("the form's CSRF token is missing or wrong: reload the page")


def _cookie(response: Response, request: Request, name: str, value: str) -> None:
    response.set_cookie(name, value, path="/desk", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")  # fmt: skip


# --- signing in ----------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = page("desk_login.html", lang="en", dir="ltr", title="Sign in: the desk",
                    csrf=token, message="")  # fmt: skip
    _cookie(response, request, LOGIN_COOKIE, token)
    return response


@router.post("/login")
def login(
    request: Request, key: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        raise ForbiddenError("the sign-in form's CSRF token is missing or wrong: reload the page")
    services: Services = request.app.state.services
    message, status = "", 200
    try:
        principal = authenticate(services, request, key.strip() or None)
        if principal.anonymous:
            message, status = "Give an API key.", 401
        elif principal.role is None or principal.role < Role.EDITOR:
            message, status = "This key cannot use the desk: it needs the editor role.", 403
    except AccessError as exc:  # a bad or revoked key, or too many tries (429)
        message, status = f"This key cannot sign in: {exc}", status_for(exc)[0]
    if message:
        token = secrets.token_urlsafe(32)
        response = page("desk_login.html", status, lang="en", dir="ltr",
                        title="Sign in: the desk", csrf=token, message=message)  # fmt: skip
        _cookie(response, request, LOGIN_COOKIE, token)
        return response
    assert principal.key_id is not None  # a key's principal
    sid, _ = sessions_of(request).open(principal.key_id)
    response = RedirectResponse("/desk", status_code=303)
    _cookie(response, request, COOKIE, sid)
    response.delete_cookie(LOGIN_COOKIE, path="/desk")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    editor = _editor(request)
    if isinstance(editor, Response):
        return editor
    _check_csrf(editor, csrf)
    sessions_of(request).close(request.cookies.get(COOKIE))
    response = RedirectResponse("/desk/login", status_code=303)
    response.delete_cookie(COOKIE, path="/desk")
    return response


# --- the queue -----------------------------------------------------------------------------------


@router.get("")
def queue(
    request: Request,
    newsroom: NewsroomDep,
    lang: Annotated[str, Query(max_length=35)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    editor = _editor(request)
    if isinstance(editor, Response):
        return editor
    items = newsroom.queue(lang or None, status or None)
    rows = [
        {
            "headline": pieces(q.headline, {}),
            "lang": q.language,
            "dir": text_direction(q.language),
            "language": language_name(q.language),
            "status": q.status,
            "risk": f"{q.risk:.2f}",
            "findings": q.findings,
            "href": f"/desk/{quote(q.publisher_id, safe='')}/{quote(q.language, safe='')}",
            "publisher_id": q.publisher_id,
        }
        for q in items
    ]
    languages = sorted({*newsroom.settings.targets, *(q.language for q in items)})
    return page("desk_queue.html", lang="en", dir="ltr", title="The desk", rows=rows,
                editor=editor, languages=[(x, language_name(x)) for x in languages],
                statuses=STATUSES, chosen_lang=lang, chosen_status=status)  # fmt: skip


# --- an article ----------------------------------------------------------------------------------


def article_view(
    newsroom: Newsroom, publisher_id: str, lang: str, focus: int | None = None
) -> dict[str, Any]:
    """What the desk shows of a translation: its segments side by side, each with findings
    and glossary terms, and for the segment in ``focus`` (if any) the memory's suggestions
    (a fuzzy search each: asked for one segment at a time, when an editor turns to it); the
    edition to send back."""
    result = newsroom.segments(publisher_id, lang)
    t = result.translation
    assert t is not None  # segments() raised otherwise
    suggestions: dict[tuple[FieldRef, int], list[Match]] = {}
    if focus is not None and 0 <= focus < len(t.segments):
        one = replace(t, segments=(t.segments[focus],))
        suggestions = newsroom.suggestions(replace(result, translation=one))
    pair = t.provenance
    terms = _terms(newsroom, [s.source for s in t.segments], pair.source_language, lang)
    segments = []
    for n, s in enumerate(t.segments):
        markup = dict(t.article.body[s.field.block].inline) if s.field.part is Part.TEXT else {}
        marks = [(f.evidence, f.message) for f in s.findings if f.evidence]
        segments.append(
            {
                "n": n,
                "field": str(s.field),
                "index": s.index,
                "where": _where(s.field),
                "source": pieces(s.source, markup, marks),
                "target": pieces(s.target, markup, marks),
                "origin": str(s.origin),
                "risk": f"{s.risk:.2f}",
                "findings": [(str(f.severity), f.check, f.message) for f in s.findings],
                "focus": n == focus,
                "suggestions": [
                    (f"{m.score:.0%}", pieces(m.target, markup))
                    for m in suggestions.get((s.field, s.index), ())
                ],
                "terms": terms[n],
            }
        )
    return {
        "publisher_id": publisher_id,
        "path": f"/desk/{quote(publisher_id, safe='')}/{quote(lang, safe='')}",
        "reader": f"/read/{quote(publisher_id, safe='')}/{quote(lang, safe='')}",
        "target_lang": lang,
        "target_dir": text_direction(lang),
        "source_lang": pair.source_language,
        "source_dir": text_direction(pair.source_language),
        "language": language_name(lang),
        "status": result.status,
        "reviewed_by": result.reviewed_by,
        "number": result.number,
        "edition": edition_of(result.number, result.updated_at),
        "engine": f"{pair.engine} {pair.engine_version}".strip(),
        "headline": pieces(t.article.headline, {}),
        "segments": segments,
    }


def _terms(
    newsroom: Newsroom, sources: list[str], source_lang: str, target_lang: str
) -> list[list[tuple[str, str]]]:
    """The glossary terms in each source (source term, what the target should say), found in
    one pass over all of them: the glossary is read once per view, not once per segment."""
    texts = [inline.plain(s) for s in sources]
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    found: list[dict[int, tuple[str, str]]] = [{} for _ in texts]
    for hit in newsroom.glossary.find("\n".join(texts), source_lang, target_lang):
        n = bisect.bisect_right(starts, hit.start) - 1
        found[n].setdefault(hit.term.id, (hit.term.source, hit.term.rendering))
    return [list(terms.values()) for terms in found]


def _where(field: FieldRef) -> str:
    if field.part is Part.HEADLINE:
        return "headline"
    if field.part is Part.KICKER:
        return "kicker"
    if field.part is Part.STANDFIRST:
        return "standfirst"
    return f"paragraph {field.block + 1}" + (" (alt text)" if field.part is Part.ALT else "")


@router.get("/{publisher_id}/{lang}")
def article(
    request: Request,
    publisher_id: str,
    lang: str,
    newsroom: NewsroomDep,
    focus: Annotated[int | None, Query(ge=0, le=100_000)] = None,
) -> Response:
    """The article's segments; ``focus``: the segment whose memory suggestions to show (the
    way to them without JavaScript)."""
    editor = _editor(request)
    if isinstance(editor, Response):
        return editor
    try:
        view = article_view(newsroom, publisher_id, lang, focus)
    except (NotFoundError, ConflictError) as exc:
        return _refused(str(exc), 404 if isinstance(exc, NotFoundError) else 409)
    return page("desk_article.html", lang="en", dir="ltr", title=f"Review: {publisher_id}",
                editor=editor, **view)  # fmt: skip


@router.get("/{publisher_id}/{lang}/suggestions/{n}")
def segment_suggestions(
    request: Request,
    publisher_id: str,
    lang: str,
    n: Annotated[int, Path(ge=0, le=100_000)],
    newsroom: NewsroomDep,
) -> Response:
    """The memory's suggestions for segment ``n``, as the part of the page that shows them:
    fetched by the desk's script when the segment gets focus."""
    editor = _editor(request)
    if isinstance(editor, Response):
        return editor
    try:
        view = article_view(newsroom, publisher_id, lang, n)
    except (NotFoundError, ConflictError) as exc:
        return _refused(str(exc), 404 if isinstance(exc, NotFoundError) else 409)
    if n >= len(view["segments"]):
        return _refused(f"the translation has no segment {n}", 404)
    return page("_suggestions.html", s=view["segments"][n], **view)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _done(request: Request, path: str, payload: dict[str, Any]) -> Response:
    if _wants_json(request):
        return JSONResponse(payload)
    return RedirectResponse(path, status_code=303)


def _failed(request: Request, exc: TarjamaError, status: int, code: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": str(exc)}}, status)
    return _refused(str(exc), status)


@router.post("/{publisher_id}/{lang}/segment")
def save_segment(
    request: Request,
    publisher_id: str,
    lang: str,
    newsroom: NewsroomDep,
    field: Annotated[str, Form(max_length=40)],
    index: Annotated[int, Form(ge=0, le=100_000)],
    target: Annotated[str, Form(max_length=20_000)],
    edition: Annotated[str, Form(max_length=100)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """An editor's correction of one segment, as the article was when they opened it."""
    editor = _editor(request)
    if isinstance(editor, Response):
        return editor
    _check_csrf(editor, csrf)
    path = f"/desk/{quote(publisher_id, safe='')}/{quote(lang, safe='')}"
    try:
        ref = FieldRef.parse(field)
        segment = newsroom.correct(publisher_id, lang, ref, index, target,
                                   editor.principal.name, expected=edition)  # fmt: skip
    except ConflictError as exc:
        return _failed(request, exc, 409, exc.code)
    except NotFoundError as exc:
        return _failed(request, exc, 404, exc.code)
    except InputError as exc:
        return _failed(request, exc, 400, "invalid_input")
    current = newsroom.translation(publisher_id, lang)
    return _done(request, path, {
        "edition": edition_of(current.number, current.updated_at),
        "status": current.status,
        "risk": f"{segment.risk:.2f}",
        "findings": [f.message for f in segment.findings],
    })  # fmt: skip


@router.post("/{publisher_id}/{lang}/approve")
def approve(
    request: Request,
    publisher_id: str,
    lang: str,
    newsroom: NewsroomDep,
    edition: Annotated[str, Form(max_length=100)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """The translation approved: reviewed by the editor, its label saying so."""
    editor = _editor(request)
    if isinstance(editor, Response):
        return editor
    _check_csrf(editor, csrf)
    path = f"/desk/{quote(publisher_id, safe='')}/{quote(lang, safe='')}"
    try:
        done = newsroom.approve(publisher_id, lang, editor.principal.name, expected=edition)
    except ConflictError as exc:
        return _failed(request, exc, 409, exc.code)
    except NotFoundError as exc:
        return _failed(request, exc, 404, exc.code)
    return _done(request, path, {"status": done.status,
                                 "edition": edition_of(done.number, done.updated_at)})  # fmt: skip
