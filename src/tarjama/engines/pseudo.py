"""Pseudo-localisation: a stand-in engine for checking layout without a real one.

Every letter outside tags is swapped for an accented look-alike, each word is lengthened by about
a third (translations into Romance languages run 20-30% longer than English), and each segment is
bracketed with markers, so a reader page shows at once where text was not sent through the engine,
where it was cut and where the layout breaks. Tags pass through untouched.
"""

from __future__ import annotations

import re

from tarjama import inline
from tarjama.engines.base import BatchEngine
from tarjama.model import Pair

_ACCENTS = str.maketrans(
    "aceinorsuyACEINORSUYdDgGlLtTzZ",
    "àçéîñøŕšüýÀÇÉÎÑØŔŠÜÝðÐĝĜļĻţŢžŽ",
)
_WORD = re.compile(r"\w+")
_LANGS = ("en", "es", "ca", "gl", "fr", "pt", "de", "it", "ar")


def _pseudo_word(m: re.Match[str]) -> str:
    word = m.group()
    extra = "~" * ((len(word) + 2) // 3) if word.isalpha() else ""
    return word.translate(_ACCENTS) + extra


class PseudoEngine(BatchEngine):
    """Deterministic pseudo-translation into any of a fixed set of target codes."""

    name = "pseudo"

    def version(self) -> str:
        return "1"

    def model_for(self, pair: Pair) -> str:
        return "pseudo-localisation"

    def pairs(self) -> list[Pair]:
        return [Pair("en", t) for t in _LANGS if t != "en"]

    def translate_list(self, texts: list[str], pair: Pair) -> list[str]:
        return [self._one(t) for t in texts]

    @staticmethod
    def _one(tagged: str) -> str:
        tokens = inline.parse(tagged)
        out: list[inline.Token] = [
            inline.Text(_WORD.sub(_pseudo_word, t.text)) if isinstance(t, inline.Text) else t
            for t in tokens
        ]
        return "⟦" + inline.render(out) + "⟧"
