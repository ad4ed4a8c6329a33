"""The engine interface: one method that matters, ``translate_batch``.

Engines see masked text only (``tarjama.inline``): protection, glossary, memory and QA live
outside them. ``translate_batch`` returns one output per input, in order, with every inline tag
of the input present in the output.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tarjama.errors import LanguageError, TarjamaError
from tarjama.model import Pair


@dataclass(frozen=True)
class EngineInfo:
    name: str
    version: str
    model: str = ""


@dataclass(frozen=True)
class Health:
    """What ``tarjama engines`` and ``/ready`` show of an engine."""

    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Served:
    """A batch's outputs and the engine that really produced them (in a fallback chain, not
    always the first one), so provenance and memory keys name the engine that did the work."""

    outputs: list[str]
    engine: EngineInfo
    model: str


class Engine(ABC):
    """A machine-translation engine behind tarjama's contract."""

    @abstractmethod
    def info(self) -> EngineInfo: ...

    @abstractmethod
    def pairs(self) -> list[Pair]: ...

    @abstractmethod
    def translate_batch(self, texts: Sequence[str], pair: Pair) -> list[str]: ...

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release processes and models; the engine may not be used afterwards."""

    def lexicon(self, pair: Pair) -> Callable[[Sequence[str]], dict[str, str]] | None:
        """What the engine knows of source words, for deciding which names to protect.

        The callable maps each word (or phrase) to one of: "proper-person" (only a person's
        name), "proper-place" (only another proper noun: places, organisations, or a multiword
        the engine knows whole, such as "New York"), "person-or-common" ("Grace", "Young"),
        "common", "caps-common" (a word written in capitals that the engine knows only as an
        ordinary word: "IT", "CAT"), "unknown", and for phrases "proper-inside" (a multiword
        proper noun inside a longer run: "West Ham United") or "phrase". Engines that cannot
        tell return None and the name rules fall back to the article's own evidence.
        """
        return None

    def model_for(self, pair: Pair) -> str:
        """The model (or Apertium mode) that serves a pair, for provenance."""
        return self.info().model

    def route(self, pair: Pair) -> Engine:
        """The engine expected to serve a pair: itself, or for a router the routed engine."""
        return self

    def serve_batch(self, texts: Sequence[str], pair: Pair) -> Served:
        """``translate_batch`` and who served it; wrappers that may hand a batch to another
        engine override this."""
        return Served(self.translate_batch(texts, pair), self.info(), self.model_for(pair))

    def serve_stream(
        self,
        batches: Iterable[Sequence[str]],
        pair: Pair,
        arrived: Callable[[int, str], None],
    ) -> Served:
        """``serve_batch`` for texts given a batch at a time, by a caller still preparing the
        next (``batches`` may wait for it), with each output handed to ``arrived(index,
        output)``, in order, once it is known; indices count across batches. An engine that
        streams starts on the first batch and reports each output as it comes; this default
        waits for every batch, serves them as one, then reports every output."""
        served = self.serve_batch([t for batch in batches for t in batch], pair)
        for i, output in enumerate(served.outputs):
            arrived(i, output)
        return served

    def health(self) -> Health:
        """Whether the engine can serve now. Cheap: no translation is made here."""
        try:
            pairs = self.pairs()
        except TarjamaError as exc:
            return Health(False, str(exc))
        return Health(bool(pairs), f"{len(pairs)} pairs" if pairs else "no language pairs")

    def check_pair(self, pair: Pair) -> None:
        if pair not in self.pairs():
            raise LanguageError(
                f"engine {self.info().name} cannot translate {pair}",
                (str(p) for p in self.pairs()),
            )

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
