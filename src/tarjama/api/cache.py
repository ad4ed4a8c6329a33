"""Whole answers of the synchronous endpoints, reused while the memory stands still.

A newsroom's site and CMS ask for the same article again and again. When every sentence of an
answer came from the translation memory (none from the engine), the answer is a function of
the request, the engine that would serve the pair, and the memory and glossary as they are; the
last is one counter in the store (:mod:`tarjama.store.generations`), moved by every write in any
process. So such an answer is kept under the request and that counter, and the next identical
request, while the counter has not moved, gets it without segmenting, matching or checking
again. A write anywhere (a correction, an import, a new machine translation) moves the counter
and every kept answer stops matching. Answers with engine output are never kept: they go into
the memory, which moves the counter anyway.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from tarjama.model import Translation
from tarjama.store import Store, generations

T = TypeVar("T")


class ResultCache:
    """A bounded LRU of answers, keyed by the request and the store's generation.

    ``settle`` waits for writes this process has started and not finished (the translator's
    ``flush``), so that the generation read is the one the answer is computed against."""

    def __init__(
        self,
        store: Store,
        entries: int = 256,
        characters: int = 20_000_000,
        *,
        settle: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.settle = settle
        self.entries = entries
        self.characters = characters
        self.hits = 0
        self._items: OrderedDict[tuple[Hashable, ...], tuple[object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(
        self,
        key: tuple[Hashable, ...],
        compute: Callable[[], T],
        translations: Callable[[T], Iterable[Translation]],
        size: Callable[[T], int],
    ) -> T:
        """``compute()``'s answer, or the one kept for ``key`` at the store's generation now.

        ``translations`` says which translations an answer holds (to see where its sentences
        came from) and ``size`` roughly how many characters it keeps alive."""
        if self.entries <= 0:
            return compute()
        if self.settle is not None:
            # This process's own memory writes still under way (the translator writes behind)
            # would move the counter during ``compute()``: read it after them, or the answer
            # would be kept under a generation that is already gone.
            self.settle()
        full = (generations.current(self.store), *key)
        with self._lock:
            kept = self._items.get(full)
            if kept is not None:
                self._items.move_to_end(full)
                self.hits += 1
                return kept[0]  # type: ignore[return-value]
        value = compute()
        made = list(translations(value))
        if made and all(t.segments and all(s.origin != "engine" for s in t.segments) for t in made):
            self._keep(full, value, size(value))
        return value

    def _keep(self, key: tuple[Hashable, ...], value: object, size: int) -> None:
        if size > self.characters:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size)
            self._size += size
            while len(self._items) > self.entries or self._size > self.characters:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def __len__(self) -> int:
        return len(self._items)
