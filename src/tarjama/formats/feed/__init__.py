"""RSS 2.0 and Atom 1.0 feeds: each item an article, written back into the same feed.

An item's (Atom: an entry's) title is the article's headline; its prose fields are its body,
one block per paragraph: RSS ``description`` and ``content:encoded`` (HTML, escaped or in
CDATA), Atom ``summary`` and ``content`` (``type`` text, html or xhtml). The feed's own
description (RSS channel ``description``, Atom ``subtitle``) is translated as one more article;
the feed's title (the publication's name), links, dates, GUIDs, enclosures, categories and
everything else are left as they are.

The translated feed is the original with those fields replaced in place: markup, links and
pictures inside the HTML stay around the right words, as in HTML pages. Its language is set
(RSS ``<language>``, Atom ``xml:lang``), and each item says it is a machine translation: the
label opens its first prose field (a paragraph of class ``tarjama-label`` in HTML, a line of
its own in text), or its title where it has none. A comment at the top names the engine.

The XML is read with entities left unexpanded and nothing fetched from the network, so a feed
cannot make tarjama read a local file or a URL.

The package: ``document`` (the flavour, the items' prose fields, the parsed XML), ``read``,
``write``, ``news`` (an RSS feed of stored translations) and ``sanitise``.
"""

from __future__ import annotations

from tarjama.formats.feed.document import (
    ATOM,
    CONTENT,
    XHTML,
    XML_LANG,
    Feed,
    looks_like_feed,
)
from tarjama.formats.feed.news import FeedEntry, news_feed
from tarjama.formats.feed.read import read_feed
from tarjama.formats.feed.sanitise import sanitise_feed
from tarjama.formats.feed.write import write_feed

__all__ = [
    "ATOM",
    "CONTENT",
    "XHTML",
    "XML_LANG",
    "Feed",
    "FeedEntry",
    "looks_like_feed",
    "news_feed",
    "read_feed",
    "sanitise_feed",
    "write_feed",
]
