"""Repairs of what Apertium's rules do to placeholders and words, on the way in and out.

On the way out, an output read as pieces (``stream.py``: runs of text with the markup and the
placeholder they belong to) becomes tagged text again (:func:`to_tagged`): neighbouring words of
one span merge, the small words a rule put inside a placeholder go with it, a noun a compound
rule put between a name's words comes before it, and a placeholder stands apart from the words
a rule glued to it. Then :func:`rejoin` and :func:`unglue` part and join words as the source
wrote them. On the way in, :func:`figures_after_noun` writes an English attributive figure
after its noun ("a budget of $2 billion"), in the order the targets use.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape

from tarjama import inline
from tarjama.languages import CATALAN_ELIDING


@dataclass
class Piece:
    """A run of an output's text: the inline pairs (``g``) and the placeholder (``x``) whose
    word-bound blank it stood in."""

    g: tuple[int, ...]
    x: int | None
    text: str


# Words a transfer rule may pull into a placeholder's word-bound blank ahead of its words:
# lower-case words and elisions ("de", "del", "a", "d'"), a few at most; the first may be an
# article or a preposition opening the sentence ("[[x:1]]El overscan[[/]]", "L'Hekla").
_LEADING_WORDS = re.compile(
    # (an opening quotation mark or bracket first: '"The CCTV would' -> '[[x:1]]"El CCTV[[/]]')
    r"[\"“‘«(\[¿¡]*"
    r"(?:(?:El|La|Els|Les|Lo|Los|Las|Un|Una|Del|Dels|Al|Als|De|Do|Da|O|A|Os|As)\s+|[LD]['’])?"
    r"(?:[^\W\d_A-Z]+(?:['’]|\s+)){0,3}"
)


# Prepositions, articles, pronouns and conjunctions of es, ca and gl: what a rule's own
# rendering of a name puts between its words ("Bradley Manning" -> "[[x:1]]Bradley[[/]] que
# [[x:1]]Tripula[[/]]" in en-gl).
_FUNCTION_WORD = (
    r"(?:de|del|dels|do|da|dos|das|el|la|els|les|los|las|lo|o|a|os|as|en|y|i|e|que|se|es|un|una)"
)

# What a reordering rule may put between the words of one placeholder ("Africa Association" ->
# "[[x:1]]Asociación[[/]] de [[x:1]]África[[/]]"): one or two of those words, or an elided one.
# Never a word of the sentence: a noun there ("cap", "rei") is the compound rule's, below.
# Prepositions and articles a rule pulled ahead of a name's first capital in its blank.
_PULLED_AHEAD = re.compile(
    rf"(?:(?:{_FUNCTION_WORD}|al|als|pel|pels|per|amb|con|por|para|com)\s+|[dl]['’])+(?=[^\W\d_])"
)
_INSERTED_IN_PLACEHOLDER = re.compile(rf"\s*(?:(?:{_FUNCTION_WORD}\s+|[dls]['’]\s*)){{1,2}}")


# What a compound rule puts between the words of one placeholder when a noun follows it ("the
# Grand Connaught Rooms hotel" -> "[[x:1]]Grand Connaught[[/]] hotel de [[x:1]]Rooms[[/]]"): the
# noun and the preposition of its complement. The noun comes first then, the placeholder after.
# eng-cat pulls the preposition into the next blank instead ("the Valmoria Port Authority chief"
# -> "[[x:1]]El Valmoria[[/]] cap [[x:1]]d'Autoritat[[/]]"), and the noun's article into the
# first: both go with the noun.
_NOUN_OF_PLACEHOLDER = re.compile(
    rf"\s*(?P<noun>(?!{_FUNCTION_WORD}\s)[^\W\d_A-Z]{{2,}}"
    rf"(?:\s+(?!{_FUNCTION_WORD}\s)[^\W\d_A-Z]{{2,}})?)"
    r"\s+(?P<of>(?:de|del|dels|do|da|dos|das)\s+)?"
)
_PULLED_OF = re.compile(r"(?:(?P<of>de|del|dels)\s+|d['’]\s*)(?=\S)")
_NOUNS_ARTICLE = re.compile(r"(?:el|la|els|les|o|a|os|as)\s+|l['’]", re.IGNORECASE)
_CATALAN_ELIDING = re.compile(CATALAN_ELIDING, re.IGNORECASE)


def _noun_first(
    first: Piece, gap: str, second: Piece, anchor: str, catalan: bool
) -> tuple[Piece, Piece] | None:
    """The noun a compound rule put between ``first`` and ``second`` (the words of one
    placeholder), as a piece to stand before the placeholder, with its article and its
    preposition, and the placeholder's piece; None when ``gap`` is not such a noun."""
    noun = _NOUN_OF_PLACEHOLDER.fullmatch(gap)
    if noun is None:
        return None
    of = noun["of"]
    rest = second.text
    if of is None:
        pulled = _PULLED_OF.match(second.text)
        if pulled is None:
            return None
        of = pulled["of"] or "de"
        rest = second.text[pulled.end() :]
    of = of.strip()
    if catalan and of == "de" and _CATALAN_ELIDING.match(anchor):
        of = "d'"
    head = ""
    at = inline.whole_word_at(first.text, anchor) if anchor else -1
    if at > 0 and _NOUNS_ARTICLE.fullmatch(first.text[:at]):
        head, first.text = first.text[:at], first.text[at:]
        if head[-1] in "'’" and not _CATALAN_ELIDING.match(noun["noun"]):
            # elided before the name: before a noun that opens on a consonant it is whole again
            article = "la" if noun["noun"].split()[0].endswith("a") else "el"
            head = (article.capitalize() if head[0].isupper() else article) + " "
    elif at != 0 and noun["of"] is None:
        # eng-cat's blank holds other words before the name ("[[x:1]]pel Thanksgiving[[/]]
        # vacances [[x:1]]de Dia[[/]]"): the noun's place among them is not known
        return None
    words = head + noun["noun"] + " " + of + ("" if of.endswith(("'", "’")) else " ")
    return Piece((), None, words), Piece(first.g, first.x, first.text + " " + rest)


def to_tagged(
    pieces: list[Piece], figures: dict[int, str], anchors: dict[int, str], target: str
) -> str:
    """An output's pieces as tagged text; ``figures`` and ``anchors`` say how its placeholders
    travelled (``stream.travelling``), ``target`` is its language."""
    merged = _merge(pieces, anchors, target)
    out: list[str] = []
    seen_x: set[int] = set()
    for k, p in enumerate(merged):
        if p.x is not None:
            if p.x in seen_x:
                continue
            seen_x.add(p.x)
            body = _placeholder(merged, k, figures, anchors, target == "ca")
        else:
            body = inline.escape_text(p.text)
        out.extend(f'<g id="{i}">' for i in p.g)
        out.append(body)
        out.extend("</g>" for _ in p.g)
    return "".join(out)


def _merge(pieces: list[Piece], anchors: dict[int, str], target: str) -> list[Piece]:
    """Neighbouring words that carry the same markup merged ("perros grandes" inside one
    <em>), a blank between them belonging to the pair. Between the words of one placeholder, the
    short words a rule inserted belong to it too: the placeholder comes back as written, so the
    engine's "de" of its own rendering of a name goes with it."""
    merged: list[Piece] = []
    for p in pieces:
        if merged and (p.g or p.x is not None) and (merged[-1].g, merged[-1].x) == (p.g, p.x):
            merged[-1].text += p.text
        elif (
            len(merged) >= 2 and p.x is not None and not p.g
            and (merged[-2].g, merged[-2].x) == (p.g, p.x)
            and not merged[-1].g and merged[-1].x is None
            and (moved := _noun_first(
                merged[-2], merged[-1].text, p, anchors.get(p.x, ""), target == "ca"
            ))
        ):  # fmt: skip
            del merged[-2:]
            merged += moved
        elif (
            len(merged) >= 2 and (p.g or p.x is not None)
            and (merged[-2].g, merged[-2].x) == (p.g, p.x)
            and not merged[-1].g and merged[-1].x is None
            and (
                not merged[-1].text.strip()
                or (p.x is not None and _INSERTED_IN_PLACEHOLDER.fullmatch(merged[-1].text))
            )
        ):  # fmt: skip
            gap = merged.pop().text
            merged[-1].text += gap + p.text
        else:
            merged.append(Piece(p.g, p.x, p.text))
    return merged


def _placeholder(
    merged: list[Piece],
    k: int,
    figures: dict[int, str],
    anchors: dict[int, str],
    catalan: bool = False,
) -> str:
    """Piece ``k``, the first of its placeholder's, as the placeholder with the words around it
    that the rules pulled into its blank."""
    p = merged[k]
    assert p.x is not None
    # Multiword rules glue a figure to its words ("un hombrede93años" for "a 93-year-old
    # man"): a placeholder always stands apart from letters.
    # (Markup carried in a superblank has no words, and keeps its place as written.)
    # Multiword rules may also pull the words around a figure into its word-bound
    # blank ("[[x:1]]El vaixellde100[[/]] metres"): the words around the figure stay.
    words = bool(p.text)
    head, tail = "", ""
    figure = figures.get(p.x)
    if figure and figure in p.text and p.text.strip() != figure:
        head, _, tail = p.text.partition(figure)
    elif anchor := anchors.get(p.x):
        # A rule may pull a preposition into the blank of the words after it (eng-cat:
        # "of Fujian" -> "[[x:1]]de Fujian[[/]]"): what comes before the placeholder's
        # own first word stays, when it is such words.
        at = inline.whole_word_at(p.text, anchor)
        if at > 0 and _LEADING_WORDS.fullmatch(p.text[:at]):
            head = p.text[:at]
        elif at != 0 and (pulled := _PULLED_AHEAD.match(p.text)) and p.text[pulled.end()].isupper():
            # eng-cat reorders the name too, the sentence's preposition in front ("at the
            # Indianapolis Motor Speedway" -> "[[x:1]]al Motor[[/]] [[x:1]]d'Indianapolis
            # [[/]]..."): the words before its first capital are the sentence's
            head = pulled.group()
            if catalan:
                head = _elision_for(head, anchor)
    before = (head or (merged[k - 1].text if k and merged[k - 1].x is None else ""))[-1:]
    after = (
        tail or (merged[k + 1].text if k + 1 < len(merged) and merged[k + 1].x is None else "")
    )[:1]
    # Words a rule pulled into the blank may be glued to the words of the blank before
    # or after it ("[[x:2]]Vidal[[/]][[x:1]]de28[[/]]" for "the 28-year-old Vidal",
    # eng-cat): a blank keeps them apart.
    prev = next((q.text[-1:] for q in reversed(merged[:k]) if q.text), "")
    nxt = next((q.text[:1] for q in merged[k + 1 :] if q.text), "")
    body = (
        (" " if head[:1].isalnum() and prev.isalnum() else "")
        + inline.escape_text(head)
        + (" " if words and before.isalpha() else "")
        + inline.placeholder(p.x)
        + (" " if words and after.isalpha() else "")
        + inline.escape_text(tail)
        + (" " if tail[-1:].isalnum() and nxt.isalnum() else "")
    )
    return body


# An attributive figure: a sum, a share or a year between a determiner and a noun ("a $2
# billion budget", "a 17% drop", "the 2008 financial crisis"). The engines keep it before the
# noun ("un 2 mil millones US$ presupuesto", "el 2008 crisis financiera"); written after it
# with "of" ("a budget of $2 billion") they give the order of Spanish, Catalan and Galician ("un
# presupuesto de 2 mil millones US$", "la crisis financiera de 2008").
_ATTRIBUTIVE_FIGURE = re.compile(
    r"(?<![\w-])(?P<det>[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur|[Tt]his) "
    r'(?P<figure><x id="\d+" ctype="number" equiv="(?P<equiv>[^"]*)"/>) '
    r"(?P<words>[a-z]+(?: [a-z]+){0,2})(?![\w<-])"
)
_MONEY_OR_SHARE = re.compile(r"[$€£¥%]|\bper ?cent\b")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A year before a plural noun may be a count ("the 1200 shell companies"); these are events.
_EVENTS = frozenset({"elections", "games", "talks", "protests", "attacks", "floods", "polls"})
_NOUN = re.compile(r"/[^/$]*<n>")
_ADJECTIVE = re.compile(r"/[^/$]*<adj>")
# A reading that makes the word a verb of the sentence ("the $2 billion budget cuts jobs", "the
# $5 million fine paid by"): the noun phrase ends before it.
_FINITE_VERB = re.compile(r"<(?:vblex|vbser|vbhaver|vbmod|vaux)>(?:<[^>]*>)*?<(?:pri><p3|past|pp)")


def figures_after_noun(tagged: str, analyse: Callable[[Sequence[str]], dict[str, str]]) -> str:
    """``tagged`` with each attributive sum, share or year after its noun phrase, with "of";
    ``analyse`` gives the analyser's reading of words (asked only when a figure may move)."""
    if "<x " not in tagged:
        return tagged
    matches = list(_ATTRIBUTIVE_FIGURE.finditer(tagged))
    if not matches:
        return tagged
    readings = analyse([w for m in matches for w in m["words"].split()])
    out: list[str] = []
    last = 0
    for m in matches:
        equiv = unescape(m["equiv"])
        money_or_share = bool(_MONEY_OR_SHARE.search(equiv))
        if not (money_or_share or _YEAR.fullmatch(equiv)):
            continue  # a count ("the 400 miners") stays where it is
        words = m["words"].split()
        phrase: list[str] = []
        for word in words:
            reading = readings[word]
            if _FINITE_VERB.search(reading):
                break
            if not (_NOUN.search(reading) or _ADJECTIVE.search(reading)):
                break
            phrase.append(word)
        while phrase and not _NOUN.search(readings[phrase[-1]]):
            phrase.pop()
        if not phrase:
            continue
        if not money_or_share and "<sg>" not in readings[phrase[-1]] and phrase[-1] not in _EVENTS:
            continue
        det = m["det"]
        if det.lower() in ("a", "an"):
            article = "an" if phrase[0][0] in "aeiou" else "a"
            det = article.capitalize() if det[0].isupper() else article
        rest = " ".join(words[len(phrase) :])
        out += [tagged[last : m.start()], det, " ", " ".join(phrase), " of ", m["figure"]]
        out += [" " + rest] if rest else []
        last = m.end()
    if not out:
        return tagged
    out.append(tagged[last:])
    return "".join(out)


# Two words with one blank between them, overlapping (every neighbouring pair).
_WORD_PAIRS = re.compile(r"(?=(?<!\w)(\w+) (\w+)(?!\w))")
# A capital after a word's first letter ("SPbGU", "GAISh"), Latin-1's capitals included.
_CAPITAL_INSIDE = re.compile(r"\w[A-ZÀ-ÖØ-Þ]")


def rejoin(output: str, source: str) -> str:
    """The analyser reads some single words of the source as several ("SPbGU", "GAISh"), and the
    stage that keeps glued words apart (``modes.SPACE_GLUED_WORDS``) then parts them too: two
    neighbouring words of the output that make one word of the source with capitals inside it
    are one again. (Others are left: "a part" and "apart", "i s'" and "is".) Most sources have
    no such word, and one search of the source says so."""
    if not _CAPITAL_INSIDE.search(source):
        return output
    cuts = [
        m.start(2) - 1
        for m in _WORD_PAIRS.finditer(output)
        if (joined := m.group(1) + m.group(2)) in source
        and _CAPITAL_INSIDE.search(joined)
        and re.search(rf"(?<!\w){re.escape(joined)}(?!\w)", source)
    ]
    if not cuts:
        return output
    pieces = [output[a + 1 : b] for a, b in itertools.pairwise([-1, *cuts, len(output)])]
    return "".join(pieces)


_DIGIT = re.compile(r"\d")
_GLUED = re.compile(r"\b\w*(?:[^\W\d_]\d|\d[^\W\d_])\w*\b")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def unglue(output: str, source: str) -> str:
    """Multiword rules also glue unprotected figures to words ("conventode17.º siglos" for "a
    17th-century convent"); a word with digits in it that the source does not have is split
    (the source's own "G20" or "MP3" stay as they are)."""

    def split(m: re.Match[str]) -> str:
        word = m.group()
        return word if word in source else _LETTER_DIGIT.sub(" ", word)

    return _GLUED.sub(split, output) if _DIGIT.search(output) else output


# An article or a preposition before a word the generator marks as unknown ("el *Hekla"): the
# post-generator, which elides Catalan's "el", "la" and "de" before a vowel, does not see
# through the mark, as ``apertium -u``'s unmarked output lets it ("l'Hekla").
_BEFORE_UNKNOWN = re.compile(
    r"(?<![\w'’])(?:(?P<word>[Ee]l|[Dd]e|[Dd]el|[Aa]l|[Pp]el) (?P<wb>(?:\[\[[^\]]*\]\])?)"
    rf"(?=\*(?i:{CATALAN_ELIDING}))"
    # "la" keeps its vowel before an unstressed i or u: "la universitat", "la història"
    r"|(?P<la>[Ll]a) (?P<la_wb>(?:\[\[[^\]]*\]\])?)(?=\*(?i:h?[aeoàèéòóíú])))"
)
_ELIDED = {"el": "l'", "la": "l'", "de": "d'", "del": "de l'", "al": "a l'", "pel": "per l'"}


_UNELIDED = {"l'": "el", "d'": "de", "de l'": "del", "a l'": "al", "per l'": "pel"}
_ELIDED_END = re.compile(r"(?:(?:de|a|per) )?[ld]['’]$", re.IGNORECASE)


def _elision_for(head: str, anchor: str) -> str:
    """Catalan words a rule pulled ahead of a name (``head``) elided or not as the name as
    written (``anchor``, its first word) opens: the rule elided them before its own rendering
    of the name ("d'Aviador Freqüent"), which is not what the reader sees ("de Frequent
    Flyer"); "al Indianapolis" is "a l'Indianapolis"."""
    vowel = bool(_CATALAN_ELIDING.match(anchor))
    elided = _ELIDED_END.search(head)
    if elided and not vowel:
        whole = _UNELIDED[elided.group().lower().replace("’", "'")]
        whole = whole.capitalize() if elided.group()[0].isupper() else whole
        return head[: elided.start()] + whole + " "
    last = head.split()[-1] if head[-1:].isspace() else ""
    if (
        vowel
        and last.lower() in _ELIDED
        and not (last.lower() == "la" and anchor.lower().lstrip("h")[:1] in "iu")
    ):
        word = _ELIDED[last.lower()]
        return head[: -len(last) - 1] + (word.capitalize() if last[0].isupper() else word)
    return head


def elide_before_unknown(stream: str) -> str:
    """A Catalan output (in the stream format, marks still in) with "el", "la", "de", "del",
    "al" and "pel" elided before an unknown word that opens on a vowel, as the post-generator
    elides them before a known one."""
    if "*" not in stream:
        return stream

    def elide(m: re.Match[str]) -> str:
        word = m["word"] or m["la"]
        elided = _ELIDED[word.lower()]
        blank = m["wb"] if m["word"] else m["la_wb"]
        return (elided.capitalize() if word[0].isupper() else elided) + blank

    return _BEFORE_UNKNOWN.sub(elide, stream)
