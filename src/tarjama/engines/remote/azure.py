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
from tarjama.engines.remote.http import HttpClient, RetryPolicy
from tarjama.errors import EngineError, EngineQuotaError
from tarjama.model import Pair

API_VERSION = "3.0"


def _classify(status: int, body: Any, message: str) -> type[EngineError] | None:
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if code == 403001:
        return EngineQuotaError
    return None


class AzureEngine(RemoteEngine):
    name = "azure"
    api_version = API_VERSION
    form = tags.HTML
    max_texts = 1000
    max_chars = 50_000
    key_env = "AZURE_TRANSLATOR_KEY"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        api_key_env: str = "AZURE_TRANSLATOR_KEY",
        region: str | None = None,
        region_env: str = "AZURE_TRANSLATOR_REGION",
        url: str = "https://api.cognitive.microsofttranslator.com",
        category: str | None = None,
        batch_size: int = 100,
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
        retry_after_cap: float = 30.0,
    ) -> None:
        key = configured(api_key, api_key_env)
        region = configured(region, region_env)
        headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
        if region:
            headers["Ocp-Apim-Subscription-Region"] = region
        http = HttpClient(
            self.name,
            url,
            headers=headers,
            secrets=[key],
            policy=RetryPolicy(timeout, retries, backoff, retry_after_cap),
            classify=_classify,
        )
        super().__init__(http, key, api_key_env, batch_size)
        self.category = category

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
        params = {
            "api-version": API_VERSION,
            "from": pair.source,
            "to": pair.target,
            "textType": "html",
        }
        if self.category:
            params["category"] = self.category
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
