"""A memory unit as stored and as served: its row in the table, its key, its rank among units
of the same source, and the ``Match`` or ``MemoryUnit`` made from it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from tarjama import intake
from tarjama.errors import EmptyInputError, InputError, LanguageError
from tarjama.memory.normalise import fuzzy_key, normalise, primary_language, source_hash
from tarjama.memory.tmx import TMXUnit
from tarjama.model import Pair, Provenance
from tarjama.store import utcnow
from tarjama.store.models import LOCALE

KEY = ("source_lang", "target_lang", "source_hash", "origin", "engine", "engine_version", "model")
"""The columns that make a unit one: a human unit per source and pair, a machine unit per
source, pair and engine/version/model."""
UPDATED_ON_CONFLICT = (
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


def parse_signature(signature: str) -> tuple[str, str, str, str]:
    """``engine:version:model:pair`` split into its four parts (the model may hold colons)."""
    engine, sep1, rest = signature.partition(":")
    engine_version, sep2, rest = rest.partition(":")
    model, sep3, pair = rest.rpartition(":")
    if not (sep1 and sep2 and sep3 and engine and pair):
        raise InputError(f"not a provenance signature: {signature!r} (engine:version:model:pair)")
    return engine, engine_version, model, pair


def pair_matches(pair: str, source_lang: str, target_lang: str) -> bool:
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


def signature_key(signature: str | None, src: str, tgt: str) -> tuple[str, str, str] | None:
    """(engine, version, model) of the machine units ``signature`` may see in the pair, if any."""
    if signature is None:
        return None
    engine, engine_version, model, pair = parse_signature(signature)
    if not pair_matches(pair, src, tgt):
        return None
    return engine, engine_version, model


def origin_of(value: Origin | str) -> Origin:
    try:
        return Origin(value)
    except ValueError as exc:
        raise InputError(f"origin must be 'human' or 'machine', not {value!r}") from exc


def resolve_pair(
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


def engine_of(provenance: Provenance | None) -> tuple[str, str, str]:
    """(engine, version, model) of a machine unit's provenance; empty for a human unit."""
    if provenance is None:
        return "", "", ""
    return provenance.engine, provenance.engine_version, provenance.model


def unit_row(
    source: str,
    target: str,
    source_locale: str,
    target_locale: str,
    origin: Origin,
    engine: tuple[str, str, str],
    *,
    approved: bool,
    note: str,
    created: datetime | None = None,
    updated: datetime | None = None,
) -> dict[str, Any]:
    """The row of a unit, its text under the text rule and its fields within the columns."""
    source = intake.accept(source, "the source")
    target = intake.accept(target, "the target")
    note = intake.accept(note, "the note")
    normalised = normalise(source)
    if not normalised or not target.strip():
        raise EmptyInputError("a unit needs a non-empty source and target")
    name, version, model = engine
    # The store's columns (PostgreSQL enforces them): a clear refusal, not a database error.
    for what, value, limit in (
        ("source language tag", source_locale.strip(), LOCALE),
        ("target language tag", target_locale.strip(), LOCALE),
        ("engine name", name, 100),
        ("engine version", version, 100),
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
        "engine": name,
        "engine_version": version,
        "model": model,
        "approved": approved,
        "note": note,
        "created_at": created,
        "updated_at": updated or created,
    }


def rank(row: Any) -> tuple[int, int]:
    """Sort key, lowest best: approved human, human, machine; approved first within each."""
    return (0 if row.origin == Origin.HUMAN.value else 1, 0 if row.approved else 1)


def match_of(row: Any, src: str, tgt: str, score: float) -> Match:
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


def memory_unit(row: Any) -> MemoryUnit:
    """A row as it is: each field of ``MemoryUnit`` is a column of the same name."""
    values = {f.name: getattr(row, f.name) for f in fields(MemoryUnit)}
    return MemoryUnit(**{**values, "origin": Origin(row.origin), "approved": bool(row.approved)})


def tmx_unit(unit: MemoryUnit) -> TMXUnit:
    """A stored unit as TMX carries it, with tarjama's own properties."""
    shared = {f.name: getattr(unit, f.name) for f in fields(TMXUnit) if hasattr(unit, f.name)}
    return TMXUnit(
        **{**shared, "origin": unit.origin.value},
        created=unit.created_at,
        updated=unit.updated_at,
    )
