"""The words name detection reads: titles, particles, and capitalised words that are no names.

Data, small on purpose: a word missing from a stoplist stays in the source language, which is
the safe failure (see ``tarjama.protect.names``).
"""

from __future__ import annotations


def words_of(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that introduce a name without being part of it. Person titles ("Mr Kalin") make what
# follows a name whatever the oracle says; office titles are only stripped ("President Erdogan").
PERSON_TITLES = words_of(
    "Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady Sheikh Imam Ayatollah Rev Fr Mgr Mx"
)
# English honours that Spanish, Catalan and Galician papers print as they are ("Lord Snowdon",
# "Sir Richard Branson"): part of the name, not a title in front of it.
KEPT_TITLES = words_of("Sir Dame Lord Lady")
OFFICE_TITLES = words_of(
    "President Vice Prime Minister Secretary General Gen Lt Col Maj Capt Cmdr Adm Sgt Brig Sen "
    "Senator Rep Representative Gov Governor Mayor Judge Justice King Queen Prince Princess Emir "
    "Sultan Pope Chancellor Chairman Chairwoman Chief Deputy Foreign Defence Defense Interior "
    "Finance Spokesman Spokeswoman Ambassador Commander Director Colonel Lieutenant Major Captain "
    "Sergeant Officer Premier Crown Speaker Leader Presidential Professor Emperor Empress "
    "Congressman Congresswoman Head Manager CEO CFO COO CTO"
)
# Name particles: inside a run only ("Mohammed bin Salman", "Charles de Gaulle").
PARTICLES = words_of("al el bin ibn bint de da di del della van von der den du la le ben")
# Function words capitalised at the head of a run ("The White House") are never part of a name.
# Without an oracle, capitalised words that are the engine's to translate: sentence openers,
# calendar words, nationalities, countries, regions and institutions. Small on purpose: a word
# missing here stays in the source language, which is the safe failure.
OPENERS = words_of(
    """The A An This That These Those It He She They We I You His Her Their Our Its In On At By
    For From With Without After Before During Since Until But And Or So Yet If When While As
    Although Because Meanwhile However Also Then There Here What Who Why How Where Some Many
    Most All Both Each Every No Not One Two Three Last Next Earlier Later According Under Over"""
)
CALENDAR = words_of(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"""
)
STOPLIST = (
    OPENERS
    | CALENDAR
    | words_of(
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
# Adjectives of nationality, faith and place, which make a run of ordinary words a description
# the press translates ("the French Resistance", "the Jewish Nation", "the British Royal
# Family"), whatever another pair's dictionary says of them ("French" is a surname there).
NATIONALITIES = words_of(
    """Turkish Syrian Russian Iranian Iraqi Kurdish Israeli Palestinian Lebanese Egyptian Saudi
    American British French German Italian Spanish Chinese Japanese Ukrainian European Arab
    Arabic African Asian Muslim Christian Jewish Sunni Shiite
    Polish Czech Slovak Hungarian Austrian Swiss Dutch Belgian Danish Swedish Norwegian Finnish
    Irish Scottish Welsh English Greek Roman Portuguese Mexican Canadian Australian Indian
    Pakistani Afghan Korean Vietnamese Thai Indonesian Brazilian Argentine Argentinian Chilean
    Colombian Cuban Venezuelan Peruvian Ecuadorian Bolivian Nigerian Kenyan Ethiopian Moroccan
    Algerian Tunisian Libyan Sudanese Yemeni Coptic Catholic Protestant Orthodox Islamic
    Hindu Buddhist Soviet Byzantine Ottoman Persian Latin Celtic Nordic Slavic"""
)
# Abbreviations that open a place's name with their full stop: "St. Petersburg", "Mt. Everest".
PLACE_ABBREVIATIONS = words_of("St Ste Mt Ft Pt")

# Prefixes a hyphenated word may open on without being two names: "Inter-American".
PREFIXES = words_of("Anti Pre Post Pro Non Neo Ex Inter Intra Pan Trans Sub Super Ultra Mid Co")
# Prepositions of four letters or more, which Title Case headlines may leave in lower case.
TITLE_CASE_SMALL = words_of(
    "with from into onto over than upon about after before under until near amid among across "
    "against along around behind below beside between beyond during inside outside through "
    "toward towards within without"
)

# Nouns that head the name of an institution, a body, an event, a law or a place, which the
# press of Spanish, Catalan and Galician translates ("Canadian Cancer Society": "Sociedad
# Canadiense contra el Cáncer"; "Champions League": "Liga de Campeones"; "Weld County": "condado
# de Weld"). A run of ordinary words that ends in one is the engine's, and so is the head after
# a name ("the Jedlicka Institute": "Jedlicka" is kept, "Institute" translated). General English
# vocabulary, not a list of names.
HEADS = words_of(
    """Society Association Institute Institution Foundation Service Services Committee Commission
    Council Agency Authority Administration Department Ministry Office Bureau Directorate
    Division Unit Centre Center University College School Academy Museum Library Gallery Garden
    Gardens Park Zoo Hospital Clinic Court Tribunal Party Union League Federation Confederation
    Organisation Organization Brotherhood Movement Front Army Navy Force Forces Guard Police
    Church Cathedral Monastery Temple Mosque Fortress Palace Castle Square Street Avenue Road
    Bridge Tower Wall Gate Town City County State Province Region District Republic Kingdom
    Empire Ocean Sea River Lake Mountain Mountains Valley Desert Forest Island Islands Bay Coast
    Peninsula Nebula Galaxy Championship Championships Cup Games Olympics Summit Conference
    Congress Assembly Parliament Senate Chamber Declaration Treaty Agreement Pact Accord
    Convention Law Laws Act Code Constitution Plan Programme Program Fund Bank Prize Award Day
    War Revolution Order Team Scale System Company Corporation Market Exchange Network
    Airport Station Port Stadium Community Embassy Consulate Laboratory Laboratories Lab Labs
    Observatory Dictionary Model Reserve Board Circuit Policy Prevention Research Studies
    History Science Sciences Psychology Medicine Language Literature Hall Orchestra Choir
    Subcommittee Forum Site Fleet Squadron Regiment Brigade Battalion Corps Age Era Period
    Dynasty Disorder Syndrome Disease Battle Campaign Crisis Race Final Finals Tournament
    Festival Exhibition Exposition Fair Survey Heritage Hills Plain Plains Canyon Falls
    Hemisphere Area Meeting Week Year Contest Cyclone Hurricane Typhoon Storm Civilization
    Civilisation"""
)
# The words of ``HEADS`` that the press translates even after a first name ("Ross Sea": "mar
# de Ross", "Sydney University", "Brennan Centre"): seas, rivers and other places of nature,
# centres and universities. After a first name, any other head may be a surname and the two
# a person ("Tom Church", "Stuart Guard"), or the name of a place kept as written ("Madison
# Avenue", "Downing Street", "Penn State").
NATURE_HEADS = words_of(
    """Ocean Sea River Lake Mountain Mountains Valley Desert Forest Island Islands Bay Coast
    Peninsula Nebula Galaxy Canyon Falls Plain Plains Centre Center University Fortress
    Cathedral Museum"""
)
# Words that open a description, not a name, when a run of ordinary words starts with them:
# numbers ("Second Battle", "Seventh Fleet", "Thirty Years") and the points of the compass
# before a place ("Southern California", "Greater Montreal").
NUMBER_WORDS = words_of(
    """First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth Eleventh Twelfth
    Twentieth Hundredth One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Twenty
    Thirty Forty Fifty Hundred Thousand"""
)
COMPASS = words_of(
    "North South East West Northern Southern Eastern Western Central Greater Upper Lower Inner "
    "Outer Mid"
)
# The last word of a company's or a product's name, which a people's word before it does not
# make a description ("British American Tobacco", "Turkish Airlines").
COMPANY = words_of(
    """Tobacco Airlines Airways Air Motors Foods Oil Petroleum Holdings Industries Technologies
    Telecom Communications Electronics Entertainment Records Pictures Studios Software
    Pharmaceuticals Brewery Tours Telescope Probe Group"""
)
# Craft that bear names, which the press keeps: "the Messenger probe", "the Curiosity rover".
CRAFT = words_of(
    """probe probes spacecraft orbiter lander rover satellite telescope shuttle capsule
    module submarine frigate destroyer aircraft-carrier"""
)
# Words of a news organisation's or programme's name ("Fox News Sunday", "the Evening
# Standard"): a run of capitalised words with one after its first word is kept whole.
MEDIA = words_of(
    "News Times Post Journal Herald Tribune Gazette Telegraph Guardian Observer Standard Mirror "
    "Chronicle Mail Independent Economist"
)
