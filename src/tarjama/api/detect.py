"""Language identification for ``/detect`` and ``source=auto``, with py3langid.

py3langid (a maintained fork of langid.py) is a naive Bayes classifier over byte n-grams whose
probabilities are calibrated for the text's length: a long sentence gets a confident answer, a
word or two an uncertain one ("Hi" gets 6% for each language). Its model knows about 140 languages,
Galician among them; lingua, the other maintained choice, has no Galician (it called Galician
sentences Portuguese) and weighs 100 MB installed against py3langid's 4.4 MB. py3langid is
imported and its model loaded on the first detection, not before: about 0.3 s and 0.6 s, and
80 MB of memory from then on; a detection then takes 0.05 ms for a sentence, 0.4 ms for a
500-word article (``bench/detect.py``).

The text is ranked among the installed source languages and :data:`REFERENCE`, the languages a
newsroom's text is most often in. The reference set is there so that a text in a language no
engine has (French, Arabic) puts its weight on that language and none of the installed ones
gets much confidence, instead of being forced onto the nearest installed one. Each installed
source language is reported with its probability in percent, as LibreTranslate reports
confidence, best first. ``source=auto`` takes the best one only when its confidence reaches the
``detect_threshold`` setting, 80 by default: on FLORES-101 dev and newstest2013 in en, es, ca
and gl (and Arabic as a language no engine has), 80 took 97% of whole sentences, none wrongly,
85% of their 8-word and 55% of their 4-word beginnings, and at most 3 texts of 7,000 wrongly at
any length; 70 wrongly took up to 8 (``bench/detect.py``).
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

REFERENCE = ("ar", "ca", "de", "en", "es", "fr", "gl", "it", "ja", "nl", "pl", "pt", "ro", "ru",
             "tr", "zh")  # fmt: skip
"""Languages every text is also ranked against, installed or not (see the module docstring)."""

# py3langid scales a text's n-gram scores by its length, and its cost grows with it; this many
# characters decide a language as well as the whole article does.
_MAX_CHARS = 4000
_TAG = re.compile(r"<[^>]*>")
_lock = threading.Lock()
_base: Any = None


def _model() -> Any:
    """The classifier over all the model's languages, loaded once (py3langid is imported here,
    so that only a caller that detects pays for it)."""
    global _base
    with _lock:
        if _base is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _base = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _base


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> Any:
    # set_languages replaces the copy's attributes with a slice of the model: the shared
    # model stays whole, and ranking only reads.
    identifier = copy.copy(_model())
    identifier.set_languages(list(languages))
    return identifier


def known_languages() -> frozenset[str]:
    """The languages the model can tell apart."""
    return frozenset(_model().labels)


def detect(text: str, candidates: Iterable[str], *, html: bool = False) -> list[dict[str, Any]]:
    """The candidates the model knows, best first, as LibreTranslate's
    ``[{"confidence": percent, "language": code}]``; ``html``: markup is not the language's.

    With no candidate the model knows, the first candidate with confidence 0, as LibreTranslate
    answers when it cannot tell."""
    langs = list(dict.fromkeys(candidates))
    if not langs:
        return [{"confidence": 0.0, "language": "en"}]
    known = known_languages()
    primary: dict[str, str] = {}
    for lang in langs:
        primary.setdefault(lang.split("-")[0].lower(), lang)
    primary = {p: lang for p, lang in primary.items() if p in known}
    if not primary:
        return [{"confidence": 0.0, "language": langs[0]}]
    if html:
        text = _TAG.sub(" ", text)
    ranking = _identifier(tuple(sorted(set(REFERENCE) | set(primary)))).rank(text[:_MAX_CHARS])
    found = [
        {"confidence": round(100.0 * float(p), 1), "language": primary[code]}
        for code, p in ranking
        if code in primary
    ]
    # Ties (a text with no evidence at all) keep the candidates' order.
    return sorted(found, key=lambda d: (-d["confidence"], langs.index(d["language"])))
