"""API keys: created, revoked, and checked (the key's id, its secret's hash, its role).

Keys look like ``tj_<id>_<secret>``: ``id`` (12 hex digits) finds the row, and the HMAC-SHA-256
of the secret, keyed with the row's random salt, is compared in constant time. The secret is 256
random bits (``secrets.token_urlsafe(32)``), so nobody can guess it from its hash whatever the
hash costs: a password KDF is for guessable secrets, and here it only made every check cost 70 ms
of CPU and 16 MiB that a caller with fake keys spent for free. No server-wide secret is mixed in
either, for the same reason, so ``tarjama keys create`` needs nothing but the store. Rows stored
before (``scrypt$...``) are still checked with scrypt, in a child process (so its 16 MiB are
not the server's) and one check at a time (a caller that would wait over a second for its turn
gets 503), and rehashed on their first good use. Only hashes are stored; the key is shown once,
by :func:`create_key` (``tarjama keys create``).

A key that passed is remembered for :data:`KEY_CACHE_SECONDS` (at most :data:`KEY_CACHE_SIZE`
keys, its hash and role, never the key): a key revoked in this process (:meth:`ApiKeys.revoke`)
stops working at once, one revoked by another process (``tarjama keys revoke``) within 10 s.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import subprocess
import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any

from sqlalchemy import select, update

from tarjama.config import Settings
from tarjama.errors import (
    BusyError,
    InputError,
    InvalidKeyError,
    RevokedKeyError,
    StoreError,
)
from tarjama.runtime import open_store
from tarjama.store import Store, utcnow
from tarjama.store.keys import ApiKey

log = logging.getLogger(__name__)

_PREFIX = "tj"
_KEY = re.compile(r"tj_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})")
_HMAC = "hmac-sha256"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_DUMMY_SALT = bytes(16)
_TOUCH_EVERY = timedelta(seconds=60)
KEY_CACHE_SECONDS = 10.0
"""How long a key that passed is taken as good without reading its row again."""
KEY_CACHE_SIZE = 1024
_LEGACY = threading.Lock()
"""One scrypt check at a time in the process: each takes 16 MiB."""
_LEGACY_WAIT = 1.0
_ALL_KEYS: weakref.WeakSet[ApiKeys] = weakref.WeakSet()
"""Every :class:`ApiKeys` of the process, so that a revocation reaches each one's memory."""


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


def hash_secret(secret: str, salt: bytes) -> str:
    """``hmac-sha256$<hex>``: the secret's HMAC-SHA-256 keyed with its row's salt."""
    return f"{_HMAC}${_hmac(secret, salt)}"


def _hmac(secret: str, salt: bytes) -> str:
    return hmac.new(salt, secret.encode(), hashlib.sha256).hexdigest()


def scrypt_hash(secret: str, salt: bytes) -> str:
    """``scrypt$n$r$p$digest``: how keys were stored before; kept to write such rows in tests."""
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    return f"scrypt${n}${r}${p}$" + _scrypt(secret, salt, n, r, p)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=32).hex()


# scrypt in a child process, the secret on its stdin: the 16 MiB it takes go with the child.
# In the server's own threads glibc kept the buffer in each thread's arena (after one buffer
# that size it serves such blocks from the arenas, not mmap, and malloc_trim does not shrink
# them): ten checks left the server 130 MB larger for good.
_SCRYPT_CHILD = (
    "import hashlib, sys; n, r, p = map(int, sys.argv[1:4]); "
    "sys.stdout.write(hashlib.scrypt(sys.stdin.buffer.read(), salt=bytes.fromhex(sys.argv[4]), "
    "n=n, r=r, p=p, dklen=32).hex())"
)


def _scrypt_apart(secret: str, salt: bytes, n: int, r: int, p: int) -> str:
    command = [sys.executable, "-I", "-S", "-c", _SCRYPT_CHILD, str(n), str(r), str(p), salt.hex()]
    try:
        done = subprocess.run(
            command, input=secret.encode(), capture_output=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BusyError("could not check a key of the old format; retry") from exc
    return done.stdout.decode("ascii").strip()


def hash_kind(stored: str) -> str:
    """The scheme of a stored hash: ``hmac-sha256`` or, for rows of old, ``scrypt``."""
    return stored.partition("$")[0]


def verify_secret(secret: str, salt: bytes, stored: str) -> bool:
    """Whether ``secret`` is the one ``stored`` was made from, in either scheme."""
    scheme, _, rest = stored.partition("$")
    if scheme == _HMAC:
        return hmac.compare_digest(_hmac(secret, salt), rest)
    if scheme != "scrypt":
        return False
    try:
        n, r, p, digest = rest.split("$")
        actual = _scrypt_apart(secret, salt, int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, digest)


@dataclass(frozen=True)
class _Good:
    """A key that passed: who it is, how to check its secret again, and until when."""

    principal: Principal
    salt: bytes
    digest: str
    until: float


class ApiKeys:
    """The api_keys table: create, revoke, list, and check a presented key.

    Keys that passed are remembered for ``cache_seconds`` (at most ``cache_size`` of them), so
    most requests check a key with one HMAC and no read of the store.
    """

    def __init__(
        self,
        store: Store,
        *,
        cache_seconds: float = KEY_CACHE_SECONDS,
        cache_size: int = KEY_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self.cache_size = cache_size
        self.clock = clock
        self._good: OrderedDict[str, _Good] = OrderedDict()
        self._lock = threading.Lock()
        _ALL_KEYS.add(self)

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
        """Revoke a key by id (or whole key); False if there is none. Every :class:`ApiKeys`
        of this process forgets it at once."""
        match = _KEY.fullmatch(key_id)
        key_id = match.group(1) if match else key_id
        with self.store.begin() as session:
            result = session.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked=True))
        for keys in list(_ALL_KEYS):
            keys.forget(key_id)
        return bool(getattr(result, "rowcount", 0))

    def forget(self, key_id: str) -> None:
        """Drop a key from memory: its next use reads its row again."""
        with self._lock:
            self._good.pop(key_id, None)

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

    def cached(self, presented: str) -> Principal | None:
        """The principal of a key remembered as good, if this is it; None otherwise (the key
        may still be good: :meth:`verify` reads the store)."""
        match = _KEY.fullmatch(presented.strip())
        if match is None:
            return None
        key_id, secret = match.groups()
        with self._lock:
            good = self._good.get(key_id)
            if good is not None and good.until <= self.clock():
                del self._good[key_id]
                good = None
        if good is None or not hmac.compare_digest(_hmac(secret, good.salt), good.digest):
            return None
        return good.principal

    def verify(self, presented: str) -> Principal:
        """The key's principal; :class:`InvalidKeyError` for a malformed, unknown or wrong key,
        :class:`RevokedKeyError` for a revoked one (never saying whether an id exists)."""
        match = _KEY.fullmatch(presented.strip())
        if match is None:
            raise InvalidKeyError("malformed API key (expected tj_<id>_<secret>)")
        key_id, secret = match.groups()
        with self.store.session() as session:
            row = session.get(ApiKey, key_id)
        if row is None:
            _hmac(secret, _DUMMY_SALT)  # about the same time either way
            raise InvalidKeyError("invalid API key")
        salt = bytes.fromhex(row.salt)
        if not self._check(secret, salt, row.hash):
            raise InvalidKeyError("invalid API key")
        if row.revoked:
            raise RevokedKeyError("this API key has been revoked")
        principal = Principal(row.id, row.name, Role.parse(row.role))
        digest = _hmac(secret, salt)
        self._remember(key_id, _Good(principal, salt, digest, self.clock() + self.cache_seconds))
        self._touch(row, None if hash_kind(row.hash) == _HMAC else f"{_HMAC}${digest}")
        return principal

    @staticmethod
    def _check(secret: str, salt: bytes, stored: str) -> bool:
        if hash_kind(stored) == _HMAC:
            return verify_secret(secret, salt, stored)
        # An old row: one scrypt check at a time, and a caller waits for its turn only briefly
        # (requests queued behind scrypt would hold the server's worker threads).
        if not _LEGACY.acquire(timeout=_LEGACY_WAIT):
            raise BusyError("keys of the old format are being checked; retry in 1 s", 1)
        try:
            return verify_secret(secret, salt, stored)
        finally:
            _LEGACY.release()

    def _remember(self, key_id: str, good: _Good) -> None:
        if self.cache_seconds <= 0:
            return
        with self._lock:
            self._good.pop(key_id, None)
            self._good[key_id] = good
            while len(self._good) > self.cache_size:
                self._good.popitem(last=False)

    def _touch(self, row: ApiKey, rehashed: str | None) -> None:
        """Record the use (at most once a minute) and write an old row's new hash."""
        now = utcnow()
        values: dict[str, Any] = {}
        if row.last_used_at is None or now - row.last_used_at >= _TOUCH_EVERY:
            values["last_used_at"] = now
        if rehashed is not None:
            values["hash"] = rehashed
            log.info("API key %s rehashed from %s to %s", row.id, hash_kind(row.hash), _HMAC)
        if not values:
            return
        try:
            with self.store.begin() as session:
                session.execute(
                    update(ApiKey)
                    .where(ApiKey.id == row.id, ApiKey.hash == row.hash)
                    .values(**values)
                )
        except StoreError as exc:
            # The key is good whatever its row says of its last use: a store busy with other
            # writes must not refuse callers (the old hash is rewritten on a later use).
            log.warning("could not record the use of API key %s: %s", row.id, exc)


def create_key(settings: Settings, name: str, role: str) -> str:
    """Create an API key in the configured store (migrating it first); returns the whole key."""
    with open_store(settings) as store:
        return ApiKeys(store).create(name, role)


def revoke_key(settings: Settings, key_id: str) -> bool:
    """Revoke an API key by its id (or the whole key); False if there is none."""
    with open_store(settings) as store:
        return ApiKeys(store).revoke(key_id)
