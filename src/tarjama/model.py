"""The data an article goes through: Article and Block in, Segment and Span, Translation out.

Everything here is a frozen dataclass: stages return new values instead of changing old ones, so a
stored article or translation can never be altered behind the store's back.

Inline markup travels inside a block's text as tarjama's inline tags (see ``tarjama.inline``):
``<g id="1">emphasised words</g>`` for a paired element and ``<x id="2"/>`` for a standalone one,
with the original elements kept in ``Block.inline``. Plain-text blocks have no tags.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from html import unescape
from typing import Any

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
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def prose(self) -> tuple[Block, ...]:
        """The body as a format that writes the article anew shows it (plain text, a new ninjs
        document or page, a feed of translations): without a page's metadata (``META``
        blocks), and without the blocks that repeat its headline or standfirst, which those
        formats write apart (on a whole page they are blocks in place like the rest)."""
        repeated = {_words(self.headline), _words(self.standfirst)} - {""}
        return tuple(
            b for b in self.body if b.kind is not BlockKind.META and _words(b.text) not in repeated
        )

    def words(self) -> int:
        texts = [self.headline, self.standfirst, *(b.text for b in self.body)]
        return sum(len(t.split()) for t in texts)

    def with_changes(self, **changes: Any) -> Article:
        return replace(self, **changes)


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
class Segment:
    """One sentence (or headline, or caption) of one field of an article."""

    field: str
    """Where it lives: "headline", "standfirst", "body/3", "body/3/alt"..."""
    index: int
    source: str
    spans: tuple[Span, ...] = ()


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


@dataclass(frozen=True)
class SegmentResult:
    """One translated sentence: where it came from and what the checks found in it."""

    field: str
    index: int
    source: str
    target: str
    origin: str
    """"engine", "memory:human", "memory:machine", or "copy" (nothing to translate)."""
    risk: float = 0.0
    findings: tuple[Any, ...] = ()
    """``tarjama.qa.Finding`` values."""


@dataclass(frozen=True)
class Translation:
    """An article in a target language, with the label readers see and where it came from."""

    article: Article
    source_version: str
    provenance: Provenance
    label: str = DEFAULT_LABEL
    status: Status = Status.TRANSLATED
    segments: tuple[SegmentResult, ...] = ()

    @property
    def language(self) -> str:
        return self.provenance.target_language

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["article"].pop("original", None)
        data["language"] = self.language
        return data
