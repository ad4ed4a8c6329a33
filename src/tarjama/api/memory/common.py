"""What the glossary and memory routes share: the glossary and memory of the app, the files
they take and give, the language parameters."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Annotated, TypeVar

from fastapi import Depends, Path, Query, Request

from tarjama import intake
from tarjama.api.schemas import LANGUAGE
from tarjama.api.services import Services
from tarjama.errors import EncodingError
from tarjama.memory import Glossary, TranslationMemory
from tarjama.memory.normalise import primary_language
from tarjama.store import Store

T = TypeVar("T")

SKIPPED_LINES_SHOWN = 100
"""At most this many lines of skipped entries (TMX ``<tu>``, TBX entries) are listed in an
import's answer; the count is always whole."""

CSV = "text/csv"
TBX = "application/x-tbx+xml"
TMX = "application/x-tmx+xml"
STRING = {"schema": {"type": "string"}}


def get_glossary(request: Request) -> Glossary:
    """The translator's own glossary (writes through it drop its compiled matcher at once)."""
    services: Services = request.app.state.services
    glossary = services.translator.glossary
    return glossary if glossary is not None else _kept(request, "api_glossary", Glossary)


def get_memory(request: Request) -> TranslationMemory:
    """The translator's own memory, or (memory off for translation) one kept for this app.

    The machine translations the service has just made are in it first: the translator stores
    them after answering (write-behind), and a memory route waits for that."""
    services: Services = request.app.state.services
    services.translator.flush()
    memory = services.translator.memory
    return memory if memory is not None else _kept(request, "api_memory", TranslationMemory)


def _kept(request: Request, name: str, make: Callable[[Store], T]) -> T:
    """One ``make(store)`` for the app, kept on its state as ``name``."""
    kept: T | None = getattr(request.app.state, name, None)
    if kept is None:
        kept = make(request.app.state.services.store)
        setattr(request.app.state, name, kept)
    return kept


GlossaryDep = Annotated[Glossary, Depends(get_glossary)]
MemoryDep = Annotated[TranslationMemory, Depends(get_memory)]


def named(data: bytes, name: str) -> IO[bytes]:
    """The body as a file whose name the readers put in their messages."""
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def text_stream(data: bytes, name: str) -> IO[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"{name}: not UTF-8 (byte {exc.start})") from exc
    stream = io.StringIO(intake.accept(text, name, lines=True), newline="")
    stream.name = name
    return stream


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def filename(stem: str, source_lang: str | None, target_lang: str | None, ext: str) -> str:
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
