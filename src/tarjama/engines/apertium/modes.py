"""The installed Apertium: its translation directions (mode files), versions, and each mode's
stages as tarjama runs them.

``apertium-wblank-mode -z`` gives a mode's pipeline as a shell script; tarjama runs its stages
itself (``process.py``), in three parts when the pair has an HMM tagger (before it, the tagger
filter, after it), with one stage of its own before the generator (``SPACE_GLUED_WORDS``).
"""

from __future__ import annotations

import contextlib
import functools
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tarjama.errors import EngineUnavailableError
from tarjama.model import Pair

DEFAULT_DATADIR = Path("/usr/share/apertium")

# ISO 639-3 codes in Apertium mode names -> the BCP-47 codes tarjama speaks.
_ISO3_TO_BCP47 = {
    "eng": "en", "spa": "es", "cat": "ca", "glg": "gl", "por": "pt", "fra": "fr", "ita": "it",
    "deu": "de", "nld": "nl", "arg": "an", "oci": "oc", "eus": "eu", "ara": "ar", "rus": "ru",
    "ukr": "uk", "pol": "pl", "swe": "sv", "dan": "da", "nob": "nb", "nno": "nn", "isl": "is",
    "ron": "ro", "epo": "eo", "bre": "br", "cym": "cy", "gle": "ga", "mlt": "mt", "hin": "hi",
    "urd": "ur", "tur": "tr", "kaz": "kk", "tat": "tt", "bel": "be", "srp": "sr", "hbs": "sh",
    "slv": "sl", "mkd": "mk", "bul": "bg", "ces": "cs", "slk": "sk", "ast": "ast", "fin": "fi",
    "sme": "se", "ind": "id", "msa": "ms",
}  # fmt: skip


def _lang_from_mode(code: str) -> str:
    base, _, variant = code.partition("_")
    lang = _ISO3_TO_BCP47.get(base, base)
    return f"{lang}-{variant}" if variant else lang


def discover_modes(datadir: Path = DEFAULT_DATADIR) -> dict[Pair, Path]:
    """The installed translation directions, from the mode files Debian's packages install."""
    modes: dict[Pair, Path] = {}
    for mode in sorted((datadir / "modes").glob("*.mode")):
        src, sep, tgt = mode.stem.partition("-")
        if not sep or "-" in tgt:
            continue  # debugging modes (eng-spa-tagger...) are not translation directions
        modes[Pair(_lang_from_mode(src), _lang_from_mode(tgt))] = mode
    return modes


def _dpkg(*args: str) -> str:
    try:
        return subprocess.run(
            ["dpkg-query", *args], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def apertium_version() -> str:
    """The installed Apertium's version, from dpkg ("3.8.3-1+b2"), or "unknown"."""
    return _dpkg("-W", "-f=${Version}", "apertium").strip() or "unknown"


def mode_version(mode_file: Path) -> str:
    """The mode's language-data package and version ("apertium-eng-spa=0.8.1-2"): the model a
    translation came from, so that a data upgrade for one pair invalidates only that pair's
    machine translations in the memory."""
    package = _owner(mode_file)
    version = _dpkg("-W", "-f=${Version}", package).strip() if package else ""
    return f"{package}={version}" if package and version else "unknown"


_DPKG_INFO = Path("/var/lib/dpkg/info")


def _owner(path: Path) -> str:
    """The package that installed ``path``. ``dpkg -S`` reads every package's file list (tens of
    milliseconds, on every engine start); Apertium's own packages' lists are read first."""
    for listing in sorted(_DPKG_INFO.glob("apertium*.list")):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if str(path) in listing.read_text(encoding="utf-8").splitlines():
                return listing.stem.partition(":")[0]
    return _dpkg("-S", str(path)).partition(":")[0].strip()


@dataclass(frozen=True)
class Stages:
    """A mode's stages: before the HMM tagger, the tagger's command (run by the filter), after
    it; a pair without such a tagger has all its stages in ``front``."""

    front: str
    tagger: tuple[str, ...] | None
    back: str


# Transfer rules copy the source's blanks; a source word written with hyphens ("London-based",
# "five-year-old", "well-known") has none between its parts, so the words a rule makes of it
# reach the generator with nothing between them and come out as one ("basadoenLondres",
# "chicodecincoaños", "L'homebésabut"). A stage before the generator puts a blank between two
# such words (lexical units that start with a letter, unknown or not), also where a word-bound
# blank closes or opens between them; punctuation and a figure's letter ("60s") stay as they
# are. It is Perl (perl-base is part of every Debian system) because its reads are buffered and
# its lookahead parts a whole run of words in one pass: over newstest2013's 3000 sentences it
# takes 0.03 s of CPU, where ``sed -z -u``, which reads a byte at a time, took 0.3 s. -0 reads
# NUL-terminated records, $| passes each on as it is written.
_WORD_LU = r"\^[*#@]?\p{L}"
_GLUED_LU = rf"s/({_WORD_LU}[^\$^]*\$(?:\[\[\/\]\])?)(?=(?:\[\[[^\]\/][^\]]*\]\])?{_WORD_LU})/$1 /g"
SPACE_GLUED_WORDS = shlex.join(["perl", "-0", "-CSD", "-pe", "BEGIN { $| = 1 } " + _GLUED_LU])


@functools.cache
def split_mode(mode_file: Path) -> Stages:
    """A mode's stages (read once per mode file: a pair's pipeline and its analyser share them)."""
    try:
        script = subprocess.run(
            ["apertium-wblank-mode", "-z", str(mode_file)],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()  # fmt: skip
    except FileNotFoundError as exc:
        raise EngineUnavailableError("apertium-wblank-mode not found: run scripts/setup") from exc
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise EngineUnavailableError(f"cannot read Apertium mode {mode_file}: {exc}") from exc
    # $1 is the generator's option (-g: mark unknown words), $2 the tagger's (none).
    script = script.replace("$1", "-g").replace("$2", "")
    stages = [s.strip() for s in script.split(" | ")]
    for i, stage in enumerate(stages):
        argv = shlex.split(stage)
        if argv and argv[0] == "lt-proc" and "-g" in argv:
            stages.insert(i, SPACE_GLUED_WORDS)
            break
    for i, stage in enumerate(stages):
        argv = shlex.split(stage)
        if argv and argv[0] == "apertium-tagger" and "-g" in argv:
            return Stages(
                " | ".join(stages[:i]), (argv[0], "-d", *argv[1:]), " | ".join(stages[i + 1 :])
            )
    return Stages(" | ".join(stages), None, "")
