"""Names decided over the article: which runs of capitalised words the engine must not translate.

``detect_names`` reads every sentence of an article (``tarjama.protect.sentences``), learns from
the whole of it which words are capitalised mid-sentence, asks the engine's lexicon what each
word of each run is (``Engine.lexicon``), and decides run by run: titles and ordinary words come
off the front (``_strip_heads``), then what is left is a name or the engine's (``_decide``).
The caller masks the names it accepts (``mask(names=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise

from tarjama.protect.sentences import Run, Sentence, hyphen_parts, read_sentence
from tarjama.protect.wordlists import (
    KEPT_TITLES,
    OFFICE_TITLES,
    OPENERS,
    PARTICLES,
    PERSON_TITLES,
    STOPLIST,
    TITLES,
)

_PROTECTING = frozenset({"unknown", "proper-person"})


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
    read = [read_sentence(s) for s in sentences]
    mid_caps = _capitalised_mid_sentence(read)
    if prefetch is not None and known is not None:
        prefetch(_questions(read))
    names: set[str] = set()
    surnames: set[str] = set()
    for sentence in read:
        classify = _Classifier(known, sentence.shouting)
        for run in sentence.runs:
            found = _name_in(sentence, run, classify, mid_caps)
            if found is not None:
                names.add(found.name)
                if found.surname:
                    surnames.add(found.surname)
    return names | surnames


def _capitalised_mid_sentence(read: Sequence[Sentence]) -> set[str]:
    """The evidence that a word is a name: it is capitalised mid-sentence somewhere, outside
    Title Case lines (headlines written "Dockers Walk Out Over Automation" would make every
    word a name)."""
    return {
        word.text
        for sentence in read
        if not sentence.title_case
        for word in sentence.words
        if word.capitalised and not sentence.opens(word)
    }


def _questions(read: Sequence[Sentence]) -> list[str]:
    """Each word of each run, and each phrase a run can shrink to (titles come off the front):
    all that ``known`` may be asked about."""
    wanted = [w.text for s in read for run in s.runs for w in run if w.text not in STOPLIST]
    wanted += [p for w in wanted if "-" in w for p in hyphen_parts(w)]
    wanted += [s.text(run[i:]) for s in read for run in s.runs for i in range(len(run) - 1)]
    return list(dict.fromkeys(wanted))


@dataclass(frozen=True)
class _Classifier:
    """What a word or phrase is to the engine: ``known``'s class, with the stoplist's words
    "common" whatever it says."""

    known: Callable[[str], str] | None
    shouting: bool = False
    """The sentence being read is written in capitals."""

    @property
    def has_lexicon(self) -> bool:
        return self.known is not None

    def __call__(self, word: str) -> str:
        # Weekdays, months, nationalities and countries are the engine's to translate, whatever
        # its dictionary says about them ("March" is also a verb, "Turkey" a bird).
        if word in STOPLIST:
            return "common"
        if self.known is None:
            return "common" if word in OFFICE_TITLES else "unknown"
        if "-" not in word:
            found = self.known(word)
            if found == "caps-common":
                # "IT", "CAT" the engine would read as "it", "cat": kept, unless the sentence
                # is written in capitals ("FLOODS HIT CITY"), which the engine is to translate
                return "common" if self.shouting else "unknown"
            return found
        whole = self.known(word)
        parts = hyphen_parts(word)
        if not parts or whole == "proper-place":
            return whole
        # The analyser reads a hyphenated word by its first part: "Saint-Etienne" is a name
        # for its second, "Franco-German" an adjective for both.
        protecting = any(p not in STOPLIST and self.known(p) in _PROTECTING for p in parts)
        return "unknown" if protecting else "common"


@dataclass(frozen=True)
class _Found:
    name: str
    surname: str = ""
    """The person's surname, which names them alone elsewhere in the article ("May said")."""


def _name_in(
    sentence: Sentence, run: Run, classify: _Classifier, mid_caps: Collection[str]
) -> _Found | None:
    """The name ``run`` holds, if any."""
    if (
        run[0].text == "The"
        and len(run) > 1
        and not sentence.opens(run[0])
        and not sentence.title_case
    ):
        # A capitalised article mid-sentence opens a name ("played with The Tap Tap", "told The
        # Guardian"), unless the engine knows it whole ("The Hague") or the line capitalises
        # every word ("Crowds Gather for The Big Match").
        text = sentence.text(run)
        if not classify.has_lexicon or classify(text) != "proper-place":
            return _Found(text)
    if classify.has_lexicon and _ends_in_known_place(sentence, run, classify):
        return None  # "New Zealand", "North Carolina" are not "New"/"North" and a name
    return _decide(sentence, run, _strip_heads(sentence, run, classify, mid_caps), classify)


@dataclass(frozen=True)
class _Stripped:
    """A run with the words in front of its name taken off."""

    run: Run
    signalled: bool
    """A person's title was in front ("Mr Kalin"), or an honour or initial opens the name."""
    opens: bool
    """The first word left opens the sentence."""
    ordinary_opener: bool
    """An ordinary word capitalised because it opens the sentence came off."""


def _strip_heads(
    sentence: Sentence, run: Run, classify: _Classifier, mid_caps: Collection[str]
) -> _Stripped:
    """Titles, nationalities, institutions and sentence openers come off the front of ``run``:
    "Syrian President Bashar Al Assad" protects "Bashar Al Assad" only."""
    signalled = kept_head = ordinary_opener = False
    opens = sentence.opens(run[0])
    while run:
        head = run[0].text
        if (head in KEPT_TITLES and len(run) > 1) or (
            # "A" after a title or in front of a name mid-sentence is an initial, not the
            # article: "Mrs A.", "the lecture of A Sternfeld".
            head == "A"
            and not sentence.title_case
            and (signalled or (len(run) > 1 and not opens and classify(run[1].text) in _PROTECTING))
        ):
            signalled = kept_head = True
            break
        if head in TITLES or head in STOPLIST:
            signalled = signalled or head in PERSON_TITLES
        elif (
            opens
            and head not in mid_caps
            and (len(run) == 1 or head in STOPLIST or classify(head) == "common")
        ):
            ordinary_opener = True  # an ordinary word capitalised because it opens the sentence
        else:
            break
        run = run[1:]
        opens = False
    # Ordinary words in front of a name are the engine's: "Squadron Leader Dilokrit Pattavee",
    # "Tropical Cyclone Gonu" protect the name only.
    while (
        not kept_head
        and len(run) > 1
        and run[0].text not in PARTICLES
        and classify(run[0].text) == "common"
        and any(classify(w.text) in _PROTECTING for w in run[1:])
    ):
        run = run[1:]
    return _Stripped(run, signalled, opens, ordinary_opener)


def _decide(
    sentence: Sentence, unstripped: Run, stripped: _Stripped, classify: _Classifier
) -> _Found | None:
    """Is what is left of a run a name, and which (it may take back the words in front)?"""
    run = stripped.run
    classes = [classify(w.text) for w in run if w.text not in PARTICLES]
    if not classes:
        return None
    text = sentence.text(run)
    whole = classify(text) if len(run) > 1 and classify.has_lexicon else ""
    if whole == "proper-place" and not stripped.signalled:
        return None  # a multiword the engine knows whole: "New York", "United Nations"
    longer = (
        _with_ordinary_heads(sentence, unstripped, len(run), classify)
        if classify.has_lexicon and not sentence.title_case and not sentence.opens(unstripped[0])
        else None
    )
    if (
        stripped.signalled
        or whole in ("proper-person", "proper-inside")  # "West Ham United"
        or _PROTECTING.intersection(classes)
        # Every word may be a person's name: "Grace Young", "Will Fisher".
        or (len(classes) > 1 and set(classes) <= {"person-or-common", "proper-person"})
        # A word said twice is no phrase of the language: "Tap Tap", "Bora Bora".
        or any(a.text == b.text for a, b in pairwise(run))
    ):
        person = stripped.signalled or "proper-person" in classes or "person-or-common" in classes
        if len(classes) > 1 and person and classes[-1] != "unknown":
            return _Found(longer or text, run[-1].text)  # "May said" names her too
        return _Found(longer or text)
    if longer or (
        classify.has_lexicon
        and not sentence.title_case
        and _ordinary_words_name(
            [w.text for w in run], stripped.opens or stripped.ordinary_opener, whole
        )
    ):
        return _Found(longer or text)
    return None


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
    names = [w for w in words if w not in PARTICLES]
    return (
        not opens
        and whole == "phrase"
        and len(names) > 1
        and names[-1] not in STOPLIST
        and names[-1] not in TITLES
    )


def _with_ordinary_heads(
    sentence: Sentence, run: Run, kept: int, classify: _Classifier
) -> str | None:
    """The whole of a mid-sentence ``run`` whose first words came off as nationalities or
    ordinary words (``kept`` words were left), when they belong to the name: "British American
    Tobacco", "Southern African Large Telescope", "Large Binocular Telescope". Not when the run
    holds a title or a sentence opener ("Syrian President Bashar Al Assad" names "Bashar Al
    Assad"), ends in an institution the engine translates, or is a phrase the engine knows."""
    if len(run) <= max(kept, 1) or run[-1].text in STOPLIST:
        return None
    if any(w.text in TITLES or w.text in OPENERS for w in run):
        return None
    text = sentence.text(run)
    return text if classify(text) == "phrase" else None


def _ends_in_known_place(sentence: Sentence, run: Run, classify: _Classifier) -> bool:
    """Does ``run`` end in a place the engine knows whole (two words or more), with only
    ordinary words before it ("the A1GP New Zealand team": "GP" comes off "A1GP")?"""
    for i in range(len(run) - 1):
        if classify(sentence.text(run[i:])) == "proper-place":
            return all(classify(w.text) == "common" for w in run[:i])
    return False
