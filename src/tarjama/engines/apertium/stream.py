"""Apertium's stream format, both ways: tarjama's tagged text as one stream request (escaping,
superblanks, word-bound blanks for inline markup and placeholders), and an output back as
tagged text; and the frames that tie each output to its request.

What Apertium's own deformatters do, done here in Python: the ``apertium`` wrapper's deformatter
drops NUL and reads in blocks, so tarjama deformats and reformats itself. Every character the
stream treats specially is escaped; characters no stage may read travel by code point.
"""

from __future__ import annotations

import re
from html import unescape

from tarjama import inline
from tarjama.engines.apertium.reorder import Piece, to_tagged

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


def escape_stream(text: str) -> str:
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
        return escape_stream(unescape(tagged)) + "[\n]"
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
            words = (escape_stream(w) for w in _placeholder_words(tok))
            out.append(" ".join(f"[[{wb}]]{w}[[/]]" for w in words))
        elif not open_ids:
            out.append(escape_stream(tok.text))
        else:
            wb = "[[" + ";".join(f"g:{i}" for i in open_ids) + "]]"
            pos = 0
            for m in _WORD.finditer(tok.text):
                out.append(escape_stream(tok.text[pos : m.start()]))
                out.append(wb + escape_stream(m.group()) + "[[/]]")
                pos = m.end()
            out.append(escape_stream(tok.text[pos:]))
    # A trailing blank: without it the pipeline drops a sentence's final punctuation.
    return "".join(out) + "[\n]"


def travelling(tagged: str) -> tuple[dict[int, str], dict[int, str]]:
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


def frames(nonce: str, serial: int) -> tuple[bytes, bytes]:
    """The superblanks before and after request ``serial`` of a process's run named ``nonce``.
    Superblanks pass every stage untouched and in place, so an output comes back between the
    same two: a request cut in two, an output dropped or doubled, or another request's output,
    all show."""
    mark = f"tarjama\\:{nonce}\\:{serial}"
    return f"[{mark}]".encode(), f"[{mark}\\:end]".encode()


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
    tagged = to_tagged(_pieces(stream), figures or {}, anchors or {}, target)
    # Dropped words (pronouns, marks) leave doubled blanks behind: a reader sees one space.
    return _BLANKS.sub(" ", tagged).strip()


# What follows a mark: the word the engine did not translate, as its tokeniser cut it.
_MARKED_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
MARK_KINDS = {"*": "unknown", "@": "untranslated", "#": "generation"}
"""Apertium's marks and what each says (``engines.base.Mark``): ``*`` a word the analyser does
not know, ``@`` one the bilingual dictionary has no translation for, ``#`` a translation the
generator could not inflect."""


def marked_words(stream: str) -> list[tuple[str, str]]:
    """The words of one output that the engine marked, in order, each with the kind of its
    mark; not those in a placeholder's word-bound blank: a protected span comes back as it was
    written, whatever the engine made of its words."""
    if "*" not in stream and "#" not in stream and "@" not in stream:
        return []  # most outputs: no mark
    found: list[tuple[str, str]] = []
    inside = False
    for m in _OUT_TOKEN.finditer(stream):
        if m.group("wb") is not None:
            inside = m.group("wb") != "/" and _parse_wblank(m.group("wb"))[1] is not None
        elif m.group("mark") is not None and not inside:
            word = _MARKED_WORD.match(stream, m.end())
            if word:
                found.append((MARK_KINDS[m.group("mark")[-1]], word.group()))
    return found


def _pieces(stream: str) -> list[Piece]:
    """An output with word-bound blanks or markup as runs of text, each with the markup and
    the placeholder it belongs to."""
    pieces: list[Piece] = []
    current: tuple[tuple[int, ...], int | None] = ((), None)
    buf: list[str] = []

    def flush() -> None:
        if buf:
            pieces.append(Piece(current[0], current[1], "".join(buf)))
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
                pieces.append(Piece(current[0], int(markup.group(1)), ""))
            else:
                buf.append(_superblank_text(content))
        elif m.group("esc") is not None:
            buf.append(m.group("esc"))
        # a mark: dropped
    buf.append(stream[pos:])
    flush()
    return pieces


def _plain_token(m: re.Match[str]) -> str:
    """A token of an output without word-bound blanks or markup, as ``from_stream`` reads it."""
    if m.group("sb") is not None:
        return _superblank_text(_SB_ESCAPE.sub(r"\1", m.group("sb")))
    return m.group("esc") or ""  # an escaped character, or a mark (dropped)
