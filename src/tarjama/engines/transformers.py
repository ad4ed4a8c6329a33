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

from tarjama.engines.neural import Languages, NeuralEngine, cached, fingerprint
from tarjama.engines.neural.engine import expect_file, needs
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
    transformers, torch = needs("transformers", "transformers", "torch")
    expect_file(
        model_dir, "config.json", "transformers",
        "a directory saved with save_pretrained, or a downloaded model repository",
    )  # fmt: skip
    if threads > 0:
        torch.set_num_threads(threads)  # process-wide: torch has no per-model setting
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            str(model_dir), local_files_only=True
        )
        model = transformers.AutoModelForSeq2SeqLM.from_pretrained(
            str(model_dir), local_files_only=True
        )
        model = model.to(device).eval()
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise EngineUnavailableError(f"cannot load the model at {model_dir}: {exc}") from exc
    log.info("loaded transformers model %s on %s", model_dir, device)
    vocabulary = list(tokenizer.get_vocab())
    return _Loaded(model, tokenizer, Languages.from_vocabulary(vocabulary), threading.Lock())


class TransformersEngine(NeuralEngine[_Loaded]):
    """A local Hugging Face sequence-to-sequence model (Marian, NLLB, M2M-100...)."""

    name = "transformers"
    library = "transformers"
    default_max_batch_size = 16

    def __init__(
        self,
        model: str = "",
        pairs: list[str] | None = None,
        *,
        device: str = "cpu",
        threads: int = 0,
        languages: dict[str, str] | None = None,
        **decoding: Any,
    ) -> None:
        super().__init__(model, pairs, languages, **decoding)
        if not device or threads < 0:
            raise ConfigError("device must name a torch device and threads must not be negative")
        self.device = device
        self.threads = threads

    def _loaded(self) -> _Loaded:
        key = (str(self._model_dir().resolve()), self.device, fingerprint(self.model_dir))
        return cached(key, lambda: _load(self.model_dir, self.device, self.threads))

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
