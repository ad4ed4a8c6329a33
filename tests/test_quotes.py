"""Quotes, apostrophes, questions, datelines and bylines: the rules case by case, and the
sentences the issue found through the real Apertium."""

from __future__ import annotations

import pytest

from tarjama import inline
from tarjama.engines.apertium import ApertiumEngine
from tarjama.model import Article, Block, BlockKind
from tarjama.pipeline import Translator
from tarjama.quotes import curl, guillemets, open_marks, straighten

from .conftest import needs_apertium


@pytest.mark.parametrize(
    ("text", "curled"),
    [
        ("to 'mobilise the people's army' at once", "to ‘mobilise the people's army’ at once"),
        ("The workers' union said 'no'.", "The workers' union said ‘no’."),
        (
            "he 'used slang, and was like the students' friend.'",
            "he ‘used slang, and was like the students' friend.’",
        ),
        ("'We will not give up,' says union leader", "‘We will not give up,’ says union leader"),
        # apostrophes only: nothing to do
        ("It's the people's choice", None),
        ("The workers' union met.", None),
        # inside a tag, a quote is the tag's
        ("<g id='1'>Yes</g>", None),
    ],
)
def test_curl(text: str, curled: str | None) -> None:
    assert curl(text) == curled


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("a ‘mobilitzar l'exèrcit ’ ara", "a 'mobilitzar l'exèrcit' ara"),
        # eng-cat writes the closing mark straight, after a blank
        ("per ‘mobilitzar l'exèrcit ' ara", "per 'mobilitzar l'exèrcit' ara"),
        ("‘No daremos arriba,’ dice", "'No daremos arriba,' dice"),
    ],
)  # fmt: skip
def test_straighten(output: str, expected: str) -> None:
    assert straighten(output) == expected


@pytest.mark.parametrize(
    ("output", "target", "expected"),
    [
        ("Pagarías más?", "es", "¿Pagarías más?"),
        ("ser capaz de contestar?", "es", "¿Ser capaz de contestar?"),
        ("Resultado electoral: quién ganó y por qué?", "es",
         "Resultado electoral: ¿quién ganó y por qué?"),
        ('Preguntó: "Dónde está?"', "es", 'Preguntó: "¿Dónde está?"'),
        ("Qué día! Y luego?", "es", "¡Qué día! ¿Y luego?"),
        ("Lo hizo. Por qué?!", "es", "Lo hizo. ¿Por qué?!"),
        # one there already, even before a colon inside the question
        ("¿Quién ganó: él o ella?", "es", "¿Quién ganó: él o ella?"),
        ('<g id="1">Dónde</g> está?', "es", '<g id="1">¿Dónde</g> está?'),
        # a bracket closed before the mark, an apostrophe, a spaced dash
        ("Hizo un buen sorteo (1-1) en España?", "es", "¿Hizo un buen sorteo (1-1) en España?"),
        ("Dijo l'ONU que sí?", "es", "¿Dijo l'ONU que sí?"),
        # a quotation closed before the mark is not where the question starts
        ('Y qué trae la "búsqueda"?', "es", '¿Y qué trae la "búsqueda"?'),
        ("Hay diferencias entre los EE.UU. y Europa?", "es",
         "¿Hay diferencias entre los EE.UU. y Europa?"),
        ("Un acelerador - el LHC mide 27 km! - es necesario.", "es",
         "Un acelerador - ¡el LHC mide 27 km! - es necesario."),
        ("la gravedad (oops!) o la materia", "es", "la gravedad (¡oops!) o la materia"),
        # Catalan and Galician do not write them
        ("Pagaries més?", "ca", "Pagaries més?"),
        ("Pagarías máis?", "gl", "Pagarías máis?"),
    ],
)  # fmt: skip
def test_open_marks(output: str, target: str, expected: str) -> None:
    assert open_marks(output, target) == expected


# --- through the real engine ------------------------------------------------------------------


@pytest.fixture(scope="module")
def translator(apertium: ApertiumEngine) -> Translator:
    return Translator(apertium)


def _paragraph(translator: Translator, text: str, target: str) -> str:
    article = Article(headline="", body=(Block(BlockKind.PARAGRAPH, inline.escape_text(text)),))
    return inline.plain(translator.translate(article, target).article.body[0].text)


@needs_apertium
@pytest.mark.apertium
@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        # the quote's apostrophe was read as "I'm": "soy obilise el ejército"
        ("He urged them to 'mobilise the people's army' at once.", "es",
         "Les instó a 'mobilise el ejército de las personas' inmediatamente."),
        ("He urged them to 'mobilise the people's army' at once.", "ca",
         "Els va instar per 'mobilitzar l'exèrcit de les persones' immediatament."),
        ("Would you pay more for greener energy?", "es", "¿Pagas más para energía más verde?"),
        ("Woods won 2&1 in the final.", "ca", "Woods va vèncer 2&1 en el final."),
        ("Download the report.zip file now.", "ca", "Descarrega el report.zip arxivar ara."),
        # datelines keep their order, with the place and date translated
        ("LOS ANGELES (Reuters) - The council voted on Tuesday.", "es",
         "LOS ÁNGELES (Reuters) - El consejo votó encima martes."),
        ("GROSSETO, Italy (AP) -- A ship ran aground.", "ca",
         "GROSSETO, Itàlia (AP) -- Un vaixell va encallar."),
        ("LONDON, March 3 - Prices rose.", "es", "LONDRES, 3 de marzo - Los precios ascendieron."),
        # a byline in the target's form
        ("By Jane Smith", "ca", "Per Jane Smith"),
        ("By Jane Smith and Omar Haddad, Reuters", "es", "Por Jane Smith y Omar Haddad, Reuters"),
    ],
)  # fmt: skip
def test_through_apertium(translator: Translator, text: str, target: str, expected: str) -> None:
    assert _paragraph(translator, text, target) == expected


# --- « » (the guillemets setting) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ('Dijo: "Basta".', "Dijo: «Basta»."),
        ('"Perdimos", dijo.', "«Perdimos», dijo."),
        ("Dijo: “Ella dijo “no” ayer”.", "Dijo: «Ella dijo “no” ayer»."),
        ('Dijo: "Ella dijo "no" ayer".', "Dijo: «Ella dijo “no” ayer»."),
        # a quotation that began in an earlier sentence closes
        ('fin de la cita."', "fin de la cita.»"),
        # markup between: the marks outside tags only, the tags' own quotes untouched
        ('el <g id="1">"libro"</g> nuevo', 'el <g id="1">«libro»</g> nuevo'),
        ('<x id="1" ctype="name" equiv="a"/> "x"', '<x id="1" ctype="name" equiv="a"/> «x»'),
        # single quotation marks and apostrophes stay
        ("l'home va dir 'no'", "l'home va dir 'no'"),
        ("sin comillas", "sin comillas"),
    ],
)
def test_guillemets(output: str, expected: str) -> None:
    assert guillemets(output) == expected


QUOTED = Article(
    headline="Union says “no” to the plan",
    body=(
        Block(
            BlockKind.PARAGRAPH,
            '"Nobody here is against new machines," the union leader said on Monday.',
        ),
    ),
)


@needs_apertium
def test_guillemets_where_configured(apertium: ApertiumEngine) -> None:
    plain = Translator(apertium).translate(QUOTED, "es")
    styled = Translator(apertium, guillemets={"es"})
    es, ca = styled.translate(QUOTED, "es"), styled.translate(QUOTED, "ca")
    assert "«" not in plain.article.headline + plain.article.body[0].text  # off by default
    body = inline.plain(es.article.body[0].text)
    assert body.startswith("«") and "»," in body, body
    headline = inline.plain(es.article.headline)
    assert "«" in headline and "»" in headline and "“" not in headline, headline
    assert [s.target.replace("«", '"').replace("»", '"') for s in es.segments] == [
        s.target.replace("“", '"').replace("”", '"') for s in plain.segments
    ]
    assert "«" not in ca.article.body[0].text  # only the languages configured
