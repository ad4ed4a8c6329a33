"""The glossary routes (``/v1/glossary``): terms created, read, changed and deleted; CSV and TBX
files imported and exported."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from starlette.concurrency import run_in_threadpool

from tarjama.api.errors import responses
from tarjama.api.memory.common import (
    CSV,
    SKIPPED_LINES_SHOWN,
    STRING,
    TBX,
    GlossaryDep,
    SourceFilter,
    SourceLang,
    TargetFilter,
    TargetLang,
    TermId,
    attachment,
    filename,
    named,
    text_stream,
)
from tarjama.api.schemas import LANGUAGE, NOT_BLANK, Out, Text
from tarjama.api.security import Editor, Reader
from tarjama.errors import ConflictError, NotFoundError
from tarjama.memory import Glossary, ImportReport, Term
from tarjama.memory.normalise import primary_language

router = APIRouter(prefix="/v1", tags=["glossary and memory"])


_GLOSSARY_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/comma-separated-values": "csv",
    "application/x-tbx+xml": "tbx",
    "application/tbx+xml": "tbx",
    "application/xml": "tbx",
    "text/xml": "tbx",
}
_GLOSSARY_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file: CSV (a header row naming source,target and optionally "
        "case_sensitive,do_not_translate,note) or TBX (v2 martif or v3 tbx).",
        "content": {CSV: STRING, TBX: STRING, "application/xml": STRING},
    }
}


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
        report = glossary.import_tbx(named(data, "the TBX body"), source, target)
    else:
        report = ImportReport(
            glossary.import_csv(text_stream(data, "the CSV body"), source, target)
        )
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
            "content": {CSV: STRING, TBX: STRING},
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
    name = filename("glossary", source_lang, target_lang, format)
    media_type = f"{CSV}; charset=utf-8" if format == "csv" else TBX
    return Response(data, media_type=media_type, headers=attachment(name))
