"""LibreTranslate (self-hosted or libretranslate.com): ``POST /translate``, ``GET /languages``.

- ``q`` is sent as a list (one request for a batch; the answer's ``translatedText`` is then a
  list), with ``format: html`` so that markup is kept; placeholders are ``translate="no"`` spans,
  which LibreTranslate's HTML translator (translatehtml) leaves untranslated (``tags.HTML``).
- ``api_key`` goes in the body, as LibreTranslate expects; an instance without keys needs none.
- ``/languages`` lists each source with its ``targets`` (older servers omit them: every other
  language then counts as a target).
- A server's ``--char-limit`` and ``--batch-limit`` are its own: ``char_limit`` and
  ``batch_size`` keep requests under them.

tarjama's own service speaks this API too, so one tarjama can use another as an engine.
"""

from __future__ import annotations

from typing import Any

from tarjama.engines.remote import tags
from tarjama.engines.remote.base import RemoteEngine, malformed
from tarjama.model import Pair


class LibreTranslateEngine(RemoteEngine):
    name = "libretranslate"
    # LibreTranslate's API carries no version number; "1" is the one it has had since 1.0.
    api_version = "1"
    form = tags.HTML
    max_texts = 1000
    max_chars = 10_000
    key_env = "LIBRETRANSLATE_API_KEY"
    key_required = False
    default_batch_size = 25

    def __init__(
        self, *, url: str = "http://localhost:5000", char_limit: int = 10_000, **options: Any
    ) -> None:
        super().__init__(url, **options)
        self.request_chars = char_limit or self.max_chars

    def _fetch_pairs(self) -> list[Pair]:
        answer = self._http.request("GET", "/languages")
        if not isinstance(answer, list) or not all(
            isinstance(lang, dict) and isinstance(lang.get("code"), str) for lang in answer
        ):
            raise malformed(self.name, "languages is not a list of {code, name, targets}")
        codes = [lang["code"] for lang in answer]
        pairs = []
        for lang in answer:
            targets = lang.get("targets")
            for target in targets if isinstance(targets, list) else codes:
                if isinstance(target, str) and target != lang["code"]:
                    pairs.append(Pair(lang["code"], target))
        return pairs

    def _translate(self, texts: list[str], pair: Pair) -> list[str]:
        body: dict[str, Any] = {
            "q": texts,
            "source": pair.source,
            "target": pair.target,
            "format": "html",
        }
        if self._key:
            body["api_key"] = self._key
        answer = self._http.request("POST", "/translate", json_body=body)
        out = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(out, list) or not all(isinstance(t, str) for t in out):
            raise malformed(self.name, "translatedText is not a list of strings")
        return [str(t) for t in out]
