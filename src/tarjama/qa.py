"""Quality checks on translated segments: findings are data, never exceptions.

A check is a plain function of one ``CheckContext`` (a tagged source and target, see
``tarjama.inline``) registered with its name and severity by ``@check``. It yields
``(message, evidence)`` pairs; ``run_checks`` turns them into ``Finding`` values:

    @check("empty_target", Severity.CRITICAL)
    def empty_target(ctx: CheckContext) -> Iterator[Hit]:
        if ctx.source_plain.strip() and not ctx.target_plain.strip():
            yield "the target is empty", ""

``check_segments`` runs every check over a document's segments and scores each segment's risk
(``risk_score``); ``needs_review`` is true as soon as one finding is critical. Checks read the
tagged text leniently and never raise on malformed input: a broken tag is a finding.
"""

from __future__ import annotations

import functools
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Generic, TypeVar, overload

from babel import Locale, UnknownLocaleError
from babel.numbers import get_group_symbol, parse_decimal

from tarjama import inline


class Severity(StrEnum):
    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    message: str
    """One human-readable line."""
    segment: int | str | None = None
    """The segment's index or field ("body/3"), when known."""
    evidence: str = ""
    """The offending text (a number, a tag, a term), for highlighting in the editor."""


T = TypeVar("T")


class _lazy(Generic[T]):
    """``functools.cached_property`` without the lock Python 3.11 takes on each first read
    (a context is checked by one thread)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    @overload
    def __get__(self, obj: None, owner: type) -> _lazy[T]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj: object, owner: type) -> T | _lazy[T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(frozen=True)
class CheckContext:
    """One segment as the checks see it: tagged source and target and what they must respect."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    glossary: Mapping[str, str] = field(default_factory=dict)
    """Source term -> required target term, for the terms that occur in this source."""
    names: Collection[str] = ()
    """Names that must appear verbatim in the target when they appear in the source."""
    engine_marks: bool = True
    """Whether to look for Apertium's unknown-word marks (``*word``, ``#word``, ``@word``)."""
    segment: int | str | None = None

    @_lazy
    def source_plain(self) -> str:
        return _plain(self.source)

    @_lazy
    def target_plain(self) -> str:
        return _plain(self.target)

    @_lazy
    def _source_squashed(self) -> str:
        return _squash(self.source_plain)

    @_lazy
    def _target_squashed(self) -> str:
        return _squash(self.target_plain)

    @_lazy
    def _tag_counts(self) -> tuple[_Tags, _Tags]:
        return _tags(self.source), _tags(self.target)


Hit = tuple[str, str]
"""What a check yields: a one-line message and its evidence ("" when there is none)."""
CheckFunction = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    function: CheckFunction


CHECKS: dict[str, Check] = {}
"""Every registered check by name, in registration order."""


def check(name: str, severity: Severity) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name``; the function itself is returned unchanged."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"a QA check named {name!r} is already registered")
        CHECKS[name] = Check(name, severity, function)
        return function

    return register


def run_checks(ctx: CheckContext, only: Collection[str] | None = None) -> list[Finding]:
    """Run every registered check (or those named in ``only``) on one segment."""
    return [
        Finding(registered.name, registered.severity, message, ctx.segment, evidence)
        for registered in CHECKS.values()
        if only is None or registered.name in only
        for message, evidence in registered.function(ctx)
    ]


RISK_WEIGHTS: Mapping[Severity, float] = {
    Severity.INFO: 0.02,
    Severity.MINOR: 0.1,
    Severity.MAJOR: 0.4,
    Severity.CRITICAL: 0.9,
}


def risk_score(findings: Iterable[Finding]) -> float:
    """``1 - prod(1 - RISK_WEIGHTS[severity])``: the chance that at least one finding is real
    if each were an independent alarm of that reliability; 0 without findings, below 1 always."""
    return 1.0 - math.prod(1.0 - RISK_WEIGHTS[f.severity] for f in findings)


def needs_review(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.CRITICAL for f in findings)


@dataclass(frozen=True)
class SegmentReport:
    segment: int | str
    findings: tuple[Finding, ...]
    risk: float

    @property
    def needs_review(self) -> bool:
        return needs_review(self.findings)


def check_segments(pairs: Sequence[CheckContext]) -> list[SegmentReport]:
    """Check each segment; a context without ``segment`` is named by its index in ``pairs``."""
    reports = []
    for index, ctx in enumerate(pairs):
        key = index if ctx.segment is None else ctx.segment
        findings = tuple(run_checks(replace(ctx, segment=key)))
        reports.append(SegmentReport(key, findings, risk_score(findings)))
    return reports


# --- reading tagged text -------------------------------------------------------------------------

# Lenient on purpose (any attributes after the id): checks must judge broken output, not reject it.
_TAG = re.compile(r'<x id="(\d+)"[^<>]*?/>|<g id="(\d+)"[^<>]*>|</g>')


def _plain(tagged: str) -> str:
    if "<" not in tagged and "&" not in tagged:
        return tagged  # most sentences: no tags, nothing escaped
    return html.unescape(_TAG.sub("", tagged))


def _squash(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=256)
def _language(code: str) -> str:
    return code.replace("_", "-").split("-")[0].lower()


def _remove_names(text: str, names: Collection[str]) -> str:
    for name in names:
        if name.strip():
            text = text.replace(name, " ")
    return text


# --- 1. numbers ----------------------------------------------------------------------------------

# A digit run with grouping or decimal separators inside; a space only groups exactly three digits,
# so "in 2024 300 people" is read as one candidate that fails strict parsing and splits back.
_NUMBER = re.compile(r"\d+(?:(?:[.,'’]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d+)*")
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_DIGIT = re.compile(r"\d")
_ARABIC_SEPARATORS = {"\u066b": ".", "\u066c": ","}


@functools.lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en")


def _ascii_digits(text: str) -> str:
    # Arabic-Indic (١٣٠٠), Persian (۱۳۰۰) and every other decimal digit read as 0-9, one character
    # for one so that match positions still point into the original text.
    if text.isascii():
        return text  # the common case, and nothing to convert
    return _NON_ASCII.sub(_ascii_digit, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _ascii_digit(m: re.Match[str]) -> str:
    c = m.group()
    return str(unicodedata.decimal(c)) if c.isdecimal() else _ARABIC_SEPARATORS.get(c, c)


@functools.lru_cache(maxsize=4096)
def _parse_number(raw: str, locale: Locale) -> Decimal | None:
    """The value of ``raw`` as written in ``locale``; None when that locale would not write it."""
    group = get_group_symbol(locale)
    if group.isspace():
        raw = _SPACES.sub(group, raw)  # typed spaces for the locale's narrow/no-break one
    elif _SPACES.search(raw):
        return None
    try:
        return Decimal(parse_decimal(raw, locale, strict=True))
    except (ValueError, InvalidOperation):
        return None


def _digit_groups(raw: str) -> set[Decimal]:
    return {Decimal(part) for part in re.findall(r"\d+", raw)}


def _source_numbers(text: str, locale: Locale) -> dict[Decimal, str]:
    """Each value the target must keep, with how the source wrote it."""
    values: dict[Decimal, str] = {}
    for m in _NUMBER.finditer(_ascii_digits(text)):
        value = _parse_number(m.group(), locale)
        for v in _digit_groups(m.group()) if value is None else {value}:
            values.setdefault(v, text[m.start() : m.end()])
    return values


def _target_numbers(text: str, locale: Locale, source: Locale) -> list[tuple[str, set[Decimal]]]:
    """Each target number with the values it may stand for: its value in the target locale, or,
    when the target locale would not write it so, in the source locale or as separate groups
    ("10.30" for a time, "2.5" left in English notation)."""
    numbers = []
    for m in _NUMBER.finditer(_ascii_digits(text)):
        value = _parse_number(m.group(), locale)
        if value is None:
            readings = _digit_groups(m.group())
            fallback = _parse_number(m.group(), source)
            readings |= set() if fallback is None else {fallback}
        else:
            readings = {value}
        numbers.append((text[m.start() : m.end()], readings))
    return numbers


@check("number_mismatch", Severity.CRITICAL)
def number_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    # A wrong figure is the costliest error a news translation can make; compare values, not
    # strings, so that 1,300 -> 1.300 (es) or ١٣٠٠ (ar) passes and 1,300 -> 1,300 (es: 1.3) fails.
    if not _DIGIT.search(ctx.source_plain):
        return  # nothing the target must keep
    source = _locale(ctx.source_lang)
    wanted = _source_numbers(ctx.source_plain, source)
    found = _target_numbers(ctx.target_plain, _locale(ctx.target_lang), source)
    available: set[Decimal] = set().union(*(readings for _, readings in found))
    strays = [(raw, readings) for raw, readings in found if not readings & wanted.keys()]
    for value, raw in wanted.items():
        if value in available:
            continue
        if strays:
            stray, readings = strays.pop(0)
            now = _show(stray, min(readings)) if len(readings) == 1 else stray
            yield f"number {_show(raw, value)} changed to {now}", raw
        else:
            yield f"number {raw} missing", raw


def _show(raw: str, value: Decimal) -> str:
    """'1,300 (= 1.3)' where the written form hides the value, else just the written form."""
    shown = format(value.normalize(), "f")
    return raw if raw == shown else f"{raw} (= {shown})"


# --- 2. placeholders and markup ------------------------------------------------------------------


@dataclass(frozen=True)
class _Tags:
    placeholders: Counter[str]
    pairs: Counter[str]
    balanced: bool
    stray_brackets: int
    """'<' or '>' outside a recognised tag: a tag the engine mangled (text is XML-escaped)."""


_NO_TAGS = _Tags(Counter(), Counter(), balanced=True, stray_brackets=0)


def _tags(tagged: str) -> _Tags:
    if "<" not in tagged and ">" not in tagged:
        return _NO_TAGS
    placeholders: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    depth, balanced = 0, True
    for m in _TAG.finditer(tagged):
        if m.group(1) is not None:
            placeholders[m.group(1)] += 1
        elif m.group(2) is not None:
            pairs[m.group(2)] += 1
            depth += 1
        else:
            depth -= 1
            balanced = balanced and depth >= 0
    rest = _TAG.sub("", tagged)
    return _Tags(placeholders, pairs, balanced and depth == 0, rest.count("<") + rest.count(">"))


@check("tag_lost", Severity.CRITICAL)
def tag_lost(ctx: CheckContext) -> Iterator[Hit]:
    # A lost placeholder drops a protected number, name or image; a lost or broken pair breaks
    # the page the article is published on.
    source, target = ctx._tag_counts
    for id_ in source.placeholders.keys() - target.placeholders.keys():
        yield f'placeholder <x id="{id_}"/> lost', f'<x id="{id_}"/>'
    for id_ in source.pairs.keys() - target.pairs.keys():
        yield f'markup <g id="{id_}"> lost', f'<g id="{id_}">'
    if not target.balanced:
        yield "inline tags unbalanced in the target", ""
    if target.stray_brackets > source.stray_brackets:
        yield "malformed inline tag in the target", ""


@check("tag_extra", Severity.MAJOR)
def tag_extra(ctx: CheckContext) -> Iterator[Hit]:
    # A duplicated placeholder repeats a protected span (a credit, a figure) in the published text.
    source, target = ctx._tag_counts
    for id_, count in (target.placeholders - source.placeholders).items():
        known = id_ in source.placeholders
        what = "duplicated" if known else "not in the source"
        yield f'placeholder <x id="{id_}"/> {what} ({count} extra)', f'<x id="{id_}"/>'
    for id_ in target.pairs.keys() - source.pairs.keys():
        yield f'markup <g id="{id_}"> not in the source', f'<g id="{id_}">'


# --- 3, 4. glossary and names --------------------------------------------------------------------


def _occurs(term: str, text: str, ignore_case: bool) -> bool:
    """Does ``term`` occur in ``text`` as a whole word (no word character either side)?"""
    if ignore_case:
        return _term_pattern(term).search(text) is not None
    # Names are new in every article: found without a regex (see inline.whole_word_at).
    return inline.whole_word_at(text, term) >= 0


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


@check("glossary", Severity.MAJOR)
def glossary(ctx: CheckContext) -> Iterator[Hit]:
    # The newsroom's agreed renderings (titles, institutions) must win over the engine's choice.
    # The target side is a substring test so that inflected forms ("ministros") still count.
    if not ctx.glossary:
        return
    source, target = ctx._source_squashed, ctx._target_squashed.casefold()
    for term, rendering in ctx.glossary.items():
        term, rendering = _squash(term), _squash(rendering)
        if not term or not rendering:
            continue
        if _occurs(term, source, term == term.lower()) and rendering.casefold() not in target:
            yield f"glossary term {term!r} not rendered as {rendering!r}", rendering


@check("name_altered", Severity.CRITICAL)
def name_altered(ctx: CheckContext) -> Iterator[Hit]:
    # Engines "translate" names (Rose -> Rosa, Bush -> Arbusto); a misspelt name is a correction.
    source, target = ctx._source_squashed, ctx._target_squashed
    for name in ctx.names:
        name = _squash(name)
        if name and name not in target and _occurs(name, source, ignore_case=False):
            yield f"name {name!r} not found verbatim in the target", name


# --- 5, 6, 7. untranslated, length, repetition ---------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@check("untranslated", Severity.MAJOR)
def untranslated(ctx: CheckContext) -> Iterator[Hit]:
    # An engine that gives up returns its input; short or all-name segments are legitimately equal.
    if _language(ctx.source_lang) == _language(ctx.target_lang):
        return
    source = ctx._source_squashed.casefold()
    if not source or source != ctx._target_squashed.casefold():
        return
    if len(_WORD.findall(_remove_names(ctx.source_plain, ctx.names))) >= 3:
        yield "the target is the untranslated source", ""


# Typical characters per character of English text, so the band follows the pair (CJK is dense).
_RELATIVE_LENGTH = {"zh": 0.3, "ja": 0.4, "ko": 0.45, "ar": 0.85, "fa": 0.9, "ur": 0.95, "he": 0.8}
_LENGTH_BAND = (0.5, 2.2)
_MIN_LENGTH = 20


@check("length_ratio", Severity.MINOR)
def length_ratio(ctx: CheckContext) -> Iterator[Hit]:
    # A target far shorter or longer than expected has usually dropped or hallucinated a clause.
    source, target = len(ctx._source_squashed), len(ctx._target_squashed)
    if source < _MIN_LENGTH or target == 0:
        return
    expected = _RELATIVE_LENGTH.get(_language(ctx.target_lang), 1.0) / _RELATIVE_LENGTH.get(
        _language(ctx.source_lang), 1.0
    )
    ratio = target / source
    low, high = (bound * expected for bound in _LENGTH_BAND)
    if not low <= ratio <= high:
        yield f"length ratio {ratio:.2f} outside {low:.2f}-{high:.2f}", f"{ratio:.2f}"


_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?¡¿-–—…"


def _loop(text: str) -> str | None:
    """The first 1- to 4-token sequence said three or more times in a row, if any."""
    tokens = [t.strip(_PUNCTUATION).casefold() or t for t in text.split()]
    for n in range(1, 5):
        # A gram at i said three times is tokens[j] == tokens[j + n] for the 2n positions
        # j = i .. i + 2n - 1: one pass per n finds every such i, in order.
        run = 0
        for j in range(len(tokens) - n):
            run = run + 1 if tokens[j] == tokens[j + n] else 0
            if run >= 2 * n:
                gram = tokens[j - 2 * n + 1 : j - n + 1]
                if any(c.isalnum() for t in gram for c in t):
                    return " ".join(gram)
    return None


@check("repetition", Severity.MAJOR)
def repetition(ctx: CheckContext) -> Iterator[Hit]:
    # Neural engines fall into loops ("de la de la de la"); an emphatic source may loop too.
    found = _loop(ctx.target_plain)
    if found is not None and _loop(ctx.source_plain) is None:
        yield f"{found!r} repeated three or more times", found


# --- 8. quotes and brackets ----------------------------------------------------------------------


def _nested(opener: str, closer: str, strict: bool = True) -> Callable[[str], bool]:
    """Every opener closed later; ``strict=False`` tolerates closers without an opener (’ as an
    apostrophe, a "?" without its "¿")."""

    def balanced(text: str) -> bool:
        if opener not in text and (closer not in text or not strict):
            return True  # nothing opened: nothing to balance (most sentences, fast)
        depth = 0
        for c in text:
            if c == opener:
                depth += 1
            elif c == closer:
                if depth == 0 and strict:
                    return False
                depth = max(depth - 1, 0)
        return depth == 0

    return balanced


def _even(*marks: str) -> Callable[[str], bool]:
    # Orientation varies by language (“” en, „“ de, ”” sv), so only the count is reliable.
    return lambda text: sum(text.count(m) for m in marks) % 2 == 0


_BALANCE: tuple[tuple[str, Callable[[str], bool], frozenset[str] | None], ...] = (
    ("( )", _nested("(", ")"), None),
    ("[ ]", _nested("[", "]"), None),
    ("{ }", _nested("{", "}"), None),
    ("“ ”", _even("“", "”", "„"), None),
    ("‘ ’", _nested("‘", "’", strict=False), None),
    # Counted, not nested: Danish quotes »like this«.
    ("« »", lambda text: text.count("«") == text.count("»"), None),
    ('" "', _even('"'), None),
    ("¿ ?", _nested("¿", "?", strict=False), frozenset({"es", "gl", "ast"})),
    ("¡ !", _nested("¡", "!", strict=False), frozenset({"es", "gl", "ast"})),
)


_BALANCE_CHARS = frozenset('()[]{}“”„‘’«»"¿?¡!')


@check("unbalanced_punctuation", Severity.MINOR)
def unbalanced_punctuation(ctx: CheckContext) -> Iterator[Hit]:
    # A dropped closing quote misattributes speech; only judged where the source was balanced.
    if _BALANCE_CHARS.isdisjoint(ctx.target_plain):
        return  # a target without any of these marks is balanced
    language = _language(ctx.target_lang)
    for label, balanced, languages in _BALANCE:
        if languages is not None and language not in languages:
            continue
        if balanced(ctx.source_plain) and not balanced(ctx.target_plain):
            yield f"unbalanced {label} in the target", label


# --- 9. script -----------------------------------------------------------------------------------

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
    scripts = _SCRIPTS.get(_language(ctx.target_lang))
    if scripts is None:
        return
    share, letters = _share(_remove_names(ctx.target_plain, ctx.names), scripts)
    if letters and share < _MIN_SCRIPT_SHARE:
        expected = "/".join(sorted(scripts)).lower()
        yield f"only {share:.0%} of the target's letters are in the {expected} script", ""


@check("foreign_script", Severity.MAJOR)
def foreign_script(ctx: CheckContext) -> Iterator[Hit]:
    # A Latin-script target from a Latin source has no business being mostly Cyrillic or Arabic.
    if _language(ctx.target_lang) not in _LATIN_LANGUAGES:
        return
    if not _NON_LATIN_LETTERS.search(ctx.target_plain):
        return  # every letter of the target is Latin (most targets, fast)
    if _share(ctx.source_plain, {"LATIN"})[0] < 0.5:
        return
    latin, letters = _share(_remove_names(ctx.target_plain, ctx.names), {"LATIN"})
    if letters >= 3 and 1 - latin > _MAX_FOREIGN_SHARE:
        yield f"{1 - latin:.0%} of the target's letters are not Latin", ""


# --- 10, 11. engine marks and empty targets ------------------------------------------------------

# Apertium prefixes unknown words with *, generation errors with # and transfer errors with @.
_MARK = re.compile(r"(?<![\w*#@])([*#@])([^\W\d_][\w'’-]*)")
_MARK_CHARS = re.compile("[*#@]")


@check("engine_marks", Severity.CRITICAL)
def engine_marks(ctx: CheckContext) -> Iterator[Hit]:
    # Marks published as text ("*Kalin", "#parecer") look broken to every reader; a hashtag or
    # handle that the source has in the same place is not a mark.
    if not ctx.engine_marks or not _MARK_CHARS.search(ctx.target_plain):
        return
    in_source = {(m.group(1), m.group(2).casefold()) for m in _MARK.finditer(ctx.source_plain)}
    for m in _MARK.finditer(ctx.target_plain):
        if (m.group(1), m.group(2).casefold()) not in in_source:
            yield f"engine mark left in the target: {m.group()}", m.group()


@check("empty_target", Severity.CRITICAL)
def empty_target(ctx: CheckContext) -> Iterator[Hit]:
    # Publishing nothing where the source had text silently drops part of the story.
    if ctx.source_plain.strip() and not ctx.target_plain.strip():
        yield "the target is empty", ""
