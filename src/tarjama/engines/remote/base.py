"""What every remote engine shares: keys from config or environment, the provider's language
list fetched once and cached, batches split to the provider's limits, tags checked on return.

A provider module says how to ask for languages (``_fetch_pairs``) and how to translate one
request's worth of texts already in its tag form (``_translate``); the rest is here.
"""

from __future__ import annotations

import os
import threading
from abc import abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar

from tarjama.engines.base import BatchEngine, Health
from tarjama.engines.remote.http import HttpClient, RetryPolicy
from tarjama.engines.remote.tags import TagForm
from tarjama.errors import (
    EngineAuthError,
    EngineError,
    EngineUnavailableError,
    LanguageError,
    TarjamaError,
)
from tarjama.model import Pair


def configured(value: str | None, env: str | None) -> str | None:
    """A setting (a key, a region) given in the config, else the environment variable ``env``."""
    if value:
        return value
    return (os.environ.get(env) or None) if env else None


def malformed(provider: str, what: str) -> EngineUnavailableError:
    return EngineUnavailableError(f"{provider}: malformed answer: {what}")


class RemoteEngine(BatchEngine):
    """A provider's HTTP API behind the engine contract."""

    name: str
    api_version: ClassVar[str]
    form: ClassVar[TagForm]
    max_texts: ClassVar[int]
    """The provider's limit on texts per request."""
    max_chars: ClassVar[int]
    """The provider's limit (or recommended ceiling) on characters per request."""
    key_env: ClassVar[str]
    """The environment variable the key is read from unless the config names another."""
    key_required: ClassVar[bool] = True

    default_batch_size: ClassVar[int]
    """Texts per request unless the config says otherwise."""

    def __init__(
        self,
        url: str | None,
        *,
        api_key: str | None = None,
        api_key_env: str | None = None,
        batch_size: int | None = None,
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
        retry_after_cap: float = 30.0,
    ) -> None:
        """The options every provider takes: a provider module's constructor hands them on as
        ``**options``, once it has set what its ``_headers`` need."""
        self._key_env = api_key_env or self.key_env
        self._key = configured(api_key, self._key_env)
        self._http = HttpClient(
            self.name,
            self._endpoint(url, self._key),
            headers=self._headers(self._key),
            secrets=[self._key],
            policy=RetryPolicy(timeout, retries, backoff, retry_after_cap),
            classify=self._error_class,
        )
        self.url = self._http.url
        size = self.default_batch_size if batch_size is None else batch_size
        self.batch_size = max(1, min(size, self.max_texts))
        self.request_chars = self.max_chars
        self._pairs: list[Pair] | None = None
        self._pair_set: frozenset[Pair] = frozenset()
        self._lock = threading.Lock()

    # --- what a provider module implements ------------------------------------------------------

    @abstractmethod
    def _fetch_pairs(self) -> list[Pair]: ...

    @abstractmethod
    def _translate(self, texts: list[str], pair: Pair) -> list[str]:
        """One request: ``texts`` in the provider's tag form, answers in the same form."""

    def _options(self, pair: Pair) -> str:
        """Settings that change the output for a pair (glossary, formality...), for provenance."""
        return ""

    def _endpoint(self, url: str | None, key: str | None) -> str:
        """The API's base URL: the configured one."""
        return url or ""

    def _headers(self, key: str | None) -> dict[str, str]:
        """The headers of every request (the key, where the provider takes it in one)."""
        return {}

    def _error_class(self, status: int, body: Any, message: str) -> type[EngineError] | None:
        """What an error answer means where its status alone says too little; None: the
        status decides (``http.py``)."""
        return None

    # --- the engine contract ---------------------------------------------------------------------

    def version(self) -> str:
        return self.api_version

    def model_for(self, pair: Pair) -> str:
        options = self._options(pair)
        return f"{self.name}/{self.api_version}" + (f" {options}" if options else "")

    def pairs(self) -> list[Pair]:
        with self._lock:
            cached = self._pairs
        return list(cached) if cached is not None else self._refresh_pairs()

    def _refresh_pairs(self) -> list[Pair]:
        self._check_key()
        pairs = sorted(set(self._fetch_pairs()), key=str)
        with self._lock:
            self._pairs = pairs
            self._pair_set = frozenset(pairs)
        return list(pairs)

    def check_pair(self, pair: Pair) -> None:
        pairs = self.pairs()
        if pair in self._pair_set:
            return
        same_source = [p for p in pairs if p.source == pair.source]
        raise LanguageError(
            f"engine {self.name} cannot translate {pair}", (str(p) for p in same_source or pairs)
        )

    def health(self) -> Health:
        """Whether the provider answers, from its language list (fetched afresh, no
        translation made, nothing billed)."""
        try:
            pairs = self._refresh_pairs()
        except TarjamaError as exc:
            return Health(False, str(exc))
        if not pairs:
            return Health(False, f"{self.name}: the provider lists no language pairs")
        return Health(True, f"{self.name} API {self.api_version}: {len(pairs)} pairs")

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        out = list(texts)
        # Blank texts are answered here: several providers refuse an empty text.
        encoded = {i: self.form.encode(text) for i, text in enumerate(texts) if text.strip()}
        for chunk in self._chunks(encoded):
            answers = self._translate([encoded[i] for i in chunk], pair)
            if len(answers) != len(chunk):
                raise malformed(self.name, f"{len(answers)} translations for {len(chunk)} texts")
            for i, answer in zip(chunk, answers, strict=True):
                out[i] = self.form.decode(answer, texts[i], self.name)
        return out

    def _chunks(self, encoded: dict[int, str]) -> Iterator[list[int]]:
        """Request-sized runs of texts: at most ``batch_size`` texts and
        ``request_chars`` characters (a longer text goes alone, for the provider to accept or
        refuse)."""
        chunk: list[int] = []
        size = 0
        for i, text in encoded.items():
            n = len(text)
            if chunk and (len(chunk) >= self.batch_size or size + n > self.request_chars):
                yield chunk
                chunk, size = [], 0
            chunk.append(i)
            size += n
        if chunk:
            yield chunk

    def _check_key(self) -> None:
        if self.key_required and not self._key:
            raise EngineAuthError(
                f"{self.name}: no API key: set the environment variable {self._key_env} "
                "(or api_key_env to name another, or api_key in the engine's table)"
            )

    def close(self) -> None:
        self._http.close()
