"""RSS and Atom feeds: every item translated in place, the rest of the feed as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tarjama import formats
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import EmptyInputError, FormatError
from tarjama.formats.feed import ATOM, CONTENT, read_feed, write_feed
from tarjama.pipeline import Translator

from .conftest import SAMPLES, needs_apertium
from .test_cli import LABEL, LABELS, run

RSS = (SAMPLES / "bay-courier.rss").read_text(encoding="utf-8")
XHTML = "http://www.w3.org/1999/xhtml"
ATOM_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="{ATOM}" xml:lang="en">
  <title>Harbour Desk</title>
  <subtitle>News from the harbour towns.</subtitle>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2026-12-07T08:30:00Z</updated>
  <entry>
    <title type="html">Pier &lt;em&gt;reopens&lt;/em&gt; to walkers</title>
    <id>urn:harbour-desk:1</id>
    <updated>2026-12-07T08:30:00Z</updated>
    <content type="xhtml"><div xmlns="{XHTML}"><p>The pier reopened on Friday.</p>
      <p>Walkers came back <strong>early</strong>.</p></div></content>
  </entry>
  <entry>
    <title>Storm warning lifted</title>
    <id>urn:harbour-desk:2</id>
    <updated>2026-12-06T18:00:00Z</updated>
    <content type="html">&lt;p&gt;The warning ended at noon.&lt;/p&gt;</content>
    <link rel="enclosure" type="image/jpeg" href="https://harbour.example/pier.jpg"/>
  </entry>
</feed>
"""


def pseudo(text: str, target: str = "es") -> str:
    """The feed translated by the pseudo-localising engine (real pipeline, no Apertium)."""
    feed = read_feed(text)
    return write_feed(feed, Translator(PseudoEngine()).translate_many(feed.articles, target))


def test_the_items_are_the_articles() -> None:
    feed = read_feed(RSS)
    assert feed.flavour == "rss" and feed.has_description
    description, ferry, wall = feed.articles
    assert description.headline == "" and len(description.body) == 1
    assert ferry.headline == "Ferry service resumes on the north route after the storm"
    # the description's paragraph, then content:encoded's two
    assert [b.text[:20] for b in ferry.body] == [
        "Crossings restart on",
        "About 1,200 passenge",
        '"We are grateful for',
    ]
    assert wall.body[0].text.startswith("The council voted 9 to 2")
    assert {a.source_language for a in feed.articles} == {"en"}  # from <language>en-gb


def test_rss_written_back_in_place() -> None:
    out = pseudo(RSS)
    assert out.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!-- engine=pseudo;')
    root = etree.fromstring(out.split("\n", 1)[1].encode())
    before = etree.fromstring(RSS.split("\n", 1)[1].encode())
    channel, original = root.find("channel"), before.find("channel")
    assert channel is not None and original is not None
    assert channel.findtext("language") == "es"
    assert channel.findtext("title") == "Bay Courier: Latest news"  # the publication's name
    assert channel.findtext("description", "").startswith("⟦")  # translated
    items, originals = channel.findall("item"), original.findall("item")
    assert len(items) == len(originals) == 2
    for item, was in zip(items, originals, strict=True):
        # what identifies, dates and files an item is kept as it is
        for tag in ("link", "guid", "pubDate", "category", "enclosure"):
            old, new = was.find(tag), item.find(tag)
            assert (old is None) == (new is None), tag
            if old is not None and new is not None:
                assert (new.text, dict(new.attrib)) == (old.text, dict(old.attrib)), tag
        assert item.findtext("title", "").startswith("⟦")
    ferry = items[0]
    description = ferry.findtext("description", "")
    assert description.startswith(f'<p class="tarjama-label">{LABEL}</p><p>⟦')
    assert "<em>" in description and "Northlink Ferries" in description  # markup and the name
    content = ferry.findtext(f"{{{CONTENT}}}encoded", "")
    assert content.count("<p>") == 2 and 'href="https://bay-courier.example/storm"' in content
    assert "Mira Holt" in content
    # a plain-text description stays plain text, opened by the label on a line of its own
    assert items[1].findtext("description", "").startswith(f"{LABEL}\n\n⟦")


def test_html_fields_are_written_as_cdata() -> None:
    assert "<description><![CDATA[<p class=" in pseudo(RSS)


def test_atom() -> None:
    feed = read_feed(ATOM_FEED)
    assert feed.flavour == "atom"
    assert [a.headline for a in feed.articles] == [
        "",
        "Pier reopens to walkers",
        "Storm warning lifted",
    ]
    out = pseudo(ATOM_FEED, "gl")
    root = etree.fromstring(out.split("\n", 2)[2].encode())
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "gl"
    ns = {"a": ATOM, "x": XHTML}
    first, second = root.findall("a:entry", ns)
    assert first.findtext("a:id", namespaces=ns) == "urn:harbour-desk:1"
    # the xhtml content keeps its <div> and its markup, in the XHTML namespace, label first
    div = first.find("a:content/x:div", ns)
    assert div is not None and div.find("x:p/x:strong", ns) is not None
    label, *paragraphs = div.findall("x:p", ns)
    assert (label.get("class"), label.text) == ("tarjama-label", LABELS["gl"])
    assert len(paragraphs) == 2 and all(p.text.startswith("⟦") for p in paragraphs)
    # an html title is written as escaped text of the same type
    title = first.find("a:title", ns)
    assert title.get("type") == "html" and title.text.startswith("⟦")
    assert second.find("a:link", ns).get("href") == "https://harbour.example/pier.jpg"
    assert second.findtext("a:content", namespaces=ns).startswith('<p class="tarjama-label">')


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("<rss><channel><item><title>A", FormatError, "not well-formed XML at line 1"),
        ('<rss version="2.0"><item/></rss>', FormatError, "no <channel>"),
        ("<feed><entry/></feed>", FormatError, "outside the Atom namespace"),
        ('<rss version="2.0"><channel><title>Only a name</title></channel></rss>',
         EmptyInputError, "no items with text"),
    ],
)  # fmt: skip
def test_malformed_feeds_say_what_is_wrong(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        read_feed(text)


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not leak this")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><item><title>Storm &leak; ends</title>'
        "<description>The storm ended.</description></item></channel></rss>"
    )
    with pytest.raises(FormatError, match="&leak; is an external entity") as refused:
        read_feed(text)
    assert "do not leak" not in str(refused.value)


def test_entities_of_the_feed_and_of_html_stand_for_their_text() -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY pub "Bay &amp; Harbour Courier">\n]>\n'
        '<rss version="2.0"><channel><title>&pub;</title><item><title>Caf&eacute;&nbsp;reopens'
        "</title><description>The &pub; says so. <![CDATA[&nbsp; stays]]></description>"
        "</item></channel></rss>"
    )
    assert formats.detect(text) == "feed"
    [item] = read_feed(text).articles
    assert item.headline == "Café\u00a0reopens"
    # an RSS description is HTML: the &nbsp; in its CDATA is one too
    assert item.body[0].text == "The Bay &amp; Harbour Courier says so. \u00a0 stays"


def test_an_entity_bomb_is_refused() -> None:
    lol = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    text = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel><item>'
        "<title>&lol9;</title></item></channel></rss>"
    )
    with pytest.raises(FormatError, match="entity bomb"):
        read_feed(text)


def test_plain_text_keeps_its_line_breaks() -> None:
    text = (
        '<rss version="2.0"><channel><item><title>Floods</title><description>Roads were closed.'
        "\nOfficials said the river rose.\n\nSchools stay shut.</description></item>"
        "</channel></rss>"
    )
    [item] = read_feed(text).articles
    assert [b.text for b in item.body] == [
        "Roads were closed.\nOfficials said the river rose.",
        "Schools stay shut.",
    ]
    description = etree.fromstring(pseudo(text).split("\n", 2)[2].encode()).findtext(
        "channel/item/description"
    )
    assert description is not None
    assert [len(p.split("\n")) for p in description.split("\n\n")] == [1, 2, 1]  # label first


def test_feeds_are_detected() -> None:
    assert formats.detect(RSS) == "feed"
    assert formats.detect(ATOM_FEED) == "feed"
    assert formats.detect("<!-- a feed -->\n<rss version='2.0'>") == "feed"
    assert formats.detect("<p>The feed was down.</p>") == "html"
    with pytest.raises(FormatError, match="many articles"):
        formats.read(RSS.encode())


@needs_apertium
def test_cli_translates_a_feed(tmp_path: Path) -> None:
    done = run("translate", str(SAMPLES / "bay-courier.rss"), "--to", "es,ca", "--no-memory",
               "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().split() == [
        str(tmp_path / "bay-courier.es.xml"),
        str(tmp_path / "bay-courier.ca.xml"),
    ]
    es = etree.fromstring((tmp_path / "bay-courier.es.xml").read_bytes())
    item = es.find("channel/item")
    assert item is not None
    assert "tormenta" in item.findtext("title", "")  # "storm", by Apertium
    assert "jueves" in item.findtext("description", "")  # "Thursday"
    content = item.findtext(f"{{{CONTENT}}}encoded", "")
    assert "Mira Holt" in content and "1200 pasajeros" in content
    wall = es.findall("channel/item")[1]
    assert "4,5 millones" in wall.findtext("title", "")
    ca = etree.fromstring((tmp_path / "bay-courier.ca.xml").read_bytes())
    assert ca.findtext("channel/language") == "ca"


@needs_apertium
def test_cli_refuses_a_broken_feed_and_a_feed_format_for_an_article(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rss"
    broken.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>A')
    done = run("translate", str(broken), "--to", "es", "--no-memory")
    assert done.returncode == 65 and b"not well-formed XML at line 2" in done.stderr
    assert done.stdout == b""
    done = run("translate", str(SAMPLES / "bay-courier.rss"), "--to", "es", "--format", "html")
    assert done.returncode == 65 and b"written back as a feed" in done.stderr
    done = run("translate", "-", "--to", "es", "--format", "feed", "--no-memory",
               stdin=b"The storm ended.")  # fmt: skip
    assert done.returncode == 65 and b"not one (RSS or Atom)" in done.stderr
