"""Quotation marks and questions the engine gets wrong.

- **Single quotation marks** written straight: the engine reads the opening one as the start of
  a contraction ("'mobilise the people's army'" was "soy obilise el ejército": "'m" read as
  "I'm") and leaves a blank before the closing one ("persones '"). Straight single quotes that
  open and close a quotation are sent as curly ones (``curl``), which the engine treats as
  punctuation, and written back as the source wrote them (``straighten``). Apostrophes inside
  words ("people's", "rock 'n' roll" aside) are left alone.
- **Opening ¿ and ¡**: Spanish opens a question and an exclamation with them; the engine does not
  write them ("Would you pay more?" was "Pagarías más?"). ``open_marks`` puts one at the start of
  each question or exclamation that lacks it: after the sentence before it, a colon, or an
  opening quotation mark or bracket.
"""

from __future__ import annotations

import re

from tarjama.inline import TAG

# Languages that open a question and an exclamation with an inverted mark.
INVERTED: dict[str, tuple[str, str]] = {"es": ("¿", "¡")}

# A straight single quote that opens a quotation (after a blank, a bracket or the start, before
# a letter or figure), and one that closes it (after a word or a mark, before a blank, a mark or
# the end).
_OPENING = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))'(?=\w)")
_CLOSING = re.compile(r"(?<=[\w.,!?…])'(?=[\s,.;:!?)\]—–-]|$)")


_POSSESSIVE = re.compile(r"s' [a-z]")


def curl(text: str) -> str | None:
    """``text`` (tagged) with its straight single quotation marks made curly, or None when it
    has none: each opening quote paired with the first closing quote after it."""
    if "'" not in text:
        return None
    spans = [(m.start(), m.end()) for m in TAG.finditer(text)]

    def in_tag(i: int) -> bool:
        return any(a <= i < b for a, b in spans)

    opens = [m.start() for m in _OPENING.finditer(text) if not in_tag(m.start())]
    closes = [m.start() for m in _CLOSING.finditer(text) if not in_tag(m.start())]
    pairs: list[tuple[int, int]] = []
    for start in opens:
        if pairs and start < pairs[-1][1]:
            continue  # inside the quotation before: an apostrophe ("'tis", "'90s")
        after = [c for c in closes if c > start]
        if not after:
            break
        # "the students' friend": a plural's apostrophe before a word, when a quote closes later
        end = next((c for c in after if not _POSSESSIVE.match(text, c - 1)), after[0])
        pairs.append((start, end))
    if not pairs:
        return None
    chars = list(text)
    for start, end in pairs:
        chars[start], chars[end] = "‘", "’"
    return "".join(chars)


_LOOSE_OPENING = re.compile(r"‘\s+")
# The engine writes the closing mark straight, after a blank: "persones ' immediatament".
_LOOSE_CLOSING = re.compile(r"(?<=[\w.,!?…])\s+['’](?=[\s,.;:!?)\]]|$)")


def straighten(output: str) -> str:
    """The engine's output of a ``curl``-ed text: curly single quotes straight again, hugging
    their words as the source's did."""
    output = _LOOSE_CLOSING.sub("'", _LOOSE_OPENING.sub("‘", output))
    return output.replace("‘", "'").replace("’", "'")


def open_marks(output: str, target: str) -> str:
    """``output`` (tagged) with an opening ¿ or ¡ before each question or exclamation that
    lacks one, in the languages that write them (``INVERTED``)."""
    marks = INVERTED.get(target.split("-")[0].lower())
    if marks is None or not any(m in output for m in "?!"):
        return output
    opening = dict(zip("?!", marks, strict=True))
    # the text outside tags, with each character's offset in ``output``
    at = [i for i, _ in _outside_tags(output)]
    plain = "".join(output[i] for i in at)
    inserts: set[tuple[int, str]] = set()
    for n, ch in enumerate(plain):
        if ch not in opening or (n and plain[n - 1] in "?!"):
            continue  # "?!", "??": the first mark opens it
        sentence = max(plain.rfind(c, 0, n) for c in ".!?…")
        if opening[ch] in plain[sentence + 1 : n]:
            continue
        start = _start(plain, n)
        k = start + 1
        while k < n and (plain[k].isspace() or plain[k] in _QUOTES_OPENING):
            k += 1
        if k < n and plain[k].isalnum():
            # opening the sentence, its first letter is a capital ("¿ser capaz?": the engine
            # dropped the subject it began with)
            first = start < 0 or plain[start] in ".!?…"
            inserts.add((at[k], opening[ch] + (plain[k].upper() if first else plain[k])))
    out = output
    for k, mark in sorted(inserts, reverse=True):
        out = out[:k] + mark + out[k + 1 :]
    return out


def _start(plain: str, n: int) -> int:
    """Where the question or exclamation whose mark is at ``n`` starts: just after the last
    mark before it that ends a sentence or opens a clause, a quotation or a bracket that is
    still open, or a spaced dash ("27 km! -"); -1 at the start."""
    for j in range(n - 1, -1, -1):
        c = plain[j]
        if c == "." and j and plain[j - 1].isupper():
            continue  # "EE.UU.", "J. Smith": an abbreviation, no sentence's end
        if c in ".!?…:;«“¿¡":
            return j
        if c in "([" and ("])"[c == "("] not in plain[j:n]):
            return j
        opens = j == 0 or not plain[j - 1].isalnum()
        if c in "\"'‘" and opens and (plain[j + 1].isalnum() or plain[j + 1] in "¿¡"):
            # an opening quotation mark (not a closing one or an apostrophe), still open
            closing = {"‘": "’'"}.get(c, c)
            if not any(m in plain[j + 1 : n] for m in closing):
                return j
        if c in "-–—" and plain[j - 1 : j] == " " and plain[j + 1 : j + 2] == " ":
            return j
    return -1


_QUOTES_OPENING = frozenset("\"“«‘'([")


def _outside_tags(tagged: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    pos = 0
    for m in [*TAG.finditer(tagged), None]:
        stop = m.start() if m else len(tagged)
        found += [(i, tagged[i]) for i in range(pos, stop)]
        if m:
            pos = m.end()
    return found


# --- « » -------------------------------------------------------------------------------------

GUILLEMET_LANGUAGES = frozenset({"es", "ca", "gl"})
"""Languages whose house style may write quotations with « » (``guillemets`` setting): the RAE,
the IEC and the RAG give them as the first quotation marks, “ ” inside them."""

_DOUBLE = frozenset('"“”')


def guillemets(output: str) -> str:
    """``output`` (tagged) with its double quotation marks written « », and “ ” for a
    quotation inside one: «Dijo: “basta”». A straight mark opens when a blank, an opening
    bracket or the start is before it and a letter, a figure or a mark is after it; else it
    closes. Single quotation marks and apostrophes stay as they are; a closing mark without
    its opening (a quotation that began in an earlier sentence) is a closing ».
    """
    if not any(m in output for m in _DOUBLE):
        return output
    at = [i for i, _ in _outside_tags(output)]
    plain = "".join(output[i] for i in at)
    chars = list(output)
    depth = 0
    for n, ch in enumerate(plain):
        if ch not in _DOUBLE:
            continue
        before = plain[n - 1] if n else " "
        after = plain[n + 1] if n + 1 < len(plain) else " "
        if ch == "“" or (
            ch == '"' and (before.isspace() or before in "([{—–-¿¡") and not after.isspace()
        ):
            chars[at[n]] = "«" if depth == 0 else "“"
            depth += 1
        else:
            depth = max(depth - 1, 0)
            chars[at[n]] = "»" if depth == 0 else "”"
    return "".join(chars)
