"""Languages on a page: the direction a language is written in, and its name in itself."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP-47 tag, from its script subtag if any, else its language."""
    subtags = language.lower().replace("_", "-").split("-")
    for sub in subtags[1:]:
        if len(sub) == 4:
            return "rtl" if sub in _RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def language_name(code: str) -> str:
    """A language's name in itself ("español", "العربية"), from CLDR; the code if unknown."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code
