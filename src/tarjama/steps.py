"""tarjama's own steps around the engine, by name, so that each can be switched off and its
effect measured (``tarjama eval --without STEP``, ``--per-step``).

The engine's output is what the engine alone gives; each step is meant to add to it. A step that
makes more lines worse than better is visible in ``tarjama eval --per-step``, and the quality gate
(``tests/quality-floors.json``) holds the lines the steps make better and worse.
"""

from __future__ import annotations

from collections.abc import Iterable

from tarjama.errors import InputError

STEPS: dict[str, str] = {
    "headlines": "headlines in Title Case cased down, headlinese written out as a sentence, "
    "and the output in the target's headline style (headlines.py)",
    "names": "names decided over the article are kept as written (protect/names.py)",
    "figures": "figures, dates, codes, file names, scores, addresses, credit lines, bylines and "
    "dotted acronyms are masked and written in the target's conventions (protect/)",
    "quotes": "straight single quotation marks sent curly, so the engine does not read them "
    "as contractions; an opening ¿ and ¡ where the target writes them (quotes.py)",
    "tidy": "quotation marks, blanks and capitals the engine gets wrong (tidy.py)",
}
"""Step name -> what it does, in the order the pipeline runs them."""

ALL: frozenset[str] = frozenset(STEPS)


def chosen(without: Iterable[str] = ()) -> frozenset[str]:
    """Every step but ``without``; an unknown step name is an InputError naming the steps."""
    off = frozenset(without)
    unknown = sorted(off - ALL)
    if unknown:
        raise InputError(
            f"unknown step {', '.join(map(repr, unknown))}: the steps are {', '.join(STEPS)}"
        )
    return ALL - off
