"""Apertium, the embedded default engine: long-lived null-flush pipelines, one per language pair.

    modes.py    the installed pairs (mode files), versions, and each mode's stages
    stream.py   tagged text -> one stream request (escaping, word-bound blanks), output -> text,
                and the frames that tie an output to its request
    reorder.py  repairs of what the rules do to placeholders and words, in and out
    process.py  the processes: spawning, the NUL-record reader, a pair's pipeline, restarts
    tagger.py   the tagger filter, a process of its own (standard library only)
    lexicon.py  the analyser, asked what it knows of source words
    engine.py   ApertiumEngine and its directions

How a request travels (measured on Debian's apertium 3.8.3, see the README's engine notes):

- The ``apertium`` wrapper cannot serve as a request/response pipe (its deformatter drops NUL and
  reads in blocks), so tarjama runs the stages of ``apertium-wblank-mode -z <pair>.mode`` itself
  and does the deformatting (escaping, superblanks, word-bound blanks for inline markup) and the
  reformatting in Python (``stream.py``, ``reorder.py``).
- Reproducibility: the HMM tagger is the one stage that keeps state between requests. When it
  meets a word whose ambiguity class its model has never seen ("I", "a lot of"), it replaces its
  open class (the class used for unknown words) for the rest of the process's life, so a sentence
  with an unknown name comes out differently depending on what was translated before it. tarjama
  therefore runs the pipeline as three parts, all streaming: the stages before the tagger, a
  filter process that runs the tagger with ``-d`` (which makes it report such words) and
  replaces a tagger that reported one by a fresh one (a spare is kept loaded) before the next
  segment it would affect (``tagger.py``), and the stages after it. Every segment is thus
  tagged as by a tagger in its pristine state: the output of a segment depends on that segment
  only, and equals what a fresh ``apertium -u`` gives for it alone (but for one difference,
  under groups below). (The filter is a process of its own so that segments move on while this
  process's threads hold the interpreter lock.)
- Groups: the stages before the tagger flush once per record, and a flush per sentence costs
  every stage a wake-up (measured over newstest2013: about a tenth of the pipeline's CPU
  time). Segments therefore go to them in groups of ``process.GROUP``, each segment followed by
  a superblank (``tagger.CUT``), and the filter splits the groups again, so the tagger and
  every stage after it still see one segment per record. The analyser reads a segment the same
  whatever follows the superblank (checked over newstest2013 and FLORES, en-es and en-gl: no
  difference between groupings), with one difference from a segment sent alone: ``apertium``
  itself drops a sentence's final full stop after an unknown word ("en 3D." -> "en 3D"), which a
  segment followed by the superblank keeps. ``DRIVER_REVISION`` names this in provenance. Pairs
  whose tagger is not split off (eng-cat runs a constraint grammar before its tagger) send one
  segment per record.
- Glued words: transfer rules copy the source's blanks, and a hyphenated source word has none,
  so ``apertium`` writes the words made of it as one ("basadoenLondres"). A Perl stage before
  the generator parts them (``modes.SPACE_GLUED_WORDS``), and ``reorder.rejoin`` joins again
  what was one word of the source. ``DRIVER_REVISION`` names this too.
- Unknown words come back marked (``*``, and ``#``/``@`` for generation and transfer gaps): the
  marks are removed and the words kept exactly as written; no reader ever sees them. What they
  said comes out beside the text, as the result's ``marks`` (``stream.marked_words``: the words
  outside protected spans; ``engine._marks``: where each stands in the output), for the checks.
"""

from tarjama.engines.apertium.engine import DRIVER_REVISION, ApertiumEngine
from tarjama.engines.apertium.modes import DEFAULT_DATADIR, discover_modes

__all__ = ["DEFAULT_DATADIR", "DRIVER_REVISION", "ApertiumEngine", "discover_modes"]
