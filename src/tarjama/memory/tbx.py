"""TBX (TermBase eXchange) reading, for TBX v2 (``<martif>``, TBX-Basic) and v3 (``<tbx>``), and
writing as TBX-Basic.

Reading, for one language pair chosen by the caller (languages matched on the primary subtag):

* an entry is ``<termEntry>`` (v2) or ``<conceptEntry>`` (v3); its languages are ``<langSet>`` /
  ``<langSec>`` with ``xml:lang``; terms sit in ``<tig>``, ``<ntig><termGrp>`` or ``<termSec>``.
* every source term of an entry maps to the entry's first target term that is not deprecated
  (``<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>`` or
  ``supersededTerm-admn-sts``).
* **do-not-translate** is tarjama's decision, since TBX has no standard data category for it: a
  ``<termNote>`` or ``<descrip>`` of type ``x-doNotTranslate`` (also ``doNotTranslate``,
  ``x-do-not-translate``; any case) whose text is ``true``, ``yes`` or ``1``, on the source term or
  on the entry. Such an entry needs no target term: the target is the source.
* ``x-caseSensitive`` works the same way for case sensitivity; ``<note>`` elements of the entry
  and of the source term become the note.
* an entry without a usable source and target for the pair is skipped: a term base holds
  other languages too. The reader keeps the skipped entries' lines (``skipped_lines``), and the
  glossary reports their count.

Not well-formed XML, or a root other than ``<martif>``/``<tbx>``, raises :class:`TBXError`
naming the line; a term or note holding a character the text rule refuses (``tarjama.intake``)
raises :class:`~tarjama.errors.CharacterError` naming it and the entry's line.

Writing a term stored before the text rule leaves out the characters the rule refuses (XML
could not hold most of them anyway), after a comment that says which were removed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from tarjama import intake
from tarjama.errors import FormatError, LanguageError
from tarjama.memory.normalise import primary_language
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

ROOTS = frozenset({"martif", "tbx"})
ENTRIES = frozenset({"termEntry", "conceptEntry"})
LANGUAGES = frozenset({"langSet", "langSec"})
TERM_HOLDERS = frozenset({"tig", "ntig", "termSec"})
DO_NOT_TRANSLATE = frozenset({"x-donottranslate", "donottranslate", "x-do-not-translate"})
CASE_SENSITIVE = frozenset({"x-casesensitive", "casesensitive", "x-case-sensitive"})
DEPRECATED = frozenset({"deprecatedterm-admn-sts", "supersededterm-admn-sts"})


class TBXError(FormatError):
    """A TBX document is not well-formed XML or not TBX; the message names the line."""


@dataclass(frozen=True)
class TBXTerm:
    """One source term and its rendering, as read from or written to TBX."""

    source: str
    target: str
    case_sensitive: bool = False
    do_not_translate: bool = False
    note: str = ""
    line: int = 0


@dataclass
class _Term:
    text: str
    flags: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    deprecated: bool = False


@dataclass
class TBXReader:
    """Iterates the terms of one language pair in a TBX document, streaming."""

    source: Source
    source_lang: str
    target_lang: str
    skipped_lines: list[int] = field(default_factory=list)
    name: str = ""
    """What error messages call the document; set when reading starts."""

    def __iter__(self) -> Iterator[TBXTerm]:
        stream, name = open_source(self.source)
        self.name = name
        src, tgt = primary_language(self.source_lang), primary_language(self.target_lang)
        try:
            depth = 0
            for event, element in iterparse(stream):
                if event == "start":
                    depth += 1
                    if depth == 1 and local(element.tag) not in ROOTS:
                        raise TBXError(
                            f"{name}: line {element.sourceline}: root element is "
                            f"<{local(element.tag)}>, expected <martif> or <tbx>"
                        )
                    continue
                depth -= 1
                if local(element.tag) in ENTRIES:
                    where = f"{name}: line {element.sourceline or 0}"
                    terms = [_accepted(t, where) for t in _entry_terms(element, src, tgt)]
                    if not terms:
                        self.skipped_lines.append(element.sourceline or 0)
                    yield from terms
                    release(element)
        except etree.XMLSyntaxError as exc:
            raise syntax_error(TBXError, name, exc) from exc
        finally:
            if stream is not self.source:
                stream.close()
        if self.skipped_lines:
            log.warning(
                "%s: skipped %d entries without a %s and %s term (first at line %d)",
                name,
                len(self.skipped_lines),
                src,
                tgt,
                self.skipped_lines[0],
            )


def _accepted(term: TBXTerm, where: str) -> TBXTerm:
    """The term under the text rule (``tarjama.intake``), or CharacterError naming the line."""
    return replace(
        term,
        source=intake.accept(term.source, f"{where}: the source term"),
        target=intake.accept(term.target, f"{where}: the target term"),
        note=intake.accept(term.note, f"{where}: the note"),
    )


def _flags_and_notes(element: Any, flags: set[str], notes: list[str]) -> bool:
    """Collect flags and notes from ``element``'s direct children; True if it is deprecated."""
    deprecated = False
    for child in element:
        name = local(child.tag)
        value = (child.text or "").strip()
        if name == "note" and value:
            notes.append(value)
        elif name in {"termNote", "descrip"}:
            kind = str(child.get("type") or "").lower()
            if kind in DO_NOT_TRANSLATE and is_true(value):
                flags.add("dnt")
            elif kind in CASE_SENSITIVE and is_true(value):
                flags.add("case")
            elif kind == "administrativestatus" and value.lower() in DEPRECATED:
                deprecated = True
        elif name in {"descripGrp", "termGrp"}:
            deprecated = _flags_and_notes(child, flags, notes) or deprecated
    return deprecated


def _terms(lang_set: Any) -> Iterator[_Term]:
    for holder in lang_set:
        if local(holder.tag) not in TERM_HOLDERS:
            continue
        groups = [g for g in holder if local(g.tag) == "termGrp"] or [holder]
        term = next(
            (t for g in groups for t in g if local(t.tag) == "term" and "".join(t.itertext())),
            None,
        )
        if term is None:
            continue
        found = _Term(text="".join(term.itertext()).strip())
        found.deprecated = _flags_and_notes(holder, found.flags, found.notes)
        if found.text:
            yield found


def _entry_terms(entry: Any, src: str, tgt: str) -> Iterator[TBXTerm]:
    entry_flags: set[str] = set()
    entry_notes: list[str] = []
    _flags_and_notes(entry, entry_flags, entry_notes)
    sources: list[_Term] = []
    targets: list[_Term] = []
    for lang_set in entry:
        if local(lang_set.tag) not in LANGUAGES:
            continue
        tag = str(lang_set.get(XML_LANG) or lang_set.get("lang") or "")
        try:
            lang = primary_language(tag)
        except LanguageError:
            continue
        if lang == src:
            sources.extend(_terms(lang_set))
        elif lang == tgt:
            targets.extend(_terms(lang_set))
    preferred = next((t for t in targets if not t.deprecated), None)
    for term in sources:
        flags = entry_flags | term.flags
        dnt = "dnt" in flags
        if preferred is None and not dnt:
            continue
        yield TBXTerm(
            source=term.text,
            target=term.text if preferred is None else preferred.text,
            case_sensitive="case" in flags,
            do_not_translate=dnt,
            note="\n".join(entry_notes + term.notes),
            line=entry.sourceline or 0,
        )


def write_tbx(
    destination: Destination, terms: Iterable[TBXTerm], source_lang: str, target_lang: str
) -> int:
    """Write ``terms`` as TBX-Basic (TBX v2, ``<martif type="TBX-Basic">``); return the count.

    Flags go on the source term as ``<termNote type="x-caseSensitive">`` and
    ``<termNote type="x-doNotTranslate">``; the note as the entry's ``<note>``. The document is
    built in memory: glossaries run to thousands of terms, not millions.
    """
    root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: source_lang})
    header = etree.SubElement(root, "martifHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    source_desc = etree.SubElement(file_desc, "sourceDesc")
    etree.SubElement(source_desc, "p").text = "Exported by tarjama"
    encoding = etree.SubElement(header, "encodingDesc")
    etree.SubElement(encoding, "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    count = cleaned = 0
    for term in terms:
        count += 1
        term, comment = scrubbed(term, ("source", "target", "note"))
        if comment is not None:
            cleaned += 1
            body.append(comment)
        body.append(_entry(term, f"t{count}", source_lang, target_lang))
    if cleaned:
        log.warning(
            "%d of %d terms were stored before the text rule and hold characters it refuses: "
            "written without them, each after a comment that says what was removed",
            cleaned,
            count,
        )
    etree.indent(root)
    target: Any = str(destination) if isinstance(destination, Path) else destination
    etree.ElementTree(root).write(target, encoding="UTF-8", xml_declaration=True)
    return count


def _entry(term: TBXTerm, ident: str, source_lang: str, target_lang: str) -> Any:
    entry = etree.Element("termEntry", id=ident)
    if term.note:
        etree.SubElement(entry, "note").text = term.note
    for lang, text, is_source in (
        (source_lang, term.source, True),
        (target_lang, term.target, False),
    ):
        tig = etree.SubElement(etree.SubElement(entry, "langSet", {XML_LANG: lang}), "tig")
        etree.SubElement(tig, "term").text = text
        if is_source and term.case_sensitive:
            etree.SubElement(tig, "termNote", type="x-caseSensitive").text = "true"
        if is_source and term.do_not_translate:
            etree.SubElement(tig, "termNote", type="x-doNotTranslate").text = "true"
    return entry
