"""Reviewing a translation: its segments with QA findings and suggestions, a correction, the
approval.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from tarjama.api.articles.common import Language, NewsroomDep, PublisherId
from tarjama.api.articles.schemas import CorrectionIn, SegmentReview, SegmentsOut, TranslationDoc
from tarjama.api.errors import responses
from tarjama.api.schemas import MatchOut
from tarjama.api.security import Editor, Reader
from tarjama.errors import NotFoundError
from tarjama.memory.tm import Match
from tarjama.model import FieldRef, SegmentResult
from tarjama.newsroom import StoredResult

router = APIRouter(prefix="/v1", tags=["articles"])


@router.get(
    "/articles/{publisher_id}/translations/{lang}/segments",
    summary="The segments of a translation with their QA findings, for review",
    description="The current version's segments: source, target (plain and tagged), origin "
    "(engine, memory, human) and QA findings, `source_changed` included for a corrected "
    "sentence whose source has since changed. Beside each segment no person wrote, the "
    "translation memory's near matches from human work (`suggestions`, similarity at least "
    "`threshold`, by default the `fuzzy_threshold` setting): offered, never applied.",
    response_model=SegmentsOut,
    responses=responses(401, 403, 404, 409, 429),
)
async def get_segments(
    publisher_id: PublisherId,
    lang: Language,
    newsroom: NewsroomDep,
    _caller: Reader,
    threshold: Annotated[
        float | None,
        Query(ge=0.5, le=1, description="Least similarity of the suggestions (0.5 to 1)."),
    ] = None,
) -> SegmentsOut:
    def work() -> tuple[StoredResult, dict[tuple[FieldRef, int], list[Match]]]:
        result = newsroom.segments(publisher_id, lang)
        return result, newsroom.suggestions(result, threshold=threshold)

    r, suggestions = await run_in_threadpool(work)
    assert r.translation is not None  # segments() raised otherwise
    out = SegmentsOut.model_validate(r)
    for review, s in zip(out.segments, r.translation.segments, strict=True):
        found = suggestions.get((s.field, s.index), ())
        review.suggestions = [MatchOut.model_validate(m) for m in found]
    return out


@router.put(
    "/articles/{publisher_id}/translations/{lang}/segments/{field:path}/{index}",
    summary="Correct one segment's target (stored in the memory as human work)",
    description="The translation needs review until approved.",
    response_model=SegmentReview,
    responses=responses(400, 401, 403, 404, 409, 422, 429),
)
async def put_segment(
    publisher_id: PublisherId,
    lang: Language,
    field: str,
    index: Annotated[int, Path(ge=0, le=100_000)],
    body: CorrectionIn,
    newsroom: NewsroomDep,
    caller: Editor,
) -> SegmentResult:
    ref = FieldRef.find(field)
    if ref is None:
        raise NotFoundError("segment_not_found", f"the translation has no segment {field}#{index}")
    segment = await run_in_threadpool(
        lambda: newsroom.correct(publisher_id, lang, ref, index, body.target, caller.name)
    )
    return segment


@router.post(
    "/articles/{publisher_id}/translations/{lang}/approve",
    summary="Approve a translation: status reviewed, label says so",
    description="Marks the current version's translation reviewed by the caller; its label "
    "becomes the reviewed label, naming the engine version.",
    response_model=TranslationDoc,
    responses=responses(401, 403, 404, 409, 429),
)
async def approve(
    publisher_id: PublisherId,
    lang: Language,
    request: Request,
    newsroom: NewsroomDep,
    caller: Editor,
) -> StoredResult:
    result = await run_in_threadpool(lambda: newsroom.approve(publisher_id, lang, caller.name))
    await run_in_threadpool(request.app.state.worker.deliver_due)  # the "reviewed" webhooks
    return result
