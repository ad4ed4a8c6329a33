"""The translation-memory routes (``/v1/memory``): TMX files imported and exported, a sentence
looked up, a human translation added, a unit deleted, the counts."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from starlette.concurrency import run_in_threadpool

from tarjama import intake
from tarjama.api.errors import responses
from tarjama.api.memory.common import (
    SKIPPED_LINES_SHOWN,
    STRING,
    TMX,
    MemoryDep,
    SourceFilter,
    SourceLang,
    TargetFilter,
    TargetLang,
    UnitId,
    attachment,
    filename,
    named,
)
from tarjama.api.schemas import LANGUAGE, MatchOut, Text
from tarjama.api.security import Editor, Reader
from tarjama.api.services import Services, ServicesDep
from tarjama.errors import LanguageError, NotFoundError
from tarjama.memory import TranslationMemory
from tarjama.memory.normalise import primary_language
from tarjama.model import Pair

router = APIRouter(prefix="/v1", tags=["glossary and memory"])


_EXPORT_CHUNK = 64 * 1024
_SPOOL_BYTES = 8 * 1024 * 1024

_TMX_BODY = {
    "requestBody": {
        "required": True,
        "description": "The TMX document (1.4b; 1.1 to 1.4 from other tools are read too).",
        "content": {TMX: STRING, "application/xml": STRING, "text/xml": STRING},
    }
}


class UnitIn(BaseModel):
    """A human translation of one sentence: an editor's correction, reused from then on."""

    model_config = ConfigDict(extra="forbid", strict=True)

    source_lang: StrictStr = Field("en", pattern=LANGUAGE, max_length=35)
    target_lang: StrictStr = Field(pattern=LANGUAGE, max_length=35)
    source: Text = Field(min_length=1, max_length=20_000)
    target: Text = Field(min_length=1, max_length=20_000)
    approved: StrictBool = Field(False, description="Ranked before unapproved human units.")
    note: Text = Field("", max_length=2000)


class UnitOut(BaseModel):
    id: int
    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: Literal["human"]
    approved: bool
    note: str


class LookupOut(BaseModel):
    source_lang: str
    target_lang: str
    text: str
    exact: MatchOut | None = Field(description="What translation would reuse for this sentence.")
    suggestions: list[MatchOut] = Field(
        description="Fuzzy matches, best first: suggestions for editors, never to be published "
        "unreviewed."
    )


class TMXImportOut(BaseModel):
    imported: int = Field(description="Units written (new, or updating the same unit).")
    skipped: int = Field(description="<tu> elements without a usable source and target.")
    skipped_lines: list[int] = Field(
        description=f"Where the skipped <tu> start (the first {SKIPPED_LINES_SHOWN})."
    )
    units: int = Field(description="Units the memory holds now.")


class PairCount(BaseModel):
    source_lang: str
    target_lang: str
    human: int
    machine: int
    total: int


class CountsOut(BaseModel):
    total: int
    pairs: list[PairCount]


def _import_tmx(
    memory: TranslationMemory,
    data: bytes,
    approved: bool,
    source: str | None,
    target: str | None,
) -> TMXImportOut:
    report = memory.import_tmx_report(
        named(data, "the TMX body"), approved=approved, source_lang=source, target_lang=target
    )
    return TMXImportOut(
        imported=report.imported,
        skipped=report.skipped,
        skipped_lines=list(report.skipped_lines[:SKIPPED_LINES_SHOWN]),
        units=memory.count(),
    )


@router.post(
    "/memory/import",
    summary="Import a TMX file into the translation memory",
    description="The body is the TMX document. Units load as human translations unless the "
    "file carries tarjama's own `x-tarjama-*` properties (a tarjama export restores its origins, "
    "engines and approvals); a unit for a stored source, pair and origin updates it. "
    "`source_lang`/`target_lang` keep only those languages. A `<tu>` without a usable source "
    "and target is skipped and its line reported. A malformed file is refused whole (400, the "
    "message names the line): a file loads completely or not at all.",
    response_model=TMXImportOut,
    responses=responses(400, 401, 403, 413, 422, 429),
    openapi_extra=_TMX_BODY,
)
async def import_tmx(
    request: Request,
    memory: MemoryDep,
    _caller: Editor,
    approved: Annotated[
        bool, Query(description="Mark the units approved (unless the file says otherwise).")
    ] = False,
    source_lang: SourceFilter = None,
    target_lang: TargetFilter = None,
) -> TMXImportOut:
    data = await request.body()
    return await run_in_threadpool(
        lambda: _import_tmx(memory, data, approved, source_lang, target_lang)
    )


def _export_tmx(memory: TranslationMemory, source: str | None, target: str | None) -> IO[bytes]:
    # not a with-block: the response streams the file and closes it (_chunks)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
    try:
        memory.export_tmx(spool, source, target)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := stream.read(_EXPORT_CHUNK):
            yield chunk
    finally:
        stream.close()


@router.get(
    "/memory/export",
    summary="Export the translation memory (or one pair of it) as TMX 1.4b",
    description="Every unit with its origin, engine, approval, note and dates as tarjama's "
    "`x-tarjama-*` properties, so the file imports back as it was. Without `source_lang` and "
    "`target_lang`, the whole memory.",
    response_class=StreamingResponse,
    responses={
        200: {"description": "The TMX document.", "content": {TMX: STRING}},
        **responses(400, 401, 403, 422, 429),
    },
)
async def export_tmx(
    memory: MemoryDep,
    _caller: Reader,
    source_lang: SourceFilter = None,
    target_lang: TargetFilter = None,
) -> StreamingResponse:
    stream = await run_in_threadpool(lambda: _export_tmx(memory, source_lang, target_lang))
    name = filename("memory", source_lang, target_lang, "tmx")
    return StreamingResponse(_chunks(stream), media_type=TMX, headers=attachment(name))


def _lookup(
    services: Services,
    memory: TranslationMemory,
    text: str,
    source: str,
    target: str,
    threshold: float | None,
    limit: int,
    machine: bool,
) -> LookupOut:
    if threshold is None:
        threshold = services.settings.fuzzy_threshold
    signature = None
    if machine:
        try:
            signature = services.translator.provenance(Pair(source, target)).signature()
        except LanguageError:
            signature = None  # no engine serves the pair: only human work is reused for it
    exact = memory.lookup(text, source, target, signature=signature)
    fuzzy = memory.fuzzy(
        text, source, target, threshold=threshold, limit=limit, signature=signature
    )
    return LookupOut(
        source_lang=primary_language(source),
        target_lang=primary_language(target),
        text=text,
        exact=MatchOut.model_validate(exact) if exact else None,
        suggestions=[
            MatchOut.model_validate(m) for m in fuzzy if exact is None or m.unit_id != exact.unit_id
        ],
    )


@router.get(
    "/memory/lookup",
    summary="Look a sentence up in the translation memory",
    description="`exact`: the translation the service would reuse for this sentence (human "
    "work first; machine units only of the engine serving the pair now, unless `machine` is "
    "false). `suggestions`: fuzzy matches scoring at least `threshold`, best first, for "
    "editors; they are never published unreviewed.",
    response_model=LookupOut,
    responses=responses(400, 401, 403, 422, 429),
)
async def lookup(
    services: ServicesDep,
    memory: MemoryDep,
    _caller: Reader,
    text: Annotated[Text, Query(min_length=1, max_length=5000, description="The sentence.")],
    target_lang: TargetLang,
    source_lang: SourceLang = "en",
    threshold: Annotated[
        float | None,
        Query(
            ge=0.5,
            le=1,
            description="Least fuzzy score (0.5 to 1; default: the `fuzzy_threshold` setting).",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Most suggestions.")] = 5,
    machine: Annotated[
        bool, Query(description="Include the serving engine's own machine translations.")
    ] = True,
) -> LookupOut:
    text = intake.accept(text, "text")
    return await run_in_threadpool(
        lambda: _lookup(services, memory, text, source_lang, target_lang, threshold, limit, machine)
    )


@router.post(
    "/memory/units",
    summary="Add a human translation (a correction) to the memory",
    description="Stores an editor's translation of one sentence. It replaces the pair's "
    "previous human translation of the same sentence and is reused by every translation from "
    "then on, before any machine unit (segment origin `memory:human`).",
    response_model=UnitOut,
    status_code=201,
    responses=responses(400, 401, 403, 413, 422, 429),
)
async def add_unit(body: UnitIn, memory: MemoryDep, _caller: Editor) -> UnitOut:
    unit_id = await run_in_threadpool(
        lambda: memory.add(
            body.source,
            body.target,
            source_lang=body.source_lang,
            target_lang=body.target_lang,
            approved=body.approved,
            note=body.note,
        )
    )
    return UnitOut(
        id=unit_id,
        source_lang=primary_language(body.source_lang),
        target_lang=primary_language(body.target_lang),
        source=body.source,
        target=body.target,
        origin="human",
        approved=body.approved,
        note=body.note,
    )


@router.delete(
    "/memory/units/{unit_id}",
    summary="Delete a unit from the memory",
    description="Removes one unit (ids come from lookups); translations stop reusing it.",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 422, 429),
)
async def delete_unit(unit_id: UnitId, memory: MemoryDep, _caller: Editor) -> Response:
    if not await run_in_threadpool(lambda: memory.delete(unit_id)):
        raise NotFoundError("unit_not_found", f"no memory unit with id {unit_id}")
    return Response(status_code=204)


def _counts(memory: TranslationMemory, source: str | None, target: str | None) -> CountsOut:
    pairs: dict[tuple[str, str], dict[str, int]] = {}
    for src, tgt, origin, n in memory.counts(source, target):
        pairs.setdefault((src, tgt), {"human": 0, "machine": 0})[origin.value] = n
    rows = [
        PairCount(
            source_lang=src,
            target_lang=tgt,
            human=n["human"],
            machine=n["machine"],
            total=n["human"] + n["machine"],
        )
        for (src, tgt), n in pairs.items()
    ]
    return CountsOut(total=sum(r.total for r in rows), pairs=rows)


@router.get(
    "/memory/counts",
    summary="How many units the memory holds, per pair and origin",
    description="Human and machine units per language pair (machine units of every engine "
    "version, served or not), and the total.",
    response_model=CountsOut,
    responses=responses(400, 401, 403, 422, 429),
)
async def counts(
    memory: MemoryDep,
    _caller: Reader,
    source_lang: SourceFilter = None,
    target_lang: TargetFilter = None,
) -> CountsOut:
    return await run_in_threadpool(lambda: _counts(memory, source_lang, target_lang))
