"""A feed of stored translations: an RSS 2.0 feed the service hands to readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape

from lxml import etree

from tarjama import inline
from tarjama.formats import html
from tarjama.formats.feed.document import CONTENT, label_html, set_html
from tarjama.formats.feed.sanitise import sanitise_feed
from tarjama.model import Translation


@dataclass(frozen=True)
class FeedEntry:
    """One stored translation for a feed: the article's id and version, and when it changed."""

    publisher_id: str
    version: str
    updated: datetime
    translation: Translation


def news_feed(
    entries: Sequence[FeedEntry],
    *,
    language: str,
    title: str,
    link: str,
    description: str,
) -> str:
    """An RSS 2.0 feed of translated articles, newest first as given: each item's title is the
    headline, its ``description`` the label and standfirst, its ``content:encoded`` the body
    (HTML, in the language's direction), its ``link`` the article's canonical address when it
    has one, and its GUID the article's id, version and language. It is sanitised as
    :func:`sanitise_feed` says: the service hands it to readers."""
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"content": CONTENT})
    channel = etree.SubElement(rss, "channel")
    for tag, text in (
        ("title", title), ("link", link), ("description", description),
        ("language", language), ("generator", "tarjama"),
    ):  # fmt: skip
        etree.SubElement(channel, tag).text = text
    if entries:
        newest = max(e.updated for e in entries)
        etree.SubElement(channel, "lastBuildDate").text = format_datetime(newest)
    direction = html.text_direction(language)
    for entry in entries:
        a = entry.translation.article
        item = etree.SubElement(channel, "item")
        etree.SubElement(item, "title").text = inline.plain(a.headline)
        if a.canonical_url:
            etree.SubElement(item, "link").text = a.canonical_url
        guid = f"{entry.publisher_id}@{entry.version}/{language}"
        etree.SubElement(item, "guid", {"isPermaLink": "false"}).text = guid
        etree.SubElement(item, "pubDate").text = format_datetime(entry.updated)
        summary = label_html(entry.translation.label)
        if a.standfirst:
            summary += f"<p>{escape(inline.plain(a.standfirst))}</p>"
        set_html(etree.SubElement(item, "description"), summary)
        body = html.blocks_to_html(a.prose())
        content = etree.SubElement(item, f"{{{CONTENT}}}encoded")
        set_html(content, f'<div lang="{language}" dir="{direction}">{body}</div>')
    sanitise_feed(rss)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + str(etree.tostring(rss, encoding="unicode"))
        + "\n"
    )
