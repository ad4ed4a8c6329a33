"""Sentence splitting: one case table per news rule, and the invariants as properties."""

from __future__ import annotations

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama import inline
from tarjama.errors import EngineError
from tarjama.segment import (
    _plain_ends,
    _pysbd_ends,
    _pysbd_segment,
    split_paragraphs,
    split_sentences,
)

CASES = [
    # plain sentence ends; the blank after a sentence stays with it
    ("Ankara sent troops. Damascus objected.", ["Ankara sent troops. ", "Damascus objected."]),
    ("Is it over? Not yet! Talks resume today.",
     ["Is it over? ", "Not yet! ", "Talks resume today."]),
    ("  Rain fell.   Roads closed.  ", ["  Rain fell.   ", "Roads closed.  "]),
    # titles and abbreviations
    ("Mr. Kalin met Dr. Aydin. They spoke.", ["Mr. Kalin met Dr. Aydin. ", "They spoke."]),
    ("Gen. Mazloum Abdi and Lt. Col. Ozer met. Talks ended.",
     ["Gen. Mazloum Abdi and Lt. Col. Ozer met. ", "Talks ended."]),
    ("Sen. Warren and Gov. Hochul spoke. Both left.",
     ["Sen. Warren and Gov. Hochul spoke. ", "Both left."]),
    ("Prof. Hale lives on St. Mark's Road. He is 80.",
     ["Prof. Hale lives on St. Mark's Road. ", "He is 80."]),
    ("Rep. Omar spoke. No. 10 said nothing.", ["Rep. Omar spoke. ", "No. 10 said nothing."]),
    ("Acme Inc. and Baker Ltd. merged. Shares rose.",
     ["Acme Inc. and Baker Ltd. merged. ", "Shares rose."]),
    ("It opened at 9 a.m. and closed at 5 p.m. on Friday. Few came.",
     ["It opened at 9 a.m. and closed at 5 p.m. on Friday. ", "Few came."]),
    ("It was Liverpool vs. Everton, etc. and more. Fans cheered.",
     ["It was Liverpool vs. Everton, etc. and more. ", "Fans cheered."]),
    ("Talks began on Sept. 4 and ended Oct. 9. Nothing changed.",
     ["Talks began on Sept. 4 and ended Oct. 9. ", "Nothing changed."]),
    ("The U.S. President spoke. The U.K. and the E.U. agreed.",
     ["The U.S. President spoke. ", "The U.K. and the E.U. agreed."]),
    ("Troops left the U.S. They went home.", ["Troops left the U.S. ", "They went home."]),
    ("The U.N. 2030 agenda was cited. It failed.",
     ["The U.N. 2030 agenda was cited. ", "It failed."]),
    # initials
    ("George W. Bush visited. He left.", ["George W. Bush visited. ", "He left."]),
    ("It was written by J. K. Rowling. Fans queued.",
     ["It was written by J. K. Rowling. ", "Fans queued."]),
    # numbers
    ("More than 1,300 people died. Aid arrived.",
     ["More than 1,300 people died. ", "Aid arrived."]),
    ("Growth was 2.5 per cent. It cost $3.4bn. Debt rose.",
     ["Growth was 2.5 per cent. ", "It cost $3.4bn. ", "Debt rose."]),
    # quotations spanning sentences stay whole
    ("“We will respond. We are ready. Nobody doubts it,” he said. Then he left.",
     ["“We will respond. We are ready. Nobody doubts it,” he said. ", "Then he left."]),
    ('He said: "We will go. We are ready." Then he left.',
     ['He said: "We will go. We are ready." ', "Then he left."]),
    ("“This will not stand. We will respond", ["“This will not stand. We will respond"]),
    # a sentence end inside a closing quote splits after the quote
    ("“We will respond immediately.” Turkish officials said nothing more.",
     ["“We will respond immediately.” ", "Turkish officials said nothing more."]),
    ("“Why now?” Erdogan asked. Nobody answered.",
     ["“Why now?” Erdogan asked. ", "Nobody answered."]),
    ("“Is it true?” he asked. Nobody answered.", ["“Is it true?” he asked. ", "Nobody answered."]),
    # ellipses
    ("He paused... Then he left.", ["He paused... ", "Then he left."]),
    ("She said… well, nothing. Then she left.", ["She said… well, nothing. ", "Then she left."]),
    # inline tags: never split inside a pair or a tag
    ('He met <g id="1">Mr. Kalin. Then</g> they ate. Talks ended.',
     ['He met <g id="1">Mr. Kalin. Then</g> they ate. ', "Talks ended."]),
    ('<g id="1">Rain fell. </g>Roads closed.', ['<g id="1">Rain fell. </g>', "Roads closed."]),
    ('Rain fell. <x id="2" ctype="name"/> said so.',
     ["Rain fell. ", '<x id="2" ctype="name"/> said so.']),
    ("AT&amp;T fell. Shares &lt;dipped&gt;. Bonds rose.",
     ["AT&amp;T fell. ", "Shares &lt;dipped&gt;. ", "Bonds rose."]),
    # a dateline: its place (and date), then its agency and dash, apart from the sentence
    ("LOS ANGELES (Reuters) - The council voted. It rained.",
     ["LOS ANGELES", " (Reuters) - ", "The council voted. ", "It rained."]),
    ("GROSSETO, Italy (AP) -- A ship ran aground.",
     ["GROSSETO, Italy", " (AP) -- ", "A ship ran aground."]),
    ("LONDON, March 3 - Prices rose.", ["LONDON, March 3", " - ", "Prices rose."]),
    ("WASHINGTON — The president spoke.", ["WASHINGTON", " — ", "The president spoke."]),
    # not a dateline: no sentence after the dash, or none in capitals before it
    ("NATO - the alliance - met.", ["NATO - the alliance - met."]),
    ("The UK - and France - agreed.", ["The UK - and France - agreed."]),
    ("", []),
    ("   ", ["   "]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_other_language_uses_its_rules() -> None:
    assert split_sentences("Llegó el Sr. García. Habló.", "es") == [
        "Llegó el Sr. García. ",
        "Habló.",
    ]


def test_unknown_language_falls_back_to_english() -> None:
    assert split_sentences("Mr. Kalin spoke. Talks ended.", "xx") == [
        "Mr. Kalin spoke. ",
        "Talks ended.",
    ]


def test_unbalanced_tags_are_refused() -> None:
    with pytest.raises(EngineError):
        split_sentences('<g id="1">Rain fell. Roads closed.')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\n\nTwo.", ["One.", "Two."]),
        ("One\nstill one.\n \n\nTwo.\r\n\r\nThree.", ["One\nstill one.", "Two.", "Three."]),
        ("\n\n  \n", []),
    ],
)
def test_split_paragraphs(text: str, expected: list[str]) -> None:
    assert split_paragraphs(text) == expected


# --- properties -------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [" ", "  ", "\n", ". ", "? ", "! ", "...", "…", "“", "”", '"', "'", "’", "(", ")", "Mr. ",
     "U.S. ", "W. ", "1,300", "2.5", "$3.4bn", "he ", "The ", "Ankara", "said", "&", "<", ">"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=8).map("".join)


@st.composite
def tagged_texts(draw: st.DrawFn, depth: int = 0) -> str:
    out: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["text", "text", "x", "g"] if depth < 2 else ["text", "x"]))
        if kind == "text":
            out.append(inline.escape_text(draw(_TEXT)))
        elif kind == "x":
            out.append(inline.placeholder(draw(st.integers(1, 30)), "number"))
        else:
            out.append(f'<g id="{draw(st.integers(1, 30))}">{draw(tagged_texts(depth + 1))}</g>')
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(tagged_texts())
def test_segments_rejoin_and_are_balanced(tagged: str) -> None:
    segments = split_sentences(tagged)
    assert "".join(segments) == tagged
    for segment in segments:
        assert segment
        inline.parse(segment)  # raises on unbalanced tags


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_rejoins(text: str) -> None:
    tagged = inline.escape_text(text)
    assert "".join(split_sentences(tagged)) == tagged


def test_splitting_is_thread_safe() -> None:
    """The service splits paragraphs of concurrent requests in several threads at once."""
    import threading

    paragraphs = [
        f"Officials met on day {i}. They talked for hours. Mr Smith left early. "
        f"Prices rose by {i}.5 per cent. The talks will resume."
        for i in range(16)
    ]
    expected = [split_sentences(p) for p in paragraphs]
    results: dict[int, list[list[str]]] = {}

    def work(k: int) -> None:
        results[k] = [split_sentences(p) for p in paragraphs * 5]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected * 5 for r in results.values())


_PROSE_WORDS = ["He", "said", "Mr.", "U.S.", "no.", "3", "5.5", "“Why?”", "(a)", '"', "'", "!",
                "?", ".", "...", "Dr", "St.", "a.m.", "Inc.", "\n", "\t", "\u00a0", "  ", "x",
                "It", "The", "i.e.", "e.g.", "1.", "a)", ":", ";", "é", "is.", "Is", "co.",
                "CO.", "Gen.", "gen", "Jan.", "p.", "v.", "vs.", "Ph.D.", "al.", "Sen.", "Mt.",
                "fig.", "ſ", "K", "ı", "İs.", "Kan.", "café"]  # fmt: skip
PROSE = st.lists(st.sampled_from(_PROSE_WORDS), max_size=24).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=PROSE, lang=st.sampled_from(["en", "es", "de"]))
def test_pysbd_sentences_are_found_where_pysbd_finds_them(text: str, lang: str) -> None:
    expected = pysbd.Segmenter(language=lang, clean=False).segment(text)
    assert _pysbd_segment(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("Ankara sent troops. Damascus objected.", [19]),
        ("Rain fell, roads closed. Schools shut; trains stopped. Nobody came", [24, 54]),
        ("One sentence, no stop", []),
        # not plain: pysbd decides
        ("Mr. Kalin met Dr. Aydin. They spoke.", None),
        ("Prices rose 5.5 percent. Shares fell.", None),
        ("Is it over? Not yet.", None),
        ('"It is over." Talks ended.', None),
        ("NATO. The alliance met.", None),
        ("The U.S. sent troops. Damascus objected.", None),
        ("They went to Kan. The storm hit.", None),
    ],
)
def test_plain_prose_is_cut_without_pysbd(text: str, ends: list[int] | None) -> None:
    assert _plain_ends(text, "en") == ends
    if ends is not None:
        assert ends == _pysbd_ends(text, "en")
    assert _plain_ends(text, "es") is None  # other languages: pysbd's own rules


_PLAIN_WORDS = ["He", "said", "it", "rose.", "The", "Talks", "ended.", "is.", "Is", "co.",
                "Gen.", "al.", "NATO.", "US.", "a.", "A", "I", "x.", "3", "3.", "2,000",
                "well-known.", "O'Neil.", "jan.", ",", ";", "  ", "\n", "said:", "Ask", "it’s.",
                "Mt.", "no.", "No", "vs.", "etc.", "St"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_PLAIN_WORDS), max_size=24).map(" ".join))
def test_plain_prose_ends_its_sentences_where_pysbd_does(text: str) -> None:
    plain = _plain_ends(text, "en")
    if plain is not None:
        assert plain == _pysbd_ends(text, "en")
