"""Glossary: how terms are rendered per language pair, and which of them occur in a text.

Terms are stored per pair (languages matched on the primary subtag, see
``tarjama.memory.normalise``), one entry per source term. A do-not-translate term renders as its
source (brand names, agencies); ``case_sensitive`` terms match only as written ("AFP", "Apple"),
the others in any case.

:meth:`Glossary.find` reports occurrences at word boundaries, leftmost first and longest first
(``tarjama.memory.terms``: the terms as values and rows, and the matcher). It compiles one
matcher per pair and caches it; the cache is dropped when this object changes the pair and
checked against the table's row count and newest ``updated_at`` otherwise, so changes made
elsewhere are seen on the next call.

CSV is read and written by ``tarjama.memory.termcsv``, TBX by ``tarjama.memory.tbx``. Bad files
raise :class:`~tarjama.errors.FormatError` (``CSVError``, ``TBXError``) naming the line; imports
are atomic.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import Table, delete, func, select

from tarjama import intake
from tarjama.errors import EmptyInputError, InputError
from tarjama.memory.normalise import primary_language
from tarjama.memory.tbx import TBXError, TBXReader, TBXTerm, write_tbx
from tarjama.memory.termcsv import CSV_COLUMNS, CSVError, TextSource, csv_rows, open_text, write_csv
from tarjama.memory.terms import (
    TERM_LIMIT,
    Term,
    TermHit,
    TermMatcher,
    term_of,
    term_row,
    within_limit,
)
from tarjama.memory.xmlio import Destination, ImportReport, Source
from tarjama.store import GlossaryTerm, Store, generations, upsert

__all__ = [
    "CSV_COLUMNS",
    "TERM_LIMIT",
    "CSVError",
    "Glossary",
    "Term",
    "TermHit",
    "TermNotFoundError",
]

log = logging.getLogger(__name__)

_KEY = ("source_lang", "target_lang", "source_term")
_UPDATED = ("target_term", "case_sensitive", "do_not_translate", "note", "updated_at")


class TermNotFoundError(InputError):
    """No glossary term has the given id."""


class Glossary:
    """Glossary terms over a migrated :class:`~tarjama.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = cast(Table, GlossaryTerm.__table__)
        self._matchers: dict[tuple[str, str], TermMatcher] = {}

    # -- editing -------------------------------------------------------------------------------

    def add(
        self,
        source_term: str,
        target_term: str = "",
        *,
        source_lang: str,
        target_lang: str,
        case_sensitive: bool = False,
        do_not_translate: bool = False,
        note: str = "",
    ) -> Term:
        """Add a term, or replace the entry for the same source term in the pair.

        A do-not-translate term may leave ``target_term`` empty: it renders as the source.
        """
        pair = primary_language(source_lang), primary_language(target_lang)
        row = term_row(pair, source_term, target_term, case_sensitive, do_not_translate, note)
        with self.store.begin() as session:
            upsert(session, self._table, [row], key=_KEY, update=_UPDATED)
            generations.bump(session)
            entry = session.scalars(
                select(GlossaryTerm).where(
                    *(getattr(GlossaryTerm, name) == row[name] for name in _KEY)
                )
            ).one()
            term = term_of(entry)
        self._matchers.pop(pair, None)
        return term

    def update(
        self,
        term_id: int,
        *,
        source_term: str | None = None,
        target_term: str | None = None,
        case_sensitive: bool | None = None,
        do_not_translate: bool | None = None,
        note: str | None = None,
    ) -> Term:
        """Change some fields of a term; raise :class:`TermNotFoundError` if there is none."""
        with self.store.begin() as session:
            entry = session.get(GlossaryTerm, term_id)
            if entry is None:
                raise TermNotFoundError(f"no glossary term with id {term_id}")
            if source_term is not None:
                source_term = intake.accept(source_term, "the source term").strip()
                if not source_term:
                    raise EmptyInputError("a glossary term needs a source term")
                entry.source_term = within_limit(source_term, "source")
            if target_term is not None:
                target_term = intake.accept(target_term, "the target term").strip()
                entry.target_term = within_limit(target_term, "target")
            if case_sensitive is not None:
                entry.case_sensitive = case_sensitive
            if do_not_translate is not None:
                entry.do_not_translate = do_not_translate
            if note is not None:
                entry.note = intake.accept(note, "the note")
            if not entry.target_term:
                if not entry.do_not_translate:
                    raise EmptyInputError("a term that is translated needs a target term")
                entry.target_term = entry.source_term  # as ``add`` stores it
            generations.bump(session)
            session.flush()
            term = term_of(entry)
        self._matchers.pop((term.source_lang, term.target_lang), None)
        return term

    def delete(self, term_id: int) -> bool:
        """Remove a term; False if there was none with that id."""
        with self.store.begin() as session:
            entry = session.get(GlossaryTerm, term_id)
            if entry is None:
                return False
            pair = entry.source_lang, entry.target_lang
            session.execute(delete(GlossaryTerm).where(GlossaryTerm.id == term_id))
            generations.bump(session)
        self._matchers.pop(pair, None)
        return True

    def get(self, term_id: int) -> Term | None:
        with self.store.session() as session:
            entry = session.get(GlossaryTerm, term_id)
            return term_of(entry) if entry is not None else None

    def list_terms(self, source_lang: str, target_lang: str) -> list[Term]:
        """Every term of the pair, sorted by source term."""
        return self.terms(source_lang, target_lang)

    def terms(self, source_lang: str | None = None, target_lang: str | None = None) -> list[Term]:
        """Every term (of one pair, or one side of it), sorted by pair, then source term."""
        filters = []
        if source_lang:
            filters.append(GlossaryTerm.source_lang == primary_language(source_lang))
        if target_lang:
            filters.append(GlossaryTerm.target_lang == primary_language(target_lang))
        query = (
            select(GlossaryTerm)
            .where(*filters)
            .order_by(
                GlossaryTerm.source_lang,
                GlossaryTerm.target_lang,
                GlossaryTerm.source_term,
                GlossaryTerm.id,
            )
        )
        with self.store.session() as session:
            return [term_of(entry) for entry in session.scalars(query)]

    # -- matching ------------------------------------------------------------------------------

    def find(self, text: str, source_lang: str, target_lang: str) -> list[TermHit]:
        """Every occurrence of a glossary term in ``text``, in order (see the module docstring)."""
        pair = primary_language(source_lang), primary_language(target_lang)
        return self._matcher(pair).find(text)

    def terms_for(self, text: str, source_lang: str, target_lang: str) -> list[Term]:
        """The distinct terms occurring in ``text``, in order of first occurrence."""
        seen: dict[int, Term] = {}
        for hit in self.find(text, source_lang, target_lang):
            seen.setdefault(hit.term.id, hit.term)
        return list(seen.values())

    # -- CSV -----------------------------------------------------------------------------------

    def import_csv(self, source: TextSource, source_lang: str, target_lang: str) -> int:
        """Load terms from CSV (see the module docstring); return how many were written."""
        pair = primary_language(source_lang), primary_language(target_lang)
        with open_text(source) as (stream, name):
            rows = list(csv_rows(stream, pair, name))
        return self._write(pair, rows)

    def export_csv(
        self, destination: str | Path | IO[str], source_lang: str, target_lang: str
    ) -> int:
        """Write the pair's terms as CSV with a header; return how many."""
        terms = self.list_terms(source_lang, target_lang)
        if isinstance(destination, str | Path):
            with Path(destination).open("w", encoding="utf-8", newline="") as stream:
                write_csv(stream, terms)
        else:
            write_csv(destination, terms)
        return len(terms)

    # -- TBX -----------------------------------------------------------------------------------

    def import_tbx(self, source: Source, source_lang: str, target_lang: str) -> ImportReport:
        """Load the pair's terms from TBX (v2 ``martif`` or v3 ``tbx``): how many were written,
        and the lines of the entries skipped for lack of a source and a target term in the pair.

        A term longer than its column refuses the whole file with its line, as in CSV:
        nothing is written.
        """
        pair = primary_language(source_lang), primary_language(target_lang)
        reader = TBXReader(source, source_lang, target_lang)
        rows = []
        for entry in reader:
            try:
                rows.append(
                    term_row(
                        pair,
                        entry.source,
                        entry.target,
                        entry.case_sensitive,
                        entry.do_not_translate,
                        entry.note,
                    )
                )
            except InputError as exc:
                raise TBXError(f"{reader.name}: line {entry.line}: {exc}") from exc
        return ImportReport(self._write(pair, rows), tuple(reader.skipped_lines))

    def export_tbx(self, destination: Destination, source_lang: str, target_lang: str) -> int:
        """Write the pair's terms as TBX-Basic; return how many."""
        terms = (
            TBXTerm(t.source, t.target, t.case_sensitive, t.do_not_translate, t.note)
            for t in self.list_terms(source_lang, target_lang)
        )
        return write_tbx(destination, terms, source_lang, target_lang)

    # -- internals -----------------------------------------------------------------------------

    def _write(self, pair: tuple[str, str], rows: list[dict[str, Any]]) -> int:
        with self.store.begin() as session:
            upsert(session, self._table, rows, key=_KEY, update=_UPDATED)
            generations.bump(session)
        self._matchers.pop(pair, None)
        return len(rows)

    def _fingerprint(self, pair: tuple[str, str]) -> tuple[int, datetime | None]:
        t = self._table.c
        query = select(func.count(), func.max(t.updated_at)).where(
            t.source_lang == pair[0], t.target_lang == pair[1]
        )
        with self.store.engine.connect() as connection:
            count, newest = connection.execute(query).one()
        return int(count), newest

    def _matcher(self, pair: tuple[str, str]) -> TermMatcher:
        fingerprint = self._fingerprint(pair)
        cached = self._matchers.get(pair)
        if cached is not None and cached.fingerprint == fingerprint:
            return cached
        terms = self.list_terms(*pair)
        matcher = TermMatcher.build(fingerprint, terms)
        self._matchers[pair] = matcher
        log.debug("compiled the %s-%s glossary: %d terms", pair[0], pair[1], len(terms))
        return matcher
