"""Languages on a page: the direction a language is written in, its name in itself, and links
from a translated page to the same article in every other language."""

from __future__ import annotations

from collections.abc import Sequence

import lxml.html
import lxml.html.builder
from babel import Locale, UnknownLocaleError

from tarjama.formats.html.markup import page_html
from tarjama.formats.html.parts import LABEL_CLASS, page_head

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
    first; ``current`` is the page's own language, shown but not linked."""
    root = lxml.html.document_fromstring(page)
    head = page_head(root)
    for old in head.findall('link[@rel="alternate"][@hreflang]'):
        head.remove(old)
    for old in root.find_class(LANGUAGES_CLASS):
        old.drop_tree()
    E = lxml.html.builder
    nav = E.NAV({"class": LANGUAGES_CLASS, "aria-label": "Languages"})
    for lang, href in links:
        head.append(E.LINK(rel="alternate", hreflang=lang, href=href))
        attrs = {"lang": lang, "dir": text_direction(lang)}
        if lang == current:
            item = E.STRONG(language_name(lang), {**attrs, "aria-current": "page"})
        else:
            item = E.A(language_name(lang), {**attrs, "href": href, "hreflang": lang})
        if len(nav):
            nav[-1].tail = " · "
        nav.append(item)
    label = next(iter(root.find_class(LABEL_CLASS)), None)
    if label is not None:
        label.addnext(nav)
    else:
        body = root.find("body")
        (body if body is not None else root).insert(0, nav)
    return page_html(root.getroottree())
