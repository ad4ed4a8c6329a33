"""Checks on the target's script: the one its language is written in, not another."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping

from tarjama.qa.base import CheckContext, Hit, Severity, check
from tarjama.qa.text import primary_subtag, remove_names

_SCRIPTS: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ckb"), frozenset({"ARABIC"})),
    **dict.fromkeys(("he", "yi"), frozenset({"HEBREW"})),
    **dict.fromkeys(("ru", "uk", "bg", "be", "mk", "kk", "ky", "tg"), frozenset({"CYRILLIC"})),
    **dict.fromkeys(("hi", "mr", "ne"), frozenset({"DEVANAGARI"})),
    "el": frozenset({"GREEK"}),
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    "bn": frozenset({"BENGALI"}),
    "th": frozenset({"THAI"}),
    "ka": frozenset({"GEORGIAN"}),
    "hy": frozenset({"ARMENIAN"}),
    "am": frozenset({"ETHIOPIC"}),
}
_LATIN_LANGUAGES = frozenset(
    "en es ca gl eu ast an oc fr pt it ro de nl lb da sv no nb nn is fi et lv lt"  # noqa: SIM905
    " pl cs sk sl hr bs sq hu tr az mt ga cy br eo id ms tl vi sw af".split()
)
_MIN_SCRIPT_SHARE = 0.4
"""Below this share of the expected script, a non-Latin target is in the wrong language."""
_MAX_FOREIGN_SHARE = 0.5
"""Above this share of non-Latin letters, a Latin target from a Latin source is suspect."""


@functools.lru_cache(maxsize=4096)
def _script(letter: str) -> str:
    # The first word of a letter's Unicode name is its script ("ARABIC LETTER ALEF"), with
    # "CJK UNIFIED IDEOGRAPH-4E00" and "KATAKANA-HIRAGANA ..." cut at the hyphen.
    return re.split(r"[ -]", unicodedata.name(letter, ""), maxsplit=1)[0]


def _share(text: str, scripts: Collection[str]) -> tuple[float, int]:
    letters = len(_LETTERS.findall(text))
    if not letters:
        return 0.0, 0
    # Letters below U+0250 are Latin (ASCII, Latin-1, Extended-A and B): only the others are
    # looked up by name.
    others = _NON_LATIN_LETTERS.findall(text)
    found = letters - len(others) if "LATIN" in scripts else 0
    found += sum(_script(c) in scripts for c in others)
    return found / letters, letters


_LETTERS = re.compile(r"[^\W\d_]")
_NON_LATIN_LETTERS = re.compile(r"[^\W\d_\x00-\u024f]")


@check("wrong_script", Severity.CRITICAL)
def wrong_script(ctx: CheckContext) -> Iterator[Hit]:
    # An Arabic page showing English means the engine failed or the pair was mis-routed.
    scripts = _SCRIPTS.get(primary_subtag(ctx.target_lang))
    if scripts is None:
        return
    share, letters = _share(remove_names(ctx.target_plain, ctx.names), scripts)
    if letters and share < _MIN_SCRIPT_SHARE:
        expected = "/".join(sorted(scripts)).lower()
        yield f"only {share:.0%} of the target's letters are in the {expected} script", ""


@check("foreign_script", Severity.MAJOR)
def foreign_script(ctx: CheckContext) -> Iterator[Hit]:
    # A Latin-script target from a Latin source has no business being mostly Cyrillic or Arabic.
    if primary_subtag(ctx.target_lang) not in _LATIN_LANGUAGES:
        return
    if not _NON_LATIN_LETTERS.search(ctx.target_plain):
        return  # every letter of the target is Latin (most targets, fast)
    if _share(ctx.source_plain, {"LATIN"})[0] < 0.5:
        return
    latin, letters = _share(remove_names(ctx.target_plain, ctx.names), {"LATIN"})
    if letters >= 3 and 1 - latin > _MAX_FOREIGN_SHARE:
        yield f"{1 - latin:.0%} of the target's letters are not Latin", ""
