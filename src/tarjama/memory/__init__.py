"""Translation memory and glossary: what tarjama knows before any engine runs.

``tm`` holds exact matches that may be served (human, or machine with the caller's provenance)
and fuzzy suggestions for editors, with TMX import/export; ``glossary`` holds terms per language
pair, finds them in text, and reads and writes CSV and TBX. Both live in a
:class:`tarjama.store.Store`.
"""

from tarjama.memory.glossary import (
    CSVError,
    Glossary,
    Term,
    TermHit,
    TermNotFoundError,
)
from tarjama.memory.tbx import TBXError
from tarjama.memory.tm import Match, MemoryUnit, Origin, TranslationMemory
from tarjama.memory.tmx import TMXError
from tarjama.memory.xmlio import ImportReport

__all__ = [
    "CSVError",
    "Glossary",
    "ImportReport",
    "Match",
    "MemoryUnit",
    "Origin",
    "TBXError",
    "TMXError",
    "Term",
    "TermHit",
    "TermNotFoundError",
    "TranslationMemory",
]
