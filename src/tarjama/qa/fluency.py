"""Checks on whether the target is a translation at all: untranslated, off length, looping."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterator

from tarjama import inline
from tarjama.qa.base import CheckContext, Hit, Severity, check
from tarjama.qa.text import language_name, primary_subtag, remove_names, words

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@check("untranslated", Severity.MAJOR)
def untranslated(ctx: CheckContext) -> Iterator[Hit]:
    # A word of the source left as it was is what a reader sees first ("El recount en varios
    # wards"): the words the engine says it did not know, and the source's words the target's
    # dictionary does not know. Names, glossary terms and loanwords the target's dictionary
    # has ("online", "software") are no findings. A whole segment left as it was is one.
    if primary_subtag(ctx.source_lang) == primary_subtag(ctx.target_lang):
        return
    source = ctx.source_squashed.casefold()
    if source and source == ctx.target_squashed.casefold():
        if len(_WORD.findall(remove_names(ctx.source_plain, ctx.names))) >= 3:
            yield "the target is the untranslated source", ""
        return
    yield from _words_left(ctx)


_LEFT_BY_ENGINE = frozenset({"unknown", "untranslated"})
# Web and mail addresses, and bare domains: their parts are no words of any language.
_ADDRESS = re.compile(
    r"\S+://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|int|info|io|co|[a-z]{2})\b\S*"
)


def _words_left(ctx: CheckContext) -> Iterator[Hit]:
    text = ctx.target_plain
    marked = {word for kind, word in ctx.marks or () if kind in _LEFT_BY_ENGINE}
    candidates = set(marked)
    if ctx.target_readings is not None and ctx.marks is None:
        # an engine that does not say which words it left: the source's words in the target
        in_source = {w.casefold() for w in ctx.source_words}
        candidates.update(w for w in ctx.target_words if w.casefold() in in_source)
    # A word with a capital is a name, an acronym or a brand, kept on purpose; so are the
    # words of protected names and glossary terms, and the parts of addresses. (A marked word
    # that starts with a figure is an English one: "the 1990s".)
    candidates = {
        w for w in candidates if len(w) > 1 and (w[0].islower() or (w[0].isdigit() and w in marked))
    }
    if not candidates:
        return
    candidates -= _kept_words(ctx)
    if not candidates:
        return
    known = ctx.target_readings(sorted(candidates)) if ctx.target_readings is not None else {}
    addresses = [m.span() for m in _ADDRESS.finditer(text)] if "." in text else []
    language = language_name(ctx.source_lang)
    found = []
    for word in candidates:
        if known.get(word):
            continue  # a word of the target language too ("online", "software")
        if word not in marked and known.get(word) is None:
            continue  # the dictionary could not say
        found += [(at, word) for at in _whole_words(text, word)
                  if not any(a <= at < b for a, b in addresses)]  # fmt: skip
    for at, word in sorted(found):
        yield f"{word!r} is left in {language}", word, (at, at + len(word))


def _whole_words(text: str, word: str) -> list[int]:
    """Where ``word`` stands in ``text`` as a whole word (``re-elección`` holds ``re``)."""
    found = []
    at = inline.whole_word_at(text, word)
    while at >= 0:
        found.append(at)
        more = inline.whole_word_at(text[at + len(word) :], word)
        at = at + len(word) + more if more >= 0 else -1
    return found


def _kept_words(ctx: CheckContext) -> frozenset[str]:
    """Words the target keeps on purpose: those of protected names and of glossary terms."""
    kept = [*ctx.names, *ctx.glossary.values(), *ctx.glossary]
    return frozenset(w for text in kept for w, _ in words(text))


# The length of a human translation against its source's, per pair: the mean and spread of
# log(target characters / source characters) over the FLORES-101 dev references (997 sentences
# each). A pair not listed falls back on typical characters per character of English text.
_LENGTH_NORMS: dict[tuple[str, str], tuple[float, float]] = {
    ("en", "es"): (0.172, 0.141),
    ("en", "ca"): (0.094, 0.119),
    ("en", "gl"): (0.097, 0.121),
    ("en", "ar"): (-0.133, 0.158),
}
_LENGTH_SPREADS = 3.0
"""How many spreads from the pair's mean a target may stray before it is an outlier."""
_RELATIVE_LENGTH = {"zh": 0.3, "ja": 0.4, "ko": 0.45, "ar": 0.85, "fa": 0.9, "ur": 0.95, "he": 0.8}
_LENGTH_BAND = (0.5, 2.2)
_MIN_LENGTH = 20


def length_norm(source_lang: str, target_lang: str) -> tuple[float, float] | None:
    """The pair's mean and spread of log(target length / source length), where measured."""
    source, target = primary_subtag(source_lang), primary_subtag(target_lang)
    if (source, target) in _LENGTH_NORMS:
        return _LENGTH_NORMS[source, target]
    if (target, source) in _LENGTH_NORMS:
        mean, spread = _LENGTH_NORMS[target, source]
        return -mean, spread
    return None


@check("length_ratio", Severity.MINOR)
def length_ratio(ctx: CheckContext) -> Iterator[Hit]:
    # A target far shorter or longer than the pair's human translations has usually dropped or
    # hallucinated a clause.
    source, target = len(ctx.source_squashed), len(ctx.target_squashed)
    if source < _MIN_LENGTH or target == 0:
        return
    ratio = target / source
    norm = length_norm(ctx.source_lang, ctx.target_lang)
    if norm is not None:
        mean, spread = norm
        low, high = (math.exp(mean + k * _LENGTH_SPREADS * spread) for k in (-1, 1))
    else:
        expected = _RELATIVE_LENGTH.get(primary_subtag(ctx.target_lang), 1.0) / (
            _RELATIVE_LENGTH.get(primary_subtag(ctx.source_lang), 1.0)
        )
        low, high = (bound * expected for bound in _LENGTH_BAND)
    if not low <= ratio <= high:
        yield f"length ratio {ratio:.2f} outside {low:.2f}-{high:.2f}", f"{ratio:.2f}"


_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?¡¿-–—…"


def _loop(text: str) -> str | None:
    """The first 1- to 4-token sequence said three or more times in a row, if any."""
    tokens = [t.strip(_PUNCTUATION).casefold() or t for t in text.split()]
    for n in range(1, 5):
        # A gram at i said three times is tokens[j] == tokens[j + n] for the 2n positions
        # j = i .. i + 2n - 1: a run of 2n ones in these comparisons (made and searched in C),
        # every such i in order.
        same = bytes(map(operator.eq, tokens, tokens[n:]))
        run = b"\1" * (2 * n)
        i = same.find(run)
        while i >= 0:
            gram = tokens[i : i + n]
            if any(c.isalnum() for t in gram for c in t):
                return " ".join(gram)
            i = same.find(run, i + 1)
    return None


@check("repetition", Severity.MAJOR)
def repetition(ctx: CheckContext) -> Iterator[Hit]:
    # Neural engines fall into loops ("de la de la de la"); an emphatic source may loop too.
    found = _loop(ctx.target_plain)
    if found is not None and _loop(ctx.source_plain) is None:
        yield f"{found!r} repeated three or more times", found
