"""The fuzzy index: one pair's sources ordered by length, searched within the length band that
can reach a similarity threshold.

Similarity is rapidfuzz's ``fuzz.ratio`` (normalised Indel similarity) on normalised, casefolded
text (``normalise.fuzzy_key``), a score in [0, 100]. ratio = 2·matches / (len_a + len_b)
<= 2·min / (len_a + len_b): outside the band a candidate cannot reach the threshold, so only
the band is scored; for a news memory of similar-length sentences, fetching every unit from the
table on every call would be most of the table.
"""

from __future__ import annotations

import math
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Table, select

from tarjama.memory.normalise import fuzzy_key
from tarjama.memory.units import Origin, rank

EngineKey = tuple[str, str, str]
"""(engine, version, model) of a machine unit."""


@dataclass
class FuzzyIndex:
    """One pair's sources for fuzzy search, in ascending length (lists aligned by position)."""

    fingerprint: tuple[Any, ...]
    lengths: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    provenance: list[EngineKey | None] = field(default_factory=list)
    """None for human units, (engine, version, model) for machine ones."""

    @classmethod
    def load(
        cls, connection: Connection, table: Table, src: str, tgt: str, fingerprint: tuple[Any, ...]
    ) -> FuzzyIndex:
        """The pair's units from the table, ordered by the ``source_length`` column."""
        t = table.c
        index = cls(fingerprint)
        query = (
            select(t.id, t.source, t.source_hash, t.origin, t.engine, t.engine_version, t.model)
            .where(t.source_lang == src, t.target_lang == tgt)
            .order_by(t.source_length, t.id)
            .execution_options(yield_per=5000)
        )
        for row in connection.execute(query):
            key = fuzzy_key(row.source)
            index.lengths.append(len(key))
            index.keys.append(key)
            index.ids.append(row.id)
            index.hashes.append(row.source_hash)
            index.provenance.append(
                None
                if row.origin == Origin.HUMAN.value
                else (row.engine, row.engine_version, row.model)
            )
        return index

    def band(self, key: str, threshold: float) -> range:
        """Positions of the sources whose length can reach ``threshold`` against ``key``."""
        length = len(key)
        # One character of slack either side covers casefolding.
        shortest = max(0, math.floor(length * threshold / (2 - threshold)) - 1)
        # a tiny threshold makes the bound infinite: then every length is in the band
        reach = length * (2 - threshold) / threshold
        longest = math.ceil(reach) + 1 if math.isfinite(reach) else sys.maxsize
        return range(bisect_left(self.lengths, shortest), bisect_right(self.lengths, longest))

    def choose(
        self, key: str, band: range, threshold: float, machine: EngineKey | None, limit: int
    ) -> tuple[dict[str, float], list[int]]:
        """The best ``limit`` sources in ``band`` (by hash, with their score) among the units
        ``machine`` may see, and the ids of every eligible unit of those sources."""
        low, high = band.start, band.stop
        scored = process.extract(
            key,
            self.keys[low:high],
            scorer=fuzz.ratio,
            score_cutoff=threshold * 100,
            limit=None,
        )
        hits = sorted(
            (
                (score, self.ids[low + offset], self.hashes[low + offset])
                for _, score, offset in scored
                if self.provenance[low + offset] is None or self.provenance[low + offset] == machine
            ),
            key=lambda hit: (-hit[0], hit[1]),
        )
        chosen: dict[str, float] = {}
        for score, _, digest in hits:
            if len(chosen) == limit:
                break
            chosen.setdefault(digest, score)
        return chosen, [unit_id for _, unit_id, digest in hits if digest in chosen]


def best_rows(
    rows: Iterable[Any], key: str, threshold: float, chosen: dict[str, float], limit: int
) -> list[tuple[float, Any]]:
    """(score, row) of the best-ranked unit of each chosen source, as re-read from the table
    (an edit made elsewhere shows), best first, at most ``limit``."""
    best: dict[str, tuple[float, tuple[int, int], Any]] = {}
    for row in rows:
        score = fuzz.ratio(key, fuzzy_key(row.source))
        if score < threshold * 100 or row.source_hash not in chosen:
            continue
        current = best.get(row.source_hash)
        if current is None or (-score, rank(row)) < (-current[0], current[1]):
            best[row.source_hash] = (score, rank(row), row)
    ordered = sorted(best.values(), key=lambda item: (-item[0], item[1], item[2].id))
    return [(score, row) for score, _, row in ordered[:limit]]
