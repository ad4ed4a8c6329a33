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

Units as rows, their key and rank live in ``tarjama.memory.units``; the fuzzy index in
``tarjama.memory.fuzzy``. TMX import and export (``tarjama.memory.tmx``) stream, and import
writes in batches of 5,000 rows with a dialect-aware ``INSERT ... ON CONFLICT`` inside one
transaction: a file loads completely or not at all.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypedDict, Unpack, cast

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from tarjama.errors import CharacterError, EmptyInputError, InputError, LanguageError
from tarjama.memory.fuzzy import FuzzyIndex, best_rows
from tarjama.memory.normalise import fuzzy_key, primary_language, source_hash
from tarjama.memory.tmx import TMXReader, TMXUnit, write_tmx
from tarjama.memory.units import (
    KEY,
    UPDATED_ON_CONFLICT,
    Match,
    MemoryUnit,
    Origin,
    engine_of,
    match_of,
    memory_unit,
    origin_of,
    parse_signature,
    rank,
    resolve_pair,
    signature_key,
    tmx_unit,
    unit_row,
)
from tarjama.memory.xmlio import Destination, ImportReport, Source
from tarjama.model import Pair, Provenance
from tarjama.store import Store, TMUnit, generations, upsert

__all__ = ["Match", "MemoryUnit", "Origin", "TranslationMemory", "parse_signature"]

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 500
"""Hashes per ``IN (...)`` in :meth:`TranslationMemory.lookup_many` (well under SQLite's limit)."""

IMPORT_BATCH = 5000


@functools.cache
def _lookup(machine: bool) -> Select[Any]:
    """The exact look-up of a chunk of hashes: human units, and with ``machine`` the machine
    units of one engine, version and model. Made once, the values bound when it runs:
    building it for every article was over half of the look-up's CPU."""
    t = cast(Table, TMUnit.__table__).c
    eligible: ColumnElement[bool] = t.origin == Origin.HUMAN.value
    if machine:
        eligible = or_(
            eligible,
            and_(
                t.origin == Origin.MACHINE.value,
                t.engine == bindparam("engine"),
                t.engine_version == bindparam("engine_version"),
                t.model == bindparam("model"),
            ),
        )
    return select(TMUnit.__table__).where(
        t.source_lang == bindparam("src"),
        t.target_lang == bindparam("tgt"),
        t.source_hash.in_(bindparam("hashes", expanding=True)),
        eligible,
    )


class TMXOptions(TypedDict, total=False):
    """The options of :meth:`TranslationMemory.import_tmx_report`."""

    origin: Origin | str
    provenance: Provenance | None
    approved: bool
    source_lang: str | None
    target_lang: str | None
    progress: Callable[[int], None] | None


class TranslationMemory:
    """Exact and fuzzy translation memory over a migrated :class:`~tarjama.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._table = cast(Table, TMUnit.__table__)
        self._fuzzy: dict[tuple[str, str], FuzzyIndex] = {}

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
        kind = origin_of(origin)
        src_tag, tgt_tag = resolve_pair(pair, source_lang, target_lang, provenance)
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
        row = unit_row(
            source,
            target,
            src_tag,
            tgt_tag,
            kind,
            engine_of(provenance),
            approved=approved,
            note=note,
        )
        with self.store.begin() as session:
            self._write(session, [row])
            generations.bump(session)
            unit_id = session.execute(
                select(TMUnit.id).where(*(getattr(TMUnit, name) == row[name] for name in KEY))
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
        kind = origin_of(origin)
        if kind is Origin.MACHINE and provenance is None:
            raise InputError("machine units need the provenance of the engine that made them")
        src_tag, tgt_tag = resolve_pair(pair, None, None, provenance)
        engine = engine_of(provenance)
        rows = []
        for source, target in units:
            try:
                rows.append(
                    unit_row(
                        source, target, src_tag, tgt_tag, kind, engine, approved=False, note=""
                    )
                )
            except CharacterError:
                # what the text rule refuses is never stored (an engine's output may hold it)
                log.warning("a %s translation not stored: it holds a character that is not text",
                            kind)  # fmt: skip
            except EmptyInputError:
                pass  # an empty source or target: nothing to remember
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
        machine = signature_key(signature, src, tgt)
        query = _lookup(machine is not None)
        params: dict[str, Any] = {"src": src, "tgt": tgt}
        if machine:
            params.update(zip(("engine", "engine_version", "model"), machine, strict=True))
        best: dict[str, tuple[tuple[int, int], Any]] = {}
        hashes = list(by_hash)
        with self.store.engine.connect() as connection:
            for start in range(0, len(hashes), LOOKUP_CHUNK):
                chunk = hashes[start : start + LOOKUP_CHUNK]
                for row in connection.execute(query, {**params, "hashes": chunk}):
                    order = rank(row)
                    current = best.get(row.source_hash)
                    if current is None or order < current[0]:
                        best[row.source_hash] = (order, row)
        found: dict[str, Match] = {}
        for digest, (_, row) in best.items():
            match = match_of(row, src, tgt, 1.0)
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
        found = self._fuzzy_matches(key, (src, tgt), threshold, limit, signature, stale_ok=False)
        if found is None:
            # a unit the index names was deleted elsewhere: rebuilt, the index is asked again
            self._fuzzy.pop((src, tgt), None)
            found = self._fuzzy_matches(key, (src, tgt), threshold, limit, signature, stale_ok=True)
        return found or []

    def _fuzzy_matches(
        self,
        key: str,
        pair: tuple[str, str],
        threshold: float,
        limit: int,
        signature: str | None,
        *,
        stale_ok: bool,
    ) -> list[Match] | None:
        """``fuzzy`` for a key; None when a unit the index chose is gone, unless ``stale_ok``."""
        index = self._fuzzy_index(*pair)
        band = index.band(key, threshold)
        if not band:
            return []
        machine = signature_key(signature, *pair)
        chosen, ids = index.choose(key, band, threshold, machine, limit)
        if not ids:
            return []
        with self.store.engine.connect() as connection:
            rows = list(connection.execute(select(self._table).where(self._table.c.id.in_(ids))))
        if len(rows) < len(ids) and not stale_ok:
            return None
        return [
            match_of(row, *pair, round(score / 100, 4))
            for score, row in best_rows(rows, key, threshold, chosen, limit)
        ]

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
                yield memory_unit(row)

    # -- TMX -----------------------------------------------------------------------------------

    def import_tmx(self, source: Source, **options: Unpack[TMXOptions]) -> int:
        """Load a TMX file (path, bytes or binary file); return the number of units written.

        See :meth:`import_tmx_report` for the options and the count of skipped ``<tu>``.
        """
        return self.import_tmx_report(source, **options).imported

    def import_tmx_report(
        self,
        source: Source,
        *,
        origin: Origin | str = Origin.HUMAN,
        provenance: Provenance | None = None,
        approved: bool = False,
        source_lang: str | None = None,
        target_lang: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Load a TMX file and say what was written and what was skipped.

        ``origin``, ``provenance`` and ``approved`` apply to units whose ``<tu>`` does not carry
        tarjama's own ``x-tarjama-*`` properties (files tarjama exported restore theirs).
        ``source_lang``/``target_lang`` keep only units of those languages. Units colliding with
        stored ones (same source, pair and provenance) update them. Atomic: on a
        :class:`~tarjama.memory.tmx.TMXError` nothing is written. ``progress`` is called with
        the number of ``<tu>`` read so far, now and then (for a progress bar).
        """
        default_origin = origin_of(origin)
        if default_origin is Origin.MACHINE and provenance is None:
            raise InputError("importing machine translations needs their provenance")
        only_src = primary_language(source_lang) if source_lang else None
        only_tgt = primary_language(target_lang) if target_lang else None
        reader = TMXReader(source, progress=progress)
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
        units = (tmx_unit(unit) for unit in self.units(source_lang, target_lang))
        header = source_lang if source_lang else "*all*"
        return write_tmx(destination, units, srclang=header)

    # -- internals -----------------------------------------------------------------------------

    def _fuzzy_index(self, src: str, tgt: str) -> FuzzyIndex:
        t = self._table.c
        with self.store.engine.connect() as connection:
            # The newest id (one primary-key probe) tells whether anyone added units. Updates
            # keep their id and source, and matches are re-read, so they need no rebuild;
            # deletions made here clear the cache, deletions elsewhere are caught on re-read.
            fingerprint = (connection.execute(select(func.max(t.id))).scalar_one(),)
            cached = self._fuzzy.get((src, tgt))
            if cached is not None and cached.fingerprint == fingerprint:
                return cached
            index = FuzzyIndex.load(connection, self._table, src, tgt, fingerprint)
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
        engine = unit.engine, unit.engine_version, unit.model
        if kind is Origin.MACHINE and not unit.engine and provenance is not None:
            engine = engine_of(provenance)
        if kind is Origin.HUMAN:
            engine = engine_of(None)
        try:
            return unit_row(
                unit.source,
                unit.target,
                unit.source_locale,
                unit.target_locale,
                kind,
                engine,
                approved=approved if unit.approved is None else unit.approved,
                note=unit.note,
                created=unit.created,
                updated=unit.updated,
            )
        except (InputError, LanguageError) as exc:
            log.warning("TMX line %d: %s, unit skipped", unit.line, exc)
            return None

    def _write(self, session: Session, rows: Sequence[dict[str, Any]]) -> int:
        upsert(session, self._table, rows, key=KEY, update=UPDATED_ON_CONFLICT)
        return len(rows)
