"""Acronyms written with full stops, and their form in the target language.

Apertium reads the letters of "A.I." as words ("Un.Yo." in Spanish, "A.i." in Catalan) and leaves
"E.U.", "U.K." as they are; each is masked as a glossary term is, and comes back in the target's
form. The glossary extends the table and wins over it: an entry for "U.K." there is the one used.
Only acronyms the engine gets wrong are here: "U.S." and "U.N." it writes "EE.UU.", "EUA",
"ONU" itself.
"""

from __future__ import annotations

from collections.abc import Collection

ACRONYMS: dict[str, dict[str, str]] = {
    "A.I.": {"es": "IA", "ca": "IA", "gl": "IA", "fr": "IA"},
    "E.U.": {"es": "UE", "ca": "UE", "gl": "UE", "fr": "UE"},
    "U.K.": {"es": "Reino Unido", "ca": "Regne Unit", "gl": "Reino Unido", "fr": "Royaume-Uni"},
    "U.S.A.": {"es": "EE.UU.", "ca": "EUA", "gl": "EE.UU.", "fr": "États-Unis"},
    "U.A.E.": {"es": "EAU", "ca": "EAU", "gl": "EAU", "fr": "EAU"},
}
"""Acronym as written in English -> target language -> its form there."""


def acronym_terms(
    text: str, source: str, target: str, glossary: Collection[str] = ()
) -> set[tuple[str, str, bool]]:
    """The table's entries ``text`` holds, as glossary terms (source, target, case-sensitive),
    less those whose source the glossary has (``glossary``, its source terms)."""
    if source.split("-")[0] != "en" or "." not in text:
        return set()
    lang = target.split("-")[0]
    return {
        (acronym, forms[lang], True)
        for acronym, forms in ACRONYMS.items()
        if lang in forms and acronym in text and acronym not in glossary
    }
