"""Checks on capital letters a reader sees as wrong: a common word written with a capital in
the middle of a sentence ("África Del norte", "Valmoria Maneja el fondo"), and a name written
in lower case. They ask the target's dictionary (``CheckContext.target_readings``) what a word
is, and are silent without one."""

from __future__ import annotations

from collections.abc import Iterator

from tarjama.qa.base import CheckContext, Hit, Severity, check
from tarjama.qa.text import words

# Parts of speech no name is made of on its own: a capital on one of these in the middle of a
# sentence, before a lower-case word, is the engine's (a name's word it translated, a verb it
# took for a name). A noun or an adjective may be a name's ("la Casa Blanca"): never judged.
_NEVER_CAPITALISED = frozenset({"preposition", "determiner", "conjunction", "pronoun", "verb",
                                "finite"})  # fmt: skip
# What no name ends with: a capital on a sentence's last word is judged only on a finite verb
# ("Kalin Habló."), as a name's last word may be of any other part, participles included
# ("Fueron a Las Palmas", "los Estados Unidos").
_FINITE_VERB = frozenset({"verb", "finite"})
_PARTICIPLE = frozenset({"verb"})
"""A verb's form that is not finite: a participle, gerund or infinitive."""
# Where a sentence (or a quotation, or a title after a colon) starts again.
_OPENERS = frozenset(".!?:;¿¡«“\"'‘(—–-…")


def _mid_sentence(text: str, at: int) -> bool:
    """Does the word at ``at`` stand inside a sentence, after another word?"""
    before = text[:at].rstrip()
    return bool(before) and before[-1] not in _OPENERS


@check("capitals", Severity.MINOR)
def capitals(ctx: CheckContext) -> Iterator[Hit]:
    # Spanish, Catalan and Galician write only names with capitals; a capital on a verb or a
    # preposition inside a sentence tells the reader that a machine wrote it.
    if ctx.target_readings is None:
        return
    text = ctx.target_plain
    in_source = set(ctx.source_words)
    capitalised = {
        w for w in ctx.target_words if w[0].isupper() and not w.isupper() and w not in in_source
    }
    if capitalised and ctx.names:
        capitalised -= {w for name in ctx.names for w, _ in words(name)}
    suspects = []
    if capitalised:
        targets = ctx.target_places
        suspects = [
            (w, at, k + 1 == len(targets), k > 0 and targets[k - 1][0][0].isupper())
            for k, (w, at) in enumerate(targets)
            if w in capitalised and _mid_sentence(text, at)
            and (k + 1 == len(targets) or targets[k + 1][0][0].islower())
        ]  # fmt: skip
    lowered = _lower_case_names(ctx, in_source)
    if not suspects and not lowered:
        return
    known = ctx.target_readings(list(dict.fromkeys([*(s[0] for s in suspects), *lowered])))
    for word, at, last, in_name in suspects:
        parts = known.get(word)
        if not parts or (in_name and parts == _PARTICIPLE):
            continue  # a participle after a capital ends a name: "los Estados Unidos"
        if (parts == _FINITE_VERB) if last else (parts <= _NEVER_CAPITALISED):
            yield f"{word!r} has a capital in the middle of a sentence", word, (at, at + len(word))
    for word in lowered:
        parts = known.get(word)
        if parts is not None and not parts - {"proper"}:
            at = next(at for w, at in ctx.target_places if w == word)
            yield f"the name {word!r} is written in lower case", word, (at, at + len(word))


def _lower_case_names(ctx: CheckContext, in_source: set[str]) -> list[str]:
    """Names of the source (capitalised inside a sentence) that the target writes in lower
    case only."""
    in_target = set(ctx.target_words)
    wanted = {
        w for w in in_source
        if w[0].isupper() and not w.isupper() and w.lower() in in_target and w not in in_target
        and w.lower() not in in_source
    }  # fmt: skip
    if not wanted:
        return []
    source = ctx.source_plain
    return list(
        dict.fromkeys(
            w.lower() for w, at in ctx.source_places if w in wanted and _mid_sentence(source, at)
        )
    )
