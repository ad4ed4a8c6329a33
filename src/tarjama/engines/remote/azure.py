"""Azure AI Translator, text translation v3.0: ``POST /translate`` and ``GET /languages``.

- Auth: ``Ocp-Apim-Subscription-Key``, and ``Ocp-Apim-Subscription-Region`` for a regional or
  multi-service resource. ``url`` is the global endpoint unless configured (a resource's custom
  domain is ``https://NAME.cognitiveservices.azure.com/translator/text/v3.0``).
- Tags: ``textType=html``; placeholders are spans with ``class="notranslate"`` (``tags.HTML``).
  At most 1,000 texts and 50,000 characters a request.
- Errors: Azure's six-digit codes refine the status: 403001 is a spent free-tier quota
  (``EngineQuotaError``), not a refused key.
- ``category`` selects a Custom Translator model.
"""

from __future__ import annotations

from typing import Any

from tarjama.engines.remote import tags
from tarjama.engines.remote.base import RemoteEngine, configured, malformed
from tarjama.errors import EngineError, EngineQuotaError
from tarjama.model import Pair

API_VERSION = "3.0"


class AzureEngine(RemoteEngine):
    name = "azure"
    api_version = API_VERSION
    form = tags.HTML
    max_texts = 1000
    max_chars = 50_000
    key_env = "AZURE_TRANSLATOR_KEY"
    default_batch_size = 100

    def __init__(
        self,
        *,
        region: str | None = None,
        region_env: str = "AZURE_TRANSLATOR_REGION",
        url: str = "https://api.cognitive.microsofttranslator.com",
        category: str | None = None,
        **options: Any,
    ) -> None:
        self.region = configured(region, region_env)
        super().__init__(url, **options)
        self.category = category

    def _headers(self, key: str | None) -> dict[str, str]:
        headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        return headers

    def _error_class(self, status: int, body: Any, message: str) -> type[EngineError] | None:
        """Azure's six-digit codes refine the status: 403001 is a spent free-tier quota."""
        error = body.get("error") if isinstance(body, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        return EngineQuotaError if code == 403001 else None

    def _options(self, pair: Pair) -> str:
        return f"category={self.category}" if self.category else ""

    def _fetch_pairs(self) -> list[Pair]:
        answer = self._http.request(
            "GET", "/languages", params={"api-version": API_VERSION, "scope": "translation"}
        )
        languages = answer.get("translation") if isinstance(answer, dict) else None
        if not isinstance(languages, dict) or not languages:
            raise malformed(self.name, "languages without a translation table")
        codes = [str(code) for code in languages]
        return [Pair(s, t) for s in codes for t in codes if s.split("-")[0] != t.split("-")[0]]

    def _translate(self, texts: list[str], pair: Pair) -> list[str]:
        category = {"category": self.category} if self.category else {}
        params = {"api-version": API_VERSION, "from": pair.source, "to": pair.target,
                  "textType": "html", **category}  # fmt: skip
        answer = self._http.request(
            "POST", "/translate", params=params, json_body=[{"Text": t} for t in texts]
        )
        if not isinstance(answer, list):
            raise malformed(self.name, "translate did not answer a list")
        out: list[str] = []
        for item in answer:
            translations = item.get("translations") if isinstance(item, dict) else None
            first = translations[0] if isinstance(translations, list) and translations else None
            text = first.get("text") if isinstance(first, dict) else None
            if not isinstance(text, str):
                raise malformed(self.name, "an item without translations[0].text")
            out.append(text)
        return out
