"""Scoring translations against a human reference: BLEU, chrF, number and copy fidelity, and
line by line against the raw engine.

Everything works on line-aligned plain text (one segment per line), the form of WMT and FLORES
test sets. ``evaluate`` translates a source file twice in one run, with the raw engine and with
tarjama's full pipeline, so the two can be compared on the same machine and engine (or against
a file of the raw engine's output made elsewhere: ``baseline``).

**Lines better and worse.** A corpus score can rise while many lines get worse. Each line the
pipeline changes is scored alone (sentence chrF against its reference) with and without the
change: better, worse, or neither. With ``per_step``, the pipeline runs again without each of
tarjama's own steps (``tarjama.steps``), and each step is shown by the lines it changes: those it
makes better and worse than the pipeline without it, and how the pipeline without it compares
with the raw engine. A step that makes more lines worse than better shows at once.

Two measures beyond BLEU and chrF say whether a translation keeps what a newsroom must not lose:

- **Number fidelity**: of the numbers written in digits in the source, the share whose *value*
  the output has. Source numbers are read in the source locale ("1,300" is 1300 in English),
  output numbers in the target locale (Spanish "1.300" and "1300" are 1300, "2,5" is 2.5). A
  token that is not a valid number in the target locale (English "2.5" left as is in Spanish
  text) is read as the integer its digits spell (25): a Spanish reader does not read it as 2.5,
  so it does not count as that number.
- **Copy fidelity**: of the capitalised words (names, acronyms, hyphenated names) and numbers of
  the source that the human reference kept verbatim, the share the output also has. Words match
  as whole words, case-sensitively; numbers match by value as above. The first word of a line is
  left out when it is not in the reference (it is then likely capitalised only because it starts
  the sentence). An English possessive ("Obama's") counts as the name ("Obama").

Both count occurrences (multisets) line by line: a number that occurs twice in the source must
occur twice in the output.
"""

from __future__ import annotations

import html
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal

from tarjama import inline, steps
from tarjama.engines.base import Engine
from tarjama.errors import InputError, LanguageError
from tarjama.model import Pair, SegmentResult, Status, Translation
from tarjama.pipeline import Translator, line_text

# A number written in digits, with the group and decimal separators of any of our locales; not
# when it is glued to a preceding letter ("G20", "MP3", "v1.2": those are words).
PROGRESS_CHUNK = 100
"""Lines per engine call when :func:`evaluate` reports progress."""

_NUMBER = re.compile(r"(?<![^\W_])(?<![^\W_][.,])\d+(?:[.,\u00a0\u202f]\d+)*")
# A word: letters and digits, with inner hyphens and apostrophes ("Saint-Etienne", "O'Brien").
_WORD = re.compile(r"(?<![\w'’-])[^\W\d_][^\W_]*(?:[-'’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_NON_DIGIT = re.compile(r"\D")


class Score(NamedTuple):
    """hits of total; ``ratio`` is 1.0 when there was nothing to keep."""

    hits: int
    total: int
    ratio: float

    @classmethod
    def of(cls, hits: int, total: int) -> Score:
        return cls(hits, total, hits / total if total else 1.0)


@dataclass(frozen=True)
class SystemScores:
    """One system's scores on a test set, and how long it took to translate it."""

    name: str
    bleu: float
    chrf: float
    number_fidelity: Score
    copy_fidelity: Score
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["number_fidelity"] = self.number_fidelity._asdict()
        data["copy_fidelity"] = self.copy_fidelity._asdict()
        return data


@dataclass(frozen=True)
class QualityScores:
    """How well the pipeline's risk and checks see what the human reference shows."""

    risk_chrf: float
    """Spearman's rank correlation between each line's risk and its chrF: the more negative,
    the better the risk predicts a bad sentence."""
    untranslated_recall: Score
    untranslated_precision: Score
    """See :func:`untranslated_detection`."""
    needs_review: Score
    """Lines whose risk reaches the review threshold (or with a critical finding)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "risk_chrf": self.risk_chrf,
            "untranslated_recall": self.untranslated_recall._asdict(),
            "untranslated_precision": self.untranslated_precision._asdict(),
            "needs_review": self.needs_review._asdict(),
        }


@dataclass(frozen=True)
class Lines:
    """Of the lines one system's output changes from another's, those whose sentence chrF
    against the reference rose (``better``) and fell (``worse``)."""

    changed: int
    better: int
    worse: int


@dataclass(frozen=True)
class StepReport:
    """One of tarjama's steps: what the pipeline does without it, and what it does."""

    step: str
    without: SystemScores
    """The pipeline with every other step."""
    without_vs_raw: Lines
    """The pipeline without the step, line by line against the raw engine."""
    own: Lines
    """The lines the step changes: better and worse than the pipeline without it."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "without": self.without.to_dict(),
            "without_vs_raw": asdict(self.without_vs_raw),
            "own": asdict(self.own),
        }


@dataclass(frozen=True)
class Report:
    """The raw engine and the full pipeline on the same lines, in one run."""

    source: str
    target: str
    engine: str
    lines: int
    raw: SystemScores
    pipeline: SystemScores
    raw_outputs: tuple[str, ...]
    pipeline_outputs: tuple[str, ...]
    vs_raw: Lines
    """The pipeline against the raw engine (or the baseline), line by line."""
    quality: QualityScores | None = None
    segments: tuple[SegmentResult | None, ...] = ()
    """The pipeline's segment of each line (None for a blank line), with risk and findings."""
    steps: tuple[StepReport, ...] = ()
    """With ``per_step``: each step, in the pipeline's order."""
    without: tuple[str, ...] = ()
    """The steps the pipeline ran without."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "target": self.target,
            "engine": self.engine,
            "lines": self.lines,
            "raw": self.raw.to_dict(),
            "pipeline": self.pipeline.to_dict(),
            "quality": self.quality.to_dict() if self.quality else None,
            "vs_raw": asdict(self.vs_raw),
        }
        if self.without:
            data["without"] = list(self.without)
        if self.steps:
            data["steps"] = {s.step: s.to_dict() for s in self.steps}
        return data


# --- numbers --------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise LanguageError(f"unknown language {lang!r}: no number conventions for it") from exc


def number_value(token: str, lang: str) -> Decimal:
    """The value of a number written in digits as a reader of ``lang`` reads it; a token that is
    not a valid number there is read as the integer its digits spell."""
    text = token.replace("\u202f", "\u00a0")
    try:
        value = parse_decimal(text, locale=_locale(lang), strict=True)
        if isinstance(value, Decimal):
            return value
    except (NumberFormatError, InvalidOperation):
        pass
    return Decimal(_NON_DIGIT.sub("", token))


def numbers(text: str, lang: str) -> Counter[Decimal]:
    """The values of the numbers written in digits in ``text`` (with their counts)."""
    return Counter(number_value(t, lang) for t in _NUMBER.findall(text))


_ROMAN = re.compile(r"\b[IVXLC]{2,}\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_numerals(text: str) -> Counter[Decimal]:
    """Values of Roman numerals in a translation: "the 19th century" is "el siglo XIX" in
    Spanish, the same value written another way. Only I, V, X, L, C, two letters or more, so
    that acronyms (DC, MD) and the pronoun "I" are not read as numbers."""
    values: Counter[Decimal] = Counter()
    for token in _ROMAN.findall(text):
        digits = [_ROMAN_VALUES[c] for c in token]
        total = sum(-d if d < n else d for d, n in zip(digits, [*digits[1:], 0], strict=True))
        if total > 0:
            values[Decimal(total)] += 1
    return values


def number_fidelity(
    sources: Sequence[str], outputs: Sequence[str], target_lang: str, source_lang: str = "en"
) -> Score:
    """The share of the source's numbers (by value, occurrence by occurrence) in the output."""
    _check_aligned(("source", sources), ("output", outputs))
    hits = total = 0
    for src, out in zip(sources, outputs, strict=True):
        wanted = numbers(src, source_lang)
        got = numbers(out, target_lang) + roman_numerals(out)
        total += sum(wanted.values())
        hits += sum(min(n, got[v]) for v, n in wanted.items())
    return Score.of(hits, total)


# --- copied words ---------------------------------------------------------------------------


def capitalised_words(text: str) -> list[str]:
    """Words that start with an upper-case letter (names, acronyms), possessives removed."""
    return [_POSSESSIVE.sub("", w) for w in _WORD.findall(text) if w[0].isupper()]


def _word_count(word: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w]|-\w)", text))


def _first_word(text: str) -> str | None:
    m = _WORD.search(text)
    return _POSSESSIVE.sub("", m.group()) if m else None


def copy_fidelity(
    sources: Sequence[str],
    references: Sequence[str],
    outputs: Sequence[str],
    target_lang: str,
    source_lang: str = "en",
) -> Score:
    """Of the source's capitalised words and numbers that the reference kept verbatim, the
    share the output also has (see the module docstring). HTML entities in the reference and
    the output (``&#39;`` from engines run in HTML mode) are unescaped first."""
    _check_aligned(("source", sources), ("reference", references), ("output", outputs))
    hits = total = 0
    for src, ref, out in zip(sources, references, outputs, strict=True):
        ref, out = html.unescape(ref), html.unescape(out)
        words = Counter(capitalised_words(src))
        first = _first_word(src)
        if first and words[first] and not _word_count(first, ref):
            words[first] -= 1
        for word, n in words.items():
            kept = min(n, _word_count(word, ref))
            if kept > 0:
                total += kept
                hits += min(kept, _word_count(word, out))
        wanted = numbers(src, source_lang)
        in_ref = numbers(ref, target_lang)
        got = numbers(out, target_lang)
        for value, n in wanted.items():
            kept = min(n, in_ref[value])
            total += kept
            hits += min(kept, got[value])
    return Score.of(hits, total)


# --- BLEU and chrF --------------------------------------------------------------------------


def bleu_chrf(outputs: Sequence[str], references: Sequence[str]) -> tuple[float, float]:
    """Corpus BLEU and chrF with sacrebleu's defaults."""
    import sacrebleu

    _check_aligned(("output", outputs), ("reference", references))
    refs = [list(references)]
    bleu = float(sacrebleu.corpus_bleu(list(outputs), refs).score)
    chrf = float(sacrebleu.corpus_chrf(list(outputs), refs).score)
    return bleu, chrf


# --- the quality estimate and the checks against the reference ---------------------------------


def _ranks(values: Sequence[float]) -> list[float]:
    """Each value's rank (1 = smallest), ties sharing the mean of their ranks."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation of two aligned sequences (0.0 when either is constant)."""
    _check_aligned(("x", xs), ("y", ys))
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / math.sqrt(vx * vy) if vx and vy else 0.0


def sentence_chrf(outputs: Sequence[str], references: Sequence[str]) -> list[float]:
    """Each line's chrF against its reference (sacrebleu's defaults)."""
    from sacrebleu.metrics.chrf import CHRF

    _check_aligned(("output", outputs), ("reference", references))
    metric = CHRF()
    return [
        float(metric.sentence_score(o, [r]).score) for o, r in zip(outputs, references, strict=True)
    ]


_MARKED_WORD = re.compile(r"\w+(?:['’]\w+)*")


def untranslated_detection(
    marked: Sequence[Sequence[str]],
    references: Sequence[str],
    translations: Sequence[SegmentResult | None],
) -> tuple[Score, Score]:
    """How the ``untranslated`` check finds the words a reader sees left in the source language.

    A line *keeps an untranslated word* when a word the raw engine marked unknown or
    untranslated on it (``marked``) stands in the pipeline's output, the human reference does
    not have it (in any case), and it is no word of a name the pipeline protected (those are
    kept on purpose, and are no findings). Recall: of the lines that keep one, the share with
    an ``untranslated`` finding naming one of them. Precision: of the lines with an
    ``untranslated`` finding, the share that keep one."""
    _check_aligned(("marked", marked), ("reference", references), ("output", translations))
    keep = hits = flagged = right = 0
    for words, reference, segment in zip(marked, references, translations, strict=True):
        if segment is None:
            continue
        output = set(_MARKED_WORD.findall(inline.plain(segment.target)))
        in_reference = {w.casefold() for w in _MARKED_WORD.findall(reference)}
        names = {w for name in segment.names for w in _MARKED_WORD.findall(name)}
        kept = {w for w in words if w in output and w.casefold() not in in_reference} - names
        named = {f.evidence for f in segment.findings if f.check == "untranslated"}
        keep += bool(kept)
        hits += bool(kept & named)
        flagged += bool(named)
        right += bool(named and kept)
    return Score.of(hits, keep), Score.of(right, flagged)


# --- line by line ---------------------------------------------------------------------------


def compare_lines(base: Sequence[str], outputs: Sequence[str], references: Sequence[str]) -> Lines:
    """The lines ``outputs`` changes from ``base``, and of those the ones whose sentence chrF
    against the reference (sacrebleu's defaults) rose and fell."""
    import sacrebleu

    _check_aligned(("base", base), ("output", outputs), ("reference", references))
    changed = better = worse = 0
    for was, now, ref in zip(base, outputs, references, strict=True):
        if was == now:
            continue
        changed += 1
        delta = (
            sacrebleu.sentence_chrf(now, [ref]).score - sacrebleu.sentence_chrf(was, [ref]).score
        )
        better += delta > 0
        worse += delta < 0
    return Lines(changed, better, worse)


# --- one run: raw engine and pipeline -------------------------------------------------------


def _check_aligned(*named: tuple[str, Sequence[object]]) -> None:
    (first_name, first), *rest = named
    for name, lines in rest:
        if len(lines) != len(first):
            raise InputError(
                f"{first_name} has {len(first)} lines but {name} has {len(lines)}; "
                "they must be line-aligned (one segment per line)"
            )


def translate_raw(engine: Engine, lines: Sequence[str], pair: Pair) -> list[str]:
    """The engine alone: each line escaped, translated, tags removed; blank lines stay blank."""
    return translate_raw_marked(engine, lines, pair)[0]


def translate_raw_marked(
    engine: Engine, lines: Sequence[str], pair: Pair
) -> tuple[list[str], list[list[str]]]:
    """``translate_raw``, and each line's words the engine marked unknown or untranslated."""
    todo = [i for i, line in enumerate(lines) if line.strip()]
    results = engine.direction(pair).translate([inline.escape_text(lines[i]) for i in todo])
    outputs = [""] * len(lines)
    marked: list[list[str]] = [[] for _ in lines]
    for i, result in zip(todo, results, strict=True):
        outputs[i] = inline.plain(result.text)
        marked[i] = [
            inline.plain(result.text[m.start : m.end])
            for m in result.marks or ()
            if m.kind in ("unknown", "untranslated")
        ]
    return outputs, marked


def score(
    name: str,
    sources: Sequence[str],
    references: Sequence[str],
    outputs: Sequence[str],
    pair: Pair,
    seconds: float,
) -> SystemScores:
    bleu, chrf = bleu_chrf(outputs, references)
    return SystemScores(
        name=name,
        bleu=bleu,
        chrf=chrf,
        number_fidelity=number_fidelity(sources, outputs, pair.target, pair.source),
        copy_fidelity=copy_fidelity(sources, references, outputs, pair.target, pair.source),
        seconds=seconds,
    )


def evaluate(
    src_lines: Sequence[str],
    ref_lines: Sequence[str],
    target: str,
    engine: Engine,
    *,
    source: str = "en",
    limit: int | None = None,
    review_thresholds: Mapping[str, float] | None = None,
    without: Sequence[str] = (),
    per_step: bool = False,
    baseline: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Translate ``src_lines`` with the raw engine and with the full pipeline, and score both
    against ``ref_lines``; and how well the pipeline's risk and ``untranslated`` findings see
    what the reference shows (:class:`QualityScores`). ``limit`` keeps the first N lines of
    each.

    ``without`` names steps the pipeline skips (``tarjama.steps``); ``per_step`` runs it once
    more without each of its other steps. ``baseline`` is the raw engine's output made elsewhere
    (``apertium -u``, line-aligned): the pipeline is then compared with it, not with a raw run
    (the raw engine still runs, for the words it marks). ``progress`` is called with the number
    of lines each system has just translated (twice the lines in all), the lines then going in
    chunks of :data:`PROGRESS_CHUNK`; without it, all at once."""
    _check_aligned(("source", src_lines), ("reference", ref_lines))
    if baseline is not None:
        _check_aligned(("source", src_lines), ("baseline", baseline))
    kept = steps.chosen(without)
    if limit is not None:
        if limit < 1:
            raise InputError(f"limit must be at least 1, not {limit}")
        src_lines, ref_lines = src_lines[:limit], ref_lines[:limit]
        baseline = baseline[:limit] if baseline is not None else None
    if not any(line.strip() for line in src_lines):
        raise InputError("the source has no text to translate")
    pair = Pair(source, target)
    direction = engine.direction(pair)
    engine.translate_batch(["Warm-up."], pair)  # start the engine's processes outside the timing

    size = PROGRESS_CHUNK if progress is not None else len(src_lines)
    chunks = [src_lines[i : i + size] for i in range(0, len(src_lines), size)]
    raw: list[str] = []
    marked: list[list[str]] = []
    started = time.perf_counter()
    for chunk in chunks:
        chunk_raw, chunk_marked = translate_raw_marked(engine, chunk, pair)
        raw += chunk_raw
        marked += chunk_marked
        if progress is not None:
            progress(len(chunk))
    raw_seconds = time.perf_counter() - started
    if baseline is not None:
        raw, raw_seconds = list(baseline), 0.0

    def run(
        off: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> tuple[list[Translation], float]:
        started = time.perf_counter()
        translator = Translator(engine, review_thresholds=review_thresholds, without=off)
        out: list[Translation] = []
        for chunk in chunks:
            out += translator.translate_line_segments(chunk, target, source)
            if progress is not None:
                progress(len(chunk))
        return out, time.perf_counter() - started

    translations, pipe_seconds = run(sorted(steps.ALL - kept), progress)
    piped = [line_text(t) for t in translations]
    segments = [t.segments[0] if t.segments else None for t in translations]
    review = [t.status is Status.NEEDS_REVIEW for t in translations if t.segments]

    scored = [i for i, s in enumerate(segments) if s is not None]
    chrfs = sentence_chrf([piped[i] for i in scored], [ref_lines[i] for i in scored])
    risks = [s.risk for s in segments if s is not None]
    recall, precision = untranslated_detection(marked, ref_lines, segments)
    quality = QualityScores(
        spearman(risks, chrfs), recall, precision, Score.of(sum(review), len(review))
    )
    raw_name = "baseline" if baseline is not None else "raw"
    reports = []
    for step in (s for s in steps.STEPS if per_step and s in kept):
        out_translations, seconds = run(sorted(steps.ALL - kept | {step}))
        out = [line_text(t) for t in out_translations]
        reports.append(
            StepReport(
                step=step,
                without=score(f"without {step}", src_lines, ref_lines, out, pair, seconds),
                without_vs_raw=compare_lines(raw, out, ref_lines),
                own=compare_lines(out, piped, ref_lines),
            )
        )
    return Report(
        source=source,
        target=target,
        engine=direction.provenance.engine,
        lines=len(src_lines),
        raw=score(raw_name, src_lines, ref_lines, raw, pair, raw_seconds),
        pipeline=score("pipeline", src_lines, ref_lines, piped, pair, pipe_seconds),
        raw_outputs=tuple(raw),
        pipeline_outputs=tuple(piped),
        quality=quality,
        segments=tuple(segments),
        vs_raw=compare_lines(raw, piped, ref_lines),
        steps=tuple(reports),
        without=tuple(sorted(steps.ALL - kept)),
    )
