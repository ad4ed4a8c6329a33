"""Sanitising: a ninjs document made safe for a CMS to show, in place."""

from __future__ import annotations

from typing import Any

from tarjama.formats.sanitise import safe_identifier, safe_url, sanitise_html, sanitise_xhtml

_HTML_KEYS = frozenset({"body_html", "description_html"})
_LINK_KEYS = frozenset({"href", "url", "web", "linkedrights"})


def sanitise_document(doc: Any) -> None:
    """Make a ninjs document safe for a CMS to show, in place, at any depth: every HTML value
    (``contentType`` text/html or xhtml, 1.x ``body_html`` and ``description_html``) sanitised;
    an address (``href``, ``url``, ``web``, ``linkedRights``) with a scheme that could run
    script removed; such a ``uri``, which the schema requires of items and associations,
    replaced by ``urn:tarjama:unsafe-uri:`` and a digest of it (the same uri, the same URN)."""
    if isinstance(doc, list):
        for item in doc:
            sanitise_document(item)
        return
    if not isinstance(doc, dict):
        return
    content_type = doc.get("contentType", doc.get("contenttype"))
    if (
        isinstance(content_type, str)
        and "html" in content_type.lower()
        and isinstance(doc.get("value"), str)
    ):
        xhtml = "xhtml" in content_type.lower()
        doc["value"] = (sanitise_xhtml if xhtml else sanitise_html)(doc["value"])
    for key, value in list(doc.items()):
        if isinstance(value, str):
            name = key.lower()
            if name in _HTML_KEYS:
                doc[key] = sanitise_html(value)
            elif name == "uri":
                doc[key] = safe_identifier(value)
            elif name in _LINK_KEYS and not safe_url(value):
                del doc[key]
        else:
            sanitise_document(value)
