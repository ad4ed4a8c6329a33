"""End to end, as a user runs it: the installed ``tarjama`` command on articles of our own."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from babel.numbers import NumberFormatError, parse_decimal
from lxml import html as lxml_html

from .conftest import SAMPLES, needs_apertium, shared_path

TARJAMA = str(Path(sys.executable).with_name("tarjama"))
# The disclosure label, in the language of the translation (tarjama.labels)
LABELS = {
    "es": "Beta V.1.0 - Traducción automática",
    "ca": "Beta V.1.0 - Traducció automàtica",
    "gl": "Beta V.1.0 - Tradución automática",
}
LABEL = LABELS["es"]
NUMBER = re.compile(r"\d+(?:[.,\u00a0]\d+)*")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [TARJAMA, *args], input=stdin, capture_output=True, timeout=120, check=False
    )


def values(text: str, locale: str) -> list[float]:
    out = []
    for tok in NUMBER.findall(text):
        try:
            out.append(float(parse_decimal(tok.replace("\u00a0", " "), locale=locale, strict=True)))
        except NumberFormatError:
            out.append(float(parse_decimal(tok, locale=locale)))
    return out


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


SAMPLE_FACTS = {
    "port-strike.txt": {
        "names": ["Rosa de la Vega", "Andrés Villalobos", "Youssef Ben Amara", "Ben Amara",
                  "Grace Young", "Young"],
        "credits": ["AFP / Inés CARBALLO"],
        "verbatim_places": ["Valmoria", "Torrevalls"],
        "translated_places": {"London": "Londres"},
    },
    "flood-relief.txt": {
        "names": ["Ana Maria da Costa", "Joaquim dos Santos", "Will Fisher", "Fisher"],
        "credits": ["AP / Tomás NHACUAVE"],
        "verbatim_places": ["Mbatana", "Lunhane"],
        "translated_places": {},  # Apertium knows no Spanish name for Geneva
    },
}  # fmt: skip


@needs_apertium
@pytest.mark.parametrize("name", sorted(SAMPLE_FACTS))
def test_text_article_to_spanish(name: str) -> None:
    facts = SAMPLE_FACTS[name]
    source = (SAMPLES / name).read_text(encoding="utf-8")
    result = run("translate", str(SAMPLES / name), "--to", "es")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    out = result.stdout.decode()
    _check_article(source, out, facts)


@needs_apertium
def test_seed_article_to_spanish() -> None:
    seed = shared_path("samples", "seed-article.txt")
    result = run("translate", str(seed), "--to", "es")
    assert result.returncode == 0, result.stderr.decode()
    facts = {
        "names": ["Ibrahim Kalin", "Kalin", "Bashar Al Assad", "Sedat Önal", "Antonio Guterres",
                  "Abu Ahmad", "Rami Abdel Rahman", "Khalifa Haftar", "Fayez Al Serraj"],
        "credits": ["AFP / Omar HAJ KADOUR"],
        "verbatim_places": ["Idlib", "Maaret al-Numan", "Ankara"],
        "translated_places": {"Moscow": "Moscú"},
    }  # fmt: skip
    _check_article(seed.read_text(encoding="utf-8"), result.stdout.decode(), facts)


def _check_article(source: str, out: str, facts: dict[str, object]) -> None:
    src_paras, out_paras = paragraphs(source), paragraphs(out)
    # Same structure: every paragraph and caption, plus the provenance line at the end.
    assert len(out_paras) == len(src_paras) + 1
    assert out_paras[2] == LABEL
    assert "Translated en->es by apertium" in out_paras[-1]
    captions = [p for p in src_paras if re.search(r" / [A-Z][\w ]+ / ", p)]
    assert sum(1 for p in out_paras if re.search(r" / [A-Z][\w ]+ / ", p)) == len(captions)
    assert "*" not in out
    for name in facts["names"]:  # type: ignore[attr-defined]
        assert name in out, f"name {name!r} lost"
    for credit in facts["credits"]:  # type: ignore[attr-defined]
        assert credit in out, f"credit {credit!r} lost"
    for place in facts["verbatim_places"]:  # type: ignore[attr-defined]
        assert place in out, f"place {place!r} altered"
    for place, spanish in facts["translated_places"].items():  # type: ignore[attr-defined]
        assert spanish in out, f"{place} should become {spanish}"
    # Every number of the source, by value, in Spanish notation (2,5 not 2.5; 13.000).
    body_src = "\n\n".join(src_paras[:2] + src_paras[3:])
    body_out = "\n\n".join(out_paras[:2] + out_paras[3:-1])
    want, got = values(body_src, "en"), values(body_out, "es")
    for value in want:
        assert value in got, f"number {value} missing from the Spanish text"
        got.remove(value)
    assert not re.search(r"\d,\d{3}\b", body_out), "English thousands separator left in Spanish"


@needs_apertium
def test_html_article_keeps_markup() -> None:
    source = (SAMPLES / "election-night.html").read_text(encoding="utf-8")
    result = run("translate", str(SAMPLES / "election-night.html"), "--to", "es")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    src_doc, out_doc = lxml_html.fromstring(source), lxml_html.fromstring(out)
    assert out_doc.get("lang") == "es" and out_doc.get("dir") == "ltr"
    assert LABEL in out
    for tag in ("a", "em", "strong", "p", "li", "h1", "h2", "blockquote", "figure", "img"):
        assert len(list(out_doc.iter(tag))) >= len(list(src_doc.iter(tag))), tag
    assert {a.get("href") for a in src_doc.iter("a")} <= {a.get("href") for a in out_doc.iter("a")}
    for em in out_doc.iter("em", "strong"):
        assert (em.text_content() or "").strip(), "emphasis lost its words"
    assert "CountPoint" in out
    for script in src_doc.iter("script", "style"):
        assert (script.text or "") in out
    assert "*" not in out_doc.text_content()


@needs_apertium
@pytest.mark.parametrize("fmt", ["json", "ninjs", "html", "text"])
def test_output_formats(fmt: str) -> None:
    result = run("translate", str(SAMPLES / "flood-relief.txt"), "--to", "ca", "--format", fmt)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert LABELS["ca"] in out and "apertium" in out
    if fmt in ("json", "ninjs"):
        doc = json.loads(out)
        assert doc["language"] == "ca"


@needs_apertium
def test_several_targets_and_stdin(tmp_path: Path) -> None:
    data = (SAMPLES / "port-strike.txt").read_bytes()
    result = run("translate", "-", "--to", "es,ca,gl", "--out", str(tmp_path), stdin=data)
    assert result.returncode == 0, result.stderr.decode()
    for lang in ("es", "ca", "gl"):
        assert LABELS[lang] in (tmp_path / f"article.{lang}.txt").read_text(encoding="utf-8")


def test_an_articles_html_pages_link_each_other(tmp_path: Path) -> None:
    """Text in, HTML out in two languages: the reader pages' renderer, each page naming the
    other by its file, the stylesheet inline (one file each)."""
    result = run("translate", str(SAMPLES / "port-strike.txt"), "--to", "es,ar", "--engine",
                 "pseudo", "--format", "html", "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    es = lxml_html.fromstring((tmp_path / "port-strike.es.html").read_bytes())
    ar = lxml_html.fromstring((tmp_path / "port-strike.ar.html").read_bytes())
    assert (ar.get("lang"), ar.get("dir")) == ("ar", "rtl") and es.findtext(".//style")
    head = {el.get("hreflang"): el.get("href") for el in es.iter("link") if el.get("hreflang")}
    assert head == {"es": "port-strike.es.html", "ar": "port-strike.ar.html"}
    assert es.xpath("//link[@rel='canonical']/@href") == ["port-strike.es.html"]
    [nav] = es.find_class("tarjama-languages")
    assert [(a.text, a.get("href")) for a in nav.iter("a")] == [("العربية", "port-strike.ar.html")]
    assert [el.text for el in nav.iter("span", "strong")] == ["English", "Español"]
    assert es.find_class("tarjama-label") and es.find(".//details") is not None


def test_pseudo_engine_runs_without_apertium() -> None:
    result = run("translate", str(SAMPLES / "port-strike.txt"), "--to", "es", "--engine", "pseudo")
    assert result.returncode == 0, result.stderr.decode()
    assert "⟦" in result.stdout.decode() and "AFP / Inés CARBALLO" in result.stdout.decode()


@needs_apertium
def test_languages_lists_installed_pairs() -> None:
    result = run("languages")
    assert result.returncode == 0
    pairs = {line.split()[0] for line in result.stdout.decode().splitlines()}
    assert {"en-es", "en-ca", "en-gl"} <= pairs


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", (), "empty"),
        (b"   \n\n  ", (), "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", (), "binary"),
        (b"\xef\xbb\xbfCaf\xe9 con leche", (), "not valid UTF-8"),  # a BOM says UTF-8
        (b'{"uri": "x", "headlines": [', ("--input-format", "ninjs"), "line 1"),
        (b"[1, 2, 3]", (), "ninjs"),
        (b"<html><body><p></p></body></html>", (), "html"),
        (b"Headline\n\nSome text here.", ("--to", "xx"), "available"),
        (b"Headline\n\nSome text here.", ("--from", "zz"), "available"),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, content: bytes, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "input"
    path.write_bytes(content)
    argv = ["translate", str(path), *args]
    if "--to" not in args:
        argv += ["--to", "es"]
    result = run(*argv, "--engine", "pseudo")
    err = result.stderr.decode()
    assert result.returncode != 0
    assert result.stdout == b""
    assert err.startswith("tarjama: ") and err.count("\n") == 1, err
    assert message.lower() in err.lower(), err
    assert "Traceback" not in err


def test_missing_file() -> None:
    result = run("translate", "/nonexistent/article.txt", "--to", "es")
    assert result.returncode != 0 and b"Traceback" not in result.stderr


def test_glossary_and_memory_commands(tmp_path: Path) -> None:
    """An editor's workflow from the command line: terms in, a correction stored, reused."""
    terms = tmp_path / "terms.csv"
    terms.write_text(
        "source,target,case_sensitive,do_not_translate,note\nKessa River,río Kessa,false,false,\n",
        encoding="utf-8",
    )
    assert run("glossary", "import", str(terms), "--to", "es").returncode == 0
    assert run("glossary", "export", str(tmp_path / "terms.tbx"), "--to", "es").returncode == 0
    assert "río Kessa" in (tmp_path / "terms.tbx").read_text(encoding="utf-8")
    listed = run("glossary", "list", "--to", "es").stdout.decode()
    assert "Kessa River\trío Kessa" in listed
    bad = run("glossary", "export", str(tmp_path / "terms.txt"), "--to", "es")
    assert bad.returncode == 65 and b".csv or .tbx" in bad.stderr
    # the exported TBX holds no German: the import says which entry it skipped, and where
    german = run("glossary", "import", str(tmp_path / "terms.tbx"), "--to", "de")
    assert german.returncode == 0
    assert "imported 0 terms" in german.stdout.decode()
    assert "skipped 1 entry without a en and a de term (line " in german.stdout.decode()

    source = "The Kessa River burst its banks."
    assert run("tm", "add", source, "El río Kessa se desbordó.", "--to", "es").returncode == 0
    found = run("tm", "lookup", source, "--to", "es").stdout.decode()
    assert found.startswith("1.00\thuman\tEl río Kessa se desbordó.")
    tmx = tmp_path / "memory.tmx"
    assert run("tm", "export", str(tmx), "--to", "es").returncode == 0
    assert run("tm", "import", str(tmx)).returncode == 0
    article = tmp_path / "a.txt"
    article.write_text(f"Floods\n\n{source}\n", encoding="utf-8")
    out = run("translate", str(article), "--to", "es", "--engine", "pseudo").stdout.decode()
    assert "El río Kessa se desbordó." in out


def test_tm_import_of_machine_units_names_their_engine(tmp_path: Path) -> None:
    """Another tool's TMX of machine output: kept for the engine it names, never for another."""
    source = "The ferry left Port Kessa at dawn."
    tmx = tmp_path / "vendor.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" '
        'datatype="plaintext"/><body><tu><tuv xml:lang="en"><seg>' + source + "</seg></tuv>"
        '<tuv xml:lang="es"><seg>El ferri zarpó de Port Kessa al alba.</seg></tuv></tu>'
        "</body></tmx>\n",
        encoding="utf-8",
    )
    refused = run("tm", "import", str(tmx), "--origin", "machine")
    assert refused.returncode == 2 and b"--engine" in refused.stderr
    assert run("tm", "import", str(tmx), "--engine", "pseudo").returncode == 2  # human units
    done = run("tm", "import", str(tmx), "--origin", "machine", "--engine", "pseudo",
               "--engine-version", "1", "--model", "pseudo-localisation")  # fmt: skip
    assert done.returncode == 0 and b"imported 1 units" in done.stdout
    article = tmp_path / "a.txt"
    article.write_text(f"Ferry news\n\n{source}\n", encoding="utf-8")
    out = run("translate", str(article), "--to", "es", "--engine", "pseudo").stdout.decode()
    assert "El ferri zarpó de Port Kessa al alba." in out
    # an engine of another version never gets it
    other = tmp_path / "other.tmx"
    later = "The ferry left Port Kessa at noon."
    other.write_text(tmx.read_text(encoding="utf-8").replace(source, later), "utf-8")
    assert run("tm", "import", str(other), "--origin", "machine", "--engine", "pseudo",
               "--engine-version", "0.9").returncode == 0  # fmt: skip
    article.write_text(f"Ferry news\n\n{later}\n", encoding="utf-8")
    out = run("translate", str(article), "--to", "es", "--engine", "pseudo").stdout.decode()
    assert "El ferri" not in out


@needs_apertium
def test_demo_translates_the_samples_and_the_feed_and_serves_them(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = run("demo", "--no-serve", "--out", str(out), "--to", "es")
    assert done.returncode == 0, done.stderr
    assert b"translated 4 articles and a feed of 2 items into es" in done.stdout
    index = (out / "index.html").read_text()
    for page in ("port-strike.es.html", "election-night.es.html", "bay-courier.es.xml"):
        assert f'href="{page}"' in index and (out / page).stat().st_size > 0, page
    assert 'href="port-strike.en.html"' in index and (out / "port-strike.txt").is_file()
    page = lxml_html.fromstring((out / "port-strike.es.html").read_bytes())
    assert LABEL in page.text_content()
    # the reader pages' renderer: the stylesheet and the other languages by relative address,
    # so that the folder works opened from disk
    assert (out / "tarjama.css").read_bytes().startswith(b"/*")
    head = {(el.get("rel"), el.get("hreflang")): el.get("href") for el in page.iter("link")}
    assert head == {
        ("stylesheet", None): "tarjama.css", ("canonical", None): "port-strike.es.html",
        ("alternate", "en"): "port-strike.en.html", ("alternate", "es"): "port-strike.es.html",
        ("alternate", "x-default"): "port-strike.en.html",
    }  # fmt: skip
    [nav] = page.find_class("tarjama-languages")
    assert [(a.get("hreflang"), a.get("href")) for a in nav.iter("a")] == [
        ("en", "port-strike.en.html")
    ]
    assert nav.findtext(".//strong") == "Español"
    data = json.loads(page.find(".//script[@type='application/ld+json']").text)
    assert (data["@type"], data["inLanguage"], data["isBasedOn"]) == (
        "NewsArticle", "es", "port-strike.en.html")  # fmt: skip
    assert page.find(".//details") is not None and page.findtext(".//h1")
    original = lxml_html.fromstring((out / "port-strike.en.html").read_bytes())
    assert original.get("lang") == "en" and not original.find_class("tarjama-label")
    feed = (out / "bay-courier.es.xml").read_text()
    assert "<language>es</language>" in feed and LABEL in feed

    # and serves them: the index and a translated page over HTTP on a free local port
    port = _free_port()
    server = subprocess.Popen(
        [TARJAMA, "demo", "--out", str(out), "--to", "es", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert _said(server, b"serving on ").startswith(f"serving on http://127.0.0.1:{port}/")
        assert LABEL in _get(f"http://127.0.0.1:{port}/port-strike.es.html")
        assert "bay-courier.es.xml" in _get(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _said(process: subprocess.Popen[bytes], prefix: bytes, timeout: float = 60) -> str:
    """The first line of ``process``'s output that starts with ``prefix``, once it is written
    (the demo says it serves once its socket is bound)."""
    found: list[bytes] = []
    done = threading.Event()

    def first() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(prefix):
                found.append(line)
                break
        done.set()

    threading.Thread(target=first, daemon=True).start()
    assert done.wait(timeout) and found, f"no line starting {prefix!r}"
    return found[0].decode()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        body: bytes = answer.read()
        return body.decode("utf-8")


@pytest.mark.parametrize("module", ["tarjama", "tarjama.cli"])
def test_python_m_is_the_command_line(module: str, tmp_path: Path) -> None:
    def both(*args: str) -> list[tuple[int, bytes, bytes]]:
        as_module = subprocess.run([sys.executable, "-m", module, *args], input=b"Hello world.\n",
                                   capture_output=True, timeout=120, check=False)  # fmt: skip
        as_script = run(*args, stdin=b"Hello world.\n")
        # the same, but for the moment of translation in the provenance line
        moment = re.compile(rb"\d{4}-\d\d-\d\dT[\d:+]+")
        return [
            (p.returncode, moment.sub(b"T", p.stdout), p.stderr) for p in (as_module, as_script)
        ]

    made, again = both("translate", "-", "--to", "es", "--engine", "pseudo", "--no-memory")
    assert made == again and made[0] == 0 and "Héļļø" in made[1].decode()
    missing, again = both("translate", str(tmp_path / "none.txt"), "--to", "es")
    assert missing == again and missing[0] == 74 and b"none.txt" in missing[2]  # EX_IOERR
    unknown, again = both("translate", "-", "--to", "es", "--engine", "nosuch")
    assert unknown == again and unknown[0] == 78 and b"unknown engine" in unknown[2]


@needs_apertium
def test_house_style_from_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, "TARJAMA_DATA_DIR": str(tmp_path / "data"),
           "TARJAMA_GUILLEMETS": "es", "TARJAMA_HEADLINE_CASE": "es=title"}  # fmt: skip
    result = subprocess.run(
        [TARJAMA, "translate", str(SAMPLES / "port-strike.txt"), "--to", "es,ca",
         "--out", str(tmp_path)],
        capture_output=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    es = (tmp_path / "port-strike.es.txt").read_text(encoding="utf-8")
    ca = (tmp_path / "port-strike.ca.txt").read_text(encoding="utf-8")
    headline, ca_headline = es.split("\n")[0], ca.split("\n")[0]
    assert headline.split()[1][0].isupper() and not ca_headline.split()[1][0].isupper()
    assert "«hasta que" in es and "“" not in es
    assert "«" not in ca and "“" in ca
