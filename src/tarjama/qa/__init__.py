"""Quality checks on translated segments: findings are data, never exceptions.

A check is a plain function of one ``CheckContext`` (a tagged source and target, see
``tarjama.inline``) registered with its name and severity by ``@check``. It yields
``(message, evidence)`` pairs; ``run_checks`` turns them into ``Finding`` values.

Adding a check is one function and one decorator, in the module of its kind:

    @check("empty_target", Severity.CRITICAL)
    def empty_target(ctx: CheckContext) -> Iterator[Hit]:
        if ctx.source_plain.strip() and not ctx.target_plain.strip():
            yield "the target is empty", ""

It reads the segment through the context (``source_plain``, ``target_squashed``,
``tag_counts``..., computed once and shared by every check), returns without a hit when it has
nothing to say, and never raises on malformed input: a broken tag is a finding. A new kind of
check goes in a new module, named in ``CHECK_MODULES`` below.

The package: ``base`` (``CheckContext``, ``Finding``, the registry), ``text`` (reading tagged
text leniently), ``score`` (``risk_score``, ``needs_review``, ``check_segments``: scoring apart
from the checks), ``estimate`` (the calibrated quality estimate: a machine translation's risk
from cheap signals and the findings), and one module per kind of check.
"""

from __future__ import annotations

import importlib

from tarjama.qa.base import (
    CHECKS,
    Check,
    CheckContext,
    CheckFunction,
    Finding,
    Hit,
    Severity,
    check,
    dictionary_questions,
    run_checks,
)
from tarjama.qa.estimate import (
    article_risk,
    assess,
    round_trip_chrf,
    segment_risk,
    signals,
    text_risk,
)
from tarjama.qa.score import (
    REVIEW_THRESHOLD,
    RISK_WEIGHTS,
    SegmentReport,
    check_segments,
    needs_review,
    risk_score,
)
from tarjama.qa.text import words_of

__all__ = [
    "CHECKS",
    "CHECK_MODULES",
    "REVIEW_THRESHOLD",
    "RISK_WEIGHTS",
    "Check",
    "CheckContext",
    "CheckFunction",
    "Finding",
    "Hit",
    "SegmentReport",
    "Severity",
    "article_risk",
    "assess",
    "check",
    "check_segments",
    "dictionary_questions",
    "needs_review",
    "risk_score",
    "round_trip_chrf",
    "run_checks",
    "segment_risk",
    "signals",
    "text_risk",
    "words_of",
]

CHECK_MODULES = (
    "numbers", "markup", "terms", "fluency", "capitals", "headlines", "punctuation", "scripts",
    "marks",
)  # fmt: skip
"""The modules of checks, in the order their checks run and their findings are listed."""

for _module in CHECK_MODULES:
    importlib.import_module(f"tarjama.qa.{_module}")  # registers its checks
