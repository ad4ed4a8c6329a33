"""The service's settings, read from :class:`tarjama.config.Settings` with defaults.

These fields belong in ``Settings``; until they are there, each is read with ``getattr`` and its
default below, and coerced (a TOML file or ``TARJAMA_*`` variable may give a string).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, fields
from typing import Any

from tarjama.errors import ConfigError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class ServiceOptions:
    anonymous_translate: bool = True
    """Callers without a key may translate ad hoc: the LibreTranslate routes (``/translate``,
    ``/languages``, ``/detect``), ``/v1/translate`` and ``/v1/feeds/translate``."""
    anonymous_pages: bool = True
    """Callers without a key may read the reader pages: ``/v1/feeds/{lang}`` and the current
    version's translation as HTML (``/v1/articles/{id}/translations/{lang}?format=html``)."""
    anonymous_read: bool = False
    """Callers without a key may use every other reader route: the articles API as JSON or
    ninjs, older versions, jobs, review, the memory and glossary and their exports."""
    anonymous_write: bool = False
    """Callers without a key may use editor routes."""
    max_request_bytes: int = 1024 * 1024
    """Largest request body accepted; a larger one is refused with 413 before it is read."""
    max_characters: int = 50_000
    """Most characters of text or HTML one request may ask to translate (413 beyond)."""
    rate_limit: float = 0.0
    """Requests per second allowed per client address (checked before any key is), and again
    per API key; 0: no limit."""
    rate_burst: int = 20
    """Requests a key or address may make at once before ``rate_limit`` applies."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed to call tarjama's own routes from a browser (CORS); none: closed."""
    libretranslate_cors_origins: tuple[str, ...] = ("*",)
    """Origins allowed to call the LibreTranslate routes from a browser; ``*``: any."""
    auth_failures: int = 10
    """Failed key checks allowed per client address in a minute; beyond, a key from that
    address gets 429 without being checked. 0: no limit."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks (``10.0.0.0/8``) of proxies whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed; none by default."""
    timeout_keep_alive: int = 5
    """Seconds an idle keep-alive connection stays open."""
    timeout_headers: int = 10
    """Seconds a client has to send a request's headers, from the connection's opening or the
    previous answer's end; then the connection is closed."""
    timeout_body: int = 30
    """Seconds a client has to send a request's body once its headers are in (408 beyond)."""
    max_connections: int = 500
    """Connections and requests at once; beyond, new requests are answered 503."""
    result_cache: int = 256
    """Answers of ``/v1/translate`` and ``/translate`` made wholly from the translation memory
    that are kept for identical requests while memory and glossary are unchanged; 0: none."""

    @classmethod
    def from_settings(cls, settings: Any) -> ServiceOptions:
        values = {}
        for f in fields(cls):
            default = getattr(cls, f.name)
            values[f.name] = _coerce(f.name, getattr(settings, f.name, default), default)
        options = cls(**values)
        if options.max_request_bytes < 1 or options.max_characters < 1:
            raise ConfigError("max_request_bytes and max_characters must be positive")
        if options.result_cache < 0:
            raise ConfigError("result_cache must be >= 0")
        if options.rate_limit < 0 or options.rate_burst < 1:
            raise ConfigError("rate_limit must be >= 0 and rate_burst >= 1")
        if options.auth_failures < 0:
            raise ConfigError("auth_failures must be >= 0")
        if min(options.timeout_keep_alive, options.timeout_headers, options.timeout_body) < 1:
            raise ConfigError("timeout_keep_alive, timeout_headers and timeout_body must be >= 1")
        if options.max_connections < 1:
            raise ConfigError("max_connections must be >= 1")
        for proxy in options.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ConfigError(
                    f"trusted_proxies: {proxy!r} is not an IP address or network (10.0.0.0/8)"
                ) from None
        return options


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.strip().lower() not in _TRUE | _FALSE:
                    raise ValueError(value)
                return value.strip().lower() in _TRUE
            return bool(value)
        if isinstance(default, tuple):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(v).strip() for v in items if str(v).strip())
        return type(default)(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} = {value!r} is not a valid value") from None
