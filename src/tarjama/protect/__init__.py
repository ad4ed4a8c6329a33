"""Protected spans: what an engine must not translate, masked as placeholders and put back after.

``mask`` replaces each protected stretch of a segment by ``<x id="N" ctype="..."/>`` (see
``tarjama.inline``); ``restore`` puts back, for each placeholder, the target-language form of what
it stands for: numbers, percentages, measures, amounts and dates in the target's CLDR conventions
(via Babel, with Western digits everywhere, Arabic included: most Arab newsrooms print them), and
everything else (URLs, e-mail, handles, hashtags, agency credits, names) exactly as written.

The package, by concept:

- ``base``: the values (``Rule``, ``Protected``, ``Masked``, ``Restored``);
- ``rules``: the span rules in priority order (``RULES``), each a name, a ctype, a pattern and
  flags; add a kind of span there;
- ``numbers`` and ``dates``: figures, magnitudes and dates written in the target's conventions;
- ``placeholders``: ``mask`` and ``restore``;
- ``names``, over ``sentences`` and ``wordlists``: ``detect_names``, which proposes the names
  of an article. Names are the caller's decision (``mask(names=...)``).
"""

from __future__ import annotations

from tarjama.credits import AGENCIES
from tarjama.languages import CATALAN_ELIDING
from tarjama.protect.base import Masked, Protected, Restored, Rule
from tarjama.protect.names import detect_names
from tarjama.protect.placeholders import mask, restore
from tarjama.protect.rules import RULES

__all__ = [
    "AGENCIES",
    "CATALAN_ELIDING",
    "RULES",
    "Masked",
    "Protected",
    "Restored",
    "Rule",
    "detect_names",
    "mask",
    "restore",
]
