"""The checks every protected route runs: rate, key, role.

:func:`authenticate`, for every request of a protected route, in this order: the client
address's rate bucket (``rate_limit``), before any key work; a key remembered as good; else one
of the address's failed-authentication tokens (``auth_failures`` a minute; 429 with Retry-After
when none is left), then the key's row and hash, the token given back when the key was good.
Then the route's access (:func:`authorise`), then the key's own rate bucket. The client address
is the peer's, or from ``X-Forwarded-For`` when the peer is one of ``trusted_proxies``
(``api/app.py``).

Roles are ordered, reader < editor < admin. Callers without a key are anonymous, let in by what
the route does (:class:`Access`): ad hoc translation (``anonymous_translate``, on by default),
the reader pages (``anonymous_pages``, on), every other reader route (``anonymous_read``, off),
editor routes (``anonymous_write``, off), admin routes never. A key is presented as
``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from tarjama.api.keys import ANONYMOUS, Principal, Role
from tarjama.api.limits import RateLimiter
from tarjama.api.options import ServiceOptions
from tarjama.errors import (
    BusyError,
    ForbiddenError,
    InvalidKeyError,
    KeyRequiredError,
    RateLimitedError,
    TooManyFailuresError,
)

if TYPE_CHECKING:
    from tarjama.api.services import Services


def presented_key(request: Request) -> str | None:
    """The key in ``Authorization: Bearer`` or ``X-API-Key``, if any."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise InvalidKeyError("the Authorization header must be 'Bearer <key>'")
        return value.strip()
    return request.headers.get("x-api-key") or None


def client_address(request: Request) -> str:
    """The caller's address: the peer's, or the one a trusted proxy forwarded (``api/app.py``)."""
    return request.client.host if request.client else "unknown"


class Access(Enum):
    """What a route does: the least role it needs, and the setting that lets anonymous callers
    in (None: never)."""

    TRANSLATE = (Role.READER, "anonymous_translate")
    """Ad hoc translation: the LibreTranslate routes, ``/v1/translate``, ``/v1/feeds/translate``."""
    PAGES = (Role.READER, "anonymous_pages")
    """Reader pages: ``/v1/feeds/{lang}``, the current translation of an article as HTML."""
    READ = (Role.READER, "anonymous_read")
    """Every other read: the articles API, jobs, review, memory, glossary, exports."""
    WRITE = (Role.EDITOR, "anonymous_write")
    ADMIN = (Role.ADMIN, None)

    @property
    def role(self) -> Role:
        role: Role = self.value[0]
        return role

    def open_to_anonymous(self, options: ServiceOptions) -> bool:
        setting = self.value[1]
        return setting is not None and bool(getattr(options, setting))


def authorise(options: ServiceOptions, principal: Principal, access: Access) -> None:
    """Refuse a caller the route's access: :class:`KeyRequiredError` for anonymous callers,
    :class:`ForbiddenError` for keys."""
    role = access.role
    if principal.anonymous:
        if not access.open_to_anonymous(options):
            raise KeyRequiredError(f"an API key with the {role.name.lower()} role is required")
    elif principal.role is None or principal.role < role:
        raise ForbiddenError(f"this API key's role cannot do this: {role.name.lower()} needed")


def throttle(limiter: RateLimiter, who: str) -> None:
    """Charge the bucket of ``who`` (``addr:...``, ``key:...``); :class:`RateLimitedError`
    when it is empty."""
    wait = limiter.acquire(who)
    if wait is not None:
        raise RateLimitedError(f"too many requests; retry in {wait} s", wait)


def check_key(services: Services, key: str, address: str) -> Principal:
    """The key's principal: from memory if it passed lately, else checked against the store
    at the cost of one of ``address``'s failed-authentication tokens, given back if it passes.
    :class:`InvalidKeyError` (or revoked) for a bad key; :class:`TooManyFailuresError` when the
    address has failed too often to be heard."""
    principal = services.keys.cached(key)
    if principal is not None:
        return principal
    who = f"addr:{address}"
    wait = services.auth_failures.acquire(who)
    if wait is not None:
        raise TooManyFailuresError(
            f"too many failed authentications from this address; retry in {wait} s", wait
        )
    try:
        principal = services.keys.verify(key)
    except BusyError:  # not checked at all: no failure
        services.auth_failures.refund(who)
        raise
    services.auth_failures.refund(who)
    return principal


def authenticate(services: Services, request: Request, key: str | None) -> Principal:
    """The caller, after the address's rate limit: anonymous without a key, else the key's."""
    address = client_address(request)
    throttle(services.limiter, f"addr:{address}")
    return ANONYMOUS if key is None else check_key(services, key, address)


def admit(services: Services, principal: Principal, access: Access) -> None:
    """The route's access for the caller, then the key's own rate limit."""
    authorise(services.options, principal, access)
    if principal.key_id is not None:
        throttle(services.limiter, f"key:{principal.key_id}")


def identify(request: Request) -> Principal:
    """A FastAPI dependency: the caller, rate-limited and authenticated, not yet authorised
    (a route whose access depends on its parameters calls :func:`admit` itself)."""
    services: Services = request.app.state.services
    return authenticate(services, request, presented_key(request))


def require(access: Access) -> Callable[[Request], Principal]:
    """A FastAPI dependency: the caller, authenticated, allowed ``access`` and within its rate."""

    def dependency(request: Request) -> Principal:
        services: Services = request.app.state.services
        principal = authenticate(services, request, presented_key(request))
        admit(services, principal, access)
        return principal

    dependency.__name__ = f"require_{access.name.lower()}"
    return dependency


Caller = Annotated[Principal, Depends(identify)]
Translating = Annotated[Principal, Depends(require(Access.TRANSLATE))]
PageReader = Annotated[Principal, Depends(require(Access.PAGES))]
Reader = Annotated[Principal, Depends(require(Access.READ))]
Editor = Annotated[Principal, Depends(require(Access.WRITE))]
Admin = Annotated[Principal, Depends(require(Access.ADMIN))]
"""Route parameters of these types receive the caller, checked for that access and rate
(``Caller``: authenticated and rate-limited only)."""
