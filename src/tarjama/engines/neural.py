"""What the neural engines share: placeholders through a model, recovery, long inputs, languages.

A neural model sees plain text. Each inline tag of a segment (``<x/>``, ``<g>``, ``</g>``) becomes
a bracketed number ``[k]`` (k = the tag's place in the segment, from 1), and escapes are undone
before the model and redone after it. Models drop, duplicate and reorder such tokens, so every
output is checked: each ``[k]`` exactly once, and ``<g>`` pairs opened and closed in order. A
segment that fails is recovered, never returned broken:

1. translated again without the mask (each placeholder's ``equiv`` text in its place, pairs
   removed) and the tags put back where the model copied those texts (alignment by copy);
2. failing that, either ``PlaceholderError`` (``on_placeholder_loss = "error"``, so that a
   fallback engine in a chain can serve) or (``"split"``, the default) the runs of text between
   tags are translated separately and every tag is re-inserted in source order.

docs/neural-engines.md says why ``[k]`` (measured on real OPUS-MT and NLLB outputs).
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from abc import abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from tarjama import inline
from tarjama.engines.base import Engine, Health
from tarjama.errors import (
    ConfigError,
    EngineUnavailableError,
    LanguageError,
    PlaceholderError,
    TarjamaError,
)
from tarjama.model import Pair

# --- the placeholder codec ---------------------------------------------------------------------

# Models write brackets and digits of their own script (full-width brackets, Arabic-Indic
# digits: ``\d`` matches every Unicode decimal digit and int() reads them) and may add spaces.
_FOUND = re.compile(r"[\[［]\s?(\d{1,3})\s?[\]］]")
_BLANKS = re.compile(r"[ \t]{2,}")
_WORDS = re.compile(r"\w")

ON_PLACEHOLDER_LOSS = ("split", "error")


def placeholder_form(k: int) -> str:
    return f"[{k}]"


@dataclass(frozen=True)
class Masked:
    """A segment as the model sees it, and what is needed to put its tags back."""

    text: str
    """Plain text with ``[k]`` for the k-th tag."""
    tokens: tuple[inline.Token, ...]
    tags: tuple[inline.Token, ...]
    """The tags in source order: ``[k]`` stands for ``tags[k - 1]``."""
    clash: bool
    """The text itself holds something that reads as a placeholder ("[1]" in a quote): the
    output could not be told apart, so the segment goes straight to the split strategy."""


def mask(tagged: str) -> Masked:
    tokens = tuple(inline.parse(tagged))
    parts: list[str] = []
    tags: list[inline.Token] = []
    clash = False
    for tok in tokens:
        if isinstance(tok, inline.Text):
            clash = clash or bool(_FOUND.search(tok.text))
            parts.append(tok.text)
        else:
            tags.append(tok)
            parts.append(placeholder_form(len(tags)))
    return Masked("".join(parts), tokens, tuple(tags), clash)


def _render_tag(tok: inline.Token) -> inline.Token:
    # Engines return bare placeholders: the span is restored from the mask by its id.
    return inline.Placeholder(tok.id) if isinstance(tok, inline.Placeholder) else tok


_OPEN_THEN_BLANK = re.compile(r'(<g id="\d+">)(\s+)')
_BLANK_THEN_CLOSE = re.compile(r"(\s+)(</g>)")


def _tidy(tokens: list[inline.Token]) -> str:
    """Render tokens, with blanks at the edges of a pair moved outside it, blanks collapsed."""
    text = inline.render(tokens)
    while True:
        moved = _BLANK_THEN_CLOSE.sub(r"\2\1", _OPEN_THEN_BLANK.sub(r"\2\1", text))
        if moved == text:
            return _BLANKS.sub(" ", text).strip()
        text = moved


def _check_order(tags: list[inline.Token]) -> None:
    stack: list[int] = []
    for tag in tags:
        if isinstance(tag, inline.Open):
            stack.append(tag.id)
        elif isinstance(tag, inline.Close) and (not stack or stack.pop() != tag.id):
            raise PlaceholderError("inline markup came back unbalanced")


def unmask(output: str, masked: Masked) -> str:
    """The model's output with each ``[k]`` back as its tag, escaped as tagged text.

    Raises PlaceholderError when a placeholder is missing, duplicated or invented, or a pair
    comes back unbalanced; the message says which."""
    found = [(m, int(m.group(1))) for m in _FOUND.finditer(output)]
    numbers = [k for _, k in found]
    problems = []
    if missing := [k for k in range(1, len(masked.tags) + 1) if k not in numbers]:
        problems.append(f"lost {_names(missing)}")
    if doubled := sorted({k for k in numbers if numbers.count(k) > 1}):
        problems.append(f"duplicated {_names(doubled)}")
    if invented := sorted({k for k in numbers if not 1 <= k <= len(masked.tags)}):
        problems.append(f"invented {_names(invented)}")
    if problems:
        raise PlaceholderError("the model " + ", ".join(problems))
    _check_order([masked.tags[k - 1] for k in numbers])
    tokens: list[inline.Token] = []
    pos = 0
    for m, k in found:
        tokens += [inline.Text(output[pos : m.start()]), _render_tag(masked.tags[k - 1])]
        pos = m.end()
    tokens.append(inline.Text(output[pos:]))
    return _tidy(tokens)


def _names(ks: Sequence[int]) -> str:
    return ", ".join(placeholder_form(k) for k in ks)


def unmasked_source(masked: Masked) -> str:
    """The segment with each placeholder's ``equiv`` text in its place and pairs removed: what
    the model would have seen without a mask."""
    return "".join(
        tok.text if isinstance(tok, inline.Text) else tok.equiv
        for tok in masked.tokens
        if isinstance(tok, inline.Text | inline.Placeholder)
    )


def restore_by_alignment(output: str, masked: Masked) -> str:
    """Put each tag back into an unmasked translation where the model copied its source text.

    A placeholder goes where its ``equiv`` appears (exactly once); a pair goes around the one
    copy of the words it held. Anything that cannot be placed so raises PlaceholderError.
    """
    spans: list[tuple[int, int, int]] = []  # start, end, index in masked.tokens
    toks = masked.tokens
    for i, tok in enumerate(toks):
        if isinstance(tok, inline.Placeholder):
            needle = tok.equiv
        elif isinstance(tok, inline.Open):
            close = _matching_close(toks, i)
            needle = unmasked_source(Masked("", toks[i + 1 : close], (), False))
        else:
            continue
        if not needle.strip() or output.count(needle) != 1:
            raise PlaceholderError(f"cannot find where {inline.render([tok])} goes")
        start = output.index(needle)
        spans.append((start, start + len(needle), i))
    for a in spans:
        for b in spans:
            if a[0] < b[0] < a[1] < b[1]:
                raise PlaceholderError("inline spans overlap in the translation")
    return _tidy(_weave(output, spans, toks))


def _matching_close(toks: Sequence[inline.Token], open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(toks)):
        if isinstance(toks[j], inline.Open):
            depth += 1
        elif isinstance(toks[j], inline.Close):
            depth -= 1
            if depth == 0:
                return j
    raise PlaceholderError("unclosed pair")  # inline.parse has already refused this


def _weave(
    output: str, spans: list[tuple[int, int, int]], toks: Sequence[inline.Token]
) -> list[inline.Token]:
    """Tokens of ``output`` with placeholders replacing their spans and pairs around theirs."""
    # At one place: closes (0), then opens (1, wider pairs first), then a placeholder (2),
    # which takes the text it replaces.
    boundaries: list[tuple[int, int, int, inline.Token]] = []
    for start, end, i in spans:
        tok = toks[i]
        if isinstance(tok, inline.Placeholder):
            boundaries.append((start, 2, end, _render_tag(tok)))
        elif isinstance(tok, inline.Open):
            boundaries.append((start, 1, -end, tok))
            boundaries.append((end, 0, -start, inline.Close(tok.id)))
    boundaries.sort(key=lambda b: (b[0], b[1], b[2]))
    tokens: list[inline.Token] = []
    pos = 0
    for at, kind, extra, tok in boundaries:
        if at < pos:
            raise PlaceholderError("inline markup fell inside a placeholder's text")
        tokens += [inline.Text(output[pos:at]), tok]
        pos = extra if kind == 2 else at
    tokens.append(inline.Text(output[pos:]))
    _check_order([t for t in tokens if isinstance(t, inline.Open | inline.Close)])
    return tokens


def text_runs(masked: Masked) -> list[str]:
    """The runs of text between tags, in order (what the split strategy translates)."""
    return [t.text for t in masked.tokens if isinstance(t, inline.Text)]


def reassemble(masked: Masked, translated_runs: Sequence[str]) -> str:
    """Every tag in source order, with each text run replaced by its translation."""
    runs = iter(translated_runs)
    tokens: list[inline.Token] = []
    for tok in masked.tokens:
        if isinstance(tok, inline.Text):
            src = tok.text
            lead = src[: len(src) - len(src.lstrip())]
            trail = src[len(src.rstrip()) :] if src.strip() else ""
            tokens.append(inline.Text(lead + next(runs) + trail if src.strip() else src))
        else:
            tokens.append(_render_tag(tok))
    return _tidy(tokens)


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


# --- languages ----------------------------------------------------------------------------------

# BCP-47 -> FLORES-200 codes as NLLB-200 spells its language tokens. The first tag listed for a
# code is the one tarjama names the language by when it reads a model's tokens.
NLLB_CODES: dict[str, str] = {
    "en": "eng_Latn", "es": "spa_Latn", "fr": "fra_Latn", "de": "deu_Latn", "it": "ita_Latn",
    "pt": "por_Latn", "ca": "cat_Latn", "gl": "glg_Latn", "eu": "eus_Latn", "nl": "nld_Latn",
    "ar": "arb_Arab", "fa": "pes_Arab", "he": "heb_Hebr", "tr": "tur_Latn", "ru": "rus_Cyrl",
    "uk": "ukr_Cyrl", "pl": "pol_Latn", "cs": "ces_Latn", "sk": "slk_Latn", "sl": "slv_Latn",
    "hr": "hrv_Latn", "sr": "srp_Cyrl", "bs": "bos_Latn", "bg": "bul_Cyrl", "mk": "mkd_Cyrl",
    "ro": "ron_Latn", "hu": "hun_Latn", "el": "ell_Grek", "sv": "swe_Latn", "da": "dan_Latn",
    "nb": "nob_Latn", "no": "nob_Latn", "nn": "nno_Latn", "fi": "fin_Latn", "et": "est_Latn",
    "lv": "lvs_Latn", "lt": "lit_Latn", "ga": "gle_Latn", "cy": "cym_Latn", "is": "isl_Latn",
    "mt": "mlt_Latn", "sq": "als_Latn", "hy": "hye_Armn", "ka": "kat_Geor", "az": "azj_Latn",
    "kk": "kaz_Cyrl", "uz": "uzn_Latn", "hi": "hin_Deva", "ur": "urd_Arab", "bn": "ben_Beng",
    "pa": "pan_Guru", "ta": "tam_Taml", "te": "tel_Telu", "mr": "mar_Deva", "gu": "guj_Gujr",
    "ne": "npi_Deva", "si": "sin_Sinh", "zh": "zho_Hans", "zh-Hans": "zho_Hans",
    "zh-Hant": "zho_Hant", "ja": "jpn_Jpan", "ko": "kor_Hang", "vi": "vie_Latn",
    "th": "tha_Thai", "id": "ind_Latn", "ms": "zsm_Latn", "tl": "tgl_Latn", "sw": "swh_Latn",
    "am": "amh_Ethi", "so": "som_Latn", "ha": "hau_Latn", "yo": "yor_Latn", "ig": "ibo_Latn",
    "zu": "zul_Latn", "af": "afr_Latn", "ps": "pbt_Arab", "ku": "kmr_Latn", "ckb": "ckb_Arab",
    "my": "mya_Mymr", "km": "khm_Khmr", "lo": "lao_Laoo", "ti": "tir_Ethi", "prs": "prs_Arab",
}  # fmt: skip
# OPUS-MT multi-target models name targets by ISO 639-3 (``>>ara<<``), macrolanguages included.
_ISO3 = {tag: code[:3] for tag, code in NLLB_CODES.items() if "-" not in tag} | {
    "ar": "ara", "fa": "fas", "ms": "msa", "lv": "lav", "et": "est", "sw": "swa", "uz": "uzb",
    "az": "aze", "ne": "nep", "ps": "pus", "sq": "sqi", "no": "nor", "zh": "zho", "ku": "kur",
}  # fmt: skip
_HANT_REGIONS = {"TW", "HK", "MO"}
_NLLB_TOKEN = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")
_M2M_TOKEN = re.compile(r"__([a-z]{2,3})__")
_OPUS_TOKEN = re.compile(r">>([a-z]{2,3}(?:_[A-Za-z]+)?)<<")


def _candidates(lang: str) -> list[str]:
    """A BCP-47 tag and its shorter forms, most specific first (zh-TW -> zh-Hant, zh)."""
    parts = lang.split("-")
    base = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4), "")
    if not script and base == "zh" and any(p.upper() in _HANT_REGIONS for p in parts[1:]):
        script = "Hant"
    return [lang, *([f"{base}-{script}"] if script else []), base]


@dataclass(frozen=True)
class Languages:
    """How one model names languages: its language tokens, and BCP-47 tags to and from them."""

    style: str
    """"nllb", "m2m" (``__en__``), "opus" (``>>es<<`` target tokens on the source) or "" (a
    model for fixed pairs, without language tokens)."""
    tokens: frozenset[str]
    overrides: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_vocabulary(
        cls, vocabulary: Sequence[str], overrides: dict[str, str] | None = None
    ) -> Languages:
        found = {
            style: frozenset(t for t in vocabulary if rx.fullmatch(t))
            for style, rx in (("nllb", _NLLB_TOKEN), ("m2m", _M2M_TOKEN), ("opus", _OPUS_TOKEN))
        }
        style = max(found, key=lambda s: len(found[s]))
        tokens = found[style]
        return cls(style if tokens else "", tokens, tuple(sorted((overrides or {}).items())))

    def token(self, lang: str) -> str | None:
        """The model's token for a BCP-47 tag, or None if it has none."""
        overrides = dict(self.overrides)
        for cand in _candidates(lang):
            if cand in overrides:
                codes = [overrides[cand]]
            elif self.style == "nllb":
                codes = [NLLB_CODES.get(cand, "")]
            elif self.style == "m2m":
                codes = [f"__{cand.replace('-', '_')}__"]
            elif self.style == "opus":
                codes = [f">>{c}<<" for c in (cand.replace("-", "_"), _ISO3.get(cand, ""))]
            else:
                return None
            for code in codes:
                if code in self.tokens:
                    return code
        return None

    def languages(self) -> list[str]:
        """The BCP-47 tags of every language token the model has (and tarjama can name)."""
        named: dict[str, str] = {}
        for bcp47, code in [*self.overrides, *NLLB_CODES.items()]:
            named.setdefault(code, bcp47)
        if self.style == "opus":
            for bcp47, iso3 in _ISO3.items():
                named.setdefault(f">>{iso3}<<", bcp47)
        tags = []
        for tok in sorted(self.tokens):
            m = None if self.style == "nllb" else (_M2M_TOKEN, _OPUS_TOKEN)[self.style == "opus"]
            found = m.fullmatch(tok) if m else None
            tag = named.get(tok) or (found.group(1).replace("_", "-") if found else "")
            if tag:
                tags.append(tag)
        return tags


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


@dataclass(frozen=True)
class Decoding:
    """The decoding options every neural engine takes from its table, in this order."""

    beam_size: int = 4
    max_batch_size: int = 32
    max_input_tokens: int = 256
    max_output_ratio: float = 3.0
    max_output_extra: int = 10
    on_placeholder_loss: str = "split"


class NeuralEngine(Engine, Generic[M]):
    """translate_batch for sequence-to-sequence models on a local directory: masking, length
    splitting, batches sorted by length, decoding limits, checks and recovery, pairs. A
    subclass loads its model (``_loaded``) and turns token lists into token lists."""

    def __init__(
        self,
        model: str,
        pairs: Sequence[str] | None,
        languages: dict[str, str] | None,
        decoding: Decoding,
    ) -> None:
        d = decoding
        if d.on_placeholder_loss not in ON_PLACEHOLDER_LOSS:
            raise ConfigError(
                f"on_placeholder_loss must be one of {', '.join(ON_PLACEHOLDER_LOSS)}, "
                f"not {d.on_placeholder_loss!r}"
            )
        for key, value in (
            ("beam_size", d.beam_size),
            ("max_batch_size", d.max_batch_size),
            ("max_input_tokens", d.max_input_tokens),
        ):
            if value < 1:
                raise ConfigError(f"{key} must be at least 1, not {value}")
        if d.max_output_ratio <= 0 or d.max_output_extra < 0:
            raise ConfigError("max_output_ratio must be positive and max_output_extra not negative")
        self.model = model
        self.model_dir = Path(model).expanduser()
        self.configured = [Pair.parse(p) for p in pairs or []]
        self.overrides = tuple(sorted((languages or {}).items()))
        self.beam_size = d.beam_size
        self.max_batch_size = d.max_batch_size
        self.max_input_tokens = d.max_input_tokens
        self.max_output_ratio = d.max_output_ratio
        self.max_output_extra = d.max_output_extra
        self.on_placeholder_loss = d.on_placeholder_loss
        self.recoveries = 0
        """Segments whose placeholders the model lost and that were recovered (for metrics)."""
        self._pairs: list[Pair] | None = None

    @abstractmethod
    def _loaded(self) -> M:
        """The model, from the process-wide cache (loaded on first use)."""

    def _model_dir(self) -> Path:
        """The model directory, or a clear error when none is configured."""
        if not self.model:
            raise EngineUnavailableError(
                f'the {self.info().name} engine needs a model directory: model = "/path" in its '
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

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        self.check_pair(pair)
        model = self._loaded()  # one model for the whole batch, recoveries included
        masked = [mask(t) for t in texts]
        plain_ok = [m for m in masked if not m.clash]
        outputs = iter(self._translate_plain(model, [m.text for m in plain_ok], pair))
        results: list[str] = []
        for m in masked:
            if m.clash:
                results.append(self._recover(model, m, pair, "the text holds a placeholder form"))
                continue
            output = next(outputs)
            try:
                results.append(unmask(output, m))
            except PlaceholderError as exc:
                results.append(self._recover(model, m, pair, str(exc)))
        return results

    def _recover(self, model: M, masked: Masked, pair: Pair, problem: str) -> str:
        self.recoveries += 1
        if masked.tags and not masked.clash:
            unmasked = self._translate_plain(model, [unmasked_source(masked)], pair)[0]
            try:
                return restore_by_alignment(unmasked, masked)
            except PlaceholderError:
                pass
        if self.on_placeholder_loss == "error":
            raise PlaceholderError(
                f"{self.info().name} ({self.model_for(pair)}): {problem} in "
                f"{inline.render(list(masked.tokens))!r}, and the tags could not be placed by "
                "alignment"
            )
        runs = text_runs(masked)
        wanted = [r.strip() for r in runs if _WORDS.search(r)]
        done = iter(self._translate_plain(model, wanted, pair))
        return reassemble(masked, [next(done) if _WORDS.search(r) else r for r in runs])

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
