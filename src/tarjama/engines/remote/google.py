"""Google Cloud Translation v3 (REST): ``projects/{project}/locations/{location}:translateText``
and ``.../supportedLanguages``.

- Auth: an OAuth access token as ``Authorization: Bearer``, taken from the config or the
  environment (``GOOGLE_ACCESS_TOKEN``; ``gcloud auth print-access-token`` prints one, valid for
  an hour). tarjama runs no OAuth flow of its own; whatever renews the token (a sidecar, a cron
  job, a workload identity) sets the variable before tarjama starts. ``quota_project`` sends
  ``x-goog-user-project``, which user credentials need.
- Tags: ``mimeType: text/html``; placeholders are ``translate="no"`` spans (``tags.HTML``).
  Google recommends under 30,000 code points and accepts at most 1,024 texts a request.
- Glossaries: ``glossaries`` maps a pair to a glossary id (or its full resource name) in the same
  location (glossaries cannot live in ``global``); with a glossary the answer's
  ``glossaryTranslations`` are used.
"""

from __future__ import annotations

from typing import Any

from tarjama.engines.remote import tags
from tarjama.engines.remote.base import RemoteEngine, malformed
from tarjama.model import Pair


class GoogleEngine(RemoteEngine):
    name = "google"
    api_version = "v3"
    form = tags.HTML
    max_texts = 1024
    max_chars = 30_000
    key_env = "GOOGLE_ACCESS_TOKEN"
    default_batch_size = 128

    def __init__(
        self,
        *,
        project: str,
        location: str = "global",
        quota_project: str | None = None,
        url: str = "https://translation.googleapis.com",
        model: str | None = None,
        glossaries: dict[str, str] | None = None,
        **options: Any,
    ) -> None:
        self.quota_project = quota_project
        super().__init__(url, **options)
        self.parent = f"projects/{project}/locations/{location}"
        self.model = self._resource(model, "models") if model else None
        self.glossaries = {
            str(Pair.parse(pair)): self._resource(glossary, "glossaries")
            for pair, glossary in (glossaries or {}).items()
        }

    def _headers(self, key: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if self.quota_project:
            headers["x-goog-user-project"] = self.quota_project
        return headers

    def _resource(self, name: str, kind: str) -> str:
        return name if name.startswith("projects/") else f"{self.parent}/{kind}/{name}"

    def _options(self, pair: Pair) -> str:
        options = []
        if self.model:
            options.append(f"model={self.model.rpartition('/models/')[2]}")
        if str(pair) in self.glossaries:
            options.append(f"glossary={self.glossaries[str(pair)].rpartition('/')[2]}")
        return " ".join(options)

    def _fetch_pairs(self) -> list[Pair]:
        answer = self._http.request("GET", f"/v3/{self.parent}/supportedLanguages")
        languages = answer.get("languages") if isinstance(answer, dict) else None
        if not isinstance(languages, list) or not all(
            isinstance(lang, dict) and isinstance(lang.get("languageCode"), str)
            for lang in languages
        ):
            raise malformed(self.name, "supportedLanguages without a languages list")
        sources = [lang["languageCode"] for lang in languages if lang.get("supportSource")]
        targets = [lang["languageCode"] for lang in languages if lang.get("supportTarget")]
        return [Pair(s, t) for s in sources for t in targets if s != t]

    def _translate(self, texts: list[str], pair: Pair) -> list[str]:
        body: dict[str, Any] = {
            "contents": texts,
            "mimeType": "text/html",
            "sourceLanguageCode": pair.source,
            "targetLanguageCode": pair.target,
        }
        if self.model:
            body["model"] = self.model
        glossary = self.glossaries.get(str(pair))
        if glossary:
            body["glossaryConfig"] = {"glossary": glossary}
        answer = self._http.request("POST", f"/v3/{self.parent}:translateText", json_body=body)
        field = "glossaryTranslations" if glossary else "translations"
        translations = answer.get(field) if isinstance(answer, dict) else None
        if not isinstance(translations, list):
            raise malformed(self.name, f"no {field} list")
        out = [t.get("translatedText") if isinstance(t, dict) else None for t in translations]
        if not all(isinstance(t, str) for t in out):
            raise malformed(self.name, "a translation without translatedText")
        return [str(t) for t in out]
