"""Figures in the target's conventions: numbers, percentages, measures, amounts, magnitudes.

Each ``render_*`` function takes the plain text of a span its rule found (English conventions:
"1,300.5", "$3.4bn", "70 per cent") and a target locale, and writes it as CLDR says that locale
does (via Babel), with Western digits everywhere, Arabic included: most Arab newsrooms print
them. A form Babel cannot write raises (``ValueError``, ``ArithmeticError``...): the caller then
keeps the span as written.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from babel import Locale
from babel import numbers as babel_numbers
from babel import units as babel_units

from tarjama.languages import CATALAN_ELIDING
from tarjama.protect.base import reread

# English figures: 1,300 or 1300, optionally with decimals. Not glued to letters ("A320", "F-16",
# "COVID-19") and not an ordinal ("24th": Apertium writes "24.º" itself).
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUM_START = r"(?<![\w.,])(?<![A-Za-z]-)"
NUM_END = r"(?![\w]|[.,]\d)"

# CLDR's minimumGroupingDigits where it is not 1 ("1300" but "13.000" in Spanish). Babel 2.18
# does not carry this field, so it lives here.
_MIN_GROUPING = {"es": 2, "pl": 2, "pt_PT": 2}


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


def render_number(text: str, locale: Locale) -> str:
    value, grouped, decimals = _parse_number(text)
    return str(
        babel_numbers.format_decimal(value, _pattern(value, grouped, decimals, locale), locale)
    )


PERCENT = re.compile(rf"{NUM_START}({NUM})(?:\s?%|\s(?:per\s?cent|percent)\b)")


# CLDR's long percent for Galician is the administrative "tanto por cento"; the press writes
# "%" (FLORES' Galician references do, 7 times out of 7), so Galician keeps the sign.
_PERCENT_SIGN_ONLY = frozenset({"gl"})


def render_percent(text: str, locale: Locale) -> str:
    """A figure with a percent sign in the target's percent format ("70 %"), one with words
    ("70 per cent") in the target's words ("70 por ciento"), as CLDR writes each: the author's
    choice is kept."""
    m = reread(PERCENT, text)
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
MEASURE = re.compile(
    rf"{NUM_START}({NUM})[ \u00a0]?"
    rf"({'|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))})(?![\w-])"
)


def render_measure(text: str, locale: Locale) -> str:
    m = reread(MEASURE, text)
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
CURRENCY = re.compile(
    rf"(?<![\w$])({'|'.join(sorted(map(re.escape, CURRENCIES), key=len, reverse=True))})\s?"
    rf"({NUM})(?:\s?({'|'.join(sorted(MAGNITUDES, key=len, reverse=True))}))?{NUM_END}"
)


def render_currency(text: str, locale: Locale) -> str:
    m = reread(CURRENCY, text)
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
# figure alone (``figure_of``).
MAGNITUDE = re.compile(
    rf"{NUM_START}({NUM})(m|mn|bn|k|\s(?:thousand|million|billion|trillion))\b"
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
MAGNITUDE_NOUN = re.compile(
    # not after "a": "a 2bn budget" is a budget of 2 billion, "de" comes before the figure there
    r"(?<!\ba )(?<!\ban )"
    + MAGNITUDE.pattern.replace(r"|\s(?:thousand|", r"|\s(?:")
    + rf"(?=\s+(?!(?:{'|'.join(_NOT_NOUNS.split())})\b)[a-z])"
)
_FIGURE = re.compile(NUM)
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


def render_magnitude(text: str, locale: Locale) -> str:
    m = reread(MAGNITUDE, text)
    value, _, decimals = _parse_number(m.group(1))
    return _with_scale(value, decimals, MAGNITUDES[m.group(2).strip()], locale)


def render_magnitude_noun(text: str, locale: Locale) -> str:
    of = _OF_BEFORE_NOUN.get(locale.language)
    rendered = render_magnitude(text, locale)
    return f"{rendered} {of}" if of else rendered


def figure_of(text: str) -> str:
    """The figure of a magnitude ("10" of "10 billion"): what the engine sees of it."""
    m = _FIGURE.search(text)
    return m.group() if m else text


# "de" before such a word, only where a magnitude put it: after the magnitude's words.
_CATALAN_ELISION = re.compile(
    rf"\b(milions|milió|bilions|bilió|mil) de (?={CATALAN_ELIDING})", re.IGNORECASE
)


def elide_catalan(text: str) -> str:
    """Catalan elides the "de" a magnitude brings before a vowel: "mil milions d'euros". Only
    once the magnitude is back does the word after it show; the engine's own text has its
    elisions made."""
    return _CATALAN_ELISION.sub(r"\1 d'", text)
