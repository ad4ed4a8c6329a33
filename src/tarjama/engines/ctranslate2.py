"""CTranslate2: fast CPU/GPU inference for converted OPUS-MT (Marian), NLLB-200 and M2M-100 models.

A model is a directory written by ``ct2-transformers-converter ... --copy_files`` with its
SentencePiece model beside it (``source.spm`` for OPUS-MT, ``sentencepiece.bpe.model`` for NLLB
and M2M-100). Multilingual models are told the languages by their own tokens: the source
language token before the source, the target one as ``target_prefix``; OPUS-MT multi-target
models get ``>>xx<<`` before the source. Loaded models are shared by every engine and request in
the process, keyed by path, device, compute type, threads and a fingerprint of the files, so an
updated model on disk is loaded afresh and never served under the old one's name.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.engines.neural import Languages, NeuralEngine, cached, fingerprint
from tarjama.engines.neural.engine import expect_file, needs
from tarjama.errors import ConfigError, EngineError, EngineUnavailableError
from tarjama.model import Pair

log = logging.getLogger(__name__)

COMPUTE_TYPES = (
    "default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
    "float16", "bfloat16", "float32",
)  # fmt: skip
DEVICES = ("cpu", "cuda", "auto")
_SPM_NAMES = ("source.spm", "sentencepiece.bpe.model", "spm.model", "sentencepiece.model")
_VOCAB_NAMES = (
    "shared_vocabulary.json", "source_vocabulary.json", "shared_vocabulary.txt",
    "source_vocabulary.txt",
)  # fmt: skip


def _read_vocabulary(model_dir: Path) -> list[str]:
    for name in _VOCAB_NAMES:
        path = model_dir / name
        if path.is_file():
            if name.endswith(".json"):
                tokens: list[str] = json.loads(path.read_text(encoding="utf-8"))
                return tokens
            return path.read_text(encoding="utf-8").splitlines()
    raise EngineUnavailableError(
        f"{model_dir} has no CTranslate2 vocabulary ({', '.join(_VOCAB_NAMES[:2])}): "
        "is it a directory written by ct2-transformers-converter?"
    )


@dataclass
class _Loaded:
    translator: Any  # ctranslate2.Translator
    sp: Any  # sentencepiece.SentencePieceProcessor
    languages: Languages


def _load(model_dir: Path, spm_path: Path | None, options: dict[str, Any]) -> _Loaded:
    ctranslate2, sentencepiece = needs("ctranslate2", "ctranslate2", "sentencepiece")
    expect_file(
        model_dir, "model.bin", "CTranslate2",
        "convert one with ct2-transformers-converter (see docs/neural-engines.md)",
    )  # fmt: skip
    vocabulary = _read_vocabulary(model_dir)
    spm = spm_path or next((model_dir / n for n in _SPM_NAMES if (model_dir / n).is_file()), None)
    if spm is None or not spm.is_file():
        raise EngineUnavailableError(
            f"no SentencePiece model in {model_dir} (looked for {', '.join(_SPM_NAMES)}): "
            "convert with --copy_files source.spm target.spm, or sentencepiece.bpe.model"
        )
    try:
        translator = ctranslate2.Translator(str(model_dir), **options)
        sp = sentencepiece.SentencePieceProcessor(model_file=str(spm))
    except (RuntimeError, ValueError, OSError) as exc:
        raise EngineUnavailableError(f"cannot load the model at {model_dir}: {exc}") from exc
    log.info("loaded CTranslate2 model %s (%s)", model_dir, options)
    return _Loaded(translator, sp, Languages.from_vocabulary(vocabulary))


class CTranslate2Engine(NeuralEngine[_Loaded]):
    """A converted model directory on disk, served by CTranslate2."""

    name = "ctranslate2"
    library = "ctranslate2"

    def __init__(
        self,
        model: str = "",
        pairs: list[str] | None = None,
        *,
        device: str = "cpu",
        device_index: int = 0,
        compute_type: str = "default",
        inter_threads: int = 1,
        intra_threads: int = 0,
        sentencepiece: str = "",
        languages: dict[str, str] | None = None,
        **decoding: Any,
    ) -> None:
        super().__init__(model, pairs, languages, **decoding)
        if compute_type not in COMPUTE_TYPES:
            raise ConfigError(
                f"compute_type {compute_type!r} is not one of {', '.join(COMPUTE_TYPES)}"
            )
        if device not in DEVICES:
            raise ConfigError(f"device {device!r} is not one of {', '.join(DEVICES)}")
        self.spm_path = Path(sentencepiece).expanduser() if sentencepiece else None
        self.options: dict[str, Any] = {
            "device": device,
            "device_index": device_index,
            "compute_type": compute_type,
            "inter_threads": inter_threads,
            "intra_threads": intra_threads,
        }

    def _loaded(self) -> _Loaded:
        # A stat and a small read per batch: a model replaced on disk is picked up at once.
        key = (
            str(self._model_dir().resolve()),
            str(self.spm_path or ""),
            *(f"{k}={self.options[k]}" for k in sorted(self.options)),
            fingerprint(self.model_dir),
        )
        return cached(key, lambda: _load(self.model_dir, self.spm_path, self.options))

    def _tokenize(self, model: _Loaded, text: str, pair: Pair) -> list[str]:
        pieces: list[str] = model.sp.encode(text, out_type=str)
        return pieces

    def _generate(
        self, model: _Loaded, batch: list[list[str]], pair: Pair, max_length: int
    ) -> list[list[str]]:
        prefix, target_token = self.prefix_tokens(self.languages(model), pair)
        source = [prefix + tokens + ["</s>"] for tokens in batch]
        target_prefix = [[target_token] for _ in batch] if target_token else None
        try:
            results = model.translator.translate_batch(
                source,
                target_prefix=target_prefix,
                beam_size=self.beam_size,
                max_batch_size=self.max_batch_size,
                max_decoding_length=max_length + (1 if target_token else 0),
                max_input_length=0,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed on {self.model_dir}: {exc}") from exc
        outputs = []
        for result in results:
            tokens: list[str] = list(result.hypotheses[0])
            if target_token and tokens[:1] == [target_token]:
                tokens = tokens[1:]
            outputs.append(tokens)
        return outputs
