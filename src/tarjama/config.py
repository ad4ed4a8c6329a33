"""One Settings object: defaults < TOML file < TARJAMA_* environment < command-line flags.

The TOML file is the one named by ``--config`` or ``TARJAMA_CONFIG``, else ``tarjama.toml`` in
the working directory if there is one:

    data_dir = "/var/lib/tarjama"          # where the default SQLite store lives
    store = "postgresql+psycopg://tarjama@localhost/tarjama"   # optional, overrides data_dir
    engine = "apertium"
    label = "Beta V.1.0 - Powered by automated translation"
    memory = true                          # reuse and fill the translation memory
    targets = ["es", "ca", "gl"]
    anonymous_read = false                 # the HTTP service: see README "Settings"
    max_characters = 50000
    rate_limit = 5.0                       # requests/s per client address and per key; 0 = off
    pivot = "en"                           # translate es-ar as es-en, en-ar when no route has it
    guillemets = ["es"]                    # quotations written « » in these languages
    headline_case = "sentence"             # or "title"; a table of language = case
    [review_threshold]                     # article risk from which a translation needs review
    "*" = 0.5                              # (review_threshold = 0.5: the same for every language)
    es = 0.4
    [queue]                                # background work on Celery workers (docs/queue.md)
    url = "redis://localhost:6379/0"
    [engines.deepl]                        # engines and routes: docs/engine-config.md
    type = "deepl"
    [routes]
    "en-ar" = ["deepl", "apertium"]

Each key can also come from the environment as ``TARJAMA_<KEY>`` (``TARJAMA_DATA_DIR``...);
review thresholds as ``TARJAMA_REVIEW_THRESHOLD="es=0.4,*=0.5"`` (or one number), headline
cases as ``TARJAMA_HEADLINE_CASE="en=title,*=sentence"`` (or one case); routes as
``TARJAMA_ROUTES="en-es=apertium;en-ar=opus,deepl"`` and engine options as
``TARJAMA_ENGINES__<NAME>__<KEY>`` (``TARJAMA_ENGINES__DEEPL__FORMALITY=less``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tarjama import intake
from tarjama.engines import registry
from tarjama.errors import CharacterError, ConfigError
from tarjama.model import DEFAULT_LABEL, Pair

# Keys of an engine table that the composition layer applies (engines/compose.py), not the
# engine, with their types; every value must be above 0.
GENERIC_KEYS: dict[str, type] = {
    "max_concurrency": int,
    "max_wait_s": float,
    "breaker_failures": int,
    "breaker_reset_s": float,
}
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*\Z")
_ENV_ENGINES = "TARJAMA_ENGINES__"
_QUEUE = {"url": "queue_url", "lease": "job_lease"}
_RENAMED = {"libretranslate_requires_key": "'anonymous_translate' (its opposite)"}


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tarjama"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path()
    store: str = ""
    engine: str = "apertium"
    label: str = DEFAULT_LABEL
    labels: Mapping[str, str] = field(default_factory=dict)
    """Language -> the machine-translation label of that language, instead of the label
    localised from ``label`` (labels.py); ``es=...;ar=...`` in the environment."""
    memory: bool = True
    targets: tuple[str, ...] = ("es", "ca", "gl")
    # the HTTP service (tarjama serve)
    # who may call without a key (api/security.py): ad hoc translation and reader pages, yes
    anonymous_translate: bool = True
    anonymous_pages: bool = True
    anonymous_read: bool = False
    anonymous_write: bool = False
    max_request_bytes: int = 1_048_576
    max_characters: int = 50_000
    rate_limit: float = 0.0
    """Requests per second per client address (before any key is checked) and per key; 0: off."""
    rate_burst: int = 20
    cors_origins: tuple[str, ...] = ()
    """Web origins whose pages may call tarjama's own API (/v1...); none by default."""
    libretranslate_cors_origins: tuple[str, ...] = ("*",)
    """Web origins whose pages may call the LibreTranslate routes; any by default."""
    auth_failures: int = 10
    """Failed key checks allowed per client address a minute, then 429; 0 = no limit."""
    trusted_proxies: tuple[str, ...] = ()
    """Proxies (addresses or networks) whose X-Forwarded-For is believed; none by default."""
    timeout_keep_alive: int = 5
    timeout_headers: int = 10
    timeout_body: int = 30
    max_connections: int = 500
    """Slow clients: seconds an idle connection stays open, to send a request's headers (then
    closed), to send its body (then 408); connections at once (then 503)."""
    result_cache: int = 256
    """Whole answers made from the memory kept for identical requests (api/cache.py); 0 = off."""
    fuzzy_threshold: float = 0.75
    """Least similarity (0.5 to 1) of the memory's near matches offered to editors: beside a
    segment in review, and by the memory lookup route."""
    round_trip: bool = False
    """Translate every machine-translated sentence back through the reverse pair, where the
    engine has one, as one more signal of the quality estimate (about doubles the engine's
    work)."""
    review_threshold: Mapping[str, float] = field(default_factory=dict)
    """Language (or "*" for every other) -> the article risk (0 to 1) from which a translation
    needs review; unset languages use ``qa.REVIEW_THRESHOLD``. A number sets "*"."""
    guillemets: tuple[str, ...] = ()
    """Languages (of es, ca, gl) whose machine translations write quotations « », “ ” inside
    them (quotes.py); none by default: the marks are the source's."""
    headline_case: Mapping[str, str] = field(default_factory=dict)
    """Language (or "*" for every other) -> the case headlines are written in, "sentence" (the
    default) or "title" (headlines.py); one word sets "*"."""
    detect_threshold: float = 80.0
    """Least confidence (percent, 0 to 100) of the detected language for ``source=auto`` on the
    LibreTranslate routes; below it the request is refused, asking for ``source`` (api/detect.py
    says why 80)."""
    # engines and their routes (docs/engine-config.md)
    engines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Configured engines: name -> table (``type``, the engine's options, generic keys)."""
    routes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Pair ("en-ar") or "*" -> engine names: the first serves, the rest are fallbacks."""
    pivot: str = ""
    """Language to pivot through for pairs no engine has ("" = no pivoting)."""
    # background work (tarjama.jobs): TOML [queue] url = "redis://...", or TARJAMA_QUEUE_URL
    queue_url: str = ""
    """The Celery broker (Redis) that workers take jobs from; "" = the embedded runner."""
    job_lease: float = 60.0
    """Seconds a running job's runner may stay silent before another takes the job over."""

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'tarjama.db'}"

    @property
    def default_route(self) -> tuple[str, ...]:
        """The engines for pairs without a route of their own: ``routes."*"``, else ``engine``."""
        return self.routes.get("*") or (self.engine,)

    def engine_spec(self, name: str) -> EngineSpec:
        """A configured engine's table, or a built-in engine with no table; ConfigError if
        ``name`` is neither."""
        table = self.engines.get(name)
        if table is None:
            if name in registry.ENGINES:
                return EngineSpec(name, name, {})
            raise ConfigError(
                f"unknown engine {name!r}; configured: {', '.join(self.engines) or 'none'}; "
                f"built-in: {', '.join(registry.ENGINES)}"
            )
        return EngineSpec.parse(name, table)

    def check_engines(self) -> None:
        """Every engine table, route and the default engine make sense (ConfigError if not)."""
        for name in self.engines:
            self.engine_spec(name)
        for key, chain in self.routes.items():
            if key != "*":
                parse_pair(key, "routes")
            if not chain:
                raise ConfigError(f"routes: {key!r} names no engine")
            if len(set(chain)) != len(chain):
                raise ConfigError(f"routes: {key!r} names an engine twice: {', '.join(chain)}")
            for name in chain:
                if name not in self.engines and name not in registry.ENGINES:
                    raise ConfigError(
                        f"routes: {key!r} names engine {name!r}, which is not defined; "
                        f"configured: {', '.join(self.engines) or 'none'}; "
                        f"built-in: {', '.join(registry.ENGINES)}"
                    )
        for name in self.default_route:
            self.engine_spec(name)
        if self.pivot and not _LANG.match(self.pivot):
            raise ConfigError(f"pivot = {self.pivot!r} is not a language code (e.g. en)")

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
        from_env: dict[str, Any] = {
            f.name: env[f"TARJAMA_{f.name.upper()}"]
            for f in fields(cls)
            if f"TARJAMA_{f.name.upper()}" in env
        }
        engine_options = _engines_from_env(env, settings.engines)
        if engine_options:
            from_env["engines"] = engine_options
        settings = settings.merge(from_env, "environment")
        settings = settings.merge({k: v for k, v in flags.items() if v is not None}, "flags")
        settings.check_engines()
        return settings

    def merge(self, values: Mapping[str, Any], origin: str) -> Settings:
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key in _RENAMED:
                raise ConfigError(f"{origin}: {key!r} is now {_RENAMED[key]}")
            if key == "queue":  # the [queue] table of the file: url and lease
                if not isinstance(value, Mapping) or not set(value) <= _QUEUE.keys():
                    raise ConfigError(f"{origin}: [queue] takes url and lease, not {value!r}")
                for name, item in value.items():
                    field_name = _QUEUE[name]
                    changes[field_name] = _coerce(field_name, item, getattr(self, field_name),
                                                  origin)  # fmt: skip
                continue
            if key not in known:
                raise ConfigError(f"{origin}: unknown setting {key!r}; known: {', '.join(known)}")
            if key == "engines":
                changes[key] = _merge_engines(self.engines, value, origin)
            elif key == "routes":
                changes[key] = {**self.routes, **_routes(value, origin)}
            elif key == "review_threshold":
                changes[key] = {**self.review_threshold, **_thresholds(value, origin)}
            elif key == "headline_case":
                changes[key] = {**self.headline_case, **_headline_cases(value, origin)}
            elif key == "labels":
                changes[key] = {**self.labels, **_labels(value, origin)}
            else:
                changes[key] = _coerce(key, value, getattr(self, key), origin)
        if "job_lease" in changes and changes["job_lease"] <= 0:
            raise ConfigError(f"{origin}: job_lease must be above 0 seconds")
        if "fuzzy_threshold" in changes and not 0.5 <= changes["fuzzy_threshold"] <= 1:
            # Below 0.5 a fuzzy query scores most of the memory (and suggests little of use).
            raise ConfigError(
                f"{origin}: fuzzy_threshold must be from 0.5 to 1, not {changes['fuzzy_threshold']}"
            )
        if "label" in changes:  # readers see it in every output: text under the text rule
            try:
                changes["label"] = intake.accept(changes["label"], f"{origin}: label")
            except CharacterError as exc:
                raise ConfigError(str(exc)) from None
        if "guillemets" in changes:
            from tarjama.quotes import GUILLEMET_LANGUAGES

            others = sorted(set(changes["guillemets"]) - GUILLEMET_LANGUAGES)
            if others:
                raise ConfigError(
                    f"{origin}: guillemets: « » are written for "
                    f"{', '.join(sorted(GUILLEMET_LANGUAGES))}, not {', '.join(others)}"
                )
        if "detect_threshold" in changes and not 0 <= changes["detect_threshold"] <= 100:
            raise ConfigError(
                f"{origin}: detect_threshold is a percentage from 0 to 100, "
                f"not {changes['detect_threshold']}"
            )
        if "engine" in values:
            # A layer that names the default engine replaces a default route of an earlier one.
            routes = dict(changes.get("routes", self.routes))
            given = _routes(values.get("routes", {}), origin)
            if "*" in given and given["*"][0] != changes["engine"]:
                raise ConfigError(
                    f'{origin}: engine = {changes["engine"]!r} but routes "*" starts with '
                    f"{given['*'][0]!r}; give one of them"
                )
            if "*" not in given:
                routes.pop("*", None)
            changes["routes"] = routes
        return replace(self, **changes)


@dataclass(frozen=True)
class EngineSpec:
    """One engine table, parsed: the registry type, its own options, and the generic keys."""

    name: str
    type: str
    options: Mapping[str, Any]
    max_concurrency: int = 0
    max_wait_s: float | None = None
    breaker_failures: int = 0
    breaker_reset_s: float = 30.0

    @classmethod
    def parse(cls, name: str, table: Mapping[str, Any]) -> EngineSpec:
        where = f"engine {name!r}"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where}: expected a table of options, got {table!r}")
        kind = table.get("type", name if name in registry.ENGINES else None)
        if kind is None:
            raise ConfigError(
                f"{where} has no type; give type = one of {', '.join(registry.ENGINES)}"
            )
        if kind not in registry.ENGINES:
            raise ConfigError(
                f"{where}: unknown type {kind!r}; available: {', '.join(registry.ENGINES)}"
            )
        generic: dict[str, Any] = {}
        for key, kind_of in GENERIC_KEYS.items():
            if key not in table:
                continue
            raw = table[key]
            try:
                value = None if isinstance(raw, bool) or raw == "" else kind_of(raw)
            except (TypeError, ValueError):
                value = None
            if value is None or value <= 0 or (kind_of is int and value != float(raw)):
                what = "a whole number" if kind_of is int else "a number"
                raise ConfigError(f"{where}: {key} = {raw!r} must be {what} above 0")
            generic[key] = value
        if "max_wait_s" in generic and "max_concurrency" not in generic:
            raise ConfigError(f"{where}: max_wait_s needs max_concurrency")
        if "breaker_reset_s" in generic and "breaker_failures" not in generic:
            raise ConfigError(f"{where}: breaker_reset_s needs breaker_failures")
        options = {k: v for k, v in table.items() if k != "type" and k not in GENERIC_KEYS}
        return cls(name, str(kind), options, **generic)


def parse_pair(text: str, origin: str) -> Pair:
    source, sep, target = text.partition("-")
    if not sep or not _LANG.match(source) or not _LANG.match(target):
        raise ConfigError(f'{origin}: {text!r} is not a language pair; write e.g. "en-es"')
    return Pair(source, target)


def _routes(value: Any, origin: str) -> dict[str, tuple[str, ...]]:
    """Routes from a TOML table, or from ``en-es=apertium;en-ar=opus,deepl`` (environment)."""
    if isinstance(value, str):
        table: dict[str, Any] = {}
        for item in filter(None, (i.strip() for i in value.split(";"))):
            key, sep, names = item.partition("=")
            if not sep:
                raise ConfigError(
                    f"{origin}: routes item {item!r} has no '='; "
                    "write e.g. en-es=apertium;en-ar=opus,deepl"
                )
            table[key.strip()] = [n.strip() for n in names.split(",") if n.strip()]
        value = table
    if not isinstance(value, Mapping):
        raise ConfigError(f"{origin}: routes must be a table of pair = [engine names]")
    routes: dict[str, tuple[str, ...]] = {}
    for key, names in value.items():
        chain = [names] if isinstance(names, str) else names
        if not isinstance(chain, list) or not all(isinstance(n, str) for n in chain):
            raise ConfigError(f"{origin}: routes {key!r} must be a list of engine names")
        if key != "*":
            parse_pair(key, f"{origin}: routes")
        routes[key] = tuple(chain)
    return routes


def _thresholds(value: Any, origin: str) -> dict[str, float]:
    """Review thresholds from a number (every language), a TOML table of language = number, or
    ``es=0.4,*=0.5`` (environment)."""
    if isinstance(value, str) and "=" in value:
        value = dict(item.partition("=")[::2] for item in value.split(",") if item.strip())
    table = value if isinstance(value, Mapping) else {"*": value}
    found: dict[str, float] = {}
    for language, raw in table.items():
        language = str(language).strip()
        if language != "*" and not _LANG.match(language):
            raise ConfigError(f"{origin}: review_threshold: {language!r} is not a language code")
        try:
            number = float(raw) if not isinstance(raw, bool) else -1.0
        except (TypeError, ValueError):
            number = -1.0
        if not 0 <= number <= 1:
            raise ConfigError(
                f"{origin}: review_threshold {language} = {raw!r} must be a risk from 0 to 1"
            )
        found[language] = number
    return found


def _headline_cases(value: Any, origin: str) -> dict[str, str]:
    """Headline cases from one word (every language), a TOML table of language = case, or
    ``en=title,*=sentence`` (environment)."""
    from tarjama.headlines import CASES

    if isinstance(value, str):
        value = (
            dict(item.partition("=")[::2] for item in value.split(",") if item.strip())
            if "=" in value
            else {"*": value}
        )
    if not isinstance(value, Mapping):
        raise ConfigError(f"{origin}: headline_case must be a case or a table of language = case")
    found: dict[str, str] = {}
    for language, case in value.items():
        language = str(language).strip()
        if language != "*" and not _LANG.match(language):
            raise ConfigError(f"{origin}: headline_case: {language!r} is not a language code")
        if not isinstance(case, str) or case.strip() not in CASES:
            raise ConfigError(
                f"{origin}: headline_case {language} = {case!r} must be one of {', '.join(CASES)}"
            )
        found[language] = case.strip()
    return found


def _merge_engines(
    current: Mapping[str, Mapping[str, Any]], value: Any, origin: str
) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping) or not all(isinstance(t, Mapping) for t in value.values()):
        raise ConfigError(
            f"{origin}: engines must be tables ([engines.NAME]); "
            f"in the environment, TARJAMA_ENGINES__NAME__KEY=value"
        )
    merged = {name: dict(table) for name, table in current.items()}
    for name, table in value.items():
        merged.setdefault(name, {}).update(table)
    return merged


def _engines_from_env(
    env: Mapping[str, str], known: Mapping[str, Any]
) -> dict[str, dict[str, str]]:
    """``TARJAMA_ENGINES__OPUS_EN_AR__BEAM_SIZE=4`` -> {"opus-en-ar": {"beam_size": "4"}}: the
    name matches a configured engine whatever its case and dashes, else it is lowercased with
    dashes for underscores; the key is lowercased. Values stay strings: the builder converts
    them to the types the engine's constructor declares."""
    by_env_name = {name.upper().replace("-", "_"): name for name in known}
    found: dict[str, dict[str, str]] = {}
    for var, value in env.items():
        if not var.startswith(_ENV_ENGINES):
            continue
        name, sep, key = var.removeprefix(_ENV_ENGINES).partition("__")
        if not sep or not name or not key:
            raise ConfigError(f"environment: {var}: write TARJAMA_ENGINES__<NAME>__<KEY>=value")
        engine = by_env_name.get(name.upper(), name.lower().replace("_", "-"))
        found.setdefault(engine, {})[key.lower()] = value
    return found


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _labels(value: Any, origin: str) -> dict[str, str]:
    """Labels per language from a TOML table, or from ``es=...;ar=...`` (environment); each
    under the text rule, as readers see it."""
    if isinstance(value, str):
        value = dict(item.partition("=")[::2] for item in value.split(";") if item.strip())
    if not isinstance(value, Mapping):
        raise ConfigError(f"{origin}: labels must be a table of language = label")
    out: dict[str, str] = {}
    for lang, text in value.items():
        lang = str(lang).strip()
        if not _LANG.match(lang) or not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{origin}: labels: {lang!r} = {text!r} is not language = label")
        try:
            out[lang] = intake.accept(text.strip(), f"{origin}: labels.{lang}")
        except CharacterError as exc:
            raise ConfigError(str(exc)) from None
    return out


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
