"""Checks on quotation marks and brackets: what the source balances, the target balances too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tarjama.qa.base import CheckContext, Hit, Severity, check
from tarjama.qa.text import primary_subtag


def _nested(opener: str, closer: str, strict: bool = True) -> Callable[[str], bool]:
    """Every opener closed later; ``strict=False`` tolerates closers without an opener (’ as an
    apostrophe, a "?" without its "¿")."""

    def balanced(text: str) -> bool:
        if opener not in text and (closer not in text or not strict):
            return True  # nothing opened: nothing to balance (most sentences, fast)
        depth = 0
        for c in text:
            if c == opener:
                depth += 1
            elif c == closer:
                if depth == 0 and strict:
                    return False
                depth = max(depth - 1, 0)
        return depth == 0

    return balanced


def _even(*marks: str) -> Callable[[str], bool]:
    # Orientation varies by language (“” en, „“ de, ”” sv), so only the count is reliable.
    return lambda text: sum(text.count(m) for m in marks) % 2 == 0


_BALANCE: tuple[tuple[str, Callable[[str], bool], frozenset[str] | None], ...] = (
    ("( )", _nested("(", ")"), None),
    ("[ ]", _nested("[", "]"), None),
    ("{ }", _nested("{", "}"), None),
    ("“ ”", _even("“", "”", "„"), None),
    ("‘ ’", _nested("‘", "’", strict=False), None),
    # Counted, not nested: Danish quotes »like this«.
    ("« »", lambda text: text.count("«") == text.count("»"), None),
    ('" "', _even('"'), None),
    ("¿ ?", _nested("¿", "?", strict=False), frozenset({"es", "gl", "ast"})),
    ("¡ !", _nested("¡", "!", strict=False), frozenset({"es", "gl", "ast"})),
)


_BALANCE_CHARS = frozenset('()[]{}“”„‘’«»"¿?¡!')


@check("unbalanced_punctuation", Severity.MINOR)
def unbalanced_punctuation(ctx: CheckContext) -> Iterator[Hit]:
    # A dropped closing quote misattributes speech; only judged where the source was balanced.
    if _BALANCE_CHARS.isdisjoint(ctx.target_plain):
        return  # a target without any of these marks is balanced
    language = primary_subtag(ctx.target_lang)
    for label, balanced, languages in _BALANCE:
        if languages is not None and language not in languages:
            continue
        if balanced(ctx.source_plain) and not balanced(ctx.target_plain):
            yield f"unbalanced {label} in the target", label
