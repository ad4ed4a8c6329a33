"""How models name languages: NLLB-200's FLORES-200 tokens, M2M-100's ``__xx__``, OPUS-MT's
``>>xxx<<`` target tokens; BCP-47 tags to and from them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
