"""``POST /v1/translate``: a text or HTML translated now, into one or more languages; and
``POST /v1/feeds/translate``: an RSS or Atom feed translated item by item, answered as a feed.

Ad hoc translation (``Access.TRANSLATE``: reader keys, and anonymous callers unless
``anonymous_translate`` is off), as the LibreTranslate routes: they store nothing but
translation-memory units. The answer of the first carries,
per language, the translation, its label, its QA status and the provenance of every sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from tarjama.api import adhoc
from tarjama.api.errors import responses
from tarjama.api.schemas import (
    LANGUAGE,
    TranslateRequest,
    TranslateResponse,
    TranslationOut,
)
from tarjama.api.security import Translating
from tarjama.api.services import Services, ServicesDep
from tarjama.errors import EmptyInputError
from tarjama.formats import decode
from tarjama.formats import feed as feeds
from tarjama.model import Translation

router = APIRouter(prefix="/v1", tags=["translate"])


@dataclass(frozen=True)
class Answer:
    """One language's answer: the translation, and its content in the request's format."""

    content: str
    format: Literal["text", "html"]
    translation: Translation


def _one(services: Services, body: TranslateRequest, target: str) -> tuple[str, Translation]:
    if body.input_format == "html":
        return adhoc.translate_html(
            services.translator,
            body.input,
            body.source,
            target,
            extract=body.extract,
            strict=body.strict,
        )
    [(content, t)] = adhoc.translate_texts(services.translator, [body.input], body.source, target)
    if t is None:  # translate_texts raises on an empty text; this is the type checker's due
        raise EmptyInputError("the text is empty: nothing to translate")
    return content, t


def translate_request(services: Services, body: TranslateRequest) -> list[tuple[str, Translation]]:
    """The blocking part: every target in turn, with the same translator; an answer made
    wholly from the memory is reused while the memory stands still (``api/cache.py``)."""
    return [_cached(services, body, target) for target in body.target_list]


def _cached(services: Services, body: TranslateRequest, target: str) -> tuple[str, Translation]:
    serving = services.serving(body.source, target)
    how = (body.input_format, body.extract, body.strict, body.source, target, serving)
    return services.cache.get(
        ("v1", *how, body.input),
        lambda: _one(services, body, target),
        lambda done: [done[1]],
        lambda done: 2 * len(body.input) + len(done[0]),
    )


@router.post(
    "/translate",
    summary="Translate a text or HTML now",
    description=(
        "Translates `text` (plain text, layout kept) or `html` (markup kept, output sanitised) "
        "from `source` into each language of `targets`, synchronously. Every sentence comes back "
        "with where its translation came from (engine or memory) and its QA findings. A text over "
        "the character limit is refused with 413; nothing is ever cut."
    ),
    response_model=TranslateResponse,
    responses=responses(400, 401, 403, 413, 422, 429, 502, 503, 504),
)
async def translate(
    body: TranslateRequest, services: ServicesDep, _caller: Translating
) -> TranslateResponse:
    adhoc.check_characters([body.input], services.options.max_characters)
    services.check_pairs(body.source, body.target_list)
    done = await services.run(
        lambda: translate_request(services, body), lambda pairs: [t for _, t in pairs]
    )
    return TranslateResponse(
        source=body.source,
        translations=[
            TranslationOut.model_validate(Answer(content, body.input_format, t))
            for content, t in done
        ],
    )


_FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
_XML_STRING = {"schema": {"type": "string"}}
_FEED_BODY = {
    "requestBody": {
        "required": True,
        "description": "The feed: RSS 2.0 or Atom 1.0, UTF-8.",
        "content": {
            "application/rss+xml": _XML_STRING,
            "application/atom+xml": _XML_STRING,
            "application/xml": _XML_STRING,
            "text/xml": _XML_STRING,
        },
    }
}


@router.post(
    "/feeds/translate",
    summary="Translate an RSS or Atom feed",
    description=(
        "The body is a feed (RSS 2.0 or Atom 1.0). Every item's title and prose (RSS "
        "`description` and `content:encoded`, Atom `summary` and `content`) and the feed's own "
        "description are translated into `target` and written back in place: the answer is the "
        "same feed, with its language set, the label opening each item and a comment naming the "
        "engine; links, GUIDs, dates and enclosures are as they were. A feed that is not "
        "well-formed is refused (400, the message names the line); its text counts against the "
        "character limit (413)."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "The translated feed.",
            "content": {t: _XML_STRING for t in _FEED_TYPES.values()},
        },
        **responses(400, 401, 403, 413, 422, 429, 502, 503, 504),
    },
    openapi_extra=_FEED_BODY,
)
async def translate_feed(
    request: Request,
    services: ServicesDep,
    _caller: Translating,
    target: Annotated[
        str,
        Query(pattern=LANGUAGE, max_length=35, description="The language to translate into."),
    ],
    source: Annotated[
        str | None,
        Query(
            pattern=LANGUAGE,
            max_length=35,
            description="The feed's language (default: its own, else en).",
        ),
    ] = None,
) -> Response:
    data = await request.body()
    # Parsing and writing a feed (up to the body limit) is work for a thread, not the loop.
    parsed = await run_in_threadpool(lambda: feeds.read_feed(decode(data), language=source))
    adhoc.check_characters(
        [a.headline + "".join(b.text for b in a.body) for a in parsed.articles],
        services.options.max_characters,
    )
    services.check_pairs(parsed.articles[0].source_language, [target])
    written, _ = await services.run(
        lambda: _translate_feed_now(services, parsed, target), lambda done: done[1]
    )
    return Response(written, media_type=f"{_FEED_TYPES[parsed.flavour]}; charset=utf-8")


def _translate_feed_now(
    services: Services, parsed: feeds.Feed, target: str
) -> tuple[str, list[Translation]]:
    done = services.translator.translate_many(parsed.articles, target)
    return feeds.write_feed(parsed, done, sanitise=True), done
