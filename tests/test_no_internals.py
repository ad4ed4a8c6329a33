"""Nothing of the engine's internals reaches a reader: no analysis tag, stream-format character
or placeholder in any output. The check and its last resort (``tarjama.leaks``) case by case; a
sentence that leaks translated again without the step that caused it; and every shared
evaluation set and every sample article through the real Apertium in every installed pair,
checked character by character, apart from ``tarjama.leaks``' own patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tarjama import formats, inline
from tarjama.engines.apertium import ApertiumEngine, discover_modes
from tarjama.engines.base import Direction, Engine, Result, provenance
from tarjama.leaks import find, scrub, scrub_tagged
from tarjama.model import Article, Block, BlockKind, Pair
from tarjama.pipeline import Translator

from .conftest import SAMPLES, SHARED, needs_apertium


@pytest.mark.parametrize(
    ("source", "output", "kinds"),
    [
        ("Theresa May will announce the plan.", "Theresa May <inf> anunciar el pla.", ["tag"]),
        ("The cat.", "El ^gat/cat<n>$.", ["unit"]),
        ("The Hekla volcano.", "El *Hekla volcà.", ["mark"]),
        ("Read it.", "Léelo [[x:1]]ya[[/]].", ["stream", "stream"]),
        ("Stop.", "Para [\\<x:3\\>].", ["stream"]),
        ("Stop.", 'Para <x id="1"/>.', ["placeholder"]),
        ("Stop.", "Para \\[ahora\\].", ["stream", "stream"]),
        # what the source has is no leak: hashtags, handles, markup it quotes, a product
        ("Use #MeToo and @AFP.", "Usa #MeToo y @AFP.", []),
        ("The <b> tag is bold.", "La etiqueta <b> es negrita.", []),
        ("It costs $5 * 3.", "Cuesta 5 $ * 3.", []),
        ("Nothing odd.", "Nada raro.", []),
    ],
)
def test_find(source: str, output: str, kinds: list[str]) -> None:
    assert [leak.kind for leak in find(source, output)] == kinds


@pytest.mark.parametrize(
    ("output", "scrubbed"),
    [
        ("Theresa May <inf> anunciar el pla.", "Theresa May anunciar el pla."),
        ("El *Hekla volcà.", "El Hekla volcà."),
        ("<n><sg> Para ya.", "Para ya."),
        ("Para ya <vblex> .", "Para ya."),
    ],
)
def test_scrub_keeps_the_words(output: str, scrubbed: str) -> None:
    assert scrub("source", output) == scrubbed
    assert find("source", scrub("source", output)) == []


def test_scrub_tagged_keeps_the_markup() -> None:
    tagged = 'El <g id="1">*Hekla</g> &lt;inf&gt; va <x id="2"/>.'
    assert scrub_tagged("source", tagged) == 'El <g id="1">Hekla</g> va <x id="2"/>.'


class _Leaky(Engine):
    """An engine whose output always carries an analysis tag, as eng-cat's does for "May
    will": nothing it makes can be published as it is."""

    name = "leaky"

    def pairs(self) -> list[Pair]:
        return [Pair("en", "es")]

    def direction(self, pair: Pair) -> Direction:
        engine = self

        class _Direction(Direction):
            def translate(self, segments: Iterable[str]) -> Iterator[Result]:
                for text in segments:
                    engine.seen.append(text)
                    yield Result(f"{text} <vblex><inf>", self.provenance)

        return _Direction(provenance(self.name, "1", "", pair))

    def __init__(self) -> None:
        self.seen: list[str] = []


def test_a_leak_is_translated_again_then_taken_out() -> None:
    engine = _Leaky()
    article = Article(headline="", body=(Block(BlockKind.PARAGRAPH, "Dr Qatmeh Smith won."),))
    out = Translator(engine).translate(article, "es").article.body[0].text
    assert "<" not in inline.plain(out) and "Qatmeh Smith" in inline.plain(out), out
    # with the name masked, then with the name as a plain proper noun, then unmasked
    assert len(engine.seen) == 3, engine.seen
    assert 'equiv="Qatmeh Smith"' in engine.seen[0] and "equiv" not in engine.seen[1]
    assert engine.seen[2] == "Dr Qatmeh Smith won."


@needs_apertium
def test_theresa_may_into_catalan(apertium: ApertiumEngine) -> None:
    # eng-cat reads "May" as the modal and writes "<inf>", masked or not: the name travels
    # as a plain proper noun instead
    [out] = Translator(apertium).translate_lines(["Theresa May will announce it today."], "ca")
    assert out == "Theresa May l'anunciarà avui.", out


# --- every shared evaluation set and every sample, in every pair ----------------------------

# What an engine may never add to a text: Apertium's stream syntax, its marks, tags' brackets.
_SPECIAL = "<>^[]\\{}*#@|~$"
_WORDS = re.compile(r"x id=|ctype=|equiv=|tarjama\\?:")


def _added(source: str, output: str) -> list[str]:
    """Characters of ``_SPECIAL`` the output has more of than the source, and placeholder
    words it has that the source has not."""
    found = [c for c in _SPECIAL if output.count(c) > source.count(c)]
    return found + [w for w in _WORDS.findall(output) if w not in source]


def _sets(language: str) -> list[Path]:
    """The shared evaluation files written in ``language``: sources and references."""
    folder = SHARED / "eval"
    return sorted(
        p
        for p in folder.glob(f"*/*.{language}")
        if p.name.count(".") == 1  # "newstest2013.es", not another system's output
    )


def _pairs() -> list[Pair]:
    return sorted(discover_modes(), key=str)


@needs_apertium
@pytest.mark.apertium
@pytest.mark.parametrize("pair", _pairs(), ids=str)
def test_no_internals_in_any_output(apertium: ApertiumEngine, pair: Pair) -> None:
    files = _sets(pair.source.split("-")[0])
    if not files:
        pytest.skip(f"no shared evaluation set in {pair.source}")
    translator = Translator(apertium)
    problems: list[str] = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for src, out in zip(lines, translator.translate_lines(lines, pair.target, pair.source),
                            strict=True):  # fmt: skip
            if _added(src, out) or find(src, out):
                problems.append(f"{path.name}: {src!r} -> {out!r}")
    if pair.source == "en":
        samples = [p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html", ".json")]
        samples += sorted((SHARED / "samples").glob("*.txt"))
        for path in samples:
            article = formats.read(path.read_bytes())
            done = translator.translate(article, pair.target)
            for seg in done.segments:
                src, out = inline.plain(seg.source), inline.plain(seg.target)
                if _added(src, out) or find(src, out):
                    problems.append(f"{path.name}: {src!r} -> {out!r}")
    assert not problems, f"{len(problems)} outputs carry engine internals:\n" + "\n".join(
        problems[:20]
    )
