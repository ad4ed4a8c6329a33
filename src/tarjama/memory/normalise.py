"""How memory and glossary compare text and languages.

Languages: tags are stored as given (BCP-47, "en-US") for export, and matched on the lowercased
primary language subtag ("EN-us", "en_US" and "en" all match as "en"). A regional translation
memory therefore serves every region of its language; keep regions apart with separate stores.

Text: an exact match ignores Unicode normalisation form and runs of whitespace (NFC, collapsed,
trimmed) and nothing else; case and punctuation count. Fuzzy matching compares casefolded text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from tarjama.errors import LanguageError

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$")


@functools.lru_cache(maxsize=1024)
def primary_language(tag: str) -> str:
    """The lowercased primary subtag of a language tag: ``"EN-us"`` -> ``"en"``."""
    cleaned = tag.strip()
    if not _TAG.match(cleaned):
        raise LanguageError(f"not a language tag: {tag!r} (expected BCP-47, e.g. en or en-US)")
    return re.split(r"[-_]", cleaned, maxsplit=1)[0].lower()


def normalise(text: str) -> str:
    """The form exact matches compare: NFC, whitespace runs collapsed to one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def source_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: the exact-match key."""
    return normalised_hash(normalise(text))


def normalised_hash(normalised: str) -> str:
    """:func:`source_hash` of text already normalised (``normalise`` is idempotent)."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def fuzzy_key(text: str) -> str:
    """The form fuzzy matches compare: normalised and casefolded."""
    return normalise(text).casefold()
