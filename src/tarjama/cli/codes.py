"""Language codes as people write them: ``ES``, ``es-ES``, ``es_ES``, ``spa``, ``Spanish`` and
``español`` all mean ``es`` when the engine serves ``es``.

    canonical("es_es")          -> "es-ES"   (the BCP-47 form; ISO 639-2 codes and English names
                                              become the two-letter code)
    resolve("Spanish", {"es"})  -> "es"      (what the engine serves, or a LanguageError with a
                                              did-you-mean and the list of what it serves)

A region the engine does not serve falls back to the language (``es-MX`` -> ``es``) when the
engine has it; a variant it does serve is kept (``ca-valencia``, ``en-US``). Babel's CLDR data
(names, ISO 639-2 aliases) loads on first use only, so the command line starts without it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection, Iterable

from tarjama.errors import LanguageError

_SUBTAGS = re.compile(r"[-_]")
_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_REGION = re.compile(r"^(?:[A-Za-z]{2}|\d{3})$")
_SCRIPT = re.compile(r"^[A-Za-z]{4}$")


@functools.cache
def _aliases() -> dict[str, str]:
    """CLDR's language aliases: ISO 639-2 and deprecated codes -> the preferred code."""
    from babel.core import get_global

    return dict(get_global("language_aliases"))


@functools.cache
def _english_names() -> dict[str, str]:
    """Every language CLDR names in English: code -> name ("es" -> "Spanish")."""
    from babel import Locale

    return {code: name for code, name in Locale("en").languages.items() if "_" not in code}


@functools.cache
def _codes_by_name() -> dict[str, str]:
    """English names, casefolded -> code; the first code CLDR lists for a name wins."""
    by_name: dict[str, str] = {}
    for code, name in _english_names().items():
        by_name.setdefault(name.casefold(), code)
    return by_name


def name_of(code: str) -> str:
    """The English name of a code's language, and of its variant if CLDR knows it ("ca-valencia"
    -> "Catalan (Valencian)"); "" for a code CLDR does not know."""
    language, *rest = _SUBTAGS.split(code)
    name = _english_names().get(language.lower(), "")
    if name and rest:
        from babel import Locale

        english = Locale("en")
        extra = [
            english.territories.get(tag.upper()) or english.variants.get(tag.upper()) or tag
            for tag in rest
        ]
        name = f"{name} ({', '.join(extra)})"
    return name


def own_name(code: str) -> str:
    """The name of a code's language in that language ("es" -> "español"); "" if unknown."""
    from babel import Locale, UnknownLocaleError

    language = _SUBTAGS.split(code)[0].lower()
    try:
        return Locale.parse(language).get_display_name(language) or ""
    except (UnknownLocaleError, ValueError):
        return ""


def canonical(code: str) -> str:
    """``code`` in BCP-47 form: the language lowercased (its ISO 639-2 or deprecated code
    replaced, an English name turned into its code), a region uppercased, a script titled, the
    rest lowercased, joined by hyphens. A word no table knows comes back lowercased."""
    text = code.strip()
    if not text:
        raise LanguageError("no language given")
    if not _CODE.match(text):
        return _codes_by_name().get(text.casefold(), text.casefold())
    language, *rest = _SUBTAGS.split(text)
    language = _aliases().get(language.lower(), language.lower()).replace("_", "-")
    tags = [
        tag.upper() if _REGION.match(tag) else tag.title() if _SCRIPT.match(tag) else tag.lower()
        for tag in rest
    ]
    return "-".join([language, *tags])


def known(code: str) -> str:
    """:func:`canonical`, for a language named where no engine is asked (the memory, the
    glossary): a word that is neither a code nor an English name is a LanguageError with a
    did-you-mean."""
    result = canonical(code)
    if not _CODE.match(result):
        raise LanguageError(f"unknown language {code!r}{_did_you_mean(code, _codes_by_name(), 1)}")
    return result


def _key(code: str) -> str:
    """What two spellings of one code share: ``ca-valencia_uni`` and ``CA_Valencia-Uni``."""
    return canonical(code).lower()


def resolve(code: str, available: Collection[str], *, way: str = "into") -> str:
    """The code in ``available`` that ``code`` means, as ``available`` spells it; a
    :class:`LanguageError` naming the nearest ones and listing ``available`` otherwise
    ("cannot translate into 'Spansh' (did you mean es, Spanish?)"; ``way``: into or from). With
    nothing available (an engine that cannot tell), the canonical form of ``code``."""
    if code in available:
        return code
    if not available:
        return canonical(code)
    by_key = {_key(a): a for a in available}
    key = _key(code)
    if key in by_key:
        return by_key[key]
    language, *rest = key.split("-")
    # a region or script the engine does not serve: the language itself (es-MX -> es)
    if language in by_key and all(_REGION.match(t) or _SCRIPT.match(t) for t in rest):
        return by_key[language]
    names = _names_of(available)
    if code.strip().casefold() in names:
        return names[code.strip().casefold()]
    known = name_of(key) if _CODE.match(key) and "-" not in key else ""  # "fr" (French)
    known = "" if known.casefold() == code.strip().casefold() else known
    raise LanguageError(
        f"cannot translate {way} {code!r}{f' ({known})' if known else ''}"
        f"{_did_you_mean(code, names)}",
        available,
    )


def _names_of(available: Iterable[str]) -> dict[str, str]:
    """What a person may call each available code, casefolded: the code, its English name and
    its own name ("ca", "catalan", "català") -> the code."""
    names: dict[str, str] = {}
    for code in sorted(available, key=len, reverse=True):  # a plain language's names win
        for name in (code, name_of(code), own_name(code) if "-" not in code else ""):
            if name:
                names[name.casefold()] = code
    return names


def _did_you_mean(code: str, names: dict[str, str], most: int = 3) -> str:
    close = difflib.get_close_matches(code.strip().casefold(), list(names), n=most, cutoff=0.6)
    meant = list(dict.fromkeys(names[c] for c in close))
    if not meant:
        return ""
    shown = [f"{c}, {n}" if (n := name_of(c)) else c for c in meant]
    return f" (did you mean {' or '.join(shown)}?)"
