"""Submitting an article: ``PUT /v1/articles/{publisher_id}`` and ``POST /v1/articles``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from tarjama.api.articles.common import NewsroomDep, PublisherId
from tarjama.api.articles.schemas import SubmissionOut
from tarjama.api.errors import responses
from tarjama.api.security import Editor
from tarjama.newsroom import Submission

router = APIRouter(prefix="/v1", tags=["articles"])


_CONTENT_TYPES = {
    "text/plain": "text",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "ninjs",
    "application/ninjs+json": "ninjs",
}
_BODY = {
    "requestBody": {
        "required": True,
        "description": "The article: plain text, HTML or IPTC ninjs (by Content-Type or `format`).",
        "content": {
            # a NUL makes a body binary, not text (400 invalid_encoding)
            "text/plain": {"schema": {"type": "string", "pattern": "^[^\\x00]*$"}},
            "text/html": {"schema": {"type": "string", "pattern": "^[^\\x00]*$"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


def _format(request: Request, fmt: str | None) -> str | None:
    if fmt is not None:
        return fmt
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return _CONTENT_TYPES.get(content_type)


def _targets(targets: str | None) -> list[str] | None:
    if targets is None:
        return None
    return [t.strip() for t in targets.split(",") if t.strip()]


FormatQuery = Annotated[
    Literal["text", "html", "ninjs"] | None,
    Query(description="The body's format; default: from Content-Type, else detected."),
]
TargetsQuery = Annotated[
    str | None,
    Query(
        description="Target languages, comma-separated (default: the configured targets).",
        max_length=400,
    ),
]
PriorityQuery = Annotated[
    Literal["breaking", "normal", "backfill"],
    Query(
        description="The queue of its translation jobs: `breaking` (the default: a story "
        "published or updated) runs before `normal`, and both before `backfill` (archives)."
    ),
]
SourceQuery = Annotated[
    str | None,
    Query(description="The source language (default: the document's, else en).", max_length=35),
]


class Submitting:
    """A FastAPI dependency: what a submission sends, its body and query, and the means to
    store it (:meth:`store`)."""

    def __init__(
        self,
        request: Request,
        response: Response,
        newsroom: NewsroomDep,
        format: FormatQuery = None,
        targets: TargetsQuery = None,
        source: SourceQuery = None,
        priority: PriorityQuery = "breaking",
    ) -> None:
        self.request = request
        self.response = response
        self.newsroom = newsroom
        self.format = format
        self.targets = targets
        self.source = source
        self.priority = priority

    async def store(self, publisher_id: str | None) -> Submission:
        """The body as the article's next version; the answer's status says what happened."""
        request = self.request
        data = await request.body()
        limit = request.app.state.services.options.max_characters
        submission = await run_in_threadpool(
            lambda: self.newsroom.submit(
                data,
                _format(request, self.format),
                publisher_id,
                _targets(self.targets),
                language=self.source,
                max_characters=limit,
                priority=self.priority,
            )
        )
        self.response.status_code = 201 if submission.created else 202 if submission.jobs else 200
        if submission.jobs:
            request.app.state.worker.dispatch(submission.jobs, self.priority)
        return submission


Submit = Annotated[Submitting, Depends()]


_SUBMIT_DOC = (
    "An unchanged body (same content) does nothing (200); a changed one makes the next version "
    "and queues its translation into every target language (202; 201 for a new article). "
    "Translation runs in the background: poll the jobs or the article."
)


_SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": SubmissionOut, "description": "unchanged"},
    202: {"model": SubmissionOut, "description": "new version queued"},
    **responses(400, 401, 403, 413, 422, 429, 503),
}


@router.put(
    "/articles/{publisher_id}",
    summary="Create or update an article by the publisher's id",
    description=_SUBMIT_DOC,
    response_model=SubmissionOut,
    status_code=201,
    responses=_SUBMIT_RESPONSES,
    openapi_extra=_BODY,
)
async def put_article(publisher_id: PublisherId, submit: Submit, _caller: Editor) -> Submission:
    return await submit.store(publisher_id)


@router.post(
    "/articles",
    summary="Create or update an article identified by the document itself",
    description="As PUT, with the publisher id taken from the ninjs `uri` or the HTML canonical "
    "link. " + _SUBMIT_DOC,
    response_model=SubmissionOut,
    status_code=201,
    responses=_SUBMIT_RESPONSES,
    openapi_extra=_BODY,
)
async def post_article(submit: Submit, _caller: Editor) -> Submission:
    return await submit.store(None)
