"""Dates in the target's conventions: "March 3, 2021" -> "3 de marzo de 2021".

Only a month name with a day or a year is a date: weekdays and lone month names are the
engine's to translate.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from babel import Locale
from babel import dates as babel_dates

from tarjama.protect.base import reread

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


def find_dates(text: str) -> Iterator[tuple[int, int]]:
    if not _MONTH_START.search(text):
        return
    for m in _DATE.finditer(text):
        year, month, day = _date_parts(m)
        try:
            dt.date(year or 2000, month, day or 1)  # 2000: a leap year lets "February 29" pass
        except ValueError:
            continue  # "June 31" is a typo for the engine and the editor, not a date
        yield m.span()


def render_date(text: str, locale: Locale) -> str:
    m = reread(_DATE, text)
    year, month, day = _date_parts(m)
    if year is not None and day is not None:
        written = babel_dates.format_date(dt.date(year, month, day), "long", locale=locale)
    elif day is not None:
        written = babel_dates.format_skeleton("MMMMd", dt.date(2000, month, day), locale=locale)
    else:
        written = babel_dates.format_skeleton("yMMMM", dt.date(year or 0, month, 1), locale=locale)
    if locale.language == "ca":
        # Babel writes "7 d’octubre del 2007"; the engine's own Catalan, as the IEC's full
        # dates, "7 d'octubre de 2007" (FLORES dev: 5 lines made worse by the other form)
        written = _CATALAN_YEAR.sub(r"\1de ", written.replace("’", "'"))
    return str(written)


_CATALAN_YEAR = re.compile(r"(\S )del (?=\d{4}$)")
