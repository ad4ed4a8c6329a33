"""A small, honest language guesser for ``/detect``: writing system, then common words.

It is not a language identifier. It only chooses among the source languages the engine has
installed, in two steps: the text's dominant script rules out languages written in another one;
then each remaining language scores the share of the text's words found in its list of very
common words (articles, prepositions, pronouns). Confidence is that language's share of all the
evidence, in percent as LibreTranslate gives it (100: only this language's words were found).
With no evidence, it answers like LibreTranslate does: the first candidate with confidence 0.
Short texts give weak evidence; so do closely related languages (Spanish, Galician, Portuguese).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

COMMON_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in is was that for on it with as he she they at by this from but "
        "be are have has had not or an which you we his her their will would been were said "
        "who its after over about more than into there what when also",
        "es": "el la los las de del y en que un una por con para es se no lo al como más pero "
        "sus su fue este esta ha han le les ya muy también sobre entre desde hasta cuando "
        "porque son está están hay dijo uno otro todos",
        "ca": "el la els les de del dels i en que un una per amb és es no ho al als com més "
        "però seu seva va van aquest aquesta ha han li ja molt també sobre entre des fins "
        "quan perquè són està hi dit",
        "gl": "o a os as de do da dos das e en que un unha por con para é se non o ao aos como "
        "máis pero seu súa foi este esta ten xa moi tamén sobre entre desde ata cando porque "
        "son está hai dixo co coa polo pola nun nunha",
        "pt": "o a os as de do da dos das e em que um uma por com para é se não ao aos como "
        "mais mas seu sua foi este esta tem já muito também sobre entre desde até quando "
        "porque são está há disse no na nos nas pelo pela",
        "fr": "le la les de des du et en que un une pour avec est se ne pas au aux comme plus "
        "mais son sa ses été ce cette il elle ils a ont déjà très aussi sur entre depuis "
        "quand parce sont dans qui",
        "it": "il lo la i gli le di del della e in che un una per con è si non al come più ma "
        "suo sua stato questo questa ha hanno già molto anche su tra fra da quando perché "
        "sono nel nella",
        "de": "der die das den dem des und in zu ist nicht ein eine einen mit für auf im sich "
        "es sie er auch als an dass wie bei von aus nach wird werden hat haben war noch",
        "nl": "de het een en van in is dat op te zijn voor met niet aan er als bij ook door "
        "maar om naar dan nog wel geen hij zij was werd heeft",
        "ar": "في من على إلى أن عن مع هذا هذه التي الذي كان قد لا ما هو هي بين بعد",
    }.items()
}

_SCRIPTS = {"ar": "ARABIC", "ru": "CYRILLIC", "uk": "CYRILLIC", "bg": "CYRILLIC", "el": "GREEK"}


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    for script in ("LATIN", "ARABIC", "CYRILLIC", "GREEK", "HEBREW", "CJK", "DEVANAGARI"):
        if name.startswith(script):
            return script
    return "OTHER"


def _common(lang: str) -> frozenset[str]:
    return COMMON_WORDS.get(lang.split("-")[0], frozenset())


def dominant_script(text: str) -> str:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = _script(char)
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else "LATIN"


def detect(text: str, candidates: Iterable[str]) -> list[dict[str, float | str]]:
    """Candidates that fit the text, best first, as ``[{"confidence": .., "language": ..}]``."""
    langs = list(dict.fromkeys(candidates))
    if not langs:
        return [{"confidence": 0.0, "language": "en"}]
    script = dominant_script(text)
    fitting = [lang for lang in langs if _SCRIPTS.get(lang.split("-")[0], "LATIN") == script]
    words = [w.lower() for w in _WORD.findall(text)]
    scores = {
        lang: sum(1 for w in words if w in COMMON_WORDS.get(lang.split("-")[0], ()))
        for lang in fitting
    }
    total = sum(scores.values())
    if total == 0:
        fallback = fitting[0] if fitting else langs[0]
        return [{"confidence": 0.0, "language": fallback}]
    ranked = sorted((lang for lang in fitting if scores[lang]), key=lambda lang: -scores[lang])
    return [
        {"confidence": round(100.0 * scores[lang] / total, 1), "language": lang} for lang in ranked
    ]
