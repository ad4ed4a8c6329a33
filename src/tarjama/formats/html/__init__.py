"""HTML pages and fragments in and out, the markup of the original kept whole.

Reading finds every piece of the document that people read and turns each into a block whose
text is in tarjama's inline-tag form (``tarjama.inline``): paired inline elements (``<a href>``,
``<em>``...) become ``<g id="N">``, what is carried whole (``<br>``, ``<img>``, ``<code>``,
``<time>``, a comment, anything marked ``translate="no"`` or ``notranslate``) becomes
``<x id="N"/>``, and ``Block.inline`` keeps the original markup for each id. A whole page is
translated whole: menus, captions, table cells, attributes people read (``alt``, ``title``,
``aria-label``, ``placeholder``), its meta description, ``og:``/``twitter:`` texts, JSON-LD
headline and body, its title (``units.py`` says what is what). To get the article alone, extract
it first (``tarjama.formats.extract``).

Writing puts each translation into the original source in place and nothing else is written
again: every element and attribute of the input stands in the output, in the same nesting and
order, byte for byte but for the text and the translatable attributes, the language, the
declared encoding (UTF-8), the label and the provenance (``write.py``). ``fidelity.py`` compares
the element trees of input and output, so that a difference is a QA finding, never silent.

Every text field of the Article is XML-escaped text (``&amp;``, ``&lt;``, ``&gt;``), so every
format hands the pipeline the same form.

The package: ``source`` (the document as written: elements, text and offsets; edits of it),
``units`` (what is translated), ``conform`` (the translation's tags put back into the source's
nesting), ``read``, ``write``, ``fidelity``, ``markup`` (lxml helpers for new pages and for
formats that hold HTML in a field) and ``languages`` (direction, names).
"""

from __future__ import annotations

from tarjama.formats.html.languages import (
    RTL_LANGUAGES,
    language_name,
    text_direction,
)
from tarjama.formats.html.markup import (
    Inline,
    from_inline,
    inner_html,
    parse_fragment,
    visible_text,
)
from tarjama.formats.html.parts import LABEL_CLASS
from tarjama.formats.html.read import body_blocks, is_page, read_html
from tarjama.formats.html.units import OPAQUE_TAGS, PAIRED_TAGS
from tarjama.formats.html.write import (
    blocks_to_html,
    provenance_text,
    render_blocks,
    replace_body_blocks,
    write_html,
)

__all__ = [
    "LABEL_CLASS",
    "OPAQUE_TAGS",
    "PAIRED_TAGS",
    "RTL_LANGUAGES",
    "Inline",
    "blocks_to_html",
    "body_blocks",
    "from_inline",
    "inner_html",
    "is_page",
    "language_name",
    "parse_fragment",
    "provenance_text",
    "read_html",
    "render_blocks",
    "replace_body_blocks",
    "text_direction",
    "visible_text",
    "write_html",
]
