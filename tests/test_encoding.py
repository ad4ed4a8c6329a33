"""Input as it comes: a page, a feed or a text in the encoding it is in, read as a browser would."""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html
import pytest

from tarjama.errors import CharacterError, EncodingError
from tarjama.formats import decode
from tarjama.formats.html import read_html, write_html
from tarjama.model import Provenance, Translation

MAYOR = "The mayor’s office said “no” — café, très, €5."


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (MAYOR.encode(), MAYOR),
        (b"\xef\xbb\xbf" + MAYOR.encode(), MAYOR),
        (MAYOR, MAYOR),  # written as UTF-16, with its byte-order mark
        (
            b'<html><head><meta charset="windows-1252"></head><body><p>'
            + MAYOR.encode("cp1252")
            + b"</p></body></html>",
            f'<html><head><meta charset="windows-1252"></head><body><p>{MAYOR}</p></body></html>',
        ),
        (  # ISO-8859-1 is read as Windows-1252, as browsers read it: 0x92 is a quotation mark
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>'
            b"The mayor\x92s office</p>",
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>'
            "The mayor’s office</p>",
        ),
        (
            b'<?xml version="1.0" encoding="ISO-8859-15"?><rss><channel><title>\xa45</title>'
            b"</channel></rss>",
            '<?xml version="1.0" encoding="ISO-8859-15"?><rss><channel><title>€5</title>'
            "</channel></rss>",
        ),
        (  # a legacy declaration over UTF-8 text: the bytes tell
            b'<meta charset="iso-8859-1"><p>' + MAYOR.encode() + b"</p>",
            f'<meta charset="iso-8859-1"><p>{MAYOR}</p>',
        ),
        (  # no declaration, not UTF-8: told by detection
            MAYOR.encode("cp1252"),
            MAYOR,
        ),
        (
            "Le café est très bon, et la crème brûlée aussi.".encode("latin-1"),
            "Le café est très bon, et la crème brûlée aussi.",
        ),
        (
            "Москва заявила, что переговоры продолжатся на следующей неделе.".encode("cp1251"),
            "Москва заявила, что переговоры продолжатся на следующей неделе.",
        ),
    ],
)
def test_decoded_in_its_own_encoding(data: bytes | str, text: str) -> None:
    raw = data.encode("utf-16") if isinstance(data, str) else data
    assert decode(raw) == text


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (
            b'<meta charset="utf-8"><p>Caf\xe9</p>',
            EncodingError,
            "declares UTF-8 but is not valid UTF-8: byte 0xe9 at offset 28 (line 1)",
        ),
        (b"\xef\xbb\xbfCaf\xe9", EncodingError, "is not valid UTF-8: byte 0xe9 at offset 3"),
        (b"\x7fELF\x02\x01\x00\x00binary", CharacterError, "NUL (U+0000) at offset 6"),
    ],
)
def test_undecodable_input_is_refused(data: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        decode(data, name="page.html")


def test_a_legacy_page_comes_out_in_utf8_saying_so() -> None:
    page = (
        b'<!DOCTYPE html><html><head><meta charset="windows-1252"><title>Caf\xe9</title></head>'
        b"<body><p>The mayor\x92s caf\xe9 reopens.</p></body></html>"
    )
    article = read_html(decode(page))
    done = Translation(
        article,
        article.version,
        Provenance("pseudo", "1", "", "en", "es"),
    )
    out = write_html(replace(done, article=article))
    assert '<meta charset="utf-8">' in out and "windows-1252" not in out
    root = lxml.html.document_fromstring(out.encode("utf-8"))
    assert root.xpath("//p[not(@class)]/text()") == ["The mayor’s café reopens."]
