"""Scoring, apart from the checks: a segment's risk from its findings, and whether it needs a
human before it is published."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from tarjama.qa.base import CheckContext, Finding, Severity, run_checks

RISK_WEIGHTS: Mapping[Severity, float] = {
    Severity.INFO: 0.02,
    Severity.MINOR: 0.1,
    Severity.MAJOR: 0.4,
    Severity.CRITICAL: 0.9,
}


REVIEW_THRESHOLD = 0.5
"""The article risk from which a translation needs review, unless the settings say otherwise
(``review_threshold``, per language)."""


def risk_score(findings: Iterable[Finding]) -> float:
    """``1 - prod(1 - RISK_WEIGHTS[severity])``: the chance that at least one finding is real
    if each were an independent alarm of that reliability; 0 without findings, below 1 always."""
    return 1.0 - math.prod(1.0 - RISK_WEIGHTS[f.severity] for f in findings)


def needs_review(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.CRITICAL for f in findings)


@dataclass(frozen=True)
class SegmentReport:
    segment: int | str
    findings: tuple[Finding, ...]
    risk: float

    @property
    def needs_review(self) -> bool:
        return needs_review(self.findings)


def check_segments(pairs: Sequence[CheckContext]) -> list[SegmentReport]:
    """Check each segment; a context without ``segment`` is named by its index in ``pairs``."""
    reports = []
    for index, ctx in enumerate(pairs):
        key = index if ctx.segment is None else ctx.segment
        findings = tuple(run_checks(replace(ctx, segment=key)))
        reports.append(SegmentReport(key, findings, risk_score(findings)))
    return reports
