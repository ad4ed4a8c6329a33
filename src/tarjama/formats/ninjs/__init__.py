"""IPTC ninjs (News in JSON) in and out, keeping the document's own shape.

Versions: 3.x (camelCase keys: ``headlines``, ``bodies``, ``descriptions`` with ``contentType``,
``associations`` as an array of named items), 2.x (the same arrays with lowercase keys:
``contenttype``, ``versioncreated``) and the legacy 1.x shape (``headline``, ``body_text`` /
``body_html``, ``description_text``, ``byline``, ``associations`` as an object). The version comes
from ``$schema`` or ``standard``, else from the keys the document uses.

What is translated: the main headline (role "main", else the first), the first description (the
standfirst), ``by``, ``located`` (the dateline), every body, and the caption and ``alt``
description of each picture or graphic association. Markup in an HTML headline or description
is flattened (the Article holds them as plain text); HTML bodies keep theirs. Bodies are taken
to be representations of the same text (as in IPTC's examples: one text/plain, one HTML): the
article is read from the HTML one (else the plain one) and every body is written from the
translation; plain text splits into paragraphs on blank lines. Picture credits
(``copyrightHolder`` / ``by``, 1.x ``creditline``) are carried, never translated.

Writing deep-copies the original JSON and replaces only those fields, sets ``language`` (on the
item and on the associations whose captions were translated), and records the label and the
provenance where the schemas allow it, since neither schema allows extra properties:

- the label as one more description, ``{"role": "tarjama-label", "value": LABEL}``;
- the provenance as an info source (a party that "modified" the content):
  ``{"name": "tarjama", "role": "machine-translation", "literal": "engine=...; pair=..."}``;
- 1.x, which has neither array in the same form, gets both in ``ednote``.

Output is validated against the bundled schema of its version (2.2 or 3.1) when the input was
valid against it: a document that already used provider extensions is not rejected for them.
An article that did not come from ninjs is written as a new ninjs 3.1 document.

The package: ``layout`` (where the fields are, per version), ``schema`` (the bundled schemas),
``read``, ``write`` and ``sanitise``.
"""

from __future__ import annotations

from tarjama.formats.ninjs.layout import LABEL_ROLE, PROVENANCE_ROLE, ninjs_version
from tarjama.formats.ninjs.read import read_ninjs
from tarjama.formats.ninjs.sanitise import sanitise_document
from tarjama.formats.ninjs.schema import SCHEMA_URI, SCHEMAS, validate_ninjs
from tarjama.formats.ninjs.write import write_ninjs

__all__ = [
    "LABEL_ROLE",
    "PROVENANCE_ROLE",
    "SCHEMAS",
    "SCHEMA_URI",
    "ninjs_version",
    "read_ninjs",
    "sanitise_document",
    "validate_ninjs",
    "write_ninjs",
]
