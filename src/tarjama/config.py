"""One Settings object: defaults < TOML file < TARJAMA_* environment < command-line flags.

The TOML file is the one named by ``--config`` or ``TARJAMA_CONFIG``, else ``tarjama.toml`` in
the working directory if there is one:

    data_dir = "/var/lib/tarjama"          # where the default SQLite store lives
    store = "postgresql+psycopg://tarjama@localhost/tarjama"   # optional, overrides data_dir
    engine = "apertium"
    label = "Beta V.1.0 - Powered by automated translation"
    memory = true                          # reuse and fill the translation memory
    targets = ["es", "ca", "gl"]
    anonymous_write = false                # the HTTP service: see README "Service"
    max_characters = 50000
    rate_limit = 5.0                       # requests/s per key or client address; 0 = off

Each key can also come from the environment as ``TARJAMA_<KEY>`` (``TARJAMA_DATA_DIR``...).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigError
from tarjama.model import DEFAULT_LABEL


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tarjama"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path()
    store: str = ""
    engine: str = "apertium"
    label: str = DEFAULT_LABEL
    memory: bool = True
    targets: tuple[str, ...] = ("es", "ca", "gl")
    # the HTTP service (tarjama serve)
    anonymous_read: bool = True
    anonymous_write: bool = False
    libretranslate_requires_key: bool = False
    max_request_bytes: int = 1_048_576
    max_characters: int = 50_000
    rate_limit: float = 0.0
    """Requests per second per key (or per client address without one); 0 turns it off."""
    rate_burst: int = 20
    result_cache: int = 256
    """Whole answers made from the memory kept for identical requests (api/cache.py); 0 = off."""

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'tarjama.db'}"

    @classmethod
    def load(
        cls,
        config_file: Path | str | None = None,
        environ: Mapping[str, str] | None = None,
        **flags: Any,
    ) -> Settings:
        """Settings from every layer; ``flags`` set to None are treated as not given."""
        env = os.environ if environ is None else environ
        settings = cls(data_dir=_default_data_dir())
        path = config_file or env.get("TARJAMA_CONFIG")
        if path is None and Path("tarjama.toml").is_file():
            path = "tarjama.toml"
        if path is not None:
            settings = settings.merge(_read_toml(Path(path)), f"config file {path}")
        from_env = {
            f.name: env[f"TARJAMA_{f.name.upper()}"]
            for f in fields(cls)
            if f"TARJAMA_{f.name.upper()}" in env
        }
        settings = settings.merge(from_env, "environment")
        return settings.merge({k: v for k, v in flags.items() if v is not None}, "flags")

    def merge(self, values: Mapping[str, Any], origin: str) -> Settings:
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"{origin}: unknown setting {key!r}; known: {', '.join(known)}")
            changes[key] = _coerce(key, value, getattr(self, key), origin)
        return replace(self, **changes)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _coerce(key: str, value: Any, current: Any, origin: str) -> Any:
    try:
        if isinstance(current, bool):
            if isinstance(value, str):
                if value.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError(value)
                return value.lower() in ("1", "true", "yes", "on")
            return bool(value)
        if isinstance(current, int):
            return int(value)
        if isinstance(current, float):
            return float(value)
        if isinstance(current, Path):
            return Path(value).expanduser()
        if isinstance(current, tuple):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(v).strip() for v in items if str(v).strip())
        if not isinstance(value, str):
            raise ValueError(value)
        return value
    except (ValueError, TypeError):
        raise ConfigError(f"{origin}: {key} = {value!r} is not a valid value") from None
