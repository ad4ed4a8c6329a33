"""HTML in and out: what becomes a block, how inline markup travels, and what writing keeps."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import lxml.html
import pytest

from tarjama import inline
from tarjama.errors import CharacterError, EmptyInputError, FormatError
from tarjama.formats.html import (
    from_inline,
    language_name,
    read_html,
    text_direction,
    write_html,
)
from tarjama.formats.html.fidelity import differences
from tarjama.formats.html.source import Document
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
    assert [(b.kind, inline.plain(b.text)[:20]) for b in a.body] == [
        (BlockKind.PARAGRAPH, "Front page Local"),  # the menu: a whole page is translated whole
        (BlockKind.HEADING, "Ferry service resume"),
        (BlockKind.PARAGRAPH, "Crossings restart on"),
        (BlockKind.PARAGRAPH, "The north ferry was "),
        (BlockKind.META, "Timetable"),  # the title of the link in it
        (BlockKind.PARAGRAPH, "Boats use the  engin"),
        (BlockKind.PARAGRAPH, "Captain Ruiz said th"),
        (BlockKind.META, "A ferry leaves the h"),
        (BlockKind.PICTURE, "The first ferry leav"),
        (BlockKind.HEADING, "Timetable changes"),
        (BlockKind.LIST_ITEM, "Extra sailings on Fr"),
        (BlockKind.LIST_ITEM, "Night boats from May"),
        (BlockKind.BLOCKQUOTE, "We missed the sea."),
        (BlockKind.BLOCKQUOTE, "Everyone did."),
    ]
    lead = a.body[3]
    assert lead.text == (
        'The <g id="1">north ferry</g> was idle for <g id="2">nine days</g> while crews fixed '
        'the pier.<x id="3"/>Tickets stay valid.'
    )
    assert lead.inline == (
        ("1", '<a href="https://ferries.example/north" title="Timetable">'),
        ("2", "<strong>"),
        ("3", "<br>"),
    )
    picture = a.body[8]
    assert (picture.text, picture.credit) == ("The first ferry leaves at dawn.", "AFP / Tom BERG")
    assert picture.src == "/media/ferry.jpg"
    assert a.body[9].level == 2


@pytest.mark.parametrize(
    ("fragment", "blocks"),
    [
        ("<p>Tea &amp; <em>cake</em></p>", [("paragraph", 'Tea &amp; <g id="1">cake</g>')]),
        ("<h3>Results</h3>", [("heading", "Results")]),
        ("<ol><li>First <b>step</b></li></ol>", [("list_item", 'First <g id="1">step</g>')]),
        ("<blockquote>Short quote.</blockquote>", [("blockquote", "Short quote.")]),
        (
            '<div>Loose <span class="x">text</span></div>',
            [("paragraph", 'Loose <g id="1">text</g>')],
        ),
        ("<p>Keep <code>rm -rf</code> as is</p>", [("paragraph", 'Keep <x id="1"/> as is')]),
        (  # a time, its "am" included, is carried as it is written
            '<p>At <time datetime="09:00">9 am</time> today</p>',
            [("paragraph", 'At <x id="1"/> today')],
        ),
        (
            '<p>Call <abbr title="World Health Organization">WHO</abbr></p>',
            [("paragraph", 'Call <g id="1">WHO</g>'), ("meta", "World Health Organization")],
        ),
        ("<p>a\u00a0b   c\n d</p>", [("paragraph", "a\u00a0b c d")]),
        (
            '<p>See <a href="/x"><em>this</em> page</a></p>',
            [("paragraph", 'See <g id="1"><g id="2">this</g> page</g>')],
        ),
        (  # an element without words is carried whole, and where it is at an end, left there
            '<p><a href="/share"><img src="fb.png"></a> Share <a href="/x"><img src="x.png"></a>'
            " this</p>",
            [("paragraph", 'Share <x id="1"/> this')],
        ),
        (  # a block inside inline markup: the text around it and in it are blocks of their own
            '<p><a href="/x">Read <span>this</span><div>A box</div> and more</a></p>',
            [
                ("paragraph", 'Read <g id="1">this</g>'),
                ("paragraph", "A box"),
                ("paragraph", "and more"),
            ],
        ),
        (
            "<ul><li>Fruit<ul><li>Apples</li><li>Pears</li></ul> and more</li></ul>",
            [
                ("list_item", "Fruit"),
                ("list_item", "Apples"),
                ("list_item", "Pears"),
                ("list_item", "and more"),
            ],
        ),
        (
            FIG.format(alt="A dog", caption='A dog runs. <span class="credit">Reuters</span>'),
            [("meta", "A dog"), ("picture", "A dog runs.")],
        ),
        (
            FIG.format(alt="", caption="Flood waters rise (AP Photo/Sam Lee)"),
            [("picture", "Flood waters rise")],
        ),
        (
            '<section><img src="map.png" alt="Map of the route"></section>',
            [("meta", "Map of the route")],
        ),
        (
            '<form><input placeholder="Search the site"><button>Go now</button></form>',
            [("meta", "Search the site"), ("paragraph", "Go now")],
        ),
    ],
)
def test_block_table(fragment: str, blocks: list[tuple[str, str]]) -> None:
    assert [(str(b.kind), b.text) for b in read_html(fragment).body] == blocks


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
    [picture] = [b for b in read_html(fragment).body if b.kind is BlockKind.PICTURE]
    assert picture.credit == credit


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
        "<template><p>Not me.</p></template><noscript><p>Nor me.</p></noscript><p>Only this.</p>",
        '<svg viewBox="0 0 1 1"><text>Not me.</text></svg><p>Only this.</p>',
    ],
)
def test_untouched_elements_are_not_blocks(fragment: str) -> None:
    assert [b.text for b in read_html(fragment).body] == ["Only this."]


def test_headline_falls_back_to_title() -> None:
    a = read_html("<html><head><title>Budget passes</title></head><body><p>Text.</p></body></html>")
    assert a.headline == "Budget passes"


def test_page_metadata_is_translated() -> None:
    page = """<!DOCTYPE html><html lang="en"><head><title>Site news | Bay Courier</title>
<meta name="description" content="The port reopens.">
<meta property="og:title" content="Port reopens">
<meta property="og:site_name" content="Bay Courier">
<meta name="twitter:description" content="Boats are back.">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Port reopens",
 "author": {"name": "Ana Ruiz"}, "articleBody": "Boats are back &amp; busy.",
 "url": "https://x.example/a"}</script>
</head><body><h1>Port reopens</h1><p>Boats are back.</p></body></html>"""
    a = read_html(page)
    meta = [b.text for b in a.body if b.kind is BlockKind.META]
    assert meta == [
        "Site news | Bay Courier",  # the headline is not in it: translated whole
        "The port reopens.",
        "Port reopens",
        "Boats are back.",
        "Port reopens",
        "Boats are back &amp; busy.",
    ]
    out = write_html(translated(a))
    root = lxml.html.document_fromstring(out)
    assert root.findtext(".//title") == "SITE NEWS | BAY COURIER"
    assert root.xpath("//meta[@property='og:site_name']/@content") == ["Bay Courier"]
    assert root.xpath("//meta[@name='twitter:description']/@content") == ["BOATS ARE BACK."]
    ld = json.loads(root.xpath("//script[@type='application/ld+json']")[0].text)
    assert (ld["headline"], ld["articleBody"]) == ("PORT REOPENS", "BOATS ARE BACK & BUSY.")
    assert (ld["author"], ld["url"]) == ({"name": "Ana Ruiz"}, "https://x.example/a")


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        ("", EmptyInputError, "empty HTML input"),
        (" \n\t ", EmptyInputError, "empty HTML input"),
        ("Just a sentence.", FormatError, "must start with markup"),
        ("<p>ok</p>\n<p>\x07</p>", CharacterError, "U+0007 at offset 13 (line 2, column 4)"),
        ("<p>a &#x11; b</p>", CharacterError, "U+0011 at offset 5 (line 1, column 6)"),
        ('<p title="a\x85b">ok</p>', CharacterError, "U+0085 at offset 11 (line 1, column 12)"),
        ("<div></div><br>", FormatError, "no text to translate"),
        ("<script>alert(1)</script>", FormatError, "no text to translate"),
        ("<<<>>>", FormatError, "contains no HTML elements"),
        ("<!-- only a comment -->", FormatError, "contains no HTML elements"),
    ],
)
def test_malformed_input(data: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        read_html(data)


def test_the_text_rule_applies_to_what_is_translated_only() -> None:
    # a C1 control in an SVG id (a real page's) or in a script is carried as it came
    page = (
        '<html><body><svg><g id="a\x81b"></g></svg><script>var s = "\x92";</script>'
        "<p>Words.</p></body></html>"
    )
    out = write_html(translated(read_html(page)))
    assert 'id="a\x81b"' in out and 'var s = "\x92";' in out and "WORDS." in out


# --- markup as an invariant ---------------------------------------------------------------------

TRICKY = [
    '<p>The <a href="https://ex.example/caf\u00e9?q=\u00fcber&amp;x=1">caf\u00e9</a> opens.</p>',
    '<p><svg viewBox="0 0 10 10" preserveAspectRatio="none"><path d="M0 0"/></svg> Share</p>',
    "<p>Tea&nbsp;and &eacute;clairs &#8212; &#x2014; &copy; 2024</p>",
    "<!--[if IE]><p>Old browser</p><![endif]--><p>New browser</p>",
    "<p>Before <![CDATA[ raw ]]> after</p>",
    "<template><p>Later</p></template><noscript><img src=x.gif alt=Tracker></noscript><p>Now</p>",
    "<ul><li>Fruit<ul><li>Apples</li></ul> and <b>more</b></li><li>Nuts</li></ul>",
    '<p><a href="/x"><div>Block in a link</div></a> and text</p>',
    '<div><span class="icon"></span><a href="/a"><img src="a.png"></a>Menu <i>item</i></div>',
    "<p>Unclosed <b>bold</p><p>Next</p>",
    "<table><tr><td>One<td>Two<tr><td>Three</table>",
    '<p>Reach <a href="mailto:desk@bay.example">desk@bay.example</a> or #BayNews @baycourier</p>',
    '<p>Time <time datetime="2024-01-01">Jan 1, 9 am</time>, code <code>x = 1</code>.</p>',
    '<math><mi mathvariant="bold">x</mi></math><p>Formula text</p>',
]


@pytest.mark.parametrize("fragment", TRICKY)
def test_markup_comes_through_whole(fragment: str) -> None:
    page = f"<!DOCTYPE html><html><head><title>T</title></head><body>{fragment}</body></html>"
    out = write_html(translated(read_html(page)))
    assert differences(page, out) == []
    body = out[out.index("</p>", out.index("tarjama-label")) + 4 : out.index("</body>")]
    # everything but the text comes through byte for byte
    assert _markup_only(body) == _markup_only(fragment)


def _markup_only(html: str) -> list[str]:
    """The tags, comments and declarations of an HTML text, in order, words left out."""
    return [m.group() for m in re.finditer(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^>]*>", html, re.S)]


@pytest.mark.parametrize("fragment", TRICKY)
def test_identity_translation_gives_the_fragment_back(fragment: str) -> None:
    out = write_html(Translation(read_html(fragment), "v", PROVENANCE))
    inner = out[out.index("</p>") + 4 : -len("</div>")]
    assert _markup_only(inner) == _markup_only(fragment)
    assert differences(fragment, out, page=False) == []


@pytest.mark.parametrize(
    ("engine_output", "written"),
    [
        # split around a moved word: one element, the words in the engine's order
        ('<g id="1">LA</g> CASA <g id="1">BLANCA</g><x id="2"/>ES ROJA',
         "<p><em>LA CASA BLANCA</em><br>ES ROJA</p>"),
        # dropped: the element comes back empty, where it was
        ('LA CASA<x id="2"/>ES ROJA', "<p><em></em>LA CASA<br>ES ROJA</p>"),
        # a placeholder twice: once
        ('<g id="1">LA CASA</g><x id="2"/>ES <x id="2"/>ROJA',
         "<p><em>LA CASA</em><br>ES ROJA</p>"),
        # an id the source lacks: its words stay, its tags go
        ('<g id="1">LA</g> <g id="7">CASA</g><x id="2"/>ES ROJA',
         "<p><em>LA</em> CASA<br>ES ROJA</p>"),
        # unbalanced: the words, every element back
        ('<g id="1">LA CASA ES ROJA', "<p><em></em><br>LA CASA ES ROJA</p>"),
    ],
)  # fmt: skip
def test_engine_changes_to_tags_never_change_the_markup(engine_output: str, written: str) -> None:
    source = read_html("<p><em>the house</em><br>is red</p>")
    assert source.body[0].text == '<g id="1">the house</g><x id="2"/>is red'
    body = (replace(source.body[0], text=engine_output),)
    t = Translation(replace(source, body=body), source.version, PROVENANCE)
    out = write_html(t)
    assert out.endswith(written + "</div>"), out
    assert differences(source.original, out, page=False) == []


def test_a_changed_tree_is_told() -> None:
    page = "<html><body><p>One <em>two</em></p><ul><li>A</li></ul></body></html>"
    assert differences(page, page) == []
    found = differences(page, page.replace("<li>A</li>", "<li>A</li><li>B</li>"))
    assert found[0] == "<li> 1 -> 2"
    moved = differences(page, page.replace("<p>One <em>two</em></p>", "<p>One </p><em>two</em>"))
    assert moved and "at /html/body" in moved[-1]
    # inline elements of one run may change places: their words moved
    swapped = "<html><body><p><b>x</b> <i>y</i></p></body></html>"
    assert differences(swapped, swapped.replace("<b>x</b> <i>y</i>", "<i>y</i> <b>x</b>")) == []


@pytest.mark.parametrize(
    ("change", "told"),
    [
        # moved among its run, but a link's target changed on the way
        ('<i><a href="/y">y</a></i> <b>x</b>', "attribute href changed"),
        # one element of the run gone, its words kept
        ("<i>y</i> x", "<b> 1 -> 0"),
        # the same elements, one nested in the other
        ('<b>x <i><a href="/a">y</a></i></b>', "at /html/body/p/b"),
    ],
)
def test_a_change_inside_moved_inline_elements_is_told(change: str, told: str) -> None:
    # the one-pass comparison lets a run's inline elements change places, nothing more
    page = '<html><body><p><b>x</b> <i><a href="/a">y</a></i></p><p>Two</p></body></html>'
    changed = page.replace('<b>x</b> <i><a href="/a">y</a></i>', change)
    found = differences(page, changed)
    assert found and any(told in f for f in found), found
    assert differences(page, page.replace("Two", "Dos").replace(">y<", ">ye<")) == []


def test_page_encoding_and_languages() -> None:
    page = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE html>'
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252" />'
        '</head><body><p lang="en-GB">Colour</p><p lang="fr">Bonjour</p></body></html>'
    )
    out = write_html(translated(read_html(page), "ar"))
    assert out.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert 'content="text/html; charset=utf-8" />' in out
    assert '<html dir="rtl" xmlns="http://www.w3.org/1999/xhtml" lang="ar" xml:lang="ar">' in out
    assert '<p lang="ar">COLOUR</p>' in out and '<p lang="fr">BONJOUR</p>' in out
    # a page that does not say: tarjama's own declaration, first in the head
    bare = write_html(translated(read_html("<html><head></head><body><p>Hi</p></body></html>")))
    assert '<head><meta charset="utf-8" class="tarjama-charset">' in bare


# --- inline helpers -----------------------------------------------------------------------------


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


def test_write_keeps_the_markup(page_out: str) -> None:
    for tag in ("a", "em", "strong", "i", "br", "figure", "li", "p", "script", "style"):
        expected = count(PAGE, tag) + (1 if tag == "p" else 0)  # + the label
        assert count(page_out, tag) == expected, tag
    assert differences(PAGE, page_out) == []


def test_write_keeps_links_and_emphasis(page_out: str) -> None:
    hrefs = lxml.html.document_fromstring(PAGE).xpath("//a/@href")
    assert lxml.html.document_fromstring(page_out).xpath("//a/@href") == hrefs
    doc = lxml.html.document_fromstring(page_out)
    assert [e.text_content() for e in doc.iter("em")] == ["THURSDAY", "NEW"]
    assert [e.text_content() for e in doc.iter("strong")] == ["NINE DAYS"]
    assert doc.xpath("//a[@title='TIMETABLE']")[0].text_content() == "NORTH FERRY"
    # a byline is never sent to the engine (names in it come out mangled): kept as written
    assert doc.xpath("//a[@href='/staff/mira-holt']")[0].text_content() == "Mira Holt"


def test_write_leaves_untranslatable_content_alone(page_out: str) -> None:
    assert page_out.count(SCRIPT) == 2
    assert STYLE in page_out
    assert '<span translate="no">SeaLink M4</span>' in page_out
    assert '<span class="notranslate">Pier 7</span>' in page_out
    assert "<p>Do not translate this box.</p>" in page_out
    assert '<a href="/">FRONT PAGE</a>' in page_out  # the menu too: the page is translated whole


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
        ("<p>The storm hit.</p><div><title>Storm", "<title>Storm</title>"),  # not the page's
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
    assert root.find_class("credit")[0].text == "AFP / Tom BERG"
    assert root.xpath("//figure/img/@src") == ["/media/ferry.jpg"]
    assert len(root.findall(".//div[@class='story-body']//ul/li")) == 2
    assert "TIMETABLE" not in root.text_content().replace("TIMETABLE CHANGES", "")  # no metadata
    assert "https://ferries.example/north" in root.xpath("//a/@href")
    assert root.find_class("tarjama-label")


def test_block_count_mismatch_is_an_error() -> None:
    t = translated(read_html(PAGE))
    t = replace(t, article=replace(t.article, body=t.article.body[:-1]))
    with pytest.raises(FormatError, match="cannot be written back"):
        write_html(t)


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


# --- language names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [("es", "Español"), ("ca", "Català"), ("gl", "Galego"), ("ar", "العربية"), ("zz", "zz")],
)
def test_language_name(code: str, name: str) -> None:
    assert language_name(code) == name


def test_a_run_wholly_inside_one_link_goes_to_the_engine_without_tags() -> None:
    # a menu item, a teaser's headline: the link stays where it is and its words are the run;
    # what it carries (its title) is still translated, and nothing of the markup moves
    page = (
        "<html><head><title>T</title></head><body>"
        '<ul><li> <a href="/home" title="Go home"><b>Home</b> page</a> </li>'
        '<li><a href="/news"><span><em>Latest</em></span></a></li></ul>'
        '<p><a href="/x">Partly</a> linked.</p></body></html>'
    )
    article = read_html(page)
    assert [b.text for b in article.body] == [
        "T",
        '<g id="1">Home</g> page',
        "Go home",
        "Latest",
        '<g id="1">Partly</g> linked.',
    ]
    out = write_html(translated(article))
    assert '<li> <a href="/home" title="GO HOME"><b>HOME</b> PAGE</a> </li>' in out
    assert '<li><a href="/news"><span><em>LATEST</em></span></a></li>' in out
    assert differences(page, out) == []


class _StartTags(HTMLParser):
    """The standard library's tokenizer alone: the start tags it reads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str], int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")
        self.tags.append((tag, values, len(self.get_starttag_text() or "")))

    handle_startendtag = handle_starttag


@pytest.mark.parametrize(
    "tag",
    [
        '<a href="x" class=y>',
        "<A HREF='/a?b=1&amp;c=2' Data-X>",
        "<img src=x/>",
        '<img src="x" />',
        '<svg viewBox="0 0 1 1"/>',
        '<a title="a>b" b="">',
        "<a b = c>",
        "<a b==c>",
        '<a b="x"c="y">',
        "<a\u00a0b=1>",
        "<a b=c\u00a0d=e>",
        "<a\x0bb=1>",
        "<a b=>",
        '<a b=c"d>',
        "<a/b>",
        "<a b / >",
        "<a\x00b>",
        '<a "b"=c>',
        "<a b=c`d>",
        "<a b=&lt;c&gt;>",
    ],
)
def test_start_tags_are_read_as_the_standard_tokenizer_reads_them(tag: str) -> None:
    # tarjama reads plain start tags in one match of its own and leaves the others to
    # html.parser: the two must agree on every start tag, plain or not
    reference = _StartTags()
    reference.feed(tag + "text")
    reference.close()
    elements = Document(tag + "text").elements()
    assert [(e.tag, e.attrs, e.open_end - e.start) for e in elements] == reference.tags
