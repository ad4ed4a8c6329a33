"""Glossary CSV files: a header row naming the columns ``source,target,case_sensitive,
do_not_translate,note`` (``source`` and ``target`` required, any order); booleans are
true/false, yes/no, 1/0 or empty (false). A malformed file raises ``CSVError`` naming the line.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeAlias

from tarjama import intake
from tarjama.errors import EncodingError, FormatError, InputError
from tarjama.memory.terms import Term, term_row

log = logging.getLogger(__name__)

CSV_COLUMNS = ("source", "target", "case_sensitive", "do_not_translate", "note")
_BOOLEANS = {
    "": False,
    "false": False,
    "no": False,
    "0": False,
    "true": True,
    "yes": True,
    "1": True,
}

TextSource: TypeAlias = str | Path | IO[str]
"""A CSV file path, or an open text file."""


class CSVError(FormatError):
    """A glossary CSV file is malformed; the message names the line."""


@contextmanager
def open_text(source: TextSource) -> Iterator[tuple[IO[str], str]]:
    """A text stream and its name for a path (UTF-8, a BOM allowed) or an open text file,
    its text under the text rule (``tarjama.intake``: a refusal names the line and column)."""
    if not isinstance(source, str | Path):
        name = str(getattr(source, "name", "<csv>"))
        text = source.read()
    else:
        path = Path(source)
        name = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EncodingError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    with io.StringIO(intake.accept(text, name, lines=True), newline="") as stream:
        yield stream, name


def _boolean(value: str, column: str, where: str) -> bool:
    try:
        return _BOOLEANS[value.strip().lower()]
    except KeyError:
        raise CSVError(f"{where}: {column} must be true or false, not {value!r}") from None


def csv_rows(stream: IO[str], pair: tuple[str, str], name: str) -> Iterator[dict[str, Any]]:
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            raise CSVError(f"{name}: line 1: empty file, expected a header row")
        columns = [column.strip().lower() for column in header]
        unknown = [c for c in columns if c not in CSV_COLUMNS]
        missing = [c for c in ("source", "target") if c not in columns]
        if unknown or missing or len(set(columns)) != len(columns):
            raise CSVError(
                f"{name}: line {reader.line_num}: the header must name the columns "
                f"{','.join(CSV_COLUMNS)} (source and target required), found {header}"
            )
        for fields in reader:
            where = f"{name}: line {reader.line_num}"
            if not fields or fields == [""]:
                continue
            if len(fields) != len(columns):
                raise CSVError(f"{where}: {len(fields)} fields, the header has {len(columns)}")
            values = dict(zip(columns, fields, strict=True))
            try:
                yield term_row(
                    pair,
                    values["source"],
                    values["target"],
                    _boolean(values.get("case_sensitive", ""), "case_sensitive", where),
                    _boolean(values.get("do_not_translate", ""), "do_not_translate", where),
                    values.get("note", ""),
                )
            except CSVError:
                raise  # says where already
            except InputError as exc:
                raise CSVError(f"{where}: {exc}") from exc
    except csv.Error as exc:
        raise CSVError(f"{name}: line {reader.line_num}: malformed CSV: {exc}") from exc


def write_csv(stream: IO[str], terms: list[Term]) -> None:
    """The terms as CSV; a term stored before the text rule loses the characters the rule
    refuses (CSV has no comments to say so in: the log says so)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for term in terms:
        fields = [term.source, term.target, term.note]
        for i, (name, value) in enumerate(zip(("source", "target", "note"), fields, strict=True)):
            fields[i], removed = intake.scrub(value)
            if removed:
                log.warning(
                    "glossary term %d: %s written without %s, which the text rule refuses",
                    term.id,
                    name,
                    ", ".join(removed),
                )
        source, target, note = fields
        writer.writerow(
            [
                source,
                target,
                "true" if term.case_sensitive else "false",
                "true" if term.do_not_translate else "false",
                note,
            ]
        )
