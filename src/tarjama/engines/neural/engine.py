"""The neural engine: masking, length splitting, batches sorted by length, decoding limits,
checks and recovery, pairs; and the process-wide cache of loaded models."""

from __future__ import annotations

import hashlib
import importlib
import math
import re
import threading
from abc import abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from tarjama import inline
from tarjama.engines.base import BatchEngine, Health
from tarjama.engines.neural import codec
from tarjama.engines.neural.codec import ON_PLACEHOLDER_LOSS, Masked
from tarjama.engines.neural.languages import Languages
from tarjama.errors import (
    ConfigError,
    EngineUnavailableError,
    LanguageError,
    PlaceholderError,
    TarjamaError,
)
from tarjama.model import Pair

_WORDS = re.compile(r"\w")

# --- long inputs --------------------------------------------------------------------------------

_CLAUSE_CUT = re.compile(r"(?<=[,;:،؛—–])\s+|\s+(?=[—–])")
_SPACE_CUT = re.compile(r"\s+")
# Targets written without spaces between words: split outputs are joined without one.
_NO_SPACE = {"zh", "ja", "th", "lo", "km", "my", "bo"}


def split_long(text: str, count: Callable[[str], int], limit: int) -> list[str]:
    """Cut a text whose token count exceeds ``limit`` into pieces that fit: at the clause
    punctuation nearest its middle, else at the blank nearest it, else in the middle."""
    if limit <= 0 or count(text) <= limit:
        return [text]
    middle = len(text) / 2
    cuts = list(_CLAUSE_CUT.finditer(text)) or list(_SPACE_CUT.finditer(text.strip()))
    if _CLAUSE_CUT.search(text):
        cut = min(cuts, key=lambda m: abs(m.start() - middle))
        head, tail = text[: cut.start()], text[cut.end() :]
    elif cuts:
        stripped = text.strip()
        cut = min(cuts, key=lambda m: abs(m.start() - len(stripped) / 2))
        head, tail = stripped[: cut.start()], stripped[cut.end() :]
    elif len(text) > 1:
        head, tail = text[: len(text) // 2], text[len(text) // 2 :]
    else:
        return [text]
    return [p for part in (head, tail) if part.strip() for p in split_long(part, count, limit)]


def join_pieces(pieces: Sequence[str]) -> str:
    """SentencePiece detokenisation: pieces glued, ``▁`` read as a blank."""
    return "".join(pieces).replace("▁", " ").strip()


def joiner(lang: str) -> str:
    return "" if lang.split("-")[0].lower() in _NO_SPACE else " "


def needs(engine: str, *modules: str) -> list[Any]:
    """The modules an engine runs on, imported; EngineUnavailableError naming them otherwise."""
    try:
        return [importlib.import_module(m) for m in modules]
    except ImportError as exc:
        raise EngineUnavailableError(
            f"the {engine} engine needs {' and '.join(modules)} ({exc}): "
            "pip install 'tarjama[neural]'"
        ) from exc


def expect_file(model_dir: Path, name: str, kind: str, hint: str) -> None:
    """EngineUnavailableError unless the model directory holds ``name``, with a hint."""
    if not (model_dir / name).is_file():
        raise EngineUnavailableError(f"no {kind} model at {model_dir} ({name} missing): {hint}")


def fingerprint(model_dir: Path) -> str:
    """A short hash of a model directory's config and the size and time of its weights, so
    that a model replaced on disk is never served (or remembered) under the old one's name."""
    digest = hashlib.sha256()
    config = model_dir / "config.json"
    digest.update(config.read_bytes() if config.is_file() else b"no config")
    for path in sorted([*model_dir.glob("*.bin"), *model_dir.glob("*.safetensors")]):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


# --- the engine ---------------------------------------------------------------------------------


class Loaded(Protocol):
    """A model in memory, as the cache holds it."""

    languages: Languages


M = TypeVar("M", bound=Loaded)

_CACHE: dict[tuple[str, ...], Any] = {}
_CACHE_LOCK = threading.Lock()


def cached(key: tuple[str, ...], load: Callable[[], M]) -> M:
    """The model loaded under ``key``, loading it once for the whole process. The key ends
    with the model's fingerprint; an older version of the same model is dropped."""
    with _CACHE_LOCK:
        loaded: M | None = _CACHE.get(key)
        if loaded is None:
            loaded = load()
            for old in [k for k in _CACHE if k[:-1] == key[:-1]]:
                del _CACHE[old]
            _CACHE[key] = loaded
        return loaded


class NeuralEngine(BatchEngine, Generic[M]):
    """translate_list for sequence-to-sequence models on a local directory: masking, length
    splitting, batches sorted by length, decoding limits, checks and recovery, pairs. A
    subclass loads its model (``_loaded``) and turns token lists into token lists; the decoding
    options below are every neural engine's (a subclass hands them on as ``**decoding``)."""

    library: ClassVar[str]
    """The module that runs the models, whose version the engine names."""
    default_max_batch_size: ClassVar[int] = 32

    def __init__(
        self,
        model: str,
        pairs: Sequence[str] | None,
        languages: dict[str, str] | None,
        *,
        beam_size: int = 4,
        max_batch_size: int | None = None,
        max_input_tokens: int = 256,
        max_output_ratio: float = 3.0,
        max_output_extra: int = 10,
        on_placeholder_loss: str = "split",
    ) -> None:
        if max_batch_size is None:
            max_batch_size = self.default_max_batch_size
        if on_placeholder_loss not in ON_PLACEHOLDER_LOSS:
            raise ConfigError(
                f"on_placeholder_loss must be one of {', '.join(ON_PLACEHOLDER_LOSS)}, "
                f"not {on_placeholder_loss!r}"
            )
        for key, value in (
            ("beam_size", beam_size),
            ("max_batch_size", max_batch_size),
            ("max_input_tokens", max_input_tokens),
        ):
            if value < 1:
                raise ConfigError(f"{key} must be at least 1, not {value}")
        if max_output_ratio <= 0 or max_output_extra < 0:
            raise ConfigError("max_output_ratio must be positive and max_output_extra not negative")
        self.model = model
        self.model_dir = Path(model).expanduser()
        self.configured = [Pair.parse(p) for p in pairs or []]
        self.overrides = tuple(sorted((languages or {}).items()))
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.max_input_tokens = max_input_tokens
        self.max_output_ratio = max_output_ratio
        self.max_output_extra = max_output_extra
        self.on_placeholder_loss = on_placeholder_loss
        self.recoveries = 0
        """Segments whose placeholders the model lost and that were recovered (for metrics)."""
        self._pairs: list[Pair] | None = None

    def version(self) -> str:
        try:
            module = importlib.import_module(self.library)
        except ImportError:
            return "not installed"
        return str(module.__version__)

    @abstractmethod
    def _loaded(self) -> M:
        """The model, from the process-wide cache (loaded on first use)."""

    def _model_dir(self) -> Path:
        """The model directory, or a clear error when none is configured."""
        if not self.model:
            raise EngineUnavailableError(
                f'the {self.name} engine needs a model directory: model = "/path" in its '
                "[engines.NAME] table of tarjama.toml (docs/neural-engines.md)"
            )
        return self.model_dir

    @abstractmethod
    def _tokenize(self, model: M, text: str, pair: Pair) -> list[str]:
        """The model's source tokens for a plain text, without special tokens."""

    @abstractmethod
    def _generate(
        self, model: M, batch: list[list[str]], pair: Pair, max_length: int
    ) -> list[list[str]]:
        """Target tokens (no special or language tokens) for each token list, in order."""

    def languages(self, model: M) -> Languages:
        return replace(model.languages, overrides=self.overrides)

    def pairs(self) -> list[Pair]:
        if self._pairs is None:
            self._pairs = self._pairs_from(self.languages(self._loaded()))
        return list(self._pairs)

    def health(self) -> Health:
        try:
            pairs = self.pairs()
        except TarjamaError as exc:
            return Health(False, str(exc))
        return Health(True, f"{self.model_dir} ({len(pairs)} pairs)")

    def output_limit(self, source_tokens: int) -> int:
        """The most target tokens decoded for a source of this many tokens."""
        return math.ceil(source_tokens * self.max_output_ratio) + self.max_output_extra

    def model_for(self, pair: Pair) -> str:
        return f"{self.model_dir.name}@{fingerprint(self.model_dir)}"

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        model = self._loaded()  # one model for the whole batch, recoveries included
        masked = [codec.mask(t) for t in texts]
        plain_ok = [m for m in masked if not m.clash]
        outputs = iter(self._translate_plain(model, [m.text for m in plain_ok], pair))
        results: list[str] = []
        for m in masked:
            if m.clash:
                results.append(self._recover(model, m, pair, "the text holds a placeholder form"))
                continue
            output = next(outputs)
            try:
                results.append(codec.unmask(output, m))
            except PlaceholderError as exc:
                results.append(self._recover(model, m, pair, str(exc)))
        return results

    def _recover(self, model: M, masked: Masked, pair: Pair, problem: str) -> str:
        self.recoveries += 1
        if masked.tags and not masked.clash:
            unmasked = self._translate_plain(model, [codec.unmasked_source(masked)], pair)[0]
            try:
                return codec.restore_by_alignment(unmasked, masked)
            except PlaceholderError:
                pass
        if self.on_placeholder_loss == "error":
            raise PlaceholderError(
                f"{self.name} ({self.model_for(pair)}): {problem} in "
                f"{inline.render(list(masked.tokens))!r}, and the tags could not be placed by "
                "alignment"
            )
        runs = codec.text_runs(masked)
        wanted = [r.strip() for r in runs if _WORDS.search(r)]
        done = iter(self._translate_plain(model, wanted, pair))
        return codec.reassemble(masked, [next(done) if _WORDS.search(r) else r for r in runs])

    def translate_plain(self, texts: Sequence[str], pair: Pair) -> list[str]:
        """Plain texts (no tags, no escapes) through the model, in order."""
        self.check_pair(pair)
        return self._translate_plain(self._loaded(), texts, pair)

    def _translate_plain(self, model: M, texts: Sequence[str], pair: Pair) -> list[str]:
        # Long texts split; every piece sorted by length and batched; results in input order.
        chunks: list[tuple[int, list[str]]] = []  # (text index, tokens)
        for i, text in enumerate(texts):
            if not text.strip():
                continue
            tokens = self._tokenize(model, text.strip(), pair)
            if len(tokens) <= self.max_input_tokens:
                chunks.append((i, tokens))
                continue
            for piece in split_long(
                text, lambda t: len(self._tokenize(model, t, pair)), self.max_input_tokens
            ):
                chunks.append((i, self._tokenize(model, piece.strip(), pair)))
        order = sorted(range(len(chunks)), key=lambda c: len(chunks[c][1]))
        translated: list[str] = [""] * len(chunks)
        for start in range(0, len(order), self.max_batch_size):
            ids = order[start : start + self.max_batch_size]
            batch = [chunks[c][1] for c in ids]
            limits = [self.output_limit(len(toks)) for toks in batch]
            outputs = self._generate(model, batch, pair, max(limits))
            for c, limit, out in zip(ids, limits, outputs, strict=True):
                # Cut each output at its own limit, so that it does not depend on its batch.
                translated[c] = join_pieces(out[:limit])
        results: list[list[str]] = [[] for _ in texts]
        for (i, _), out_text in zip(chunks, translated, strict=True):
            results[i].append(out_text)
        return [joiner(pair.target).join(parts) for parts in results]

    def _pairs_from(self, languages: Languages) -> list[Pair]:
        where = str(self.model_dir)
        if self.configured:
            if languages.style:
                for pair in self.configured:
                    # OPUS-MT multi-target models name only their targets
                    both = [pair.source, pair.target]
                    for lang in both[1:] if languages.style == "opus" else both:
                        if languages.token(lang) is None:
                            raise LanguageError(
                                f"{where} has no language token for {lang!r} (add it to the "
                                "engine's languages table)",
                                languages.languages(),
                            )
            return list(self.configured)
        if languages.style in ("nllb", "m2m"):
            langs = languages.languages()
            return [Pair(s, t) for s in langs for t in langs if s != t]
        raise ConfigError(
            f'{where} has no language tokens: name the pairs it serves (pairs = ["en-ar"])'
        )

    @staticmethod
    def prefix_tokens(languages: Languages, pair: Pair) -> tuple[list[str], str | None]:
        """The tokens before the source and the forced first target token, for a pair."""
        if languages.style in ("nllb", "m2m"):
            src, tgt = languages.token(pair.source), languages.token(pair.target)
            return [src] if src else [], tgt
        if languages.style == "opus":
            tgt = languages.token(pair.target)
            return [tgt] if tgt else [], None
        return [], None
