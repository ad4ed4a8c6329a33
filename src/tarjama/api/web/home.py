"""The translate page at ``GET /``: paste text or HTML, or upload a file (text, HTML, ninjs, an
RSS or Atom feed), pick one or more target languages, and get each translation with its label
and QA findings, to copy or download.

A plain form: it works without JavaScript (``POST /`` answers the page with the results; a
"Download" button answers the translation as a file). With JavaScript (``static/translate.js``)
the results replace themselves in place and a "Copy" button copies them. Ad hoc translation,
as ``/v1/translate``: open to anonymous callers unless ``anonymous_translate`` is off; what
comes back is sanitised as every answer of the service is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from markupsafe import Markup

from tarjama import formats, labels
from tarjama.api import adhoc
from tarjama.api.errors import status_for
from tarjama.api.security import Translating
from tarjama.api.services import Services, ServicesDep
from tarjama.api.web.render import page
from tarjama.errors import EmptyInputError, InputError, TarjamaError
from tarjama.formats import feed as feeds
from tarjama.formats.html import language_name, text_direction
from tarjama.model import Status, Translation

router = APIRouter(include_in_schema=False)

_EXTENSIONS = {"text": "txt", "html": "html", "ninjs": "json", "feed": "xml"}
_TYPES = {
    "text": "text/plain",
    "html": "text/html",
    "ninjs": "application/json",
    "feed": "application/xml",
}


@dataclass(frozen=True)
class Result:
    """One language's translation as the page shows it."""

    lang: str
    name: str
    dir: str
    label: str
    content: str
    preview: Markup | None
    findings: list[tuple[str, str, str]]
    needs_review: bool


def _languages(services: Services, source: str) -> list[tuple[str, str]]:
    found = sorted({p.target for p in services.pairs() if p.source == source})
    return [(code, language_name(code)) for code in found]


def _translate(
    services: Services, text: str, fmt: str, source: str, target: str
) -> tuple[str, list[Translation]]:
    translator = services.translator
    if fmt == "html":
        html, t = adhoc.translate_html(translator, text, source, target)
        return html, [t]
    if fmt == "ninjs":
        t = translator.translate(formats.parse(text, "ninjs", language=source), target)
        return formats.write(t, "ninjs", sanitise=True), [t]
    if fmt == "feed":
        parsed = feeds.read_feed(text, language=source)
        done = translator.translate_many(parsed.articles, target)
        return feeds.write_feed(parsed, done, sanitise=True), done
    [(content, made)] = adhoc.translate_texts(translator, [text], source, target)
    if made is None:
        raise EmptyInputError("the text is empty: nothing to translate")
    return content, [made]


def _result(
    services: Services, fmt: str, target: str, content: str, done: list[Translation]
) -> Result:
    settings = services.settings
    findings = [
        (str(f.severity), f.check, f.message) for t in done for s in t.segments for f in s.findings
    ]
    return Result(
        target,
        language_name(target),
        text_direction(target),
        labels.label_for(target, configured=settings.label, overrides=settings.labels),
        content,
        Markup(content) if fmt == "html" else None,  # sanitised by adhoc.translate_html
        findings,
        any(t.status is Status.NEEDS_REVIEW for t in done),
    )


def _form(services: Services, source: str, **values: Any) -> dict[str, Any]:
    chosen = values.pop("targets", None) or list(services.settings.targets)
    return {
        "lang": "en",
        "dir": "ltr",
        "title": "tarjama: translate",
        "source": source,
        "sources": sorted({p.source for p in services.pairs()}),
        "languages": _languages(services, source),
        "chosen": chosen,
        "text": "",
        "results": [],
        "error": "",
        "format": "",
        **values,
    }


@router.get("/")
def translate_page(services: ServicesDep, _caller: Translating) -> Response:
    return page("translate.html", **_form(services, "en"))


@router.post("/")
async def translate_form(
    request: Request,
    services: ServicesDep,
    _caller: Translating,
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    source: Annotated[str, Form(max_length=35)] = "en",
    targets: Annotated[list[str] | None, Form()] = None,
    download: Annotated[str, Form(max_length=35)] = "",
) -> Response:
    wanted = [t for t in dict.fromkeys(targets or []) if t]
    try:
        if file is not None and file.filename:
            text = formats.decode(await file.read())
        if not text.strip():
            raise EmptyInputError(
                "give a text, HTML, ninjs or a feed, or a file: nothing to translate"
            )
        if not wanted:
            raise InputError("pick at least one language to translate into")
        if download and download not in wanted:
            raise InputError(f"{download!r} is not one of the languages picked")
        fmt = formats.detect(text)
        adhoc.check_characters([text], services.options.max_characters)
        services.check_pairs(source, wanted)
        languages = [download] if download else wanted
        done = await services.run(
            lambda: [(t, *_translate(services, text, fmt, source, t)) for t in languages],
            lambda answers: [t for _, _, ts in answers for t in ts],
        )
    except TarjamaError as exc:
        status, _ = status_for(exc)
        view = _form(services, source, text=text, targets=wanted, error=str(exc))
        return page("translate.html", status, **view)
    if download:
        _, content, _ = done[0]
        name = f"translation.{download}.{_EXTENSIONS.get(fmt, 'txt')}"
        return Response(
            content,
            media_type=f"{_TYPES.get(fmt, 'text/plain')}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    results = [_result(services, fmt, t, content, ts) for t, content, ts in done]
    view = _form(services, source, text=text, targets=wanted, results=results, format=fmt)
    return page("translate.html", **view)
