"""Headlines written for the engine to read, and written back in the target's headline style.

Two things make a headline the worst translated line of an article, though it is the most read:

- **Title Case.** "Farmers Protest New Water Rules Outside Parliament": the engine reads every
  capitalised word as a name ("Los labradores Protestan el agua Nueva Gobierna"). A Title Case
  line is cased down before the engine (``case_down``), except for the words that are names: those
  the article itself capitalises mid-sentence, those the engine's dictionary knows only as names
  (or does not know at all), months and weekdays, and acronyms.
- **Headlinese.** Headlines drop articles and auxiliaries, and the engine's tagger needs them to
  tell a verb from a noun: "Port workers end strike" was "Huelga de fin de trabajadores
  portuaria", "Storm hits coast" "Costa de golpes de la tormenta". ``expand`` writes the
  headline out as a sentence ("The port workers end the strike", "The minister will visit the
  flood zone", "The man was killed in the motorway crash"), reading each word's parts of
  speech from the engine's analyser (the lexicon's ``TAGS`` questions); a headline it cannot
  read as subject and verb is left as it is.

The engine's output is then written in the target's headline style (``finish``): sentence case,
as Spanish, Catalan, Galician and most languages write headlines.

On the headline test set in ``tests/headlines/`` (60 headlines with references written for it),
chrF against raw Apertium rose from 43.2 to 50.8 into Spanish, 38.8 to 45.5 into Catalan and
43.0 to 49.1 into Galician.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from tarjama import inline
from tarjama.protect.sentences import read_sentence
from tarjama.protect.wordlists import CALENDAR

TAG_NAMES = ("name", "noun", "noun-pl", "aux", "verb", "verb-s", "verb-past", "verb-pp",
             "verb-ing", "adj", "det", "prep", "pron", "num", "adv", "conj", "unknown")  # fmt: skip
"""The coarse parts of speech a lexicon's ``TAGS`` answers are made of."""
PARTS = frozenset(TAG_NAMES)

Tags = Callable[[str], frozenset[str]]
"""A word's parts of speech (empty when the engine cannot tell)."""

# The classes a lexicon gives a name's word: kept capitalised when a headline is cased down.
_NAME_CLASSES = frozenset({"unknown", "proper-person", "proper-place", "demonym", "caps-common"})
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\d,.]*\w*")


def title_case(tagged: str) -> bool:
    """Is the line written in Title Case ("Dockers Walk Out Over Automation"), not in capitals?"""
    sentence = read_sentence(tagged)
    return sentence.title_case and not sentence.shouting


def words(tagged: str) -> list[str]:
    """The words of a line (tagged text), as ``case_down`` and ``expand`` read them."""
    return _WORD.findall(inline.plain(tagged))


_PHRASE_NAMES = frozenset({"proper-person", "proper-place", "proper-inside"})


def questions(tagged: str) -> list[str]:
    """What ``case_down`` asks a lexicon about a line: its words, and each run of two or three
    capitalised words (a multiword name the engine knows: "New York", "Sierra Leone")."""
    found = words(tagged)
    for m in _CAPITALISED_RUN.finditer(inline.plain(tagged)):
        parts = m.group().split()
        found += [" ".join(parts[i:j]) for i in range(len(parts))
                  for j in range(i + 2, min(i + 3, len(parts)) + 1)]  # fmt: skip
    return found


_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)+")


def case_down(
    tagged: str, names: Collection[str], classify: Callable[[str], str | None] | None
) -> str:
    """A Title Case line (tagged text) in sentence case: each capitalised word after the first
    in lower case, unless it is in ``names`` (capitalised mid-sentence in the article), a month
    or weekday, written with more than its first letter in capitals ("NATO", "McDonald"), or a
    name to the engine (``classify``, a lexicon's class, asked about the words and the phrases
    of ``questions``; without one, only the article's evidence keeps a word)."""
    plain_words = words(tagged)
    classes = [classify(w) if classify is not None else "common" for w in plain_words]
    in_phrase: set[int] = set()  # words of a multiword name the engine knows ("New York")
    if classify is not None:
        for i in range(len(plain_words) - 1):
            for j in (i + 2, i + 3):
                phrase = " ".join(plain_words[i:j])
                if j <= len(plain_words) and classify(phrase) in _PHRASE_NAMES:
                    in_phrase.update(range(i, j))

    def kept(i: int) -> bool:
        word, cls = plain_words[i], classes[i]
        return (
            i in in_phrase
            or word in names
            or word in CALENDAR
            or not word[1:].islower()
            or cls in _NAME_CLASSES
            # "Jane Smith": a surname that is also a word, after a first name
            or (i > 1 and classes[i - 1] == "proper-person" and plain_words[i - 1][:1].isupper())
            # "Christion Abercrombie": a first name that is also a word, before a name
            or (
                cls == "person-or-common"
                and i + 1 < len(plain_words)
                and plain_words[i + 1][:1].isupper()
                and classes[i + 1] in _NAME_CLASSES
            )
        )

    out: list[str] = []
    n = 0
    pos = 0
    for tag in [*inline.TAG.finditer(tagged), None]:
        stop = tag.start() if tag else len(tagged)
        text = tagged[pos:stop]
        cut = 0
        for m in _WORD.finditer(text):
            if m.start() and text[m.start() - 1] in "&#":
                continue  # an entity's name: "&amp;"
            word = m.group()
            if n > 0 and word[0].isupper() and n < len(plain_words) and not kept(n):
                out.append(text[cut : m.start()] + word[0].lower() + word[1:])
                cut = m.end()
            n += 1
        out.append(text[cut:])
        if tag:
            out.append(tag.group())
            pos = tag.end()
    return "".join(out) if n == len(plain_words) else tagged


# --- headlinese -------------------------------------------------------------------------------

_NOMINAL = frozenset({"noun", "noun-pl", "adj", "name", "num", "unknown", "det"})
_HEAD = frozenset({"noun", "noun-pl", "name", "unknown", "num"})
_AFTER_VERB = _NOMINAL | {"prep", "adv", "pron", "verb-ing", "verb-pp"}
_PARTICLES = frozenset({"to", "off", "up", "out", "in", "down", "back"})
# Words after which a headline's subject "is" something rather than does something.
_STATES = frozenset({"missing", "dead", "injured", "safe", "alive", "without", "homeless",
                     "trapped", "stranded", "unhurt"})  # fmt: skip
_DETERMINERS = frozenset({"det", "pron", "num"})


def expand(text: str, tags: Tags) -> str | None:
    """Headlinese (plain text) written out as an English sentence, or None when the headline
    does not read as a subject and a verb: an article in front of the subject and of bare
    nouns after the verb or a preposition; "X to visit" as "X will visit"; "X killed" as "X
    was killed"; "X missing" as "X are missing"."""
    toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    if len(toks) < 2 or any(mark in text for mark in ':?!"“”‘’') or "'" in text:
        return None
    found = [tags(w) for _, _, w in toks]
    edits: list[tuple[int, int, str]] = []  # (start, end, new text), end == start to insert
    verb: tuple[str, int] | None = None
    for k in range(1, len(toks)):
        subject = found[:k]
        if not all(t & _NOMINAL or toks[i][2][0].isupper() for i, t in enumerate(subject)):
            break
        if not (subject[-1] & _HEAD or toks[k - 1][2][0].isupper()):
            continue
        last = subject[-1]
        plural = ("noun-pl" in last and "noun" not in last) or any(
            toks[i][2] == "and" for i in range(k)
        )
        word, tag = toks[k][2], found[k]

        def rest_ok(j: int) -> bool:
            return j >= len(toks) or bool(found[j] & _AFTER_VERB) or toks[j][2] in _PARTICLES

        if word == "to" and k + 1 < len(toks) and "verb" in found[k + 1]:
            edits.append((toks[k][0], toks[k][1], "will"))
            verb = ("future", k + 1)
            break
        agrees = ("verb" in tag) if plural else ("verb-s" in tag)
        if agrees and rest_ok(k + 1):
            verb = ("active", k)
            break
        if "verb-pp" in tag and not tag & {"verb", "verb-s"}:
            edits.append((toks[k][0], toks[k][0], "were " if plural else "was "))
            verb = ("passive", k)
            break
        if word in _STATES:
            edits.append((toks[k][0], toks[k][0], "are " if plural else "is "))
            verb = ("state", k)
            break
    if verb is None:
        return None
    first, first_tags = toks[0][2], found[0]
    plain_word = first.isalpha() and first[1:].islower()
    if not first_tags & (_DETERMINERS | {"name"}) and first_tags != {"unknown"} and plain_word:
        edits.append((toks[0][0], toks[0][1], "The " + first[0].lower() + first[1:]))
    kind, k = verb
    for j in range(k + 1, len(toks)):
        tag, word = found[j], toks[j][2]
        bare = (
            tag & {"noun", "noun-pl", "adj", "unknown"}
            and not tag & (_DETERMINERS | {"name", "prep", "verb-ing"})
            and not word[0].isupper()
        )
        if not bare:
            continue
        # the noun phrase from here: a name in it ("northern Spain") takes no article
        end = j
        while end + 1 < len(toks) and found[end + 1] & {"noun", "noun-pl", "adj", "name"}:
            end += 1
        if any(toks[i][2][0].isupper() for i in range(j, end + 1)):
            continue
        opens_object = j == k + 1 and kind in ("active", "future")
        after_preposition = "prep" in found[j - 1] and toks[j - 1][2] != "to"
        if opens_object or (after_preposition and "noun-pl" not in tag):
            edits.append((toks[j][0], toks[j][0], "the "))
    out = text
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        out = out[:start] + new + out[end:]
    return out


_FIRST_LETTER = re.compile(r"^(?:<[^>]*>|&\w+;|&#\w+;|[^\w<&])*(\w)")


def finish(output: str) -> str:
    """The engine's output (tagged text) in sentence case: its first letter a capital."""
    m = _FIRST_LETTER.match(output)
    if m is None or not m.group(1).islower():
        return output
    return output[: m.start(1)] + m.group(1).upper() + output[m.end(1) :]


# --- the target's headline case ----------------------------------------------------------------

CASES = ("sentence", "title")
"""The headline styles a target can be written in (``headline_case`` setting): sentence case,
as Spanish, Catalan and Galician papers write headlines (the default), or Title Case, every word
capitalised but the short words of ``_SMALL``, as English papers and some house styles do."""

_SMALL = {
    "es": "el la los las lo del al de en un una unos unas por para con sin su sus y e o u ni "
    "a que se sobre tras ante",
    "ca": "el la els les lo del dels al als de en un una uns unes per amb sense i o a que es "
    "se sobre",
    "gl": "o a os as do da dos das ao á ás aos de en no na nos nas un unha uns unhas por para "
    "con sen e ou que se sobre",
    "en": "a an the and but or nor for of to in on at by as up via per vs",
    "pt": "o a os as do da dos das ao à às aos de em no na nos nas um uma uns umas por para "
    "com sem e ou que se",
    "fr": "le la les l un une des du de d au aux en et ou à par pour sur sans",
}
_SMALL_WORDS = {lang: frozenset(words.split()) for lang, words in _SMALL.items()}
_LOWER_WORD = re.compile(r"(?<![\w'’&#-])([^\W\d_])([\w'’-]*)")


def in_case(output: str, case: str, target: str) -> str:
    """A headline's output (tagged text, in sentence case) in the headline ``case`` of
    ``target`` (one of ``CASES``): for "title", each word in lower case capitalised, but the
    target's articles, prepositions and conjunctions after the first word. Names and acronyms
    keep their capitals; nothing is ever cased down."""
    if case != "title":
        return output
    small = _SMALL_WORDS.get(target.split("-")[0].lower(), frozenset())
    out: list[str] = []
    pos = 0
    first = True
    for tag in [*inline.TAG.finditer(output), None]:
        stop = tag.start() if tag else len(output)
        text = output[pos:stop]

        def up(m: re.Match[str]) -> str:
            nonlocal first
            word = m.group()  # (not an entity's name, "&amp;": the pattern starts after "&")
            keep = not first and word.lower() in small
            head = word[:2] if word[1:2] in ("'", "’") and len(word) > 2 else ""
            if head:  # an elided article or preposition: "l'alcalde" is "l'Alcalde"
                head = head.capitalize() if first else head.lower()
                word = word[2:]
            first = False
            if keep or not word[0].islower() or (not word[1:].islower() and word[1:].isalpha()):
                return head + word  # a name's capitals stay: "iPhone", "eBay"
            return head + word[0].upper() + word[1:]

        out.append(_LOWER_WORD.sub(up, text))
        if tag:
            out.append(tag.group())
            pos = tag.end()
    return "".join(out)
