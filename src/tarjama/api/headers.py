"""Headers on every answer: what a browser may do with it, and who may read it across origins.

:class:`SecurityHeaders` (ASGI middleware) gives every HTTP answer ``X-Content-Type-Options:
nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY`` and a
``Content-Security-Policy``: :data:`CONTENT_POLICY`, under which a page of ours loads nothing
but pictures and its own stylesheet, runs no script even if one got past the sanitiser, cannot
be framed and submits no form; the OpenAPI pages (``/docs``, ``/redoc``) get
:data:`DOCS_POLICY`, which lets in the Swagger UI and ReDoc bundles the service serves itself
(``api/docs.py``) and their inline start-up script (those pages hold nothing a caller sent);
the desk and the translate page (:data:`APP_PATHS`) get :data:`APP_POLICY`: their own script
and forms, nothing from elsewhere.

:class:`CrossOrigin` hands each request to Starlette's CORS middleware for its group of
routes: the LibreTranslate routes (``/translate``, ``/languages``, ``/detect``) answer the
origins of ``libretranslate_cors_origins`` (by default ``*``: any web page may call them, as
LibreTranslate allows), every other route those of ``cors_origins`` (by default none: a browser
on another origin cannot read tarjama's own API). No credentials are allowed: keys travel in
headers.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' http: https:; base-uri 'none'; "
    "form-action 'none'; "
    "frame-ancestors 'none'; sandbox allow-popups allow-popups-to-escape-sandbox"
)
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
APP_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The desk and the translate page: their own script and forms, nothing from elsewhere."""
APP_PATHS = ("/", "/desk")
LIBRETRANSLATE_PATHS = frozenset({"/translate", "/languages", "/detect"})

_COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """The security headers above on every HTTP answer (``docs_paths`` get the docs policy)."""

    def __init__(self, app: ASGIApp, docs_paths: Collection[str] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in self.docs_paths:
            policy = DOCS_POLICY
        elif path in APP_PATHS or path.startswith("/desk/"):
            policy = APP_POLICY
        else:
            policy = CONTENT_POLICY
        added = [*_COMMON, (b"content-security-policy", policy.encode())]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                names = {name.lower() for name, _ in given}
                message["headers"] = given + [h for h in added if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CrossOrigin:
    """CORS by route group (preflights included): ``libretranslate_origins`` for the
    LibreTranslate routes, ``origins`` for every other; an empty list closes a group."""

    def __init__(
        self, app: ASGIApp, origins: Collection[str], libretranslate_origins: Collection[str]
    ) -> None:
        self.own = _cors(app, origins, ("GET", "POST", "PUT", "PATCH", "DELETE"))
        self.libre = _cors(app, libretranslate_origins, ("GET", "POST"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in LIBRETRANSLATE_PATHS:
            await self.libre(scope, receive, send)
        else:
            await self.own(scope, receive, send)


def _cors(app: ASGIApp, origins: Collection[str], methods: Collection[str]) -> ASGIApp:
    if not origins:
        return app  # closed: no CORS headers, and a preflight is an ordinary OPTIONS request
    return CORSMiddleware(
        app,
        allow_origins=list(origins),
        allow_methods=list(methods),
        allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID"],
        allow_credentials=False,
        max_age=86400,
    )
