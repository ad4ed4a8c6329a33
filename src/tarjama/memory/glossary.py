"""Glossary: how terms are rendered per language pair, and which of them occur in a text.

Terms are stored per pair (languages matched on the primary subtag, see
``tarjama.memory.normalise``), one entry per source term. A do-not-translate term renders as its
source (brand names, agencies); ``case_sensitive`` terms match only as written ("AFP", "Apple"),
the others in any case.

:meth:`Glossary.find` reports occurrences at word boundaries (a term must not start or end inside
a word), leftmost first and, where terms start at the same place, longest first, never
overlapping. It compiles one regular expression per pair, built as a trie of the lowercased
terms so thousands of terms cost little more than a few, and caches it; the cache is dropped when
this object changes the pair and checked against the table's row count and newest ``updated_at``
otherwise, so changes made elsewhere are seen on the next call.

CSV files have a header row naming the columns ``source,target,case_sensitive,do_not_translate,
note`` (``source`` and ``target`` required, any order); booleans are true/false, yes/no, 1/0 or
empty (false). TBX is read and written by ``tarjama.memory.tbx``. Bad files raise
:class:`~tarjama.errors.FormatError` (``CSVError``, ``TBXError``) naming the line; imports are
atomic.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, TypeAlias, cast

from sqlalchemy import Table, delete, func, select

from tarjama import intake
from tarjama.errors import EmptyInputError, EncodingError, FormatError, InputError
from tarjama.memory.normalise import primary_language
from tarjama.memory.tbx import TBXError, TBXReader, TBXTerm, write_tbx
from tarjama.memory.xmlio import Destination, ImportReport, Source
from tarjama.store import GlossaryTerm, Store, generations, upsert
from tarjama.store.models import utcnow_precise

log = logging.getLogger(__name__)

CSV_COLUMNS = ("source", "target", "case_sensitive", "do_not_translate", "note")
_BOOLEANS = {
    "": False,
    "false": False,
    "no": False,
    "0": False,
    "true": True,
    "yes": True,
    "1": True,
}
_KEY = ("source_lang", "target_lang", "source_term")
_UPDATED = ("target_term", "case_sensitive", "do_not_translate", "note", "updated_at")

TextSource: TypeAlias = str | Path | IO[str]
"""A CSV file path, or an open text file."""


class CSVError(FormatError):
    """A glossary CSV file is malformed; the message names the line."""


class TermNotFoundError(InputError):
    """No glossary term has the given id."""


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


@dataclass
class _Matcher:
    fingerprint: tuple[int, datetime | None]
    pattern: re.Pattern[str] | None
    exact: dict[str, Term] = field(default_factory=dict)
    """Case-sensitive terms by their text."""
    folded: dict[str, Term] = field(default_factory=dict)
    """Case-insensitive terms by their lowercased text."""

    def resolve(self, matched: str) -> Term | None:
        return self.exact.get(matched) or self.folded.get(matched.lower())


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


class Glossary:
    """Glossary terms over a migrated :class:`~tarjama.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = cast(Table, GlossaryTerm.__table__)
        self._matchers: dict[tuple[str, str], _Matcher] = {}

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
        row = _row(pair, source_term, target_term, case_sensitive, do_not_translate, note)
        with self.store.begin() as session:
            upsert(session, self._table, [row], key=_KEY, update=_UPDATED)
            generations.bump(session)
            entry = session.scalars(
                select(GlossaryTerm).where(
                    *(getattr(GlossaryTerm, name) == row[name] for name in _KEY)
                )
            ).one()
            term = _term(entry)
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
                entry.source_term = _within_limit(source_term, "source")
            if target_term is not None:
                target_term = intake.accept(target_term, "the target term").strip()
                entry.target_term = _within_limit(target_term, "target")
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
            term = _term(entry)
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
            return _term(entry) if entry is not None else None

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
            return [_term(entry) for entry in session.scalars(query)]

    # -- matching ------------------------------------------------------------------------------

    def find(self, text: str, source_lang: str, target_lang: str) -> list[TermHit]:
        """Every occurrence of a glossary term in ``text``, in order (see the module docstring)."""
        matcher = self._matcher((primary_language(source_lang), primary_language(target_lang)))
        if matcher.pattern is None or not text:
            return []
        hits: list[TermHit] = []
        pattern = matcher.pattern
        position = 0
        while (found := pattern.search(text, position)) is not None:
            start, end = found.span()
            term = matcher.resolve(found.group())
            # The pattern ignores case; a case-sensitive term written otherwise does not count,
            # but a shorter term starting at the same place may.
            while term is None and end - 1 > start:
                shorter = pattern.match(text, start, end - 1)
                if shorter is None:
                    break
                end = shorter.end()
                if end < len(text) and _word_char(text[end]):
                    continue
                term = matcher.resolve(shorter.group())
            if term is None:
                position = start + 1
                continue
            hits.append(TermHit(term, start, end, text[start:end]))
            position = end
        return hits

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
        with _open_text(source) as (stream, name):
            rows = list(_csv_rows(stream, pair, name))
        return self._write(pair, rows)

    def export_csv(
        self, destination: str | Path | IO[str], source_lang: str, target_lang: str
    ) -> int:
        """Write the pair's terms as CSV with a header; return how many."""
        terms = self.list_terms(source_lang, target_lang)
        if isinstance(destination, str | Path):
            with Path(destination).open("w", encoding="utf-8", newline="") as stream:
                _write_csv(stream, terms)
        else:
            _write_csv(destination, terms)
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
                    _row(
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

    def _matcher(self, pair: tuple[str, str]) -> _Matcher:
        fingerprint = self._fingerprint(pair)
        cached = self._matchers.get(pair)
        if cached is not None and cached.fingerprint == fingerprint:
            return cached
        terms = self.list_terms(*pair)
        matcher = _Matcher(fingerprint, None)
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
        self._matchers[pair] = matcher
        log.debug("compiled the %s-%s glossary: %d terms", pair[0], pair[1], len(terms))
        return matcher


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


TERM_LIMIT = 1000
"""Most characters in a source or target term (the store's column; PostgreSQL enforces it)."""


def _within_limit(term: str, which: str) -> str:
    if len(term) > TERM_LIMIT:
        raise InputError(
            f"the {which} term is {len(term):,} characters; a term has at most {TERM_LIMIT:,}"
        )
    return term


def _row(
    pair: tuple[str, str],
    source_term: str,
    target_term: str,
    case_sensitive: bool,
    do_not_translate: bool,
    note: str,
) -> dict[str, Any]:
    source = _within_limit(intake.accept(source_term, "the source term").strip(), "source")
    target = _within_limit(intake.accept(target_term, "the target term").strip(), "target")
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


def _term(entry: GlossaryTerm) -> Term:
    return Term(
        id=entry.id,
        source_lang=entry.source_lang,
        target_lang=entry.target_lang,
        source=entry.source_term,
        target=entry.target_term,
        case_sensitive=entry.case_sensitive,
        do_not_translate=entry.do_not_translate,
        note=entry.note,
    )


@contextmanager
def _open_text(source: TextSource) -> Iterator[tuple[IO[str], str]]:
    """A text stream and its name for a path (UTF-8, a BOM allowed) or an open text file,
    its text under the text rule (``tarjama.intake``: a refusal names the line and column)."""
    if not isinstance(source, str | Path):
        name = str(getattr(source, "name", "<csv>"))
        text = source.read()
    else:
        path = Path(source)
        name = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    with io.StringIO(intake.accept(text, name, lines=True), newline="") as stream:
        yield stream, name


def _boolean(value: str, column: str, where: str) -> bool:
    try:
        return _BOOLEANS[value.strip().lower()]
    except KeyError:
        raise CSVError(f"{where}: {column} must be true or false, not {value!r}") from None


def _csv_rows(stream: IO[str], pair: tuple[str, str], name: str) -> Iterator[dict[str, Any]]:
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            raise CSVError(f"{name}: line 1: empty file, expected a header row")
        columns = [column.strip().lower() for column in header]
        unknown = [c for c in columns if c not in CSV_COLUMNS]
        missing = [c for c in ("source", "target") if c not in columns]
        if unknown or missing or len(set(columns)) != len(columns):
            raise CSVError(
                f"{name}: line {reader.line_num}: the header must name the columns "
                f"{','.join(CSV_COLUMNS)} (source and target required), found {header}"
            )
        for fields in reader:
            where = f"{name}: line {reader.line_num}"
            if not fields or fields == [""]:
                continue
            if len(fields) != len(columns):
                raise CSVError(f"{where}: {len(fields)} fields, the header has {len(columns)}")
            values = dict(zip(columns, fields, strict=True))
            try:
                yield _row(
                    pair,
                    values["source"],
                    values["target"],
                    _boolean(values.get("case_sensitive", ""), "case_sensitive", where),
                    _boolean(values.get("do_not_translate", ""), "do_not_translate", where),
                    values.get("note", ""),
                )
            except CSVError:
                raise  # says where already
            except InputError as exc:
                raise CSVError(f"{where}: {exc}") from exc
    except csv.Error as exc:
        raise CSVError(f"{name}: line {reader.line_num}: malformed CSV: {exc}") from exc


def _write_csv(stream: IO[str], terms: list[Term]) -> None:
    """The terms as CSV; a term stored before the text rule loses the characters the rule
    refuses (CSV has no comments to say so in: the log says so)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for term in terms:
        fields = [term.source, term.target, term.note]
        for i, (name, value) in enumerate(zip(("source", "target", "note"), fields, strict=True)):
            fields[i], removed = intake.scrub(value)
            if removed:
                log.warning(
                    "glossary term %d: %s written without %s, which the text rule refuses",
                    term.id,
                    name,
                    ", ".join(removed),
                )
        source, target, note = fields
        writer.writerow(
            [
                source,
                target,
                "true" if term.case_sensitive else "false",
                "true" if term.do_not_translate else "false",
                note,
            ]
        )
