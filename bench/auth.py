"""Benchmark: what one API key check costs now, against the scrypt check of old, in the same run.

    .venv/bin/python bench/auth.py [--checks N] [--scrypt-checks K]

On a fresh SQLite store with one key of each kind (``tarjama.api.security``):

1. The old check: scrypt (n=2^14, r=8, p=1) of the secret, as every request paid before, K times.
2. A key's first check: its row read from the store and its HMAC-SHA-256 compared, N times
   (each time forgotten first, so the store is read every time).
3. A key remembered as good (the usual request): its HMAC compared, N times.
4. A fake key (an id no row has), N times: the store read, nothing found.
5. An old-format (scrypt) key's check today: scrypt in a child process, K times.

Target: a check under 1 ms (2 and 3). Prints mean and p99 per check, and each one's ratio to
the old in-process scrypt check.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tarjama.api.keys import ApiKeys, hash_kind, scrypt_hash
from tarjama.errors import UnauthenticatedError
from tarjama.store import Store
from tarjama.store.keys import ApiKey


def timed(check: Callable[[], object], times: int) -> list[float]:
    """Seconds taken by each of ``times`` calls of ``check``."""
    taken = []
    for _ in range(times):
        start = time.perf_counter()
        check()
        taken.append(time.perf_counter() - start)
    return taken


def refused(keys: ApiKeys, key: str) -> Callable[[], None]:
    def check() -> None:
        try:
            keys.verify(key)
        except UnauthenticatedError:
            return
        raise AssertionError("a fake key passed")

    return check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--scrypt-checks", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tarjama-bench-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'tarjama.db'}")
        store.migrate()
        keys = ApiKeys(store)
        key = keys.create("bench", "reader")
        key_id = key.split("_")[1]

        secret, salt = secrets.token_urlsafe(32), secrets.token_bytes(16)
        stored = scrypt_hash(secret, salt)
        old_id = secrets.token_hex(6)
        with store.begin() as session:
            session.add(ApiKey(id=old_id, name="old", role="reader", salt=salt.hex(), hash=stored))
        fake = f"tj_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
        wrong_old = f"tj_{old_id}_{secrets.token_urlsafe(32)}"  # stays scrypt: never good
        assert hash_kind(stored) == "scrypt"

        def first_check() -> None:
            keys.forget(key_id)
            keys.verify(key)

        keys.verify(key)  # a first use: the row's last use is written once, not timed
        results = {
            "old: scrypt in process": timed(
                lambda: verify_secret_in_process(secret, salt, stored), args.scrypt_checks
            ),
            "first check (store + HMAC)": timed(first_check, args.checks),
            "remembered key (HMAC)": timed(lambda: keys.cached(key), args.checks),
            "fake key (store, no row)": timed(refused(keys, fake), args.checks),
            "old-format key now (child scrypt)": timed(
                refused(keys, wrong_old), args.scrypt_checks
            ),
        }
        store.close()

    baseline = statistics.mean(results["old: scrypt in process"])
    for name, taken in results.items():
        mean = statistics.mean(taken)
        p99 = sorted(taken)[min(len(taken) - 1, int(0.99 * len(taken)))]
        print(
            f"{name:36s} mean {mean * 1000:8.3f} ms   p99 {p99 * 1000:8.3f} ms   "
            f"{mean / baseline:8.4f}x the old check"
        )
    for name in ("first check (store + HMAC)", "remembered key (HMAC)"):
        mean = statistics.mean(results[name])
        print(f"{name}: target < 1 ms: {'ok' if mean < 0.001 else 'OVER TARGET'}")


def verify_secret_in_process(secret: str, salt: bytes, stored: str) -> bool:
    """The check every request paid before: scrypt in the server's own process."""
    _, n, r, p, digest = stored.split("$")
    actual = hashlib.scrypt(
        secret.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=32
    ).hex()
    return hmac.compare_digest(actual, digest)


if __name__ == "__main__":
    main()
