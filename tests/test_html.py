"""HTML in and out: what becomes a block, how inline markup travels, and what writing keeps."""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html
import pytest

from tarjama import inline
from tarjama.errors import CharacterError, EmptyInputError, FormatError
from tarjama.formats.html import (
    add_language_links,
    from_inline,
    language_name,
    read_html,
    text_direction,
    to_inline,
    write_html,
)
from tarjama.model import Article, BlockKind, Provenance, Translation

PROVENANCE = Provenance(
    engine="pseudo", engine_version="1", model="", source_language="en", target_language="es"
)

SCRIPT = '<script type="text/javascript">if (a < b && c > d) { track("view"); }</script>'
STYLE = "<style>p.lead > em { color: #c00; }</style>"
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Ferry service resumes on the north route | Bay Courier</title>
{STYLE}
{SCRIPT}
</head>
<body>
<nav><a href="/">Front page</a> <a href="/local">Local</a></nav>
<article>
<h1>Ferry service resumes on the north route</h1>
<p class="standfirst">Crossings restart on <em>Thursday</em> after the storm.</p>
<div class="byline">By <a href="/staff/mira-holt">Mira Holt</a></div>
<p class="lead">The <a href="https://ferries.example/north" title="Timetable">north ferry</a>
   was idle for <strong>nine days</strong> while crews fixed the pier.<br>Tickets stay valid.</p>
<p>Boats use the <span translate="no">SeaLink M4</span> engine &amp; a <em>new</em> radar.</p>
<p>Captain Ruiz said the <span class="notranslate">Pier 7</span> gate is open.</p>
<figure><img src="/media/ferry.jpg" alt="A ferry leaves the harbour"><figcaption>The first
ferry leaves at dawn. / AFP / Tom BERG</figcaption></figure>
<h2>Timetable changes</h2>
<ul><li>Extra sailings on <i>Friday</i></li><li>Night boats from May</li></ul>
<blockquote><p>We missed the sea.</p><p>Everyone did.</p></blockquote>
<div translate="no"><p>Do not translate this box.</p></div>
<p><img src="/media/spacer.gif"></p>
{SCRIPT}
</article>
</body>
</html>"""

FIG = '<figure><img src="a.jpg" alt="{alt}"><figcaption>{caption}</figcaption></figure>'


def shout(tagged: str) -> str:
    """A stand-in engine: upper-cases the words, keeps every tag and escape."""
    return inline.render(
        [
            inline.Text(t.text.upper()) if isinstance(t, inline.Text) else t
            for t in inline.parse(tagged)
        ]
    )


def translated(article: Article, target: str = "es") -> Translation:
    """What the pipeline would hand back, with ``shout`` as the engine."""
    body = tuple(replace(b, text=shout(b.text), alt=shout(b.alt)) for b in article.body)
    done = replace(
        article,
        headline=shout(article.headline),
        standfirst=shout(article.standfirst),
        byline=shout(article.byline),
        dateline=shout(article.dateline),
        body=body,
    )
    return Translation(done, article.version, replace(PROVENANCE, target_language=target))


def count(html: str, tag: str) -> int:
    return sum(1 for el in lxml.html.document_fromstring(html).iter(tag))


# --- reading ------------------------------------------------------------------------------------


def test_page_fields() -> None:
    a = read_html(PAGE, publisher_id="bay")
    assert a.headline == "Ferry service resumes on the north route"
    assert a.standfirst == "Crossings restart on Thursday after the storm."
    assert a.byline == "By Mira Holt"
    assert (a.source_format, a.original, a.publisher_id) == ("html", PAGE, "bay")
    assert [b.kind for b in a.body] == [
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.PICTURE,
        BlockKind.HEADING,
        BlockKind.LIST_ITEM,
        BlockKind.LIST_ITEM,
        BlockKind.BLOCKQUOTE,
        BlockKind.BLOCKQUOTE,
    ]
    lead = a.body[0]
    assert lead.text == (
        'The <g id="1">north ferry</g> was idle for <g id="2">nine days</g> while crews fixed '
        'the pier.<x id="3"/>Tickets stay valid.'
    )
    assert lead.inline == (
        ("1", '<a href="https://ferries.example/north" title="Timetable">'),
        ("2", "<strong>"),
        ("3", "<br>"),
    )
    picture = a.body[3]
    assert (picture.text, picture.credit) == ("The first ferry leaves at dawn.", "AFP / Tom BERG")
    assert (picture.src, picture.alt) == ("/media/ferry.jpg", "A ferry leaves the harbour")
    assert a.body[4].level == 2


@pytest.mark.parametrize(
    ("fragment", "kind", "text", "markup"),
    [
        (
            "<p>Tea &amp; <em>cake</em></p>",
            BlockKind.PARAGRAPH,
            'Tea &amp; <g id="1">cake</g>',
            ["<em>"],
        ),
        ("<h3>Results</h3>", BlockKind.HEADING, "Results", []),
        (
            "<ol><li>First <b>step</b></li></ol>",
            BlockKind.LIST_ITEM,
            'First <g id="1">step</g>',
            ["<b>"],
        ),
        ("<blockquote>Short quote.</blockquote>", BlockKind.BLOCKQUOTE, "Short quote.", []),
        (
            '<div>Loose <span class="x">text</span></div>',
            BlockKind.PARAGRAPH,
            'Loose <g id="1">text</g>',
            ['<span class="x">'],
        ),
        (
            "<p>Keep <code>rm -rf</code> as is</p>",
            BlockKind.PARAGRAPH,
            'Keep <x id="1"/> as is',
            ["<code>rm -rf</code>"],
        ),
        (
            '<p>Call <abbr title="World Health Organization">WHO</abbr></p>',
            BlockKind.PARAGRAPH,
            'Call <g id="1">WHO</g>',
            ['<abbr title="World Health Organization">'],
        ),
        ("<p>a\u00a0b   c\n d</p>", BlockKind.PARAGRAPH, "a\u00a0b c d", []),
        (
            '<p>See <a href="/x"><em>this</em> page</a></p>',
            BlockKind.PARAGRAPH,
            'See <g id="1"><g id="2">this</g> page</g>',
            ['<a href="/x">', "<em>"],
        ),
        (
            FIG.format(alt="A dog", caption='A dog runs. <span class="credit">Reuters</span>'),
            BlockKind.PICTURE,
            "A dog runs.",
            [],
        ),
        (
            FIG.format(alt="", caption="Flood waters rise (AP Photo/Sam Lee)"),
            BlockKind.PICTURE,
            "Flood waters rise",
            [],
        ),
        (
            '<section><img src="map.png" alt="Map of the route"></section>',
            BlockKind.PICTURE,
            "",
            [],
        ),
    ],
)
def test_block_table(fragment: str, kind: BlockKind, text: str, markup: list[str]) -> None:
    (block,) = read_html(fragment).body
    assert (block.kind, block.text) == (kind, text)
    assert [m for _, m in block.inline] == markup


@pytest.mark.parametrize(
    ("fragment", "credit"),
    [
        (
            FIG.format(alt="", caption='A dog runs. <span class="credit">Reuters</span>'),
            "Reuters",
        ),
        (
            FIG.format(alt="", caption="Flood waters rise (AP Photo/Sam Lee)"),
            "(AP Photo/Sam Lee)",
        ),
        (
            FIG.format(alt="", caption="Crowds gather. Photo: Ana Díaz"),
            "Photo: Ana Díaz",
        ),
        (FIG.format(alt="", caption="Prices rise / wages fall"), ""),
    ],
)
def test_picture_credit(fragment: str, credit: str) -> None:
    assert read_html(fragment).body[0].credit == credit


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>var x = 1;</script><p>Only this.</p>",
        "<style>p{}</style><p>Only this.</p>",
        "<!-- a note --><p>Only this.</p>",
        '<div translate="no"><p>Not me.</p></div><p>Only this.</p>',
        '<p class="notranslate">Not me.</p><p>Only this.</p>',
        "<p> </p><p><img src=x.gif></p><p>Only this.</p>",
        "<pre>code\n  block</pre><p>Only this.</p>",
    ],
)
def test_untouched_elements_are_not_blocks(fragment: str) -> None:
    assert [b.text for b in read_html(fragment).body] == ["Only this."]


def test_headline_falls_back_to_title() -> None:
    a = read_html("<html><head><title>Budget passes</title></head><body><p>Text.</p></body></html>")
    assert a.headline == "Budget passes"


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("", EmptyInputError, "empty HTML input"),
        (" \n\t ", EmptyInputError, "empty HTML input"),
        ("Just a sentence.", FormatError, "must start with markup"),
        ("<p>bad \x00 byte</p>", CharacterError, "NUL (U+0000) at offset 7 (line 1, column 8)"),
        ("<p>ok</p>\n<p>\x07</p>", CharacterError, "U+0007 at offset 13 (line 2, column 4)"),
        ("<p>a &#x11; b</p>", CharacterError, "body block 1: control character U+0011 at offset 2"),
        ("<div></div><br>", FormatError, "no text to translate"),
        ("<script>alert(1)</script>", FormatError, "no text to translate"),
        ("<<<>>>", FormatError, "contains no HTML elements"),
        ("<!-- only a comment -->", FormatError, "contains no HTML elements"),
    ],
)
def test_malformed_input(data: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        read_html(data)


# --- inline helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inner",
    [
        "plain words",
        'a <a href="https://e.example/?q=1&amp;r=2" class="ext">link</a> here',
        "nested <strong>bold <em>and italic</em></strong> text",
        'stop<br>line <img src="i.png" alt="icon"> end',
        '<span translate="no">Keep <b>this</b></span> as is',
        "5 &lt; 6 &amp; 7 &gt; 3",
    ],
)
def test_inline_round_trip(inner: str) -> None:
    el = lxml.html.fragment_fromstring(f"<p>{inner}</p>")
    assert from_inline(*to_inline(el)) == inner


@pytest.mark.parametrize(
    ("tagged", "expected"),
    [
        ('<g id="1">a</g> b <g id="1">c</g>', "<em>a</em> b <em>c</em>"),
        ("words only, the tag was dropped", "words only, the tag was dropped"),
        ('x <x id="2"/> y', "x <br> y"),
        ('x <x id="9"/> y <g id="8">z</g>', "x  y z"),
    ],
)
def test_from_inline_tolerates_engine_changes(tagged: str, expected: str) -> None:
    assert from_inline(tagged, [("1", "<em>"), ("2", "<br>")]) == expected


# --- writing ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page_out() -> str:
    return write_html(translated(read_html(PAGE)))


def test_write_keeps_markup_balanced(page_out: str) -> None:
    for tag in ("a", "em", "strong", "i", "br", "figure", "li", "p", "script", "style"):
        expected = count(PAGE, tag) + (1 if tag == "p" else 0)  # + the label
        assert count(page_out, tag) == expected, tag


def test_write_keeps_links_and_emphasis(page_out: str) -> None:
    hrefs = lxml.html.document_fromstring(PAGE).xpath("//a/@href")
    assert lxml.html.document_fromstring(page_out).xpath("//a/@href") == hrefs
    doc = lxml.html.document_fromstring(page_out)
    assert [e.text_content() for e in doc.iter("em")] == ["THURSDAY", "NEW"]
    assert [e.text_content() for e in doc.iter("strong")] == ["NINE DAYS"]
    assert doc.xpath("//a[@title='Timetable']")[0].text_content() == "NORTH FERRY"
    assert doc.xpath("//a[@href='/staff/mira-holt']")[0].text_content() == "MIRA HOLT"


def test_write_leaves_untranslatable_content_alone(page_out: str) -> None:
    assert page_out.count(SCRIPT) == 2
    assert STYLE in page_out
    assert '<span translate="no">SeaLink M4</span>' in page_out
    assert '<span class="notranslate">Pier 7</span>' in page_out
    assert "<p>Do not translate this box.</p>" in page_out
    assert '<a href="/">Front page</a>' in page_out


def test_write_translates_fields(page_out: str) -> None:
    doc = lxml.html.document_fromstring(page_out)
    assert doc.findtext(".//h1") == "FERRY SERVICE RESUMES ON THE NORTH ROUTE"
    assert doc.findtext(".//title") == "FERRY SERVICE RESUMES ON THE NORTH ROUTE | Bay Courier"
    assert doc.xpath("//img[@src='/media/ferry.jpg']/@alt") == ["A FERRY LEAVES THE HARBOUR"]
    assert (
        doc.find(".//figcaption").text_content()
        == "THE FIRST FERRY LEAVES AT DAWN. / AFP / Tom BERG"
    )
    assert "ENGINE &amp; A" in page_out


@pytest.mark.parametrize(("target", "direction"), [("es", "ltr"), ("ar", "rtl")])
def test_write_sets_language_label_and_provenance(target: str, direction: str) -> None:
    out = write_html(translated(read_html(PAGE), target))
    root = lxml.html.document_fromstring(out)
    assert (root.get("lang"), root.get("dir")) == (target, direction)
    label = root.find_class("tarjama-label")
    assert len(label) == 1 and label[0].text == "Beta V.1.0 - Powered by automated translation"
    assert label[0].get("data-tarjama-pair") == f"en-{target}"
    assert label[0].get("data-tarjama-engine") == "pseudo"
    meta = root.xpath("//meta[@name='tarjama-provenance']/@content")[0]
    assert f"engine=pseudo; engine_version=1; model=; pair=en-{target}" in meta
    assert out.startswith("<!DOCTYPE html>")


def test_rewriting_output_keeps_one_label() -> None:
    once = write_html(translated(read_html(PAGE)))
    again = read_html(once)
    assert again.label == "Beta V.1.0 - Powered by automated translation"
    assert len(again.body) == len(read_html(PAGE).body)
    twice = write_html(translated(again))
    assert twice.count('class="tarjama-label"') == 1
    assert twice.count('name="tarjama-provenance"') == 1


def test_write_fragment_is_wrapped() -> None:
    out = write_html(translated(read_html("<h1>Hello</h1><p>Big <em>news</em>.</p>"), "ar"))
    assert out.startswith('<div lang="ar" dir="rtl"><p class="tarjama-label"')
    assert out.endswith("<h1>HELLO</h1><p>BIG <em>NEWS</em>.</p></div>")


@pytest.mark.parametrize(
    ("fragment", "kept"),
    [
        ("<p>The storm hit.</p><script>var a = 1;", "<script>var a = 1;</script>"),
        ("<p>The storm hit.</p><style>p { color: red }", "<style>p { color: red }</style>"),
        ("<p>The storm hit.</p><textarea>Your comment", "<textarea>Your comment</textarea>"),
        ("<p>The storm hit.</p><div><title>Storm", "<title>STORM</title>"),  # translated
    ],
)
def test_an_element_left_open_at_the_end_keeps_its_own_text(fragment: str, kept: str) -> None:
    # the parser reads a fragment inside <html><body>; a raw-text element left open at the end
    # took "</body></html>" for its text, and a script was written out with it
    out = write_html(translated(read_html(fragment)))
    assert "<p>THE STORM HIT.</p>" in out and kept in out, out
    assert "body" not in out and "html&gt;" not in out, out


def test_write_new_page_for_other_formats() -> None:
    source = read_html(PAGE)
    t = translated(replace(source, source_format="text", original=""))
    root = lxml.html.document_fromstring(write_html(t))
    assert (root.get("lang"), root.get("dir")) == ("es", "ltr")
    assert root.findtext(".//h1") == "FERRY SERVICE RESUMES ON THE NORTH ROUTE"
    assert root.find_class("standfirst")[0].text_content().startswith("CROSSINGS")
    assert root.find_class("byline")[0].text_content() == "BY MIRA HOLT"
    assert root.find_class("credit")[0].text == "AFP / Tom BERG"
    assert root.xpath("//figure/img/@src") == ["/media/ferry.jpg"]
    assert len(root.findall(".//ul/li")) == 2
    assert root.xpath("//a/@href")[0] == "https://ferries.example/north"
    assert root.find_class("tarjama-label")


def test_block_count_mismatch_is_an_error() -> None:
    t = translated(read_html(PAGE))
    t = replace(t, article=replace(t.article, body=t.article.body[:-1]))
    with pytest.raises(FormatError, match="cannot be written back"):
        write_html(t)


def test_unbalanced_engine_output_loses_markup_not_the_page() -> None:
    t = translated(read_html("<h1>H</h1><p>One <em>two</em></p>"))
    broken = replace(t.article.body[0], text='ONE <g id="1">TWO')
    t = replace(t, article=replace(t.article, body=(broken,)))
    assert "<p>ONE TWO</p>" in write_html(t)


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("ar", "rtl"),
        ("he", "rtl"),
        ("fa-IR", "rtl"),
        ("ur", "rtl"),
        ("es", "ltr"),
        ("en-GB", "ltr"),
        ("az-Arab", "rtl"),
        ("ku-Latn", "ltr"),
        ("zh-Hant-TW", "ltr"),
    ],
)
def test_text_direction(language: str, direction: str) -> None:
    assert text_direction(language) == direction


# --- the reader's language switcher -------------------------------------------------------------


def test_language_links_on_a_translated_page() -> None:
    page = write_html(translated(read_html(PAGE), "ar"))
    links = [("en", "ferry.html"), ("es", "ferry.es.html"), ("ar", "ferry.ar.html")]
    root = lxml.html.document_fromstring(add_language_links(page, links, "ar"))
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    alternates = root.xpath('//head/link[@rel="alternate"]')
    assert [(a.get("hreflang"), a.get("href")) for a in alternates] == links
    [nav] = root.find_class("tarjama-languages")
    # right after the label, each language named in itself, the page's own not a link
    assert nav.getprevious().get("class") == "tarjama-label"
    assert [(a.text, a.get("href"), a.get("lang")) for a in nav.findall("a")] == [
        ("English", "ferry.html", "en"),
        ("Español", "ferry.es.html", "es"),
    ]
    current = nav.find("strong")
    assert (current.text, current.get("dir"), current.get("aria-current")) == (
        "العربية",
        "rtl",
        "page",
    )
    # written again, it is replaced, not doubled
    again = lxml.html.document_fromstring(add_language_links(page, links[:2], "es"))
    assert len(again.find_class("tarjama-languages")) == 1
    assert len(again.xpath('//head/link[@rel="alternate"]')) == 2


@pytest.mark.parametrize(
    ("code", "name"),
    [("es", "Español"), ("ca", "Català"), ("gl", "Galego"), ("ar", "العربية"), ("zz", "zz")],
)
def test_language_name(code: str, name: str) -> None:
    assert language_name(code) == name
