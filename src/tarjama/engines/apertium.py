"""Apertium, the embedded default engine: long-lived null-flush pipelines, one per language pair.

How a request travels (measured on Debian's apertium 3.8.3, see the README's engine notes):

- The ``apertium`` wrapper cannot serve as a request/response pipe (its deformatter drops NUL and
  reads in blocks), so tarjama runs the stages of ``apertium-wblank-mode -z <pair>.mode`` itself
  and does the deformatting (escaping, superblanks, word-bound blanks for inline markup) and the
  reformatting here, in Python.
- Reproducibility: the HMM tagger is the one stage that keeps state between requests. When it
  meets a word whose ambiguity class its model has never seen ("I", "a lot of"), it replaces its
  open class (the class used for unknown words) for the rest of the process's life, so a sentence
  with an unknown name comes out differently depending on what was translated before it. tarjama
  therefore runs the pipeline as three parts, all streaming: the stages before the tagger, a
  filter process that runs the tagger with ``-d`` (which makes it report such words) and
  replaces a tagger that reported one by a fresh one (a spare is kept loaded) before the next
  segment it would affect (``apertium_tagger.py``), and the stages after it. Every segment is
  thus tagged as by a tagger in its pristine state: the output of a segment depends on that
  segment only, and equals what a fresh ``apertium -u`` gives for it alone (but for one
  difference, under groups below). (The filter is a process of its own so that segments move
  on while this process's threads hold the interpreter lock.)
- Groups: the stages before the tagger flush once per record, and a flush per sentence costs
  every stage a wake-up (measured over newstest2013: about a tenth of the pipeline's CPU
  time). Segments therefore go to them in groups of ``_GROUP``, each segment followed by a
  superblank (``apertium_tagger.CUT``), and the filter splits the groups again, so the tagger
  and every stage after it still see one segment per record. The analyser reads a segment the
  same whatever follows the superblank (checked over newstest2013 and FLORES, en-es and en-gl:
  no difference between groupings), with one difference from a segment sent alone:
  ``apertium`` itself drops a sentence's final full stop after an unknown word ("en 3D." ->
  "en 3D"), which a segment followed by the superblank keeps. ``DRIVER_REVISION`` names this
  in provenance. Pairs whose tagger is not split off (eng-cat runs a constraint grammar before
  its tagger) send one segment per record.
- Glued words: transfer rules copy the source's blanks, and a hyphenated source word has none,
  so ``apertium`` writes the words made of it as one ("basadoenLondres"). A Perl stage before
  the generator parts them (``_SPACE_GLUED_WORDS``), and ``_rejoin`` joins again what was one
  word of the source. ``DRIVER_REVISION`` names this too.
- Unknown words come back marked (``*``, and ``#``/``@`` for generation and transfer gaps): the
  marks are removed here and the words kept exactly as written; no reader ever sees them.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import re
import secrets
import select
import shlex
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import IO

from tarjama import inline
from tarjama.engines.apertium_tagger import CUT
from tarjama.engines.base import Engine, EngineInfo, Served
from tarjama.engines.events import EVENTS, PROCESS_RESTART, STREAM_OUT_OF_STEP
from tarjama.errors import (
    EngineError,
    EngineTimeoutError,
    EngineUnavailableError,
    LanguageError,
    StreamIntegrityError,
)
from tarjama.model import Pair
from tarjama.protect import CATALAN_ELIDING

log = logging.getLogger(__name__)

DEFAULT_DATADIR = Path("/usr/share/apertium")
DRIVER_REVISION = 11

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


# --- deformatting: tarjama's inline tags -> Apertium stream format -----------------------------

_STREAM_SPECIAL = re.compile(r"([\\\[\]^$/@<>{}])")
# Characters that mean something to later stages or clash with unknown-word marks travel as
# superblanks, exactly as apertium-destxt does for "~".
_SUPERBLANK_CHARS = re.compile(r"([*#@~|]+|\n+|\t+)")
# Characters no stage may ever read, each sent as a superblank that names its code point
# (``[\<c:5e\>]``) and written back from it: NUL ends a record in null-flush mode (one NUL in a
# text cut its request in two, and every later caller got the previous caller's output); the
# other C0 and C1 controls and lone surrogates have no place in the stream; and eng-cat's
# ``lrx-proc`` reads an escaped "^" as the start of a word and swallows the rest of the record,
# its NUL included.
_OPAQUE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f^\ud800-\udfff"
_STREAM_PIECES = re.compile(rf"([*#@~|]+|\n+|\t+|[{_OPAQUE_CHARS}]+)")
_OPAQUE = re.compile(rf"[{_OPAQUE_CHARS}]+")
_WORD = re.compile(r"\S+")


_STREAM_ESCAPES = str.maketrans({c: "\\" + c for c in "\\[]^$/@<>{}"})


def _escape_stream(text: str) -> str:
    if not _STREAM_PIECES.search(text):
        return text.translate(_STREAM_ESCAPES)  # most text: nothing travels as a superblank
    out = []
    for piece in _STREAM_PIECES.split(text):
        if not piece:
            continue
        if _OPAQUE.fullmatch(piece):
            out.append("".join(f"[\\<c:{ord(c):x}\\>]" for c in piece))
        elif _SUPERBLANK_CHARS.fullmatch(piece):
            out.append("[" + _STREAM_SPECIAL.sub(r"\\\1", piece) + "]")
        else:
            out.append(_STREAM_SPECIAL.sub(r"\\\1", piece))
    return "".join(out)


def _placeholder_words(tok: inline.Placeholder) -> list[str]:
    # A placeholder travels as words held by a word-bound blank that says which span they are,
    # so that the grammar around it comes out as it would without the mask. Names, terms and
    # figures travel as the text they stand for (``equiv``): Apertium sees the sentence as it
    # is written, and whatever it does to those words, the span comes back whole. A date
    # travels as a weekday ("on Monday" -> "el lunes" -> "el 24 de diciembre de 2019", where
    # Apertium would write "encima diciembre 24"). Anything else (codes, addresses, credits)
    # travels as a proper noun the dictionaries know, a masculine one: the words around a code
    # agree with it as with a model or a product ("el Il-76 ha sido un componente"; as "Maria"
    # it was "la Il-76 ... una componente").
    if tok.ctype == "date":
        return ["Monday"]
    if tok.equiv and _PLAIN_EQUIV.fullmatch(tok.equiv):
        return tok.equiv.split()
    return ["1300" if tok.ctype == "number" else "Toledo"]


_PLAIN_EQUIV = re.compile(r"[^\W_]+(?:[\s'’.,-]+[^\W_]+)*\.?")


def to_stream(tagged: str) -> str:
    """Turn tarjama's tagged text into one Apertium stream request (without the NUL)."""
    if "<" not in tagged:  # no tags: one run of text
        return _escape_stream(unescape(tagged)) + "[\n]"
    out: list[str] = []
    open_ids: list[int] = []
    for tok in inline.parse(tagged):
        if isinstance(tok, inline.Open):
            open_ids.append(tok.id)
        elif isinstance(tok, inline.Close):
            open_ids.pop()
        elif isinstance(tok, inline.Placeholder) and not tok.ctype and not tok.equiv:
            # Markup with no words (a line break, an image): a superblank, as Apertium's own
            # HTML deformatter makes it; its content names it.
            out.append(f"[\\<x:{tok.id}\\>]")
        elif isinstance(tok, inline.Placeholder):
            wb = ";".join([*(f"g:{i}" for i in open_ids), f"x:{tok.id}"])
            words = (_escape_stream(w) for w in _placeholder_words(tok))
            out.append(" ".join(f"[[{wb}]]{w}[[/]]" for w in words))
        elif not open_ids:
            out.append(_escape_stream(tok.text))
        else:
            wb = "[[" + ";".join(f"g:{i}" for i in open_ids) + "]]"
            pos = 0
            for m in _WORD.finditer(tok.text):
                out.append(_escape_stream(tok.text[pos : m.start()]))
                out.append(wb + _escape_stream(m.group()) + "[[/]]")
                pos = m.end()
            out.append(_escape_stream(tok.text[pos:]))
    # A trailing blank: without it the pipeline drops a sentence's final punctuation.
    return "".join(out) + "[\n]"


# --- reformatting: Apertium stream -> tarjama's inline tags -----------------------------------

_OUT_TOKEN = re.compile(
    r"\[\[(?P<wb>[^\]]*)\]\]|\[(?P<sb>(?:\\.|[^\]\\])*)\]|(?P<mark>\\?[*#@])|\\(?P<esc>.)",
    re.DOTALL,
)
_BLANKS = re.compile(r"[ \t]{2,}")
_SB_ESCAPE = re.compile(r"\\(.)")
_MARKUP_BLANK = re.compile(r"<x:(\d+)>")
_CODEPOINT_BLANK = re.compile(r"<c:([0-9a-f]{1,6})>")


def _superblank_text(content: str) -> str:
    """What a superblank's (unescaped) content stands for in the output's text."""
    codepoint = _CODEPOINT_BLANK.fullmatch(content)
    return chr(int(codepoint.group(1), 16)) if codepoint else content


@dataclass
class _Piece:
    g: tuple[int, ...]
    x: int | None
    text: str


def _parse_wblank(content: str) -> tuple[tuple[int, ...], int | None]:
    g: list[int] = []
    x = None
    for part in content.split(";"):
        kind, _, num = part.strip().partition(":")
        if num.isdigit():
            if kind == "g":
                g.append(int(num))
            elif kind == "x":
                x = int(num)
    return tuple(g), x


def from_stream(
    stream: str,
    figures: dict[int, str] | None = None,
    anchors: dict[int, str] | None = None,
    target: str = "",
) -> str:
    """Turn one Apertium output back into tagged text, dropping unknown-word marks; ``target``
    is the output's language."""
    if "[[" not in stream and "x:" not in stream:
        # No word-bound blanks and no markup: the output is one run of text.
        text = _OUT_TOKEN.sub(_plain_token, stream)
        return _BLANKS.sub(" ", inline.escape_text(text)).strip()
    pieces: list[_Piece] = []
    current: tuple[tuple[int, ...], int | None] = ((), None)
    buf: list[str] = []

    def flush() -> None:
        if buf:
            pieces.append(_Piece(current[0], current[1], "".join(buf)))
            buf.clear()

    pos = 0
    for m in _OUT_TOKEN.finditer(stream):
        buf.append(stream[pos : m.start()])
        pos = m.end()
        if m.group("wb") is not None:
            flush()
            current = ((), None) if m.group("wb") == "/" else _parse_wblank(m.group("wb"))
        elif m.group("sb") is not None:
            content = _SB_ESCAPE.sub(r"\1", m.group("sb"))
            markup = _MARKUP_BLANK.fullmatch(content)
            if markup:
                flush()
                pieces.append(_Piece(current[0], int(markup.group(1)), ""))
            else:
                buf.append(_superblank_text(content))
        elif m.group("esc") is not None:
            buf.append(m.group("esc"))
        # a mark: dropped
    buf.append(stream[pos:])
    flush()
    # Dropped words (pronouns, marks) leave doubled blanks behind: a reader sees one space.
    return _BLANKS.sub(" ", _to_tagged(pieces, figures or {}, anchors or {}, target)).strip()


def _plain_token(m: re.Match[str]) -> str:
    """A token of an output without word-bound blanks or markup, as ``from_stream`` reads it."""
    if m.group("sb") is not None:
        return _superblank_text(_SB_ESCAPE.sub(r"\1", m.group("sb")))
    return m.group("esc") or ""  # an escaped character, or a mark (dropped)


# Words a transfer rule may pull into a placeholder's word-bound blank ahead of its words:
# lower-case words and elisions ("de", "del", "a", "d'"), a few at most.
_LEADING_WORDS = re.compile(r"(?:[^\W\d_A-Z]+(?:['’]|\s+)){1,3}")


# Prepositions, articles, pronouns and conjunctions of es, ca and gl: what a rule's own
# rendering of a name puts between its words ("Bradley Manning" -> "[[x:1]]Bradley[[/]] que
# [[x:1]]Tripula[[/]]" in en-gl).
_FUNCTION_WORD = (
    r"(?:de|del|dels|do|da|dos|das|el|la|els|les|los|las|lo|o|a|os|as|en|y|i|e|que|se|es|un|una)"
)

# What a reordering rule may put between the words of one placeholder ("Africa Association" ->
# "[[x:1]]Asociación[[/]] de [[x:1]]África[[/]]"): one or two of those words, or an elided one.
# Never a word of the sentence: a noun there ("cap", "rei") is the compound rule's, below.
_INSERTED_IN_PLACEHOLDER = re.compile(rf"\s*(?:(?:{_FUNCTION_WORD}\s+|[dls]['’]\s*)){{1,2}}")


# What a compound rule puts between the words of one placeholder when a noun follows it ("the
# Grand Connaught Rooms hotel" -> "[[x:1]]Grand Connaught[[/]] hotel de [[x:1]]Rooms[[/]]"): the
# noun and the preposition of its complement. The noun comes first then, the placeholder after.
# eng-cat pulls the preposition into the next blank instead ("the Valmoria Port Authority chief"
# -> "[[x:1]]El Valmoria[[/]] cap [[x:1]]d'Autoritat[[/]]"), and the noun's article into the
# first: both go with the noun.
_NOUN_OF_PLACEHOLDER = re.compile(
    rf"\s*(?P<noun>(?!{_FUNCTION_WORD}\s)[^\W\d_A-Z]{{2,}}"
    rf"(?:\s+(?!{_FUNCTION_WORD}\s)[^\W\d_A-Z]{{2,}})?)"
    r"\s+(?P<of>(?:de|del|dels|do|da|dos|das)\s+)?"
)
_PULLED_OF = re.compile(r"(?:(?P<of>de|del|dels)\s+|d['’]\s*)(?=\S)")
_NOUNS_ARTICLE = re.compile(r"(?:el|la|els|les|o|a|os|as)\s+|l['’]", re.IGNORECASE)
_CATALAN_ELIDING = re.compile(CATALAN_ELIDING, re.IGNORECASE)


def _noun_first(
    first: _Piece, gap: str, second: _Piece, anchor: str, catalan: bool
) -> tuple[_Piece, _Piece] | None:
    """The noun a compound rule put between ``first`` and ``second`` (the words of one
    placeholder), as a piece to stand before the placeholder, with its article and its
    preposition, and the placeholder's piece; None when ``gap`` is not such a noun."""
    noun = _NOUN_OF_PLACEHOLDER.fullmatch(gap)
    if noun is None:
        return None
    of = noun["of"]
    rest = second.text
    if of is None:
        pulled = _PULLED_OF.match(second.text)
        if pulled is None:
            return None
        of = pulled["of"] or "de"
        rest = second.text[pulled.end() :]
    of = of.strip()
    if catalan and of == "de" and _CATALAN_ELIDING.match(anchor):
        of = "d'"
    head = ""
    at = inline.whole_word_at(first.text, anchor) if anchor else -1
    if at > 0 and _NOUNS_ARTICLE.fullmatch(first.text[:at]):
        head, first.text = first.text[:at], first.text[at:]
        if head[-1] in "'’" and not _CATALAN_ELIDING.match(noun["noun"]):
            # elided before the name: before a noun that opens on a consonant it is whole again
            article = "la" if noun["noun"].split()[0].endswith("a") else "el"
            head = (article.capitalize() if head[0].isupper() else article) + " "
    elif at != 0 and noun["of"] is None:
        # eng-cat's blank holds other words before the name ("[[x:1]]pel Thanksgiving[[/]]
        # vacances [[x:1]]de Dia[[/]]"): the noun's place among them is not known
        return None
    words = head + noun["noun"] + " " + of + ("" if of.endswith(("'", "’")) else " ")
    return _Piece((), None, words), _Piece(first.g, first.x, first.text + " " + rest)


def _to_tagged(
    pieces: list[_Piece], figures: dict[int, str], anchors: dict[int, str], target: str
) -> str:
    # Merge neighbouring words that carry the same markup ("perros grandes" inside one <em>),
    # letting a blank between them belong to the pair. Between the words of one placeholder, the
    # short words a rule inserted belong to it too: the placeholder comes back as written, so
    # the engine's "de" of its own rendering of a name goes with it.
    merged: list[_Piece] = []
    for p in pieces:
        if merged and (p.g or p.x is not None) and (merged[-1].g, merged[-1].x) == (p.g, p.x):
            merged[-1].text += p.text
        elif (
            len(merged) >= 2 and p.x is not None and not p.g
            and (merged[-2].g, merged[-2].x) == (p.g, p.x)
            and not merged[-1].g and merged[-1].x is None
            and (moved := _noun_first(
                merged[-2], merged[-1].text, p, anchors.get(p.x, ""), target == "ca"
            ))
        ):  # fmt: skip
            del merged[-2:]
            merged += moved
        elif (
            len(merged) >= 2 and (p.g or p.x is not None)
            and (merged[-2].g, merged[-2].x) == (p.g, p.x)
            and not merged[-1].g and merged[-1].x is None
            and (
                not merged[-1].text.strip()
                or (p.x is not None and _INSERTED_IN_PLACEHOLDER.fullmatch(merged[-1].text))
            )
        ):  # fmt: skip
            gap = merged.pop().text
            merged[-1].text += gap + p.text
        else:
            merged.append(_Piece(p.g, p.x, p.text))
    out: list[str] = []
    seen_x: set[int] = set()
    for k, p in enumerate(merged):
        if p.x is not None:
            if p.x in seen_x:
                continue
            seen_x.add(p.x)
            # Multiword rules glue a figure to its words ("un hombrede93años" for "a 93-year-old
            # man"): a placeholder always stands apart from letters.
            # (Markup carried in a superblank has no words, and keeps its place as written.)
            # Multiword rules may also pull the words around a figure into its word-bound
            # blank ("[[x:1]]El vaixellde100[[/]] metres"): the words around the figure stay.
            words = bool(p.text)
            head, tail = "", ""
            figure = figures.get(p.x)
            if figure and figure in p.text and p.text.strip() != figure:
                head, _, tail = p.text.partition(figure)
            elif anchor := anchors.get(p.x):
                # A rule may pull a preposition into the blank of the words after it (eng-cat:
                # "of Fujian" -> "[[x:1]]de Fujian[[/]]"): what comes before the placeholder's
                # own first word stays, when it is such words.
                at = inline.whole_word_at(p.text, anchor)
                if at >= 0 and _LEADING_WORDS.fullmatch(p.text[:at]):
                    head = p.text[:at]
            before = (head or (merged[k - 1].text if k and merged[k - 1].x is None else ""))[-1:]
            after = (
                tail
                or (merged[k + 1].text if k + 1 < len(merged) and merged[k + 1].x is None else "")
            )[:1]
            # Words a rule pulled into the blank may be glued to the words of the blank before
            # or after it ("[[x:2]]Vidal[[/]][[x:1]]de28[[/]]" for "the 28-year-old Vidal",
            # eng-cat): a blank keeps them apart.
            prev = next((q.text[-1:] for q in reversed(merged[:k]) if q.text), "")
            nxt = next((q.text[:1] for q in merged[k + 1 :] if q.text), "")
            body = (
                (" " if head[:1].isalnum() and prev.isalnum() else "")
                + inline.escape_text(head)
                + (" " if words and before.isalpha() else "")
                + inline.placeholder(p.x)
                + (" " if words and after.isalpha() else "")
                + inline.escape_text(tail)
                + (" " if tail[-1:].isalnum() and nxt.isalnum() else "")
            )
        else:
            body = inline.escape_text(p.text)
        out.extend(f'<g id="{i}">' for i in p.g)
        out.append(body)
        out.extend("</g>" for _ in p.g)
    return "".join(out)


# --- the processes ----------------------------------------------------------------------------


class _NulReader:
    """Reads NUL-terminated records from a pipe, with a deadline."""

    def __init__(self, stream: object, what: str) -> None:
        self.fd = stream.fileno()  # type: ignore[attr-defined]
        self.what = what
        self.partial = b""  # the start of a record not yet complete
        self.ready: deque[bytes] = deque()

    def _take(self) -> None:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            raise EngineUnavailableError(f"{self.what} exited unexpectedly")
        *done, self.partial = (self.partial + chunk).split(b"\0")
        self.ready.extend(done)

    def records(self) -> list[bytes]:
        """Read what is there now (one read) and return the complete records."""
        self._take()
        done = list(self.ready)
        self.ready.clear()
        return done

    def read(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while not self.ready:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EngineTimeoutError(f"{self.what} gave no answer within {timeout:g} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self._take()
        return self.ready.popleft()


def _spawn(
    argv: list[str], *, stdin: IO[bytes] | int = subprocess.PIPE, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, LC_ALL="C.UTF-8")
    return subprocess.Popen(
        argv, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr, env=env,
        start_new_session=True,
    )  # fmt: skip


@dataclass(frozen=True)
class _Stages:
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
_SPACE_GLUED_WORDS = shlex.join(["perl", "-0", "-CSD", "-pe", "BEGIN { $| = 1 } " + _GLUED_LU])


@functools.cache
def _split_mode(mode_file: Path) -> _Stages:
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
            stages.insert(i, _SPACE_GLUED_WORDS)
            break
    for i, stage in enumerate(stages):
        argv = shlex.split(stage)
        if argv and argv[0] == "apertium-tagger" and "-g" in argv:
            return _Stages(
                " | ".join(stages[:i]), (argv[0], "-d", *argv[1:]), " | ".join(stages[i + 1 :])
            )
    return _Stages(" | ".join(stages), None, "")


# The tagger stage runs as a filter process of its own (see that module).
_TAGGER_FILTER = str(Path(__file__).with_name("apertium_tagger.py"))
# Requests per record through the stages before the tagger (see ``_Pipeline.translate``).
_GROUP = 8


class _Pipeline:
    """One language direction: front stages | tagger filter | back stages, all streaming.

    The tagger filter (``apertium_tagger.py``) gives every segment the output of a pristine
    tagger, replacing a tagger whose state changed; it reports each replacement on stderr,
    which a watcher thread counts.
    """

    def __init__(self, mode_file: Path, timeout: float) -> None:
        self.mode_file = mode_file
        self.timeout = timeout
        self.stages = _split_mode(mode_file)
        self.lock = threading.Lock()
        self._restarts = 0
        self._count_lock = threading.Lock()
        self._start()

    @property
    def tagger_restarts(self) -> int:
        with self._count_lock:
            return self._restarts

    def _start(self) -> None:
        name = f"Apertium {self.mode_file.stem}"
        # Every request travels framed by two superblanks that name this run of the pipeline
        # and the request's serial number (see ``_frames``): an output that does not carry its
        # own request's frames is out of step, and is never read as that request's output.
        self.nonce = secrets.token_hex(6)
        self.serial = 0
        self.front = _spawn(["bash", "-c", self.stages.front])
        self.guard: subprocess.Popen[bytes] | None = None
        self.back: subprocess.Popen[bytes] | None = None
        self.failure: list[str] = []  # what the tagger filter said when it gave up
        last = self.front
        if self.stages.tagger is not None:
            assert self.front.stdout is not None
            self.guard = _spawn(
                [sys.executable, "-I", "-S", _TAGGER_FILTER, *self.stages.tagger],
                stdin=self.front.stdout, stderr=subprocess.PIPE,
            )  # fmt: skip
            assert self.guard.stdout is not None
            self.back = _spawn(["bash", "-c", self.stages.back], stdin=self.guard.stdout)
            # The stages hold their own ends now: this process keeps only the pipeline's ends.
            self.front.stdout.close()
            self.guard.stdout.close()
            threading.Thread(target=self._watch, args=(self.guard,), daemon=True).start()
            last = self.back
        self.out = _NulReader(last.stdout, name)

    def _watch(self, guard: subprocess.Popen[bytes]) -> None:
        assert guard.stderr is not None
        with contextlib.suppress(OSError, ValueError):
            for line in guard.stderr:
                if line == b"restart\n":
                    with self._count_lock:
                        self._restarts += 1
                else:
                    self.failure.append(line.decode("utf-8", "replace").strip())

    def _frames(self, serial: int) -> tuple[bytes, bytes]:
        """The superblanks before and after request ``serial``. Superblanks pass every stage
        untouched and in place, so the output comes back between the same two: a request cut
        in two, an output dropped or doubled, or another request's output, all show."""
        mark = f"tarjama\\:{self.nonce}\\:{serial}"
        return f"[{mark}]".encode(), f"[{mark}\\:end]".encode()

    def _processes(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in (self.front, self.guard, self.back) if p is not None]

    def close(self) -> None:
        for proc in self._processes():
            _kill(proc)

    def restart(self) -> None:
        self.close()
        self._start()

    def translate(
        self, batches: Iterable[Sequence[bytes]], decode: Callable[[int, bytes], str]
    ) -> list[str]:
        """Send every request through, streaming; returns the outputs in order, each turned
        into text by ``decode(index, raw output)`` as it arrives, while later ones are in the
        pipeline.

        Requests come in batches, and ``batches`` may wait for the next one: each batch is
        written as soon as it is given, so the stages start on the first requests while the
        caller prepares the rest. Indices count across batches."""
        errors: list[BaseException] = []
        results: list[str] = []
        front_in = self.front.stdin
        assert front_in is not None

        # With the tagger filter, requests go in groups, each request followed by CUT: the
        # stages before the tagger then flush once per group, and the filter tags and passes on
        # every request as a record of its own. Every request is followed by CUT, whatever its
        # place in a group, so its output does not depend on which group it travels in.
        group = _GROUP if self.guard is not None else 1
        first = self.serial  # the serial number of this call's first request
        given = threading.Condition()
        sent = 0  # requests written so far
        done = False  # every batch written (or the writing failed)

        def feed() -> None:
            nonlocal sent, done
            try:
                for batch in batches:
                    try:
                        for start in range(0, len(batch), group):
                            chunk = [
                                b"%s%s%s" % (head, req, tail)
                                for k, req in enumerate(batch[start : start + group])
                                for head, tail in [self._frames(first + sent + start + k)]
                            ]
                            if group == 1:
                                front_in.write(chunk[0] + b"\0")
                            else:
                                front_in.write(b"".join(req + CUT for req in chunk) + b"\0")
                        front_in.flush()
                    except (OSError, ValueError) as exc:  # the pipeline is gone
                        failed = EngineUnavailableError(f"Apertium pipeline failed: {exc}")
                        failed.__cause__ = exc
                        errors.append(failed)
                        return
                    with given:
                        sent += len(batch)
                        given.notify()
            except BaseException as exc:  # the caller's batches failed: its error, not ours
                errors.append(exc)
            finally:
                with given:
                    done = True
                    given.notify()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            while True:
                with given:
                    given.wait_for(lambda: done or sent > len(results))
                    if len(results) >= sent:  # done, and every request sent has come back
                        break
                raw = self.out.read(self.timeout)
                head, tail = self._frames(first + len(results))
                if not (raw.startswith(head) and raw.endswith(tail)):
                    raise StreamIntegrityError(
                        f"Apertium {self.mode_file.stem} answered out of step: output "
                        f"{len(results) + 1} of this request did not carry its frame"
                    )
                results.append(decode(len(results), raw[len(head) : len(raw) - len(tail)]))
        except EngineUnavailableError as exc:
            self.close()
            if self.failure:  # the tagger filter said why
                raise EngineUnavailableError(f"{exc}: {'; '.join(self.failure)}") from exc
            raise
        except BaseException:
            self.close()  # unblocks the writer
            raise
        finally:
            writer.join(self.timeout)
            self.serial = first + sent
        if errors:
            self.close()
            raise errors[0]
        return results


def _write_some(fd: int, data: bytearray) -> int:
    try:
        return os.write(fd, data[: 1 << 16])
    except BlockingIOError:
        return 0


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, 9)
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    for f in (proc.stdin, proc.stdout, proc.stderr):
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()


class _Analyser:
    """The pair's morphological analyser, asked what it knows of single words (cached)."""

    def __init__(self, front: str, timeout: float) -> None:
        self.argv = shlex.split(front.split(" | ")[0])  # lt-proc -z [-w] <pair>.automorf.bin
        self.timeout = timeout
        self.lock = threading.Lock()
        self.cache: dict[str, str] = {}
        self.readings: dict[str, str] = {}
        self._start()

    def _start(self) -> None:
        self.proc = _spawn(self.argv)
        assert self.proc.stdin is not None
        self.stdin = self.proc.stdin.fileno()
        os.set_blocking(self.stdin, False)
        self.reader = _NulReader(self.proc.stdout, "Apertium analyser")
        # Each word is asked behind a superblank naming this run and the question's serial
        # number, which the analyser writes back before its answer (as in ``_Pipeline``).
        self.nonce = secrets.token_hex(6)
        self.serial = 0

    def classify(self, words: Sequence[str]) -> dict[str, str]:
        """Each word's class, asking the analyser only for words not seen before, in one batch."""
        with self.lock:
            new = [w for w in dict.fromkeys(words) if w not in self.cache]
            for word, answer in zip(new, self._ask(new), strict=True):
                self.cache[word] = _word_class(answer)
            return {w: self.cache[w] for w in words}

    def analyse(self, words: Sequence[str]) -> dict[str, str]:
        """Each word's analysis as the analyser writes it (``^budget/budget<n><sg>/...$``)."""
        with self.lock:
            new = [w for w in dict.fromkeys(words) if w not in self.readings]
            for word, answer in zip(new, self._ask(new), strict=True):
                self.readings[word] = answer
            return {w: self.readings[w] for w in words}

    def _ask(self, words: list[str]) -> list[str]:
        if not words:
            return []
        try:
            return self._ask_once(words)
        except EngineError as exc:  # crashed, stuck or out of step: a fresh analyser, once
            if isinstance(exc, StreamIntegrityError):
                EVENTS.add("apertium", STREAM_OUT_OF_STEP)
                log.error("%s; answers discarded, restarting and asking once more", exc)
            EVENTS.add("apertium", PROCESS_RESTART)
            self.close()
            self._start()
            return self._ask_once(words)

    def _ask_once(self, words: list[str]) -> list[str]:
        heads = [f"[tarjama\\:{self.nonce}\\:{self.serial + k}]" for k in range(len(words))]
        self.serial += len(words)
        request = "".join(h + _escape_stream(w) + "\0" for h, w in zip(heads, words, strict=True))
        answers = [a.decode() for a in self._exchange(bytearray(request.encode()), len(words))]
        for k, (head, answer) in enumerate(zip(heads, answers, strict=True)):
            if not answer.startswith(head):
                raise StreamIntegrityError(
                    f"Apertium analyser answered out of step at word {k + 1} of {len(words)}"
                )
            answers[k] = answer[len(head) :]
        return answers

    def _exchange(self, request: bytearray, n: int) -> list[bytes]:
        """Write the request and read n answers, both as the pipes allow, so that a large batch
        never fills both pipes at once."""
        answers: list[bytes] = []
        deadline = time.monotonic() + self.timeout
        while len(answers) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EngineTimeoutError(
                    f"Apertium analyser gave no answer within {self.timeout:g} s"
                )
            writable = [self.stdin] if request else []
            ready_r, ready_w, _ = select.select([self.reader.fd], writable, [], left)
            if ready_w:
                try:
                    del request[: _write_some(self.stdin, request)]
                except OSError as exc:
                    raise EngineUnavailableError(f"Apertium analyser failed: {exc}") from exc
            if ready_r:
                answers += self.reader.records()
            if ready_r or ready_w:
                deadline = time.monotonic() + self.timeout
        if len(answers) != n:
            raise StreamIntegrityError("Apertium analyser answered more than it was asked")
        return answers

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, 9)
        with contextlib.suppress(OSError):
            self.proc.wait(timeout=5)


_PERSON_CLASSES = frozenset({"proper-person", "person-or-common"})

# A word written in capitals: an acronym unless the dictionaries know it only as an ordinary word.
_ALL_CAPS = re.compile(r"[A-Z]{2,}")


def _word_class(analysis: str) -> str:
    """What the analyser's output says of a word or phrase (see ``Engine.lexicon``)."""
    if analysis.count("^") != 1:
        # Several words: does a multiword proper noun the dictionaries know sit inside?
        return "proper-inside" if _MULTIWORD_NP.search(analysis) else "phrase"
    if "/*" in analysis:
        return "unknown"
    surface, *readings = analysis.split("/")
    if _ALL_CAPS.fullmatch(surface.lstrip("^")) and not any(
        "<acr>" in r or "<np>" in r for r in readings
    ):
        # "IT" read as the pronoun ("LO"), "CAT" as the animal ("GATO")
        return "caps-common"
    person = [r for r in readings if "<np><ant>" in r or "<np><cog>" in r]
    if all("<np>" in r for r in readings):
        # "London" is also a first name in the dictionary; its place reading wins.
        return "proper-person" if len(person) == len(readings) else "proper-place"
    return "person-or-common" if person else "common"


# A multiword proper noun other than a place ("West Ham"<np><al>): a place inside a longer run
# ("New York University") is a name the engine translates well ("Universidad de Nueva York").
_MULTIWORD_NP = re.compile(r"\^[^/$^]* [^/$^]*/[^$]*<np><(?:al|ant|cog|org)>")


class ApertiumEngine(Engine):
    """Rule-based MT with Debian's Apertium packages; thread-safe, one pipeline per direction."""

    name = "apertium"

    def __init__(self, datadir: Path | str = DEFAULT_DATADIR, timeout: float = 30.0) -> None:
        self.datadir = Path(datadir)
        self.timeout = timeout
        self._modes = discover_modes(self.datadir)
        self._pipelines: dict[Pair, _Pipeline] = {}
        self._analysers: dict[Pair, _Analyser] = {}
        self._models: dict[Pair, str] = {}
        self._lock = threading.Lock()
        self._version: str | None = None

    def info(self) -> EngineInfo:
        if self._version is None:
            # The installed Apertium, and the revision of the way tarjama drives it: a change
            # there that changes any output gets a new revision, so that the memory never
            # serves what the previous way gave (revision 2: requests travel in groups, and a
            # full stop after an unknown word at the end of a sentence is no longer dropped;
            # 3: a preposition a rule pulls into a placeholder's blank is kept, "de Fujian";
            # 4: codes and addresses travel as a masculine proper noun; 5: words a rule pulled
            # into a placeholder's blank stay apart from the next blank, "Vidal de 28 anys"; 6:
            # the short words a rule puts between the words of a placeholder go with it; 7: an
            # attributive sum, share or year goes after its noun, "a budget of $2 billion"; 8:
            # a noun a compound rule put between a name's words comes before it, "el hotel de";
            # 11: controls and "^" travel by code point, and every request is framed).
            self._version = f"{apertium_version()} tarjama.{DRIVER_REVISION}"
        return EngineInfo(self.name, self._version, "")

    def model_for(self, pair: Pair) -> str:
        mode = self._modes.get(pair)
        if mode is None:
            return ""
        if pair not in self._models:
            self._models[pair] = f"{mode.stem} ({mode_version(mode)})"
        return self._models[pair]

    def pairs(self) -> list[Pair]:
        return list(self._modes)

    def check_pair(self, pair: Pair) -> None:
        if not self._modes:
            raise EngineUnavailableError(
                f"no Apertium language pairs installed under {self.datadir}: run scripts/setup"
            )
        if pair not in self._modes:
            raise LanguageError(
                f"Apertium has no {pair} pair installed", (str(p) for p in self._modes)
            )

    def lexicon(self, pair: Pair) -> Callable[[Sequence[str]], dict[str, str]] | None:
        own = self._analyser(pair)
        others = [p for p in self._modes if p.source == pair.source and p != pair]
        if not others:
            return own.classify

        def classify(words: Sequence[str]) -> dict[str, str]:
            found = own.classify(words)
            common = [w for w in dict.fromkeys(words) if found[w] == "common"]
            for other in others:
                if not common:
                    break
                for word, cls in self._analyser(other).classify(common).items():
                    if cls in _PERSON_CLASSES:
                        found[word] = "person-or-common"
                common = [w for w in common if found[w] == "common"]
            return found

        return classify

    def _analyser(self, pair: Pair) -> _Analyser:
        self.check_pair(pair)
        with self._lock:
            analyser = self._analysers.get(pair)
            if analyser is None:
                front = _split_mode(self._modes[pair]).front
                analyser = self._analysers[pair] = _Analyser(front, self.timeout)
        return analyser

    def _pipeline(self, pair: Pair) -> _Pipeline:
        self.check_pair(pair)
        with self._lock:
            pipe = self._pipelines.get(pair)
            if pipe is None:
                pipe = self._pipelines[pair] = _Pipeline(self._modes[pair], self.timeout)
            return pipe

    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]:
        if not texts:
            self.check_pair(pair)
            return []
        return self._translate([texts], pair, None)

    def serve_stream(
        self,
        batches: Iterable[Sequence[str]],
        pair: Pair,
        arrived: Callable[[int, str], None],
    ) -> Served:
        """Each batch goes into the pipeline as soon as it is given, and each output is handed
        on as soon as it comes out."""
        return Served(self._translate(batches, pair, arrived), self.info(), self.model_for(pair))

    def _translate(
        self,
        batches: Iterable[Sequence[str]],
        pair: Pair,
        arrived: Callable[[int, str], None] | None,
    ) -> list[str]:
        pipe = self._pipeline(pair)
        texts: list[str] = []  # every text given so far, in order
        requests: list[bytes] = []  # the same, as the pipeline reads them
        given = iter(batches)
        caller_error: list[BaseException] = []

        english = pair.source.split("-")[0].lower() == "en"
        target = pair.target.split("-")[0].lower()

        def analyse(words: Sequence[str]) -> dict[str, str]:
            return self._analyser(pair).analyse(words)

        def pull() -> Iterator[list[bytes]]:
            try:
                for given_batch in given:
                    batch = (
                        [_figures_after_noun(t, analyse) for t in given_batch]
                        if english
                        else list(given_batch)
                    )
                    encoded = [to_stream(t).encode("utf-8") for t in batch]
                    texts.extend(batch)
                    requests.extend(encoded)
                    if encoded:
                        yield encoded
            except BaseException as exc:  # the caller's error: not the pipeline's
                caller_error.append(exc)

        reported = 0

        def decode(i: int, raw: bytes) -> str:
            nonlocal reported
            text = texts[i]
            tagged = from_stream(raw.decode("utf-8", "replace"), *_travelling(text), target)
            output = _unglue(_rejoin(tagged, text), text)
            if arrived is not None and i >= reported:  # a retry does not report twice
                arrived(i, output)
                reported = i + 1
            return output

        with pipe.lock:
            pulled = pull()
            try:
                outputs = pipe.translate(pulled, decode)
            except EngineError as exc:
                if caller_error:
                    raise caller_error[0] from None
                # A crashed, stuck or out-of-step pipeline is replaced and the request tried
                # once more: what was given so far, then the rest as it comes. Nothing read
                # from the old one after the fault was handed on.
                if isinstance(exc, StreamIntegrityError):
                    EVENTS.add(self.name, STREAM_OUT_OF_STEP)
                    log.error("%s; output discarded, restarting and retrying once", exc)
                else:
                    log.warning("Apertium %s failed (%s); restarting and retrying once", pair, exc)
                EVENTS.add(self.name, PROCESS_RESTART)
                pipe.restart()
                outputs = pipe.translate(itertools.chain([list(requests)], pulled), decode)
        if caller_error:
            raise caller_error[0]
        return outputs

    @property
    def tagger_restarts(self) -> int:
        return sum(p.tagger_restarts for p in self._pipelines.values())

    def close(self) -> None:
        with self._lock:
            for pipe in self._pipelines.values():
                pipe.close()
            for analyser in self._analysers.values():
                analyser.close()
            self._pipelines.clear()
            self._analysers.clear()


# An attributive figure: a sum, a share or a year between a determiner and a noun ("a $2
# billion budget", "a 17% drop", "the 2008 financial crisis"). The engines keep it before the
# noun ("un 2 mil millones US$ presupuesto", "el 2008 crisis financiera"); written after it
# with "of" ("a budget of $2 billion") they give the order of Spanish, Catalan and Galician ("un
# presupuesto de 2 mil millones US$", "la crisis financiera de 2008").
_ATTRIBUTIVE_FIGURE = re.compile(
    r"(?<![\w-])(?P<det>[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur|[Tt]his) "
    r'(?P<figure><x id="\d+" ctype="number" equiv="(?P<equiv>[^"]*)"/>) '
    r"(?P<words>[a-z]+(?: [a-z]+){0,2})(?![\w<-])"
)
_MONEY_OR_SHARE = re.compile(r"[$€£¥%]|\bper ?cent\b")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A year before a plural noun may be a count ("the 1200 shell companies"); these are events.
_EVENTS = frozenset({"elections", "games", "talks", "protests", "attacks", "floods", "polls"})
_NOUN = re.compile(r"/[^/$]*<n>")
_ADJECTIVE = re.compile(r"/[^/$]*<adj>")
# A reading that makes the word a verb of the sentence ("the $2 billion budget cuts jobs", "the
# $5 million fine paid by"): the noun phrase ends before it.
_FINITE_VERB = re.compile(r"<(?:vblex|vbser|vbhaver|vbmod|vaux)>(?:<[^>]*>)*?<(?:pri><p3|past|pp)")


def _figures_after_noun(tagged: str, analyse: Callable[[Sequence[str]], dict[str, str]]) -> str:
    """``tagged`` with each attributive sum, share or year after its noun phrase, with "of";
    ``analyse`` gives the analyser's reading of words (asked only when a figure may move)."""
    if "<x " not in tagged:
        return tagged
    matches = list(_ATTRIBUTIVE_FIGURE.finditer(tagged))
    if not matches:
        return tagged
    readings = analyse([w for m in matches for w in m["words"].split()])
    out: list[str] = []
    last = 0
    for m in matches:
        equiv = unescape(m["equiv"])
        money_or_share = bool(_MONEY_OR_SHARE.search(equiv))
        if not (money_or_share or _YEAR.fullmatch(equiv)):
            continue  # a count ("the 400 miners") stays where it is
        words = m["words"].split()
        phrase: list[str] = []
        for word in words:
            reading = readings[word]
            if _FINITE_VERB.search(reading):
                break
            if not (_NOUN.search(reading) or _ADJECTIVE.search(reading)):
                break
            phrase.append(word)
        while phrase and not _NOUN.search(readings[phrase[-1]]):
            phrase.pop()
        if not phrase:
            continue
        if not money_or_share and "<sg>" not in readings[phrase[-1]] and phrase[-1] not in _EVENTS:
            continue
        det = m["det"]
        if det.lower() in ("a", "an"):
            article = "an" if phrase[0][0] in "aeiou" else "a"
            det = article.capitalize() if det[0].isupper() else article
        rest = " ".join(words[len(phrase) :])
        out += [tagged[last : m.start()], det, " ", " ".join(phrase), " of ", m["figure"]]
        out += [" " + rest] if rest else []
        last = m.end()
    if not out:
        return tagged
    out.append(tagged[last:])
    return "".join(out)


def _travelling(tagged: str) -> tuple[dict[int, str], dict[int, str]]:
    """How a request's placeholders travel, to find them in the output: the figures of its
    number placeholders, and the first word of every placeholder that travels as words."""
    if "<x " not in tagged:
        return {}, {}
    figures: dict[int, str] = {}
    anchors: dict[int, str] = {}
    for t in inline.parse(tagged):
        if not isinstance(t, inline.Placeholder) or not (t.ctype or t.equiv):
            continue
        words = _placeholder_words(t)
        if words:
            anchors[t.id] = words[0]
        if t.ctype == "number" and len(words) == 1 and words[0][:1].isdigit():
            figures[t.id] = words[0]
    return figures, anchors


# Two words with one blank between them, overlapping (every neighbouring pair).
_WORD_PAIRS = re.compile(r"(?=(?<!\w)(\w+) (\w+)(?!\w))")
# A capital after a word's first letter ("SPbGU", "GAISh"), Latin-1's capitals included.
_CAPITAL_INSIDE = re.compile(r"\w[A-ZÀ-ÖØ-Þ]")


def _rejoin(output: str, source: str) -> str:
    """The analyser reads some single words of the source as several ("SPbGU", "GAISh"), and the
    stage that keeps glued words apart (``_SPACE_GLUED_WORDS``) then parts them too: two
    neighbouring words of the output that make one word of the source with capitals inside it
    are one again. (Others are left: "a part" and "apart", "i s'" and "is".) Most sources have
    no such word, and one search of the source says so."""
    if not _CAPITAL_INSIDE.search(source):
        return output
    cuts = [
        m.start(2) - 1
        for m in _WORD_PAIRS.finditer(output)
        if (joined := m.group(1) + m.group(2)) in source
        and _CAPITAL_INSIDE.search(joined)
        and re.search(rf"(?<!\w){re.escape(joined)}(?!\w)", source)
    ]
    if not cuts:
        return output
    pieces = [output[a + 1 : b] for a, b in itertools.pairwise([-1, *cuts, len(output)])]
    return "".join(pieces)


_DIGIT = re.compile(r"\d")
_GLUED = re.compile(r"\b\w*(?:[^\W\d_]\d|\d[^\W\d_])\w*\b")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def _unglue(output: str, source: str) -> str:
    """Multiword rules also glue unprotected figures to words ("conventode17.º siglos" for "a
    17th-century convent"); a word with digits in it that the source does not have is split
    (the source's own "G20" or "MP3" stay as they are)."""

    def split(m: re.Match[str]) -> str:
        word = m.group()
        return word if word in source else _LETTER_DIGIT.sub(" ", word)

    return _GLUED.sub(split, output) if _DIGIT.search(output) else output
