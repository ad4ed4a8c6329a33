"""Translation memory: exact matches that may be served, fuzzy matches that editors may see.

Units are stored per language pair (matched on the primary language subtag, see
``tarjama.memory.normalise``) with their origin and provenance:

* **human** units: one per source and pair; adding a human translation of a source that already
  has one replaces it (a correction replaces the previous correction).
* **machine** units: one per source, pair and engine/version/model. They are only ever served to
  a caller naming the same provenance signature (``Provenance.signature()``,
  ``engine:version:model:pair``), so output of an older engine version is never returned: after
  an upgrade those units are stale and stay in the table unserved.

:meth:`TranslationMemory.lookup` serves exact matches only, ranked approved human > human >
machine with the caller's signature. :meth:`TranslationMemory.fuzzy` returns near matches scored
in [0, 1]; they are **suggestions for editors only** and must never be published unreviewed.

TMX import and export (``tarjama.memory.tmx``) stream, and import writes in batches of 5,000 rows
with a dialect-aware ``INSERT ... ON CONFLICT`` inside one transaction: a file loads completely or
not at all.
"""

from __future__ import annotations

import logging
import math
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Table, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from tarjama import intake
from tarjama.errors import EmptyInputError, InputError, LanguageError
from tarjama.memory.normalise import fuzzy_key, normalise, primary_language, source_hash
from tarjama.memory.tmx import TMXReader, TMXUnit, write_tmx
from tarjama.memory.xmlio import Destination, ImportReport, Source
from tarjama.model import Pair, Provenance
from tarjama.store import Store, TMUnit, generations, upsert, utcnow
from tarjama.store.models import LOCALE

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 500
"""Hashes per ``IN (...)`` in :meth:`TranslationMemory.lookup_many` (well under SQLite's limit)."""

IMPORT_BATCH = 5000

_KEY = ("source_lang", "target_lang", "source_hash", "origin", "engine", "engine_version", "model")
_UPDATED_ON_CONFLICT = (
    "source",
    "target",
    "source_locale",
    "target_locale",
    "approved",
    "note",
    "updated_at",
)


class Origin(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"


@dataclass(frozen=True)
class Match:
    """A translation the memory holds for a source, and how far to trust it."""

    source: str
    """The stored source: equal to the query for exact matches, near it for fuzzy ones."""
    target: str
    origin: Origin
    score: float
    """1.0 for exact matches; the fuzzy similarity in [0, 1] otherwise."""
    approved: bool
    unit_id: int
    provenance: Provenance | None
    """The engine that made a machine unit (languages as primary subtags); None for humans."""
    note: str = ""

    @property
    def signature(self) -> str | None:
        return self.provenance.signature() if self.provenance else None


@dataclass(frozen=True)
class MemoryUnit:
    """A stored unit as it is, for listing and export."""

    id: int
    source: str
    target: str
    source_locale: str
    target_locale: str
    origin: Origin
    engine: str
    engine_version: str
    model: str
    approved: bool
    note: str
    created_at: datetime
    updated_at: datetime


@dataclass
class _FuzzyIndex:
    """One pair's sources for fuzzy search, in ascending length (lists aligned by position)."""

    fingerprint: tuple[Any, ...]
    lengths: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    provenance: list[tuple[str, str, str] | None] = field(default_factory=list)
    """None for human units, (engine, version, model) for machine ones."""


def parse_signature(signature: str) -> tuple[str, str, str, str]:
    """``engine:version:model:pair`` split into its four parts (the model may hold colons)."""
    engine, sep1, rest = signature.partition(":")
    engine_version, sep2, rest = rest.partition(":")
    model, sep3, pair = rest.rpartition(":")
    if not (sep1 and sep2 and sep3 and engine and pair):
        raise InputError(f"not a provenance signature: {signature!r} (engine:version:model:pair)")
    return engine, engine_version, model, pair


def _pair_matches(pair: str, source_lang: str, target_lang: str) -> bool:
    parts = pair.split("-")
    if len(parts) == 2:
        try:
            return (primary_language(parts[0]), primary_language(parts[1])) == (
                source_lang,
                target_lang,
            )
        except LanguageError:
            return False
    return pair.lower() == f"{source_lang}-{target_lang}"


class TranslationMemory:
    """Exact and fuzzy translation memory over a migrated :class:`~tarjama.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = cast(Table, TMUnit.__table__)
        self._fuzzy: dict[tuple[str, str], _FuzzyIndex] = {}

    # -- writing -------------------------------------------------------------------------------

    def add(
        self,
        source: str,
        target: str,
        *,
        pair: tuple[str, str] | Pair | None = None,
        source_lang: str | None = None,
        target_lang: str | None = None,
        origin: Origin | str = Origin.HUMAN,
        provenance: Provenance | None = None,
        approved: bool = False,
        note: str = "",
    ) -> int:
        """Store a translation and return its unit id.

        The pair comes from ``pair``, else ``source_lang``/``target_lang``, else the provenance.
        Machine units need a ``provenance`` (it is their key); human units take none. A unit
        with the same source, pair and provenance is updated in place.
        """
        kind = _origin(origin)
        src_tag, tgt_tag = _resolve_pair(pair, source_lang, target_lang, provenance)
        if kind is Origin.MACHINE and provenance is None:
            raise InputError("a machine unit needs the provenance of the engine that made it")
        if kind is Origin.HUMAN and provenance is not None:
            raise InputError("a human unit carries no engine provenance")
        if provenance is not None and (
            primary_language(provenance.source_language),
            primary_language(provenance.target_language),
        ) != (primary_language(src_tag), primary_language(tgt_tag)):
            raise InputError(
                f"provenance pair {provenance.pair} differs from the unit's {src_tag}-{tgt_tag}"
            )
        row = _row(
            source,
            target,
            src_tag,
            tgt_tag,
            kind,
            engine=provenance.engine if provenance else "",
            engine_version=provenance.engine_version if provenance else "",
            model=provenance.model if provenance else "",
            approved=approved,
            note=note,
        )
        with self.store.begin() as session:
            upsert(session, self._table, [row], key=_KEY, update=_UPDATED_ON_CONFLICT)
            generations.bump(session)
            unit_id = session.execute(
                select(TMUnit.id).where(*(getattr(TMUnit, name) == row[name] for name in _KEY))
            ).scalar_one()
        self._fuzzy.clear()
        return int(unit_id)

    def add_many(
        self,
        units: Sequence[tuple[str, str]],
        *,
        pair: tuple[str, str] | Pair,
        origin: Origin | str = Origin.MACHINE,
        provenance: Provenance | None = None,
    ) -> int:
        """Store many (source, target) units of one pair and origin in one transaction."""
        kind = _origin(origin)
        if kind is Origin.MACHINE and provenance is None:
            raise InputError("machine units need the provenance of the engine that made them")
        src_tag, tgt_tag = _resolve_pair(pair, None, None, provenance)
        rows = []
        for source, target in units:
            if not (intake.accepts(source) and intake.accepts(target)):
                # what the text rule refuses is never stored (an engine's output may hold it)
                log.warning("a %s translation not stored: it holds a character that is not text",
                            kind)  # fmt: skip
                continue
            if normalise(source) and target.strip():
                rows.append(
                    _row(
                        source,
                        target,
                        src_tag,
                        tgt_tag,
                        kind,
                        engine=provenance.engine if provenance else "",
                        engine_version=provenance.engine_version if provenance else "",
                        model=provenance.model if provenance else "",
                        approved=False,
                        note="",
                    )
                )
        if rows:
            with self.store.begin() as session:
                self._write(session, rows)
                generations.bump(session)
            self._fuzzy.clear()
        return len(rows)

    def delete(self, unit_id: int) -> bool:
        """Remove one unit; False if there was none with that id."""
        with self.store.begin() as session:
            result = session.execute(delete(TMUnit).where(TMUnit.id == unit_id))
            generations.bump(session)
        self._fuzzy.clear()
        return bool(getattr(result, "rowcount", 0))

    # -- exact lookups -------------------------------------------------------------------------

    def lookup(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        *,
        signature: str | None = None,
    ) -> Match | None:
        """The best exact match for ``source``, or None.

        Human units are always eligible; machine units only when their provenance signature is
        ``signature`` (so without one, only human translations are served).
        """
        return self.lookup_many([source], source_lang, target_lang, signature=signature).get(source)

    def lookup_many(
        self,
        sources: Iterable[str],
        source_lang: str,
        target_lang: str,
        *,
        signature: str | None = None,
    ) -> dict[str, Match]:
        """Exact matches for many sources at once, keyed by the source as given (misses absent).

        One query per :data:`LOOKUP_CHUNK` distinct sources; ranking as :meth:`lookup`.
        """
        src, tgt = primary_language(source_lang), primary_language(target_lang)
        by_hash: dict[str, list[str]] = {}
        for text in sources:
            by_hash.setdefault(source_hash(text), []).append(text)
        if not by_hash:
            return {}
        eligible = self._eligible(src, tgt, signature)
        best: dict[str, tuple[tuple[int, int], Any]] = {}
        hashes = list(by_hash)
        t = self._table.c
        with self.store.engine.connect() as connection:
            for start in range(0, len(hashes), LOOKUP_CHUNK):
                chunk = hashes[start : start + LOOKUP_CHUNK]
                query = select(self._table).where(
                    t.source_lang == src,
                    t.target_lang == tgt,
                    t.source_hash.in_(chunk) if len(chunk) > 1 else t.source_hash == chunk[0],
                    eligible,
                )
                for row in connection.execute(query):
                    rank = _rank(row)
                    current = best.get(row.source_hash)
                    if current is None or rank < current[0]:
                        best[row.source_hash] = (rank, row)
        found: dict[str, Match] = {}
        for digest, (_, row) in best.items():
            match = _match(row, src, tgt, 1.0)
            for text in by_hash[digest]:
                found[text] = match
        return found

    # -- fuzzy suggestions ---------------------------------------------------------------------

    def fuzzy(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        *,
        threshold: float = 0.75,
        limit: int = 5,
        signature: str | None = None,
        _retried: bool = False,
    ) -> list[Match]:
        """Near matches for ``source``, best first: suggestions for editors, never to publish.

        Similarity is rapidfuzz's ``fuzz.ratio`` (normalised Indel similarity) on normalised,
        casefolded text, as a score in [0, 1]; only matches scoring at least ``threshold`` come
        back, one per stored source (the best-ranked unit), at most ``limit``. Machine units are
        eligible only under their own ``signature``, as for :meth:`lookup`.

        Candidates come from a per-pair index loaded from SQL ordered by the ``source_length``
        column and kept in memory: a query scores only the length band that can reach the
        threshold, which for a news memory of similar-length sentences would otherwise mean
        fetching most of the table on every call. The index is rebuilt (about a second per
        100,000 units) when units are added anywhere or deleted through this object; matches
        are re-read from the table, so edits and deletions made elsewhere never show stale text.
        """
        if not 0 < threshold <= 1:
            raise InputError(f"threshold must be in (0, 1], not {threshold}")
        if limit < 1:
            return []
        key = fuzzy_key(source)
        if not key:
            return []
        src, tgt = primary_language(source_lang), primary_language(target_lang)
        index = self._fuzzy_index(src, tgt)
        length = len(key)
        # ratio = 2·matches / (len_a + len_b) <= 2·min / (len_a + len_b): outside this band a
        # candidate cannot reach the threshold. One character of slack covers casefolding.
        shortest = max(0, math.floor(length * threshold / (2 - threshold)) - 1)
        # a tiny threshold makes the bound infinite: then every length is in the band
        reach = length * (2 - threshold) / threshold
        longest = math.ceil(reach) + 1 if math.isfinite(reach) else sys.maxsize
        low = bisect_left(index.lengths, shortest)
        high = bisect_right(index.lengths, longest)
        if low >= high:
            return []
        machine = self._machine_key(src, tgt, signature)
        scored = process.extract(
            key,
            index.keys[low:high],
            scorer=fuzz.ratio,
            score_cutoff=threshold * 100,
            limit=None,
        )
        hits = sorted(
            (
                (score, index.ids[low + offset], index.hashes[low + offset])
                for _, score, offset in scored
                if index.provenance[low + offset] is None
                or index.provenance[low + offset] == machine
            ),
            key=lambda hit: (-hit[0], hit[1]),
        )
        chosen: dict[str, float] = {}
        for score, _, digest in hits:
            if len(chosen) == limit:
                break
            chosen.setdefault(digest, score)
        ids = [unit_id for _, unit_id, digest in hits if digest in chosen]
        if not ids:
            return []
        with self.store.engine.connect() as connection:
            rows = list(connection.execute(select(self._table).where(self._table.c.id.in_(ids))))
        if len(rows) < len(ids) and not _retried:
            self._fuzzy.pop((src, tgt), None)
            return self.fuzzy(
                source,
                source_lang,
                target_lang,
                threshold=threshold,
                limit=limit,
                signature=signature,
                _retried=True,
            )
        best: dict[str, tuple[float, tuple[int, int], Any]] = {}
        for row in rows:
            score = fuzz.ratio(key, fuzzy_key(row.source))
            if score < threshold * 100 or row.source_hash not in chosen:
                continue
            current = best.get(row.source_hash)
            if current is None or (-score, _rank(row)) < (-current[0], current[1]):
                best[row.source_hash] = (score, _rank(row), row)
        ordered = sorted(best.values(), key=lambda item: (-item[0], item[1], item[2].id))
        return [_match(row, src, tgt, round(score / 100, 4)) for score, _, row in ordered[:limit]]

    # -- listing -------------------------------------------------------------------------------

    def count(self, source_lang: str | None = None, target_lang: str | None = None) -> int:
        query = (
            select(func.count())
            .select_from(self._table)
            .where(*self._pair_filter(source_lang, target_lang))
        )
        with self.store.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def counts(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> list[tuple[str, str, Origin, int]]:
        """Units per pair and origin (of one pair, or one side of it), sorted by pair."""
        t = self._table.c
        query = (
            select(t.source_lang, t.target_lang, t.origin, func.count())
            .where(*self._pair_filter(source_lang, target_lang))
            .group_by(t.source_lang, t.target_lang, t.origin)
            .order_by(t.source_lang, t.target_lang, t.origin)
        )
        with self.store.engine.connect() as connection:
            return [
                (src, tgt, Origin(origin), int(n))
                for src, tgt, origin, n in connection.execute(query)
            ]

    def units(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> Iterator[MemoryUnit]:
        """Every stored unit (of one pair, or one side of it), in id order, streamed."""
        query = (
            select(self._table)
            .where(*self._pair_filter(source_lang, target_lang))
            .order_by(self._table.c.id)
            .execution_options(yield_per=1000)
        )
        with self.store.engine.connect() as connection:
            for row in connection.execute(query):
                yield MemoryUnit(
                    id=row.id,
                    source=row.source,
                    target=row.target,
                    source_locale=row.source_locale,
                    target_locale=row.target_locale,
                    origin=Origin(row.origin),
                    engine=row.engine,
                    engine_version=row.engine_version,
                    model=row.model,
                    approved=bool(row.approved),
                    note=row.note,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                )

    # -- TMX -----------------------------------------------------------------------------------

    def import_tmx(
        self,
        source: Source,
        *,
        origin: Origin | str = Origin.HUMAN,
        provenance: Provenance | None = None,
        approved: bool = False,
        source_lang: str | None = None,
        target_lang: str | None = None,
    ) -> int:
        """Load a TMX file (path, bytes or binary file); return the number of units written.

        See :meth:`import_tmx_report` for the arguments and the count of skipped ``<tu>``.
        """
        return self.import_tmx_report(
            source,
            origin=origin,
            provenance=provenance,
            approved=approved,
            source_lang=source_lang,
            target_lang=target_lang,
        ).imported

    def import_tmx_report(
        self,
        source: Source,
        *,
        origin: Origin | str = Origin.HUMAN,
        provenance: Provenance | None = None,
        approved: bool = False,
        source_lang: str | None = None,
        target_lang: str | None = None,
    ) -> ImportReport:
        """Load a TMX file and say what was written and what was skipped.

        ``origin``, ``provenance`` and ``approved`` apply to units whose ``<tu>`` does not carry
        tarjama's own ``x-tarjama-*`` properties (files tarjama exported restore theirs).
        ``source_lang``/``target_lang`` keep only units of those languages. Units colliding with
        stored ones (same source, pair and provenance) update them. Atomic: on a
        :class:`~tarjama.memory.tmx.TMXError` nothing is written.
        """
        default_origin = _origin(origin)
        if default_origin is Origin.MACHINE and provenance is None:
            raise InputError("importing machine translations needs their provenance")
        only_src = primary_language(source_lang) if source_lang else None
        only_tgt = primary_language(target_lang) if target_lang else None
        reader = TMXReader(source)
        imported = 0
        batch: list[dict[str, Any]] = []
        with self.store.begin() as session:
            for unit in reader:
                row = self._tmx_row(unit, default_origin, provenance, approved)
                if row is None:
                    reader.skipped_lines.append(unit.line)
                    continue
                if (only_src and row["source_lang"] != only_src) or (
                    only_tgt and row["target_lang"] != only_tgt
                ):
                    continue
                batch.append(row)
                if len(batch) >= IMPORT_BATCH:
                    imported += self._write(session, batch)
                    batch = []
            imported += self._write(session, batch)
            generations.bump(session)
        self._fuzzy.clear()
        log.info("imported %d TMX units, skipped %d", imported, len(reader.skipped_lines))
        return ImportReport(imported, tuple(reader.skipped_lines))

    def export_tmx(
        self,
        destination: Destination,
        source_lang: str | None = None,
        target_lang: str | None = None,
    ) -> int:
        """Write the memory (or one pair, or one side of it) as TMX 1.4b; return the unit count."""
        units = (
            TMXUnit(
                source=unit.source,
                target=unit.target,
                source_locale=unit.source_locale,
                target_locale=unit.target_locale,
                origin=unit.origin.value,
                engine=unit.engine,
                engine_version=unit.engine_version,
                model=unit.model,
                approved=unit.approved,
                note=unit.note,
                created=unit.created_at,
                updated=unit.updated_at,
            )
            for unit in self.units(source_lang, target_lang)
        )
        header = source_lang if source_lang else "*all*"
        return write_tmx(destination, units, srclang=header)

    # -- internals -----------------------------------------------------------------------------

    def _eligible(self, src: str, tgt: str, signature: str | None) -> ColumnElement[bool]:
        t = self._table.c
        human = t.origin == Origin.HUMAN.value
        provenance = self._machine_key(src, tgt, signature)
        if provenance is None:
            return human
        engine, engine_version, model = provenance
        machine = and_(
            t.origin == Origin.MACHINE.value,
            t.engine == engine,
            t.engine_version == engine_version,
            t.model == model,
        )
        return or_(human, machine)

    def _machine_key(
        self, src: str, tgt: str, signature: str | None
    ) -> tuple[str, str, str] | None:
        """(engine, version, model) of the machine units ``signature`` may see, if any."""
        if signature is None:
            return None
        engine, engine_version, model, pair = parse_signature(signature)
        if not _pair_matches(pair, src, tgt):
            return None
        return engine, engine_version, model

    def _fuzzy_index(self, src: str, tgt: str) -> _FuzzyIndex:
        t = self._table.c
        pair = (t.source_lang == src, t.target_lang == tgt)
        with self.store.engine.connect() as connection:
            # The newest id (one primary-key probe) tells whether anyone added units. Updates
            # keep their id and source, and matches are re-read, so they need no rebuild;
            # deletions made here clear the cache, deletions elsewhere are caught on re-read.
            fingerprint = (connection.execute(select(func.max(t.id))).scalar_one(),)
            cached = self._fuzzy.get((src, tgt))
            if cached is not None and cached.fingerprint == fingerprint:
                return cached
            index = _FuzzyIndex(fingerprint)
            query = (
                select(t.id, t.source, t.source_hash, t.origin, t.engine, t.engine_version, t.model)
                .where(*pair)
                .order_by(t.source_length, t.id)
                .execution_options(yield_per=5000)
            )
            for row in connection.execute(query):
                fuzzy = fuzzy_key(row.source)
                index.lengths.append(len(fuzzy))
                index.keys.append(fuzzy)
                index.ids.append(row.id)
                index.hashes.append(row.source_hash)
                index.provenance.append(
                    None
                    if row.origin == Origin.HUMAN.value
                    else (row.engine, row.engine_version, row.model)
                )
        self._fuzzy[(src, tgt)] = index
        log.debug("built the %s-%s fuzzy index: %d units", src, tgt, len(index.ids))
        return index

    def _pair_filter(
        self, source_lang: str | None, target_lang: str | None
    ) -> list[ColumnElement[bool]]:
        t = self._table.c
        filters: list[ColumnElement[bool]] = []
        if source_lang:
            filters.append(t.source_lang == primary_language(source_lang))
        if target_lang:
            filters.append(t.target_lang == primary_language(target_lang))
        return filters

    def _tmx_row(
        self,
        unit: TMXUnit,
        default_origin: Origin,
        provenance: Provenance | None,
        approved: bool,
    ) -> dict[str, Any] | None:
        try:
            kind = Origin(unit.origin) if unit.origin else default_origin
        except ValueError:
            log.warning("TMX line %d: unknown origin %r, unit skipped", unit.line, unit.origin)
            return None
        engine, engine_version, model = unit.engine, unit.engine_version, unit.model
        if kind is Origin.MACHINE and not engine and provenance is not None:
            engine, engine_version, model = (
                provenance.engine,
                provenance.engine_version,
                provenance.model,
            )
        if kind is Origin.HUMAN:
            engine = engine_version = model = ""
        try:
            return _row(
                unit.source,
                unit.target,
                unit.source_locale,
                unit.target_locale,
                kind,
                engine=engine,
                engine_version=engine_version,
                model=model,
                approved=approved if unit.approved is None else unit.approved,
                note=unit.note,
                created=unit.created,
                updated=unit.updated,
            )
        except (InputError, LanguageError) as exc:
            log.warning("TMX line %d: %s, unit skipped", unit.line, exc)
            return None

    def _write(self, session: Session, rows: Sequence[dict[str, Any]]) -> int:
        upsert(session, self._table, rows, key=_KEY, update=_UPDATED_ON_CONFLICT)
        return len(rows)


def _origin(value: Origin | str) -> Origin:
    try:
        return Origin(value)
    except ValueError as exc:
        raise InputError(f"origin must be 'human' or 'machine', not {value!r}") from exc


def _resolve_pair(
    pair: tuple[str, str] | Pair | None,
    source_lang: str | None,
    target_lang: str | None,
    provenance: Provenance | None,
) -> tuple[str, str]:
    if isinstance(pair, Pair):
        return pair.source, pair.target
    if pair is not None:
        return pair[0], pair[1]
    if source_lang and target_lang:
        return source_lang, target_lang
    if provenance is not None:
        return provenance.source_language, provenance.target_language
    raise InputError("a unit needs its language pair: pair=, or source_lang= and target_lang=")


def _row(
    source: str,
    target: str,
    source_locale: str,
    target_locale: str,
    origin: Origin,
    *,
    engine: str,
    engine_version: str,
    model: str,
    approved: bool,
    note: str,
    created: datetime | None = None,
    updated: datetime | None = None,
) -> dict[str, Any]:
    source = intake.accept(source, "the source")
    target = intake.accept(target, "the target")
    note = intake.accept(note, "the note")
    normalised = normalise(source)
    if not normalised or not target.strip():
        raise EmptyInputError("a unit needs a non-empty source and target")
    # The store's columns (PostgreSQL enforces them): a clear refusal, not a database error.
    for what, value, limit in (
        ("source language tag", source_locale.strip(), LOCALE),
        ("target language tag", target_locale.strip(), LOCALE),
        ("engine name", engine, 100),
        ("engine version", engine_version, 100),
        ("model", model, 255),
    ):
        if len(value) > limit:
            raise InputError(f"the {what} is {len(value)} characters; at most {limit}")
    created = created or utcnow()
    return {
        "source_lang": primary_language(source_locale),
        "target_lang": primary_language(target_locale),
        "source_locale": source_locale.strip(),
        "target_locale": target_locale.strip(),
        "source": source,
        "target": target,
        "source_hash": source_hash(source),
        "source_length": len(fuzzy_key(source)),
        "origin": origin.value,
        "engine": engine,
        "engine_version": engine_version,
        "model": model,
        "approved": approved,
        "note": note,
        "created_at": created,
        "updated_at": updated or created,
    }


def _rank(row: Any) -> tuple[int, int]:
    """Sort key, lowest best: approved human, human, machine; approved first within each."""
    return (0 if row.origin == Origin.HUMAN.value else 1, 0 if row.approved else 1)


def _match(row: Any, src: str, tgt: str, score: float) -> Match:
    provenance = None
    if row.origin == Origin.MACHINE.value:
        provenance = Provenance(
            engine=row.engine,
            engine_version=row.engine_version,
            model=row.model,
            source_language=src,
            target_language=tgt,
            created=row.created_at.isoformat(timespec="seconds"),
        )
    return Match(
        source=row.source,
        target=row.target,
        origin=Origin(row.origin),
        score=score,
        approved=bool(row.approved),
        unit_id=row.id,
        provenance=provenance,
        note=row.note,
    )
