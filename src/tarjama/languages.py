"""Facts about languages that more than one stage needs: protection (``tarjama.protect``) and
the engines' output repairs (``tarjama.engines.apertium``) read them here, so neither depends on
the other."""

from __future__ import annotations

# The start of a word before which Catalan elides "de" and "la" ("d'euros", "d'Obama"): a vowel,
# or a silent h and a vowel, but not "hi", "ho", "hu" + vowel, which are semivowels ("de iogurt",
# "de hiena").
CATALAN_ELIDING = r"(?:h?[aeoàèéòó]|h?[iu](?![aeiouàèéíòóú])|[íú])"
