"""Checks on inline tags (placeholders and markup pairs lost, added, broken) and on the markup
of a whole page."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tarjama.model import FieldRef, Part
from tarjama.qa.base import CheckContext, Finding, Hit, Severity, check


@check("tag_lost", Severity.CRITICAL)
def tag_lost(ctx: CheckContext) -> Iterator[Hit]:
    # A lost placeholder drops a protected number, name or image; a lost or broken pair breaks
    # the page the article is published on.
    source, target = ctx.tag_counts
    for id_ in source.placeholders.keys() - target.placeholders.keys():
        yield f'placeholder <x id="{id_}"/> lost', f'<x id="{id_}"/>'
    for id_ in source.pairs.keys() - target.pairs.keys():
        yield f'markup <g id="{id_}"> lost', f'<g id="{id_}">'
    if not target.balanced:
        yield "inline tags unbalanced in the target", ""
    if target.stray_brackets > source.stray_brackets:
        yield "malformed inline tag in the target", ""


@check("tag_extra", Severity.MAJOR)
def tag_extra(ctx: CheckContext) -> Iterator[Hit]:
    # A duplicated placeholder repeats a protected span (a credit, a figure) in the published text.
    source, target = ctx.tag_counts
    for id_, count in (target.placeholders - source.placeholders).items():
        known = id_ in source.placeholders
        what = "duplicated" if known else "not in the source"
        yield f'placeholder <x id="{id_}"/> {what} ({count} extra)', f'<x id="{id_}"/>'
    for id_ in target.pairs.keys() - source.pairs.keys():
        yield f'markup <g id="{id_}"> not in the source', f'<g id="{id_}">'


MARKUP = FieldRef(Part.MARKUP)
"""The document's own check: after the translation is put back into its page, the output's
element tree against the input's (``formats.html.fidelity``). Not a check of one segment: its
finding stands on a segment of its own, field ``markup``."""


def markup_finding(differences: Sequence[str]) -> Finding:
    """The finding for a page whose markup the translation changed: critical, so the
    translation needs review and is never published as if nothing happened."""
    shown = "; ".join(differences[:4]) + ("; ..." if len(differences) > 4 else "")
    return Finding(
        "markup", Severity.CRITICAL, f"the page's markup changed: {shown}", str(MARKUP), shown
    )
