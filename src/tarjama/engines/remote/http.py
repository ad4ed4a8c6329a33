"""The one HTTP layer of the remote engines: an httpx client with timeouts, retries and errors
mapped to tarjama's.

- Retried (``retries`` times, so ``retries + 1`` attempts): 429, 408, 5xx, timeouts and broken
  connections. The wait is exponential backoff with full jitter (a uniform draw between 0 and
  ``backoff * 2**attempt``, capped at ``backoff_cap``), so that many workers that failed
  together do not come back together. A ``Retry-After`` (seconds or an HTTP date) is waited out
  exactly, up to ``retry_after_cap``; a longer one ends the call at once with
  ``EngineRateLimitError(retry_after)``, so that a fallback engine serves instead of a worker
  sleeping for an hour.
- Not retried: 400, 401/403, 404, 413, 456 and every other answer that would fail the same way
  again, and answers that are not JSON.
- Keys: each client knows its secrets and writes ``***`` for them in every message and log
  line it makes, including text a provider echoed back. Keys travel in headers only (never in
  URLs, which httpx logs).
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from tarjama.errors import (
    EngineAuthError,
    EngineError,
    EngineQuotaError,
    EngineRateLimitError,
    EngineRequestError,
    EngineTimeoutError,
    EngineUnavailableError,
)

log = logging.getLogger(__name__)

# A provider-specific reading of an error answer (status, parsed body or None, message), where
# the status alone says too little (Azure's 403001 is a spent quota, not a refused key).
Classify = Callable[[int, Any, str], type[EngineError] | None]

_BY_STATUS: dict[int, type[EngineError]] = {
    401: EngineAuthError,
    403: EngineAuthError,
    408: EngineTimeoutError,
    429: EngineRateLimitError,
    456: EngineQuotaError,
}
_RETRYABLE = (EngineRateLimitError, EngineTimeoutError, EngineUnavailableError)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for a provider and how to try again: every remote engine takes these
    four options from its table (``timeout``, ``retries``, ``backoff``, ``retry_after_cap``)."""

    timeout: float = 30.0
    retries: int = 2
    backoff: float = 0.5
    retry_after_cap: float = 30.0
    backoff_cap: float = 8.0


class HttpClient:
    """JSON over HTTP to one provider, retried and mapped; thread-safe (one httpx pool)."""

    def __init__(
        self,
        provider: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        secrets: Sequence[str | None] = (),
        policy: RetryPolicy = RetryPolicy(),
        classify: Classify | None = None,
    ) -> None:
        self.provider = provider
        self.url = url.rstrip("/")
        self.timeout = policy.timeout
        self.retries = max(0, policy.retries)
        self.backoff = policy.backoff
        self.backoff_cap = policy.backoff_cap
        self.retry_after_cap = policy.retry_after_cap
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
        self._classify = classify
        self._client = httpx.Client(
            base_url=self.url,
            headers=dict(headers or {}),
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=False,
        )

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Any:
        """The parsed JSON answer; an EngineError (after the retries) otherwise."""
        attempt = 0
        while True:
            cause: Exception | None = None
            retry_after: float | None = None
            try:
                response = self._client.request(method, path, params=params, json=json_body)
            except httpx.TimeoutException as exc:
                error: EngineError = EngineTimeoutError(
                    f"{self.provider}: no answer within {self.timeout:g} s ({type(exc).__name__})"
                )
                cause = exc
            except httpx.TransportError as exc:
                error = EngineUnavailableError(
                    self.redact(f"{self.provider}: cannot reach {self.url}: {exc}")
                )
                cause = exc
            else:
                if response.is_success:
                    return self._json(response)
                error = self._error(response)
                if response.status_code in (429, 503):
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if not isinstance(error, _RETRYABLE) or attempt >= self.retries:
                raise error from cause
            delay = self._delay(attempt, retry_after)
            if delay is None:
                raise error from cause
            attempt += 1
            log.warning("%s; retry %d of %d in %.2f s", error, attempt, self.retries, delay)
            time.sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= self.retry_after_cap else None
        return random.uniform(0, min(self.backoff_cap, self.backoff * 2**attempt))

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EngineUnavailableError(
                self.redact(
                    f"{self.provider}: malformed answer (not JSON) from "
                    f"{response.request.method} {response.request.url.path}: "
                    f"{response.text[:200]!r}"
                )
            ) from exc

    def _error(self, response: httpx.Response) -> EngineError:
        status = response.status_code
        try:
            body: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        detail = _message(body) or response.text.strip()[:200] or "(no message)"
        status_line = f"HTTP {status} {response.reason_phrase}".rstrip()
        message = self.redact(f"{self.provider}: {status_line}: {detail}")
        cls = (self._classify(status, body, detail) if self._classify else None) or _BY_STATUS.get(
            status
        )
        if cls is None:
            cls = EngineUnavailableError if status >= 500 else EngineRequestError
        if cls is EngineRateLimitError:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            return EngineRateLimitError(message, retry_after)
        return cls(message)

    def close(self) -> None:
        self._client.close()


def _message(body: Any) -> str:
    """The human part of a provider's error body: ``{"message"}`` (DeepL), ``{"error": "..."}``
    (LibreTranslate), ``{"error": {"message"}}`` (Google, Azure, OpenAI-compatible)."""
    if not isinstance(body, dict):
        return ""
    for key in ("error", "message", "detail"):
        value = body.get(key)
        if isinstance(value, str):
            return value[:300]
        if isinstance(value, dict) and isinstance(value.get("message"), str):
            return str(value["message"])[:300]
    return ""


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds: delta-seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
