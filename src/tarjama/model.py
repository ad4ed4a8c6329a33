"""The data an article goes through: Article and Block in, SegmentResult and Translation out.

Everything here is a frozen dataclass: stages return new values instead of changing old ones, so a
stored article or translation can never be altered behind the store's back.

Inline markup travels inside a block's text as tarjama's inline tags (see ``tarjama.inline``):
``<g id="1">emphasised words</g>`` for a paired element and ``<x id="2"/>`` for a standalone one,
with the original elements kept in ``Block.inline``. Plain-text blocks have no tags.

A text of an article is addressed by a :class:`FieldRef` (``headline``, ``body/3``,
``body/3/alt``): the pipeline cuts an article into fields and puts it back together with them,
a reviewed segment names its field with one, and stored translations and API answers write it
as that string.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from html import unescape
from typing import Any

from tarjama import inline
from tarjama.errors import InputError, LanguageError

DEFAULT_LABEL = "Beta V.1.0 - Powered by automated translation"


class Status(StrEnum):
    """Where a translation stands for the newsroom."""

    QUEUED = "queued"
    TRANSLATED = "translated"
    NEEDS_REVIEW = "needs-review"
    REVIEWED = "reviewed"


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    BLOCKQUOTE = "blockquote"
    LIST_ITEM = "list_item"
    PICTURE = "picture"
    META = "meta"
    """Text of a page that is no part of its prose, translated in place: an attribute (``alt``,
    ``title``, ``aria-label``...), a meta description, a JSON-LD headline. The other formats
    leave it out."""


@dataclass(frozen=True)
class Pair:
    """A translation direction: source and target language codes ("en", "es")."""

    source: str
    target: str

    @classmethod
    def parse(cls, text: str) -> Pair:
        src, sep, tgt = text.partition("-")
        if not sep or not src or not tgt:
            raise LanguageError(f"not a language pair: {text!r} (expected e.g. en-es)")
        return cls(src, tgt)

    def __str__(self) -> str:
        return f"{self.source}-{self.target}"


@dataclass(frozen=True)
class Block:
    """One unit of an article's body: a paragraph, heading, quote, list item or picture.

    For a picture, ``text`` is the caption and ``credit`` the agency credit line
    ("AFP / Omar HAJ KADOUR"), which is never translated.
    """

    kind: BlockKind
    text: str
    credit: str = ""
    src: str = ""
    alt: str = ""
    level: int = 0
    inline: tuple[tuple[str, str], ...] = ()
    """Inline tag id -> original element (opening tag, or the whole element for standalone ones)."""
    translatable: bool = True


@dataclass(frozen=True)
class Article:
    """A news article as tarjama sees it, whatever format it came in."""

    headline: str
    body: tuple[Block, ...]
    source_language: str = "en"
    publisher_id: str = ""
    standfirst: str = ""
    byline: str = ""
    dateline: str = ""
    kicker: str = ""
    """The line above the headline naming the story's subject ("ELECTION 2024"), translated
    like a headline."""
    label: str = ""
    """A disclosure label found in the source (never translated as body text)."""
    canonical_url: str = ""
    published: str = ""
    updated: str = ""
    site: str = ""
    """The publication's name, as the page gives it (never translated)."""
    image: str = ""
    """The address of the article's lead image."""
    source_format: str = "text"
    original: str = ""
    """The source document as received, so a format can rebuild its shape around a translation."""

    @property
    def version(self) -> str:
        """Content hash of what gets translated: equal for equal text, whatever the metadata."""
        payload = json.dumps(
            [
                self.source_language,
                self.headline,
                self.standfirst,
                self.byline,
                self.dateline,
                [[b.kind, b.text, b.credit, b.alt] for b in self.body],
                # only when there is one: an article without keeps the version it had
                *([self.kicker] if self.kicker else []),
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def prose(self) -> tuple[Block, ...]:
        """The body as a format that writes the article anew shows it (plain text, a new ninjs
        document or page, a feed of translations): without a page's metadata (``META``
        blocks), and without the blocks that repeat its headline or standfirst, which those
        formats write apart (on a whole page they are blocks in place like the rest)."""
        repeated = {_words(self.headline), _words(self.standfirst), _words(self.kicker)} - {""}
        return tuple(
            b for b in self.body if b.kind is not BlockKind.META and _words(b.text) not in repeated
        )

    def words(self) -> int:
        texts = [self.kicker, self.headline, self.standfirst, *(b.text for b in self.body)]
        return sum(len(t.split()) for t in texts)

    def with_changes(self, **changes: Any) -> Article:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The article's fields as plain data, without the document as received."""
        data = asdict(self)
        data.pop("original", None)
        return data

    def texts(self) -> Iterator[tuple[FieldRef, str]]:
        """The texts that get translated, in reading order: the kicker (when there is one), the
        headline, the standfirst, the text of every translatable block and the alt text of
        every block that has one."""
        if self.kicker:
            yield FieldRef(Part.KICKER), self.kicker
        yield FieldRef(Part.HEADLINE), self.headline
        yield FieldRef(Part.STANDFIRST), self.standfirst
        for i, block in enumerate(self.body):
            if block.translatable:
                yield FieldRef(Part.TEXT, i), block.text
            if block.alt:
                yield FieldRef(Part.ALT, i), block.alt

    def with_texts(self, texts: Mapping[FieldRef, str]) -> Article:
        """This article with the given fields' texts replaced (the others as they are)."""
        body = list(self.body)
        for ref, text in texts.items():
            if ref.part is Part.TEXT:
                body[ref.block] = replace(body[ref.block], text=text)
            elif ref.part is Part.ALT:
                body[ref.block] = replace(body[ref.block], alt=text)
        return replace(
            self,
            headline=texts.get(FieldRef(Part.HEADLINE), self.headline),
            kicker=texts.get(FieldRef(Part.KICKER), self.kicker),
            standfirst=texts.get(FieldRef(Part.STANDFIRST), self.standfirst),
            body=tuple(body),
        )


class Part(StrEnum):
    """Which text of an article a field is."""

    HEADLINE = "headline"
    KICKER = "kicker"
    """The line above the headline."""
    STANDFIRST = "standfirst"
    TEXT = "text"
    """A body block's text: a paragraph, heading, quote, list item or caption."""
    ALT = "alt"
    """A body block's alt text (pictures)."""
    MARKUP = "markup"
    """A page's markup as a whole: where the check that it came through whole puts its finding
    (``qa.markup``). No text of its own."""


_FIELD = re.compile(r"(headline|kicker|standfirst|markup)|body/(0|[1-9][0-9]{0,8})(/alt)?")


@dataclass(frozen=True)
class FieldRef:
    """Where a text of an article lives: its :class:`Part` and, in the body, the block's index.

    Written ``headline``, ``kicker``, ``standfirst``, ``body/3`` (block 3's text) or
    ``body/3/alt`` (its alt text): ``str()`` gives that form and :meth:`parse` reads it.
    """

    part: Part
    block: int = 0
    """The body block (``TEXT``, ``ALT``); 0 for the headline and standfirst."""

    @classmethod
    def find(cls, text: str) -> FieldRef | None:
        """The field ``text`` names, or None when it names none."""
        m = _FIELD.fullmatch(text)
        if m is None:
            return None
        if m.group(1):
            return cls(Part(m.group(1)))
        return cls(Part.ALT if m.group(3) else Part.TEXT, int(m.group(2)))

    @classmethod
    def parse(cls, text: str) -> FieldRef:
        found = cls.find(text)
        if found is None:
            raise InputError(
                f"not a field of an article: {text[:50]!r} "
                "(headline, kicker, standfirst, body/<n> or body/<n>/alt)"
            )
        return found

    def read(self, article: Article) -> str:
        """The field's text in ``article``."""
        if self.part is Part.HEADLINE:
            return article.headline
        if self.part is Part.STANDFIRST:
            return article.standfirst
        if self.part is Part.KICKER:
            return article.kicker
        if self.part is Part.MARKUP:
            return ""
        block = article.body[self.block]
        return block.alt if self.part is Part.ALT else block.text

    def __str__(self) -> str:
        if self.part in (Part.HEADLINE, Part.KICKER, Part.STANDFIRST, Part.MARKUP):
            return self.part.value
        return f"body/{self.block}/alt" if self.part is Part.ALT else f"body/{self.block}"


_TAGS = re.compile(r"</?[gx]\b[^>]*>")


def _words(tagged: str) -> str:
    """Tagged text as plain words, tolerant of broken tags (an engine's output)."""
    return " ".join(unescape(_TAGS.sub("", tagged)).split())


@dataclass(frozen=True)
class Span:
    """A protected stretch of a segment: kept out of the engine and put back afterwards."""

    kind: str
    text: str
    start: int
    end: int
    replacement: str = ""
    """What goes back in the target; empty means the original text as written."""


@dataclass(frozen=True)
class Provenance:
    """Who made a translation, precise enough to key a cache or a translation memory on."""

    engine: str
    engine_version: str
    model: str
    source_language: str
    target_language: str
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def pair(self) -> str:
        return f"{self.source_language}-{self.target_language}"

    def signature(self) -> str:
        """A stable string for cache keys: everything but the timestamp."""
        return f"{self.engine}:{self.engine_version}:{self.model}:{self.pair}"


class SegmentOrigin(StrEnum):
    """Where a segment's target came from."""

    ENGINE = "engine"
    MEMORY_HUMAN = "memory:human"
    """The memory's unit from people's work (an earlier correction, an imported translation)."""
    MEMORY_MACHINE = "memory:machine"
    """The memory's unit from the same engine, version and model."""
    HUMAN = "human"
    """An editor's correction of this segment."""
    COPY = "copy"
    """Nothing to translate (figures, names): the source as it is."""

    @property
    def by_person(self) -> bool:
        return self in (SegmentOrigin.HUMAN, SegmentOrigin.MEMORY_HUMAN)


def memory_text(tagged: str) -> str:
    """A segment's text as the translation memory holds it: plain, as TMX has it, for a sentence
    without markup; in tarjama's tagged form for one with inline tags, so the markup survives
    reuse. The one key of a segment in the memory."""
    return inline.plain(tagged) if "<" not in tagged else tagged


@dataclass(frozen=True)
class SegmentResult:
    """One translated sentence: where it came from and what the checks found in it."""

    field: FieldRef
    index: int
    """The sentence's place in its field (0, 1...)."""
    source: str
    target: str
    origin: SegmentOrigin
    risk: float = 0.0
    """The chance that a reader finds the sentence badly translated (``tarjama.qa.estimate``)."""
    findings: tuple[Any, ...] = ()
    """``tarjama.qa.Finding`` values."""
    names: tuple[str, ...] = ()
    """The names kept as written (protected from the engine)."""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "field": str(self.field)}


@dataclass(frozen=True)
class Translation:
    """An article in a target language, with the label readers see and where it came from."""

    article: Article
    source_version: str
    provenance: Provenance
    label: str = DEFAULT_LABEL
    status: Status = Status.TRANSLATED
    segments: tuple[SegmentResult, ...] = ()
    risk: float = 0.0
    """The article's risk: its segments' risks, weighted by their words."""

    @property
    def language(self) -> str:
        return self.provenance.target_language

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["article"] = self.article.to_dict()
        data["segments"] = [s.to_dict() for s in self.segments]
        data["language"] = self.language
        return data
