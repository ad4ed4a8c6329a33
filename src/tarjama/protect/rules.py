"""The span rules, in priority order: what an engine must not translate, and how it comes back.

Each rule is one entry in ``RULES`` (see ``tarjama.protect.base.Rule``): a name, the ctype its
placeholders carry, a pattern (or a finder function where a pattern cannot say it), flags and a
renderer. The order of the table is the priority: a span already taken by an earlier rule is
never matched again. Two rules are made per call, from the caller's data: the article's names
(``name_rule``) and the glossary's terms (``term_rule``); they go in at ``NAME_RULE_AT``.

To protect a new kind of span, add a ``Rule`` to ``RULES`` where its priority lies; a renderer
goes with the figures (``numbers``) or the dates (``dates``) when the span changes form in the
target.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from tarjama import inline
from tarjama.credits import AGENCIES
from tarjama.protect.base import Rule
from tarjama.protect.dates import find_dates, render_date
from tarjama.protect.numbers import (
    CURRENCY,
    MAGNITUDE,
    MAGNITUDE_NOUN,
    MEASURE,
    NUM,
    NUM_END,
    NUM_START,
    PERCENT,
    figure_of,
    render_currency,
    render_magnitude,
    render_magnitude_noun,
    render_measure,
    render_number,
    render_percent,
)


def _credit_pattern(agencies: Iterable[str]) -> re.Pattern[str]:
    """A credit line naming one of ``agencies`` (``tarjama.credits``: data, so a newsroom can add
    its own), with its photographer: "(AP Photo/Evan Vucci)", "/ AFP / Omar HAJ KADOUR"."""
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

_FILE = re.compile(
    r"(?<![\w@./-])[\w-]+(?:\.[\w-]+)*\.(?i:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|txt|csv|json|xml"
    r"|zip|gz|tar|7z|rar|jpe?g|png|gif|webp|svg|tiff?|mp3|mp4|m4a|mov|avi|wav|exe|dmg|apk|iso)"
    r"(?![\w.-]|\.\w)"
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
    # A file's name by its extension: "report.pdf", "budget_2024.xlsx" (an engine reads the
    # dot as a sentence's end: "informe leído.Pdf").
    Rule("file", "file", _FILE, trigger=re.compile(r"\.\w")),
    Rule("handle", "handle", re.compile(r"(?<![\w@.])@\w{1,30}\b"), trigger=re.compile("@")),
    Rule("hashtag", "hashtag", re.compile(r"(?<![\w#&])#[^\W\d_]\w*"), trigger=re.compile("#")),
    # Codes that mix letters and figures are names of things: "Meteor-1A", "I/43", "F-16",
    # "COVID-19", "A320". They stay as written (the engine would translate their words).
    Rule("code", "code", _CODE, trigger=_DIGIT),
    # (the caller's names go here: see mask)
    Rule("date", "date", find_dates, render_date, english_only=True, trigger=_DIGIT),
    Rule("percent", "number", PERCENT, render_percent, english_only=True, trigger=_DIGIT),
    Rule("currency", "number", CURRENCY, render_currency, english_only=True, trigger=_DIGIT),
    Rule(
        "magnitude-noun",
        "number",
        MAGNITUDE_NOUN,
        render_magnitude_noun,
        english_only=True,
        trigger=_DIGIT,
        travel=figure_of,
    ),
    Rule(
        "magnitude",
        "number",
        MAGNITUDE,
        render_magnitude,
        english_only=True,
        trigger=_DIGIT,
        travel=figure_of,
    ),
    Rule("measure", "number", MEASURE, render_measure, english_only=True, trigger=_DIGIT),
    # Clock times and scores keep their form; the engine still sees a number.
    Rule("time", "number", re.compile(rf"{NUM_START}\d{{1,2}}:\d{{2}}{NUM_END}"), trigger=_DIGIT),
    Rule(
        "number",
        "number",
        re.compile(rf"{NUM_START}{NUM}{NUM_END}"),
        render_number,
        english_only=True,
        trigger=_DIGIT,
    ),
)
NAME_RULE_AT = 5


def name_rule(names: Iterable[str]) -> Rule | None:
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
            if not (start and inline.is_word_char(text[start - 1])) and not _glued_after(text, end):
                hits.append((start, end))
            start = text.find(name, start + 1)
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    pos = 0
    for start, end in hits:
        if start >= pos:
            yield start, end
            pos = end


def _glued_after(text: str, end: int) -> bool:
    """Does a word character, blanks and then a figure, or a hyphen and a figure ("RM-1A": a
    code) follow ``end``?"""
    if end == len(text):
        return False
    if text[end] == "-":
        return end + 1 < len(text) and text[end + 1].isdecimal()
    if not text[end].isspace():
        return inline.is_word_char(text[end])
    while end < len(text) and text[end].isspace():
        end += 1
    return end < len(text) and text[end].isdecimal()


@functools.lru_cache(maxsize=64)
def term_rule(terms: frozenset[tuple[str, str, bool]]) -> Rule | None:
    """Glossary terms (source, target, case-sensitive), longest first; "term" spans carry their
    target in ``Protected.replacement`` from the start."""
    ordered = sorted(terms, key=lambda t: len(t[0]), reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(
        re.escape(src) if case else f"(?i:{re.escape(src)})" for src, _, case in ordered
    )
    return Rule("term", "term", re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))
