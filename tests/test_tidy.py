"""Quotation marks hug their words in the translation where they do in the source."""

from __future__ import annotations

import pytest

from tarjama.tidy import attach_quotes, tidy


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ('"We lost many bookings," said the operator.',
         '" Perdimos muchos bookings," dijo el operador.',
         '"Perdimos muchos bookings," dijo el operador.'),
        ('He said: "We lost them" and left.', 'Dijo: " Los perdimos " y se fue.',
         'Dijo: "Los perdimos" y se fue.'),
        # the source has blanks inside its marks: left as the engine wrote it
        ('He said " we lost " and left.', 'Dijo " perdimos " y se fue.',
         'Dijo " perdimos " y se fue.'),
        # counts differ (a quotation that goes on in the next sentence): untouched
        ('"We lost them.', '" Los perdimos.', '" Los perdimos.'),
        ('"A" and "B"', '" Un" y " B"', '"Un" y "B"'),
        # quotes inside inline tags are not quotation marks
        ('<g id="1">"We</g> lost"', '<g id="1">" Perdimos</g>"', '<g id="1">"Perdimos</g>"'),
        ("No quotes here.", "Ninguna cita aquí.", "Ninguna cita aquí."),
    ],
)  # fmt: skip
def test_attach_quotes(source: str, output: str, expected: str) -> None:
    assert attach_quotes(source, output) == expected


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ("“We are seeing whole villages under water,” said Ana Maria da Costa, the director.",
         "“ Estamos viendo pueblos enteros debajo agua,” Ana Maria da Costa dicha , el director.",
         "“Estamos viendo pueblos enteros debajo agua,” Ana Maria da Costa dicha, el director."),
        ("He left (quietly).", "Se fue (silenciosamente ) .", "Se fue (silenciosamente)."),
        # the source's own blanks stay the engine's business
        ("Wait ... and see , then.", "Espera ... y ve , entonces.", "Espera ... y ve , entonces."),
        ("« Non », dit-il.", "« No », dijo.", "« No », dijo."),
        ('"We lost them," he said .', '" Los perdimos," dijo .', '"Los perdimos," dijo .'),
        ("Nothing to tidy.", "Nada que ordenar.", "Nada que ordenar."),
    ],
)  # fmt: skip
def test_tidy(source: str, output: str, expected: str) -> None:
    assert tidy(source, output) == expected


@pytest.mark.parametrize(
    ("output", "lang", "expected"),
    [
        ('"Perdimos," dijo.', "es", '"Perdimos", dijo.'),
        ('Dijo: "Perdimos."', "es", 'Dijo: "Perdimos".'),
        ("Va dir: «Hem perdut.»", "ca", "Va dir: «Hem perdut»."),
        ("“Perdemos,” dixo.", "gl", "“Perdemos”, dixo."),
        ('Dijo "no." Y "sí,"', "es-MX", 'Dijo "no". Y "sí",'),
        # an abbreviation keeps its full stop inside the word
        ('Viajó a "EE.UU."', "es", 'Viajó a "EE.UU."'),
        # a question or an exclamation belongs to the quotation
        ('Preguntó: "¿Por qué?"', "es", 'Preguntó: "¿Por qué?"'),
        # English and French keep the engine's order
        ('"We lost," he said.', "en", '"We lost," he said.'),
        ("« Non. »", "fr", "« Non. »"),
        # inside inline tags nothing moves: their attributes are quoted
        ('<g id="1">"Perdimos,"</g> dijo.', "es", '<g id="1">"Perdimos",</g> dijo.'),
        ('<x id="2" equiv="St."/>', "es", '<x id="2" equiv="St."/>'),
    ],
)  # fmt: skip
def test_marks_follow_closing_quotes_where_the_language_puts_them(
    output: str, lang: str, expected: str
) -> None:
    assert tidy(output.replace("Perdimos", "We lost"), output, lang) == expected


@pytest.mark.parametrize(
    ("source", "output", "lang", "expected"),
    [
        # eng-spa takes the capitals of an acronym or a capitalised word to its articles
        ("The NATO summit opened.", "La cumbre DE LA OTAN abierta.", "es",
         "La cumbre de la OTAN abierta."),
        ("Water imitates it.", "EL agua lo imita.", "es", "El agua lo imita."),
        ('"Water is life."', '"EL agua es vida."', "es", '"El agua es vida".'),
        ('<x id="1"/> joined NATO.', '<x id="1"/> unió DE LA OTAN.', "es",
         '<x id="1"/> unió de la OTAN.'),
        ('<g id="1">Water</g> flows.', '<g id="1">EL agua</g> fluye.', "es",
         '<g id="1">El agua</g> fluye.'),
        ("The EU and NATO met.", "La UE i DELS OTAN.", "ca", "La UE i dels OTAN."),
        # inside an inline tag nothing changes: its attributes are the markup's
        ("He joined NATO.", '<x id="1" equiv="DE"/> unió DE LA OTAN.', "es",
         '<x id="1" equiv="DE"/> unió de la OTAN.'),
        # what the source writes in capitals, and a headline in capitals, stay as they are
        ("NATO SUMMIT OPENS IN MADRID", "CUMBRE DE LA OTAN ABRE EN MADRID", "es",
         "CUMBRE DE LA OTAN ABRE EN MADRID"),
        ("He visited LA and EL Paso.", "Visitó LA y EL Paso.", "es", "Visitó LA y EL Paso."),
        # one-letter words, other words in capitals and other languages are left alone
        ("A pact. And NATO.", "A pacto. Y OTAN.", "es", "A pacto. Y OTAN."),
        ("The NATO summit.", "The NATO summit DE LA.", "en", "The NATO summit DE LA."),
    ],
)  # fmt: skip
def test_articles_written_in_capitals_by_the_engine_are_lowered(
    source: str, output: str, lang: str, expected: str
) -> None:
    assert tidy(source, output, lang) == expected


@pytest.mark.parametrize(
    ("source", "output", "target", "expected"),
    [
        # the engine's "e" and "u" write the next word in lower case: a name's capital is back
        ("South Africa and India.", "Sudáfrica e india.", "es", "Sudáfrica e India."),
        ("He met Hillary and Ignacio in Spain and Italy.",
         "Cumplió Hillary e ignacio en España e italia.", "es",
         "Cumplió Hillary e Ignacio en España e Italia."),
        ("Oslo or Ottawa", "Oslo u ottawa", "es", "Oslo u Ottawa"),
        # not a word the source writes in lower case, nor a people's word, nor another language
        ("Seven or Eight, or Oslo", "Siete u ocho, u oslo", "es", "Siete u ocho, u Oslo"),
        ("engineers and Italian entrepreneurs", "ingenieros e italianos", "es",
         "ingenieros e italianos"),
        ("China and ice", "China e india", "es", "China e india"),
        ("China and India", "Xina e india", "gl", "Xina e india"),
    ],
)  # fmt: skip
def test_capitals_after_e_and_u(source: str, output: str, target: str, expected: str) -> None:
    assert tidy(source, output, target) == expected
