"""Shared plumbing for the XML exchange formats (TMX, TBX): safe streaming parse, line numbers.

Parsing never resolves entities, loads DTDs or touches the network. Every syntax error becomes
the caller's :class:`~tarjama.errors.FormatError` subclass with the line (and column) in its
message, taken from lxml's ``XMLSyntaxError.position``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, TypeAlias, TypeVar

from lxml import etree

from tarjama import intake
from tarjama.errors import FormatError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Source: TypeAlias = str | Path | bytes | IO[bytes]
"""A file path, the document's bytes, or a binary file object."""

Destination: TypeAlias = str | Path | IO[bytes]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: units or terms written, and the lines of the entries it skipped
    (a TMX ``<tu>``, a TBX entry without both languages of the pair)."""

    imported: int
    skipped_lines: tuple[int, ...] = ()

    @property
    def skipped(self) -> int:
        return len(self.skipped_lines)


D = TypeVar("D")


def scrubbed(item: D, names: tuple[str, ...]) -> tuple[D, Any]:
    """For exporting an entry stored before the text rule: the dataclass ``item`` with its
    text fields ``names`` under :func:`tarjama.intake.scrub`, and a comment saying what was
    removed, to write before the entry (None when nothing was)."""
    changes: dict[str, str] = {}
    removed: list[str] = []
    for name in names:
        clean, gone = intake.scrub(getattr(item, name))
        if gone:
            changes[name] = clean
            removed += [f"{name.replace('_', ' ')} {what}" for what in gone]
    if not changes:
        return item, None
    comment = etree.Comment(f" tarjama removed what the text rule refuses: {'; '.join(removed)} ")
    return replace(item, **changes), comment  # type: ignore[type-var]


_TRUE = frozenset({"true", "yes", "1"})


def is_true(value: str) -> bool:
    """A flag's value in a TMX property or a TBX note: "true", "yes" or "1", in any case."""
    return value.lower() in _TRUE


_POSITION_SUFFIX = re.compile(r", line \d+, column \d+$")


def local(tag: object) -> str:
    """An element's name without its namespace; "" for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def syntax_error(
    error_class: type[FormatError], what: str, exc: etree.XMLSyntaxError
) -> FormatError:
    """``exc`` as ``error_class``, its message naming the line and column."""
    line, column = exc.position if exc.position else (exc.lineno or 0, 0)
    message = _POSITION_SUFFIX.sub("", str(exc.msg or exc))
    if line <= 0:
        return error_class(f"{what}: line 1: not XML or empty ({message})")
    return error_class(f"{what}: line {line}, column {column}: malformed XML: {message}")


def open_source(source: Source) -> tuple[IO[bytes], str]:
    """A binary stream for ``source`` and a name for messages; the caller closes paths it opens."""
    if isinstance(source, bytes):
        return io.BytesIO(source), "<bytes>"
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            return path.open("rb"), str(path)
        except OSError as exc:
            raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return source, getattr(source, "name", "<stream>")


def iterparse(
    stream: IO[bytes],
    events: tuple[str, ...] = ("start", "end"),
    tag: tuple[str, ...] | None = None,
) -> Any:
    """``lxml.etree.iterparse`` for untrusted input, no entities or DTDs: start and end events
    (or ``events``), of every element (or of those named in ``tag``, ``{*}name`` for any
    namespace). Iterating gives ``(event, element)``; ``.root`` is the root once it is done."""
    return etree.iterparse(
        stream,
        events=events,
        tag=tag,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


def release(element: Any) -> None:
    """Free a processed element and the siblings before it, so a streaming parse stays small."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
