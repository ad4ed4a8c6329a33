"""Languages on a page: the direction a language is written in, its name in itself, and links
from a translated page to the same article in every other language."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from babel import Locale, UnknownLocaleError

from tarjama.formats.html.parts import LABEL_CLASS
from tarjama.formats.html.source import Document, Edits

RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP-47 tag, from its script subtag if any, else its language."""
    subtags = language.lower().replace("_", "-").split("-")
    for sub in subtags[1:]:
        if len(sub) == 4:
            return "rtl" if sub in _RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


LANGUAGES_CLASS = "tarjama-languages"


def language_name(code: str) -> str:
    """A language's name in itself ("español", "العربية"), from CLDR; the code if unknown."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def add_language_links(page: str, links: Sequence[tuple[str, str]], current: str) -> str:
    """``page`` (a whole translated page, as ``write_html`` writes it) with a way to the same
    article in every other language: ``<link rel="alternate" hreflang>`` in its head, and a
    language switcher after the label. ``links`` is (language, address) pairs, the original
    first; ``current`` is the page's own language, shown but not linked. The rest of the page
    comes through as it was."""
    doc = Document(page)
    edits = Edits(page)
    elements = list(doc.elements())
    for el in elements:
        alternate = el.tag == "link" and "alternate" in el.get("rel").split() and el.get("hreflang")
        if alternate or LANGUAGES_CLASS in el.classes():
            edits.outer.append((el.start, el.end, ""))
    items = []
    for lang, href in links:
        attrs = f'lang="{escape(lang)}" dir="{text_direction(lang)}"'
        if lang == current:
            items.append(f'<strong {attrs} aria-current="page">{language_name(lang)}</strong>')
        else:
            items.append(
                f'<a {attrs} href="{escape(href)}" hreflang="{escape(lang)}">'
                f"{language_name(lang)}</a>"
            )
    nav = f'<nav class="{LANGUAGES_CLASS}" aria-label="Languages">{" · ".join(items)}</nav>'
    head_links = "".join(
        f'<link rel="alternate" hreflang="{escape(lang)}" href="{escape(href)}">'
        for lang, href in links
    )
    head = next((e for e in elements if e.tag == "head"), None)
    if head is not None:
        at = head.close_start if head.close_start is not None else head.open_end
        edits.outer.append((at, at, head_links))
    label = next((e for e in elements if LABEL_CLASS in e.classes()), None)
    body = next((e for e in elements if e.tag == "body"), None)
    at = label.end if label is not None else body.open_end if body is not None else 0
    edits.outer.append((at, at, nav))
    return edits.result()
