"""The disclosure label and the few words around it, in the language of the page.

A reader of a Spanish page must be told in Spanish that a machine translated it. :data:`WORDS`
holds, for every language tarjama produces (the Apertium pairs' es, ca, gl, and the languages
neural and remote engines commonly serve, Arabic included), the label's phrase for machine and
for reviewed work and the words a reader page needs around it. The configured ``label``
(``Beta V.1.0 - Powered by automated translation``) gives the prefix before `` - ``; the phrase
after it is the language's. A newsroom that wrote its own label keeps it as written, and the
``labels`` setting (``[labels] es = "..."``) replaces the machine label of one language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tarjama.model import DEFAULT_LABEL


@dataclass(frozen=True)
class Words:
    """What a reader page says around an article, in one language."""

    machine: str
    """The label's phrase for a machine translation."""
    reviewed: str
    """The label's phrase for a translation an editor reviewed."""
    about: str
    """The summary of the provenance's disclosure box."""
    original: str
    """The link to the article in its own language."""
    languages: str
    """The name of the language switcher."""
    engine: str
    reviewed_by: str
    made: str
    """When the translation was made or last changed."""


WORDS: Mapping[str, Words] = {
    "en": Words("Powered by automated translation", "Reviewed translation",
                "About this translation", "Original", "Languages", "Engine", "Reviewed by",
                "Date"),
    "es": Words("Traducción automática", "Traducción revisada", "Sobre esta traducción",
                "Original", "Idiomas", "Motor", "Revisada por", "Fecha"),
    "ca": Words("Traducció automàtica", "Traducció revisada", "Sobre aquesta traducció",
                "Original", "Llengües", "Motor", "Revisada per", "Data"),
    "gl": Words("Tradución automática", "Tradución revisada", "Sobre esta tradución",
                "Orixinal", "Linguas", "Motor", "Revisada por", "Data"),
    "pt": Words("Tradução automática", "Tradução revista", "Sobre esta tradução", "Original",
                "Idiomas", "Motor", "Revista por", "Data"),
    "fr": Words("Traduction automatique", "Traduction relue", "À propos de cette traduction",
                "Original", "Langues", "Moteur", "Relue par", "Date"),
    "it": Words("Traduzione automatica", "Traduzione rivista", "Su questa traduzione",
                "Originale", "Lingue", "Motore", "Rivista da", "Data"),
    "de": Words("Maschinell übersetzt", "Geprüfte Übersetzung", "Über diese Übersetzung",
                "Original", "Sprachen", "System", "Geprüft von", "Datum"),
    "nl": Words("Automatisch vertaald", "Nagekeken vertaling", "Over deze vertaling",
                "Origineel", "Talen", "Systeem", "Nagekeken door", "Datum"),
    "eu": Words("Itzulpen automatikoa", "Itzulpen berrikusia", "Itzulpen honi buruz",
                "Jatorrizkoa", "Hizkuntzak", "Motorra", "Berrikuslea", "Data"),
    "oc": Words("Traduccion automatica", "Traduccion revisada", "A prepaus d'aquesta traduccion",
                "Original", "Lengas", "Motor", "Revisada per", "Data"),
    "ar": Words("ترجمة آلية", "ترجمة مُراجَعة", "عن هذه الترجمة", "النص الأصلي", "اللغات",
                "المحرك", "راجعها", "التاريخ"),
}  # fmt: skip


def words(language: str) -> Words:
    """The words of ``language`` (``es-ES`` reads as ``es``); English for one not in the table."""
    return WORDS.get(language.lower().replace("_", "-").split("-")[0], WORDS["en"])


def label_for(
    language: str,
    *,
    reviewed: bool = False,
    engine: str = "",
    configured: str = DEFAULT_LABEL,
    overrides: Mapping[str, str] | None = None,
) -> str:
    """The label of a translation into ``language``.

    Machine work: the language's override, else the configured label with the language's
    phrase after its prefix (a label of the newsroom's own wording is kept as written).
    Reviewed work: the prefix of that label and the language's reviewed phrase, naming
    ``engine``."""
    overrides = overrides or {}
    own = overrides.get(language) or overrides.get(language.split("-")[0])
    base = own or configured
    prefix = base.split(" - ")[0].strip() if " - " in base else ""
    w = words(language)
    if not reviewed:
        if own or configured != DEFAULT_LABEL:
            return base
        return f"{prefix} - {w.machine}"
    text = f"{prefix} - {w.reviewed}" if prefix else w.reviewed
    return f"{text} ({engine})" if engine else text
