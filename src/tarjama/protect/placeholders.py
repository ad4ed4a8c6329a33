"""Masking and restoring: protected spans out as placeholders, and back in the target's form.

``mask`` replaces each protected stretch of a segment by ``<x id="N" ctype="..."/>`` (see
``tarjama.inline``), applying the rules of ``tarjama.protect.rules`` in their order; rules only
ever match inside the text between tags, so existing ``<x>`` and ``<g>`` tags pass untouched.
``restore`` puts back, for each placeholder, the target-language form of what it stands for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from decimal import InvalidOperation
from functools import lru_cache
from html import unescape

from babel import Locale, UnknownLocaleError

from tarjama import inline
from tarjama.protect.base import Masked, Protected, Restored, Rule
from tarjama.protect.numbers import elide_catalan
from tarjama.protect.rules import NAME_RULE_AT, RULES, name_rule, term_rule

_TAG = inline.TAG

# Spans whose text the engine may see as a grammatical hint (``equiv``): names, terms and
# figures read like ordinary words; addresses and credit lines are nothing the engine can use.
_EQUIV_KINDS = frozenset({"name", "term", "number", "date"})


def mask(
    tagged: str,
    *,
    source_lang: str = "en",
    names: Iterable[str] = (),
    terms: Iterable[tuple[str, str, bool]] = (),
    first_id: int | None = None,
    table: bool = True,
) -> Masked:
    """Replace every protected span of ``tagged`` by a placeholder.

    Ids start at ``first_id`` or, when that is absent or would collide, just above the highest
    ``<x>``/``<g>`` id already in the text. Rules that read English conventions apply only when
    ``source_lang`` is English; the others (credits, URLs, names...) apply to any language.
    ``terms`` are glossary entries (source, target, case-sensitive): each occurrence of a source
    term is masked and comes back as its target term, so the term is enforced, in place.
    ``table=False`` masks only ``names`` and ``terms``, none of the table's own spans (figures,
    dates, codes, addresses, credit lines): the engine gets those as written.
    """
    if "<" in tagged:  # without, no tags
        inline.parse(tagged)  # raises EngineError on unbalanced tags, before anything is masked
    term_list = frozenset(terms)
    found = _found(tagged, _rules(source_lang, names, term_list, table))
    targets = {(src if case else src.lower()): tgt for src, tgt, case in term_list}
    spans: list[Protected] = []
    out: list[str] = []
    pos = 0
    for id_, (start, end, rule) in enumerate(found, start=_first_free_id(tagged, first_id)):
        span = Protected(rule.ctype, tagged[start:end], start, end, id=id_, rule=rule.name)
        if rule.name == "term":
            written = unescape(span.text)
            target = targets.get(written) or targets.get(written.lower(), written)
            span = replace(span, replacement=inline.escape_text(target))
        out += [tagged[pos:start], inline.placeholder(id_, rule.ctype, _equiv(span, rule))]
        spans.append(span)
        pos = end
    out.append(tagged[pos:])
    return Masked("".join(out), tuple(spans))


def _rules(
    source_lang: str,
    names: Iterable[str],
    terms: frozenset[tuple[str, str, bool]],
    table: bool = True,
) -> list[Rule]:
    """The table for one call: English-only rules for English, the caller's names and terms."""
    english = source_lang.split("-")[0].lower() == "en"
    rules = [r for r in RULES if english or not r.english_only] if table else []
    at = NAME_RULE_AT if table else 0
    names_found = name_rule(names)
    if names_found is not None:
        rules.insert(at, names_found)
    terms_found = term_rule(terms)
    if terms_found is not None:
        rules.insert(at, terms_found)  # a glossary entry beats a name guess
    return rules


def _found(tagged: str, rules: Sequence[Rule]) -> list[tuple[int, int, Rule]]:
    """Each span the rules take, as (start, end, rule) in the tagged text, in order."""
    found: list[tuple[int, int, Rule]] = []
    for text, offsets in _runs(tagged):
        taken: list[tuple[int, int]] = []
        triggered: dict[re.Pattern[str], bool] = {}  # rules share triggers: each searched once
        for rule in rules:
            if rule.trigger is not None:
                hit = triggered.get(rule.trigger)
                if hit is None:
                    hit = triggered[rule.trigger] = rule.trigger.search(text) is not None
                if not hit:
                    continue
            for a, b in rule.matches(text):
                if a < b and all(b <= s or a >= e for s, e in taken):
                    taken.append((a, b))
                    found.append((offsets[a], offsets[b], rule))
    found.sort(key=lambda f: f[0])
    return found


def _runs(tagged: str) -> Iterator[tuple[str, Sequence[int]]]:
    """The text between tags, unescaped, with the tagged offset of each character (and the end)."""
    if "<" not in tagged and "&" not in tagged:
        if tagged:
            yield tagged, range(len(tagged) + 1)  # most sentences: the text is the tagged text
        return
    pos = 0
    for m in [*_TAG.finditer(tagged), None]:
        stop = m.start() if m else len(tagged)
        text, offsets = inline.unescape_offsets(tagged, pos, stop)
        offsets.append(stop)
        if text:
            yield text, offsets
        if m:
            pos = m.end()


def _first_free_id(tagged: str, first_id: int | None) -> int:
    existing = (
        [int(i) for m in _TAG.finditer(tagged) for i in m.groups() if i is not None]
        if "<" in tagged
        else []
    )
    return max([first_id or 0, *(i + 1 for i in existing), 1])


def _equiv(span: Protected, rule: Rule) -> str:
    """What the engine sees of a span (see ``_EQUIV_KINDS``), or nothing."""
    equiv = unescape(span.text) if rule.ctype in _EQUIV_KINDS else ""
    if equiv and rule.travel is not None:
        equiv = rule.travel(equiv)
    if rule.name == "term" and "." in equiv:
        # "A.I." read by the engine would end its sentence after "A.I": "IA Financiando"
        equiv = equiv.replace(".", "")
    return equiv


# --- restoring --------------------------------------------------------------------------------

_RENDERERS = {r.name: r.render for r in RULES if r.render is not None}
_PLACEHOLDER = re.compile(r'<x id="(\d+)"(?: ctype="[a-z-]+")?(?: equiv="[^"<>]*")?/>')
_LEADING_ZERO = re.compile(r"0\d")


def restore(translated: str, masked: Masked, target_lang: str | None) -> Restored:
    """Put the target form of each masked span back in place of its placeholder.

    ``target_lang=None`` restores every span exactly as written, so that
    ``restore(mask(x).text, mask(x), None).text == x``. Placeholders this mask did not create are
    left alone; lost ones are reported in ``missing``, repeated ones in ``duplicated``.
    """
    if not masked.spans:
        return Restored(translated)  # nothing was masked: nothing to put back
    spans = tuple(replace(s, replacement=_target_form(s, target_lang)) for s in masked.spans)
    by_id = {s.id: s.replacement for s in spans}
    seen: Counter[int] = Counter()

    def put_back(m: re.Match[str]) -> str:
        id_ = int(m.group(1))
        if id_ not in by_id:
            return m.group()
        seen[id_] += 1
        return by_id[id_]

    text = _PLACEHOLDER.sub(put_back, translated)
    if (
        target_lang
        and target_lang.split("-")[0].lower() == "ca"
        and any(s.rule == "magnitude-noun" for s in spans)
    ):
        text = elide_catalan(text)
    return Restored(
        text,
        missing=tuple(i for i in by_id if not seen[i]),
        duplicated=tuple(i for i in by_id if seen[i] > 1),
        spans=spans,
    )


def _target_form(span: Protected, target_lang: str | None) -> str:
    if span.rule == "term" and target_lang is not None:
        return span.replacement
    if span.rule not in _RENDERERS or not target_lang or _LEADING_ZERO.match(span.text):
        # A figure written with a leading zero is a code, a clock time or a phone number
        # ("0230 UTC", "0800 123 456", "007"): it stays exactly as written.
        return span.text
    return _rendered(span.rule, span.text, target_lang)


@lru_cache(maxsize=4096)
def _rendered(rule: str, text: str, target_lang: str) -> str:
    # Babel takes tens of microseconds a figure; the same figures recur across articles.
    locale = _locale(target_lang)
    if locale is None:
        return text
    try:
        return inline.escape_text(_RENDERERS[rule](unescape(text), locale))
    except (ValueError, ArithmeticError, KeyError, InvalidOperation):
        return text  # a form Babel cannot write: as written beats a wrong value


@lru_cache(maxsize=64)
def _locale(lang: str) -> Locale | None:
    code = lang.replace("-", "_")
    for candidate in (code, code.split("_")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return None
