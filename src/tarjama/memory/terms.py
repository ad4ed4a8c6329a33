"""Glossary terms as values and rows, and finding them in text.

A ``TermMatcher`` holds one pair's terms as one regular expression, built as a trie of the
lowercased terms so thousands of terms cost little more than a few; ``find`` reports occurrences
at word boundaries (a term must not start or end inside a word), leftmost first and, where terms
start at the same place, longest first, never overlapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from tarjama import inline, intake
from tarjama.errors import EmptyInputError, InputError
from tarjama.store import GlossaryTerm
from tarjama.store.models import utcnow_precise


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    id: int
    source_lang: str
    target_lang: str
    source: str
    target: str
    case_sensitive: bool = False
    do_not_translate: bool = False
    note: str = ""

    @property
    def rendering(self) -> str:
        """What the target text should contain: the source itself when not to be translated."""
        return self.source if self.do_not_translate else self.target


@dataclass(frozen=True)
class TermHit:
    """Where a term occurs in a text: ``text[start:end]`` is ``matched``."""

    term: Term
    start: int
    end: int
    matched: str


TERM_LIMIT = 1000
"""Most characters in a source or target term (the store's column; PostgreSQL enforces it)."""


def within_limit(term: str, which: str) -> str:
    if len(term) > TERM_LIMIT:
        raise InputError(
            f"the {which} term is {len(term):,} characters; a term has at most {TERM_LIMIT:,}"
        )
    return term


def term_row(
    pair: tuple[str, str],
    source_term: str,
    target_term: str,
    case_sensitive: bool,
    do_not_translate: bool,
    note: str,
) -> dict[str, Any]:
    source = within_limit(intake.accept(source_term, "the source term").strip(), "source")
    target = within_limit(intake.accept(target_term, "the target term").strip(), "target")
    note = intake.accept(note, "the note")
    if not source:
        raise EmptyInputError("a glossary term needs a source term")
    if not target:
        if not do_not_translate:
            raise EmptyInputError(f"the term {source!r} needs a target term")
        target = source
    now = utcnow_precise()
    return {
        "source_lang": pair[0],
        "target_lang": pair[1],
        "source_term": source,
        "target_term": target,
        "case_sensitive": case_sensitive,
        "do_not_translate": do_not_translate,
        "note": note,
        "created_at": now,
        "updated_at": now,
    }


def term_of(entry: GlossaryTerm) -> Term:
    """A stored entry as a term: its columns by the same names, ``source_term`` and
    ``target_term`` as ``source`` and ``target``."""
    same = {f.name: getattr(entry, f.name) for f in fields(Term) if hasattr(entry, f.name)}
    return Term(**{**same, "source": entry.source_term, "target": entry.target_term})


@dataclass
class TermMatcher:
    """One pair's terms, compiled for ``find``; ``fingerprint`` says which state of the table
    it was built from."""

    fingerprint: tuple[int, datetime | None]
    pattern: re.Pattern[str] | None = None
    exact: dict[str, Term] = field(default_factory=dict)
    """Case-sensitive terms by their text."""
    folded: dict[str, Term] = field(default_factory=dict)
    """Case-insensitive terms by their lowercased text."""

    @classmethod
    def build(cls, fingerprint: tuple[int, datetime | None], terms: list[Term]) -> TermMatcher:
        matcher = cls(fingerprint)
        for term in terms:
            if term.case_sensitive:
                matcher.exact[term.source] = term
            else:
                matcher.folded[term.source.lower()] = term
        words = sorted({term.source.lower() for term in terms})
        if words:
            matcher.pattern = re.compile(
                r"(?<!\w)(?:" + _trie_pattern(words) + r")(?!\w)", re.IGNORECASE
            )
        return matcher

    def resolve(self, matched: str) -> Term | None:
        return self.exact.get(matched) or self.folded.get(matched.lower())

    def find(self, text: str) -> list[TermHit]:
        """Every occurrence of a term in ``text``, in order (see the module docstring)."""
        if self.pattern is None or not text:
            return []
        hits: list[TermHit] = []
        pattern = self.pattern
        position = 0
        while (found := pattern.search(text, position)) is not None:
            start, end = found.span()
            term = self.resolve(found.group())
            # The pattern ignores case; a case-sensitive term written otherwise does not count,
            # but a shorter term starting at the same place may.
            while term is None and end - 1 > start:
                shorter = pattern.match(text, start, end - 1)
                if shorter is None:
                    break
                end = shorter.end()
                if end < len(text) and inline.is_word_char(text[end]):
                    continue
                term = self.resolve(shorter.group())
            if term is None:
                position = start + 1
                continue
            hits.append(TermHit(term, start, end, text[start:end]))
            position = end
        return hits


def _trie_pattern(words: list[str]) -> str:
    """A regex alternation of ``words`` shaped as a trie; greedy, so longer words win."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + render(child) for char, child in node.items() if char]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(sorted(branches)) + ")"
        if optional:
            return ("(?:" + body + ")?") if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return render(trie)
