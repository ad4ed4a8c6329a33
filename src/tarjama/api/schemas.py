"""Request and response bodies of the tarjama API (``/v1``), as pydantic models.

Requests are strict: unknown fields and wrong types are refused (422), never coerced. Responses
(:class:`Out`) are built from the attributes of tarjama's own values, the dataclasses of the
model, the newsroom and the memory: a route returns the value and FastAPI validates it into
the route's response model. Where an answer shows a value otherwise than it is held (a tagged
sentence as plain text, a field address as its string), the field's type says how.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import (
    AfterValidator,
    AliasChoices,
    AliasPath,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    create_model,
    model_validator,
)

from tarjama import inline, intake
from tarjama.model import FieldRef

LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


def _accepted(value: object, info: ValidationInfo) -> object:
    """A string under the text rule (``tarjama.intake``: a refused character is a 400 naming
    the field and the offset); anything else as it is, for the type check to refuse."""
    if isinstance(value, str):
        return intake.accept(value, info.field_name or "text")
    return value


Text = Annotated[
    StrictStr, StringConstraints(pattern=intake.SCHEMA_PATTERN), BeforeValidator(_accepted)
]
"""A text field of a request body: every one goes through the text rule before anything else."""


NOT_BLANK = "[^" + "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "]"
"""A JSON Schema ``pattern`` (unanchored: found anywhere) for text that is not all blanks, by
Python's ``str.isspace``, which ``str.strip`` and the server's ``\\s`` use (ECMAScript's
``\\s`` is another set)."""
LINE_BREAKS_JSON = "\n"
LINE_BREAKS_FORM = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines's


def translatable(line_breaks: str) -> dict[str, Any]:
    """A text the server translates, in JSON Schema. Blank lines are dropped
    (``api/adhoc.py``), so a text with no line left is refused (400 empty_input): one that is
    empty, or all blanks with a line break; a form's text has its lines split by
    ``str.splitlines`` first, whose breaks are more."""
    return {
        "minLength": 1,
        "anyOf": [{"pattern": NOT_BLANK}, {"not": {"pattern": f"[{line_breaks}]"}}],
    }


LanguageCode = Annotated[StrictStr, StringConstraints(pattern=LANGUAGE, max_length=35)]


def _translate_request_schema(schema: dict[str, Any]) -> None:
    """The rules of :class:`TranslateRequest`'s validator, in JSON Schema: exactly one of
    ``text`` and ``html`` (a null one is absent), no ``format`` text with ``html``, ``extract``
    only of HTML, and the targets under either name."""
    properties = schema["properties"]
    properties["text"]["anyOf"][0].update(translatable(LINE_BREAKS_JSON))
    properties["target"] = {**properties["targets"], "description": "Another name of targets."}
    schema.pop("required", None)  # targets, under either name: below
    schema["allOf"] = [
        {"oneOf": [{"required": [name], "properties": {name: {"type": "string"}}}
                   for name in ("text", "html")]},
        {"oneOf": [{"required": ["targets"]}, {"required": ["target"]}]},
        {"not": {"required": ["html", "format"],
                 "properties": {"html": {"type": "string"}, "format": {"const": "text"}}}},
        {"not": {"required": ["text", "extract"],
                 "properties": {"text": {"type": "string"}, "extract": {"const": True},
                                "format": {"not": {"const": "html"}}}}},
    ]  # fmt: skip


class TranslateRequest(BaseModel):
    """A text or an HTML fragment/page to translate into one or more languages, synchronously."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra=_translate_request_schema
    )

    text: Text | None = Field(None, description="Plain text; its line layout is kept.")
    html: Text | None = Field(None, description="HTML fragment or page; markup is kept.")
    source: StrictStr = Field("en", pattern=LANGUAGE, max_length=35, description="Source language")
    targets: LanguageCode | Annotated[list[LanguageCode], Field(min_length=1, max_length=10)] = (
        Field(
            validation_alias=AliasChoices("targets", "target"),
            description="Target language, or a list of up to 10 (the field may be called target).",
            examples=[["es", "ca"]],
        )
    )
    format: Literal["text", "html"] | None = Field(
        None, description="How to read `text`: text (default) or html. `html` implies html."
    )
    extract: bool = Field(
        False,
        description="HTML of a whole web page: its article alone (found by readability-lxml), "
        "with its metadata, answered as a clean page in tarjama's layout; without it a page is "
        "translated in place, whole.",
    )
    strict: bool = Field(
        False,
        description="HTML: refuse (400 markup_changed) rather than answer a page whose markup "
        "the translation would change; without it such a page comes back with a critical "
        "`markup` finding and status needs-review.",
    )

    @model_validator(mode="after")
    def _one_input(self) -> TranslateRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of text or html")
        if self.html is not None and self.format == "text":
            raise ValueError("format text contradicts an html field")
        if self.extract and self.input_format != "html":
            raise ValueError("extract finds the article in a web page: give it as html")
        return self

    @property
    def target_list(self) -> list[str]:
        targets = [self.targets] if isinstance(self.targets, str) else self.targets
        return list(dict.fromkeys(targets))

    @property
    def input(self) -> str:
        return self.html if self.html is not None else self.text or ""

    @property
    def input_format(self) -> Literal["text", "html"]:
        return "html" if self.html is not None or self.format == "html" else "text"


# --- responses ----------------------------------------------------------------------------------


class Out(BaseModel):
    """A response body, built from a value's attributes."""

    model_config = ConfigDict(from_attributes=True)


def _called(value: object) -> object:
    return value() if callable(value) else value


def _address(value: object) -> object:
    return str(value) if isinstance(value, FieldRef) else value


Computed = BeforeValidator(_called)
"""A method's value, for a field named after a method (``Provenance.signature()``)."""
Address = Annotated[str, BeforeValidator(_address)]
"""A :class:`~tarjama.model.FieldRef` as it is written: ``body/3``."""
PlainText = Annotated[str, AfterValidator(inline.plain)]
"""A sentence in tarjama's tagged form, shown as plain text."""


def mirror(kind: type[Any], name: str, **described: Any) -> type[Out]:
    """A response model with the fields of the dataclass ``kind`` as they are (names, types,
    order), for a value the API shows whole; ``described`` gives some a ``Field`` of its own."""
    hints = get_type_hints(kind)
    fields: dict[str, Any] = {
        f.name: (hints[f.name], described.get(f.name, ...)) for f in dataclasses.fields(kind)
    }
    return create_model(name, __base__=Out, **fields)


def of_translation(name: str, **field: Any) -> Any:
    """A field read from the value's ``translation``: absent (the default) when there is none."""
    return Field(validation_alias=AliasPath("translation", name), **field)


class FindingOut(Out):
    check: str
    severity: str
    message: str
    evidence: str = ""
    span: tuple[int, int] | None = Field(
        default=None,
        description="Where the finding is in the segment's plain target: start and end "
        "characters (null when it is about what the target lacks).",
    )


class SegmentOut(Out):
    field: Address = Field(description='Where the sentence lives: "body/3", "headline"...')
    index: int
    source: PlainText
    target: PlainText
    origin: str = Field(description="engine, memory:human, memory:machine or copy")
    risk: float
    findings: list[FindingOut]


class ProvenanceOut(Out):
    engine: str
    engine_version: str
    model: str
    source_language: str
    target_language: str
    created: str
    signature: Annotated[str, Computed]


class TranslationOut(Out):
    # Built from an answer holding the ``content``, its ``format`` and the ``translation``.
    language: str = of_translation("language")
    format: Literal["text", "html"]
    content: str = Field(description="The translation: text, or sanitised HTML with its label.")
    label: str = of_translation("label", description="The disclosure label readers must see.")
    status: str = of_translation(
        "status", description="translated, or needs-review when a QA check is critical"
    )
    provenance: ProvenanceOut = of_translation("provenance")
    segments: list[SegmentOut] = of_translation("segments")


class TranslateResponse(BaseModel):
    source: str
    translations: list[TranslationOut]


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str]


class MatchOut(Out):
    # A memory match as the API gives it: a lookup's, or a review suggestion.
    unit_id: int
    source: str = Field(description="The stored source: the query itself, or near it.")
    target: str
    origin: Literal["human", "machine"]
    score: float = Field(description="1.0 for an exact match; the similarity in [0, 1] otherwise.")
    approved: bool
    note: str
    signature: str | None = Field(description="The engine of a machine unit; null for humans.")
