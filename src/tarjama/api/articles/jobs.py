"""Translation jobs: ``GET /v1/jobs/{id}``, the list (``?state=failed``), and a retry."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from tarjama.api.articles.common import NewsroomDep
from tarjama.api.articles.schemas import JobList, JobOut
from tarjama.api.errors import responses
from tarjama.api.security import Editor, Reader
from tarjama.newsroom import JobInfo

router = APIRouter(prefix="/v1", tags=["jobs"])

JobId = Annotated[int, Path(ge=1, le=2**62)]


@router.get(
    "/jobs",
    summary="The newest translation jobs",
    description="Newest first; `state=failed` lists the jobs that kept failing, each with its "
    "error, to retry (`POST /v1/jobs/{id}/retry`).",
    response_model=JobList,
    responses=responses(401, 403, 422, 429),
)
async def list_jobs(
    newsroom: NewsroomDep,
    _caller: Reader,
    state: Annotated[Literal["queued", "running", "done", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[JobInfo]:
    return await run_in_threadpool(lambda: newsroom.jobs(state, limit))


@router.get(
    "/jobs/{job_id}",
    summary="A translation job's state",
    description="queued, running, done or failed (with its error), its attempts, its priority, "
    "and the article version and language it translates.",
    response_model=JobOut,
    responses=responses(401, 403, 404, 422, 429),
)
async def get_job(job_id: JobId, newsroom: NewsroomDep, _caller: Reader) -> JobInfo:
    return await run_in_threadpool(lambda: newsroom.job(job_id))


@router.post(
    "/jobs/{job_id}/retry",
    summary="Run a failed job again",
    description="The job is queued again (attempts from zero, at its own priority) and its "
    "translation's status is `queued`; 409 `job_not_failed` for a job that has not failed.",
    response_model=JobOut,
    responses=responses(401, 403, 404, 409, 422, 429),
)
async def retry_job(
    job_id: JobId, request: Request, newsroom: NewsroomDep, _caller: Editor
) -> JobInfo:
    job = await run_in_threadpool(lambda: newsroom.retry(job_id))
    request.app.state.worker.dispatch([job.id], job.priority)
    return job
