"""The articles API (``/v1/articles``, ``/v1/jobs``, ``/v1/feeds/{lang}``): submit, read,
version, delete, review, and a feed of the newest translations per language.

Thin: each route parses its request, calls :class:`tarjama.newsroom.Newsroom` in a worker
thread and shapes the answer. Writes need the editor role (or ``anonymous_write``), reads the
reader role (or ``anonymous_read``), except the reader pages: the feed of a language and the
current version's translation as HTML, open to anonymous callers unless ``anonymous_pages`` is
off. An older version, JSON, ninjs and the review routes are not reader pages: a correction
leaves the words it replaced to the newsroom. The HTML, ninjs and feeds served from here are
sanitised (``formats.sanitise``): no script of the source reaches a reader or a CMS.
An article over ``max_characters`` of text is refused whole (413).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor

from tarjama import formats
from tarjama.api.errors import responses
from tarjama.api.schemas import (
    LANGUAGE,
    Address,
    FindingOut,
    MatchOut,
    Out,
    PlainText,
    ProvenanceOut,
    Text,
    of_translation,
)
from tarjama.api.security import Access, Caller, Editor, PageReader, Reader, admit
from tarjama.errors import ConflictError, NotFoundError
from tarjama.formats.feed import FeedEntry, news_feed
from tarjama.formats.html import language_name
from tarjama.memory.tm import Match
from tarjama.model import Article, FieldRef, SegmentResult
from tarjama.newsroom import (
    PUBLISHER_ID,
    ArticleInfo,
    JobInfo,
    Newsroom,
    StoredResult,
    Submission,
    VersionInfo,
)

router = APIRouter(prefix="/v1", tags=["articles"])


class _LanguageSegment(Convertor[str]):
    """A path segment shaped like a language code, so that ``/v1/feeds/{lang}`` does not take
    ``/v1/feeds/translate``: a GET there is then a 405 naming POST, not a 422 about ``lang``."""

    regex = LANGUAGE.removeprefix("^").removesuffix("$")

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("language", _LanguageSegment())

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
PublisherId = Annotated[
    str,
    Path(
        description="The publisher's id of the article.",
        json_schema_extra={"pattern": f"^{PUBLISHER_ID}$"},  # refused by the newsroom: 400
    ),
]
Language = Annotated[str, Path(description="A target language code (es, ca, gl...).")]


def get_newsroom(request: Request) -> Newsroom:
    newsroom: Newsroom = request.app.state.newsroom
    return newsroom


NewsroomDep = Annotated[Newsroom, Depends(get_newsroom)]


# --- schemas ------------------------------------------------------------------------------------


class SubmissionOut(Out):
    publisher_id: str
    number: int = Field(description="The version number (1, 2, ...) now current.")
    version: str = Field(description="The content hash of that version.")
    created: bool = Field(description="The article was new.")
    changed: bool = Field(description="A new version was made (false: the body was unchanged).")
    jobs: list[int] = Field(description="Translation jobs queued (see GET /v1/jobs/{id}).")
    targets: list[str]


class VersionOut(Out):
    number: int
    version: str
    source_format: str
    created_at: datetime
    current: bool
    statuses: dict[str, str] = Field(description="language -> queued, translated, ...")


class ArticleOut(Out):
    publisher_id: str
    source_uri: str
    source_language: str
    targets: list[str]
    created_at: datetime
    updated_at: datetime
    versions: int
    current: VersionOut


class SegmentReview(Out):
    field: Address
    index: int
    source: PlainText
    target: PlainText
    source_tagged: str = Field(
        validation_alias="source", description="The source in tarjama's inline-tag form."
    )
    target_tagged: str = Field(validation_alias="target")
    origin: str = Field(description="engine, memory:human, memory:machine, human or copy")
    risk: float
    findings: list[FindingOut]
    suggestions: list[MatchOut] = Field(
        default=[],
        description="Near matches from human work in the translation memory (segments listing "
        "only): offered to the editor, never applied by themselves.",
    )


def _article(value: object) -> object:
    return value.to_dict() if isinstance(value, Article) else value


class TranslationDoc(Out):
    # Built from a stored translation; the translation's own fields once it is done.
    publisher_id: str
    language: str
    number: int
    version: str
    status: str = Field(description="queued, translated, needs-review, reviewed or failed")
    label: str | None = of_translation("label", default=None)
    provenance: ProvenanceOut | None = of_translation("provenance", default=None)
    reviewed_by: str = ""
    error: str = ""
    updated_at: datetime
    article: Annotated[dict[str, Any] | None, BeforeValidator(_article)] = of_translation(
        "article", default=None, description="The translated article."
    )
    segments: list[SegmentReview] = of_translation("segments", default=[])


class SegmentsOut(Out):
    publisher_id: str
    language: str
    number: int
    status: str
    segments: list[SegmentReview] = of_translation("segments")


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: Text = Field(
        min_length=1,
        max_length=20_000,
        description="The corrected target: plain text, or with the source's inline tags.",
    )


class JobOut(Out):
    id: int
    kind: str
    state: str = Field(description="queued, running, done or failed")
    attempts: int
    error: str
    publisher_id: str
    number: int
    language: str
    created_at: datetime
    updated_at: datetime


# --- submitting ---------------------------------------------------------------------------------


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
SourceQuery = Annotated[
    str | None,
    Query(description="The source language (default: the document's, else en).", max_length=35),
]


async def _submit(
    request: Request,
    response: Response,
    newsroom: Newsroom,
    publisher_id: str | None,
    fmt: str | None,
    targets: str | None,
    source: str | None,
) -> Submission:
    data = await request.body()
    limit = request.app.state.services.options.max_characters
    submission = await run_in_threadpool(
        lambda: newsroom.submit(
            data,
            _format(request, fmt),
            publisher_id,
            _targets(targets),
            language=source,
            max_characters=limit,
        )
    )
    response.status_code = 201 if submission.created else 202 if submission.jobs else 200
    if submission.jobs:
        request.app.state.worker.wake()
    return submission


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
async def put_article(
    publisher_id: PublisherId,
    request: Request,
    response: Response,
    newsroom: NewsroomDep,
    _caller: Editor,
    format: FormatQuery = None,
    targets: TargetsQuery = None,
    source: SourceQuery = None,
) -> Submission:
    return await _submit(request, response, newsroom, publisher_id, format, targets, source)


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
async def post_article(
    request: Request,
    response: Response,
    newsroom: NewsroomDep,
    _caller: Editor,
    format: FormatQuery = None,
    targets: TargetsQuery = None,
    source: SourceQuery = None,
) -> Submission:
    return await _submit(request, response, newsroom, None, format, targets, source)


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "/articles/{publisher_id}",
    summary="An article: its current version and the status of each translation",
    description="The current version (number, content hash, format) and the status of its "
    "translation into each language: queued, translated, needs-review, reviewed or failed.",
    response_model=ArticleOut,
    responses=responses(401, 403, 404, 429),
)
async def get_article(
    publisher_id: PublisherId, newsroom: NewsroomDep, _caller: Reader
) -> ArticleInfo:
    return await run_in_threadpool(lambda: newsroom.article(publisher_id))


@router.get(
    "/articles/{publisher_id}/versions",
    summary="Every version of an article, oldest first",
    description="Each version with its number, content hash, format, whether it is current "
    "and the status of its translations. Every version and translation is kept.",
    response_model=list[VersionOut],
    responses=responses(401, 403, 404, 429),
)
async def get_versions(
    publisher_id: PublisherId, newsroom: NewsroomDep, _caller: Reader
) -> list[VersionInfo]:
    return await run_in_threadpool(lambda: newsroom.versions(publisher_id))


@router.get(
    "/articles/{publisher_id}/translations/{lang}",
    summary="An article's translation in one language (JSON, ninjs or HTML)",
    description="The current version's translation unless `version` names another. JSON always "
    "answers with the status; ninjs and HTML answer 409 until the translation is done. ninjs and "
    "HTML are sanitised: no script, event handler, frame or object, and no address with a "
    "scheme other than http(s), mailto, tel, urn or tag. The current version as HTML is a reader "
    "page (no key needed unless `anonymous_pages` is off); everything else needs a reader key "
    "(or `anonymous_read`).",
    response_model=TranslationDoc,
    responses={
        200: {"content": {"text/html": {}, "application/json": {}}},
        **responses(401, 403, 404, 409, 422, 429),
    },
)
async def get_translation(
    publisher_id: PublisherId,
    lang: Language,
    request: Request,
    newsroom: NewsroomDep,
    caller: Caller,
    format: Annotated[Literal["json", "ninjs", "html"], Query()] = "json",
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Any:
    page = format == "html" and version is None
    admit(request.app.state.services, caller, Access.PAGES if page else Access.READ)
    result = await run_in_threadpool(lambda: newsroom.translation(publisher_id, lang, version))
    if format == "json":
        return result
    if result.translation is None:
        raise ConflictError("translation_not_ready", f"the translation is {result.status}")
    translation = result.translation
    written = await run_in_threadpool(lambda: formats.write(translation, format, sanitise=True))
    if format == "html":
        return Response(written, media_type="text/html; charset=utf-8")
    return Response(written, media_type="application/json")


@router.get(
    "/feeds/{lang:language}",
    summary="An RSS feed of the newest translations into one language",
    description="The current versions' translations into `lang` that are done (translated, "
    "needing review or reviewed), most recently updated first, `limit` of them: each item "
    "with the headline, the label and standfirst, the body as HTML (sanitised, in the "
    "language's direction), the article's canonical link when it has one, and a GUID made of "
    "the article's id, version and language, so a reader sees an updated story anew.",
    response_class=Response,
    responses={
        200: {
            "description": "The feed.",
            "content": {"application/rss+xml": {"schema": {"type": "string"}}},
        },
        **responses(401, 403, 404, 422, 429),
    },
)
async def translated_feed(
    lang: Annotated[
        str,
        Path(pattern=LANGUAGE, max_length=35, description="A target language code (es, ca...)."),
    ],
    request: Request,
    newsroom: NewsroomDep,
    _caller: PageReader,
    limit: Annotated[int, Query(ge=1, le=100, description="How many items.")] = 20,
) -> Response:
    done = await run_in_threadpool(lambda: newsroom.latest(lang, limit))
    entries = [
        FeedEntry(r.publisher_id, r.version, r.updated_at, r.translation)
        for r in done
        if r.translation is not None
    ]
    text = await run_in_threadpool(
        lambda: news_feed(
            entries,
            language=lang,
            title=f"tarjama: {language_name(lang)}",
            link=str(request.url),
            description=f"{newsroom.settings.label} ({language_name(lang)})",
        )
    )
    return Response(text, media_type="application/rss+xml; charset=utf-8")


@router.delete(
    "/articles/{publisher_id}",
    summary="Delete an article with every version, translation and job",
    description="Removes the article, all its versions, their translations and their jobs.",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 429),
)
async def delete_article(
    publisher_id: PublisherId, newsroom: NewsroomDep, _caller: Editor
) -> Response:
    await run_in_threadpool(lambda: newsroom.delete(publisher_id))
    return Response(status_code=204)


@router.get(
    "/jobs/{job_id}",
    summary="A translation job's state",
    description="queued, running, done or failed (with its error), its attempts, and the "
    "article version and language it translates.",
    response_model=JobOut,
    responses=responses(401, 403, 404, 422, 429),
)
async def get_job(
    job_id: Annotated[int, Path(ge=1, le=2**62)], newsroom: NewsroomDep, _caller: Reader
) -> JobInfo:
    return await run_in_threadpool(lambda: newsroom.job(job_id))


# --- review -------------------------------------------------------------------------------------


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
    publisher_id: PublisherId, lang: Language, newsroom: NewsroomDep, caller: Editor
) -> StoredResult:
    return await run_in_threadpool(lambda: newsroom.approve(publisher_id, lang, caller.name))
