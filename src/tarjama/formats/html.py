"""HTML articles in and out, keeping the markup around the translated words.

Reading finds the article and turns it into blocks whose text is in tarjama's inline-tag form
(``tarjama.inline``): paired inline elements (``<a href>``, ``<em>``...) become ``<g id="N">``,
standalone ones (``<br>``, ``<img>``, anything marked ``translate="no"`` or ``notranslate``)
become ``<x id="N"/>``, and ``Block.inline`` keeps the original markup for each id.

What counts as what (one function, ``_find_parts``, decides it for both reading and writing, so
writing can walk the original again and meet the same elements in the same order):

- container: the first ``<article>`` with an ``<h1>``, else the first ``<article>``, else
  ``<main>``, else ``<body>`` (for a fragment: the fragment itself);
- headline: the first ``<h1>`` in the container, else in the page, else ``<title>``;
- standfirst / byline / dateline: the first element whose class contains
  standfirst|summary|lede|dek / byline (or ``rel="author"``, or ``<address>``) / dateline, and
  which is not inside a paragraph-like block (a ``rel=author`` link inside a paragraph stays part
  of that paragraph). Their inline markup is flattened: they are plain text;
- body: ``p`` paragraphs, ``h1``-``h6`` headings, ``li`` list items, ``blockquote`` (its inner
  paragraphs, or itself), ``figure`` with an ``img`` as a picture (alt text, caption, credit), an
  ``img`` with alt text outside any block, and any other element whose content is only text and
  inline markup (a ``<div>`` of text, a table cell) as a paragraph. Blocks with no words (an
  empty ``<p>``, a ``<p>`` holding only an image) are left alone;
- never touched: script, style, pre, code, nav, form, embedded media, comments, and any element
  with ``translate="no"`` or class ``notranslate``.

Every text field of the Article is XML-escaped text (``&amp;``, ``&lt;``, ``&gt;``), the picture
credit included, so every format hands the pipeline the same form.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import lxml.html
import lxml.html.builder
from babel import Locale, UnknownLocaleError
from lxml import etree

from tarjama import inline, intake
from tarjama.errors import EmptyInputError, EngineError, FormatError
from tarjama.model import Article, Block, BlockKind, Provenance, Translation

log = logging.getLogger(__name__)

Inline = tuple[tuple[str, str], ...]


def _words(names: str) -> frozenset[str]:
    return frozenset(names.split())


PAIRED_TAGS = _words(
    "a em strong b i span sub sup small abbr cite q time u mark s del ins dfn bdi bdo font"
)
"""Inline elements whose words are translated: they travel as ``<g id>`` pairs."""

OPAQUE_TAGS = _words(
    "br wbr hr img input code kbd samp var script style svg math iframe video audio picture "
    "object embed canvas noscript template button select textarea source track"
)
"""Elements carried whole as ``<x id/>``: void elements and content that must not be translated."""

_SKIPPED_TAGS = _words(
    "script style noscript template pre code svg math iframe object embed canvas video audio "
    "nav form button select textarea head"
)
"""Block-level elements the walk never enters."""

_HIDDEN_TAGS = _words("script style template noscript")
"""Elements whose text no reader sees: never words of a headline, standfirst or byline."""

_PARA_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}

_STANDFIRST = ("standfirst", "summary", "lede", "dek")
RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})

LABEL_CLASS = "tarjama-label"
_SPACES = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space is meant to stay
_PAGE_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|\?xml)\b", re.I | re.S)
_TAG_NAME = re.compile(r"<([^\s/>]+)")
# An agency credit at the end of a caption: " / AFP / Omar HAJ KADOUR", "(AP Photo/Evan Vucci)",
# "Photo: Jane Doe". The slash form wants capitalised words right after the slash so that
# "prices / wages" in a sentence is not mistaken for a credit.
_CREDIT_SUFFIX = re.compile(
    r"\s+/\s*(?P<slash>[A-Z][\w&;'.-]*(?: [A-Z][\w&;'.-]*)*(?:\s*/\s*[^<>/]+)*)$"
    r"|\s*(?P<paren>\([^()<>]*\b(?:Photo|Photograph|Picture|Image|Credit)s?\b[^()<>]*\))$"
    r"|\s+(?P<label>(?:Photo|Photograph|Picture|Image|Credit)s?:\s*[^<>]+)$"
)


# --- inline markup <-> tagged text -------------------------------------------------------------


def to_inline(element: Any) -> tuple[str, Inline]:
    """The content of ``element`` as tagged text, and the original markup for each tag id.

    Whitespace runs collapse to one space (HTML renders them so; engines should not see the
    source's indentation).
    """
    pairs: list[tuple[str, str]] = []
    out: list[str] = []

    def text(value: str | None) -> None:
        if value:
            out.append(inline.escape_text(_SPACES.sub(" ", value)))

    def walk(el: Any) -> None:
        text(el.text)
        for child in el:
            if _is_opaque(child):
                pairs.append((str(len(pairs) + 1), _serialise(child)))
                out.append(inline.placeholder(len(pairs)))
            else:
                pairs.append((str(len(pairs) + 1), _opening_tag(child)))
                out.append(f'<g id="{len(pairs)}">')
                walk(child)
                out.append("</g>")
            text(child.tail)

    walk(element)
    return "".join(out).strip(" "), tuple(pairs)


def from_inline(tagged: str, pairs: Sequence[tuple[str, str]]) -> str:
    """HTML for tagged text: each ``<g>`` back to its original element, each ``<x/>`` likewise.

    A g id may appear twice (the engine split a phrase) or not at all (it dropped the words);
    an id with no markup is dropped. Raises EngineError on unbalanced tags.
    """
    markup = dict(pairs)
    out: list[str] = []
    for tok in inline.parse(tagged):
        if isinstance(tok, inline.Text):
            out.append(inline.escape_text(tok.text))
        elif isinstance(tok, inline.Placeholder | inline.Open):
            out.append(markup.get(str(tok.id), ""))
        elif str(tok.id) in markup:
            name = _TAG_NAME.match(markup[str(tok.id)])
            out.append(f"</{name.group(1)}>" if name else "")
    return "".join(out)


def _is_opaque(el: Any) -> bool:
    return not isinstance(el.tag, str) or el.tag in OPAQUE_TAGS or _no_translate(el)


def _no_translate(el: Any) -> bool:
    return el.get("translate", "").lower() == "no" or "notranslate" in el.get("class", "").split()


def _serialise(el: Any) -> str:
    return str(lxml.html.tostring(el, encoding="unicode", with_tail=False))


def _opening_tag(el: Any) -> str:
    shallow = el.makeelement(el.tag, el.attrib)
    html = _serialise(shallow)
    closing = f"</{el.tag}>"
    return html[: -len(closing)] if html.endswith(closing) else html


def _render(tagged: str, pairs: Sequence[tuple[str, str]]) -> str:
    """from_inline, but a block with broken tags loses its markup rather than the page."""
    try:
        return from_inline(tagged, pairs)
    except EngineError:
        log.warning("unbalanced inline tags, writing the text without markup: %r", tagged)
        return inline.escape_text(unescape(re.sub(r"</?[gx]\b[^>]*>", "", tagged)))


def _set_content(el: Any, html: str) -> None:
    """Replace what is inside ``el`` with ``html``; its attributes and tail stay."""
    for child in list(el):
        el.remove(child)
    el.text = None
    if not html.strip():
        el.text = html
        return
    parsed = parse_fragment(html)
    el.text = parsed.text
    for child in list(parsed):
        el.append(child)


def _set_text(el: Any, escaped: str) -> None:
    """Put plain translated text into ``el`` (a headline, standfirst or byline).

    Their markup was flattened for the engine, but a child whose words come through unchanged
    (the name in "By <a href>Lena Park</a>") is wrapped again, so its link survives.
    """
    text = unescape(escaped)
    children = list(el)
    for child in children:
        el.remove(child)
    el.text, last, pos = "", None, 0
    for child in children:
        if _hidden(child):
            # no words of the headline: kept whole, where the text has got to
            child.tail = None
            el.append(child)
            last = child
            continue
        words = _SPACES.sub(" ", visible_text(child)).strip()
        m = re.compile(re.escape(words), re.I).search(text, pos) if words else None
        if m is None:
            continue
        if last is None:
            el.text = text[pos : m.start()]
        else:
            last.tail = text[pos : m.start()]
        if len(child) == 0:
            child.text = m.group()
        child.tail = None
        el.append(child)
        last, pos = child, m.end()
    if last is None:
        el.text = text[pos:]
    else:
        last.tail = text[pos:]


def _plain(el: Any) -> str:
    """Element text without markup, escaped (headline, standfirst, byline)."""
    return inline.escape_text(_SPACES.sub(" ", visible_text(el)).strip())


def _hidden(el: Any) -> bool:
    """A comment, processing instruction or element whose text is not shown (a script)."""
    return not isinstance(el.tag, str) or el.tag.rsplit("}", 1)[-1].lower() in _HIDDEN_TAGS


def visible_text(el: Any) -> str:
    """The text of an element as a reader sees it: ``text_content()`` without the text of
    scripts, styles, templates and comments inside it (a ``<script>`` in an ``<h1>`` is no
    part of the headline)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        out.append(node.text or "")
        for child in node:
            if not _hidden(child):
                walk(child)
            out.append(child.tail or "")

    walk(el)
    return "".join(out)


def text_direction(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP-47 tag, from its script subtag if any, else its language."""
    subtags = language.lower().replace("_", "-").split("-")
    for sub in subtags[1:]:
        if len(sub) == 4:
            return "rtl" if sub in _RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def provenance_text(p: Provenance) -> str:
    """One line saying who made a translation, the same in every output format."""
    return (
        f"engine={p.engine}; engine_version={p.engine_version}; model={p.model}; "
        f"pair={p.pair}; created={p.created}"
    )


# --- finding the article ------------------------------------------------------------------------


@dataclass
class _Parts:
    container: Any
    headline: Any = None
    standfirst: Any = None
    byline: Any = None
    dateline: Any = None
    label: Any = None
    blocks: list[tuple[Any, BlockKind]] = field(default_factory=list)


def _parse(data: str) -> tuple[Any, bool]:
    """The parsed input and whether it is a whole page; raises for input that is not HTML."""
    if not data.strip():
        raise EmptyInputError("empty HTML input")
    text = data.lstrip("\ufeff \t\r\n")
    if not text.startswith("<"):
        raise FormatError(f"HTML input must start with markup ('<'), found {text[:30]!r}")
    page = bool(_PAGE_START.match(text))
    try:
        root = lxml.html.document_fromstring(text) if page else parse_fragment(text)
    except (etree.ParserError, ValueError) as exc:
        raise FormatError(f"cannot parse HTML: {exc}") from exc
    if not any(
        isinstance(e.tag, str) and e.tag not in ("html", "head", "body")
        for e in root.iterdescendants()
    ):
        raise FormatError(f"HTML input contains no HTML elements: {text[:30]!r}")
    return root, page


# libxml2 reads a fragment as the body of "<html><body>...</body></html>"; an element whose content
# is raw text (script, style, title, textarea, xmp, iframe) left open at the end of the fragment
# takes those closing tags for its own text, and a page or a script would carry them out.
_WRAPPER_TAIL = "</body></html>"


def parse_fragment(text: str) -> Any:
    """An HTML fragment in a ``<div>`` of its own, as ``lxml.html.fragment_fromstring`` reads
    it, but for the parser's closing tags in a raw-text element left open at its end."""
    root = lxml.html.fragment_fromstring(text, create_parent="div")
    last = root
    while len(last):
        last = last[-1]
    if (
        last is not root
        and last.text
        and last.text.endswith(_WRAPPER_TAIL)
        and not text.rstrip().endswith(_WRAPPER_TAIL)
    ):
        last.text = last.text[: -len(_WRAPPER_TAIL)]
    return root


def _classes(el: Any) -> list[str]:
    return str(el.get("class", "")).lower().split()


def _in_block(el: Any, stop: Any) -> bool:
    return any(
        a.tag in _PARA_TAGS or a.tag in ("blockquote", "figure") for a in _ancestors(el, stop)
    )


def _ancestors(el: Any, stop: Any) -> Iterator[Any]:
    for a in el.iterancestors():
        if a is stop:
            return
        yield a


def _skipped(el: Any) -> bool:
    return (
        not isinstance(el.tag, str)
        or el.tag in _SKIPPED_TAGS
        or _no_translate(el)
        or LABEL_CLASS in _classes(el)
    )


def _meta_element(scopes: Sequence[Any], match: Any, root: Any) -> Any:
    """The first element matching ``match`` that is not inside a paragraph-like block."""
    for scope in scopes:
        for el in scope.iter():
            if (
                isinstance(el.tag, str)
                and el.tag not in ("html", "body", "article", "main")
                and not _skipped(el)
                and match(el)
                and not _in_block(el, root)
            ):
                if el.tag not in _PARA_TAGS and el.find(".//p") is not None:
                    return el.find(".//p")  # a summary box of paragraphs: its first one
                return el
    return None


def _find_parts(root: Any, *, page: bool, meta: bool = True) -> _Parts:
    if page:
        body = root.find("body") if root.find("body") is not None else root
        articles = body.findall(".//article")
        container = next((a for a in articles if a.find(".//h1") is not None), None)
        if container is None:
            container = articles[0] if articles else body.find(".//main")
        if container is None:
            container = body
    else:
        body = container = root
    parts = _Parts(container)
    if meta:
        scopes = [container, body]
        parts.headline = container.find(".//h1")
        if parts.headline is None:
            parts.headline = body.find(".//h1")
        if parts.headline is None and page:
            parts.headline = root.find(".//title")
        parts.standfirst = _meta_element(
            scopes, lambda e: any(k in c for c in _classes(e) for k in _STANDFIRST), root
        )
        parts.byline = _meta_element(
            scopes,
            lambda e: (
                e.tag == "address"
                or "author" in str(e.get("rel", "")).split()
                or any("byline" in c for c in _classes(e))
            ),
            root,
        )
        parts.dateline = _meta_element(scopes, lambda e: "dateline" in _classes(e), root)
        parts.label = next(
            (e for e in body.iter() if isinstance(e.tag, str) and LABEL_CLASS in _classes(e)), None
        )
    taken = [
        e for e in (parts.headline, parts.standfirst, parts.byline, parts.dateline) if e is not None
    ]
    if _is_leaf(container) and _has_words(container):
        parts.blocks.append((container, BlockKind.PARAGRAPH))
    else:
        parts.blocks.extend(_walk(container, taken, None))
    return parts


def _is_leaf(el: Any) -> bool:
    """Only text and inline markup inside: the element is one paragraph."""
    return all(
        not isinstance(d.tag, str) or d.tag in PAIRED_TAGS or d.tag in OPAQUE_TAGS
        for d in el.iterdescendants()
    )


def _has_words(el: Any) -> bool:
    tagged, _ = to_inline(el)
    return bool(inline.plain(tagged).strip())


def _walk(el: Any, taken: list[Any], kind: BlockKind | None) -> Iterator[tuple[Any, BlockKind]]:
    for child in el:
        if _skipped(child) or any(child is t for t in taken):
            continue
        tag = child.tag
        if tag in _HEADINGS:
            found = BlockKind.HEADING
        elif tag == "li":
            found = BlockKind.LIST_ITEM
        elif tag == "p":
            found = kind or BlockKind.PARAGRAPH
        elif tag == "blockquote" and not _is_leaf(child):
            yield from _walk(child, taken, BlockKind.BLOCKQUOTE)
            continue
        elif tag == "blockquote":
            found = BlockKind.BLOCKQUOTE
        elif (tag == "figure" and child.find(".//img") is not None) or (
            tag == "img" and child.get("alt", "").strip()
        ):
            yield child, BlockKind.PICTURE
            continue
        elif (tag in PAIRED_TAGS or tag in OPAQUE_TAGS) and _is_leaf(child):
            continue  # loose inline markup between blocks: rare, and left as it is
        elif _is_leaf(child) and _has_words(child):
            found = kind or BlockKind.PARAGRAPH
        else:
            yield from _walk(child, taken, kind)
            continue
        if _has_words(child):
            yield child, found


# --- pictures -----------------------------------------------------------------------------------


def _credit_elements(figure: Any) -> list[Any]:
    return [
        e
        for e in figure.iter()
        if isinstance(e.tag, str) and any("credit" in c for c in _classes(e))
    ]


def _caption(figure: Any) -> tuple[Any, str, Inline, str, str]:
    """(figcaption, caption tagged text, its markup, credit suffix as written, credit)."""
    figcaption = figure.find(".//figcaption") if figure.tag == "figure" else None
    credits = _credit_elements(figure) if figure.tag == "figure" else []
    credit = " / ".join(_plain(c) for c in credits)
    if figcaption is None:
        return None, "", (), "", credit
    bare = copy.deepcopy(figcaption)
    for c in _credit_elements(bare):
        c.drop_tree()  # keeps the text after it
    tagged, pairs = to_inline(bare)
    m = _CREDIT_SUFFIX.search(tagged)
    if m is None or credit:
        return figcaption, tagged, pairs, "", credit
    found = m.group("slash") or m.group("paren") or m.group("label")
    return figcaption, tagged[: m.start()], pairs, tagged[m.start() :], found


def _picture_block(el: Any) -> Block:
    img = el if el.tag == "img" else el.find(".//img")
    _, caption, pairs, _, credit = _caption(el)
    alt = inline.escape_text(_SPACES.sub(" ", img.get("alt", "")).strip())
    return Block(
        BlockKind.PICTURE,
        caption,
        credit=credit,
        src=img.get("src", ""),
        alt=alt,
        inline=pairs,
        translatable=bool(caption or alt),
    )


# --- reading ------------------------------------------------------------------------------------


def _block(el: Any, kind: BlockKind) -> Block:
    if kind is BlockKind.PICTURE:
        return _picture_block(el)
    tagged, pairs = to_inline(el)
    return Block(kind, tagged, level=_HEADINGS.get(el.tag, 0), inline=pairs)


def body_blocks(fragment: str) -> tuple[Block, ...]:
    """The blocks of an HTML body fragment (a ninjs body): no headline or byline is looked for."""
    root = parse_fragment(fragment)
    return tuple(_block(el, kind) for el, kind in _find_parts(root, page=False, meta=False).blocks)


def read_html(data: str, *, language: str = "en", publisher_id: str = "") -> Article:
    """An Article from an HTML page or fragment, under the text rule (``tarjama.intake``);
    raises EmptyInputError, FormatError or CharacterError."""
    data = intake.accept(data, "the HTML", lines=True)
    root, page = _parse(data)
    parts = _find_parts(root, page=page)
    headline = _plain(parts.headline) if parts.headline is not None else ""
    body = tuple(_block(el, kind) for el, kind in parts.blocks)
    if not headline and not any(b.text or b.alt for b in body):
        raise FormatError(
            "HTML input has no text to translate (no headline, paragraphs, headings, list items "
            "or captions found)"
        )

    def meta(name: str) -> str:
        found = root.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')
        return str(found[0]) if found else ""

    canonical = root.xpath('//link[@rel="canonical"]/@href')
    article = Article(
        headline=headline,
        body=body,
        source_language=language,
        publisher_id=publisher_id,
        standfirst=_plain(parts.standfirst) if parts.standfirst is not None else "",
        byline=_plain(parts.byline) if parts.byline is not None else "",
        dateline=_plain(parts.dateline) if parts.dateline is not None else "",
        label=_plain(parts.label) if parts.label is not None else "",
        canonical_url=str(canonical[0]) if canonical else "",
        published=meta("article:published_time"),
        updated=meta("article:modified_time"),
        source_format="html",
        original=data,
    )
    # character references make characters of their own: "&#x11;" is not in the raw text
    return intake.accept_article(article, "the HTML")


# --- writing ------------------------------------------------------------------------------------


def _write_block(el: Any, block: Block) -> None:
    if block.kind is not BlockKind.PICTURE:
        _set_content(el, _render(block.text, block.inline))
        return
    img = el if el.tag == "img" else el.find(".//img")
    if block.alt:
        img.set("alt", unescape(block.alt))
    figcaption, _, _, suffix, _ = _caption(el)
    if figcaption is None:
        return
    credits = _credit_elements(figcaption)
    _set_content(figcaption, _render(block.text + suffix, block.inline))
    for c in credits:
        _append_spaced(figcaption, c)


def _append_spaced(parent: Any, child: Any) -> None:
    """Append ``child`` after a space (a credit after its caption)."""
    child.tail = None
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + " "
    elif parent.text:
        parent.text += " "
    parent.append(child)


def replace_body_blocks(fragment: str, blocks: Sequence[Block], *, xhtml: bool = False) -> str:
    """``fragment`` (as read by ``body_blocks``) with each block's content replaced."""
    root = parse_fragment(fragment)
    _write_blocks(_find_parts(root, page=False, meta=False), blocks)
    return inner_html(root, xhtml=xhtml)


def inner_html(el: Any, *, xhtml: bool = False) -> str:
    """The markup inside an element, its own tag left out."""
    method = "xml" if xhtml else "html"
    inner = [inline.escape_text(el.text or "")]
    inner += [etree.tostring(c, method=method, encoding="unicode") for c in el]
    return "".join(inner)


def _write_blocks(parts: _Parts, blocks: Sequence[Block]) -> None:
    if len(parts.blocks) != len(blocks):
        raise FormatError(
            f"the translation has {len(blocks)} blocks but the original HTML has "
            f"{len(parts.blocks)}: it cannot be written back into the original"
        )
    for (el, _), block in zip(parts.blocks, blocks, strict=True):
        _write_block(el, block)


def _label(t: Translation) -> Any:
    p = t.provenance
    return lxml.html.builder.P(
        t.label,
        {
            "class": LABEL_CLASS,
            "data-tarjama-engine": p.engine,
            "data-tarjama-engine-version": p.engine_version,
            "data-tarjama-model": p.model,
            "data-tarjama-pair": p.pair,
            "data-tarjama-created": p.created,
        },
    )


def write_html(t: Translation) -> str:
    """The translation as HTML: the original page rebuilt around it, or a clean new page."""
    a = t.article
    if a.source_format != "html" or not a.original:
        return _new_page(t)
    root, page = _parse(a.original)
    parts = _find_parts(root, page=page)
    title = root.find(".//title") if page else None
    if title is not None and parts.headline is not None and parts.headline is not title:
        # the page title usually repeats the headline ("Headline | Site"): translate that part
        before = unescape(_plain(parts.headline))
        if before and before in (title.text or ""):
            title.text = title.text.replace(before, unescape(a.headline))
    _write_blocks(parts, a.body)
    for el, text in (
        (parts.headline, a.headline),
        (parts.standfirst, a.standfirst),
        (parts.byline, a.byline),
        (parts.dateline, a.dateline),
    ):
        if el is not None and text != _plain(el):
            _set_text(el, text)
    if parts.label is not None:
        parts.label.drop_tree()
    parts.container.insert(0, _label(t))
    lang, direction = t.language, text_direction(t.language)
    if not page:
        root.set("lang", lang)
        root.set("dir", direction)
        return _serialise(root)
    root.set("lang", lang)
    root.set("dir", direction)
    _add_meta(root, t)
    return str(
        etree.tostring(
            root.getroottree(), method="html", encoding="unicode", doctype="<!DOCTYPE html>"
        )
    )


def _head(root: Any) -> Any:
    """A page's ``<head>``, made when it has none."""
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    return head


def _add_meta(root: Any, t: Translation) -> None:
    head = _head(root)
    for old in head.findall('meta[@name="tarjama-provenance"]'):
        head.remove(old)
    head.append(
        lxml.html.builder.META(name="tarjama-provenance", content=provenance_text(t.provenance))
    )


LANGUAGES_CLASS = "tarjama-languages"


def language_name(code: str) -> str:
    """A language's name in itself ("español", "العربية"), from CLDR; the code if unknown."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def add_language_links(page: str, links: Sequence[tuple[str, str]], current: str) -> str:
    """``page`` (a whole translated page, as ``write_html`` writes it) with a way to the same
    article in every other language: ``<link rel="alternate" hreflang>`` in its head, and a
    language switcher after the label. ``links`` is (language, address) pairs, the original
    first; ``current`` is the page's own language, shown but not linked."""
    root = lxml.html.document_fromstring(page)
    head = _head(root)
    for old in head.findall('link[@rel="alternate"][@hreflang]'):
        head.remove(old)
    for old in root.find_class(LANGUAGES_CLASS):
        old.drop_tree()
    E = lxml.html.builder
    nav = E.NAV({"class": LANGUAGES_CLASS, "aria-label": "Languages"})
    for lang, href in links:
        head.append(E.LINK(rel="alternate", hreflang=lang, href=href))
        attrs = {"lang": lang, "dir": text_direction(lang)}
        if lang == current:
            item = E.STRONG(language_name(lang), {**attrs, "aria-current": "page"})
        else:
            item = E.A(language_name(lang), {**attrs, "href": href, "hreflang": lang})
        if len(nav):
            nav[-1].tail = " · "
        nav.append(item)
    label = next(iter(root.find_class(LABEL_CLASS)), None)
    if label is not None:
        label.addnext(nav)
    else:
        body = root.find("body")
        (body if body is not None else root).insert(0, nav)
    return str(
        etree.tostring(
            root.getroottree(), method="html", encoding="unicode", doctype="<!DOCTYPE html>"
        )
    )


def render_blocks(blocks: Sequence[Block]) -> list[Any]:
    """Fresh HTML elements for blocks (list items grouped in ``<ul>``)."""
    E = lxml.html.builder
    out: list[Any] = []
    for block in blocks:
        if block.kind is BlockKind.PICTURE:
            if not (block.src or block.text):
                continue  # nothing to show: a picture known only by its id
            figure = E.FIGURE()
            if block.src:
                figure.append(E.IMG(src=block.src, alt=unescape(block.alt)))
            if block.text or block.credit:
                caption = E.FIGCAPTION()
                _set_content(caption, _render(block.text, block.inline))
                if block.credit:
                    _append_spaced(caption, E.SPAN(unescape(block.credit), {"class": "credit"}))
                figure.append(caption)
            out.append(figure)
            continue
        if block.kind is BlockKind.HEADING:
            el = E.E(f"h{min(max(block.level, 2), 6)}")
        elif block.kind is BlockKind.LIST_ITEM:
            el = E.LI()
        else:
            el = E.P()
        _set_content(el, _render(block.text, block.inline))
        if block.kind is BlockKind.BLOCKQUOTE:
            el = E.BLOCKQUOTE(el)
        if block.kind is BlockKind.LIST_ITEM:
            if not out or out[-1].tag != "ul":
                out.append(E.UL())
            out[-1].append(el)
        else:
            out.append(el)
    return out


def blocks_to_html(blocks: Sequence[Block]) -> str:
    """An HTML fragment for blocks (a ninjs body written from scratch)."""
    return "".join(_serialise(el) for el in render_blocks(blocks))


def _new_page(t: Translation) -> str:
    E = lxml.html.builder
    a = t.article
    article = E.ARTICLE(_label(t))
    if a.headline:
        article.append(E.H1(unescape(a.headline)))
    for text, cls in ((a.standfirst, "standfirst"), (a.byline, "byline"), (a.dateline, "dateline")):
        if text:
            article.append(E.P(unescape(text), {"class": cls}))
    article.extend(render_blocks(a.body))
    head = E.HEAD(E.META(charset="utf-8"), E.TITLE(unescape(a.headline)))
    page = E.HTML(head, E.BODY(article), lang=t.language, dir=text_direction(t.language))
    _add_meta(page, t)
    return str(etree.tostring(page, method="html", encoding="unicode", doctype="<!DOCTYPE html>"))
