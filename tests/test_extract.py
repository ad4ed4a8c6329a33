"""Extraction: the article out of a whole page, its metadata carried over."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from tarjama import inline
from tarjama.errors import FormatError
from tarjama.formats import write
from tarjama.formats.extract import extract
from tarjama.formats.ninjs import validate_ninjs
from tarjama.model import BlockKind, Provenance, Translation

PARAGRAPHS = [
    "The harbour reopened on Thursday after nine days of repairs to the north pier, and the "
    "first ferry left at dawn with more than two hundred passengers on board.",
    "Crews worked through the night to replace the damaged pilings, the port authority said, "
    "and the timetable returns to normal from Monday for every route.",
    "Fishermen, who had moored their boats in the next bay, said the closure had cost them "
    "most of a week's catch at the busiest time of the season.",
    "The council will review the pier's maintenance budget next month, its chair said, after "
    "engineers warned that the southern jetty needs the same work before winter.",
]
PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Harbour reopens after repairs | Bay Courier</title>
<meta name="description" content="Ferries sail again after nine days.">
<meta property="og:site_name" content="Bay Courier">
<meta property="og:image" content="https://bay.example/img/pier.jpg">
<meta property="article:published_time" content="2024-05-03T06:00:00+01:00">
<link rel="canonical" href="https://bay.example/news/harbour-reopens">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Harbour reopens after repairs",
 "author": [{{"@type": "Person", "name": "Mira Holt"}}],
 "publisher": {{"@type": "Organization", "name": "Bay Courier"}}}}</script>
</head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience. Accept all cookies?</p>
<button>Accept</button></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li></ul></nav>
<main><article><h1>Harbour reopens after repairs</h1>
<p class="byline">By <a rel="author" href="/staff/mira">Mira Holt</a></p>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<figure><img src="https://bay.example/img/ferry.jpg" alt="A ferry leaves"><figcaption>The first
ferry leaves at dawn. / AFP / Tom BERG</figcaption></figure>
<h2>Related</h2><ul><li><a href="/a">Storm closes the harbour</a></li></ul>
</article></main>
<footer><p>Copyright Bay Courier 2024. All rights reserved.</p></footer>
</body></html>"""


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_the_article_and_its_metadata() -> None:
    a = extract(PAGE)
    assert a.headline == "Harbour reopens after repairs"
    assert a.standfirst == "Ferries sail again after nine days."
    assert a.byline == "Mira Holt"
    assert (a.site, a.image) == ("Bay Courier", "https://bay.example/img/pier.jpg")
    assert a.canonical_url == "https://bay.example/news/harbour-reopens"
    assert a.published == "2024-05-03T06:00:00+01:00"
    assert a.source_language == "en"
    assert (a.source_format, a.original) == ("html", "")  # written as a new page
    prose = " ".join(inline.plain(b.text) for b in a.prose())
    for paragraph in PARAGRAPHS:
        assert paragraph in prose
    for chrome in ("cookies", "Home", "Sport", "Copyright", "Related", "Storm closes"):
        assert chrome not in prose, chrome
    lead = a.body[0]
    assert (lead.kind, lead.src) == (BlockKind.PICTURE, "https://bay.example/img/pier.jpg")
    [caption] = [b for b in a.body if b.kind is BlockKind.PICTURE and b.text]
    assert (caption.text, caption.credit) == ("The first ferry leaves at dawn.", "AFP / Tom BERG")


@pytest.mark.parametrize("fmt", ["html", "ninjs", "text"])
def test_written_as_a_clean_article(fmt: str) -> None:
    a = extract(PAGE, language="en")
    t = Translation(a, a.version, Provenance("pseudo", "1", "", "en", "es"))
    out = write(t, fmt)
    if fmt == "ninjs":
        doc = json.loads(out)
        validate_ninjs(doc, "3")
        assert doc["firstCreated"] == "2024-05-03T06:00:00+01:00"
        assert doc["infoSources"][0] == {"name": "Bay Courier", "role": "publisher"}
        assert doc["by"] == "Mira Holt"
    elif fmt == "html":
        root = lxml.html.document_fromstring(out)
        # the original at its own address; the translation, a single file, has none
        assert root.xpath("//link[@hreflang='en']/@href") == [a.canonical_url]
        assert root.xpath("//link[@hreflang='x-default']/@href") == [a.canonical_url]
        assert root.xpath("//meta[@property='og:site_name']/@content") == ["Bay Courier"]
        assert root.findtext(".//h1") == "Harbour reopens after repairs"
        assert "cookies" not in root.text_content()
    else:
        assert out.count("Harbour reopens after repairs") == 1
        assert "Ferries sail again" in out


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><head><title>Empty</title></head><body></body></html>",
    ],
)
def test_a_page_without_an_article_is_refused(page: str) -> None:
    with pytest.raises(FormatError, match="no article could be found"):
        extract(page)


@pytest.mark.parametrize(
    ("title", "byline", "headline", "names"),
    [
        ("Harbour reopens - Bay Courier", "By Mira Holt March 25, 2015", "Harbour reopens",
         "Mira Holt"),
        ("Harbour reopens | Bay Courier", "Mira Holt22 Dec 2016651", "Harbour reopens",
         "Mira Holt"),
        ("Harbour reopens", "By MIRA HOLT | Updated 3 May", "Harbour reopens", "MIRA HOLT"),
        ("Bay Courier", "Mira Holt, Tom Berg", "Bay Courier", "Mira Holt, Tom Berg"),
    ],
)  # fmt: skip
def test_the_headline_without_the_site_and_the_byline_without_by_or_date(
    title: str, byline: str, headline: str, names: str
) -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f"""<html><head><meta property="og:title" content="{title}">
<meta property="og:site_name" content="Bay Courier"></head>
<body><article><h1>Harbour</h1><p class="byline">{byline}</p>{body}</article></body></html>"""
    a = extract(page)
    assert (a.headline, a.byline) == (headline, names)
