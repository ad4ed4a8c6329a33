"""HTML articles in and out, keeping the markup around the translated words.

Reading finds the article and turns it into blocks whose text is in tarjama's inline-tag form
(``tarjama.inline``): paired inline elements (``<a href>``, ``<em>``...) become ``<g id="N">``,
standalone ones (``<br>``, ``<img>``, anything marked ``translate="no"`` or ``notranslate``)
become ``<x id="N"/>``, and ``Block.inline`` keeps the original markup for each id.

What counts as what (one function, ``parts.find_parts``, decides it for both reading and
writing, so writing can walk the original again and meet the same elements in the same order):

- container: the first ``<article>`` with an ``<h1>``, else the first ``<article>``, else
  ``<main>``, else ``<body>`` (for a fragment: the fragment itself);
- headline: the first ``<h1>`` in the container, else in the page, else ``<title>``;
- standfirst / byline / dateline: the first element whose class contains
  standfirst|summary|lede|dek / byline (or ``rel="author"``, or ``<address>``) / dateline, and
  which is not inside a paragraph-like block (a ``rel=author`` link inside a paragraph stays part
  of that paragraph). Their inline markup is flattened: they are plain text;
- body: ``p`` paragraphs, ``h1``-``h6`` headings, ``li`` list items, ``blockquote`` (its inner
  paragraphs, or itself), ``figure`` with an ``img`` as a picture (alt text, caption, credit), an
  ``img`` with alt text outside any block, and any other element whose content is only text and
  inline markup (a ``<div>`` of text, a table cell) as a paragraph. Blocks with no words (an
  empty ``<p>``, a ``<p>`` holding only an image) are left alone;
- never touched: script, style, pre, code, nav, form, embedded media, comments, and any element
  with ``translate="no"`` or class ``notranslate``.

Every text field of the Article is XML-escaped text (``&amp;``, ``&lt;``, ``&gt;``), the picture
credit included, so every format hands the pipeline the same form.

The package: ``markup`` (inline markup <-> tagged text, element text), ``parts`` (finding the
article in a page), ``read``, ``write``, and ``languages`` (text direction, language names and
the links between a page's translations).
"""

from __future__ import annotations

from tarjama.formats.html.languages import (
    LANGUAGES_CLASS,
    RTL_LANGUAGES,
    add_language_links,
    language_name,
    text_direction,
)
from tarjama.formats.html.markup import (
    OPAQUE_TAGS,
    PAIRED_TAGS,
    Inline,
    from_inline,
    inner_html,
    parse_fragment,
    to_inline,
    visible_text,
)
from tarjama.formats.html.parts import LABEL_CLASS
from tarjama.formats.html.read import body_blocks, read_html
from tarjama.formats.html.write import (
    blocks_to_html,
    provenance_text,
    render_blocks,
    replace_body_blocks,
    write_html,
)

__all__ = [
    "LABEL_CLASS",
    "LANGUAGES_CLASS",
    "OPAQUE_TAGS",
    "PAIRED_TAGS",
    "RTL_LANGUAGES",
    "Inline",
    "add_language_links",
    "blocks_to_html",
    "body_blocks",
    "from_inline",
    "inner_html",
    "language_name",
    "parse_fragment",
    "provenance_text",
    "read_html",
    "render_blocks",
    "replace_body_blocks",
    "text_direction",
    "to_inline",
    "visible_text",
    "write_html",
]
