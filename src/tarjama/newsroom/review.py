"""Review: an editor's correction of one segment, and the approval of a translation.

Pure: these take a stored translation and give back the changed one; the newsroom reads and
writes it (``service.py``) and puts the correction into the memory as human work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tarjama import inline, intake, labels, qa
from tarjama.errors import ConflictError, InputError, NotFoundError, TarjamaError
from tarjama.model import (
    Article,
    FieldRef,
    Provenance,
    SegmentOrigin,
    SegmentResult,
    Status,
    Translation,
)
from tarjama.newsroom.records import Correction
from tarjama.store.models import utcnow_precise


@dataclass(frozen=True)
class Edit:
    """A corrected translation: the translation, its corrections, and the corrected segment."""

    translation: Translation
    corrections: tuple[Correction, ...]
    segment: SegmentResult
    source: str
    """The segment's source (tagged), for the memory."""


def accept_target(target: str) -> str:
    """An editor's target under the text rule, refused when blank."""
    target = intake.accept(target, "the corrected target")
    if not target.strip():
        raise InputError("the corrected target is empty")
    return target


def correct(
    translation: Translation,
    corrections: Sequence[Correction],
    place: tuple[FieldRef, int],
    target: str,
    editor: str,
    label: str,
) -> Edit:
    """``translation`` with the segment at ``place`` (field, index) corrected to ``target``:
    plain text, or for a source with inline markup tarjama's tagged form with the same tags.
    The segment is checked again, its field's text rewritten, the correction recorded (one per
    segment), and the translation needs review, under the machine-translation ``label``."""
    segments = list(translation.segments)
    at = next((i for i, s in enumerate(segments) if (s.field, s.index) == place), None)
    if at is None:
        field, index = place
        raise NotFoundError("segment_not_found", f"the translation has no segment {field}#{index}")
    old = segments[at]
    tagged = _tagged(old.source, target)
    findings = _checks(old, tagged, translation.provenance)
    new = replace(old, target=tagged, origin=SegmentOrigin.HUMAN, findings=tuple(findings),
                  risk=qa.risk_score(findings))  # fmt: skip
    segments[at] = new
    kept = [c for c in corrections if (c.field, c.index) != place]
    at_time = utcnow_precise().isoformat()
    kept.append(Correction(old.field, old.index, old.source, tagged, editor, at_time))
    updated = replace(
        translation,
        article=_rewritten(translation, old, tagged),
        segments=tuple(segments),
        status=Status.NEEDS_REVIEW,
        label=label,
        risk=qa.text_risk((s.risk, s.source) for s in segments),
    )
    return Edit(updated, tuple(kept), new, old.source)


def approve(translation: Translation, machine_label: str) -> Translation:
    """The translation reviewed, with a label that says so."""
    label = reviewed_label(machine_label, translation.provenance, translation.language)
    return replace(translation, status=Status.REVIEWED, label=label)


def reviewed_label(machine_label: str, provenance: Provenance, language: str = "en") -> str:
    """The label of a reviewed translation into ``language``, from the configured
    machine-translation label: "Beta V.1.0 - Powered by automated translation" -> "Beta V.1.0 -
    Traducción revisada (apertium 3.8.3)" for Spanish (``tarjama.labels``)."""
    engine = f"{provenance.engine} {provenance.engine_version}".strip()
    return labels.label_for(language, reviewed=True, engine=engine, configured=machine_label)


def _tags(tagged: str) -> list[str]:
    return sorted(m.group(0) for m in inline.TAG.finditer(tagged))


def _tagged(source: str, target: str) -> str:
    """The target in tagged form: escaped plain text, or for a source with markup the target
    as given, with well-formed tags and the source's own."""
    if "<" not in source:
        return inline.escape_text(target)
    try:
        inline.plain(target)
    except TarjamaError as exc:
        raise InputError(f"the corrected target's inline tags are broken: {exc}") from exc
    if _tags(target) != _tags(source):
        raise InputError(
            "the corrected target must keep the source's inline tags: " + " ".join(_tags(source))
        )
    return target


def _checks(old: SegmentResult, tagged: str, provenance: Provenance) -> list[qa.Finding]:
    return qa.run_checks(
        qa.CheckContext(
            source=old.source,
            target=tagged,
            source_lang=provenance.source_language,
            target_lang=provenance.target_language,
            segment=f"{old.field}#{old.index}",
        )
    )


def _rewritten(translation: Translation, old: SegmentResult, tagged: str) -> Article:
    """The translated article with the segment's old target replaced in its field's text."""
    in_field = [s for s in translation.segments if s.field == old.field]
    text = _replace_nth(
        old.field.read(translation.article), [s.target for s in in_field], in_field.index(old),
        tagged,
    )  # fmt: skip
    return translation.article.with_texts({old.field: text})


def _replace_nth(text: str, targets: Sequence[str], position: int, new: str) -> str:
    """``text`` with the ``position``-th of the consecutive ``targets`` replaced by ``new``."""
    start = 0
    for i, target in enumerate(targets):
        found = text.find(target, start) if target else -1
        if found < 0:
            break
        if i == position:
            return text[:found] + new + text[found + len(target) :]
        start = found + len(target)
    raise ConflictError("segment_mismatch", "the segment could not be located in its field")
