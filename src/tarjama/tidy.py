"""Typography the engine gets wrong and the source shows right.

Apertium drops a subject pronoun that Spanish leaves out and keeps the blank that followed it:
``"We lost 1,200 bookings," he said`` comes back as ``" Perdimos 1200 bookings," dijo``; when it
moves a verb after a name it leaves the name's blank before the comma (``Ana Maria da Costa
dicha , el director``). On newstest2013 one sentence in forty had a loose quotation mark and one
in forty a blank before a comma. Where the source's marks hug their words, the translation's are
made to hug theirs too; a comma, full stop or closing bracket never has a blank before it unless
the source has one there.
"""

from __future__ import annotations

import re

from tarjama.inline import TAG

_QUOTE = '"'
# mark -> (the source has a blank on the inner side, the output's blanks there)
_OPENING = {m: (re.compile(m + r"\s"), re.compile(m + " +")) for m in "“«"}
_CLOSING = {
    m: (re.compile(r"\s" + re.escape(m)), re.compile(r"(?<=\S) +" + re.escape(m))) for m in "”»,.)"
}


def _quotes(tagged: str) -> list[int]:
    """Offsets of the straight double quotes outside inline tags (tags quote their ids)."""
    found: list[int] = []
    start = 0
    for tag in (*TAG.finditer(tagged), None):
        end = tag.start() if tag else len(tagged)
        found.extend(i for i in range(start, end) if tagged[i] == _QUOTE)
        if tag:
            start = tag.end()
    return found


def attach_quotes(source: str, output: str) -> str:
    """``output`` with the blanks after its opening and before its closing quotation marks
    removed where the source has none there. Only when both have the same, even number of
    marks, so that the n-th mark of one is the n-th of the other and odd ones open."""
    if _QUOTE not in output:
        return output
    src, out = _quotes(source), _quotes(output)
    if len(src) != len(out) or len(src) % 2:
        return output
    drop: set[int] = set()
    for n, (s, o) in enumerate(zip(src, out, strict=True)):
        if n % 2 == 0:  # opening: nothing between the mark and its word in the source
            if s + 1 < len(source) and not source[s + 1].isspace():
                j = o + 1
                while j < len(output) and output[j] == " ":
                    drop.add(j)
                    j += 1
        elif s > 0 and not source[s - 1].isspace():  # closing
            j = o - 1
            while j >= 0 and output[j] == " ":
                drop.add(j)
                j -= 1
    if not drop:
        return output
    return "".join(ch for i, ch in enumerate(output) if i not in drop)


def tidy(source: str, output: str) -> str:
    """Every rule of this module, in order."""
    output = attach_quotes(source, output)
    for table in (_OPENING, _CLOSING):
        for mark, (in_source, loose) in table.items():
            if mark in output and not in_source.search(source):
                output = loose.sub(mark, output)
    return output
