"""tarjama's inline tags on their way through a provider, and the check that all came back.

A provider with tag handling keeps markup in place and moves it with the words it wraps, so the
tags travel as markup that provider knows:

- ``XML`` (DeepL with ``tag_handling=xml``, chat models): ``<g id="N">...</g>`` as is; a
  placeholder as ``<x id="N"/>``, or, when it says what it stands for (``equiv``), as
  ``<x id="N">Bashar al-Assad</x>`` with ``x`` an ignored tag: the model reads the sentence as
  written (names, figures) without translating them, and the words are dropped on the way back.
- ``HTML`` (Google, Azure and LibreTranslate with HTML handling): ``<span id="gN">...</span>``,
  and a placeholder as ``<span translate="no" class="notranslate" id="xN">equiv</span>``:
  ``translate="no"`` is what Google and LibreTranslate (translatehtml) honour, the class is what
  Azure honours. A ``span`` because every HTML pipeline keeps an unknown inline span where it
  might drop or rewrite an unknown element such as ``<x/>``.

The answer is read with ``html.parser`` (indifferent to attribute order, quoting, self-closing
forms and character references). Each placeholder gets its attributes back from the source, and
unless every tag of the source came back exactly once, properly nested, with no markup of the
provider's own, the answer is refused with ``PlaceholderError``: broken tags never pass.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from tarjama import inline
from tarjama.errors import PlaceholderError

# (element name, attributes) -> ("x" | "g", id), or None for markup that is not ours.
_Classify = Callable[[str, dict[str, str | None]], tuple[str, int] | None]

_DIGITS = re.compile(r"\d+")
_HTML_ID = re.compile(r"([xg])(\d+)")


def _classify_xml(tag: str, attrs: dict[str, str | None]) -> tuple[str, int] | None:
    ident = attrs.get("id") or ""
    if tag in ("x", "g") and _DIGITS.fullmatch(ident):
        return tag, int(ident)
    return None


def _classify_html(tag: str, attrs: dict[str, str | None]) -> tuple[str, int] | None:
    m = _HTML_ID.fullmatch(attrs.get("id") or "")
    if tag == "span" and m:
        return m.group(1), int(m.group(2))
    return None


@dataclass(frozen=True)
class TagForm:
    """One way of writing inline tags for a provider, and of reading them back."""

    name: str
    placeholder: Callable[[int, str], str]
    open: Callable[[int], str]
    close: str
    classify: _Classify

    def encode(self, tagged: str) -> str:
        out: list[str] = []
        for tok in inline.parse(tagged):
            if isinstance(tok, inline.Text):
                out.append(escape(tok.text, quote=False))
            elif isinstance(tok, inline.Placeholder):
                out.append(self.placeholder(tok.id, escape(tok.equiv, quote=False)))
            elif isinstance(tok, inline.Open):
                out.append(self.open(tok.id))
            else:
                out.append(self.close)
        return "".join(out)

    def decode(self, answer: str, source: str, who: str) -> str:
        """The provider's answer in tarjama's tagged form; PlaceholderError unless every tag of
        ``source`` came back exactly once and properly nested."""
        reader = _Reader(self.classify)
        reader.feed(answer)
        reader.close()
        reader.finish()
        src = inline.parse(source)
        want = Counter(_tag_keys(src))
        got = Counter(_tag_keys(reader.tokens))
        problems = list(reader.errors)
        if got != want:
            lost = sorted((want - got).elements())
            extra = sorted((got - want).elements())
            if lost:
                problems.append("lost " + ", ".join(f"{k}{i}" for k, i in lost))
            if extra:
                problems.append("added or repeated " + ", ".join(f"{k}{i}" for k, i in extra))
        if problems:
            snippet = answer if len(answer) <= 300 else answer[:300] + "..."
            raise PlaceholderError(
                f"{who}: inline tags broken ({'; '.join(problems)}): {snippet!r}"
            )
        originals = {t.id: t for t in src if isinstance(t, inline.Placeholder)}
        return inline.render(
            [originals[t.id] if isinstance(t, inline.Placeholder) else t for t in reader.tokens]
        )


def _tag_keys(tokens: list[inline.Token]) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    for tok in tokens:
        if isinstance(tok, inline.Placeholder):
            keys.append(("x", tok.id))
        elif isinstance(tok, inline.Open):
            keys.append(("g", tok.id))
    return keys


class _Reader(HTMLParser):
    def __init__(self, classify: _Classify) -> None:
        super().__init__(convert_charrefs=True)
        self.classify = classify
        self.tokens: list[inline.Token] = []
        self.errors: list[str] = []
        self._stack: list[tuple[str, str, int]] = []  # element name, "x" or "g", id
        self._text: list[str] = []

    def _flush(self) -> None:
        if self._text:
            self.tokens.append(inline.Text("".join(self._text)))
            self._text.clear()

    def _in_placeholder(self) -> bool:
        return bool(self._stack) and self._stack[-1][1] == "x"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = self.classify(tag, dict(attrs))
        if kind is None or self._in_placeholder():
            self.errors.append(f"unexpected <{tag}>")
            return
        self._flush()
        self._stack.append((tag, *kind))
        ident = kind[1]
        self.tokens.append(inline.Placeholder(ident) if kind[0] == "x" else inline.Open(ident))

    def handle_endtag(self, tag: str) -> None:
        if not self._stack or self._stack[-1][0] != tag:
            self.errors.append(f"unexpected </{tag}>")
            return
        _, kind, ident = self._stack.pop()
        if kind == "g":
            self._flush()
            self.tokens.append(inline.Close(ident))

    def handle_data(self, data: str) -> None:
        if not self._in_placeholder():  # the words a placeholder stood for are not kept
            self._text.append(data)

    def handle_comment(self, data: str) -> None:
        self.errors.append("unexpected comment")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("unexpected declaration")

    def handle_pi(self, data: str) -> None:
        self.errors.append("unexpected processing instruction")

    def finish(self) -> None:
        self._flush()
        if self._stack:
            self.errors.append("unclosed " + ", ".join(f"<{t[0]}>" for t in self._stack))


def _xml_placeholder(ident: int, equiv: str) -> str:
    return f'<x id="{ident}">{equiv}</x>' if equiv else f'<x id="{ident}"/>'


def _html_placeholder(ident: int, equiv: str) -> str:
    return f'<span translate="no" class="notranslate" id="x{ident}">{equiv}</span>'


XML = TagForm("xml", _xml_placeholder, lambda i: f'<g id="{i}">', "</g>", _classify_xml)
HTML = TagForm("html", _html_placeholder, lambda i: f'<span id="g{i}">', "</span>", _classify_html)
