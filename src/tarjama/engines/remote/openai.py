"""Any OpenAI-compatible chat-completions server (llama.cpp's llama-server, vLLM, Ollama, or a
hosted API): ``POST {url}/chat/completions``, ``GET {url}/models``.

- One text per request (a chat answers one message), ``parallel`` requests at a time, at
  temperature 0 so that the same text gets the same translation.
- The prompt asks for the translation only, with tarjama's tags in the XML form (``tags.XML``):
  placeholders that say what they stand for arrive as ``<x id="N">words</x>``, so the model
  reads the sentence as written, and are copied untranslated.
- The answer is read strictly: ``choices[0].message.content``, a leading ``<think>`` block
  (reasoning models) removed, nothing else repaired. An answer that lost or repeated a tag is
  sent back once with a request to keep every tag; a second such answer is a PlaceholderError.
- Such servers list no language pairs: ``pairs`` says which this model is trusted with.
- ``Authorization: Bearer`` only when a key is set (local servers need none).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from babel import Locale, UnknownLocaleError

from tarjama.engines.base import Health
from tarjama.engines.remote import tags
from tarjama.engines.remote.base import RemoteEngine, malformed
from tarjama.errors import ConfigError, EngineRequestError, PlaceholderError, TarjamaError
from tarjama.model import Pair

PROMPT_VERSION = "1"
"""Part of every translation's provenance: raise it whenever the prompt changes."""

SYSTEM_PROMPT = """\
You are a professional news translator. Translate the user's text from {source} to {target}.
Reply with the translation only: no notes, no explanations, no quotation marks around it.
The text may contain XML tags:
- Copy every <x id="N"/> tag, and every <x id="N">...</x> element with the words inside it \
unchanged, exactly once, at the place where it belongs in the translation.
- Keep every <g id="N">...</g> pair exactly once, around the translation of the words it wraps.
- Keep &amp;, &lt; and &gt; as they are."""

RETRY_PROMPT = """\
Your translation lost, changed or repeated some of the tags. Reply again with the whole \
translation only, with every tag of the text exactly once."""

_THINK = re.compile(r"\A\s*<think>.*?</think>", re.DOTALL)


def language_name(code: str) -> str:
    try:
        return f"{Locale.parse(code, sep='-').get_display_name('en')} ({code})"
    except (ValueError, UnknownLocaleError):
        return code


class OpenAIEngine(RemoteEngine):
    name = "openai"
    api_version = "v1"
    form = tags.XML
    max_texts = 1
    max_chars = 1_000_000
    key_env = "OPENAI_API_KEY"
    key_required = False
    default_batch_size = 1

    def __init__(
        self,
        *,
        model: str,
        pairs: list[str],
        url: str = "http://localhost:8080/v1",
        temperature: float = 0.0,
        max_tokens: int | None = None,
        parallel: int = 4,
        timeout: float = 120.0,
        **options: Any,
    ) -> None:
        if not pairs:
            raise ConfigError("openai: pairs must list the language pairs the model serves")
        super().__init__(url, timeout=timeout, **options)
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.parallel = max(1, parallel)
        self._pairs_served = [Pair.parse(p) for p in pairs]

    def _headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _options(self, pair: Pair) -> str:
        options = [f"model={self.model}", f"prompt={PROMPT_VERSION}"]
        if self.temperature:
            options.append(f"temperature={self.temperature:g}")
        return " ".join(options)

    def _fetch_pairs(self) -> list[Pair]:
        return list(self._pairs_served)

    def health(self) -> Health:
        """Whether the server answers ``GET /models`` (and whether it lists the model: llama.cpp
        serves whatever it loaded under any name, so a missing name is only noted)."""
        try:
            answer = self._http.request("GET", "/models")
        except TarjamaError as exc:
            return Health(False, str(exc))
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            return Health(False, str(malformed(self.name, "models without a data list")))
        listed = any(isinstance(m, dict) and m.get("id") == self.model for m in data)
        return Health(
            True, f"{self.name}: model {self.model} {'listed' if listed else 'not listed'}"
        )

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        if not texts:
            return []
        with ThreadPoolExecutor(max_workers=min(self.parallel, len(texts))) as pool:
            return list(pool.map(lambda text: self._one(text, pair), texts))

    def _one(self, text: str, pair: Pair) -> str:
        if not text.strip():
            return text
        messages = self._messages(self.form.encode(text), pair)
        answer = self._complete(messages)
        try:
            return self.form.decode(answer, text, self.name)
        except PlaceholderError:
            messages += [
                {"role": "assistant", "content": answer},
                {"role": "user", "content": RETRY_PROMPT},
            ]
            return self.form.decode(self._complete(messages), text, self.name)

    def _translate(self, texts: list[str], pair: Pair) -> list[str]:
        return [self._complete(self._messages(text, pair)) for text in texts]

    @staticmethod
    def _messages(encoded: str, pair: Pair) -> list[dict[str, str]]:
        system = SYSTEM_PROMPT.format(
            source=language_name(pair.source), target=language_name(pair.target)
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": encoded}]

    def _complete(self, messages: list[dict[str, str]]) -> str:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
        }
        if self.max_tokens:
            body["max_tokens"] = self.max_tokens
        answer = self._http.request("POST", "/chat/completions", json_body=body)
        choices = answer.get("choices") if isinstance(answer, dict) else None
        first = choices[0] if isinstance(choices, list) and choices else None
        if not isinstance(first, dict):
            raise malformed(self.name, "no choices[0]")
        message = first.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            raise malformed(self.name, "no choices[0].message.content")
        if first.get("finish_reason") == "length":
            raise EngineRequestError(
                f"{self.name}: the answer was cut at max_tokens ({self.max_tokens})"
            )
        return _THINK.sub("", content).strip()
