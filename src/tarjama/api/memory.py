"""The glossary and translation-memory API (``/v1/glossary``, ``/v1/memory``).

Thin, as the articles API: each route parses its request, calls
:class:`~tarjama.memory.Glossary` or :class:`~tarjama.memory.TranslationMemory` in a worker
thread and shapes the answer. Every write goes through their methods, which move the store's
generation counter in the same transaction, so the result cache (``api/cache.py``) never serves
an answer made before it. Reads need the reader role, writes (create, update, delete, import)
the editor role (or ``anonymous_write``).

Imports take the file as the request body, so the body limit (``max_request_bytes``, 413
beyond) applies to them as to everything else. A malformed file is refused whole (400
``malformed_input``, the message naming the line); nothing of it is stored. Exports stream
the file back with a ``Content-Disposition`` naming it.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from starlette.concurrency import run_in_threadpool

from tarjama import intake
from tarjama.api.errors import responses
from tarjama.api.schemas import LANGUAGE, NOT_BLANK, MatchOut, Out, Text
from tarjama.api.security import Editor, Reader
from tarjama.api.services import Services, ServicesDep
from tarjama.errors import ConflictError, EncodingError, LanguageError, NotFoundError
from tarjama.memory import Glossary, ImportReport, Term, TranslationMemory
from tarjama.memory.normalise import primary_language
from tarjama.model import Pair

router = APIRouter(prefix="/v1", tags=["glossary and memory"])

SKIPPED_LINES_SHOWN = 100
"""At most this many lines of skipped entries (TMX ``<tu>``, TBX entries) are listed in an
import's answer; the count is always whole."""

_EXPORT_CHUNK = 64 * 1024
_SPOOL_BYTES = 8 * 1024 * 1024

_CSV = "text/csv"
_TBX = "application/x-tbx+xml"
_TMX = "application/x-tmx+xml"
_GLOSSARY_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/comma-separated-values": "csv",
    "application/x-tbx+xml": "tbx",
    "application/tbx+xml": "tbx",
    "application/xml": "tbx",
    "text/xml": "tbx",
}
_STRING = {"schema": {"type": "string"}}
_GLOSSARY_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file: CSV (a header row naming source,target and optionally "
        "case_sensitive,do_not_translate,note) or TBX (v2 martif or v3 tbx).",
        "content": {_CSV: _STRING, _TBX: _STRING, "application/xml": _STRING},
    }
}
_TMX_BODY = {
    "requestBody": {
        "required": True,
        "description": "The TMX document (1.4b; 1.1 to 1.4 from other tools are read too).",
        "content": {_TMX: _STRING, "application/xml": _STRING, "text/xml": _STRING},
    }
}


# --- plumbing -----------------------------------------------------------------------------------


def get_glossary(request: Request) -> Glossary:
    """The translator's own glossary (writes through it drop its compiled matcher at once)."""
    services: Services = request.app.state.services
    glossary = services.translator.glossary
    if glossary is None:
        glossary = getattr(request.app.state, "api_glossary", None)
        if glossary is None:
            glossary = request.app.state.api_glossary = Glossary(services.store)
    return glossary


def get_memory(request: Request) -> TranslationMemory:
    """The translator's own memory, or (memory off for translation) one kept for this app.

    The machine translations the service has just made are in it first: the translator stores
    them after answering (write-behind), and a memory route waits for that."""
    services: Services = request.app.state.services
    services.translator.flush()
    memory = services.translator.memory
    if memory is None:
        memory = getattr(request.app.state, "api_memory", None)
        if memory is None:
            memory = request.app.state.api_memory = TranslationMemory(services.store)
    return memory


GlossaryDep = Annotated[Glossary, Depends(get_glossary)]
MemoryDep = Annotated[TranslationMemory, Depends(get_memory)]


def _named(data: bytes, name: str) -> IO[bytes]:
    """The body as a file whose name the readers put in their messages."""
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def _text(data: bytes, name: str) -> IO[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"{name}: not UTF-8 (byte {exc.start})") from exc
    stream = io.StringIO(intake.accept(text, name, lines=True), newline="")
    stream.name = name
    return stream


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _filename(stem: str, source_lang: str | None, target_lang: str | None, ext: str) -> str:
    """``memory.tmx``, ``memory-en-es.tmx``, ``glossary-en-all.csv``..."""
    if source_lang or target_lang:
        langs = (primary_language(lang) if lang else "all" for lang in (source_lang, target_lang))
        stem = "-".join((stem, *langs))
    return f"{stem}.{ext}"


SourceLang = Annotated[
    str,
    Query(pattern=LANGUAGE, max_length=35, description="The source language (default en)."),
]
TargetLang = Annotated[
    str, Query(pattern=LANGUAGE, max_length=35, description="The target language.")
]
SourceFilter = Annotated[
    str | None,
    Query(pattern=LANGUAGE, max_length=35, description="Only this source language."),
]
TargetFilter = Annotated[
    str | None,
    Query(pattern=LANGUAGE, max_length=35, description="Only this target language."),
]
TermId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The term's id.")]
UnitId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The unit's id.")]


# --- schemas ------------------------------------------------------------------------------------


def _term_schema(schema: dict[str, Any]) -> None:
    """What the glossary refuses (400 empty_input), in JSON Schema: a blank source, and a blank
    target unless the term is not translated."""
    schema["properties"]["source"]["allOf"] = [{"pattern": NOT_BLANK}]
    schema["if"] = {
        "properties": {"do_not_translate": {"const": True}},
        "required": ["do_not_translate"],
    }
    schema["else"] = {"properties": {"target": {"pattern": NOT_BLANK}}, "required": ["target"]}


class TermIn(BaseModel):
    """A glossary term to add; it replaces the pair's entry for the same source term."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_term_schema)

    source_lang: StrictStr = Field("en", pattern=LANGUAGE, max_length=35)
    target_lang: StrictStr = Field(pattern=LANGUAGE, max_length=35)
    source: Text = Field(min_length=1, max_length=1000, description="The source term.")
    target: Text = Field(
        "",
        max_length=1000,
        description="How it is rendered; may be empty for a do-not-translate term.",
    )
    case_sensitive: StrictBool = Field(False, description="Match only as written (AFP, Apple).")
    do_not_translate: StrictBool = Field(False, description="Keep the term as written.")
    note: Text = Field("", max_length=2000)


class TermPatch(BaseModel):
    """The fields of a term to change; those left out stay as they are."""

    # A blank target with do_not_translate false is refused (400 empty_input); with
    # do_not_translate left out, that depends on the stored term.
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "if": {"properties": {"do_not_translate": {"const": False}},
                   "required": ["do_not_translate"]},
            "then": {"properties": {"target": {"pattern": NOT_BLANK}}},
        },
    )  # fmt: skip

    source: Text | None = Field(None, min_length=1, max_length=1000)
    target: Text | None = Field(None, max_length=1000)
    case_sensitive: StrictBool | None = None
    do_not_translate: StrictBool | None = None
    note: Text | None = Field(None, max_length=2000)


class TermOut(Out):
    id: int
    source_lang: str = Field(description="The primary language subtag (en, not en-GB).")
    target_lang: str
    source: str
    target: str
    rendering: str = Field(description="What translations contain: the source when not translated.")
    case_sensitive: bool
    do_not_translate: bool
    note: str


class GlossaryImportOut(BaseModel):
    source_lang: str
    target_lang: str
    format: Literal["csv", "tbx"]
    imported: int = Field(description="Terms written (new, or replacing the same source term).")
    terms: int = Field(description="Terms the pair has now.")
    skipped: int = Field(
        0, description="TBX entries skipped: no source and target term in this pair."
    )
    skipped_lines: list[int] = Field(
        default_factory=list,
        description=f"The lines of the first {SKIPPED_LINES_SHOWN} skipped entries.",
    )


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


# --- glossary terms -----------------------------------------------------------------------------


@router.get(
    "/glossary/terms",
    summary="Glossary terms, of every pair or one",
    description="Every term, sorted by language pair and source term; `source_lang` and "
    "`target_lang` keep one pair (or one side of it). Languages match on the primary subtag.",
    response_model=list[TermOut],
    responses=responses(400, 401, 403, 422, 429),
)
async def list_terms(
    glossary: GlossaryDep,
    _caller: Reader,
    source_lang: SourceFilter = None,
    target_lang: TargetFilter = None,
) -> list[Term]:
    return await run_in_threadpool(lambda: glossary.terms(source_lang, target_lang))


@router.post(
    "/glossary/terms",
    summary="Add a glossary term",
    description="Adds a term to a language pair, or replaces the pair's entry for the same "
    "source term. Translations use it from the next request on; answers kept by the result "
    "cache are dropped.",
    response_model=TermOut,
    status_code=201,
    responses=responses(400, 401, 403, 413, 422, 429),
)
async def create_term(
    body: TermIn, response: Response, glossary: GlossaryDep, _caller: Editor
) -> Term:
    term = await run_in_threadpool(
        lambda: glossary.add(
            body.source,
            body.target,
            source_lang=body.source_lang,
            target_lang=body.target_lang,
            case_sensitive=body.case_sensitive,
            do_not_translate=body.do_not_translate,
            note=body.note,
        )
    )
    response.headers["Location"] = f"/v1/glossary/terms/{term.id}"
    return term


@router.get(
    "/glossary/terms/{term_id}",
    summary="One glossary term",
    description="The term with its pair, rendering and flags.",
    response_model=TermOut,
    responses=responses(401, 403, 404, 422, 429),
)
async def get_term(term_id: TermId, glossary: GlossaryDep, _caller: Reader) -> Term:
    term = await run_in_threadpool(lambda: glossary.get(term_id))
    if term is None:
        raise NotFoundError("term_not_found", f"no glossary term with id {term_id}")
    return term


@router.patch(
    "/glossary/terms/{term_id}",
    summary="Change a glossary term",
    description="Changes the fields given and keeps the others. The pair cannot change: delete "
    "the term and add it to the other pair. A source term another entry of the pair already "
    "has is refused with 409.",
    response_model=TermOut,
    responses=responses(400, 401, 403, 404, 409, 413, 422, 429),
)
async def update_term(
    term_id: TermId, body: TermPatch, glossary: GlossaryDep, _caller: Editor
) -> Term:
    try:
        term = await run_in_threadpool(
            lambda: glossary.update(
                term_id,
                source_term=body.source,
                target_term=body.target,
                case_sensitive=body.case_sensitive,
                do_not_translate=body.do_not_translate,
                note=body.note,
            )
        )
    except ConflictError as exc:
        if exc.code != "conflict":
            raise
        raise ConflictError(
            "term_exists", f"the pair already has a term {body.source!r}; change that one"
        ) from exc
    return term


@router.delete(
    "/glossary/terms/{term_id}",
    summary="Delete a glossary term",
    description="Removes the term; translations stop using it from the next request on.",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 422, 429),
)
async def delete_term(term_id: TermId, glossary: GlossaryDep, _caller: Editor) -> Response:
    if not await run_in_threadpool(lambda: glossary.delete(term_id)):
        raise NotFoundError("term_not_found", f"no glossary term with id {term_id}")
    return Response(status_code=204)


# --- glossary files -----------------------------------------------------------------------------


def _glossary_format(request: Request, fmt: str | None, data: bytes) -> Literal["csv", "tbx"]:
    if fmt is not None:
        return "tbx" if fmt == "tbx" else "csv"
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _GLOSSARY_TYPES:
        return "tbx" if _GLOSSARY_TYPES[content_type] == "tbx" else "csv"
    return "tbx" if data.lstrip().startswith(b"<") else "csv"


def _import_glossary(
    glossary: Glossary, data: bytes, kind: Literal["csv", "tbx"], source: str, target: str
) -> GlossaryImportOut:
    if kind == "tbx":
        report = glossary.import_tbx(_named(data, "the TBX body"), source, target)
    else:
        report = ImportReport(glossary.import_csv(_text(data, "the CSV body"), source, target))
    return GlossaryImportOut(
        source_lang=primary_language(source),
        target_lang=primary_language(target),
        format=kind,
        imported=report.imported,
        terms=len(glossary.list_terms(source, target)),
        skipped=report.skipped,
        skipped_lines=list(report.skipped_lines[:SKIPPED_LINES_SHOWN]),
    )


@router.post(
    "/glossary/import",
    summary="Import glossary terms from CSV or TBX",
    description="The body is the file: CSV (`text/csv`) or TBX (`application/x-tbx+xml`, "
    "`application/xml`); `format` overrides the Content-Type, and without either a body "
    "starting with `<` is read as TBX. Terms replace the pair's entries for the same source "
    "terms. A malformed file is refused whole (400, the message names the line) and nothing "
    "of it is stored; a TBX entry without a term in both languages is skipped.",
    response_model=GlossaryImportOut,
    responses=responses(400, 401, 403, 413, 422, 429),
    openapi_extra=_GLOSSARY_BODY,
)
async def import_glossary(
    request: Request,
    glossary: GlossaryDep,
    _caller: Editor,
    target_lang: TargetLang,
    source_lang: SourceLang = "en",
    format: Annotated[
        Literal["csv", "tbx"] | None, Query(description="The body's format (default: detected).")
    ] = None,
) -> GlossaryImportOut:
    data = await request.body()
    kind = _glossary_format(request, format, data)
    return await run_in_threadpool(
        lambda: _import_glossary(glossary, data, kind, source_lang, target_lang)
    )


def _export_glossary(
    glossary: Glossary, kind: Literal["csv", "tbx"], source: str, target: str
) -> bytes:
    if kind == "csv":
        text = io.StringIO(newline="")
        glossary.export_csv(text, source, target)
        return text.getvalue().encode("utf-8")
    data = io.BytesIO()
    glossary.export_tbx(data, source, target)
    return data.getvalue()


@router.get(
    "/glossary/export",
    summary="Export a language pair's glossary as CSV or TBX",
    description="CSV with a header row (source,target,case_sensitive,do_not_translate,note), or "
    "TBX-Basic; either imports back as it is.",
    response_class=Response,
    responses={
        200: {
            "description": "The glossary file.",
            "content": {_CSV: _STRING, _TBX: _STRING},
        },
        **responses(400, 401, 403, 422, 429),
    },
)
async def export_glossary(
    glossary: GlossaryDep,
    _caller: Reader,
    target_lang: TargetLang,
    source_lang: SourceLang = "en",
    format: Annotated[Literal["csv", "tbx"], Query(description="The file's format.")] = "csv",
) -> Response:
    data = await run_in_threadpool(
        lambda: _export_glossary(glossary, format, source_lang, target_lang)
    )
    name = _filename("glossary", source_lang, target_lang, format)
    media_type = f"{_CSV}; charset=utf-8" if format == "csv" else _TBX
    return Response(data, media_type=media_type, headers=_attachment(name))


# --- translation memory -------------------------------------------------------------------------


def _import_tmx(
    memory: TranslationMemory,
    data: bytes,
    approved: bool,
    source: str | None,
    target: str | None,
) -> TMXImportOut:
    report = memory.import_tmx_report(
        _named(data, "the TMX body"), approved=approved, source_lang=source, target_lang=target
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
        200: {"description": "The TMX document.", "content": {_TMX: _STRING}},
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
    name = _filename("memory", source_lang, target_lang, "tmx")
    return StreamingResponse(_chunks(stream), media_type=_TMX, headers=_attachment(name))


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
