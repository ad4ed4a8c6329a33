"""Translation memory and glossary: what tarjama knows before any engine runs.

``tm`` holds exact matches that may be served (human, or machine with the caller's provenance)
and fuzzy suggestions for editors (``fuzzy``: the length-banded index), with TMX import/export
(``tmx``); ``units`` is a unit as a row and as a match. ``glossary`` holds terms per language
pair and finds them in text (``terms``: the terms and their matcher), read and written as CSV
(``termcsv``) and TBX (``tbx``). Both live in a :class:`tarjama.store.Store`; ``xmlio`` and
``normalise`` are what TMX and TBX, and the memory and the glossary, share.
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
