"""Thirty-one real web pages (``../shared/pages/readability``: news sites, magazines, blogs, as
served, with the article Readability.js extracts from each), through the real Apertium.

Whole-page mode, every page into Spanish: its structural elements as many in the output as in
the input (tarjama's own label aside), every link and image address byte for byte, its prose
translated, and no markup finding. Extraction: the expected article's words covered, few words
from outside it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tarjama import formats, inline
from tarjama.engines.apertium import ApertiumEngine
from tarjama.formats.extract import extract
from tarjama.formats.html import read_html
from tarjama.model import Translation
from tarjama.pipeline import Translator
from tarjama.qa.markup import MARKUP

from .conftest import SHARED, shared_path

PAGES = SHARED / "pages" / "readability"
NAMES = sorted(p.name for p in PAGES.iterdir()) if PAGES.is_dir() else ["(absent)"]
STRUCTURE = [
    "p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "figure", "figcaption",
    "time", "div", "span", "svg", "table", "tr", "td", "blockquote", "section", "article", "nav",
    "header", "footer", "aside", "picture", "source", "iframe", "form", "button",
]  # fmt: skip
# Extraction, over all pages: share of the expected article's words found, and of the output's
# words not in it. Floors that only move up (measured: 96.9% and 0.4%).
COVERAGE, OUTSIDE = 0.96, 0.01
# Each page: 28 of 31 cover 90% or more and 30 of 31 have at most 5% from outside; the worst
# now are 78% (herald-sun-1: Readability's port skips the paragraphs of its first container),
# 83% (nytimes-3: its captions) and 5.1% (webmd-1: the headline and byline again).
PAGE_COVERAGE, PAGE_OUTSIDE = 0.75, 0.06


@pytest.fixture(scope="module")
def translated(apertium: ApertiumEngine) -> dict[str, tuple[str, str, Translation]]:
    """Every page read, translated (one engine call for all: sentences the pages share go once)
    and written back in place: name -> (source, output, translation)."""
    shared_path("pages", "readability")
    sources = {name: formats.decode((PAGES / name / "source.html").read_bytes()) for name in NAMES}
    articles = {name: read_html(text) for name, text in sources.items()}
    done = Translator(apertium).translate_many(list(articles.values()), "es")
    out = {}
    for (name, text), t in zip(sources.items(), done, strict=True):
        written, checked = formats.write_checked(t, "html")
        out[name] = (text, written, checked)
    return out


def _root(html: str) -> Any:
    root = lxml.html.document_fromstring(html)
    for own in root.xpath("//*[starts-with(@class, 'tarjama-')]"):
        own.drop_tree()
    return root


def _profile(html: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    root = _root(html)
    tags = Counter(str(e.tag) for e in root.iter() if isinstance(e.tag, str) and e.tag in STRUCTURE)
    hrefs = Counter(str(a.get("href")) for a in root.iter("a") if a.get("href") is not None)
    srcs = Counter(str(i.get("src")) for i in root.iter("img") if i.get("src") is not None)
    return tags, hrefs, srcs


def _words(html: str) -> set[str]:
    root = _root(html)
    for hidden in root.xpath("//script|//style|//noscript|//template"):
        hidden.drop_tree()
    return {w for w in re.findall(r"[^\W\d_]{3,}", root.text_content().lower())}


@pytest.mark.parametrize("name", NAMES)
def test_a_whole_page_comes_through_intact(
    name: str, translated: dict[str, tuple[str, str, Translation]]
) -> None:
    source, output, t = translated[name]
    before, after = _profile(source), _profile(output)
    assert after[0] == before[0], "structural elements"
    assert after[1] == before[1], "link addresses"
    assert after[2] == before[2], "image addresses"
    assert not [s for s in t.segments if s.field == MARKUP], "a markup finding"
    source_words, output_words = _words(source), _words(output)
    kept = len(source_words & output_words) / len(output_words)
    assert kept < 0.6, f"{kept:.0%} of the page's words are still the source's"


@cache
def _expected(name: str) -> Counter[str]:
    root = lxml.html.fromstring((PAGES / name / "expected.html").read_text(encoding="utf-8"))
    for hidden in root.xpath("//script|//style|//noscript"):
        hidden.drop_tree()
    return Counter(re.findall(r"\w+", root.text_content().lower()))


@cache
def _extracted(name: str) -> tuple[Counter[str], Counter[str]]:
    """The words of the extracted article's standfirst, and of its body."""
    article = extract(formats.decode((PAGES / name / "source.html").read_bytes()))
    body = " ".join(inline.plain(b.text) for b in article.prose())
    return _count(inline.plain(article.standfirst)), _count(body)


def _count(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def _overlap(name: str) -> tuple[int, int, int, int]:
    """Expected words found, expected words, body words outside, body words. The standfirst
    (the page's description: metadata, written under the headline) counts where Readability
    has it as the article's first paragraph, and is not counted against the extraction where
    it is a summary of its own."""
    expected, (standfirst, body) = _expected(name), _extracted(name)
    return (
        sum((expected & (standfirst + body)).values()),
        sum(expected.values()),
        sum((body - expected).values()),
        sum(body.values()),
    )


@pytest.mark.parametrize("name", NAMES)
def test_extraction_finds_the_article(name: str) -> None:
    shared_path("pages", "readability")
    found, expected, outside, total = _overlap(name)
    assert found / expected >= PAGE_COVERAGE
    assert outside / total <= PAGE_OUTSIDE


def test_extraction_over_the_corpus() -> None:
    shared_path("pages", "readability")
    sums = [sum(column) for column in zip(*(_overlap(name) for name in NAMES), strict=True)]
    found, expected, outside, total = sums
    assert found / expected >= COVERAGE, f"coverage {found / expected:.1%}"
    assert outside / total <= OUTSIDE, f"outside {outside / total:.1%}"


def test_the_pages_are_the_ones_described() -> None:
    pages = shared_path("pages", "readability")
    assert len(NAMES) == 31
    for name in NAMES:
        assert {p.name for p in Path(pages, name).iterdir()} >= {"source.html", "expected.html"}
