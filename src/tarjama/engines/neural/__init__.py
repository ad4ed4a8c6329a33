"""What the neural engines share: placeholders through a model, recovery, long inputs, languages.

    codec.py      tagged text <-> what a model sees (``[k]`` for the k-th tag), checked back
    languages.py  how a model names languages (NLLB, M2M-100, OPUS-MT tokens)
    engine.py     NeuralEngine: batches, long inputs, recovery, the process-wide model cache

``ctranslate2.py`` and ``transformers.py`` (beside this package) are the two engines on it.

A neural model sees plain text. Each inline tag of a segment (``<x/>``, ``<g>``, ``</g>``) becomes
a bracketed number ``[k]`` (k = the tag's place in the segment, from 1), and escapes are undone
before the model and redone after it. Models drop, duplicate and reorder such tokens, so every
output is checked: each ``[k]`` exactly once, and ``<g>`` pairs opened and closed in order. A
segment that fails is recovered, never returned broken:

1. translated again without the mask (each placeholder's ``equiv`` text in its place, pairs
   removed) and the tags put back where the model copied those texts (alignment by copy);
2. failing that, either ``PlaceholderError`` (``on_placeholder_loss = "error"``, so that a
   fallback engine in a chain can serve) or (``"split"``, the default) the runs of text between
   tags are translated separately and every tag is re-inserted in source order.

docs/neural-engines.md says why ``[k]`` (measured on real OPUS-MT and NLLB outputs).
"""

from tarjama.engines.neural.codec import (
    ON_PLACEHOLDER_LOSS,
    Masked,
    mask,
    reassemble,
    restore_by_alignment,
    text_runs,
    unmask,
    unmasked_source,
)
from tarjama.engines.neural.engine import (
    NeuralEngine,
    cached,
    fingerprint,
    join_pieces,
    joiner,
    split_long,
)
from tarjama.engines.neural.languages import NLLB_CODES, Languages

__all__ = [
    "NLLB_CODES",
    "ON_PLACEHOLDER_LOSS",
    "Languages",
    "Masked",
    "NeuralEngine",
    "cached",
    "fingerprint",
    "join_pieces",
    "joiner",
    "mask",
    "reassemble",
    "restore_by_alignment",
    "split_long",
    "text_runs",
    "unmask",
    "unmasked_source",
]
