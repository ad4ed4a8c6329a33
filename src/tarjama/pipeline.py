"""The order of the stages an article goes through, and nothing else.

    Article -> fields (headline, standfirst, body blocks, captions, alt texts)
            -> sentences (segment.py)
            -> names decided over the whole article, spans masked (protect.py)
            -> one engine batch for every distinct masked sentence (engines/)
            -> spans restored in the target's conventions
            -> the same Article shape in the target language, with its label and provenance.

Bylines, datelines and credit lines are never sent to the engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from tarjama import inline
from tarjama.engines.base import Engine, Pair
from tarjama.model import DEFAULT_LABEL, Article, Block, BlockKind, Provenance, Translation
from tarjama.protect import Masked, detect_names, mask, restore
from tarjama.segment import split_sentences

log = logging.getLogger(__name__)

_EDGE_SPACE = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)
# Articles prepared per engine call: small enough to start the engine early, large enough that
# the per-call overhead does not show.
_CHUNK = 8
_LETTER = re.compile(r"[^\W\d_]")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)*")


@dataclass
class _Piece:
    """One sentence on its way through: its blanks, its mask, and later its translation."""

    lead: str
    trail: str
    masked: Masked | None
    text: str = ""


@dataclass
class _Field:
    pieces: list[_Piece]

    def joined(self) -> str:
        return "".join(p.lead + p.text + p.trail for p in self.pieces)


class Translator:
    """Translates articles with one engine; safe to share between threads if the engine is."""

    def __init__(self, engine: Engine, *, label: str = DEFAULT_LABEL) -> None:
        self.engine = engine
        self.label = label

    def translate(self, article: Article, target: str) -> Translation:
        return self.translate_many([article], target)[0]

    def translate_many(self, articles: Sequence[Article], target: str) -> list[Translation]:
        """Translate several articles into one language.

        Articles are prepared in chunks, and each chunk's sentences go to the engine (in a
        worker thread) while the next chunk is prepared, so the engine's processes never wait
        for Python. A sentence that occurs several times is translated once.
        """
        if not articles:
            return []
        pair = Pair(articles[0].source_language, target)
        self.engine.check_pair(pair)
        known = self.engine.lexicon(pair)
        prepared: list[dict[str, _Field]] = []
        index: dict[str, tuple[Future[list[str]], int]] = {}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tarjama-engine") as pool:
            for start in range(0, len(articles), _CHUNK):
                chunk = [self._prepare(a, known) for a in articles[start : start + _CHUNK]]
                prepared.extend(chunk)
                texts = [
                    p.masked.text
                    for fields in chunk
                    for f in fields.values()
                    for p in f.pieces
                    if p.masked and p.masked.text not in index
                    and _LETTER.search(inline.plain(p.masked.text))
                ]  # fmt: skip
                texts = list(dict.fromkeys(texts))
                if texts:
                    future = pool.submit(self.engine.translate_batch, texts, pair)
                    index.update((t, (future, i)) for i, t in enumerate(texts))
        for fields in prepared:
            for field in fields.values():
                for piece in field.pieces:
                    if piece.masked is None:
                        continue
                    hit = index.get(piece.masked.text)
                    out = hit[0].result()[hit[1]] if hit else piece.masked.text
                    piece.text = restore(out, piece.masked, target).text
        info = self.engine.info()
        provenance = Provenance(
            engine=info.name,
            engine_version=info.version,
            model=self.engine.model_for(pair),
            source_language=pair.source,
            target_language=pair.target,
        )
        return [
            Translation(
                article=self._rebuild(a, fields, target),
                source_version=a.version,
                provenance=provenance,
                label=self.label,
            )
            for a, fields in zip(articles, prepared, strict=True)
        ]

    # --- stages -------------------------------------------------------------------------------

    def _prepare(
        self, article: Article, known: Callable[[Sequence[str]], dict[str, str]] | None
    ) -> dict[str, _Field]:
        texts: dict[str, tuple[str, bool]] = {}  # field -> (tagged text, split into sentences?)
        texts["headline"] = (article.headline, False)
        texts["standfirst"] = (article.standfirst, True)
        for i, block in enumerate(article.body):
            if block.translatable:
                texts[f"body/{i}"] = (block.text, block.kind != BlockKind.HEADING)
            if block.alt:
                texts[f"body/{i}/alt"] = (block.alt, False)
        sentences = {
            name: split_sentences(text, article.source_language) if split else [text]
            for name, (text, split) in texts.items()
            if text.strip()
        }
        all_sentences = [s for ss in sentences.values() for s in ss]
        oracle = None
        if known is not None:
            # One question to the engine for every capitalised word of the article.
            classes = known(_CAPITALISED.findall(inline.plain(" ".join(all_sentences))))

            def oracle(word: str) -> str:
                return classes.get(word) or known([word])[word]

        names = detect_names(all_sentences, oracle)
        return {
            name: _Field([self._piece(s, names, article.source_language) for s in ss])
            for name, ss in sentences.items()
        }

    @staticmethod
    def _piece(sentence: str, names: set[str], lang: str) -> _Piece:
        m = _EDGE_SPACE.match(sentence)
        assert m is not None
        lead, core, trail = m.groups()
        if not core:
            return _Piece(lead, trail, None)
        return _Piece(lead, trail, mask(core, source_lang=lang, names=names))

    @staticmethod
    def _rebuild(article: Article, fields: dict[str, _Field], target: str) -> Article:
        def get(name: str, default: str) -> str:
            f = fields.get(name)
            return f.joined() if f else default

        body: list[Block] = []
        for i, block in enumerate(article.body):
            body.append(
                replace(
                    block,
                    text=get(f"body/{i}", block.text),
                    alt=get(f"body/{i}/alt", block.alt),
                )
            )
        return replace(
            article,
            headline=get("headline", article.headline),
            standfirst=get("standfirst", article.standfirst),
            body=tuple(body),
            source_language=target,
            label="",
        )
