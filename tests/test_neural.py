"""The neural engines (CTranslate2, transformers) on tiny random models, and their shared codec.

The models are built once per session (``tests/tiny_models.py``): real SentencePiece, real
Marian and NLLB-style weights (random), real CTranslate2 conversion. Their outputs are garbage
that drops placeholders, which is what the recovery code needs to be shown working on.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import pytest

from tarjama import inline
from tarjama.engines import neural
from tarjama.engines.base import Engine
from tarjama.engines.registry import create
from tarjama.errors import (
    ConfigError,
    EngineUnavailableError,
    LanguageError,
    PlaceholderError,
)
from tarjama.model import Pair

from .test_engines import SENTENCES, EngineContract

needs_neural = pytest.mark.skipif(
    any(find_spec(m) is None for m in ("ctranslate2", "sentencepiece", "transformers", "torch")),
    reason="ctranslate2, sentencepiece, transformers or torch is not installed "
    "(pip install -e '.[neural]'; scripts/setup installs them)",
)
# Greedy decoding, outputs capped near the input's length: a random model would babble on.
TINY = {"beam_size": 1, "max_output_ratio": 1.5, "max_output_extra": 4}
EN_ES = Pair("en", "es")
EN_AR = Pair("en", "ar")


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests.tiny_models import build_all

    return build_all(tmp_path_factory.mktemp("tiny-models"))


# --- the codec, without a model ----------------------------------------------------------------

TAGGED = (
    'Prices rose by <x id="1" ctype="number" equiv="5%"/> in the <g id="2">northern</g> '
    'region &amp; <x id="3"/> more.'
)


def test_mask_unescapes_and_numbers_every_tag() -> None:
    m = neural.mask(TAGGED)
    assert m.text == "Prices rose by [1] in the [2]northern[3] region & [4] more."
    assert [type(t).__name__ for t in m.tags] == ["Placeholder", "Open", "Close", "Placeholder"]
    assert not m.clash


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            "Los precios subieron [1] en la región [2]norte[3] & [4] más.",
            'Los precios subieron <x id="1"/> en la región <g id="2">norte</g> &amp; '
            '<x id="3"/> más.',
        ),
        # moved (the model reorders: fine), blanks at a pair's edges moved outside it
        (
            "[4] Los precios <subieron> [2] norte [3] [1].",
            '<x id="3"/> Los precios &lt;subieron&gt; <g id="2">norte</g> <x id="1"/>.',
        ),
        # the model's own digits and brackets: Arabic-Indic, full-width, with blanks
        (
            "ارتفعت الأسعار [١] في [ ٢ ]الشمال[٣] و［4］",
            'ارتفعت الأسعار <x id="1"/> في <g id="2">الشمال</g> و<x id="3"/>',
        ),
    ],
)
def test_unmask_puts_every_tag_back(output: str, expected: str) -> None:
    assert neural.unmask(output, neural.mask(TAGGED)) == expected


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        ("Los precios subieron en la región [2]norte[3] & [4] más.", "lost [1]"),
        ("Los precios [1] subieron [1] en la [2]norte[3] & [4].", "duplicated [1]"),
        ("[1] [2]norte[3] [4] [5]", "invented [5]"),
        ("[1] [3]norte[2] [4]", "unbalanced"),
        ("[1] norte [4]", "lost [2], [3]"),
    ],
)
def test_unmask_detects_lost_duplicated_and_unbalanced(output: str, problem: str) -> None:
    with pytest.raises(PlaceholderError, match=re.escape(problem)):
        neural.unmask(output, neural.mask(TAGGED))


def test_nested_pairs_must_close_in_order() -> None:
    m = neural.mask('<g id="1">a <g id="2">b</g></g>')
    assert m.text == "[1]a [2]b[3][4]"
    assert neural.unmask("[1]x [2]y[3][4]", m) == '<g id="1">x <g id="2">y</g></g>'
    with pytest.raises(PlaceholderError, match="unbalanced"):
        neural.unmask("[1]x [2]y[4][3]", m)  # crossed: </g> of 1 before </g> of 2


def test_text_that_reads_as_a_placeholder_is_a_clash() -> None:
    assert neural.mask('See note [1] and <x id="1"/>.').clash
    assert not neural.mask('See note 1 and <x id="1"/>.').clash


def test_restore_by_alignment_finds_the_copied_equiv() -> None:
    m = neural.mask(TAGGED.replace('<x id="3"/>', '<x id="3" ctype="name" equiv="Obama"/>'))
    assert neural.unmasked_source(m) == "Prices rose by 5% in the northern region & Obama more."
    out = "Obama dijo que los precios subieron un 5% en la región northern & más."
    assert neural.restore_by_alignment(out, m) == (
        '<x id="3"/> dijo que los precios subieron un <x id="1"/> en la región '
        '<g id="2">northern</g> &amp; más.'
    )


@pytest.mark.parametrize(
    "out",
    [
        "Obama dijo que los precios subieron un 5% en la región norte.",  # pair's words translated
        "Dijo que los precios subieron un 5% en la región northern.",  # equiv not copied
        "Obama y Obama: 5% en la región northern.",  # copied twice: which one?
    ],
)
def test_restore_by_alignment_refuses_what_it_cannot_place(out: str) -> None:
    m = neural.mask(TAGGED.replace('<x id="3"/>', '<x id="3" ctype="name" equiv="Obama"/>'))
    with pytest.raises(PlaceholderError):
        neural.restore_by_alignment(out, m)


def test_placeholder_without_equiv_cannot_be_aligned() -> None:
    with pytest.raises(PlaceholderError):
        neural.restore_by_alignment("Prices rose by 5%.", neural.mask(TAGGED))


def test_split_strategy_keeps_every_tag_in_source_order() -> None:
    m = neural.mask(TAGGED)
    runs = neural.text_runs(m)
    assert runs == ["Prices rose by ", " in the ", "northern", " region & ", " more."]
    out = neural.reassemble(m, ["Los precios subieron", "en la", "norte", "región &", "más."])
    assert out == (
        'Los precios subieron <x id="1"/> en la <g id="2">norte</g> región &amp; <x id="3"/> más.'
    )


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        ("one two three", 5, ["one two three"]),
        (
            "one two three four, five six seven; eight nine",
            4,
            ["one two three four,", "five six seven;", "eight nine"],
        ),
        ("one two three four five six", 3, ["one two three", "four five six"]),
        ("abcdefgh", 4, ["abcd", "efgh"]),
        ("قال الوزير، إن المحادثات ستستأنف", 3, ["قال الوزير،", "إن المحادثات ستستأنف"]),
    ],
)
def test_split_long(text: str, limit: int, pieces: list[str]) -> None:
    count = len if " " not in text else (lambda t: len(t.split()))
    assert neural.split_long(text, count, limit) == pieces


@pytest.mark.parametrize(
    ("vocabulary", "tag", "token"),
    [
        (["eng_Latn", "arb_Arab"], "ar", "arb_Arab"),
        (["eng_Latn", "arb_Arab"], "ar-EG", "arb_Arab"),
        (["zho_Hans", "zho_Hant"], "zh-Hant", "zho_Hant"),
        (["zho_Hans", "zho_Hant"], "zh-TW", "zho_Hant"),
        (["zho_Hans", "zho_Hant"], "zh", "zho_Hans"),
        (["spa_Latn", "eng_Latn"], "es-419", "spa_Latn"),
        (["__en__", "__zh__"], "zh-Hant", "__zh__"),
        (["__en__", "__es__"], "en-GB", "__en__"),
        ([">>es<<", ">>fr<<"], "fr", ">>fr<<"),
        ([">>ara<<", ">>arz<<", ">>ary<<"], "ar", ">>ara<<"),  # opus-mt-en-ar
        ([">>ara<<", ">>arz<<", ">>ary<<"], "ary", ">>ary<<"),
        (["eng_Latn", "arb_Arab"], "xx", None),
    ],
)
def test_language_tokens(vocabulary: list[str], tag: str, token: str | None) -> None:
    assert neural.Languages.from_vocabulary(vocabulary).token(tag) == token


def test_languages_named_from_tokens_and_overrides() -> None:
    langs = neural.Languages.from_vocabulary(
        ["eng_Latn", "arb_Arab", "zho_Hant", "ary_Arab", "xyz_Qqqq"], {"ar-MA": "ary_Arab"}
    )
    assert langs.languages() == ["ar", "ar-MA", "en", "zh-Hant"]
    assert langs.token("ar-MA") == "ary_Arab"


# --- the engines on tiny models ------------------------------------------------------------------


class NeuralContract(EngineContract):
    def test_escaping_survives(self, engine: Engine) -> None:
        # A random model writes no "&" of its own, so the contract's check cannot pass on one;
        # shown instead: the model is given the unescaped text, and escapes come back escaped.
        assert isinstance(engine, neural.NeuralEngine)
        out = engine.translate_batch([SENTENCES[3]], self.pair)[0]
        plain = engine.translate_plain(
            ["Fish & chips cost less than <5 euros> at the port."], self.pair
        )
        assert out == inline.escape_text(plain[0])
        kept = engine.translate_batch(['<g id="1">Fish</g> &amp; <g id="2">chips</g>'], self.pair)
        assert "&amp;" in kept[0]
        inline.parse(kept[0])

    def test_lost_placeholders_are_recovered(self, engine: Engine) -> None:
        assert isinstance(engine, neural.NeuralEngine)
        tagged = SENTENCES[2]
        raw = engine.translate_plain([neural.mask(tagged).text], self.pair)[0]
        with pytest.raises(PlaceholderError):  # the model really does lose them
            neural.unmask(raw, neural.mask(tagged))
        before = engine.recoveries
        out = engine.translate_batch([tagged], self.pair)[0]
        assert engine.recoveries == before + 1
        assert re.findall(r'<x id="\d+"/>|<g id="\d+">|</g>', out) == [
            '<g id="1">',
            "</g>",
            '<x id="2"/>',
            '<x id="3"/>',
        ]


@needs_neural
class TestCTranslate2Marian(NeuralContract):
    pair = EN_ES

    @pytest.fixture
    def engine(self, tiny: dict[str, Path]) -> Iterator[Engine]:
        yield create("ctranslate2", model=str(tiny["marian-ct2"]), pairs=["en-es"], **TINY)


@needs_neural
class TestCTranslate2Nllb(NeuralContract):
    pair = EN_AR

    @pytest.fixture
    def engine(self, tiny: dict[str, Path]) -> Iterator[Engine]:
        yield create("ctranslate2", model=str(tiny["nllb-ct2"]), compute_type="int8", **TINY)

    def test_pairs_from_language_tokens(self, engine: Engine) -> None:
        assert {str(p) for p in engine.pairs()} == {
            f"{s}-{t}" for s in ("en", "es", "ar", "zh-Hant") for t in ("en", "es", "ar", "zh-Hant")
            if s != t
        }  # fmt: skip

    def test_target_language_steers_the_output(self, engine: Engine) -> None:
        text = ["The minister said the talks would resume on Tuesday."]
        outs = {t: engine.translate_batch(text, Pair("en", t))[0] for t in ("es", "ar", "zh-Hant")}
        assert len(set(outs.values())) == 3, outs


@needs_neural
class TestTransformersMarian(NeuralContract):
    pair = EN_ES

    @pytest.fixture
    def engine(self, tiny: dict[str, Path]) -> Iterator[Engine]:
        yield create("transformers", model=str(tiny["marian"]), pairs=["en-es"], **TINY)


@needs_neural
class TestTransformersNllb(NeuralContract):
    pair = EN_AR

    @pytest.fixture
    def engine(self, tiny: dict[str, Path]) -> Iterator[Engine]:
        yield create("transformers", model=str(tiny["nllb"]), threads=1, **TINY)


@needs_neural
def test_ctranslate2_and_transformers_agree(tiny: dict[str, Path]) -> None:
    """The same weights through both engines: the same tokens in, the same greedy output."""
    ct2 = create("ctranslate2", model=str(tiny["marian-ct2"]), pairs=["en-es"], **TINY)
    hf = create("transformers", model=str(tiny["marian"]), pairs=["en-es"], **TINY)
    texts = [SENTENCES[0], "Police denied that 40 people were evacuated."]
    assert isinstance(ct2, neural.NeuralEngine) and isinstance(hf, neural.NeuralEngine)
    assert ct2.translate_plain(texts, EN_ES) == hf.translate_plain(texts, EN_ES)


@needs_neural
def test_recovery_by_alignment_on_a_real_model(tiny: dict[str, Path]) -> None:
    """A name the masked translation loses, found copied in the unmasked translation."""
    engine = create("ctranslate2", model=str(tiny["marian-ct2"]), pairs=["en-es"], **TINY)
    assert isinstance(engine, neural.NeuralEngine)
    found = []
    for name in ("Rescue", "vvvvvvv", "RR", "jj"):
        tagged = f'The minister <x id="1" ctype="name" equiv="{name}"/> said the talks resumed.'
        m = neural.mask(tagged)
        unmasked = engine.translate_plain([neural.unmasked_source(m)], EN_ES)[0]
        if unmasked.count(name) == 1:
            out = engine.translate_batch([tagged], EN_ES)[0]
            assert out == inline.escape_text(unmasked).replace(name, '<x id="1"/>')
            found.append(name)
    assert found  # the random model copies some of these names once


@needs_neural
def test_on_placeholder_loss_error_raises(tiny: dict[str, Path]) -> None:
    engine = create(
        "ctranslate2", model=str(tiny["marian-ct2"]), pairs=["en-es"],
        on_placeholder_loss="error", **TINY,
    )  # fmt: skip
    assert engine.translate_batch([SENTENCES[0]], EN_ES)[0]  # no tags: nothing to lose
    with pytest.raises(PlaceholderError, match=r"marian-en-es-ct2@\w+\): the model lost \[1\]"):
        engine.translate_batch([SENTENCES[2]], EN_ES)


@needs_neural
def test_long_input_is_split_at_clauses_and_joined(tiny: dict[str, Path]) -> None:
    engine = create(
        "ctranslate2", model=str(tiny["marian-ct2"]), pairs=["en-es"], max_input_tokens=30,
        **TINY,
    )  # fmt: skip
    assert isinstance(engine, neural.NeuralEngine)
    head = "The minister said that talks would resume on Tuesday,"
    tail = "the president denied that prices rose by 5 percent."
    assert len(engine._tokenize(engine._loaded(), f"{head} {tail}", EN_ES)) > 30
    whole = engine.translate_plain([f"{head} {tail}"], EN_ES)[0]
    assert whole == " ".join(engine.translate_plain([head, tail], EN_ES))
    # and a split on NLLB into Chinese is joined without a blank
    nllb = create("ctranslate2", model=str(tiny["nllb-ct2"]), max_input_tokens=20, **TINY)
    assert isinstance(nllb, neural.NeuralEngine)
    to_zh = Pair("en", "zh-Hant")
    assert nllb.translate_plain([f"{head} {tail}"], to_zh)[0] == "".join(
        nllb.translate_plain([head, tail], to_zh)
    )


@needs_neural
def test_models_are_loaded_once_and_shared(tiny: dict[str, Path]) -> None:
    from tarjama.engines.ctranslate2 import CTranslate2Engine

    a = CTranslate2Engine(str(tiny["marian-ct2"]), ["en-es"], **TINY)
    b = CTranslate2Engine(str(tiny["marian-ct2"]), ["en-es"], beam_size=2)
    c = CTranslate2Engine(str(tiny["marian-ct2"]), ["en-es"], compute_type="int8")
    assert a._loaded().translator is b._loaded().translator
    assert a._loaded().translator is not c._loaded().translator


@needs_neural
def test_a_changed_model_gets_a_new_name_and_is_reloaded(
    tiny: dict[str, Path], tmp_path: Path
) -> None:
    model = shutil.copytree(tiny["marian-ct2"], tmp_path / "opus-mt-en-es")
    engine = create("ctranslate2", model=str(model), pairs=["en-es"], **TINY)
    name = engine.model_for(EN_ES)
    assert name.startswith("opus-mt-en-es@")
    first = engine.translate_batch([SENTENCES[0]], EN_ES)
    old = engine._loaded().translator
    os.utime(model / "model.bin", ns=(1, 1))
    assert engine.model_for(EN_ES) != name
    assert engine.translate_batch([SENTENCES[0]], EN_ES) == first
    assert engine._loaded().translator is not old


@needs_neural
@pytest.mark.parametrize("kind", ["ctranslate2", "transformers"])
def test_missing_model_is_a_clear_error(kind: str, tmp_path: Path) -> None:
    engine = create(kind, model=str(tmp_path / "nowhere"), pairs=["en-ar"])
    with pytest.raises(EngineUnavailableError, match=re.escape(str(tmp_path / "nowhere"))):
        engine.translate_batch(["Hello."], EN_AR)
    health = engine.health()
    assert not health.ok and "nowhere" in health.detail


@pytest.mark.parametrize("kind", ["ctranslate2", "transformers"])
def test_no_model_configured_is_a_clear_error(kind: str) -> None:
    engine = create(kind)  # what `tarjama languages --engine ctranslate2` does without a table
    with pytest.raises(EngineUnavailableError, match=r"needs a model directory: model = "):
        engine.pairs()
    assert not engine.health().ok


@needs_neural
def test_a_directory_that_is_not_a_ct2_model(tiny: dict[str, Path]) -> None:
    engine = create("ctranslate2", model=str(tiny["marian"]), pairs=["en-es"])
    with pytest.raises(EngineUnavailableError, match=r"model\.bin missing"):
        engine.translate_batch(["Hello."], EN_ES)


@needs_neural
def test_bilingual_model_needs_its_pairs(tiny: dict[str, Path]) -> None:
    engine = create("ctranslate2", model=str(tiny["marian-ct2"]))
    with pytest.raises(ConfigError, match="name the pairs"):
        engine.pairs()
    assert not engine.health().ok


@needs_neural
def test_multilingual_pairs_must_have_language_tokens(tiny: dict[str, Path]) -> None:
    engine = create("ctranslate2", model=str(tiny["nllb-ct2"]), pairs=["en-fr"])
    with pytest.raises(LanguageError, match="no language token for 'fr'"):
        engine.pairs()
    mapped = create(
        "ctranslate2", model=str(tiny["nllb-ct2"]), pairs=["en-fr", "en-es"],
        languages={"fr": "spa_Latn"}, **TINY,
    )  # fmt: skip
    # "fr" now names the Spanish token: the same output as en-es
    assert mapped.translate_batch([SENTENCES[0]], Pair("en", "fr")) == mapped.translate_batch(
        [SENTENCES[0]], EN_ES
    )
    assert Pair("en", "fr") in mapped.pairs()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"compute_type": "int3"}, "compute_type"),
        ({"device": "tpu"}, "device"),
        ({"on_placeholder_loss": "drop"}, "on_placeholder_loss"),
        ({"beam_size": 0}, "beam_size"),
    ],
)
def test_bad_options_are_config_errors(options: dict[str, object], message: str) -> None:
    from tarjama.engines.ctranslate2 import CTranslate2Engine

    with pytest.raises(ConfigError, match=message):
        CTranslate2Engine("/srv/models/x", ["en-es"], **options)
