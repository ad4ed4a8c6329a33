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
