"""Request and response bodies of the tarjama API (``/v1``), as pydantic models.

Strict: unknown fields and wrong types are refused (422), never coerced.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from tarjama import intake
from tarjama.memory.tm import Match

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


class TranslateRequest(BaseModel):
    """A text or an HTML fragment/page to translate into one or more languages, synchronously."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: Text | None = Field(None, description="Plain text; its line layout is kept.")
    html: Text | None = Field(None, description="HTML fragment or page; markup is kept.")
    source: StrictStr = Field("en", pattern=LANGUAGE, max_length=35, description="Source language")
    targets: StrictStr | list[StrictStr] = Field(
        validation_alias=AliasChoices("targets", "target"),
        description="Target language, or a list of them (the field may be called target).",
        examples=[["es", "ca"]],
    )
    format: Literal["text", "html"] | None = Field(
        None, description="How to read `text`: text (default) or html. `html` implies html."
    )

    @model_validator(mode="after")
    def _one_input(self) -> TranslateRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of text or html")
        if self.html is not None and self.format == "text":
            raise ValueError("format text contradicts an html field")
        targets = [self.targets] if isinstance(self.targets, str) else self.targets
        if not targets or len(targets) > 10:
            raise ValueError("give between 1 and 10 target languages")
        for target in targets:
            if not re_language(target):
                raise ValueError(f"not a language code: {target!r}")
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


def re_language(code: str) -> bool:
    return bool(re.fullmatch(LANGUAGE, code)) and len(code) <= 35


class FindingOut(BaseModel):
    check: str
    severity: str
    message: str
    evidence: str = ""


class SegmentOut(BaseModel):
    field: str = Field(description='Where the sentence lives: "body/3", "headline"...')
    index: int
    source: str
    target: str
    origin: str = Field(description="engine, memory:human, memory:machine or copy")
    risk: float
    findings: list[FindingOut]


class ProvenanceOut(BaseModel):
    engine: str
    engine_version: str
    model: str
    source_language: str
    target_language: str
    created: str
    signature: str


class TranslationOut(BaseModel):
    language: str
    format: Literal["text", "html"]
    content: str = Field(description="The translation: text, or sanitised HTML with its label.")
    label: str = Field(description="The disclosure label readers must see.")
    status: str = Field(description="translated, or needs-review when a QA check is critical")
    provenance: ProvenanceOut
    segments: list[SegmentOut]


class TranslateResponse(BaseModel):
    source: str
    translations: list[TranslationOut]


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str]


class MatchOut(BaseModel):
    unit_id: int
    source: str = Field(description="The stored source: the query itself, or near it.")
    target: str
    origin: Literal["human", "machine"]
    score: float = Field(description="1.0 for an exact match; the similarity in [0, 1] otherwise.")
    approved: bool
    note: str
    signature: str | None = Field(description="The engine of a machine unit; null for humans.")


def match_out(m: Match) -> MatchOut:
    """A memory match as the API gives it (a lookup's, or a review suggestion)."""
    return MatchOut(
        unit_id=m.unit_id,
        source=m.source,
        target=m.target,
        origin=m.origin.value,
        score=m.score,
        approved=m.approved,
        note=m.note,
        signature=m.signature,
    )
