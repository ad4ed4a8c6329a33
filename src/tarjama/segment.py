"""Sentence splitting for news prose: pysbd's Golden Rules, with newsroom rules on top.

A paragraph arrives as tarjama's tagged text (see ``tarjama.inline``). pysbd reads a *view* of it
(tags removed, entities unescaped) and proposes sentence ends; each proposal then has to pass the
news rules below before it becomes a cut in the tagged text:

- a cut sits after the whitespace that follows a sentence, so the whitespace stays with the
  sentence before it and ``"".join(split_sentences(t)) == t`` always holds;
- a cut never lands inside a tag, an entity or a ``<g>`` pair, so every segment is balanced;
- a quotation opened with “ or " is one segment until it closes: an engine must never see half a
  quote (news style leaves a quote open at the end of a paragraph that the next one continues, so
  an unclosed quote runs to the end of the paragraph);
- titles (Mr., Gen., Sen., St.), month abbreviations before a day, "U.S. President...", initials
  ("George W. Bush", "J. K. Rowling") and a next sentence that starts in lower case do not end a
  sentence; "?” Erdogan asked." is one sentence too;
- a dateline that opens a paragraph ("LOS ANGELES (Reuters) -", "GROSSETO, Italy (AP) --",
  "LONDON, March 3 -") is two segments of its own, the place (and date) and the agency and
  dash: in the sentence the engine moved it ("(Reuters) de LOS ÁNGELES -"); so it keeps its
  order, and its place and date are translated ("LONDRES, 3 de marzo -").
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

import pysbd
from pysbd.lang.english import English
from pysbd.languages import LANGUAGE_CODES

from tarjama import inline

__all__ = ["split_paragraphs", "split_sentences"]

# Same grammar as tarjama.inline. A standalone placeholder reads as U+FFFC, a word-like character:
# it may stand for a masked name or number that starts the next sentence.
_TAG = inline.TAG
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#[xX][0-9A-Fa-f]+);")


def _words_of(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Never the last word of a sentence in news copy: a name or a number always follows.
_TITLES = _words_of(
    "Mr Mrs Ms Messrs Dr Prof Gen Lt Col Maj Capt Cmdr Adm Sgt Cpl Pvt Brig Sen Rep Gov Supt "
    "Insp Rev Fr Hon Pres St Mt Ft No Nos Art vs "
    # pysbd's Spanish rules miss these; harmless in any other language
    "Sr Sra Srta Sres Dra Lic Ing"
)
# Month abbreviations (AP style) end a sentence only when no day number follows.
_MONTHS = _words_of("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")
# Abbreviations that may end a sentence: they do not when the next word is lower case or a number.
_ENDERS = _words_of(
    "U.S. U.K. U.N. E.U. U.S.A. a.m. p.m. Inc. Ltd. Co. Corp. Bros. etc. Jr. Sr. Ph.D."
)
_COUNTRY_ABBREVIATIONS = _words_of("U.S. U.K. U.N. E.U.")
# Capitalised words that "U.S." modifies far more often than it ends a sentence before them.
_AFTER_COUNTRY = _words_of(
    "President Vice Secretary Senate Senator House Congress Army Navy Air Marine Marines Coast "
    "Ambassador Embassy Department State Defense Treasury Justice Supreme Federal Attorney Special "
    "Central Security General Forces Open Election Elections Census Commerce Trade"
)
# Attribution after a quoted question or exclamation: "“Why now?” Erdogan asked."
_SPEECH_VERB = re.compile(
    r"^(?:\S+\s+){0,3}?(?:said|says|asked|asks|added|adds|told|tells|wrote|writes|tweeted|"
    r"shouted|replied|insisted|warned|declared|cried)\b"
)
_OBJECT = "\ufffc"
_CLOSERS = "”’\"')]»"
_LAST_WORD = re.compile(r"(\S+)\s*$")


@dataclass(frozen=True)
class _View:
    """The text pysbd reads, with where each of its characters lies in the tagged text."""

    text: str
    ends: tuple[int, ...]
    """Tagged offset just after view character i."""
    tag_ends: tuple[int, ...]
    """Offsets just after each tag, in order; depths[k] is the <g> depth after tag k."""
    depths: tuple[int, ...]


def _view(tagged: str) -> _View:
    chars: list[str] = []
    ends: list[int] = []
    tag_ends: list[int] = []
    depths: list[int] = []
    depth = 0

    def add_text(start: int, stop: int) -> None:
        text, starts = inline.unescape_offsets(tagged, start, stop)
        chars.append(text)
        ends.extend(starts[1:])
        if starts:
            ends.append(stop)

    pos = 0
    for m in _TAG.finditer(tagged):
        add_text(pos, m.start())
        tag = m.group()
        if tag.startswith("<x"):
            chars.append(_OBJECT)
            ends.append(m.end())
        else:
            depth += 1 if tag.startswith("<g") else -1
        tag_ends.append(m.end())
        depths.append(depth)
        pos = m.end()
    add_text(pos, len(tagged))
    return _View("".join(chars), tuple(ends), tuple(tag_ends), tuple(depths))


def _depth_at(view: _View, offset: int) -> int:
    k = bisect_right(view.tag_ends, offset)
    return view.depths[k - 1] if k else 0


def _quote_open(text: str) -> list[bool]:
    """For each position i: is a quotation open just before text[i]?"""
    state: list[bool] = []
    curly = 0
    straight = False
    for i, ch in enumerate(text):
        state.append(curly > 0 or straight)
        if ch == "“":
            curly += 1
        elif ch == "”":
            curly = max(0, curly - 1)
        elif ch == '"':
            if straight:
                straight = False
            else:
                # An opening straight quote follows a blank or an opening bracket and precedes a
                # word; anything else (5'11", a stray mark) would swallow the rest of the text.
                before = text[i - 1] if i else " "
                after = text[i + 1] if i + 1 < len(text) else " "
                straight = (before.isspace() or before in "([{—–“") and not after.isspace()
    state.append(curly > 0 or straight)
    return state


_CASE_FOLDS_TO_ASCII = re.compile("[\u017f\u212a\u0130\u0131]")


class _EnglishAbbreviations(English.AbbreviationReplacer):  # type: ignore[misc]
    """pysbd's English abbreviation pass, without the abbreviations that cannot change the text.

    The pass tries each of some 190 abbreviations with a few regexes wherever its letters occur
    ("is", "man", "co": in most sentences), and all it ever changes is the full stop right after
    an abbreviation (to "∯"). An abbreviation without dots whose "abbr." does not occur in any
    case is therefore skipped, with the same result, in text without the four letters outside
    ASCII that ``re.IGNORECASE`` matches to ASCII ones (ſ, K, İ, ı).
    """

    def search_for_abbreviations_in_string(self, text: str) -> str:
        if _CASE_FOLDS_TO_ASCII.search(text):
            return str(super().search_for_abbreviations_in_string(text))
        lowered = text.lower()
        # The rest is pysbd's own loop (0.3.4), over the abbreviations that may apply.
        for abbr in self.lang.Abbreviation.ABBREVIATIONS:
            stripped = abbr.strip()
            if stripped not in lowered or ("." not in stripped and stripped + "." not in lowered):
                continue
            abbrev_match = re.findall(rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE)
            if not abbrev_match:
                continue
            next_word_start = r"(?<={" + str(re.escape(stripped)) + "} ).{1}"
            char_array = re.findall(next_word_start, text)
            for ind, match in enumerate(abbrev_match):
                text = self.scan_for_replacements(text, match, ind, char_array)
        return text


class _English(English):  # type: ignore[misc]
    AbbreviationReplacer = _EnglishAbbreviations


_LOCAL = threading.local()


def _segmenter(lang: str) -> pysbd.Segmenter:
    # pysbd keeps the text being split on the segmenter while it works: one per thread, so that
    # the service's concurrent requests never split each other's paragraphs.
    cache: dict[str, pysbd.Segmenter] = _LOCAL.__dict__.setdefault("segmenters", {})
    code = lang.split("-")[0].lower()
    if code not in cache:
        code_used = code if code in LANGUAGE_CODES else "en"
        segmenter = pysbd.Segmenter(language=code_used, clean=False)
        if code_used == "en":
            segmenter.language_module = _English
        cache[code] = segmenter
    return cache[code]


# Somewhere a sentence could end before the end of the text: a terminator, closers, a blank and
# more text. Paragraphs without one are a single sentence and need no segmenter (most news
# paragraphs of one sentence, every headline), which keeps pysbd off the hot path.
_CANDIDATE_END = re.compile(r"[.!?…;:][\"'”’)\]]*\s+\S")


def _proposed_ends(text: str, lang: str) -> list[int]:
    """Where pysbd ends sentences, as view offsets (the last one excluded)."""
    if not _CANDIDATE_END.search(text):
        return []
    plain = _plain_ends(text, lang)
    return plain if plain is not None else _pysbd_ends(text, lang)


def _pysbd_ends(text: str, lang: str) -> list[int]:
    """Where pysbd ends sentences, as view offsets (the last one excluded)."""
    ends: list[int] = []
    cursor = 0
    for sentence in _pysbd_segment(text, lang):
        body = sentence.strip()
        found = text.find(body, cursor) if body else -1
        if found >= 0:
            cursor = found + len(body)
            ends.append(cursor)
    return ends[:-1]


# English prose whose every full stop ends a sentence plainly: after a word of two letters or
# more that is no abbreviation, before one space and a capitalised word. Its sentences end
# exactly there, as pysbd ends them (checked on the newstest2013 and FLORES dev sentences run
# together in paragraphs), at a fraction of pysbd's cost, which is most of the splitting's.
# Anything else (quotes, brackets, figures with points, "?", "!", initials, other blanks)
# goes to pysbd.
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9 ,;:'’%$&/.-]*")
_PLAIN_STOP = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,})\. (?=[A-Z][a-z])")
_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS) | {
    w.lower() for w in _TITLES | _MONTHS
}


def _plain_ends(text: str, lang: str) -> list[int] | None:
    """The sentence ends of plain English prose (as ``_proposed_ends``), or None when the text
    is not plain enough to end its sentences without pysbd."""
    if lang.split("-")[0].lower() != "en" or not _PLAIN_TEXT.fullmatch(text):
        return None
    body = text.rstrip()
    ends = []
    for m in _PLAIN_STOP.finditer(body):
        word = m.group(1)
        if word.lower() in _ABBREVIATIONS or word.isupper():
            return None
        ends.append(m.end(1) + 1)
    # every full stop but a last one at the end is one of these
    stops = body.count(".") - body.endswith(".")
    if stops != len(ends) or body.endswith(("..", " .")) or body.startswith((" ", ".")):
        return None
    return ends


def _pysbd_segment(text: str, lang: str) -> list[str]:
    """``pysbd.Segmenter.segment(text)``: pysbd's sentences, each with the blanks after it, those
    it cannot find in the text left out. pysbd finds them with one new regex per sentence, which
    costs a compilation each time and pushes the patterns it uses over and over out of ``re``'s
    cache; plain string search finds the same places."""
    if not text:
        return []
    segmenter = _segmenter(lang)
    found: list[str] = []
    prior_end = 0
    for sentence in segmenter.processor(text).process():
        # The first match of ``re.escape(sentence) + r"\s*"`` that ends after the previous one.
        pos = 0
        while (start := text.find(sentence, pos)) >= 0:
            end = start + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior_end:
                found.append(text[start:end])
                prior_end = end
                break
            pos = end if end > start else start + 1
    return found


def _keeps_going(text: str, end: int, start: int) -> bool:
    """Do the news rules say that the sentence ending at ``end`` goes on at ``start``?"""
    nxt = text[start:]
    first = nxt[:1]
    if first.islower() or not first:
        return True
    match = _LAST_WORD.search(text, 0, end)
    last = match.group(1).lstrip("“\"'‘([") if match else ""
    stem = last[:-1]
    if last.endswith("."):
        if stem in _TITLES or (stem in _MONTHS and first.isdigit()):
            return True
        if last in _ENDERS and first.isdigit():
            return True
        if last in _COUNTRY_ABBREVIATIONS and _first_word(nxt) in _AFTER_COUNTRY:
            return True
        if re.fullmatch(r"[A-Z]\.", last) and first.isupper() and match is not None:
            before = _LAST_WORD.search(text, 0, match.start())
            prev = before.group(1) if before else ""
            # "George W. Bush", "J. K. Rowling": an initial after a name, another initial or
            # nothing, before a capitalised word; "vitamin C. The" still ends a sentence.
            if not prev or prev[-1] in ".!?" or prev[:1].isupper():
                return True
    return bool(re.search(r"[?!][”\"]$", last) and _SPEECH_VERB.match(nxt))


def _first_word(text: str) -> str:
    return re.split(r"[\s,;:]", text, maxsplit=1)[0]


def split_sentences(tagged: str, lang: str = "en") -> list[str]:
    """Split one paragraph of tagged text into sentences.

    Whitespace between sentences stays at the end of the sentence before it, so the segments
    rejoin to exactly ``tagged``; each segment is balanced tagged text. Raises ``EngineError``
    (from ``tarjama.inline.parse``) if the tags in ``tagged`` are unbalanced.
    """
    dateline = _DATELINE.match(tagged)
    if dateline is not None and dateline.end() < len(tagged):
        place = dateline.group("place")
        return [place, tagged[len(place) : dateline.end()],
                *split_sentences(tagged[dateline.end() :], lang)]  # fmt: skip
    if not _CANDIDATE_END.search(inline.plain(tagged)):  # also checks that tags balance
        return [tagged] if tagged else []
    view = _view(tagged)
    text = view.text
    if not text.strip():
        return [tagged] if tagged else []
    quoted = _quote_open(text)
    cuts: list[int] = []
    for end in _proposed_ends(text, lang):
        # A closing quote or bracket pysbd left to the next sentence belongs to this one.
        while end < len(text) and text[end] in _CLOSERS and not quoted[end + 1]:
            end += 1
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
        if start == end or start >= len(text) or quoted[end]:
            continue
        if _keeps_going(text, end, start):
            continue
        cut = view.ends[start - 1]
        # A pair that closes right after the blank closes before the cut.
        while tagged.startswith("</g>", cut):
            cut += len("</g>")
        if _depth_at(view, cut) == 0 and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    bounds = [0, *cuts, len(tagged)]
    return [tagged[a:b] for a, b in pairwise(bounds) if b > a]


# A place in capitals, maybe a region or country and a date after commas, maybe an agency in
# brackets, then a dash: "NEW YORK, March 3 (Reuters) - ", "GROSSETO, Italy (AP) -- ".
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+)*"
    r"(?:, [A-Z][a-zA-Z.'’-]+(?: [A-Z][a-zA-Z.'’-]+)*)*"
    r"(?:,? (?:Jan|Feb|March|April|May|June|July|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.? \d{1,2})?)"
    r"(?: \([A-Za-z][\w .&/-]{0,30}\))?"
    r" ?(?:--|-|—|–) +(?=[A-Z0-9\"“‘'(<&])"  # then a sentence starts
)


def split_paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines; each is stripped, empty ones dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
