"""TMX (Translation Memory eXchange) 1.4b reading and writing, streaming both ways.

Reading accepts what translation tools export (TMX 1.1 to 1.4b, OmegaT, Okapi, Trados and
others):

* the source language is the ``<tu srclang>``, else the header's ``srclang``; with neither (or
  ``*all*``) the first ``<tuv>`` is the source. Every other ``<tuv>`` makes one unit, so a
  multilingual ``<tu>`` yields a unit per target language.
* a ``<tuv>``'s language is ``xml:lang`` (TMX 1.4) or ``lang`` (TMX 1.1), kept as written.
* segment text keeps the words and drops the native codes: ``<bpt>``, ``<ept>``, ``<ph>``,
  ``<it>`` and ``<ut>`` (with any ``<sub>`` inside them) vanish, ``<hi>`` keeps its text.
* ``creationdate``/``changedate`` (``YYYYMMDDThhmmssZ``) come from the target ``<tuv>``, else the
  ``<tu>``; ``<note>`` elements of the ``<tu>`` become the unit's note.
* tarjama's own properties, ``<prop type="x-tarjama-origin|approved|engine|engine-version|
  model">``, restore what :func:`write_tmx` wrote; other properties are read past.
* a ``<tu>`` without two usable ``<tuv>`` (missing language, empty segment) is skipped and its
  line counted in :attr:`TMXReader.skipped_lines`.

Anything that is not well-formed XML with a ``<tmx>`` root raises :class:`TMXError` naming the
line; a segment, note or property holding a character the text rule refuses
(``tarjama.intake``: XML itself refuses most control characters, but not the C1 ones) raises
:class:`~tarjama.errors.CharacterError` naming it and its line. Either refuses the file whole.

Writing produces TMX 1.4b with one ``<tu>`` per unit and tarjama's properties. A unit stored
before the text rule is written without the characters the rule refuses (XML could not hold
most of them anyway), after a comment that says which were removed.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from lxml import etree

from tarjama import intake
from tarjama.errors import CharacterError, FormatError
from tarjama.memory.xmlio import (
    XML_LANG,
    Destination,
    Source,
    is_true,
    iterparse,
    local,
    open_source,
    release,
    scrubbed,
    syntax_error,
)

log = logging.getLogger(__name__)

CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})
"""Inline elements holding native codes (markup of the original format), not text."""

PROP = "x-tarjama-"
PROGRESS_EVERY = 1000
_DATE_FORMATS = ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S")
_BASIC_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z?")


class TMXError(FormatError):
    """A TMX document is not well-formed XML or not TMX; the message names the line."""


@dataclass(frozen=True)
class TMXUnit:
    """One source/target pair as TMX carries it, languages as written in the file."""

    source: str
    target: str
    source_locale: str
    target_locale: str
    origin: str | None = None
    """``x-tarjama-origin``: "human" or "machine"; None when the file does not say."""
    engine: str = ""
    engine_version: str = ""
    model: str = ""
    approved: bool | None = None
    note: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    line: int = 0
    """Where its ``<tu>`` starts in the file (0 when written, not read)."""


def parse_date(text: str | None) -> datetime | None:
    """A TMX date (``20240131T093000Z``) as an aware UTC datetime; None if absent or unreadable."""
    if not text:
        return None
    return _parse_date(text.strip())


@functools.lru_cache(maxsize=4096)
def _parse_date(text: str) -> datetime | None:
    # A memory's units share few dates (one per export or session), and strptime was a sixth of
    # an import's time: each date is read once (datetimes are immutable, so sharing is safe).
    match = _BASIC_DATE.fullmatch(text)
    if match:
        with contextlib.suppress(ValueError):  # 20241399T... is no date: the patterns say so
            year, month, day, hour, minute, second = (int(g) for g in match.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    log.debug("unreadable TMX date %r", text)
    return None


def format_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def segment_text(element: Any) -> str:
    """The words of a ``<seg>`` (or ``<hi>``): text kept, inline codes dropped."""
    parts = [element.text or ""]
    for child in element:
        name = local(child.tag)
        if name and name not in CODES:
            parts.append(segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _language(element: Any) -> str:
    return str(element.get(XML_LANG) or element.get("lang") or "").strip()


@dataclass
class TMXReader:
    """Iterates the units of a TMX document, streaming; see the module docstring for the rules.

    Counters are complete once iteration ends: :attr:`skipped_lines` lists the line of every
    ``<tu>`` skipped, :attr:`units` counts the units produced.
    """

    source: Source
    skipped_lines: list[int] = field(default_factory=list)
    units: int = 0
    header_srclang: str = ""
    progress: Callable[[int], None] | None = None
    """Called with the number of ``<tu>`` read so far, every :data:`PROGRESS_EVERY` and at the
    end."""

    def __iter__(self) -> Iterator[TMXUnit]:
        stream, name = open_source(self.source)
        try:
            yield from self._read(stream, name)
        finally:
            if stream is not self.source:
                stream.close()

    def _read(self, stream: Any, name: str) -> Iterator[TMXUnit]:
        # Only the elements read here come out of the parser (lxml filters them in C): one
        # event per <tu>, not two for each of its tuv, seg and prop elements.
        events = iterparse(stream, events=("end",), tag=("{*}header", "{*}tu"))
        root_checked = False
        read = 0
        try:
            for _, element in events:
                if not root_checked:
                    _check_root(element.getroottree().getroot(), name)
                    root_checked = True
                tag = local(element.tag)
                if tag == "header":
                    srclang = str(element.get("srclang") or "").strip()
                    self.header_srclang = "" if srclang == "*all*" else srclang
                elif tag == "tu":
                    read += 1
                    if self.progress is not None and read % PROGRESS_EVERY == 0:
                        self.progress(read)
                    produced = list(self._units(element, name))
                    if produced:
                        self.units += len(produced)
                        yield from produced
                    else:
                        self.skipped_lines.append(element.sourceline or 0)
                    release(element)
        except etree.XMLSyntaxError as exc:
            raise syntax_error(TMXError, name, exc) from exc
        if not root_checked:
            _check_root(events.root, name)
        if self.progress is not None:
            self.progress(read)
        if self.skipped_lines:
            log.warning(
                "%s: skipped %d <tu> without a source and a target (first at line %d)",
                name,
                len(self.skipped_lines),
                self.skipped_lines[0],
            )

    def _units(self, tu: Any, name: str) -> Iterator[TMXUnit]:
        variants: list[tuple[str, str, Any]] = []
        notes: list[str] = []
        props: dict[str, str] = {}
        for child in tu:
            tag = local(child.tag)
            if tag == "tuv":
                lang = _language(child)
                seg = next((c for c in child if local(c.tag) == "seg"), None)
                text = _accept(segment_text(seg), child, tu, name) if seg is not None else ""
                if lang and text.strip():
                    variants.append((lang, text, child))
            elif tag == "note" and child.text:
                notes.append(_accept(child.text, child, tu, name))
            elif tag == "prop":
                kind = str(child.get("type") or "")
                if kind.startswith(PROP):
                    props[kind[len(PROP) :]] = _accept(child.text or "", child, tu, name).strip()
        if len(variants) < 2:
            return
        srclang = str(tu.get("srclang") or "").strip()
        if srclang == "*all*":
            srclang = ""
        srclang = srclang or self.header_srclang
        source = variants[0]
        if srclang:
            wanted = _primary(srclang)
            found = [v for v in variants if _primary(v[0]) == wanted]
            if not found:
                return
            source = found[0]
        approved = props.get("approved")
        for lang, text, tuv in variants:
            if tuv is source[2] or _primary(lang) == _primary(source[0]):
                continue
            created = parse_date(tuv.get("creationdate")) or parse_date(tu.get("creationdate"))
            updated = parse_date(tuv.get("changedate")) or parse_date(tu.get("changedate"))
            yield TMXUnit(
                source=source[1],
                target=text,
                source_locale=source[0],
                target_locale=lang,
                origin=props.get("origin") or None,
                engine=props.get("engine", ""),
                engine_version=props.get("engine-version", ""),
                model=props.get("model", ""),
                approved=None if approved is None else is_true(approved),
                note="\n".join(notes),
                created=created,
                updated=updated or created,
                line=tu.sourceline or 0,
            )


def _accept(text: str, element: Any, tu: Any, name: str) -> str:
    """``text`` under the text rule, its refusal naming the file, the line and the element
    (worked out only for a refusal: for every element it was a tenth of an import's time)."""
    try:
        return intake.accept(text)
    except CharacterError:
        line = element.sourceline or tu.sourceline or 0
        return intake.accept(text, f"{name}: line {line}: <{local(element.tag)}>")


def _check_root(root: Any, name: str) -> None:
    if local(root.tag) != "tmx":
        raise TMXError(
            f"{name}: line {root.sourceline}: root element is <{local(root.tag)}>, expected <tmx>"
        )


@functools.lru_cache(maxsize=256)
def _primary(tag: str) -> str:
    return tag.replace("_", "-").split("-", 1)[0].lower()


def _tool_version() -> str:
    try:
        return version("tarjama")
    except PackageNotFoundError:
        return "0"


def write_tmx(destination: Destination, units: Iterable[TMXUnit], *, srclang: str = "*all*") -> int:
    """Write ``units`` as TMX 1.4b to ``destination`` (a path or a binary file); return the count.

    ``srclang`` goes in the header: the source language when every unit shares one, else
    ``*all*``. Each ``<tu>`` names its own ``srclang`` too.
    """
    target: Any = str(destination) if isinstance(destination, Path) else destination
    count = cleaned = 0
    try:
        with etree.xmlfile(target, encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("tmx", version="1.4"):
                xf.write("\n")
                xf.write(
                    etree.Element(
                        "header",
                        creationtool="tarjama",
                        creationtoolversion=_tool_version(),
                        segtype="sentence",
                        attrib={"o-tmf": "tarjama"},
                        adminlang="en",
                        srclang=srclang,
                        datatype="plaintext",
                        creationdate=format_date(datetime.now(UTC)),
                    )
                )
                xf.write("\n")
                with xf.element("body"):
                    xf.write("\n")
                    for unit in units:
                        unit, comment = scrubbed(unit, _TEXTS)
                        if comment is not None:
                            cleaned += 1
                            xf.write(comment, "\n")
                        xf.write(_tu(unit))
                        xf.write("\n")
                        count += 1
                xf.write("\n")
    except ValueError as exc:
        raise TMXError(f"cannot write unit {count + 1} as XML: {exc}") from exc
    if cleaned:
        log.warning(
            "%d of %d units were stored before the text rule and hold characters it refuses: "
            "written without them, each after a comment that says what was removed",
            cleaned,
            count,
        )
    return count


_TEXTS = ("source", "target", "source_locale", "target_locale", "engine", "engine_version",
          "model", "note")  # fmt: skip


def _tu(unit: TMXUnit) -> Any:
    attrib = {"srclang": unit.source_locale}
    if unit.created:
        attrib["creationdate"] = format_date(unit.created)
    if unit.updated:
        attrib["changedate"] = format_date(unit.updated)
    tu = etree.Element("tu", attrib)
    if unit.note:
        etree.SubElement(tu, "note").text = unit.note
    props = {"origin": unit.origin or "human"}
    if unit.approved is not None:
        props["approved"] = "true" if unit.approved else "false"
    if unit.engine or unit.engine_version or unit.model:
        props.update(engine=unit.engine, **{"engine-version": unit.engine_version})
        props["model"] = unit.model
    for kind, value in props.items():
        etree.SubElement(tu, "prop", type=PROP + kind).text = value
    for lang, text in ((unit.source_locale, unit.source), (unit.target_locale, unit.target)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        etree.SubElement(tuv, "seg").text = text
    return tu
