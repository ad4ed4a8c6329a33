"""Scoring translations against a human reference: BLEU, chrF, number and copy fidelity.

Everything works on line-aligned plain text (one segment per line), the form of WMT and FLORES
test sets. ``evaluate`` translates a source file twice in one run, with the raw engine and with
tarjama's full pipeline, so the two can be compared on the same machine and engine.

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
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal

from tarjama import inline
from tarjama.engines.base import Engine
from tarjama.errors import InputError, LanguageError
from tarjama.model import Pair
from tarjama.pipeline import Translator

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "engine": self.engine,
            "lines": self.lines,
            "raw": self.raw.to_dict(),
            "pipeline": self.pipeline.to_dict(),
        }


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


# --- one run: raw engine and pipeline -------------------------------------------------------


def _check_aligned(*named: tuple[str, Sequence[str]]) -> None:
    (first_name, first), *rest = named
    for name, lines in rest:
        if len(lines) != len(first):
            raise InputError(
                f"{first_name} has {len(first)} lines but {name} has {len(lines)}; "
                "they must be line-aligned (one segment per line)"
            )


def translate_raw(engine: Engine, lines: Sequence[str], pair: Pair) -> list[str]:
    """The engine alone: each line escaped, translated, tags removed; blank lines stay blank."""
    todo = [i for i, line in enumerate(lines) if line.strip()]
    outputs = engine.translate_batch([inline.escape_text(lines[i]) for i in todo], pair)
    result = [""] * len(lines)
    for i, out in zip(todo, outputs, strict=True):
        result[i] = inline.plain(out)
    return result


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
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Translate ``src_lines`` with the raw engine and with the full pipeline, and score both
    against ``ref_lines``. ``limit`` keeps the first N lines of both. ``progress`` is called
    with the number of lines each system has just translated (twice the lines in all), the
    lines then going in chunks of :data:`PROGRESS_CHUNK`; without it, all at once."""
    _check_aligned(("source", src_lines), ("reference", ref_lines))
    if limit is not None:
        if limit < 1:
            raise InputError(f"limit must be at least 1, not {limit}")
        src_lines, ref_lines = src_lines[:limit], ref_lines[:limit]
    if not any(line.strip() for line in src_lines):
        raise InputError("the source has no text to translate")
    pair = Pair(source, target)
    direction = engine.direction(pair)
    engine.translate_batch(["Warm-up."], pair)  # start the engine's processes outside the timing

    size = PROGRESS_CHUNK if progress is not None else len(src_lines)
    chunks = [src_lines[i : i + size] for i in range(0, len(src_lines), size)]
    raw: list[str] = []
    piped: list[str] = []
    started = time.perf_counter()
    for chunk in chunks:
        raw += translate_raw(engine, chunk, pair)
        if progress is not None:
            progress(len(chunk))
    raw_seconds = time.perf_counter() - started

    started = time.perf_counter()
    translator = Translator(engine)
    for chunk in chunks:
        piped += translator.translate_lines(chunk, target, source)
        if progress is not None:
            progress(len(chunk))
    pipe_seconds = time.perf_counter() - started

    return Report(
        source=source,
        target=target,
        engine=direction.provenance.engine,
        lines=len(src_lines),
        raw=score("raw", src_lines, ref_lines, raw, pair, raw_seconds),
        pipeline=score("pipeline", src_lines, ref_lines, piped, pair, pipe_seconds),
        raw_outputs=tuple(raw),
        pipeline_outputs=tuple(piped),
    )
