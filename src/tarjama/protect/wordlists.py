"""The words name detection reads: titles, particles, and capitalised words that are no names.

Data, small on purpose: a word missing from a stoplist stays in the source language, which is
the safe failure (see ``tarjama.protect.names``).
"""

from __future__ import annotations


def _words_of(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that introduce a name without being part of it. Person titles ("Mr Kalin") make what
# follows a name whatever the oracle says; office titles are only stripped ("President Erdogan").
PERSON_TITLES = _words_of(
    "Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady Sheikh Imam Ayatollah Rev Fr Mgr Mx"
)
# English honours that Spanish, Catalan and Galician papers print as they are ("Lord Snowdon",
# "Sir Richard Branson"): part of the name, not a title in front of it.
KEPT_TITLES = _words_of("Sir Dame Lord Lady")
OFFICE_TITLES = _words_of(
    "President Vice Prime Minister Secretary General Gen Lt Col Maj Capt Cmdr Adm Sgt Brig Sen "
    "Senator Rep Representative Gov Governor Mayor Judge Justice King Queen Prince Princess Emir "
    "Sultan Pope Chancellor Chairman Chairwoman Chief Deputy Foreign Defence Defense Interior "
    "Finance Spokesman Spokeswoman Ambassador Commander Director Colonel Lieutenant Major Captain "
    "Sergeant Officer Premier Crown Speaker Leader Presidential"
)
# Name particles: inside a run only ("Mohammed bin Salman", "Charles de Gaulle").
PARTICLES = _words_of("al el bin ibn bint de da di del della van von der den du la le ben")
# Function words capitalised at the head of a run ("The White House") are never part of a name.
# Without an oracle, capitalised words that are the engine's to translate: sentence openers,
# calendar words, nationalities, countries, regions and institutions. Small on purpose: a word
# missing here stays in the source language, which is the safe failure.
OPENERS = _words_of(
    """The A An This That These Those It He She They We I You His Her Their Our Its In On At By
    For From With Without After Before During Since Until But And Or So Yet If When While As
    Although Because Meanwhile However Also Then There Here What Who Why How Where Some Many
    Most All Both Each Every No Not One Two Three Last Next Earlier Later According Under Over"""
)
CALENDAR = _words_of(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December"""
)
STOPLIST = (
    OPENERS
    | CALENDAR
    | _words_of(
        """Turkish Syrian Russian Iranian Iraqi Kurdish Israeli Palestinian Lebanese Egyptian Saudi
    American British French German Italian Spanish Chinese Japanese Ukrainian European Arab
    Arabic Western Eastern Northern Southern African Asian Muslim Christian Jewish Sunni Shiite
    Turkey Syria Russia Iran Iraq Israel Lebanon Egypt Jordan Ukraine China Japan Germany France
    Britain England Spain Italy Europe Asia Africa America United States Kingdom Nations Union
    Gulf Middle East West North South Arabia Gaza
    UN EU US UK USA NATO UNHCR UNICEF WHO IMF OCHA
    Government Ministry Army Forces Council Security Parliament Congress Senate House Court
    Party Assembly Office Department Agency Police Republic Democratic National International
    Coalition Federation Organization Organisation Commission Committee Bank Church Mosque
    University Hospital Airport Province Region City Street Square Sea River Mount Lake"""
    )
)
TITLES = PERSON_TITLES | OFFICE_TITLES
# Abbreviations that open a place's name with their full stop: "St. Petersburg", "Mt. Everest".
PLACE_ABBREVIATIONS = _words_of("St Ste Mt Ft Pt")

# Prefixes a hyphenated word may open on without being two names: "Inter-American".
PREFIXES = _words_of("Anti Pre Post Pro Non Neo Ex Inter Intra Pan Trans Sub Super Ultra Mid Co")
# Prepositions of four letters or more, which Title Case headlines may leave in lower case.
TITLE_CASE_SMALL = _words_of(
    "with from into onto over than upon about after before under until near amid among across "
    "against along around behind below beside between beyond during inside outside through "
    "toward towards within without"
)
