"""The order of the stages an article goes through, and nothing else.

    Article -> fields (headline, standfirst, body blocks, captions, alt texts)
            -> sentences (segment.py)
            -> exact translation-memory matches reused (memory/tm.py)
            -> for the other sentences: names decided over the whole article, glossary terms
               found, spans masked (protect/)
            -> every distinct masked sentence to the engine, a few at a time as they are
               masked (``Direction.translate``), and for each output as it comes back:
            -> spans restored in the target's conventions, glossary terms in place, quotation
               marks and commas hugging their words as in the source (tidy.py)
            -> no engine internals (leaks.py): a sentence whose output carries an analysis tag,
               stream syntax or a placeholder is translated again, its names travelling as a
               plain proper noun, then unmasked; what still leaks is taken out
            -> QA checks on every sentence (qa/); a critical finding: needs review
            -> machine translations stored in the memory under their provenance
            -> the same Article shape in the target language, with label and provenance.

Provenance is the direction's (``Engine.direction``: the engine the pair is routed to, or the one
a fallback chain expects to serve), and each output carries the provenance of the direction that
really made it: when a fallback served, its sentences are remembered under its provenance, and an
article any of whose sentences it served carries its provenance (the one that served most of
them), never the routed engine's, so its output is not taken for the routed engine's later.

Bylines, datelines and credit lines are never sent to the engine.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter, deque
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tarjama import credits, headlines, inline, labels, leaks, qa, quotes, steps
from tarjama.engines.base import TAGS, Direction, Engine, Lexicon, Readings, Result
from tarjama.engines.call import Call
from tarjama.errors import TarjamaError
from tarjama.model import (
    DEFAULT_LABEL,
    Article,
    Block,
    BlockKind,
    FieldRef,
    Pair,
    Part,
    Provenance,
    SegmentOrigin,
    SegmentResult,
    Status,
    Translation,
    memory_text,
)
from tarjama.protect import Masked, detect_names, mask, restore
from tarjama.protect.acronyms import acronym_terms
from tarjama.protect.names import capitalised_mid_sentence
from tarjama.segment import split_sentences
from tarjama.tidy import tidy

if TYPE_CHECKING:  # the memory needs the store (SQLAlchemy): loaded only where there is one
    from tarjama.memory import Glossary, TranslationMemory

log = logging.getLogger(__name__)

# Articles prepared per engine call: small enough to start the engine early, large enough that
# the per-call overhead does not show.
_CHUNK = 8
_LETTER = re.compile(r"[^\W\d_]")
_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*")
# The source format of the one-paragraph articles ``translate_lines`` makes: a line is one
# segment, never cut into sentences.
_LINES = "lines"
_HEADS = frozenset({Part.HEADLINE, Part.KICKER})  # read and written as headlines


@dataclass
class _Piece:
    """One sentence on its way through: its blanks, its mask, and later its translation."""

    lead: str
    core: str
    trail: str
    masked: Masked | None
    names: tuple[str, ...] = ()
    terms: dict[str, str] = field(default_factory=dict)
    text: str = ""
    origin: str = "copy"
    segment: str = ""
    """Where it is in the article, for QA findings: ``field#index``."""
    findings: list[qa.Finding] | None = None
    """QA findings on ``text``, once it is final."""
    marks: tuple[tuple[str, str], ...] | None = None
    """The words the engine said it did not translate (``qa.CheckContext.marks``)."""
    in_headline: bool = False
    """In the article's headline: the checks read it as one."""
    context: qa.CheckContext | None = None
    """What the checks saw, for the estimate."""
    round_trip: float | None = None
    """chrF (0-1) of the text translated back, against the source, when a round trip ran."""
    read_as: str | None = None
    """A headline's text as the engine is given it (``tarjama.headlines``), when not ``core``."""
    headline: bool = False
    """Written back in the target's headline style."""
    curled: bool = False
    """Its straight single quotation marks went to the engine curly (``tarjama.quotes``)."""
    leaked: bool = False
    """``text`` carries engine internals: it is translated again (``Translator._mend``)."""

    @property
    def source(self) -> str:
        """What the engine reads of the sentence: ``core``, or a headline as it is read."""
        return self.read_as if self.read_as is not None else self.core


@dataclass
class _Field:
    pieces: list[_Piece]

    def joined(self) -> str:
        return "".join(p.lead + p.text + p.trail for p in self.pieces)


def _from_tm(stored: str, source: str) -> str:
    return inline.escape_text(stored) if "<" not in source else stored


_NAME_EQUIV = re.compile(r'(<x id="\d+" ctype="name") equiv="[^"]*"')


def _opaque_names(piece: _Piece) -> Masked | None:
    """The piece's mask with its names travelling as a plain proper noun, not as their words;
    None when it has no names."""
    assert piece.masked is not None
    if not piece.names:
        return None
    return Masked(_NAME_EQUIV.sub(r"\1", piece.masked.text), piece.masked.spans)


def _unmasked(piece: _Piece) -> Masked:
    """The piece as it is written (or read, for a headline), nothing masked."""
    return Masked(piece.source, ())


def line_text(translation: Translation) -> str:
    """The plain text of one line's translation (``Translator.translate_line_segments``)."""
    return inline.plain(translation.article.body[0].text)


@dataclass(frozen=True)
class _Dictionaries:
    """What the checks may ask of one call's languages: the engine's own dictionaries."""

    source: Readings | None = None
    target: Readings | None = None

    @classmethod
    def of(cls, direction: Direction) -> _Dictionaries:
        pair = direction.pair
        return cls(_tolerant(direction, pair.source), _tolerant(direction, pair.target))

    def prefetch(self, texts: list[str]) -> None:
        """Ask the source's dictionary about every word of ``texts`` at once (the estimate
        reads every source word): one question for a chunk of articles, not one per sentence."""
        if self.source is not None and texts:
            self.source(list(dict.fromkeys(w for t in texts for w in qa.words_of(t))))

    def prefetch_target(self, contexts: list[qa.CheckContext]) -> None:
        """Ask the target's dictionary at once about every word the checks of ``contexts`` may
        ask it about (``qa.dictionary_questions``): a fifth of the outputs' words."""
        if self.target is not None and contexts:
            self.target(
                list(dict.fromkeys(w for c in contexts for w in qa.dictionary_questions(c)))
            )


def _tolerant(direction: Direction, language: str) -> Readings | None:
    """A direction's dictionary of ``language`` whose failure costs the checks it serves, never
    the translation: after one, it knows no word (the checks that ask it are silent)."""
    try:
        readings = direction.readings(language)
    except TarjamaError as exc:
        log.warning("no %s dictionary for the checks: %s", language, exc)
        return None
    if readings is None:
        return None
    failed: list[TarjamaError] = []

    def ask(words: Sequence[str]) -> dict[str, frozenset[str]]:
        if not failed:
            try:
                return readings(words)
            except TarjamaError as exc:
                log.warning("the %s dictionary failed; its checks are off: %s", language, exc)
                failed.append(exc)
        return {}

    return ask


def _checks(
    piece: _Piece,
    source: str,
    target: str,
    dictionaries: _Dictionaries,
    context: qa.CheckContext | None = None,
) -> list[qa.Finding]:
    """The findings on the piece's text, seen as ``context`` (by default, made now), which the
    piece keeps for the estimate."""
    piece.context = ctx = context or _context(piece, source, target, dictionaries)
    return qa.run_checks(ctx)


def _context(
    piece: _Piece, source: str, target: str, dictionaries: _Dictionaries
) -> qa.CheckContext:
    """What the checks see of the piece."""
    return qa.CheckContext(
        source=piece.source,  # a headline as the engine read it (its headlinese written out)
        target=piece.text,
        source_lang=source,
        target_lang=target,
        glossary=piece.terms,
        names=piece.names,
        segment=piece.segment,
        marks=piece.marks,
        source_readings=dictionaries.source,
        target_readings=dictionaries.target,
        headline=piece.in_headline,
    )


# Origins whose text a machine made, and whose risk is the estimate's.
_MACHINE = frozenset({"engine", "memory:machine"})


class Translator:
    """Translates articles with one engine, optionally with a memory and a glossary.

    Safe to share between threads if the engine and the store are.

    With ``write_behind``, the machine translations are stored in the memory by a thread of
    the translator's own after the translation is returned (the service's synchronous
    translations: the caller does not wait for the store). The translator's own lookups wait
    for its writes still under way, so it never translates again what it has just translated;
    ``flush()`` waits for them too, and ``close()`` finishes them before it returns. A write
    that fails is logged and lost: the memory is then missing a machine translation the engine
    can make again, nothing more.

    A translation needs review when a finding is critical or its risk reaches the threshold
    of its language in ``review_thresholds`` (language or "*" -> risk; default
    ``qa.REVIEW_THRESHOLD``). With ``round_trip``, every machine-translated sentence is also
    translated back through the reverse pair, where the engine has one, and the estimate
    weighs how far that comes back from the source (about doubling the engine's work).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        label: str = DEFAULT_LABEL,
        label_overrides: Mapping[str, str] | None = None,
        memory: TranslationMemory | None = None,
        glossary: Glossary | None = None,
        write_behind: bool = False,
        review_thresholds: Mapping[str, float] | None = None,
        round_trip: bool = False,
        without: Collection[str] = (),
        guillemets: Collection[str] = (),
        headline_case: Mapping[str, str] | None = None,
    ) -> None:
        self.engine = engine
        self.label = label
        self.label_overrides = dict(label_overrides or {})
        self.review_thresholds = dict(review_thresholds or {})
        self.round_trip = round_trip
        self.memory = memory
        self.glossary = glossary
        self.guillemets = frozenset(guillemets)
        self.headline_case = dict(headline_case or {})
        self.steps = steps.chosen(without)
        """tarjama's own steps this translator runs (``tarjama.steps``): all but ``without``."""
        self._writer = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="tarjama-memory")
            if write_behind and memory is not None
            else None
        )
        self._writes: list[Future[None]] = []
        self._writes_lock = threading.Lock()

    def flush(self) -> None:
        """Wait until the memory writes this translator has started are done."""
        with self._writes_lock:
            writes, self._writes = self._writes, []
        for write in writes:
            write.result()  # never raises: ``_write`` logs its own failures

    def close(self) -> None:
        """Finish the memory writes under way; the translator writes no more in the background."""
        self.flush()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def translate(self, article: Article, target: str) -> Translation:
        return self.translate_many([article], target)[0]

    def translate_lines(self, lines: Sequence[str], target: str, source: str = "en") -> list[str]:
        """Translate plain-text lines one segment each (no article structure, no splitting),
        keeping line alignment, so outside tools can score the output against a reference.
        Each line is a paragraph of its own article, not a headline: only a line that shows it
        is one (written in Title Case) is translated as a headline."""
        return [line_text(t) for t in self.translate_line_segments(lines, target, source)]

    def translate_line_segments(
        self, lines: Sequence[str], target: str, source: str = "en"
    ) -> list[Translation]:
        """``translate_lines``, each line's translation whole: its one segment (none for a
        blank line) with its risk and findings (``line_text`` reads its text)."""
        articles = [
            Article(headline="", body=(Block(BlockKind.PARAGRAPH, inline.escape_text(line)),),
                    source_language=source, source_format=_LINES)
            for line in lines
        ]  # fmt: skip
        return self.translate_many(articles, target)

    def translate_many(self, articles: Sequence[Article], target: str) -> list[Translation]:
        """Translate several articles into one language.

        Articles are prepared in chunks, and each chunk's sentences go to the engine (in a
        worker thread) while the next chunk is prepared, so the engine's processes never wait
        for Python. A sentence that occurs several times is translated once; one the memory
        holds is not translated at all.
        """
        if not articles:
            return []
        pair = Pair(articles[0].source_language, target)
        direction = self.engine.direction(pair)
        provenance = direction.provenance
        known = direction.lexicon()
        dictionaries = _Dictionaries.of(direction)
        index: dict[str, tuple[Call, int]] = {}
        results: list[Translation] = []
        waiting: deque[tuple[Sequence[Article], list[dict[FieldRef, _Field]], Call]] = deque()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tarjama-engine") as pool:
            for start in range(0, len(articles), _CHUNK):
                batch = articles[start : start + _CHUNK]
                chunk = [self._split(a) for a in batch]
                pieces = [p for fields in chunk for f in fields.values() for p in f.pieces]
                self._recall(pieces, pair, provenance)
                call = Call(direction, pool)
                try:
                    for article, fields in zip(batch, chunk, strict=True):
                        self._mask(article, fields, pair, known, call, index)
                finally:
                    call.close()  # the engine has every sentence of the chunk (or stops)
                waiting.append((batch, chunk, call))
                # The chunk before this one is finished while the engine works on this one.
                if len(waiting) > 1:
                    results += self._finish(
                        *waiting.popleft(), index, pair, provenance, dictionaries
                    )
            while waiting:
                results += self._finish(*waiting.popleft(), index, pair, provenance, dictionaries)
        return results

    def _finish(
        self,
        articles: Sequence[Article],
        prepared: list[dict[FieldRef, _Field]],
        call: Call,
        index: dict[str, tuple[Call, int]],
        pair: Pair,
        provenance: Provenance,
        dictionaries: _Dictionaries,
    ) -> list[Translation]:
        """Restore, check and remember one chunk of articles: each sentence as soon as the
        engine gives it back, the articles once all are back."""
        mine: dict[int, list[_Piece]] = {}  # waiting for this chunk's call, by output
        earlier: list[_Piece] = []  # sent by an earlier chunk's call, which has finished
        for fields in prepared:
            for piece in (p for f in fields.values() for p in f.pieces):
                if piece.masked is None or piece.origin not in ("engine", "copy"):
                    continue
                if piece.origin == "copy":
                    piece.text = restore(piece.masked.text, piece.masked, pair.target).text
                    continue
                by_call, i = index[piece.masked.text]
                if by_call is call:
                    mine.setdefault(i, []).append(piece)
                else:
                    earlier.append(piece)
        dictionaries.prefetch([p.core for ps in mine.values() for p in ps])
        done: list[_Piece] = []
        for i, result in call.arrivals():
            for piece in mine.get(i, ()):
                self._translated(piece, result, pair, dictionaries, check=False)
                done.append(piece)
        call.results()  # the engine's error, if it failed
        for piece in earlier:
            assert piece.masked is not None
            by_call, i = index[piece.masked.text]
            self._translated(piece, by_call.results()[i], pair, dictionaries, check=False)
            done.append(piece)
        # The checks ask the target's dictionary about some of the outputs' words: one question
        # for the chunk, not a few for each sentence.
        done = [p for p in done if not p.leaked]
        contexts = [_context(p, pair.source, pair.target, dictionaries) for p in done]
        dictionaries.prefetch_target(contexts)
        for piece, ctx in zip(done, contexts, strict=True):
            piece.findings = _checks(piece, pair.source, pair.target, dictionaries, ctx)
        leaked = [p for f in (f for fields in prepared for f in fields.values()) for p in f.pieces
                  if p.leaked]  # fmt: skip
        if leaked:
            self._mend(leaked, call, pair, dictionaries)
        if self.round_trip:
            self._round_trip(
                [p for fields in prepared for f in fields.values() for p in f.pieces
                 if p.origin == "engine" and p.text],
                pair,
            )  # fmt: skip

        fresh: dict[Provenance, dict[str, str]] = {}
        made_by: list[Provenance] = []
        for fields in prepared:
            served_by: Counter[Provenance] = Counter()
            for piece in (p for f in fields.values() for p in f.pieces):
                if piece.masked is None or piece.origin != "engine":
                    continue
                by_call, i = index[piece.masked.text]
                by = by_call.results()[i].provenance
                if by.signature() == provenance.signature():
                    by = provenance
                served_by[by] += 1
                if self.memory is not None:
                    fresh.setdefault(by, {})[memory_text(piece.core)] = memory_text(piece.text)
            served_by.pop(provenance, None)
            made_by.append(served_by.most_common(1)[0][0] if served_by else provenance)
        for by, units in fresh.items():
            self._remember(units, pair, by)
        return [
            self._result(a, fields, pair.target, by, dictionaries)
            for a, fields, by in zip(articles, prepared, made_by, strict=True)
        ]

    def _round_trip(self, pieces: list[_Piece], pair: Pair) -> None:
        """Each piece's text translated back, and how close that comes to its source."""
        try:
            back = self.engine.direction(Pair(pair.target, pair.source))
        except TarjamaError as exc:
            log.debug("no round trip for %s: %s", pair, exc)
            return
        texts = list(dict.fromkeys(p.text for p in pieces))
        try:
            returned = dict(zip(texts, (r.text for r in back.translate(texts)), strict=True))
        except TarjamaError as exc:
            log.warning("round trip %s failed; the estimate goes without it: %s", pair, exc)
            return
        for piece in pieces:
            piece.round_trip = qa.round_trip_chrf(returned[piece.text], piece.core)

    def _translated(
        self,
        piece: _Piece,
        result: Result,
        pair: Pair,
        dictionaries: _Dictionaries,
        masked: Masked | None = None,
        *,
        check: bool = True,
    ) -> None:
        """A sentence's engine output (of ``masked``, by default its own mask) restored, tidied
        and (with ``check``) checked."""
        masked = masked or piece.masked
        assert masked is not None
        restored = restore(result.text, masked, pair.target).text
        text = tidy(piece.source, restored, pair.target) if "tidy" in self.steps else restored
        if piece.curled:
            text = quotes.straighten(text)
        if "quotes" in self.steps:
            text = quotes.open_marks(text, pair.target)
        piece.text = headlines.finish(text) if piece.headline else text
        if result.marks is not None:
            piece.marks = tuple(
                (m.kind, inline.plain(result.text[m.start : m.end])) for m in result.marks
            )
        piece.leaked = bool(leaks.find(inline.plain(piece.core), inline.plain(piece.text)))
        if check and not piece.leaked:
            piece.findings = _checks(piece, pair.source, pair.target, dictionaries)

    def _mend(
        self, pieces: list[_Piece], call: Call, pair: Pair, dictionaries: _Dictionaries
    ) -> None:
        """Sentences whose output leaked engine internals, translated again without what may
        have caused it: first with their names travelling as a plain proper noun (eng-cat reads
        "May" in "Theresa May will" as the verb and writes "<inf>"), then unmasked; what
        still leaks is taken out (``leaks.scrub``)."""
        for attempt in (_opaque_names, _unmasked):
            todo = [p for p in pieces if p.leaked]
            masks = [attempt(p) for p in todo]
            again = [(p, m) for p, m in zip(todo, masks, strict=True) if m is not None]
            if not again:
                continue
            log.warning("%d sentences carried engine internals into %s: translated again (%s)",
                        len(again), pair, attempt.__name__.strip("_"))  # fmt: skip
            results = call.direction.translate([m.text for _, m in again])
            for (piece, masked), result in zip(again, results, strict=True):
                self._translated(piece, result, pair, dictionaries, masked)
        for piece in pieces:
            if piece.leaked:
                log.error("engine internals taken out of a translation into %s: %r", pair,
                          piece.text)  # fmt: skip
                piece.text = leaks.scrub_tagged(inline.plain(piece.core), piece.text)
                piece.leaked = False

    # --- stages -------------------------------------------------------------------------------

    def provenance(self, pair: Pair) -> Provenance:
        """Who translates ``pair`` now: the engine it is routed to, its version and model."""
        return self.engine.direction(pair).provenance

    @staticmethod
    def _split(article: Article) -> dict[FieldRef, _Field]:
        """The article's fields cut into sentences, each waiting for the memory or the engine."""
        fields: dict[FieldRef, _Field] = {}
        lines = article.source_format == _LINES  # a line of translate_lines is one segment
        for name, text in article.texts():
            if not text.strip():
                continue
            split = not lines and (  # prose is cut into sentences
                name.part is Part.STANDFIRST
                or (name.part is Part.TEXT and article.body[name.block].kind != BlockKind.HEADING)
            )
            pieces = []
            sentences = split_sentences(text, article.source_language) if split else [text]
            for i, sentence in enumerate(sentences):
                # its blanks apart (str.strip's blanks are the \s of a regular expression)
                core = sentence.strip()
                lead = sentence[: len(sentence) - len(sentence.lstrip())]
                trail = sentence[len(lead) + len(core) :]
                piece = _Piece(lead, core, trail, None, segment=f"{name}#{i}")
                piece.in_headline = name.part in _HEADS
                piece.origin = "pending" if core else "copy"
                pieces.append(piece)
            fields[name] = _Field(pieces)
        return fields

    def _mask(
        self,
        article: Article,
        fields: dict[FieldRef, _Field],
        pair: Pair,
        known: Lexicon | None,
        call: Call,
        index: dict[str, tuple[Call, int]],
    ) -> None:
        """Mask the sentences the memory did not have; names are decided over the article.
        Each masked sentence the engine has not been given yet goes to ``call`` at once."""
        pending = [p for f in fields.values() for p in f.pieces if p.origin == "pending"]
        if not pending:
            return  # all from the memory: no names, no masks, no engine
        if "headlines" in self.steps:
            self._read_headlines(article, fields, known)
        if "quotes" in self.steps:
            for piece in pending:
                curled = (
                    None if "‘" in piece.core or "’" in piece.core else quotes.curl(piece.source)
                )
                if curled is not None:
                    piece.read_as, piece.curled = curled, True
        all_sentences = [p.source for f in fields.values() for p in f.pieces if p.core]
        oracle = prefetch = None
        if known is not None:
            classes: dict[str, str] = {}

            def prefetch(words: list[str]) -> None:
                # One question to the engine for every word and phrase it may be asked about.
                classes.update(known(words))

            def oracle(word: str) -> str:
                return classes.get(word) or known([word])[word]

        names = (
            detect_names(all_sentences, oracle, prefetch=prefetch)
            if "names" in self.steps
            else set()
        )
        terms = (
            {
                (t.source, t.rendering, t.case_sensitive)
                for t in self.glossary.terms_for(
                    inline.plain(" ".join(all_sentences)), pair.source, pair.target
                )
            }
            if self.glossary is not None
            else set()
        )
        if "figures" in self.steps:
            text = inline.plain(" ".join(all_sentences))
            terms |= acronym_terms(text, pair.source, pair.target, {t[0] for t in terms})
        by = credits.BY.get(pair.target.split("-")[0]) if "figures" in self.steps else None
        for piece in pending:
            own, named = terms, names
            if by is not None and credits.BYLINE.fullmatch(inline.plain(piece.core)):
                # a byline: "Por Jane Smith"; every capitalised run in it names someone
                own = terms | {("By", by, True)}
                named = names | set(_CAPITALISED.findall(inline.plain(piece.core)[3:]))
            masked = mask(piece.source, source_lang=article.source_language, names=named,
                          terms=own, table="figures" in self.steps)  # fmt: skip
            piece.masked = masked
            piece.names = tuple(s.text for s in masked.spans if s.kind == "name")
            piece.terms = {s.text: s.replacement for s in masked.spans if s.kind == "term"}
            # Nothing left to translate (figures, names only): restored as it is.
            piece.origin = "engine" if _LETTER.search(inline.plain(masked.text)) else "copy"
            if piece.origin == "engine" and masked.text not in index:
                index[masked.text] = (call, call.add(masked.text))

    @staticmethod
    def _read_headlines(
        article: Article, fields: dict[FieldRef, _Field], known: Lexicon | None
    ) -> None:
        """Headlines as the engine is to read them (``tarjama.headlines``): the headline and
        subheads, and any line written in Title Case (a kicker, a caption, a line of
        ``translate_lines``)."""
        heads: list[tuple[_Piece, bool]] = []  # (piece, in Title Case)
        for ref, f in fields.items():
            in_headline = ref.part in _HEADS or (
                ref.part is Part.TEXT and article.body[ref.block].kind == BlockKind.HEADING
            )
            for piece in f.pieces:
                if piece.origin != "pending" or not piece.core:
                    continue
                titled = headlines.title_case(piece.core)
                # A sentence full of names ("The South Pole Traverse ... from McMurdo Station
                # on the Ross Sea") reads as Title Case too; headlines end without a full stop.
                plain = inline.plain(piece.core)
                if credits.BYLINE.fullmatch(plain):
                    continue  # names, not a headline
                if in_headline or (titled and not plain.endswith(".")):
                    heads.append((piece, titled))
        if not heads:
            return
        answers: dict[str, str] = {}
        if known is not None:
            titled_words = (w for p, titled in heads if titled for w in headlines.questions(p.core))
            answers = known(list(dict.fromkeys(titled_words)))
        names = capitalised_mid_sentence(
            [p.core for f in fields.values() for p in f.pieces if p.core]
        )
        read = [
            headlines.case_down(p.core, names, answers.get) if titled else p.core
            for p, titled in heads
        ]
        if known is not None:
            words = dict.fromkeys(w for text in read for w in headlines.words(text))
            answers.update(known([TAGS + w for w in words]))

        def tags(word: str) -> frozenset[str]:  # none without a lexicon: nothing expanded
            return frozenset(answers.get(TAGS + word, "").split(",")) & headlines.PARTS

        for (piece, _), text in zip(heads, read, strict=True):
            plain = inline.plain(text)
            expanded = headlines.expand(plain, tags) if inline.escape_text(plain) == text else None
            piece.read_as = inline.escape_text(expanded) if expanded is not None else text
            piece.headline = True

    def _recall(self, pieces: list[_Piece], pair: Pair, provenance: Provenance) -> None:
        """Reuse exact memory matches: human work first, then this engine's own."""
        if self.memory is None:
            return
        self.flush()  # what this translator has just translated is in the memory
        wanted = list(dict.fromkeys(memory_text(p.core) for p in pieces if p.origin == "pending"))
        matches = self.memory.lookup_many(
            wanted, pair.source, pair.target, signature=provenance.signature()
        )
        for piece in pieces:
            match = matches.get(memory_text(piece.core))
            if piece.origin == "pending" and match is not None:
                piece.text = _from_tm(match.target, piece.core)
                piece.origin = f"memory:{match.origin}"

    def _remember(self, fresh: dict[str, str], pair: Pair, provenance: Provenance) -> None:
        if self.memory is None or not fresh:
            return
        units = list(fresh.items())
        writer = self._writer
        if writer is None:
            self._write(units, pair, provenance, background=False)
            return
        with self._writes_lock:
            self._writes = [w for w in self._writes if not w.done()]
            self._writes.append(writer.submit(self._write, units, pair, provenance))

    def _write(
        self,
        units: list[tuple[str, str]],
        pair: Pair,
        provenance: Provenance,
        *,
        background: bool = True,
    ) -> None:
        from tarjama.memory import Origin  # loaded with the memory already

        assert self.memory is not None
        try:
            self.memory.add_many(units, pair=pair, origin=Origin.MACHINE, provenance=provenance)
        except Exception:
            if not background:
                raise
            log.exception("%d machine translations (%s) not stored in the memory", len(units),
                          pair)  # fmt: skip

    def _result(
        self,
        article: Article,
        fields: dict[FieldRef, _Field],
        target: str,
        provenance: Provenance,
        dictionaries: _Dictionaries,
    ) -> Translation:
        self._house_style(fields, target)
        segments = []
        for name, f in fields.items():
            for i, piece in enumerate(f.pieces):
                if not piece.core:
                    continue
                findings = piece.findings
                if findings is None:
                    findings = _checks(piece, article.source_language, target, dictionaries)
                if piece.origin in _MACHINE and piece.context is not None:
                    risk, findings = qa.assess(piece.context, findings, piece.round_trip)
                else:
                    risk = qa.risk_score(findings)
                segments.append(
                    SegmentResult(
                        field=name,
                        index=i,
                        source=piece.core,
                        target=piece.text,
                        origin=SegmentOrigin(piece.origin),
                        risk=risk,
                        findings=tuple(findings),
                        names=piece.names,
                    )
                )
        risk = qa.text_risk((s.risk, s.source) for s in segments)
        review = risk >= self.review_threshold(target) or any(
            qa.needs_review(s.findings) for s in segments
        )
        return Translation(
            article=self._rebuild(article, fields, target),
            source_version=article.version,
            provenance=provenance,
            # in the reader's language: "Beta V.1.0 - Traducción automática" (tarjama.labels)
            label=labels.label_for(target, configured=self.label, overrides=self.label_overrides),
            status=Status.NEEDS_REVIEW if review else Status.TRANSLATED,
            segments=tuple(segments),
            risk=risk,
        )

    def _house_style(self, fields: dict[FieldRef, _Field], target: str) -> None:
        """The machine's translations in the house style of ``target``: quotations « » where
        configured, headlines in the configured case. At the end, so that the memory keeps
        the translations as made and a change of style applies to them too."""
        lang = target.split("-")[0].lower()
        case = self.headline_case.get(lang, self.headline_case.get("*", "sentence"))
        quoting = lang in self.guillemets
        if not quoting and case == "sentence":
            return
        for f in fields.values():
            for piece in f.pieces:
                if not piece.core or piece.origin not in _MACHINE:
                    continue
                if quoting:
                    piece.text = quotes.guillemets(piece.text)
                if piece.in_headline:
                    piece.text = headlines.in_case(piece.text, case, target)

    def review_threshold(self, language: str) -> float:
        """The article risk from which a translation into ``language`` needs review."""
        thresholds = self.review_thresholds
        return thresholds.get(language, thresholds.get("*", qa.REVIEW_THRESHOLD))

    @staticmethod
    def _rebuild(article: Article, fields: dict[FieldRef, _Field], target: str) -> Article:
        texts = {name: f.joined() for name, f in fields.items()}
        return replace(article.with_texts(texts), source_language=target, label="")
