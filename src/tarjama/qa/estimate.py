"""A quality estimate: how likely a machine-translated sentence is to read badly, from cheap
signals and the findings, calibrated against human translations.

A segment's signals (:func:`signals`): how long the source is and how long its words are, how
many of its words are names (capitalised inside the sentence), English "-ing" forms, the share
of words the checks found left untranslated, how far the target's length strays from the
pair's norm, and, where the engine has a dictionary of the source (``Direction.readings``), how
many source words are ambiguous, may be verbs or may be nouns; optionally the chrF of a round
trip through the reverse pair. A linear model of these (:data:`MODELS`, fitted by
``bench/qa_calibrate.py`` on the FLORES-101 dev sets en->es, en->ca and en->gl with Apertium,
against each sentence's chrF with its human reference) predicts the sentence's chrF; the
estimate is the chance, given the model's error, that the chrF falls below
:data:`LOW_CHRF`. The findings the signals do not already count raise it as before
(``score.RISK_WEIGHTS``): a critical finding makes any sentence at least 0.9.

The model was fitted for English sources and Apertium; for other engines the ranking it gives
still follows the same signals, but its values are not calibrated.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tarjama.qa.base import CheckContext, Finding, Severity
from tarjama.qa.fluency import length_norm
from tarjama.qa.score import risk_score
from tarjama.qa.text import plain, primary_subtag

if TYPE_CHECKING:
    from sacrebleu.metrics.chrf import CHRF

MODELLED = frozenset({"untranslated", "length_ratio", "estimate"})
"""Checks whose findings are signals of the model, and so do not count twice; so are the minor
findings of every other check (as one signal: on the calibration sets, each alone says little
of a sentence's quality)."""

EXPLAINED_FROM = 0.5
"""The estimate from which a machine-translated sentence gets an ``estimate`` finding (info)
saying what drives it, so that no high risk comes without a finding that explains it."""

LOW_CHRF = 40.0
"""The sentence chrF the estimate gives the chance of falling below: about the lower quartile
of Apertium's sentences on the calibration sets."""


@dataclass(frozen=True)
class Model:
    """A linear model of sentence chrF: ``intercept + sum(weights[s] * signal s)``, and the
    spread of its errors on the calibration sets."""

    weights: Mapping[str, float]
    intercept: float
    spread: float
    means: Mapping[str, float] = field(default_factory=dict)
    """Each signal's mean on the calibration sets: what a sentence's signal is weighed against
    when the estimate says what drives it (:func:`explain`)."""


# Fitted by bench/qa_calibrate.py (FLORES-101 dev, en->es, en->ca, en->gl, 2,991 sentences):
# one model per set of signals available (with the source's dictionary or not, with a round
# trip or not).
MODELS: Mapping[tuple[bool, bool], Model] = {
    (False, False): Model(
        {
            "length": 4.244,
            "word_length": 4.904,
            "target_word_length": -0.862,
            "names": 5.208,
            "figures": 17.536,
            "quotes": -1.222,
            "gerunds": -23.176,
            "of_gap": -20.877,
            "untranslated": -51.766,
            "minor": -26.76,
            "length_gap": -11.696,
            "length_ratio": 12.852,
        },
        19.602,
        10.262,
        {
            "length": 3.031,
            "word_length": 4.94,
            "target_word_length": 5.05,
            "names": 0.091,
            "figures": 0.018,
            "quotes": 0.081,
            "gerunds": 0.033,
            "of_gap": 0.046,
            "untranslated": 0.022,
            "minor": 0.004,
            "length_gap": 0.086,
            "length_ratio": -0.061,
        },
    ),
    (False, True): Model(
        {
            "length": 4.196,
            "word_length": 4.83,
            "target_word_length": -0.99,
            "names": 3.601,
            "figures": 18.029,
            "quotes": -1.127,
            "gerunds": -21.925,
            "of_gap": -17.925,
            "untranslated": -55.258,
            "minor": -24.281,
            "length_gap": -11.386,
            "length_ratio": 13.921,
            "round_trip": 6.939,
        },
        15.815,
        10.239,
        {
            "length": 3.031,
            "word_length": 4.94,
            "target_word_length": 5.05,
            "names": 0.091,
            "figures": 0.018,
            "quotes": 0.081,
            "gerunds": 0.033,
            "of_gap": 0.046,
            "untranslated": 0.022,
            "minor": 0.004,
            "length_gap": 0.086,
            "length_ratio": -0.061,
            "round_trip": 0.721,
        },
    ),
    (True, False): Model(
        {
            "length": 3.38,
            "word_length": 4.548,
            "target_word_length": -0.836,
            "names": 0.441,
            "figures": 14.176,
            "quotes": -0.425,
            "gerunds": -8.878,
            "of_gap": -23.857,
            "untranslated": -52.042,
            "minor": -22.829,
            "length_gap": -12.656,
            "length_ratio": 14.947,
            "ambiguous": 12.085,
            "verbs": -30.887,
            "finite": 9.08,
            "nouns": -0.259,
            "pronouns": -6.25,
            "adverbs": -18.219,
            "prepositions": -0.238,
        },
        29.883,
        10.022,
        {
            "length": 3.031,
            "word_length": 4.94,
            "target_word_length": 5.05,
            "names": 0.091,
            "figures": 0.018,
            "quotes": 0.081,
            "gerunds": 0.033,
            "of_gap": 0.046,
            "untranslated": 0.022,
            "minor": 0.004,
            "length_gap": 0.086,
            "length_ratio": -0.061,
            "ambiguous": 0.271,
            "verbs": 0.269,
            "finite": 0.225,
            "nouns": 0.309,
            "pronouns": 0.067,
            "adverbs": 0.122,
            "prepositions": 0.163,
        },
    ),
    (True, True): Model(
        {
            "length": 3.359,
            "word_length": 4.541,
            "target_word_length": -0.937,
            "names": -0.274,
            "figures": 14.532,
            "quotes": -0.397,
            "gerunds": -9.249,
            "of_gap": -22.128,
            "untranslated": -54.141,
            "minor": -21.477,
            "length_gap": -12.478,
            "length_ratio": 15.572,
            "ambiguous": 11.882,
            "verbs": -29.037,
            "finite": 7.754,
            "nouns": 0.093,
            "pronouns": -5.157,
            "adverbs": -17.922,
            "prepositions": 0.104,
            "round_trip": 4.219,
        },
        27.086,
        10.013,
        {
            "length": 3.031,
            "word_length": 4.94,
            "target_word_length": 5.05,
            "names": 0.091,
            "figures": 0.018,
            "quotes": 0.081,
            "gerunds": 0.033,
            "of_gap": 0.046,
            "untranslated": 0.022,
            "minor": 0.004,
            "length_gap": 0.086,
            "length_ratio": -0.061,
            "ambiguous": 0.271,
            "verbs": 0.269,
            "finite": 0.225,
            "nouns": 0.309,
            "pronouns": 0.067,
            "adverbs": 0.122,
            "prepositions": 0.163,
            "round_trip": 0.721,
        },
    ),
}


# The target's words for English "of" (where a compound noun became "X de Y de Z": "Huelga de
# fin de trabajadores"), per language; elided forms ("d'Obama") count too.
_OF = {
    "es": frozenset({"de", "del"}),
    "ca": frozenset({"de", "del", "dels"}),
    "gl": frozenset({"de", "do", "da", "dos", "das"}),
    "pt": frozenset({"de", "do", "da", "dos", "das"}),
    "fr": frozenset({"de", "du", "des"}),
    "it": frozenset({"di", "del", "della", "dei", "degli", "delle"}),
}
_ELIDED_OF = (" d'", " d’")
_QUOTES = frozenset('"“”«»')
_FIGURE = re.compile(r"(?<!\S)[^\s\d]*\d")
"""A token with a figure in it ("1,300", "G20"), as far as its first figure (a match starts
only where a token does: one per token)."""


def signals(
    ctx: CheckContext, findings: Sequence[Finding], round_trip: float | None = None
) -> dict[str, float]:
    """The cheap signals of one segment, named as the models' weights."""
    source, target = ctx.source_words, ctx.target_words
    n = max(len(source), 1)
    english = primary_subtag(ctx.source_lang) == "en"
    of = _OF.get(primary_subtag(ctx.target_lang), frozenset())
    # Counts made with C-level loops (str.lower, list.count, str.count): a few per sentence.
    target_of = 0
    if of:
        lowered = list(map(str.lower, target))
        joined = " " + " ".join(lowered)  # a word that starts with "d'" follows a blank
        target_of = sum(map(lowered.count, of)) + sum(map(joined.count, _ELIDED_OF))
    untranslated = sum(f.check == "untranslated" for f in findings)
    minor = sum(1 for f in findings if f.severity is Severity.MINOR and f.check not in MODELLED)
    gap = _length_gap(ctx)
    found: dict[str, float] = {
        "length": math.log1p(len(source)),
        "word_length": sum(map(len, source)) / n,
        "target_word_length": sum(map(len, target)) / max(len(target), 1),
        "names": sum(map(str.isupper, [w[0] for w in source[1:]])) / n,
        "figures": len(_FIGURE.findall(ctx.source_plain)) / n,
        "quotes": float(not _QUOTES.isdisjoint(ctx.source_plain)),
        # a word that ends in "ing" is followed by a blank
        "gerunds": (" ".join(source) + " ").count("ing ") / n if english else 0.0,
        "of_gap": (target_of - source.count("of") - source.count("Of")) / n
        if english and of
        else 0.0,
        "untranslated": untranslated / n,
        "minor": minor / n,
        "length_gap": abs(gap),
        "length_ratio": gap,
    }
    if ctx.source_readings is not None:
        parts = ctx.source_readings(list(dict.fromkeys(source)))
        # Each distinct set of parts once: a sentence's words share a few dozen.
        known = Counter(p for p in map(parts.get, source) if p)
        m = max(known.total(), 1)
        counts: Counter[str] = Counter()
        for p, k in known.items():
            for part in p:
                counts[part] += k
        found["ambiguous"] = sum(k for p, k in known.items() if len(p) - ("finite" in p) > 1) / m
        for name, part in _PARTS.items():
            found[name] = counts[part] / m
    if round_trip is not None:
        found["round_trip"] = round_trip
    return found


_PARTS = {
    "verbs": "verb",
    "finite": "finite",
    "nouns": "noun",
    "pronouns": "pronoun",
    "adverbs": "adverb",
    "prepositions": "preposition",
}


def _length_gap(ctx: CheckContext) -> float:
    """How far log(target length / source length) is from the pair's mean (signed)."""
    source, target = len(ctx.source_squashed), len(ctx.target_squashed)
    if not source or not target:
        return 0.0
    norm = length_norm(ctx.source_lang, ctx.target_lang)
    return math.log(target / source) - (norm[0] if norm else 0.0)


def round_trip_chrf(back: str, source: str) -> float:
    """chrF (0-1) of a translation translated back (tagged text) against its source."""
    from sacrebleu.metrics.chrf import CHRF  # only for round trips

    return float(_chrf(CHRF).sentence_score(plain(back), [plain(source)]).score) / 100


@functools.cache
def _chrf(kind: type[CHRF]) -> CHRF:
    return kind()


def model_for(found: Mapping[str, float]) -> Model:
    return MODELS["ambiguous" in found, "round_trip" in found]


def predicted_chrf(found: Mapping[str, float]) -> float:
    model = model_for(found)
    return model.intercept + sum(w * found.get(k, 0.0) for k, w in model.weights.items())


def estimate(found: Mapping[str, float]) -> float:
    """The chance that the sentence's chrF against a human translation is below LOW_CHRF."""
    model = model_for(found)
    z = (LOW_CHRF - predicted_chrf(found)) / model.spread
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def segment_risk(
    ctx: CheckContext, findings: Sequence[Finding], round_trip: float | None = None
) -> float:
    """A machine translation's risk: the estimate, raised by the findings it does not count."""
    return assess(ctx, findings, round_trip)[0]


def assess(
    ctx: CheckContext, findings: Sequence[Finding], round_trip: float | None = None
) -> tuple[float, list[Finding]]:
    """A machine translation's risk (:func:`segment_risk`) and its findings, with an
    ``estimate`` finding that says what drives the estimate when it reaches EXPLAINED_FROM."""
    found = signals(ctx, findings, round_trip)
    value = estimate(found)
    others = risk_score(
        f for f in findings if f.check not in MODELLED and f.severity is not Severity.MINOR
    )
    explained = [f for f in findings if f.check != "estimate"]
    if value >= EXPLAINED_FROM:
        explained.append(Finding("estimate", Severity.INFO, explain(found, value), ctx.segment))
    return 1.0 - (1.0 - value) * (1.0 - others), explained


# What a signal says to an editor when it pulls the estimate towards a bad sentence; the
# others (figures, names, quotes...) only ever pull it the other way, or say nothing an editor
# can act on.
_REASONS = {
    "length": "a short sentence",
    "word_length": "short source words",
    "target_word_length": "long target words",
    "gerunds": 'English "-ing" forms',
    "of_gap": 'chains of "de" the source did not have',
    "untranslated": "words left untranslated",
    "minor": "the minor findings",
    "length_gap": "a length far from the pair's norm",
    "length_ratio": "a length far from the pair's norm",
    "verbs": "source words that may be verbs",
    "pronouns": "pronouns",
    "adverbs": "adverbs",
    "round_trip": "a round trip that comes back far from the source",
}
_EXPLAINED = 3
"""The strongest reasons named, at most."""


def explain(found: Mapping[str, float], value: float) -> str:
    """Why the estimate is ``value``: the signals that pull the predicted chrF down the most
    against a typical sentence of the calibration sets, strongest first."""
    model = model_for(found)
    pulls = sorted(
        (model.weights[k] * (found[k] - model.means[k]), k)
        for k in _REASONS
        if k in found and k in model.weights and k in model.means
    )
    reasons = list(dict.fromkeys(_REASONS[k] for pull, k in pulls if pull <= -1.0))
    why = ", ".join(reasons[:_EXPLAINED]) or "many small signals"
    return f"likely to read badly ({value:.0%} chance of a chrF below {LOW_CHRF:.0f}): {why}"


def text_risk(segments: Iterable[tuple[float, str]]) -> float:
    """:func:`article_risk` of segments given as ``(risk, tagged source)``."""
    return article_risk((risk, len(plain(source).split())) for risk, source in segments)


def article_risk(segments: Iterable[tuple[float, int]]) -> float:
    """An article's risk from its segments' ``(risk, words)``: the mean weighted by words, so
    that a long paragraph counts for more than a one-word caption."""
    total = weight = 0.0
    for risk, words in segments:
        total += risk * max(words, 1)
        weight += max(words, 1)
    return total / weight if weight else 0.0
