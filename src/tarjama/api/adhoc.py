"""Ad hoc translation for the API: a text or an HTML fragment in, the same shape out.

Plain text keeps its layout exactly: every line is a paragraph of its own, and the line breaks
and blanks between lines come back as they were (line ends as LF: the text, like every text the
API takes, has been through ``tarjama.intake``). HTML goes through the HTML reader and writer
(markup kept around the right words) and comes out sanitised. Nothing is cut: a text over the
character limit is refused whole (:class:`~tarjama.errors.InputTooLargeError`, 413), and every
line of a text under it comes back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import lxml.html

from tarjama import inline, intake
from tarjama.errors import CharacterError, EmptyInputError, FormatError, InputTooLargeError
from tarjama.formats import write_checked
from tarjama.formats.html import LABEL_CLASS, inner_html, read_html, write_html
from tarjama.formats.sanitise import sanitise_fragment, sanitise_html
from tarjama.model import Article, Block, BlockKind, Translation
from tarjama.pipeline import Translator

_LINE_BREAKS = re.compile(r"(\s*\n\s*)")
_PAGE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body)\b", re.I | re.S)


def check_characters(texts: Sequence[str], limit: int) -> None:
    """Refuse texts whose characters add up to more than ``limit``."""
    total = sum(len(t) for t in texts)
    if total > limit:
        raise InputTooLargeError(
            f"the text to translate is {total:,} characters; the limit is {limit:,}: "
            "split it into several requests"
        )


def text_article(text: str, source: str) -> tuple[Article, list[str]]:
    """An article with one paragraph per non-blank line, and the pieces to rebuild the text."""
    pieces = _LINE_BREAKS.split(text)
    lines = pieces[0::2]
    blocks = tuple(Block(BlockKind.PARAGRAPH, inline.escape_text(line)) for line in lines if line)
    return Article(headline="", body=blocks, source_language=source, source_format="text"), pieces


def rebuild_text(translation: Translation, pieces: list[str]) -> str:
    translated = iter(inline.plain(b.text) for b in translation.article.body)
    return "".join(
        piece if i % 2 or not piece else next(translated) for i, piece in enumerate(pieces)
    )


def translate_texts(
    translator: Translator, texts: Sequence[str], source: str, target: str
) -> list[tuple[str, Translation | None]]:
    """Each plain text translated (one engine batch for all); a blank text comes back as it is."""
    prepared = [text_article(t, source) for t in texts]
    wanted = [article for article, _ in prepared if article.body]
    if not wanted:
        if len(texts) == 1:
            raise EmptyInputError("the text is empty: nothing to translate")
        return [(t, None) for t in texts]
    done = iter(translator.translate_many(wanted, target))
    results: list[tuple[str, Translation | None]] = []
    for text, (article, pieces) in zip(texts, prepared, strict=True):
        if not article.body:
            results.append((text, None))
            continue
        translation = next(done)
        results.append((rebuild_text(translation, pieces), translation))
    return results


def translate_html(
    translator: Translator,
    html: str,
    source: str,
    target: str,
    *,
    label: bool = True,
    extract: bool = False,
    strict: bool = False,
) -> tuple[str, Translation]:
    """HTML translated and sanitised. With ``label`` it carries the disclosure label and
    ``lang``/``dir`` (tarjama's own API); without, it is the bare fragment LibreTranslate gives.
    With ``extract``, a whole page's article alone (``formats.extract``). A page whose markup
    the translation changed comes with a critical ``markup`` finding, or with ``strict``
    raises MarkupError."""
    if not html.strip():
        raise EmptyInputError("the HTML is empty: nothing to translate")
    page = bool(_PAGE.match(html))
    if extract:
        from tarjama.formats.extract import extract as extract_article

        translation = translator.translate(extract_article(html, language=source), target)
        return sanitise_html(write_html(translation)), translation
    if label:
        translation = translator.translate(read_html(html, language=source), target)
        written, translation = write_checked(translation, "html", sanitise=True, strict=strict)
        return written, translation
    try:
        article = read_html(html if page else f"<div>{html}</div>", language=source)
    except CharacterError as e:
        if page:
            raise
        at = e.offset - len("<div>")  # where the caller wrote it, not in the wrapper
        raise intake.refusal(html[:at] + e.character, at, "the HTML", lines=True) from None
    translation = translator.translate(article, target)
    written = write_html(translation)
    if page:
        root = lxml.html.document_fromstring(written)
        for el in root.find_class(LABEL_CLASS):
            el.drop_tree()
        return sanitise_html(lxml.html.tostring(root, encoding="unicode")), translation
    outer = lxml.html.fragment_fromstring(written)
    for el in outer.find_class(LABEL_CLASS):
        el.drop_tree()
    wrappers = [child for child in outer if isinstance(child.tag, str)]
    if len(wrappers) != 1:
        raise FormatError("the HTML could not be written back in its original shape")
    return sanitise_fragment(inner_html(wrappers[0])), translation
