"""Limits: request body size and time (checked before the body is read whole), rate limits.

:class:`BodyLimit` is ASGI middleware: it refuses a declared ``Content-Length`` over the limit at
once, counts the bytes of a streamed body as they arrive (413 as soon as they pass the limit),
answers 408 and closes the connection when the whole body has not arrived within ``timeout``
seconds (a client trickling its body holds nothing for long), and refuses a JSON, form or text
body that is not UTF-8 (400 ``invalid_encoding``), so no route ever sees one. The headers' own
deadline is the server's (``api/deadline.py``): no ASGI code runs before they are complete.

:class:`RateLimiter` keeps token buckets by name (a client address, an API key) in this process;
the buckets are kept in an LRU of bounded size.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import anyio
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarjama.api.errors import error_response

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
