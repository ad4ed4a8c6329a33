"""Engines and routes from the settings file and the environment, the engine built from them, and
``tarjama engines``, ``translate --engine`` and ``/ready`` on top of it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tarjama import formats
from tarjama.api import create_app
from tarjama.config import EngineSpec, Settings
from tarjama.engines.apertium import ApertiumEngine
from tarjama.engines.compose import Fallback, Router
from tarjama.engines.guards import CircuitBreaker, ConcurrencyLimit, Wrapper
from tarjama.engines.pseudo import PseudoEngine
from tarjama.engines.remote.libretranslate import LibreTranslateEngine
from tarjama.engines.setup import build_engine
from tarjama.errors import ConfigError
from tarjama.model import Pair
from tarjama.pipeline import Translator

from .conftest import SAMPLES

TARJAMA = str(Path(sys.executable).with_name("tarjama"))
EN_ES, EN_FR = Pair("en", "es"), Pair("en", "fr")

FULL = """
engine = "pseudo"
pivot = "en"

[engines.apertium]
timeout = 20.0

[engines.spare]
type = "pseudo"
max_concurrency = 4
max_wait_s = 2.5
breaker_failures = 3
breaker_reset_s = 60

[engines.local-apertium]
type = "apertium"
datadir = "/usr/share/apertium"

[routes]
"en-es" = ["apertium", "spare"]
"en-fr" = "spare"
"*" = ["pseudo", "spare"]
"""


def load(tmp_path: Path, toml: str, environ: Mapping[str, str] | None = None) -> Settings:
    path = tmp_path / "tarjama.toml"
    path.write_text(toml, encoding="utf-8")
    return Settings.load(path, environ=dict(environ or {}))


def broken_apertium(tmp_path: Path) -> Path:
    """Apertium data whose en-es pipeline dies at once: an engine that lists en-es, and fails."""
    modes = tmp_path / "broken-apertium" / "modes"
    modes.mkdir(parents=True)
    (modes / "eng-spa.mode").write_text("false\n")
    return modes.parent


# --- loading -----------------------------------------------------------------------------------


def test_full_example_loads(tmp_path: Path) -> None:
    settings = load(tmp_path, FULL)
    assert settings.routes == {
        "en-es": ("apertium", "spare"), "en-fr": ("spare",), "*": ("pseudo", "spare"),
    }  # fmt: skip
    assert settings.default_route == ("pseudo", "spare")
    assert settings.pivot == "en"
    assert settings.engine_spec("spare") == EngineSpec(
        "spare", "pseudo", {}, max_concurrency=4, max_wait_s=2.5, breaker_failures=3,
        breaker_reset_s=60.0,
    )  # fmt: skip
    assert settings.engine_spec("apertium") == EngineSpec("apertium", "apertium", {"timeout": 20.0})
    assert settings.engine_spec("pseudo") == EngineSpec("pseudo", "pseudo", {})


def test_environment_sets_routes_and_engine_options(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        FULL,
        {
            "TARJAMA_ROUTES": "en-es=local-apertium,spare; en-ca=apertium",
            "TARJAMA_ENGINES__LOCAL_APERTIUM__TIMEOUT": "0.5",
            "TARJAMA_ENGINES__SPARE__MAX_CONCURRENCY": "2",
            "TARJAMA_ENGINES__MY_PSEUDO__TYPE": "pseudo",
            "TARJAMA_PIVOT": "",
        },
    )
    assert settings.routes["en-es"] == ("local-apertium", "spare")
    assert settings.routes["en-ca"] == ("apertium",)
    assert settings.routes["en-fr"] == ("spare",)  # the file's, untouched
    assert settings.engines["local-apertium"] == {
        "type": "apertium", "datadir": "/usr/share/apertium", "timeout": "0.5",
    }  # fmt: skip
    assert settings.engine_spec("spare").max_concurrency == 2
    assert settings.engine_spec("spare").breaker_failures == 3
    assert settings.engine_spec("my-pseudo").type == "pseudo"
    assert settings.pivot == ""


def test_naming_the_engine_in_a_later_layer_replaces_the_default_route(tmp_path: Path) -> None:
    assert load(tmp_path, FULL).default_route == ("pseudo", "spare")
    assert load(tmp_path, FULL, {"TARJAMA_ENGINE": "spare"}).default_route == ("spare",)
    assert load(tmp_path, 'engine = "spare"\n[engines.spare]\ntype = "pseudo"').default_route == (
        "spare",
    )


@pytest.mark.parametrize(
    ("toml", "environ", "message"),
    [
        ('[engines.x]\ntype = "systran"', {},
         "engine 'x': unknown type 'systran'; available: apertium, "),
        ("[engines.x]\nbeam_size = 4", {}, "engine 'x' has no type; give type = one of apertium"),
        ('[engines]\nx = "pseudo"', {}, "engines must be tables ([engines.NAME])"),
        ('[routes]\n"en-ar" = ["opus", "pseudo"]', {},
         "routes: 'en-ar' names engine 'opus', which is not defined; configured: none; "
         "built-in: apertium, "),
        ('[routes]\n"en_es" = ["pseudo"]', {},
         "'en_es' is not a language pair; write e.g. \"en-es\""),
        ('[routes]\n"english-spanish" = ["pseudo"]', {},
         "'english-spanish' is not a language pair"),
        ('[routes]\n"en-es" = []', {}, "routes: 'en-es' names no engine"),
        ('[routes]\n"en-es" = ["pseudo", "pseudo"]', {}, "names an engine twice"),
        ('[routes]\n"en-es" = [1]', {}, "routes 'en-es' must be a list of engine names"),
        ('[engines.x]\ntype = "pseudo"\nmax_concurrency = 0', {},
         "engine 'x': max_concurrency = 0 must be a whole number above 0"),
        ('[engines.x]\ntype = "pseudo"\nmax_concurrency = 2.5', {},
         "max_concurrency = 2.5 must be a whole number above 0"),
        ('[engines.x]\ntype = "pseudo"\nbreaker_reset_s = "soon"', {},
         "breaker_reset_s = 'soon' must be a number above 0"),
        ('[engines.x]\ntype = "pseudo"\nmax_wait_s = 1', {}, "max_wait_s needs max_concurrency"),
        ('[engines.x]\ntype = "pseudo"\nbreaker_reset_s = 9', {},
         "breaker_reset_s needs breaker_failures"),
        ('engine = "systran"', {},
         "unknown engine 'systran'; configured: none; built-in: apertium"),
        ('engine = "apertium"\n[routes]\n"*" = ["pseudo"]', {},
         "engine = 'apertium' but routes \"*\" starts with 'pseudo'; give one of them"),
        ('pivot = "English"', {}, "pivot = 'English' is not a language code"),
        ("", {"TARJAMA_ROUTES": "en-es:pseudo"}, "routes item 'en-es:pseudo' has no '='"),
        ("", {"TARJAMA_ROUTES": "en-es=nosuch"}, "names engine 'nosuch', which is not defined"),
        ("", {"TARJAMA_ENGINES": "pseudo"}, "TARJAMA_ENGINES__NAME__KEY=value"),
        ("", {"TARJAMA_ENGINES__PSEUDO": "x"}, "TARJAMA_ENGINES__PSEUDO: write TARJAMA_ENGINES__"),
        ("", {"TARJAMA_ENGINES__X__MAX_CONCURRENCY": "2"}, "engine 'x' has no type"),
        ("", {"TARJAMA_ENGINES__PSEUDO__BREAKER_FAILURES": "many"},
         "breaker_failures = 'many' must be a whole number above 0"),
    ],
)  # fmt: skip
def test_configuration_errors_are_clear(
    tmp_path: Path, toml: str, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load(tmp_path, toml, environ)
    assert message in str(err.value)


# --- building ----------------------------------------------------------------------------------


def test_nothing_configured_gives_the_engine_itself(tmp_path: Path) -> None:
    with build_engine(load(tmp_path, 'engine = "pseudo"')) as engine:
        assert type(engine) is PseudoEngine


def test_built_engine_follows_the_settings(tmp_path: Path) -> None:
    settings = load(
        tmp_path, FULL, {"TARJAMA_ENGINES__LOCAL_APERTIUM__TIMEOUT": "0.5", "TARJAMA_ROUTES":
                         "en-ca=local-apertium"},
    )  # fmt: skip
    with build_engine(settings) as engine:
        assert isinstance(engine, Router) and engine.pivot == "en"
        es = engine.routes[EN_ES]
        assert isinstance(es, Fallback)
        apertium, spare = es.engines
        assert isinstance(apertium, Wrapper) and isinstance(apertium.inner, ApertiumEngine)
        assert apertium.inner.timeout == 20.0
        assert isinstance(spare, ConcurrencyLimit) and spare.max_concurrency == 4
        assert spare.wait_s == 2.5 and spare.name == "spare"
        breaker = spare.inner
        assert isinstance(breaker, CircuitBreaker) and (breaker.failures, breaker.reset_s) == (
            3, 60.0,
        )  # fmt: skip
        # One instance per configured engine, whichever routes name it.
        assert engine.routes[EN_FR] is spare
        assert isinstance(engine.default, Fallback) and engine.default.engines[1] is spare
        local = engine.routes[Pair("en", "ca")]
        assert isinstance(local, Wrapper) and isinstance(local.inner, ApertiumEngine)
        assert local.inner.timeout == 0.5  # the environment's string, as the constructor's float
        assert local.inner.datadir == Path("/usr/share/apertium")


def test_unknown_engine_option_lists_the_right_ones(tmp_path: Path) -> None:
    settings = load(tmp_path, '[engines.x]\ntype = "apertium"\ntimout = 3\n[routes]\n"en-es" = "x"')
    with pytest.raises(ConfigError) as err:
        build_engine(settings)
    assert str(err.value) == (
        "engine 'x' (type apertium): unknown key timout; apertium takes: datadir, timeout; "
        "generic keys: max_concurrency, max_wait_s, breaker_failures, breaker_reset_s"
    )
    bad = load(tmp_path, '[engines.x]\ntype = "apertium"\n[routes]\n"en-es" = "x"',
               {"TARJAMA_ENGINES__X__TIMEOUT": "soon"})  # fmt: skip
    with pytest.raises(ConfigError, match="engine 'x' \\(type apertium\\): timeout = 'soon'"):
        build_engine(bad)


@pytest.mark.parametrize(
    ("kind", "takes"),
    [
        ("pseudo", "nothing"),
        # the options every remote or neural engine shares come from the base constructor
        ("libretranslate", "url, char_limit, api_key, api_key_env, batch_size, timeout, "
                           "retries, backoff, retry_after_cap"),
        ("transformers", "model, pairs, device, threads, languages, beam_size, max_batch_size, "
                         "max_input_tokens, max_output_ratio, max_output_extra, "
                         "on_placeholder_loss"),
    ],
)  # fmt: skip
def test_unknown_key_lists_every_key_the_engine_takes(
    tmp_path: Path, kind: str, takes: str
) -> None:
    settings = load(tmp_path, f'[engines.x]\ntype = "{kind}"\nfoo = 1\n[routes]\n"en-es" = "x"')
    with pytest.raises(ConfigError) as err:
        build_engine(settings)
    assert f"unknown key foo; {kind} takes: {takes}; generic keys" in str(err.value)


def test_a_shared_option_from_the_environment_takes_its_declared_type(tmp_path: Path) -> None:
    settings = load(
        tmp_path, '[engines.x]\ntype = "libretranslate"\n[routes]\n"en-es" = "x"',
        {"TARJAMA_ENGINES__X__BATCH_SIZE": "7", "TARJAMA_ENGINES__X__CHAR_LIMIT": "300"},
    )  # fmt: skip
    with build_engine(settings) as engine:
        assert isinstance(engine, Router)
        named = engine.routes[EN_ES]
        assert isinstance(named, Wrapper) and isinstance(named.inner, LibreTranslateEngine)
        assert named.inner.batch_size == 7 and named.inner.request_chars == 300


def test_engine_override_takes_a_configured_or_built_in_name(tmp_path: Path) -> None:
    settings = load(tmp_path, FULL)
    with build_engine(settings, default="spare") as engine:
        assert isinstance(engine, Router) and isinstance(engine.default, ConcurrencyLimit)
    with build_engine(load(tmp_path, ""), default="pseudo") as engine:
        assert type(engine) is PseudoEngine
    with pytest.raises(ConfigError, match="unknown engine 'nosuch'; configured: apertium, spare"):
        build_engine(settings, default="nosuch")


def test_failing_configured_engine_falls_back_and_its_breaker_opens(tmp_path: Path) -> None:
    datadir = broken_apertium(tmp_path)
    settings = load(tmp_path, f"""
        [engines.broken]
        type = "apertium"
        datadir = "{datadir}"
        breaker_failures = 1
        breaker_reset_s = 300
        [routes]
        "en-es" = ["broken", "pseudo"]
    """)  # fmt: skip
    article = formats.read((SAMPLES / "port-strike.txt").read_bytes())
    with build_engine(settings) as engine:
        assert engine.direction(EN_ES).provenance.engine == "apertium"
        result = Translator(engine).translate(article, "es")
        assert result.provenance.engine == "pseudo"
        assert "⟦" in formats.write(result, "text")
        assert isinstance(engine, Router)
        chain = engine.routes[EN_ES]
        assert isinstance(chain, Fallback)
        breaker = chain.engines[0]
        assert isinstance(breaker, CircuitBreaker) and breaker.state == "open"
        assert engine.direction(EN_ES).provenance.engine == "pseudo"
        assert Translator(engine).translate(article, "es").provenance.engine == "pseudo"


# --- the command line and the service ----------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TARJAMA, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "engines.toml"
    path.write_text(f"""
        engine = "pseudo"
        [engines.broken]
        type = "apertium"
        datadir = "{tmp_path / "nothing-installed"}"
        [engines.spare]
        type = "pseudo"
        max_concurrency = 2
        breaker_failures = 3
        [routes]
        "en-es" = ["pseudo"]
        "en-fr" = ["broken", "spare"]
    """)  # fmt: skip
    return path


def test_engines_command_lists_engines_and_routes(config: Path) -> None:
    result = run("--config", str(config), "engines")
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == ["ENGINE", "TYPE", "HEALTH", "PAIRS"]
    rows = {line[0]: line for line in lines[1:]}
    assert rows["broken"][:5] == ["broken", "apertium", "DOWN:", "no", "language"]
    assert rows["spare"][:3] == ["spare", "pseudo", "ok"] and "en-ar" in rows["spare"]
    assert rows["en-es"] == ["en-es", "ok", "pseudo", "pseudo"]
    assert rows["en-fr"] == ["en-fr", "degraded", "spare", "broken", ">", "spare"]
    assert rows["*"] == ["*", "ok", "pseudo", "pseudo"]

    strict = run("--config", str(config), "engines", "--strict", "--json")
    assert strict.returncode == 69
    assert strict.stderr == "tarjama: route en-fr is degraded\n"
    report = json.loads(strict.stdout)
    assert [(e["name"], e["type"], e["ok"]) for e in report["engines"]] == [
        ("broken", "apertium", False), ("spare", "pseudo", True), ("pseudo", "pseudo", True),
    ]  # fmt: skip
    assert report["engines"][1]["limits"] == {
        "max_concurrency": 2, "breaker_failures": 3, "breaker_reset_s": 30.0,
    }  # fmt: skip
    assert "en-es" in report["engines"][1]["pairs"]
    assert report["routes"][1] == {
        "pair": "en-fr", "engines": ["broken", "spare"], "status": "degraded", "serving": "spare",
    }  # fmt: skip


def test_engines_command_fails_when_a_route_is_down(config: Path) -> None:
    down = run("--config", str(config), "engines", "--engine", "broken")
    assert down.returncode == 69
    assert down.stderr == "tarjama: route * is down\n"
    assert "DOWN" in down.stdout


def test_engines_command_reports_configuration_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[routes]\n"en-xx" = ["opus"]\n')
    result = run("--config", str(path), "engines")
    assert result.returncode == 78
    assert "names engine 'opus', which is not defined" in result.stderr


def test_translate_uses_the_routes_and_the_engine_option(config: Path) -> None:
    article = str(SAMPLES / "port-strike.txt")
    served = run("--config", str(config), "translate", article, "--to", "fr", "--format", "json")
    assert served.returncode == 0, served.stderr
    assert json.loads(served.stdout)["provenance"]["engine"] == "pseudo"
    named = run("--config", str(config), "translate", article, "--to", "es", "--engine", "spare")
    assert named.returncode == 0, named.stderr
    assert "⟦" in named.stdout
    unknown = run("--config", str(config), "translate", article, "--to", "es", "--engine", "opus")
    assert unknown.returncode == 78
    assert unknown.stderr.startswith(
        "tarjama: unknown engine 'opus'; configured: broken, spare; built-in: apertium, "
    )
    assert unknown.stderr.count("\n") == 1


@pytest.fixture
def routed_service(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data",
        engines={"broken": {"type": "apertium", "datadir": str(broken_apertium(tmp_path))}},
        routes={"en-es": ("broken", "pseudo"), "*": ("pseudo",)},
    )
    with TestClient(create_app(settings, job_threads=0)) as client:
        yield client


def test_ready_checks_every_route_and_says_when_a_fallback_served(
    routed_service: TestClient,
) -> None:
    ready = routed_service.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {
        "engine": "ok (served by a fallback: en-es by pseudo instead of apertium)",
        "store": "ok",
    }
    response = routed_service.post(
        "/v1/translate", json={"text": "Hello world.", "targets": ["es", "fr"]}
    )
    assert response.status_code == 200, response.text
    es, fr = response.json()["translations"]
    assert es["provenance"]["signature"] == "pseudo:1:pseudo-localisation:en-es"
    assert fr["provenance"]["signature"] == "pseudo:1:pseudo-localisation:en-fr"


@pytest.mark.parametrize("value", ["0", "0.3", "1.5", "-0.2"])
def test_fuzzy_threshold_outside_its_range_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match=r"environment: fuzzy_threshold must be from 0.5 to 1"):
        Settings.load(environ={"TARJAMA_FUZZY_THRESHOLD": value})


def test_fuzzy_threshold_from_the_environment() -> None:
    assert Settings.load(environ={"TARJAMA_FUZZY_THRESHOLD": "0.9"}).fuzzy_threshold == 0.9


@pytest.mark.parametrize(
    ("environ", "toml", "thresholds"),
    [
        ({}, "", {}),
        ({"TARJAMA_REVIEW_THRESHOLD": "0.3"}, "", {"*": 0.3}),
        ({"TARJAMA_REVIEW_THRESHOLD": "es=0.4, *=0.6"}, "", {"es": 0.4, "*": 0.6}),
        ({}, "review_threshold = 0.7\n", {"*": 0.7}),
        ({}, '[review_threshold]\n"*" = 0.5\nes = 0.45\n', {"*": 0.5, "es": 0.45}),
        # the environment adds to the file, language by language
        ({"TARJAMA_REVIEW_THRESHOLD": "ca=0.2"}, "[review_threshold]\nes = 0.45\n",
         {"es": 0.45, "ca": 0.2}),
    ],
)  # fmt: skip
def test_review_thresholds_per_language(
    tmp_path: Path, environ: dict[str, str], toml: str, thresholds: dict[str, float]
) -> None:
    config = tmp_path / "tarjama.toml"
    config.write_text(toml, encoding="utf-8")
    assert Settings.load(config, environ=environ).review_threshold == thresholds


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5", r"review_threshold \* = '1.5' must be a risk from 0 to 1"),
        ("es=-0.1", r"review_threshold es = '-0.1' must be a risk from 0 to 1"),
        ("es=high", r"review_threshold es = 'high' must be a risk from 0 to 1"),
        ("e s=0.5", r"review_threshold: 'e s' is not a language code"),
    ],
)
def test_review_threshold_outside_its_range_is_refused(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=rf"^environment: {message}$"):
        Settings.load(environ={"TARJAMA_REVIEW_THRESHOLD": value})


@pytest.mark.parametrize(
    ("environ", "toml", "guillemets", "cases"),
    [
        ({}, "", (), {}),
        ({"TARJAMA_GUILLEMETS": "es, ca", "TARJAMA_HEADLINE_CASE": "title"}, "",
         ("es", "ca"), {"*": "title"}),
        ({}, 'guillemets = ["gl"]\nheadline_case = "sentence"\n', ("gl",), {"*": "sentence"}),
        ({}, '[headline_case]\n"*" = "title"\nes = "sentence"\n', (),
         {"*": "title", "es": "sentence"}),
        # the environment adds to the file, language by language
        ({"TARJAMA_HEADLINE_CASE": "en=title"}, '[headline_case]\nes = "sentence"\n', (),
         {"es": "sentence", "en": "title"}),
    ],
)  # fmt: skip
def test_house_style_settings(
    tmp_path: Path,
    environ: dict[str, str],
    toml: str,
    guillemets: tuple[str, ...],
    cases: dict[str, str],
) -> None:
    config = tmp_path / "tarjama.toml"
    config.write_text(toml, encoding="utf-8")
    settings = Settings.load(config, environ=environ)
    assert (settings.guillemets, settings.headline_case) == (guillemets, cases)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TARJAMA_GUILLEMETS": "es,fr"}, "guillemets: « » are written for ca, es, gl, not fr"),
        ({"TARJAMA_HEADLINE_CASE": "upper"},
         r"headline_case \* = 'upper' must be one of sentence, title"),
        ({"TARJAMA_HEADLINE_CASE": "e s=title"}, "headline_case: 'e s' is not a language code"),
    ],
)  # fmt: skip
def test_bad_house_style_is_refused(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=rf"^environment: {message}$"):
        Settings.load(environ=environ)
