"""Hugging Face transformers: sequence-to-sequence models that are not converted for CTranslate2.

Loads ``AutoModelForSeq2SeqLM`` and ``AutoTokenizer`` from a local directory only (never the
Hub) and generates with beams; batching, placeholders and long inputs are handled as for
CTranslate2 (``tarjama.engines.neural``). Slower than CTranslate2 on CPU: for a model that
``ct2-transformers-converter`` can convert, prefer the ``ctranslate2`` engine.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarjama.engines.base import EngineInfo
from tarjama.engines.neural import Decoding, Languages, NeuralEngine, cached, fingerprint
from tarjama.errors import ConfigError, EngineError, EngineUnavailableError
from tarjama.model import Pair

log = logging.getLogger(__name__)


@dataclass
class _Loaded:
    model: Any  # transformers.PreTrainedModel
    tokenizer: Any
    languages: Languages
    lock: threading.Lock


def _load(model_dir: Path, device: str, threads: int) -> _Loaded:
    try:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    except ImportError as exc:
        raise EngineUnavailableError(
            f"the transformers engine needs transformers and torch ({exc}): "
            "pip install 'tarjama[neural]'"
        ) from exc
    if not (model_dir / "config.json").is_file():
        raise EngineUnavailableError(
            f"no transformers model at {model_dir} (config.json missing): a directory saved "
            "with save_pretrained, or a downloaded model repository"
        )
    if threads > 0:
        torch.set_num_threads(threads)  # process-wide: torch has no per-model setting
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        model = AutoModelForSeq2SeqLM.from_pretrained(str(model_dir), local_files_only=True)
        model = model.to(device).eval()
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise EngineUnavailableError(f"cannot load the model at {model_dir}: {exc}") from exc
    log.info("loaded transformers model %s on %s", model_dir, device)
    vocabulary = list(tokenizer.get_vocab())
    return _Loaded(model, tokenizer, Languages.from_vocabulary(vocabulary), threading.Lock())


class TransformersEngine(NeuralEngine[_Loaded]):
    """A local Hugging Face sequence-to-sequence model (Marian, NLLB, M2M-100...)."""

    name = "transformers"

    def __init__(
        self,
        model: str = "",
        pairs: list[str] | None = None,
        *,
        device: str = "cpu",
        threads: int = 0,
        languages: dict[str, str] | None = None,
        beam_size: int = 4,
        max_batch_size: int = 16,
        max_input_tokens: int = 256,
        max_output_ratio: float = 3.0,
        max_output_extra: int = 10,
        on_placeholder_loss: str = "split",
    ) -> None:
        super().__init__(
            model,
            pairs,
            languages,
            Decoding(beam_size, max_batch_size, max_input_tokens, max_output_ratio,
                     max_output_extra, on_placeholder_loss),
        )  # fmt: skip
        if not device or threads < 0:
            raise ConfigError("device must name a torch device and threads must not be negative")
        self.device = device
        self.threads = threads

    def _loaded(self) -> _Loaded:
        key = (str(self._model_dir().resolve()), self.device, fingerprint(self.model_dir))
        return cached(key, lambda: _load(self.model_dir, self.device, self.threads))

    def info(self) -> EngineInfo:
        try:
            import transformers

            version = transformers.__version__
        except ImportError:
            version = "not installed"
        return EngineInfo(
            self.name, version, f"{self.model_dir.name}@{fingerprint(self.model_dir)}"
        )

    def _tokenize(self, model: _Loaded, text: str, pair: Pair) -> list[str]:
        tokens: list[str] = model.tokenizer.tokenize(text)
        return tokens

    def _generate(
        self, model: _Loaded, batch: list[list[str]], pair: Pair, max_length: int
    ) -> list[list[str]]:
        import torch

        tok = model.tokenizer
        prefix, target_token = self.prefix_tokens(self.languages(model), pair)
        rows = [tok.convert_tokens_to_ids([*prefix, *tokens, tok.eos_token]) for tokens in batch]
        width = max(len(r) for r in rows)
        pad = tok.pad_token_id
        ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=self.device)
        attention = torch.tensor(
            [[1] * len(r) + [0] * (width - len(r)) for r in rows], device=self.device
        )
        extra: dict[str, Any] = {}
        if target_token:
            extra["forced_bos_token_id"] = tok.convert_tokens_to_ids(target_token)
        try:
            with model.lock, torch.inference_mode():
                generated = model.model.generate(
                    input_ids=ids,
                    attention_mask=attention,
                    num_beams=self.beam_size,
                    do_sample=False,
                    # One more than needed: models configured with forced_eos_token_id (OPUS-MT)
                    # force the end at the last step, which would make a cut output depend
                    # on the longest input of its batch.
                    max_new_tokens=max_length + 1 + (1 if target_token else 0),
                    **extra,
                )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"transformers failed on {self.model_dir}: {exc}") from exc
        special = set(tok.all_special_ids)
        if target_token:
            special.add(tok.convert_tokens_to_ids(target_token))
        outputs = []
        for row in generated.tolist():
            kept = [i for i in row if i not in special]
            outputs.append(tok.convert_ids_to_tokens(kept))
        return outputs
