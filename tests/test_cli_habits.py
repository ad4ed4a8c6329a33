"""The command line as people use it: languages written their way, a folder of articles, the
list of API keys, shell completion and progress bars. End to end through the installed
``tarjama`` command (the pseudo engine where the engine is beside the point).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import time
from pathlib import Path

import lxml.html
import pytest

from tarjama.cli.codes import canonical, known, resolve
from tarjama.errors import LanguageError

from .conftest import SAMPLES, needs_apertium
from .test_cli import TARJAMA, run
from .test_extract import PAGE, PARAGRAPHS
from .test_page_translate import STRAY_END


def untimed(translation: bytes) -> bytes:
    """A translated text without the time in its last line ("Translated en->es by ..., TIME")."""
    return translation.rpartition(b", ")[0]


SERVED = {"ca", "ca-valencia", "ca-valencia_uni_iec2017", "en", "en-US", "es", "gl"}


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("es", "es"), ("ES", "es"), ("es-ES", "es-ES"), ("es_es", "es-ES"), ("spa", "es"),
        ("Spanish", "es"), ("spanish", "es"), ("cat", "ca"), ("Galician", "gl"), ("eng", "en"),
        ("en-us", "en-US"), ("sr_latn_rs", "sr-Latn-RS"), ("iw", "he"), (" gl ", "gl"),
        ("CA-Valencia", "ca-valencia"),
    ],
)  # fmt: skip
def test_canonical_codes(written: str, code: str) -> None:
    assert canonical(written) == code


@pytest.mark.parametrize(
    ("written", "served"),
    [
        ("ES", "es"), ("es-ES", "es"), ("es_MX", "es"), ("spa", "es"), ("Spanish", "es"),
        ("español", "es"), ("Català", "ca"), ("galego", "gl"), ("ca_valencia", "ca-valencia"),
        ("ca-Valencia-Uni-IEC2017", "ca-valencia_uni_iec2017"), ("en-us", "en-US"),
        ("en-GB", "en"), ("English", "en"),
    ],
)  # fmt: skip
def test_resolve_to_what_is_served(written: str, served: str) -> None:
    assert resolve(written, SERVED) == served


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("Spansh", "cannot translate into 'Spansh' (did you mean es, Spanish?)"),
        ("catalán", "cannot translate into 'catalán' (did you mean ca, Catalan?)"),
        ("fr", "cannot translate into 'fr' (French)"),
        ("French", "cannot translate into 'French'"),
        ("xx", "cannot translate into 'xx'"),
        (
            "ca-valencia-xx",
            "cannot translate into 'ca-valencia-xx' "
            "(did you mean ca-valencia, Catalan (Valencian)?)",
        ),
    ],
)
def test_resolve_refuses_with_what_is_served(written: str, message: str) -> None:
    with pytest.raises(LanguageError) as caught:
        resolve(written, SERVED)
    assert str(caught.value) == f"{message}; available: {', '.join(sorted(SERVED))}"


def test_nothing_served_means_the_canonical_code() -> None:
    """An engine that cannot list its pairs gets the code as BCP-47, and says itself."""
    assert resolve("es_es", set()) == "es-ES"


def test_known_refuses_a_word_that_is_no_language() -> None:
    assert known("Spanish") == "es"
    with pytest.raises(LanguageError, match=r"^unknown language 'Spansh' \(did you mean es, "):
        known("Spansh")


@pytest.mark.parametrize("written", ["ES", "es_ES", "spa", "Spanish", "español"])
def test_translate_takes_languages_as_people_write_them(written: str) -> None:
    article = str(SAMPLES / "port-strike.txt")
    expected = run("translate", article, "--to", "es", "--engine", "pseudo", "--no-memory")
    result = run("translate", article, "--to", written, "--engine", "pseudo", "--no-memory")
    assert result.returncode == 0, result.stderr.decode()
    assert untimed(result.stdout) == untimed(expected.stdout)
    assert b"Translated en->es by pseudo" in result.stdout
    assert 'lang="es"' in run(
        "translate", article, "--to", written, "--engine", "pseudo", "--format", "html",
        "--no-memory",
    ).stdout.decode()  # fmt: skip


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--to", "Spansh"), "tarjama: cannot translate into 'Spansh' (did you mean es, Spanish?)"),
        (("--to", "es", "--from", "Englsh"),
         "tarjama: cannot translate from 'Englsh' (did you mean en, English?); available: en"),
    ],
)  # fmt: skip
def test_an_unknown_language_gets_a_did_you_mean(args: tuple[str, ...], line: str) -> None:
    result = run("translate", str(SAMPLES / "port-strike.txt"), *args, "--engine", "pseudo")
    assert result.returncode == 64
    assert result.stdout == b""
    assert result.stderr.decode().startswith(line)
    assert result.stderr.decode().count("\n") == 1


@needs_apertium
def test_languages_lists_variants_under_their_language() -> None:
    result = run("languages")
    assert result.returncode == 0, result.stderr.decode()
    lines = {line.split()[0]: line for line in result.stdout.decode().splitlines()}
    assert {"en-es", "en-ca", "en-gl", "es-en"} <= set(lines)
    assert not [pair for pair in lines if pair.count("-") > 1]  # no odd codes of their own
    assert "English -> Catalan" in lines["en-ca"]
    assert "variants: " in lines["en-ca"] and "ca-valencia" in lines["en-ca"]
    listed = json.loads(run("languages", "--json").stdout)
    en_ca = next(o for o in listed if o["pair"] == "en-ca")
    assert en_ca["target_name"] == "Catalan" and "ca-valencia" in en_ca["variants"]
    long = run("languages", "--long").stdout.decode().splitlines()
    assert any(line.startswith("en-ca-valencia\t") for line in long)


@needs_apertium
def test_a_variant_translates(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The strike\n\nThe workers stopped on Monday.\n", encoding="utf-8")
    result = run("translate", str(article), "--to", "ca_Valencia", "--no-memory")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().startswith("La vaga")


def test_memory_commands_take_language_names(tmp_path: Path) -> None:
    assert run("glossary", "add", "Kessa River", "río Kessa", "--to", "Spanish").returncode == 0
    listed = run("glossary", "list", "--to", "ES")
    assert listed.returncode == 0 and "río Kessa" in listed.stdout.decode()
    bad = run("glossary", "list", "--to", "Spansh")
    assert bad.returncode == 2
    assert "unknown language 'Spansh' (did you mean es, Spanish?)" in bad.stderr.decode()


# --- a folder of articles ---------------------------------------------------------------------


def folder_of_articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("port-strike.txt", "flood-relief.txt", "election-night.html",
                 "market-report.ninjs.json", "bay-courier.rss", "README.md"):  # fmt: skip
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    return folder


def test_a_folder_is_translated_once(tmp_path: Path) -> None:
    folder, out = folder_of_articles(tmp_path), tmp_path / "out"
    args = ("translate", str(folder), "--to", "es,Catalan", "--out", str(out), "--engine", "pseudo")
    first = run(*args)
    assert first.returncode == 0, first.stderr.decode()
    assert first.stdout.decode() == f"wrote 10 translations into {out}/\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "bay-courier.ca.xml", "bay-courier.es.xml", "election-night.ca.html",
        "election-night.es.html", "flood-relief.ca.txt", "flood-relief.es.txt",
        "market-report.ca.ninjs.json", "market-report.es.ninjs.json", "port-strike.ca.txt",
        "port-strike.es.txt",
    ]  # fmt: skip
    single = run("translate", str(folder / "port-strike.txt"), "--to", "es", "--engine", "pseudo")
    assert untimed((out / "port-strike.es.txt").read_bytes()) == untimed(single.stdout)
    assert 'lang="ca"' in (out / "election-night.ca.html").read_text(encoding="utf-8")
    assert "<language>es</language>" in (out / "bay-courier.es.xml").read_text(encoding="utf-8")

    again = run(*args)
    assert again.stdout.decode() == f"wrote 0 translations into {out}/ (10 already done, skipped)\n"
    # a source changed since its translation is translated again, and only it
    later = time.time() + 5
    os.utime(folder / "flood-relief.txt", (later, later))
    changed = run(*args)
    assert changed.stdout.decode() == (
        f"wrote 2 translations into {out}/ (8 already done, skipped)\n"
    )
    forced = run(*args, "--force")
    assert forced.stdout.decode() == f"wrote 10 translations into {out}/\n"


def test_a_bad_file_in_a_folder_stops_only_itself(tmp_path: Path) -> None:
    folder, out = folder_of_articles(tmp_path), tmp_path / "out"
    (folder / "broken.txt").write_bytes(b"Caf\x00 con leche\n\nLa ciudad.")  # not text
    result = run("translate", str(folder), "--to", "es", "--out", str(out), "--engine", "pseudo")
    assert result.returncode == 65
    assert result.stderr.decode().splitlines() == [
        f"tarjama: {folder / 'broken.txt'}: NUL (U+0000) at offset 3 (line 1, column 4): "
        "not text (binary data, or UTF-16?)",
        "tarjama: 1 of 6 files could not be translated (see above)",
    ]
    assert len(list(out.iterdir())) == 5
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # nothing half-written


def test_a_folder_needs_out(tmp_path: Path) -> None:
    result = run("translate", str(folder_of_articles(tmp_path)), "--to", "es")
    assert result.returncode == 2
    assert "a folder is translated into files: give --out DIR" in result.stderr.decode()


def pages_folder(tmp_path: Path) -> Path:
    """A page, a fragment whose markup the translation changes (``STRAY_END``) and a text."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "harbour.html").write_text(PAGE, encoding="utf-8")
    (folder / "stray.html").write_text(STRAY_END, encoding="utf-8")
    (folder / "port-strike.txt").write_bytes((SAMPLES / "port-strike.txt").read_bytes())
    return folder


def test_a_folder_checks_each_page_and_strict_refuses_only_the_changed_ones(
    tmp_path: Path,
) -> None:
    folder, out = pages_folder(tmp_path), tmp_path / "out"
    args = ("translate", str(folder), "--to", "es,ca", "--engine", "pseudo", "--no-memory")
    lenient = run(*args, "--out", str(out))
    assert lenient.returncode == 0, lenient.stderr.decode()
    assert lenient.stderr.decode().splitlines() == [
        f"tarjama: warning ({folder / 'stray.html'}, {lang}): the page's markup changed: "
        "<div> 0 -> 1; at /: <p> became <div>; needs review"
        for lang in ("es", "ca")
    ]
    assert len(list(out.iterdir())) == 6

    strict = run(*args, "--out", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == 65
    assert strict.stdout.decode() == f"wrote 4 translations into {tmp_path / 'strict'}/\n"
    assert strict.stderr.decode().splitlines() == [
        *(
            f"tarjama: {folder / 'stray.html'}: the translation ({lang}) would change the "
            "page's markup: <div> 0 -> 1; at /: <p> became <div>"
            for lang in ("es", "ca")
        ),
        "tarjama: 1 of 3 files not written under --strict, their markup would change: "
        "stray.html (es, ca)",
    ]
    assert sorted(p.name for p in (tmp_path / "strict").iterdir()) == [
        "harbour.ca.html", "harbour.es.html", "port-strike.ca.txt", "port-strike.es.txt",
    ]  # fmt: skip


def test_a_folder_extracts_each_page(tmp_path: Path) -> None:
    folder, out = pages_folder(tmp_path), tmp_path / "out"
    (folder / "stray.html").unlink()  # no article in it to find
    args = ("translate", str(folder), "--to", "es", "--engine", "pseudo", "--no-memory")
    result = run(*args, "--out", str(out), "--extract")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == f"wrote 2 translations into {out}/\n"
    root = lxml.html.document_fromstring((out / "harbour.es.html").read_text(encoding="utf-8"))
    # the article alone: none of the page's chrome, only the renderer's language switcher
    chrome = "//nav[not(@class='tarjama-languages')] | //footer | //*[@class='cookie-banner']"
    assert not root.xpath(chrome) and not root.xpath("//a[@href='/sport']")
    # the original's address carried over: the translation's alternate in English
    assert root.xpath("//link[@rel='alternate'][@hreflang='en']/@href") == [
        "https://bay.example/news/harbour-reopens"
    ]
    assert len(root.xpath("//article//p[not(@class)]")) >= len(PARAGRAPHS)
    single = run("translate", str(folder / "port-strike.txt"), "--to", "es", "--engine", "pseudo")
    assert untimed((out / "port-strike.es.txt").read_bytes()) == untimed(single.stdout)


# --- keys ---------------------------------------------------------------------------------------


def test_keys_list_and_revoke() -> None:
    cms = run("keys", "create", "cms", "--role", "editor").stdout.decode().strip()
    run("keys", "create", "site")
    listed = run("keys", "list")
    assert listed.returncode == 0, listed.stderr.decode()
    rows = [line.split() for line in listed.stdout.decode().splitlines()]
    assert rows[0] == ["ID", "NAME", "ROLE", "CREATED", "LAST", "USED"]
    assert [(r[1], r[2], r[-1]) for r in rows[1:]] == [("cms", "editor", "never"),
                                                      ("site", "reader", "never")]  # fmt: skip
    assert cms not in listed.stdout.decode()  # ids, never keys
    key_id = cms.split("_")[1]
    assert run("keys", "revoke", key_id).stdout.decode() == f"revoked {key_id}\n"
    assert [line.split()[1] for line in run("keys", "list").stdout.decode().splitlines()[1:]] == [
        "site"
    ]
    entries = json.loads(run("keys", "list", "--all", "--json").stdout)
    assert [(e["name"], e["revoked"]) for e in entries] == [("cms", True), ("site", False)]
    assert set(entries[0]) == {"id", "name", "role", "created_at", "revoked", "last_used_at"}
    unknown = run("keys", "revoke", "000000000000")
    assert (unknown.returncode, unknown.stderr) == (65, b"tarjama: no key '000000000000'\n")


# --- completion and progress ------------------------------------------------------------------


def complete(words: str, shell: str = "bash") -> list[str]:
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1),
           "_TARJAMA_COMPLETE": f"{shell}_complete"}  # fmt: skip
    done = subprocess.run([TARJAMA], env=env, capture_output=True, text=True, check=False)
    return done.stdout.splitlines()


def test_completion_script_and_answers() -> None:
    script = run("completion", "bash")
    assert script.returncode == 0
    assert "_TARJAMA_COMPLETE=bash_complete" in script.stdout.decode()
    assert "translate" in [line.split(",")[1] for line in complete("tarjama tr")]
    assert complete("tarjama translate a.txt --engine pseudo --to f") == ["plain,fr"]
    assert complete("tarjama translate a.txt --engine pseudo --to es,g") == ["plain,es,gl"]
    # zsh shows each language's name beside it
    assert complete("tarjama translate a.txt --engine pseudo --to f", "zsh") == [
        "plain", "fr", "French"
    ]  # fmt: skip


def on_a_terminal(*args: str) -> tuple[int, str, bytes]:
    """Run ``tarjama ARGS`` with stderr on a pseudo-terminal: its status, what the terminal
    showed, and stdout."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([TARJAMA, *args], stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes (EIO) once the process is gone
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    stdout = process.stdout.read() if process.stdout else b""
    return process.wait(timeout=120), shown.decode(errors="replace"), stdout


def test_a_folder_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    folder = folder_of_articles(tmp_path)
    args = ("translate", str(folder), "--to", "es", "--engine", "pseudo", "--no-memory")
    code, shown, stdout = on_a_terminal(*args, "--out", str(tmp_path / "tty"))
    assert code == 0, shown
    assert "translating" in shown and "5/5" in shown and "100%" in shown and "files/s" in shown
    assert stdout == f"wrote 5 translations into {tmp_path / 'tty'}/\n".encode()
    piped = run(*args, "--out", str(tmp_path / "pipe"))
    assert piped.returncode == 0 and piped.stderr == b""


def test_tm_import_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    units = "".join(
        f'<tu><tuv xml:lang="en"><seg>Sentence number {i}.</seg></tuv>'
        f'<tuv xml:lang="es"><seg>Frase número {i}.</seg></tuv></tu>\n'
        for i in range(2500)
    )
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(
        f'<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en"/><body>\n{units}'
        "</body></tmx>\n",
        encoding="utf-8",
    )
    code, shown, stdout = on_a_terminal("tm", "import", str(tmx))
    assert code == 0, shown
    assert stdout == f"imported 2500 units from {tmx}\n".encode()
    assert "importing" in shown and "2500/2500" in shown and "100%" in shown
    assert "units/s" in shown
    piped = run("tm", "import", str(tmx))
    assert (piped.returncode, piped.stderr) == (0, b"")


def test_eval_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    src, ref = tmp_path / "test.en", tmp_path / "test.es"
    src.write_text("".join(f"The council met {n} times.\n" for n in range(250)), "utf-8")
    ref.write_text("".join(f"El consejo se reunió {n} veces.\n" for n in range(250)), "utf-8")
    args = ("eval", "--src", str(src), "--ref", str(ref), "--to", "es", "--engine", "pseudo")
    code, shown, stdout = on_a_terminal(*args)
    assert code == 0, shown
    assert "raw engine, then pipeline" in shown and "500/500" in shown and "lines/s" in shown
    assert stdout.startswith(b"en-es, 250 lines, engine pseudo\n")
