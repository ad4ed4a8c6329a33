"""Bytes to text: the encoding a document says it is in, or the one it shows.

In the order a browser asks (the WHATWG encoding sniffing algorithm, simplified): a byte-order
mark; what the document declares (an XML declaration, ``<meta charset>`` or ``<meta
http-equiv="Content-Type">`` in its first 64 KiB); then UTF-8 if the bytes are valid UTF-8;
then detection (charset-normalizer, imported only then; of the code pages that fit a short
text equally well, Windows-1252). Labels are read as browsers read them: ISO-8859-1, Latin-1
and ASCII are Windows-1252. A page that declares a legacy encoding but is valid UTF-8 with
characters beyond ASCII is UTF-8 (a CMS that writes UTF-8 under an old template's
declaration); bytes UTF-8 cannot hold in one that declares UTF-8 are an error that says where.
"""

from __future__ import annotations

import codecs
import logging
import re

from tarjama.errors import EncodingError

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECLARATION = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_DECLARED_WITHIN = 64 * 1024
# What browsers take these labels to mean (the WHATWG Encoding Standard's label table).
_LABELS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "cp819": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
    "windows-1252": "cp1252", "x-cp1252": "cp1252", "iso-8859-9": "cp1254",
    "latin5": "cp1254", "iso-8859-11": "cp874", "tis-620": "cp874", "gb2312": "gb18030",
    "gbk": "gb18030", "x-sjis": "shift_jis", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}  # fmt: skip
_UNICODE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


def declared(data: bytes) -> str | None:
    """The encoding the document declares (a Python codec name), or None."""
    head = data[:_DECLARED_WITHIN]
    m = _XML_DECLARATION.match(head)
    label = m.group(1) if m else None
    if label is None:
        for meta in _META.finditer(head):
            charset = _CHARSET.search(meta.group())
            if charset is not None:
                label = charset.group(1)
                break
    if label is None:
        return None
    return codec(label.decode("ascii").strip().lower())


def codec(label: str) -> str | None:
    name = _LABELS.get(label, label)
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    # A document whose bytes are ASCII-compatible enough to declare itself in them is not
    # UTF-16: browsers read such a declaration as UTF-8.
    return "utf-8" if found in _UNICODE else found


def to_text(data: bytes, name: str) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in (module docstring)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding, name), encoding
    said = declared(data)
    if said is not None and said != "utf-8":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return _legacy(data, said, name), said
        if not text.isascii():
            log.info("%s declares %s but is UTF-8: read as UTF-8", name, said)
        return text, "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if said == "utf-8":
            raise _not_utf8(data, exc, name, "declares UTF-8 but is not") from None
        first = exc
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise _not_utf8(data, first, name, "is not") from None
    # A short text fits many code pages equally well; among those, the web's own.
    tied = [m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    found = "cp1252" if "cp1252" in (*tied, *best.could_be_from_charset) else best.encoding
    log.info("%s is not UTF-8 and declares no encoding: read as %s", name, found)
    return _legacy(data, found, name), found


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{name} is not valid {encoding.upper()}: byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}"
        ) from None


# Windows-1252's five unassigned bytes stand for the C1 control of the same number, as in
# browsers (where the text rule then refuses them, saying which).
_CP1252_UNASSIGNED = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _legacy(data: bytes, encoding: str, name: str) -> str:
    if encoding == "cp1252":
        return data.decode(encoding, errors="surrogateescape").translate(_CP1252_UNASSIGNED)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{name} is not valid {encoding}, the encoding it says it is in: byte "
            f"0x{data[exc.start]:02x} at offset {exc.start}"
        ) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError, name: str, what: str) -> EncodingError:
    line = data[: exc.start].count(b"\n") + 1
    where = f"byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line})"
    if what == "is not":
        return EncodingError(f"{name} is not valid UTF-8 ({where}) and its encoding cannot be told")
    return EncodingError(f"{name} {what} valid UTF-8: {where}")
