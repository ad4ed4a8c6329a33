"""Reading articles: an article, its versions, a translation (JSON, ninjs, HTML), the feed of a
language; and deleting an article.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from tarjama import formats
from tarjama.api.articles.common import Language, NewsroomDep, PublisherId
from tarjama.api.articles.schemas import ArticleOut, TranslationDoc, VersionOut
from tarjama.api.errors import responses
from tarjama.api.schemas import LANGUAGE
from tarjama.api.security import Access, Caller, Editor, PageReader, Reader, admit
from tarjama.errors import ConflictError
from tarjama.formats.feed import FeedEntry, news_feed
from tarjama.formats.html import language_name
from tarjama.newsroom import ArticleInfo, VersionInfo

router = APIRouter(prefix="/v1", tags=["articles"])


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
