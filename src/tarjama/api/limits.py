"""Limits: request body size and time (checked before the body is read whole), rate limits.

:class:`BodyLimit` is ASGI middleware: it refuses a declared ``Content-Length`` over the limit at
once, counts the bytes of a streamed body as they arrive (413 as soon as they pass the limit),
answers 408 and closes the connection when the whole body has not arrived within ``timeout``
seconds (a client trickling its body holds nothing for long), and refuses a JSON, form or text
body that is not UTF-8 (400 ``invalid_encoding``), so no route ever sees one. The headers' own
deadline is the server's (``api/deadline.py``): no ASGI code runs before they are complete.

:class:`RateLimiter` keeps token buckets by name (a client address, an API key) in this process;
the buckets are kept in an LRU of bounded size. :class:`SharedRateLimiter` keeps them in Redis
(``[queue] url``), so that the API's replicas share them: one Lua script reads, refills and
charges a bucket atomically by Redis's own clock. While Redis is down it charges this process's
own buckets (``api/shared.py``).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import anyio
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarjama.api.errors import error_response
from tarjama.api.shared import PREFIX, SharedState, Unavailable

log = logging.getLogger(__name__)

_TEXTUAL = ("application/json", "application/x-www-form-urlencoded", "text/")


class BodyLimit:
    """Refuse bodies over ``max_bytes`` (413), slower than ``timeout`` seconds (408), and
    textual bodies that are not UTF-8 (400)."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await error_response(path, 400, "bad_request", "Content-Length is not a number")(
                    scope, receive, send
                )
                return
            if int(declared) > self.max_bytes:
                await self._too_large(path, int(declared))(scope, receive, send)
                return
        body = bytearray()
        more = True
        try:
            with anyio.fail_after(self.timeout):
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    body += message.get("body", b"")
                    if len(body) > self.max_bytes:
                        await self._too_large(path, None)(scope, receive, send)
                        return
                    more = message.get("more_body", False)
        except TimeoutError:
            message_text = (
                f"the request body did not arrive within {self.timeout:g} s "
                f"({len(body):,} bytes came)"
            )
            await error_response(
                path, 408, "request_timeout", message_text, {"Connection": "close"}
            )(scope, receive, send)
            return
        content_type = headers.get("content-type", "").lower()
        if body and content_type.startswith(_TEXTUAL):
            try:
                bytes(body).decode("utf-8")
            except UnicodeDecodeError as exc:
                reason = (
                    f"the request body is not valid UTF-8: byte 0x{body[exc.start]:02x} "
                    f"at offset {exc.start}"
                )
                await error_response(path, 400, "invalid_encoding", reason)(scope, receive, send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    def _too_large(self, path: str, size: int | None) -> Response:
        told = f"is {size:,} bytes" if size is not None else "is larger than that"
        message = (
            f"request body {told}; the limit is {self.max_bytes:,} bytes: "
            "split the text into several requests"
        )
        return error_response(path, 413, "request_too_large", message, {"Connection": "close"})


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets: ``rate`` tokens a second, at most ``burst`` saved; one token a request."""

    def __init__(self, rate: float, burst: int, *, max_buckets: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def acquire(self, who: str, now: float | None = None) -> int | None:
        """Take a token for ``who``; None if granted, else the seconds to wait (at least 1)."""
        if not self.enabled:
            return None
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.pop(who, None) or _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets[who] = bucket
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return max(1, math.ceil((1 - bucket.tokens) / self.rate))

    def refund(self, who: str) -> None:
        """Give back a token taken by :meth:`acquire` (the thing it was taken for was free)."""
        if not self.enabled:
            return
        with self._lock:
            bucket = self._buckets.get(who)
            if bucket is not None:
                bucket.tokens = min(float(self.burst), bucket.tokens + 1)


# KEYS[1]: the bucket (a hash of tokens and the time they were counted). ARGV: rate, burst, and
# 1 to take a token or 0 to give one back. Redis's clock, not the replicas': theirs may differ.
# A bucket left alone refills whole after burst / rate seconds; then it expires, which is the
# same as full. Answers {1 if granted, tokens left as a string (a Lua number would be cut)}.
_BUCKET = """
local rate, burst, take = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local kept = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if not take and not kept[1] then return {1, tostring(burst)} end
local tokens = tonumber(kept[1]) or burst
local at = tonumber(kept[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local granted = 1
if take then
  if tokens >= 1 then tokens = tokens - 1 else granted = 0 end
else
  tokens = math.min(burst, tokens + 1)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {granted, tostring(tokens)}
"""


class SharedRateLimiter(RateLimiter):
    """Token buckets in Redis, shared by every replica with the same ``name`` (the limit's);
    the process's own (:class:`RateLimiter`) while Redis is down."""

    def __init__(self, rate: float, burst: int, shared: SharedState, name: str) -> None:
        super().__init__(rate, burst)
        self.shared = shared
        self.prefix = f"{PREFIX}{name}:"
        self._script = shared.client.register_script(_BUCKET)

    def _charge(self, who: str, take: bool) -> tuple[bool, float]:
        granted, tokens = self.shared.call(
            lambda _: self._script(
                keys=[self.prefix + who], args=[repr(self.rate), self.burst, int(take)]
            )
        )
        return bool(granted), float(tokens)

    def acquire(self, who: str, now: float | None = None) -> int | None:
        if not self.enabled:
            return None
        try:
            granted, tokens = self._charge(who, True)
        except Unavailable:
            return super().acquire(who, now)
        return None if granted else max(1, math.ceil((1 - tokens) / self.rate))

    def refund(self, who: str) -> None:
        if not self.enabled:
            return
        try:
            self._charge(who, False)
        except Unavailable:
            super().refund(who)
