"""The translation's inline tags put back into the source's structure, so that every element of
a run comes out once, inside the element it was in.

An engine may split a pair around the words it moved (``<g id="1">a</g> b <g id="1">c</g>``),
drop a pair whose words it dropped, repeat a placeholder, or (a neural model) nest a pair
elsewhere. Written as they came, those would add, lose or move elements of the page. Here:

- a pair met again with only text since its first occurrence takes that text and the second
  occurrence's content ("<a>a b c</a>"); met again after other markup, its second occurrence
  gives up its tags and keeps its words where they are;
- a pair or placeholder that is not where the source has it (another parent, an id the source
  lacks, a second placeholder) gives up its tags (a placeholder: itself);
- what is missing comes back empty, after its nearest earlier sibling in the source.

The words stay in the engine's order throughout: only tags are moved, merged or put back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from tarjama import inline
from tarjama.errors import EngineError


@dataclass
class Item:
    """A text, a placeholder (``x``) or a pair (``g``, with its ``children``)."""

    kind: str
    id: int = 0
    text: str = ""
    children: list[Item] = field(default_factory=list)


_TAGS = re.compile(r"</?[gx]\b[^>]*>")


def tree(tagged: str) -> list[Item]:
    """Tagged text as items; unbalanced tags are dropped (the words stay)."""
    try:
        tokens = inline.parse(tagged)
    except EngineError:
        return [Item("text", text=unescape(_TAGS.sub("", tagged)))]
    root: list[Item] = []
    stack: list[list[Item]] = [root]
    for tok in tokens:
        if isinstance(tok, inline.Text):
            stack[-1].append(Item("text", text=tok.text))
        elif isinstance(tok, inline.Placeholder):
            stack[-1].append(Item("x", tok.id))
        elif isinstance(tok, inline.Open):
            pair = Item("g", tok.id)
            stack[-1].append(pair)
            stack.append(pair.children)
        else:
            stack.pop()
    return root


def conform(target: str, source: str) -> list[Item]:
    """``target``'s items with its tags arranged as in ``source`` (module docstring)."""
    parent: dict[tuple[str, int], int] = {}
    order: list[tuple[str, int]] = []

    def learn(items: list[Item], holder: int) -> None:
        for item in items:
            if item.kind != "text":
                parent[(item.kind, item.id)] = holder
                order.append((item.kind, item.id))
                learn(item.children, item.id)

    learn(tree(source), 0)
    placed: dict[tuple[str, int], Item] = {}

    def fix(items: list[Item], holder: int, out: list[Item]) -> None:
        for item in items:
            key = (item.kind, item.id)
            if item.kind == "text":
                out.append(item)
            elif key not in placed and parent.get(key) == holder:
                kept = Item(item.kind, item.id)
                placed[key] = kept
                out.append(kept)
                fix(item.children, item.id, kept.children)
            elif item.kind == "g":
                again(item, holder, out)

    def again(item: Item, holder: int, out: list[Item]) -> None:
        # Merged into its first occurrence when only text lies between them; else its words
        # stay where they are, without its tags.
        first = placed.get(("g", item.id))
        last = next((i for i in range(len(out) - 1, -1, -1) if out[i].kind != "text"), None)
        if first is not None and last is not None and out[last] is first:
            first.children.extend(out[last + 1 :])
            del out[last + 1 :]
            fix(item.children, item.id, first.children)
        else:
            fix(item.children, holder, out)

    result: list[Item] = []
    fix(tree(target), 0, result)
    for n, key in enumerate(order):
        if key in placed:
            continue
        holder = parent[key]
        siblings = placed[("g", holder)].children if holder else result
        earlier = [k for k in order[:n] if parent[k] == holder and k in placed]
        at = 0
        if earlier:
            before = placed[earlier[-1]]
            at = next((i + 1 for i, s in enumerate(siblings) if s is before), 0)
        placed[key] = Item(key[0], key[1])
        siblings.insert(at, placed[key])
    return result


def flatten(items: list[Item]) -> str:
    """Items as tagged text again."""
    out: list[str] = []
    for item in items:
        if item.kind == "text":
            out.append(inline.escape_text(item.text))
        elif item.kind == "x":
            out.append(inline.placeholder(item.id))
        else:
            out.append(f'<g id="{item.id}">{flatten(item.children)}</g>')
    return "".join(out)
