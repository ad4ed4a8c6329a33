"""DeepL API v2: ``POST /v2/translate`` (JSON), ``GET /v2/languages``.

- Key: header ``Authorization: DeepL-Auth-Key KEY``; keys ending in ``:fx`` belong to the free
  plan, served at api-free.deepl.com. 456 means the plan's character quota is spent.
- Tags: ``tag_handling=xml``; ``x`` is an ignored tag (a placeholder's words are read, never
  translated) and neither ``x`` nor ``g`` splits a sentence (they are inline markup, not
  structure). Up to 50 texts a request, and at most 128 KiB of body.
- Languages: DeepL's codes are upper case, and English and Portuguese targets need a variant
  (``EN-GB``/``EN-US``, ``PT-PT``/``PT-BR``): tarjama's ``en`` and ``pt`` targets go to the
  variant ``target_variants`` names (``en-GB`` and ``pt-PT`` unless configured), and the
  variants are pairs of their own (``en-pt-BR``).
- Glossaries belong to one language pair in DeepL, so ``glossaries`` maps a pair to its id.
"""

from __future__ import annotations

from typing import Any

from tarjama.engines.remote import tags
from tarjama.engines.remote.base import RemoteEngine, malformed
from tarjama.model import Pair

PRO_URL = "https://api.deepl.com"
FREE_URL = "https://api-free.deepl.com"
DEFAULT_VARIANTS = {"en": "en-GB", "pt": "pt-PT"}


def to_deepl(code: str) -> str:
    """BCP-47 -> DeepL: ``pt-BR`` -> ``PT-BR``, ``zh-Hans`` -> ``ZH-HANS``."""
    return code.upper()


def from_deepl(code: str) -> str:
    """DeepL -> BCP-47: ``EN-GB`` -> ``en-GB``, ``ZH-HANT`` -> ``zh-Hant``, ``ES-419`` kept."""
    lang, *subtags = code.split("-")
    out = [lang.lower()]
    for sub in subtags:
        out.append(sub.title() if len(sub) == 4 and sub.isalpha() else sub.upper())
    return "-".join(out)


class DeepLEngine(RemoteEngine):
    name = "deepl"
    api_version = "v2"
    form = tags.XML
    max_texts = 50
    max_chars = 30_000  # the body limit is 128 KiB; 30,000 characters stay under it in any script
    key_env = "DEEPL_AUTH_KEY"
    default_batch_size = 50

    def __init__(
        self,
        *,
        url: str | None = None,
        formality: str | None = None,
        glossaries: dict[str, str] | None = None,
        target_variants: dict[str, str] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(url, **options)
        self.formality = formality
        self.glossaries = {str(Pair.parse(k)): v for k, v in (glossaries or {}).items()}
        variants = DEFAULT_VARIANTS if target_variants is None else target_variants
        self.target_variants = dict(variants)

    def _endpoint(self, url: str | None, key: str | None) -> str:
        """Keys ending in ``:fx`` belong to the free plan, served at its own address."""
        return url or (FREE_URL if key and key.endswith(":fx") else PRO_URL)

    def _headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"DeepL-Auth-Key {key}"} if key else {}

    def _target(self, pair: Pair) -> str:
        return to_deepl(self.target_variants.get(pair.target, pair.target))

    def _options(self, pair: Pair) -> str:
        options = []
        if pair.target in self.target_variants:
            options.append(f"target={self._target(pair)}")
        if self.formality:
            options.append(f"formality={self.formality}")
        if str(pair) in self.glossaries:
            options.append(f"glossary={self.glossaries[str(pair)]}")
        return " ".join(options)

    def _languages(self, kind: str) -> list[str]:
        answer = self._http.request("GET", "/v2/languages", params={"type": kind})
        if not isinstance(answer, list):
            raise malformed(self.name, f"languages ({kind}) is not a list")
        codes = [item.get("language") for item in answer if isinstance(item, dict)]
        if not codes or not all(isinstance(c, str) for c in codes):
            raise malformed(self.name, f"languages ({kind}) without language codes")
        return [str(c) for c in codes]

    def _fetch_pairs(self) -> list[Pair]:
        sources = {from_deepl(c).split("-")[0] for c in self._languages("source")}
        deepl_targets = set(self._languages("target"))
        targets = {from_deepl(c) for c in deepl_targets}
        targets |= {
            base
            for base, variant in self.target_variants.items()
            if to_deepl(variant) in deepl_targets
        }
        return [Pair(s, t) for s in sources for t in targets if t.split("-")[0] != s]

    def _translate(self, texts: list[str], pair: Pair) -> list[str]:
        body: dict[str, Any] = {
            "text": texts,
            "source_lang": to_deepl(pair.source),
            "target_lang": self._target(pair),
            "tag_handling": "xml",
            "ignore_tags": ["x"],
            "non_splitting_tags": ["x", "g"],
        }
        if self.formality:
            body["formality"] = self.formality
        if str(pair) in self.glossaries:
            body["glossary_id"] = self.glossaries[str(pair)]
        answer = self._http.request("POST", "/v2/translate", json_body=body)
        translations = answer.get("translations") if isinstance(answer, dict) else None
        if not isinstance(translations, list):
            raise malformed(self.name, "no translations list")
        out = [t.get("text") if isinstance(t, dict) else None for t in translations]
        if not all(isinstance(t, str) for t in out):
            raise malformed(self.name, "a translation without text")
        return [str(t) for t in out]
