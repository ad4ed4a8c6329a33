"""API keys, roles and the checks every protected route runs: authenticate, authorise, rate-limit.

Keys look like ``tj_<id>_<secret>``: ``id`` (12 hex digits) finds the row, and the secret's
scrypt hash (per-key salt) is compared in constant time. Only the hash is stored; the key is shown
once, by :func:`create_key` (``tarjama keys create``). Roles are ordered, reader < editor <
admin: a route asks for the least role it needs. Callers without a key are "anonymous": allowed
reader routes when ``anonymous_read`` is set, editor routes when ``anonymous_write`` is, admin
routes never. A key is presented as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import select, update

from tarjama.api.errors import ApiError
from tarjama.api.limits import RateLimiter
from tarjama.api.options import ServiceOptions
from tarjama.config import Settings
from tarjama.errors import InputError
from tarjama.store import Store, utcnow
from tarjama.store.keys import ApiKey

_PREFIX = "tj"
_KEY = re.compile(r"tj_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_DUMMY_SALT = bytes(16)
_TOUCH_EVERY = timedelta(seconds=60)


class Role(IntEnum):
    READER = 1
    EDITOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise InputError(f"unknown role {name!r}; use reader, editor or admin") from None


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key (id, name, role) or anonymous (role None)."""

    key_id: str | None = None
    name: str = "anonymous"
    role: Role | None = None

    @property
    def anonymous(self) -> bool:
        return self.key_id is None


ANONYMOUS = Principal()


def _digest(secret: str, salt: bytes, n: int, r: int, p: int) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=32).hex()


def hash_secret(secret: str, salt: bytes) -> str:
    """``scrypt$n$r$p$digest`` for a secret and its salt."""
    params = _SCRYPT
    return f"scrypt${params['n']}${params['r']}${params['p']}$" + _digest(secret, salt, **params)


def verify_secret(secret: str, salt: bytes, stored: str) -> bool:
    try:
        scheme, n, r, p, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _digest(secret, salt, int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, digest)


class ApiKeys:
    """The api_keys table: create, revoke, list, and check a presented key."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, role: Role | str) -> str:
        """Store a new key and return it whole: the only time its secret is seen."""
        role = role if isinstance(role, Role) else Role.parse(role)
        if not name.strip():
            raise InputError("an API key needs a name")
        key_id, secret, salt = (
            secrets.token_hex(6),
            secrets.token_urlsafe(32),
            secrets.token_bytes(16),
        )
        with self.store.begin() as session:
            session.add(
                ApiKey(
                    id=key_id,
                    name=name.strip(),
                    role=role.name.lower(),
                    salt=salt.hex(),
                    hash=hash_secret(secret, salt),
                    revoked=False,
                )
            )
        return f"{_PREFIX}_{key_id}_{secret}"

    def revoke(self, key_id: str) -> bool:
        """Revoke a key by id (or whole key); False if there is none."""
        match = _KEY.fullmatch(key_id)
        key_id = match.group(1) if match else key_id
        with self.store.begin() as session:
            result = session.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked=True))
        return bool(getattr(result, "rowcount", 0))

    def entries(self) -> list[dict[str, Any]]:
        """Every key without its hash: id, name, role, created, revoked, last used."""
        with self.store.session() as session:
            rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at)).all()
        return [
            {
                "id": k.id,
                "name": k.name,
                "role": k.role,
                "created_at": k.created_at,
                "revoked": k.revoked,
                "last_used_at": k.last_used_at,
            }
            for k in rows
        ]

    def verify(self, presented: str) -> Principal:
        """The key's principal; :class:`ApiError` 401 for a malformed, unknown, wrong or revoked
        key (the message says which of malformed/revoked, never whether an id exists)."""
        match = _KEY.fullmatch(presented.strip())
        if match is None:
            raise ApiError(401, "invalid_api_key", "malformed API key (expected tj_<id>_<secret>)")
        key_id, secret = match.groups()
        with self.store.session() as session:
            row = session.get(ApiKey, key_id)
        if row is None:
            verify_secret(secret, _DUMMY_SALT, hash_secret("", _DUMMY_SALT))  # same time either way
            raise ApiError(401, "invalid_api_key", "invalid API key")
        if not verify_secret(secret, bytes.fromhex(row.salt), row.hash):
            raise ApiError(401, "invalid_api_key", "invalid API key")
        if row.revoked:
            raise ApiError(401, "api_key_revoked", "this API key has been revoked")
        self._touch(row)
        return Principal(row.id, row.name, Role.parse(row.role))

    def _touch(self, row: ApiKey) -> None:
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at >= _TOUCH_EVERY:
            with self.store.begin() as session:
                session.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=now))


def _store_for(settings: Settings) -> Store:
    if not settings.store:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    store = Store(settings.store_url)
    store.migrate()
    return store


def create_key(settings: Settings, name: str, role: str) -> str:
    """Create an API key in the configured store (migrating it first); returns the whole key."""
    with _store_for(settings) as store:
        return ApiKeys(store).create(name, role)


def revoke_key(settings: Settings, key_id: str) -> bool:
    """Revoke an API key by its id (or the whole key); False if there is none."""
    with _store_for(settings) as store:
        return ApiKeys(store).revoke(key_id)


def presented_key(request: Request) -> str | None:
    """The key in ``Authorization: Bearer`` or ``X-API-Key``, if any."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(
                401,
                "invalid_api_key",
                "the Authorization header must be 'Bearer <key>'",
                {"WWW-Authenticate": "Bearer"},
            )
        return value.strip()
    return request.headers.get("x-api-key") or None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authorise(options: ServiceOptions, principal: Principal, role: Role) -> None:
    """Refuse a principal below ``role``: 401 for anonymous callers, 403 for keys."""
    if principal.anonymous:
        allowed = (role is Role.READER and options.anonymous_read) or (
            role is Role.EDITOR and options.anonymous_write
        )
        if not allowed:
            raise ApiError(
                401,
                "unauthorized",
                f"an API key with the {role.name.lower()} role is required",
                {"WWW-Authenticate": "Bearer"},
            )
    elif principal.role is None or principal.role < role:
        raise ApiError(
            403, "forbidden", f"this API key's role cannot do this: {role.name.lower()} needed"
        )


def throttle(limiter: RateLimiter, principal: Principal, address: str) -> None:
    """Charge the caller's bucket (its key's, else its address's); 429 when it is empty."""
    who = f"key:{principal.key_id}" if principal.key_id else f"addr:{address}"
    wait = limiter.acquire(who)
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests; retry in {wait} s",
            {"Retry-After": str(wait)},
        )


def require(role: Role) -> Callable[[Request], Principal]:
    """A FastAPI dependency: the caller, authenticated, allowed ``role`` and within its rate."""

    def dependency(request: Request) -> Principal:
        services = request.app.state.services
        key = presented_key(request)
        principal = services.keys.verify(key) if key else ANONYMOUS
        authorise(services.options, principal, role)
        throttle(services.limiter, principal, client_address(request))
        return principal

    dependency.__name__ = f"require_{role.name.lower()}"
    return dependency


Reader = Annotated[Principal, Depends(require(Role.READER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
"""Route parameters of these types receive the caller, checked for that role and rate."""
