"""The placeholder codec: tagged text as a model sees it, and its output back as tagged text.

Each inline tag of a segment (``<x/>``, ``<g>``, ``</g>``) becomes a bracketed number ``[k]``
(k = the tag's place in the segment, from 1), and escapes are undone before the model and redone
after it. Every output is checked (:func:`unmask`); what fails is recovered by alignment
(:func:`restore_by_alignment`) or by translating the runs between tags (:func:`reassemble`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tarjama import inline
from tarjama.errors import PlaceholderError

# Models write brackets and digits of their own script (full-width brackets, Arabic-Indic
# digits: ``\d`` matches every Unicode decimal digit and int() reads them) and may add spaces.
_FOUND = re.compile(r"[\[［]\s?(\d{1,3})\s?[\]］]")
_BLANKS = re.compile(r"[ \t]{2,}")

ON_PLACEHOLDER_LOSS = ("split", "error")


def placeholder_form(k: int) -> str:
    return f"[{k}]"


@dataclass(frozen=True)
class Masked:
    """A segment as the model sees it, and what is needed to put its tags back."""

    text: str
    """Plain text with ``[k]`` for the k-th tag."""
    tokens: tuple[inline.Token, ...]
    tags: tuple[inline.Token, ...]
    """The tags in source order: ``[k]`` stands for ``tags[k - 1]``."""
    clash: bool
    """The text itself holds something that reads as a placeholder ("[1]" in a quote): the
    output could not be told apart, so the segment goes straight to the split strategy."""


def mask(tagged: str) -> Masked:
    tokens = tuple(inline.parse(tagged))
    parts: list[str] = []
    tags: list[inline.Token] = []
    clash = False
    for tok in tokens:
        if isinstance(tok, inline.Text):
            clash = clash or bool(_FOUND.search(tok.text))
            parts.append(tok.text)
        else:
            tags.append(tok)
            parts.append(placeholder_form(len(tags)))
    return Masked("".join(parts), tokens, tuple(tags), clash)


def _render_tag(tok: inline.Token) -> inline.Token:
    # Engines return bare placeholders: the span is restored from the mask by its id.
    return inline.Placeholder(tok.id) if isinstance(tok, inline.Placeholder) else tok


_OPEN_THEN_BLANK = re.compile(r'(<g id="\d+">)(\s+)')
_BLANK_THEN_CLOSE = re.compile(r"(\s+)(</g>)")


def _tidy(tokens: list[inline.Token]) -> str:
    """Render tokens, with blanks at the edges of a pair moved outside it, blanks collapsed."""
    text = inline.render(tokens)
    while True:
        moved = _BLANK_THEN_CLOSE.sub(r"\2\1", _OPEN_THEN_BLANK.sub(r"\2\1", text))
        if moved == text:
            return _BLANKS.sub(" ", text).strip()
        text = moved


def _check_order(tags: list[inline.Token]) -> None:
    stack: list[int] = []
    for tag in tags:
        if isinstance(tag, inline.Open):
            stack.append(tag.id)
        elif isinstance(tag, inline.Close) and (not stack or stack.pop() != tag.id):
            raise PlaceholderError("inline markup came back unbalanced")


def unmask(output: str, masked: Masked) -> str:
    """The model's output with each ``[k]`` back as its tag, escaped as tagged text.

    Raises PlaceholderError when a placeholder is missing, duplicated or invented, or a pair
    comes back unbalanced; the message says which."""
    found = [(m, int(m.group(1))) for m in _FOUND.finditer(output)]
    numbers = [k for _, k in found]
    problems = []
    if missing := [k for k in range(1, len(masked.tags) + 1) if k not in numbers]:
        problems.append(f"lost {_names(missing)}")
    if doubled := sorted({k for k in numbers if numbers.count(k) > 1}):
        problems.append(f"duplicated {_names(doubled)}")
    if invented := sorted({k for k in numbers if not 1 <= k <= len(masked.tags)}):
        problems.append(f"invented {_names(invented)}")
    if problems:
        raise PlaceholderError("the model " + ", ".join(problems))
    _check_order([masked.tags[k - 1] for k in numbers])
    tokens: list[inline.Token] = []
    pos = 0
    for m, k in found:
        tokens += [inline.Text(output[pos : m.start()]), _render_tag(masked.tags[k - 1])]
        pos = m.end()
    tokens.append(inline.Text(output[pos:]))
    return _tidy(tokens)


def _names(ks: Sequence[int]) -> str:
    return ", ".join(placeholder_form(k) for k in ks)


def unmasked_source(masked: Masked) -> str:
    """The segment with each placeholder's ``equiv`` text in its place and pairs removed: what
    the model would have seen without a mask."""
    return "".join(
        tok.text if isinstance(tok, inline.Text) else tok.equiv
        for tok in masked.tokens
        if isinstance(tok, inline.Text | inline.Placeholder)
    )


def restore_by_alignment(output: str, masked: Masked) -> str:
    """Put each tag back into an unmasked translation where the model copied its source text.

    A placeholder goes where its ``equiv`` appears (exactly once); a pair goes around the one
    copy of the words it held. Anything that cannot be placed so raises PlaceholderError.
    """
    spans: list[tuple[int, int, int]] = []  # start, end, index in masked.tokens
    toks = masked.tokens
    for i, tok in enumerate(toks):
        if isinstance(tok, inline.Placeholder):
            needle = tok.equiv
        elif isinstance(tok, inline.Open):
            close = _matching_close(toks, i)
            needle = unmasked_source(Masked("", toks[i + 1 : close], (), False))
        else:
            continue
        if not needle.strip() or output.count(needle) != 1:
            raise PlaceholderError(f"cannot find where {inline.render([tok])} goes")
        start = output.index(needle)
        spans.append((start, start + len(needle), i))
    for a in spans:
        for b in spans:
            if a[0] < b[0] < a[1] < b[1]:
                raise PlaceholderError("inline spans overlap in the translation")
    return _tidy(_weave(output, spans, toks))


def _matching_close(toks: Sequence[inline.Token], open_at: int) -> int:
    depth = 0
    for j in range(open_at, len(toks)):
        if isinstance(toks[j], inline.Open):
            depth += 1
        elif isinstance(toks[j], inline.Close):
            depth -= 1
            if depth == 0:
                return j
    raise PlaceholderError("unclosed pair")  # inline.parse has already refused this


def _weave(
    output: str, spans: list[tuple[int, int, int]], toks: Sequence[inline.Token]
) -> list[inline.Token]:
    """Tokens of ``output`` with placeholders replacing their spans and pairs around theirs."""
    # At one place: closes (0), then opens (1, wider pairs first), then a placeholder (2),
    # which takes the text it replaces.
    boundaries: list[tuple[int, int, int, inline.Token]] = []
    for start, end, i in spans:
        tok = toks[i]
        if isinstance(tok, inline.Placeholder):
            boundaries.append((start, 2, end, _render_tag(tok)))
        elif isinstance(tok, inline.Open):
            boundaries.append((start, 1, -end, tok))
            boundaries.append((end, 0, -start, inline.Close(tok.id)))
    boundaries.sort(key=lambda b: (b[0], b[1], b[2]))
    tokens: list[inline.Token] = []
    pos = 0
    for at, kind, extra, tok in boundaries:
        if at < pos:
            raise PlaceholderError("inline markup fell inside a placeholder's text")
        tokens += [inline.Text(output[pos:at]), tok]
        pos = extra if kind == 2 else at
    tokens.append(inline.Text(output[pos:]))
    _check_order([t for t in tokens if isinstance(t, inline.Open | inline.Close)])
    return tokens


def text_runs(masked: Masked) -> list[str]:
    """The runs of text between tags, in order (what the split strategy translates)."""
    return [t.text for t in masked.tokens if isinstance(t, inline.Text)]


def reassemble(masked: Masked, translated_runs: Sequence[str]) -> str:
    """Every tag in source order, with each text run replaced by its translation."""
    runs = iter(translated_runs)
    tokens: list[inline.Token] = []
    for tok in masked.tokens:
        if isinstance(tok, inline.Text):
            src = tok.text
            lead = src[: len(src) - len(src.lstrip())]
            trail = src[len(src.rstrip()) :] if src.strip() else ""
            tokens.append(inline.Text(lead + next(runs) + trail if src.strip() else src))
        else:
            tokens.append(_render_tag(tok))
    return _tidy(tokens)
