"""Protected spans: what an engine must not translate, masked as placeholders and put back after.

``mask`` replaces each protected stretch of a segment by ``<x id="N" ctype="..."/>`` (see
``tarjama.inline``); ``restore`` puts back, for each placeholder, the target-language form of what
it stands for: numbers, percentages, measures, amounts and dates in the target's CLDR conventions
(via Babel, with Western digits everywhere, Arabic included: most Arab newsrooms print them), and
everything else (URLs, e-mail, handles, hashtags, agency credits, names) exactly as written.

Each rule is one entry in ``RULES``: a name, the ctype its placeholders carry, a pattern (or a
finder function where a pattern cannot say it) and a renderer (none: verbatim). The order of the
table is the priority: a span already taken by an earlier rule is never matched again. Rules only
ever match inside the text between tags, so existing ``<x>`` and ``<g>`` tags pass untouched.

Names are the caller's decision (``mask(names=...)``); ``detect_names`` proposes them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from html import unescape
from itertools import pairwise
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units

from tarjama import inline
from tarjama.credits import AGENCIES
from tarjama.languages import CATALAN_ELIDING
from tarjama.model import Span

__all__ = [
    "AGENCIES",
    "RULES",
    "Masked",
    "Protected",
    "Restored",
    "Rule",
    "detect_names",
    "mask",
    "restore",
]

Finder = Callable[[str], Iterator[tuple[int, int]]]
Renderer = Callable[[str, Locale], str]
"""(the span as plain text, the target locale) -> its plain-text form in the target."""
WordClass = Literal["proper-place", "proper-person", "common", "unknown"]


@dataclass(frozen=True)
class Rule:
    name: str
    ctype: str
    find: re.Pattern[str] | Finder
    render: Renderer | None = None
    """None: the span goes back exactly as written."""
    english_only: bool = False
    """The pattern reads English conventions (1,300.5; month names)."""
    trigger: re.Pattern[str] | None = None
    """Something every match contains: a text without it is skipped cheaply."""
    travel: Callable[[str], str] | None = None
    """What the engine sees of a span (its ``equiv``); None: the span's own text."""

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        if self.trigger is not None and not self.trigger.search(text):
            return iter(())
        return self.matches(text)

    def matches(self, text: str) -> Iterator[tuple[int, int]]:
        """``spans`` without the trigger check (for a caller that has made it)."""
        if isinstance(self.find, re.Pattern):
            return (m.span() for m in self.find.finditer(text))
        return self.find(text)


@dataclass(frozen=True)
class Protected(Span):
    """A masked span: ``Span`` plus the placeholder id it travels as and the rule that found it."""

    id: int = 0
    rule: str = ""


@dataclass(frozen=True)
class Masked:
    text: str
    """The tagged input with each protected span replaced by its placeholder."""
    spans: tuple[Protected, ...]
    """In order of appearance; ``start``/``end`` are offsets in the tagged input."""


@dataclass(frozen=True)
class Restored:
    text: str
    missing: tuple[int, ...] = ()
    """Ids of placeholders the translation lost (their spans are not in ``text``)."""
    duplicated: tuple[int, ...] = ()
    """Ids the translation has more than once (each occurrence was restored)."""
    spans: tuple[Protected, ...] = ()
    """The masked spans with ``replacement`` set to what went back."""


# --- numbers ----------------------------------------------------------------------------------

# English figures: 1,300 or 1300, optionally with decimals. Not glued to letters ("A320", "F-16",
# "COVID-19") and not an ordinal ("24th": Apertium writes "24.º" itself).
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM_START = r"(?<![\w.,])(?<![A-Za-z]-)"
_NUM_END = r"(?![\w]|[.,]\d)"

# CLDR's minimumGroupingDigits where it is not 1 ("1300" but "13.000" in Spanish). Babel 2.18
# does not carry this field, so it lives here.
_MIN_GROUPING = {"es": 2, "pl": 2, "pt_PT": 2}


def _match(pattern: re.Pattern[str], text: str) -> re.Match[str]:
    """Re-read a span its rule found (renderers get the span text only)."""
    m = pattern.match(text)
    if m is None:
        raise ValueError(f"{text!r} does not match {pattern.pattern[:40]!r}")
    return m


def _parse_number(text: str) -> tuple[Decimal, bool, int]:
    """An English figure -> (value, written with separators, decimal places)."""
    digits = text.replace(",", "")
    decimals = len(digits.partition(".")[2])
    return Decimal(digits), "," in text, decimals


def _pattern(value: Decimal, grouped: bool, decimals: int, locale: Locale) -> str:
    min_grouping = _MIN_GROUPING.get(str(locale), _MIN_GROUPING.get(locale.language, 1))
    if grouped and len(str(abs(int(value)))) < 3 + min_grouping:
        grouped = False
    return ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")


def _format_number(text: str, locale: Locale) -> str:
    value, grouped, decimals = _parse_number(text)
    return str(
        babel_numbers.format_decimal(value, _pattern(value, grouped, decimals, locale), locale)
    )


_PERCENT = re.compile(rf"{_NUM_START}({_NUM})(?:\s?%|\s(?:per\s?cent|percent)\b)")


# CLDR's long percent for Galician is the administrative "tanto por cento"; the press writes
# "%" (FLORES' Galician references do, 7 times out of 7), so Galician keeps the sign.
_PERCENT_SIGN_ONLY = frozenset({"gl"})


def _render_percent(text: str, locale: Locale) -> str:
    """A figure with a percent sign in the target's percent format ("70 %"), one with words
    ("70 per cent") in the target's words ("70 por ciento"), as CLDR writes each: the author's
    choice is kept."""
    m = _match(_PERCENT, text)
    value, grouped, decimals = _parse_number(m.group(1))
    if "%" not in m.group() and locale.language not in _PERCENT_SIGN_ONLY:
        return _unit(value, grouped, decimals, "concentr-percent", "long", locale)
    return str(
        babel_numbers.format_percent(
            value / 100, locale=locale, decimal_quantization=False, group_separator=grouped
        )
    )


# Units a figure may carry: word -> (CLDR unit, length). Long words come back long ("24 horas"),
# abbreviations short ("4 km"). "m" is left out: "10m" is as often millions as metres.
UNITS: dict[str, tuple[str, Literal["long", "short"]]] = {
    **{w: ("duration-hour", "long") for w in ("hour", "hours")},
    **{w: ("duration-minute", "long") for w in ("minute", "minutes")},
    **{w: ("duration-second", "long") for w in ("second", "seconds")},
    **{w: ("duration-day", "long") for w in ("day", "days")},
    **{w: ("duration-week", "long") for w in ("week", "weeks")},
    **{w: ("duration-month", "long") for w in ("month", "months")},
    **{w: ("duration-year", "long") for w in ("year", "years")},
    **{
        w: ("length-kilometer", "long")
        for w in ("kilometre", "kilometres", "kilometer", "kilometers")
    },
    **{w: ("length-meter", "long") for w in ("metre", "metres", "meter", "meters")},
    **{w: ("length-mile", "long") for w in ("mile", "miles")},
    **{w: ("mass-kilogram", "long") for w in ("kilogram", "kilograms", "kilo", "kilos")},
    **{w: ("mass-tonne", "long") for w in ("tonne", "tonnes")},
    "km": ("length-kilometer", "short"),
    "cm": ("length-centimeter", "short"),
    "kg": ("mass-kilogram", "short"),
    "°C": ("temperature-celsius", "short"),
}
_MEASURE = re.compile(
    rf"{_NUM_START}({_NUM})[ \u00a0]?"
    rf"({'|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))})(?![\w-])"
)


def _render_measure(text: str, locale: Locale) -> str:
    m = _match(_MEASURE, text)
    unit, length = UNITS[m.group(2)]
    value, grouped, decimals = _parse_number(m.group(1))
    return _unit(value, grouped, decimals, unit, length, locale)


def _unit(
    value: Decimal,
    grouped: bool,
    decimals: int,
    unit: str,
    length: Literal["long", "short"],
    locale: Locale,
) -> str:
    fmt = _pattern(value, grouped, decimals, locale)
    # Babel's CLDR data lacks some long forms (Catalan "duration-day"); it then writes the unit's
    # key, which a reader must never see: the short form is the next best.
    for size in (length, "short"):
        out = str(babel_units.format_unit(value, unit, size, fmt, locale))
        if unit not in out:
            return out
    raise ValueError(f"no {unit} pattern for {locale}")


# Amounts: a currency sign before a figure, optionally with a magnitude ("$3.4bn", "€20 million").
CURRENCIES = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "A$": "AUD",
              "C$": "CAD", "HK$": "HKD"}  # fmt: skip
MAGNITUDES = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "bn": 9, "billion": 9,
              "tn": 12, "trillion": 12}  # fmt: skip
_CURRENCY = re.compile(
    rf"(?<![\w$])({'|'.join(sorted(map(re.escape, CURRENCIES), key=len, reverse=True))})\s?"
    rf"({_NUM})(?:\s?({'|'.join(sorted(MAGNITUDES, key=len, reverse=True))}))?{_NUM_END}"
)


def _render_currency(text: str, locale: Locale) -> str:
    m = _match(_CURRENCY, text)
    symbol = babel_numbers.get_currency_symbol(CURRENCIES[m.group(1)], locale)
    value, grouped, decimals = _parse_number(m.group(2))
    if m.group(3):
        amount = _with_scale(value, decimals, MAGNITUDES[m.group(3)], locale)
    else:
        amount = babel_numbers.format_decimal(
            value, _pattern(value, grouped, decimals, locale), locale
        )
    # Where the sign goes, and with what space, is the locale's currency pattern ("1300 US$").
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    before, _, after = re.split(r"([#0,.]+)", pattern, maxsplit=1)
    return f"{before}{amount}{after}".replace("¤", symbol)


# "1.7m people", "2bn years", "10 billion euros": a figure with a magnitude, glued on or as a
# word, in the locale's own words. English "billion" is a thousand million; eng-cat writes
# "bilió", a million million, so the magnitude is never left to the engine: the engine sees the
# figure alone (``_figure_of``).
_MAGNITUDE = re.compile(
    rf"{_NUM_START}({_NUM})(m|mn|bn|k|\s(?:thousand|million|billion|trillion))\b"
    r"(?!\s+(?:tall|high|long|wide|deep|away|above|below))"
)
# Before a noun ("3 million people"), Spanish, Catalan, Galician and Portuguese put "de" after
# the magnitude ("3 millones de personas"); not after "thousand" ("3 mil personas"). A noun here:
# a lower-case word that is none of these.
_NOT_NOUNS = (
    "of in to and or for from on at by with a an the was were is are has have had will would "
    "could can may might must should more less than as last this that these those each per "
    "since between over under up down who which into about after before during including worth "
    "ago so but if when while already still now then too also just only"
)
_MAGNITUDE_NOUN = re.compile(
    # not after "a": "a 2bn budget" is a budget of 2 billion, "de" comes before the figure there
    r"(?<!\ba )(?<!\ban )"
    + _MAGNITUDE.pattern.replace(r"|\s(?:thousand|", r"|\s(?:")
    + rf"(?=\s+(?!(?:{'|'.join(_NOT_NOUNS.split())})\b)[a-z])"
)
_FIGURE = re.compile(_NUM)
# The magnitudes' words where CLDR's compact forms are wrong or missing (Babel writes "1
# milions" in Catalan, "2300 millóns" for 2.3 billion in Galician): singular, plural.
_SCALE_WORDS = {
    "es": {3: ("mil", "mil"), 6: ("millón", "millones"), 9: ("mil millones", "mil millones"),
           12: ("billón", "billones")},
    "ca": {3: ("mil", "mil"), 6: ("milió", "milions"), 9: ("mil milions", "mil milions"),
           12: ("bilió", "bilions")},
    "gl": {3: ("mil", "mil"), 6: ("millón", "millóns"), 9: ("mil millóns", "mil millóns"),
           12: ("billón", "billóns")},
}  # fmt: skip
_OF_BEFORE_NOUN = {"es": "de", "ca": "de", "gl": "de", "pt": "de"}


def _with_scale(value: Decimal, decimals: int, exponent: int, locale: Locale) -> str:
    """``value`` times ten to ``exponent`` in the locale's words: "2,3 mil millones"."""
    words = _SCALE_WORDS.get(locale.language, {}).get(exponent)
    if words is None:
        # The locale's own compact words; enough fraction digits that the value never changes,
        # trailing zeros dropped by the pattern.
        return str(
            babel_numbers.format_compact_decimal(
                value * 10**exponent,
                format_type="long",
                locale=locale,
                fraction_digits=decimals + 3,
            )
        )
    while value >= 1000 and exponent + 3 in _SCALE_WORDS[locale.language]:
        # "$1,500m" is "1,5 mil millones", as Babel writes it
        value, exponent = value / 1000, exponent + 3
        decimals = max(0, -int(value.normalize().as_tuple().exponent))
        words = _SCALE_WORDS[locale.language][exponent]
    figure = babel_numbers.format_decimal(value, _pattern(value, False, decimals, locale), locale)
    return f"{figure} {words[0] if value == 1 else words[1]}"


def _render_magnitude(text: str, locale: Locale) -> str:
    m = _match(_MAGNITUDE, text)
    value, _, decimals = _parse_number(m.group(1))
    return _with_scale(value, decimals, MAGNITUDES[m.group(2).strip()], locale)


def _render_magnitude_noun(text: str, locale: Locale) -> str:
    of = _OF_BEFORE_NOUN.get(locale.language)
    rendered = _render_magnitude(text, locale)
    return f"{rendered} {of}" if of else rendered


# "de" before such a word, only where a magnitude put it: after the magnitude's words.
_CATALAN_ELISION = re.compile(
    rf"\b(milions|milió|bilions|bilió|mil) de (?={CATALAN_ELIDING})", re.IGNORECASE
)


def _figure_of(text: str) -> str:
    """The figure of a magnitude ("10" of "10 billion"): what the engine sees of it."""
    m = _FIGURE.search(text)
    return m.group() if m else text


# --- dates ------------------------------------------------------------------------------------

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
MONTH_NAMES = {
    **{name: i for i, name in enumerate(_MONTHS, 1)},
    **{f"{name[:3]}.": i for i, name in enumerate(_MONTHS, 1) if len(name) > 4},
    **{f"{name[:3]}": i for i, name in enumerate(_MONTHS, 1) if len(name) > 4},
    "Sept.": 9,
    "Sept": 9,
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, MONTH_NAMES), key=len, reverse=True)) + r")(?!\w)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?(?!\w|,\d)"
_YEAR = r"([12]\d{3})(?!\w)"
# Weekdays and lone month names are the engine's: only a month with a day or a year is a date.


def _named(pattern: str, name: str) -> str:
    return pattern.replace("(", f"(?P<{name}>", 1)


_DATE = re.compile(
    rf"(?P<m1>{_MONTH})\s+{_named(_DAY, 'd1')}(?:,?\s+{_named(_YEAR, 'y1')})?"
    rf"|(?<!\d){_named(_DAY, 'd2')}\s+(?P<m2>{_MONTH})(?:,?\s+{_named(_YEAR, 'y2')})?"
    rf"|(?P<m3>{_MONTH}),?\s+{_named(_YEAR, 'y3')}"
)


def _date_parts(m: re.Match[str]) -> tuple[int | None, int, int | None]:
    month = MONTH_NAMES[m.group("m1") or m.group("m2") or m.group("m3")]
    day = m.group("d1") or m.group("d2")
    year = m.group("y1") or m.group("y2") or m.group("y3")
    return (int(year) if year else None), month, (int(day) if day else None)


# Every date has a month name, and every month name starts with one of these: a text without one
# is not searched with the (slow) date pattern.
_MONTH_START = re.compile("|".join(sorted({name[:3] for name in MONTH_NAMES})))


def _find_dates(text: str) -> Iterator[tuple[int, int]]:
    if not _MONTH_START.search(text):
        return
    for m in _DATE.finditer(text):
        year, month, day = _date_parts(m)
        try:
            dt.date(year or 2000, month, day or 1)  # 2000: a leap year lets "February 29" pass
        except ValueError:
            continue  # "June 31" is a typo for the engine and the editor, not a date
        yield m.span()


def _render_date(text: str, locale: Locale) -> str:
    m = _match(_DATE, text)
    year, month, day = _date_parts(m)
    if year is not None and day is not None:
        return str(babel_dates.format_date(dt.date(year, month, day), "long", locale=locale))
    if day is not None:
        return str(babel_dates.format_skeleton("MMMMd", dt.date(2000, month, day), locale=locale))
    return str(babel_dates.format_skeleton("yMMMM", dt.date(year or 0, month, 1), locale=locale))


# --- credits ----------------------------------------------------------------------------------

# Agencies and picture desks whose names mark a credit line; data, so a newsroom can add its own.


def _credit_pattern(agencies: Iterable[str]) -> re.Pattern[str]:
    agency = (
        r"(?<![\w-])(?i:"
        + "|".join(sorted(map(re.escape, agencies), key=len, reverse=True))
        + r")(?:\s+(?i:photo))?(?![\w-])"
    )
    # A photographer: capitalised or ALL-CAPS words and initials, with name particles between.
    word = r"(?:[A-Z]\.|[A-Z][\w'’-]*)"
    part = (
        rf"(?:{agency}|{word}(?: (?:(?:al|el|de|da|di|del|van|von|der|du|la|le|bin|ibn) )*{word})*)"
    )
    chain = rf"(?:\s*/\s*{part})*"
    return re.compile(
        rf"\({agency}{chain}\)"  # (Reuters), (AP Photo/Evan Vucci)
        rf"|\((?i:photo)(?:\s+by|:)\s*{part}{chain}\)"  # (Photo by Omar HAJ KADOUR / AFP)
        rf"|(?<!\S)/\s*{agency}{chain}"  # ... in Idlib. / AFP / Omar HAJ KADOUR
        rf"|{agency}\s*/\s*{part}{chain}"  # REUTERS/Umit Bektas, AFP PHOTO / BULENT KILIC
        rf"|(?<![\w-])(?:Photo(?:graph)?:|Photo by)\s*{part}{chain}"  # Photo: Getty Images
        r"|(?<![\w-])Getty Images(?![\w-])"
    )


# --- the table --------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_CODE = re.compile(
    r"(?<![\w/-])(?=[\w/-]*[^\W\d_])(?=[\w/-]*\d)[A-Z][\w]*(?:[-/][\w]+)+(?![\w/-])"
    r"|(?<![\w/-])[A-Z]+\d+[A-Z\d]*(?![\w/-])"
)

RULES: tuple[Rule, ...] = (
    # Credit lines first: they contain names, slashes and capitals that later rules would split.
    Rule("credit", "credit", _credit_pattern(AGENCIES), trigger=re.compile(r"[/(]|Photo|Getty")),
    Rule(
        "email",
        "email",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"),
        trigger=re.compile("@"),
    ),
    # A URL ends before trailing punctuation that belongs to the sentence.
    Rule(
        "url",
        "url",
        re.compile(
            r"(?:\bhttps?://|\bwww\.)[^\s<>\"“”]+?(?=[.,;:!?)’”'\"]*(?:\s|$))"
            r"|(?<![\w@./-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|int|info|co\.uk"
            r"|org\.uk|gov\.uk|tr|ru|sy|fr|de|es)(?:/[^\s<>\"“”]*?)?(?=[.,;:!?)’”'\"]*(?:\s|$))",
        ),
        trigger=re.compile(r"\.\w"),
    ),
    Rule("handle", "handle", re.compile(r"(?<![\w@.])@\w{1,30}\b"), trigger=re.compile("@")),
    Rule("hashtag", "hashtag", re.compile(r"(?<![\w#&])#[^\W\d_]\w*"), trigger=re.compile("#")),
    # Codes that mix letters and figures are names of things: "Meteor-1A", "I/43", "F-16",
    # "COVID-19", "A320". They stay as written (the engine would translate their words).
    Rule("code", "code", _CODE, trigger=_DIGIT),
    # (the caller's names go here: see mask)
    Rule("date", "date", _find_dates, _render_date, english_only=True, trigger=_DIGIT),
    Rule("percent", "number", _PERCENT, _render_percent, english_only=True, trigger=_DIGIT),
    Rule("currency", "number", _CURRENCY, _render_currency, english_only=True, trigger=_DIGIT),
    Rule(
        "magnitude-noun",
        "number",
        _MAGNITUDE_NOUN,
        _render_magnitude_noun,
        english_only=True,
        trigger=_DIGIT,
        travel=_figure_of,
    ),
    Rule(
        "magnitude",
        "number",
        _MAGNITUDE,
        _render_magnitude,
        english_only=True,
        trigger=_DIGIT,
        travel=_figure_of,
    ),
    Rule("measure", "number", _MEASURE, _render_measure, english_only=True, trigger=_DIGIT),
    # Clock times and scores keep their form; the engine still sees a number.
    Rule("time", "number", re.compile(rf"{_NUM_START}\d{{1,2}}:\d{{2}}{_NUM_END}"), trigger=_DIGIT),
    Rule(
        "number",
        "number",
        re.compile(rf"{_NUM_START}{_NUM}{_NUM_END}"),
        _format_number,
        english_only=True,
        trigger=_DIGIT,
    ),
)
_NAME_RULE_AT = 5


def _name_rule(names: Iterable[str]) -> Rule | None:
    return _compiled_name_rule(names if isinstance(names, frozenset) else frozenset(names))


@functools.lru_cache(maxsize=64)
def _compiled_name_rule(names: frozenset[str]) -> Rule | None:
    # One article's names are the same for each of its sentences: prepared once.
    written = tuple(n for n in names if n.strip())
    if not written:
        return None
    return Rule("name", "name", functools.partial(_find_names, written))


def _find_names(names: tuple[str, ...], text: str) -> Iterator[tuple[int, int]]:
    r"""Where the names occur as whole words, leftmost first and the longest at each place, as
    ``(?<!\w)(?:name|...)(?!\w)`` would find them; a name is never glued to a figure after it
    ("May 8, 2023" is a date whatever "May" is). Names are new in every article: searched
    without compiling a pattern for them."""
    hits: list[tuple[int, int]] = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not (start and _is_word(text[start - 1])) and not _glued_after(text, end):
                hits.append((start, end))
            start = text.find(name, start + 1)
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    pos = 0
    for start, end in hits:
        if start >= pos:
            yield start, end
            pos = end


def _is_word(char: str) -> bool:
    # What ``\w`` matches in a str pattern.
    return char.isalnum() or char == "_"


def _glued_after(text: str, end: int) -> bool:
    """Does a word character, blanks and then a figure, or a hyphen and a figure ("RM-1A": a
    code) follow ``end``?"""
    if end == len(text):
        return False
    if text[end] == "-":
        return end + 1 < len(text) and text[end + 1].isdecimal()
    if not text[end].isspace():
        return _is_word(text[end])
    while end < len(text) and text[end].isspace():
        end += 1
    return end < len(text) and text[end].isdecimal()


@functools.lru_cache(maxsize=64)
def _term_rule(terms: frozenset[tuple[str, str, bool]]) -> Rule | None:
    """Glossary terms (source, target, case-sensitive), longest first; "term" spans carry their
    target in ``Protected.replacement`` from the start."""
    ordered = sorted(terms, key=lambda t: len(t[0]), reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(
        re.escape(src) if case else f"(?i:{re.escape(src)})" for src, _, case in ordered
    )
    return Rule("term", "term", re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))


# --- masking ----------------------------------------------------------------------------------

_TAG = inline.TAG
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#[xX][0-9A-Fa-f]+);")


def _runs(tagged: str) -> Iterator[tuple[str, Sequence[int]]]:
    """The text between tags, unescaped, with the tagged offset of each character (and the end)."""
    if "<" not in tagged and "&" not in tagged:
        if tagged:
            yield tagged, range(len(tagged) + 1)  # most sentences: the text is the tagged text
        return
    pos = 0
    for m in [*_TAG.finditer(tagged), None]:
        stop = m.start() if m else len(tagged)
        text, offsets = inline.unescape_offsets(tagged, pos, stop)
        offsets.append(stop)
        if text:
            yield text, offsets
        if m:
            pos = m.end()


# Spans whose text the engine may see as a grammatical hint (``equiv``): names, terms and
# figures read like ordinary words; addresses and credit lines are nothing the engine can use.
_EQUIV_KINDS = frozenset({"name", "term", "number", "date"})


def mask(
    tagged: str,
    *,
    source_lang: str = "en",
    names: Iterable[str] = (),
    terms: Iterable[tuple[str, str, bool]] = (),
    first_id: int | None = None,
) -> Masked:
    """Replace every protected span of ``tagged`` by a placeholder.

    Ids start at ``first_id`` or, when that is absent or would collide, just above the highest
    ``<x>``/``<g>`` id already in the text. Rules that read English conventions apply only when
    ``source_lang`` is English; the others (credits, URLs, names...) apply to any language.
    ``terms`` are glossary entries (source, target, case-sensitive): each occurrence of a source
    term is masked and comes back as its target term, so the term is enforced, in place.
    """
    inline.parse(tagged)  # raises EngineError on unbalanced tags, before anything is masked
    english = source_lang.split("-")[0].lower() == "en"
    rules = [r for r in RULES if english or not r.english_only]
    name_rule = _name_rule(names)
    if name_rule is not None:
        rules.insert(_NAME_RULE_AT, name_rule)
    term_list = frozenset(terms)
    term_rule = _term_rule(term_list)
    if term_rule is not None:
        rules.insert(_NAME_RULE_AT, term_rule)  # a glossary entry beats a name guess
        targets = {(src if case else src.lower()): tgt for src, tgt, case in term_list}
    found: list[tuple[int, int, Rule]] = []
    for text, offsets in _runs(tagged):
        taken: list[tuple[int, int]] = []
        triggered: dict[re.Pattern[str], bool] = {}  # rules share triggers: each searched once
        for rule in rules:
            if rule.trigger is not None:
                hit = triggered.get(rule.trigger)
                if hit is None:
                    hit = triggered[rule.trigger] = rule.trigger.search(text) is not None
                if not hit:
                    continue
            for a, b in rule.matches(text):
                if a < b and all(b <= s or a >= e for s, e in taken):
                    taken.append((a, b))
                    found.append((offsets[a], offsets[b], rule))
    found.sort(key=lambda f: f[0])
    existing = (
        [int(i) for m in _TAG.finditer(tagged) for i in m.groups() if i is not None]
        if "<" in tagged
        else []
    )
    next_id = max([first_id or 0, *(i + 1 for i in existing), 1])
    spans: list[Protected] = []
    out: list[str] = []
    pos = 0
    for start, end, rule in found:
        span = Protected(rule.ctype, tagged[start:end], start, end, id=next_id, rule=rule.name)
        if rule.name == "term":
            written = unescape(span.text)
            target = targets.get(written) or targets.get(written.lower(), written)
            span = replace(span, replacement=inline.escape_text(target))
        equiv = unescape(span.text) if rule.ctype in _EQUIV_KINDS else ""
        if equiv and rule.travel is not None:
            equiv = rule.travel(equiv)
        out += [tagged[pos:start], inline.placeholder(next_id, rule.ctype, equiv)]
        spans.append(span)
        pos = end
        next_id += 1
    out.append(tagged[pos:])
    return Masked("".join(out), tuple(spans))


# --- restoring --------------------------------------------------------------------------------

_RENDERERS = {r.name: r.render for r in RULES if r.render is not None}
_PLACEHOLDER = re.compile(r'<x id="(\d+)"(?: ctype="[a-z-]+")?(?: equiv="[^"<>]*")?/>')


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale | None:
    code = lang.replace("-", "_")
    for candidate in (code, code.split("_")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return None


def _target_form(span: Protected, target_lang: str | None) -> str:
    if span.rule == "term" and target_lang is not None:
        return span.replacement
    if span.rule not in _RENDERERS or not target_lang or _LEADING_ZERO.match(span.text):
        # A figure written with a leading zero is a code, a clock time or a phone number
        # ("0230 UTC", "0800 123 456", "007"): it stays exactly as written.
        return span.text
    return _rendered(span.rule, span.text, target_lang)


_LEADING_ZERO = re.compile(r"0\d")


@lru_cache(maxsize=4096)
def _rendered(rule: str, text: str, target_lang: str) -> str:
    # Babel takes tens of microseconds a figure; the same figures recur across articles.
    locale = _locale(target_lang)
    if locale is None:
        return text
    try:
        return inline.escape_text(_RENDERERS[rule](unescape(text), locale))
    except (ValueError, ArithmeticError, KeyError, InvalidOperation):
        return text  # a form Babel cannot write: as written beats a wrong value


def restore(translated: str, masked: Masked, target_lang: str | None) -> Restored:
    """Put the target form of each masked span back in place of its placeholder.

    ``target_lang=None`` restores every span exactly as written, so that
    ``restore(mask(x).text, mask(x), None).text == x``. Placeholders this mask did not create are
    left alone; lost ones are reported in ``missing``, repeated ones in ``duplicated``.
    """
    if not masked.spans:
        return Restored(translated)  # nothing was masked: nothing to put back
    spans = tuple(replace(s, replacement=_target_form(s, target_lang)) for s in masked.spans)
    by_id = {s.id: s.replacement for s in spans}
    seen: Counter[int] = Counter()

    def put_back(m: re.Match[str]) -> str:
        id_ = int(m.group(1))
        if id_ not in by_id:
            return m.group()
        seen[id_] += 1
        return by_id[id_]

    text = _PLACEHOLDER.sub(put_back, translated)
    if (
        target_lang
        and target_lang.split("-")[0].lower() == "ca"
        and any(s.rule == "magnitude-noun" for s in spans)
    ):
        # Catalan elides the "de" a magnitude brings before a vowel: "mil milions d'euros".
        # Only here does the word after the placeholder show; the engine's own text has its
        # elisions made.
        text = _CATALAN_ELISION.sub(r"\1 d'", text)
    return Restored(
        text,
        missing=tuple(i for i in by_id if not seen[i]),
        duplicated=tuple(i for i in by_id if seen[i] > 1),
        spans=spans,
    )


# --- names ------------------------------------------------------------------------------------


def _words_of(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that introduce a name without being part of it. Person titles ("Mr Kalin") make what
# follows a name whatever the oracle says; office titles are only stripped ("President Erdogan").
_PERSON_TITLES = _words_of(
    "Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady Sheikh Imam Ayatollah Rev Fr Mgr Mx"
)
# English honours that Spanish, Catalan and Galician papers print as they are ("Lord Snowdon",
# "Sir Richard Branson"): part of the name, not a title in front of it.
_KEPT_TITLES = _words_of("Sir Dame Lord Lady")
_OFFICE_TITLES = _words_of(
    "President Vice Prime Minister Secretary General Gen Lt Col Maj Capt Cmdr Adm Sgt Brig Sen "
    "Senator Rep Representative Gov Governor Mayor Judge Justice King Queen Prince Princess Emir "
    "Sultan Pope Chancellor Chairman Chairwoman Chief Deputy Foreign Defence Defense Interior "
    "Finance Spokesman Spokeswoman Ambassador Commander Director Colonel Lieutenant Major Captain "
    "Sergeant Officer Premier Crown Speaker Leader Presidential"
)
# Name particles: inside a run only ("Mohammed bin Salman", "Charles de Gaulle").
_PARTICLES = _words_of("al el bin ibn bint de da di del della van von der den du la le ben")
# Function words capitalised at the head of a run ("The White House") are never part of a name.
# Without an oracle, capitalised words that are the engine's to translate: sentence openers,
# calendar words, nationalities, countries, regions and institutions. Small on purpose: a word
# missing here stays in the source language, which is the safe failure.
_OPENERS = _words_of(
    """The A An This That These Those It He She They We I You His Her Their Our Its In On At By
    For From With Without After Before During Since Until But And Or So Yet If When While As
    Although Because Meanwhile However Also Then There Here What Who Why How Where Some Many
    Most All Both Each Every No Not One Two Three Last Next Earlier Later According Under Over"""
)
_CALENDAR = _words_of(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December"""
)
_STOPLIST = (
    _OPENERS
    | _CALENDAR
    | _words_of(
        """Turkish Syrian Russian Iranian Iraqi Kurdish Israeli Palestinian Lebanese Egyptian Saudi
    American British French German Italian Spanish Chinese Japanese Ukrainian European Arab
    Arabic Western Eastern Northern Southern African Asian Muslim Christian Jewish Sunni Shiite
    Turkey Syria Russia Iran Iraq Israel Lebanon Egypt Jordan Ukraine China Japan Germany France
    Britain England Spain Italy Europe Asia Africa America United States Kingdom Nations Union
    Gulf Middle East West North South Arabia Gaza
    UN EU US UK USA NATO UNHCR UNICEF WHO IMF OCHA
    Government Ministry Army Forces Council Security Parliament Congress Senate House Court
    Party Assembly Office Department Agency Police Republic Democratic National International
    Coalition Federation Organization Organisation Commission Committee Bank Church Mosque
    University Hospital Airport Province Region City Street Square Sea River Mount Lake"""
    )
)
_TITLES = _PERSON_TITLES | _OFFICE_TITLES
# Abbreviations that open a place's name with their full stop: "St. Petersburg", "Mt. Everest".
_PLACE_ABBREVIATIONS = _words_of("St Ste Mt Ft Pt")
_WORD = re.compile(r"(?:(?:al|el|ad|ash|as|ar|an|at|az)-)?[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PROTECTING = frozenset({"unknown", "proper-person"})


_LOWER_SUFFIX = re.compile(r"-[a-z]+$")


_PREFIXES = _words_of("Anti Pre Post Pro Non Neo Ex Inter Intra Pan Trans Sub Super Ultra Mid Co")


def _hyphen_parts(word: str) -> tuple[str, ...]:
    """The capitalised parts of a hyphenated word with two or more, less a first part that is a
    combining form ("Franco-", "Austro-": they end in -o); none when it has one capitalised part
    or opens on a prefix ("Inter-American", "Trans-Alaska": the word is then read whole)."""
    parts = [p for p in word.split("-") if p[:1].isupper()]
    if len(parts) < 2 or (word.startswith(parts[0]) and parts[0] in _PREFIXES):
        return ()
    if word.startswith(parts[0]) and parts[0].endswith("o"):
        parts = parts[1:]
    return tuple(parts)


_PARTICLE_PREFIX = re.compile(r"[a-z]{1,3}-[A-Z]")
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")


# Prepositions of four letters or more, which Title Case headlines may leave in lower case.
_TITLE_CASE_SMALL = _words_of(
    "with from into onto over than upon about after before under until near amid among across "
    "against along around behind below beside between beyond during inside outside through "
    "toward towards within without"
)


def _scan(sentence: str) -> tuple[list[tuple[int, int, str, bool]], bool]:
    """One pass over a sentence's words: those that can be part of a name (capitalised ones and
    particles), each with whether it is capitalised, and whether the sentence is in Title Case.

    Words that are neither never join a run of capitalised words: the gap they leave between
    two of these (it holds letters) breaks the run as they would.
    """
    # "U.S." and "U.N." are acronyms the engine knows, not initials of a name: their letters are
    # not words here, so they neither become names nor join the capitalised run after them.
    acronyms = [m.span() for m in _DOTTED_ACRONYM.finditer(sentence)] if "." in sentence else []
    possessives = "'s" in sentence or "’s" in sentence
    found: list[tuple[int, int, str, bool]] = []
    long_words = long_capitalised = 0
    for m in _WORD.finditer(sentence):
        word = m.group()
        if possessives and word.endswith(("'s", "’s")):
            word = word[:-2]
        if word[0].islower() and "-" not in word:  # most words: neither capitalised nor in acronyms
            long_words += len(word) > 3 and word not in _TITLE_CASE_SMALL
            if word in _PARTICLES:
                found.append((m.start(), m.start() + len(word), word, False))
            continue
        start = m.start()
        if acronyms and any(a <= start < b for a, b in acronyms):
            continue
        if len(word) > 3:
            long_words += 1
            long_capitalised += word[0].isupper()
        capitalised = word[0].isupper() if "-" not in word else _is_capitalised(word)
        if capitalised or word in _PARTICLES:
            found.append((start, start + len(word), word, capitalised))
    # Title Case lines (headlines written "Dockers Walk Out Over Automation"; "Talks with China
    # Stall" too: prepositions may stay in lower case). Measured on newstest2013: at 70% a
    # sentence full of names ("in Prague, Chinaski, Support Lesbiens, Illustratosphere with Dan
    # Barta ... will appear") counted as a headline, and its names went unprotected.
    return found, long_words >= 3 and long_capitalised > 0.8 * long_words


def _is_capitalised(word: str) -> bool:
    if "-" not in word:
        return word[0].isupper()
    # "al-Numan" is a name part; "Kurdish-led", "Russian-made" are adjectives; "mid-November" is
    # the engine's: a weekday or month after a lower-case prefix is not a name.
    if _LOWER_SUFFIX.search(word):
        return False
    head, _, rest = word.partition("-")
    if head.islower() and rest in _CALENDAR:
        return False
    return word[0].isupper() or bool(_PARTICLE_PREFIX.match(word))


def detect_names(
    sentences: Sequence[str],
    known: Callable[[str], str] | None = None,
    *,
    prefetch: Callable[[list[str]], object] | None = None,
) -> set[str]:
    """Propose the names to protect in ``sentences`` (tagged text), as written in them.

    A candidate is a run of capitalised words (ALL-CAPS surnames included, name particles between
    them), less the titles in front of it. A lone capitalised word that opens a sentence is one
    only if it also appears capitalised mid-sentence somewhere in ``sentences``.

    ``known(word)`` classifies a word or phrase (see ``Engine.lexicon`` for the classes). A run
    is protected when one of its words is unknown or only a person's name ("Theresa May"), when
    every word may be a person's name ("Grace Young"), or when it holds a multiword proper noun
    ("West Ham United"). The surname of a person found so names that person everywhere in the
    article: "Donald Trump ... Trump said" keeps both. A lone capitalised word the engine knows
    as a common word is left to it unless a title signals a person ("Mr Trump"): measured on
    newstest2013, protecting every word capitalised mid-sentence froze "Constitution", "State",
    "Americans" and cost more BLEU than it saved names. A lone place ("Moscow"), a multiword the
    engine knows whole ("New York") and a run that ends in an institution or a title ("White
    House", "European Union", "Secretary General") go to the engine, which translates them. Other
    runs of ordinary words mid-sentence are names ("Human Rights Watch", "British American
    Tobacco"; see ``_ordinary_words_name``).

    Without ``known`` every word outside a small stoplist counts as unknown. The trade-off:
    multiword institutions missing from the stoplist ("White House") and well-known places
    ("Moscow") are then kept in English; that is a readable, correctable failure, while letting
    the engine translate a person's name ("Theresa May" -> "Theresa Puede") is not.

    ``prefetch``, when given, is called once, before ``known`` is asked anything, with every
    word and phrase ``known`` may be asked about, so that a lexicon can answer them in one batch.
    """
    plains = [inline.plain(s) for s in sentences]
    scanned = [_scan(p) for p in plains]
    # Where each sentence's first letter or figure is: a word before it opens the sentence.
    firsts = [next((i for i, ch in enumerate(p) if ch.isalnum()), len(p)) for p in plains]
    # A segment left whole may hold more sentences ("U-Boats. The Germans were ..."): a word
    # after a sentence's end opens a sentence too.
    starts = [_later_starts(p) for p in plains]

    # Evidence: words capitalised mid-sentence, outside Title Case lines (headlines written
    # "Dockers Walk Out Over Automation" would make every word a name).
    mid_caps = {
        w
        for first, later, (words, title_case) in zip(firsts, starts, scanned, strict=True)
        if not title_case
        for start, _, w, capitalised in words
        if capitalised and start > first and start not in later
    }
    all_runs = [
        list(_capitalised_runs(p, words)) for p, (words, _) in zip(plains, scanned, strict=True)
    ]
    if prefetch is not None and known is not None:
        # Each word of each run, and each phrase a run can shrink to (titles come off the front).
        wanted = [w for runs in all_runs for run in runs for _, _, w in run if w not in _STOPLIST]
        wanted += [p for w in wanted if "-" in w for p in _hyphen_parts(w)]
        wanted += [
            plain[run[i][0] : run[-1][1]]
            for plain, runs in zip(plains, all_runs, strict=True)
            for run in runs
            for i in range(len(run) - 1)
        ]
        prefetch(list(dict.fromkeys(wanted)))

    def classify(word: str) -> str:
        # Weekdays, months, nationalities and countries are the engine's to translate, whatever
        # its dictionary says about them ("March" is also a verb, "Turkey" a bird).
        if word in _STOPLIST:
            return "common"
        if known is None:
            return "common" if word in _OFFICE_TITLES else "unknown"
        if "-" not in word:
            found = known(word)
            if found == "caps-common":
                # "IT", "CAT" the engine would read as "it", "cat": kept, unless the sentence
                # is written in capitals ("FLOODS HIT CITY"), which the engine is to translate
                return "common" if shouting else "unknown"
            return found
        whole = known(word)
        parts = _hyphen_parts(word)
        if not parts or whole == "proper-place":
            return whole
        # The analyser reads a hyphenated word by its first part: "Saint-Etienne" is a name
        # for its second, "Franco-German" an adjective for both.
        protecting = any(p not in _STOPLIST and known(p) in _PROTECTING for p in parts)
        return "unknown" if protecting else "common"

    names: set[str] = set()
    surnames: set[str] = set()
    shouting = False  # is the sentence being read written in capitals?
    for plain, first, later, runs, (_, title_case) in zip(
        plains, firsts, starts, all_runs, scanned, strict=True
    ):
        shouting = title_case and _written_in_capitals(plain)
        for run in runs:
            signalled = kept_head = False
            first_opens = run[0][0] <= first or run[0][0] in later
            if run[0][2] == "The" and len(run) > 1 and not first_opens and not title_case:
                # A capitalised article mid-sentence opens a name ("played with The Tap Tap",
                # "told The Guardian"), unless the engine knows it whole ("The Hague") or the
                # line capitalises every word ("Crowds Gather for The Big Match").
                text = plain[run[0][0] : run[-1][1]]
                if known is None or classify(text) != "proper-place":
                    names.add(text)
                    continue
            if known is not None and _ends_in_known_place(plain, run, classify):
                continue  # "New Zealand", "North Carolina" are not "New"/"North" and a name
            unstripped, opened = run, first_opens  # before titles and ordinary words come off
            ordinary_opener = False
            while run:
                head = run[0][2]
                if (head in _KEPT_TITLES and len(run) > 1) or (
                    # "A" after a title or in front of a name mid-sentence is an initial, not
                    # the article: "Mrs A.", "the lecture of A Sternfeld".
                    head == "A"
                    and not title_case
                    and (
                        signalled
                        or (len(run) > 1 and not first_opens and classify(run[1][2]) in _PROTECTING)
                    )
                ):
                    signalled = kept_head = True
                    break
                # Titles, nationalities and institutions in front of a name are the engine's:
                # "Syrian President Bashar Al Assad" protects "Bashar Al Assad" only.
                if head in _TITLES or head in _STOPLIST:
                    signalled = signalled or head in _PERSON_TITLES
                elif (
                    first_opens
                    and head not in mid_caps
                    and (len(run) == 1 or head in _STOPLIST or classify(head) == "common")
                ):
                    # an ordinary word capitalised because it opens the sentence
                    ordinary_opener = True
                else:
                    break
                run = run[1:]
                first_opens = False
            # Ordinary words in front of a name are the engine's: "Squadron Leader Dilokrit
            # Pattavee", "Tropical Cyclone Gonu" protect the name only.
            while not kept_head and len(run) > 1 and run[0][2] not in _PARTICLES \
                    and classify(run[0][2]) == "common" \
                    and any(classify(w) in _PROTECTING for _, _, w in run[1:]):  # fmt: skip
                run = run[1:]
            classes = [classify(w) for _, _, w in run if w not in _PARTICLES]
            if not classes:
                continue
            text = plain[run[0][0] : run[-1][1]]
            whole = classify(text) if len(run) > 1 and known is not None else ""
            if whole == "proper-place" and not signalled:
                continue  # a multiword the engine knows whole: "New York", "United Nations"
            longer = (
                _with_ordinary_heads(plain, unstripped, len(run), classify)
                if known is not None and not title_case and not opened
                else None
            )
            if (
                signalled
                or whole in ("proper-person", "proper-inside")  # "West Ham United"
                or _PROTECTING.intersection(classes)
                # Every word may be a person's name: "Grace Young", "Will Fisher".
                or (len(classes) > 1 and set(classes) <= {"person-or-common", "proper-person"})
                # A word said twice is no phrase of the language: "Tap Tap", "Bora Bora".
                or any(a[2] == b[2] for a, b in pairwise(run))
            ):  # fmt: skip
                names.add(longer or text)
                person = signalled or "proper-person" in classes or "person-or-common" in classes
                if len(classes) > 1 and person and classes[-1] != "unknown":
                    # The surname alone names the same person elsewhere: "May said".
                    surnames.add(run[-1][2])
            elif longer or (known is not None and not title_case and _ordinary_words_name(
                [w for _, _, w in run], first_opens or ordinary_opener, whole
            )):  # fmt: skip
                names.add(longer or text)
    return names | surnames


def _written_in_capitals(plain: str) -> bool:
    """Are most of the words of ``plain`` (two letters or more) written in capitals?"""
    words = [w for w in _WORD.findall(plain) if len(w) > 1]
    return bool(sum(w.isupper() for w in words) * 2 > len(words))


def _ordinary_words_name(words: list[str], opens: bool, whole: str) -> bool:
    """Is a run of capitalised ``words`` a name made of words the engine knows, which it would
    translate word by word ("Human Rights Watch", "Evening Standard", "Kentucky Fried Chicken")?

    Yes for a run of two words or more, not opening the sentence, that the engine does not know
    as one phrase (``whole``), whose last word is neither an institution it translates ("White
    House", "European Union", "Security Council": the stoplist) nor a title ("Attorney
    General"). Measured on newstest2013 (en-es), with ``_with_ordinary_heads``: copy fidelity
    from 94.7% to 97.1%, BLEU and chrF still above the raw engine's. The cost: organisations
    the reference translates ("Federal Migration Service", "Champions League") stay in English.
    """
    names = [w for w in words if w not in _PARTICLES]
    return (
        not opens
        and whole == "phrase"
        and len(names) > 1
        and names[-1] not in _STOPLIST
        and names[-1] not in _TITLES
    )


def _with_ordinary_heads(
    plain: str, run: list[tuple[int, int, str]], kept: int, classify: Callable[[str], str]
) -> str | None:
    """The whole of a mid-sentence ``run`` whose first words came off as nationalities or
    ordinary words (``kept`` words were left), when they belong to the name: "British American
    Tobacco", "Southern African Large Telescope", "Large Binocular Telescope". Not when the run
    holds a title or a sentence opener ("Syrian President Bashar Al Assad" names "Bashar Al
    Assad"), ends in an institution the engine translates, or is a phrase the engine knows."""
    if len(run) <= max(kept, 1) or run[-1][2] in _STOPLIST:
        return None
    if any(w in _TITLES or w in _OPENERS for _, _, w in run):
        return None
    text = plain[run[0][0] : run[-1][1]]
    return text if classify(text) == "phrase" else None


def _ends_in_known_place(
    plain: str, run: list[tuple[int, int, str]], classify: Callable[[str], str]
) -> bool:
    """Does ``run`` end in a place the engine knows whole (two words or more), with only
    ordinary words before it ("the A1GP New Zealand team": "GP" comes off "A1GP")?"""
    for i in range(len(run) - 1):
        if classify(plain[run[i][0] : run[-1][1]]) == "proper-place":
            return all(classify(w) == "common" for _, _, w in run[:i])
    return False


# A sentence's end: the word before it (empty after a figure or a bracket), the mark, closers,
# blanks, and whatever comes before the next sentence's first letter or figure. The lookbehind
# starts a match only where a word starts: without it every letter of every word is tried.
_SENTENCE_END = re.compile(r"(?<![^\W\d_])([^\W\d_]*)([.!?…])[\"'”’»)\]]*\s+\W*(?=[^\W_])")


def _later_starts(plain: str) -> frozenset[int]:
    """Where the sentences after the first of ``plain`` start (their first letter or figure).

    Not a quotation's first word: measured on newstest2013, treating it as a sentence's cost
    more quoted names and titles the reference keeps than it won back."""
    if not any(mark in plain for mark in ".!?…"):
        return frozenset()
    found = set()
    for m in _SENTENCE_END.finditer(plain):
        word, mark = m.group(1), m.group(2)
        # "Mr. Kalin", "St. Petersburg", "George W. Bush", "U.S. troops": no sentence end
        if mark == "." and (word in _TITLES or word in _PLACE_ABBREVIATIONS or len(word) == 1):
            continue
        found.add(m.end())  # the next sentence's first letter or figure
    return frozenset(found)


def _capitalised_runs(
    plain: str, words: list[tuple[int, int, str, bool]]
) -> Iterator[list[tuple[int, int, str]]]:
    """Runs of capitalised words separated by blanks only, particles allowed inside (``words``
    as ``_scan`` gives them)."""
    run: list[tuple[int, int, str]] = []

    def close() -> Iterator[list[tuple[int, int, str]]]:
        while run and run[-1][2] in _PARTICLES:
            run.pop()
        if run:
            yield list(run)
        run.clear()

    for start, end, word, capitalised in words:
        if not run:
            if capitalised:
                run.append((start, end, word))
            continue
        gap = plain[run[-1][1] : start]
        # "Mr. Kalin", "George W. Bush": a title or an initial may keep its full stop.
        dotted = gap == ". " and (
            run[-1][2] in _TITLES or run[-1][2] in _PLACE_ABBREVIATIONS or len(run[-1][2]) == 1
        )
        joined = gap in (" ", "\u00a0") or dotted
        if capitalised or (joined and word in _PARTICLES):
            if not joined:
                yield from close()
            run.append((start, end, word))
        else:
            yield from close()
    yield from close()
