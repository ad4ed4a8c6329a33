"""Incremental retranslation: a new version of an article reuses what the previous one had.

A sentence unchanged since the previous version gets its previous target, so only changed
sentences reach the engine: an editor's correction always, machine output (and what came from
the memory) only while the same engine, version and model serve the pair. The corrections are
carried to the new version where their source is unchanged, and flagged for review where it
changed (never dropped silently).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from tarjama import inline, qa
from tarjama.memory import Origin, TranslationMemory
from tarjama.memory.tm import Match
from tarjama.model import (
    FieldRef,
    SegmentOrigin,
    SegmentResult,
    Status,
    Translation,
    memory_text,
)
from tarjama.newsroom.records import SOURCE_CHANGED, Correction
from tarjama.store import Store


class Incremental(TranslationMemory):
    """The store's memory (``inner``; None when the memory is off) with the previous version's
    translation of the article in front of it."""

    def __init__(
        self,
        store: Store,
        inner: TranslationMemory | None,
        previous: Translation | None,
        corrections: Sequence[Correction],
    ) -> None:
        super().__init__(store)
        self.inner = inner
        self.signature = previous.provenance.signature() if previous is not None else None
        """The engine the previous version's targets were made with."""
        self.previous: dict[str, tuple[str, Origin]] = {}
        for s in previous.segments if previous is not None else ():
            if s.origin is not SegmentOrigin.COPY:
                origin = Origin.HUMAN if s.origin.by_person else Origin.MACHINE
                self.previous[memory_text(s.source)] = (memory_text(s.target), origin)
        self.corrected = {memory_text(c.source): memory_text(c.target) for c in corrections}

    def lookup_many(
        self,
        sources: Iterable[str],
        source_lang: str,
        target_lang: str,
        *,
        signature: str | None = None,
    ) -> dict[str, Match]:
        wanted = list(sources)
        found = (
            self.inner.lookup_many(wanted, source_lang, target_lang, signature=signature)
            if self.inner is not None
            else {}
        )
        same_engine = signature is not None and signature == self.signature
        for source in wanted:
            if source in self.corrected:
                found[source] = _match(source, self.corrected[source], Origin.HUMAN)
                continue
            hit = self.previous.get(source) if same_engine else None
            if hit is not None and (hit[1] is Origin.HUMAN or source not in found):
                found[source] = _match(source, *hit)
        return found

    def add_many(self, *args: Any, **kwargs: Any) -> int:
        """Into the store's memory, unless the memory is off."""
        return self.inner.add_many(*args, **kwargs) if self.inner is not None else 0


def _match(source: str, target: str, origin: Origin) -> Match:
    return Match(source, target, origin, 1.0, False, 0, None)


def carry(
    translation: Translation, old: Sequence[Correction]
) -> tuple[Translation, tuple[Correction, ...]]:
    """The new version's translation with the previous version's corrections: kept where their
    source is unchanged (at the segment's new place), flagged for review where it changed."""
    if not old:
        return translation, ()
    by_source = {s.source: s for s in translation.segments}
    places = {(s.field, s.index) for s in translation.segments}
    kept: list[Correction] = []
    flags: dict[tuple[FieldRef, int], list[qa.Finding]] = {}
    orphans: list[qa.Finding] = []
    for c in old:
        same = by_source.get(c.source)
        if same is not None:
            kept.append(replace(c, field=same.field, index=same.index))
        elif (c.field, c.index) in places:
            flags.setdefault((c.field, c.index), []).append(_source_changed(c))
        else:
            orphans.append(_source_changed(c))
    if orphans:
        # The corrected sentence is gone: the finding goes on the headline, so it is seen.
        first = translation.segments[0]
        flags.setdefault((first.field, first.index), []).extend(orphans)
    segments = tuple(
        _flagged(s, flags[(s.field, s.index)]) if (s.field, s.index) in flags else s
        for s in translation.segments
    )
    status = Status.NEEDS_REVIEW if flags else translation.status
    return replace(translation, segments=segments, status=status), tuple(kept)


def _source_changed(c: Correction) -> qa.Finding:
    return qa.Finding(
        check=SOURCE_CHANGED,
        severity=qa.Severity.CRITICAL,
        message=(
            f"source changed since correction by {c.editor}: was "
            f"{inline.plain(c.source)!r}, corrected to {inline.plain(c.target)!r}"
        ),
        segment=str(c.field),
        evidence=inline.plain(c.target),
    )


def _flagged(s: SegmentResult, findings: Sequence[qa.Finding]) -> SegmentResult:
    return replace(s, findings=(*s.findings, *findings),
                   risk=qa.risk_score([*s.findings, *findings]))  # fmt: skip
