"""``POST /v1/translate``: a text or HTML translated now, into one or more languages.

Reader level: it stores nothing but translation-memory units. The answer carries, per language,
the translation, its label, its QA status and the provenance of every sentence.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from tarjama import inline
from tarjama.api import adhoc
from tarjama.api.errors import responses
from tarjama.api.schemas import (
    FindingOut,
    ProvenanceOut,
    SegmentOut,
    TranslateRequest,
    TranslateResponse,
    TranslationOut,
)
from tarjama.api.security import Reader
from tarjama.api.services import Services, ServicesDep
from tarjama.errors import EmptyInputError
from tarjama.model import Translation

router = APIRouter(prefix="/v1", tags=["translate"])


def _out(content: str, t: Translation, fmt: Literal["text", "html"]) -> TranslationOut:
    p = t.provenance
    return TranslationOut(
        language=t.language,
        format=fmt,
        content=content,
        label=t.label,
        status=str(t.status),
        provenance=ProvenanceOut(
            engine=p.engine,
            engine_version=p.engine_version,
            model=p.model,
            source_language=p.source_language,
            target_language=p.target_language,
            created=p.created,
            signature=p.signature(),
        ),
        segments=[
            SegmentOut(
                field=s.field,
                index=s.index,
                source=inline.plain(s.source),
                target=inline.plain(s.target),
                origin=s.origin,
                risk=s.risk,
                findings=[
                    FindingOut(
                        check=f.check,
                        severity=str(f.severity),
                        message=f.message,
                        evidence=f.evidence,
                    )
                    for f in s.findings
                ],
            )
            for s in t.segments
        ],
    )


def _one(services: Services, body: TranslateRequest, target: str) -> tuple[str, Translation]:
    if body.input_format == "html":
        return adhoc.translate_html(services.translator, body.input, body.source, target)
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
    return services.cache.get(
        ("v1", body.input_format, body.source, target, serving, body.input),
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
    body: TranslateRequest, services: ServicesDep, _caller: Reader
) -> TranslateResponse:
    adhoc.check_characters([body.input], services.options.max_characters)
    services.check_pairs(body.source, body.target_list)
    done = await services.run(
        lambda: translate_request(services, body), lambda pairs: [t for _, t in pairs]
    )
    return TranslateResponse(
        source=body.source,
        translations=[_out(content, t, body.input_format) for content, t in done],
    )
