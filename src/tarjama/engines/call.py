"""One call into a direction, streamed both ways, for a caller that prepares its segments in
one thread (the pipeline masks sentences) while the engine works in another."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from tarjama.engines.base import Direction, Result

# Segments given to the engine at a time: it starts on the first while the next are prepared
# (Apertium's stages before its tagger flush once per list that arrives).
FEED = 8


class Call:
    """One engine call, streamed both ways: sentences go to the engine a few at a time as they
    are masked, and their outputs come back one by one as the engine gives them, so the engine
    starts before the last sentence is masked and each output is restored and checked while
    the engine works on the next ones. The call starts (in ``pool``) with its first sentences;
    a call given none never reaches the engine."""

    def __init__(self, direction: Direction, pool: ThreadPoolExecutor) -> None:
        self.direction = direction
        self.pool = pool
        self.count = 0
        self._batch: list[str] = []
        self._inbox: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue[tuple[int, Result] | None] = queue.SimpleQueue()
        self._future: Future[list[Result]] | None = None

    def add(self, text: str) -> int:
        """Give the engine one more sentence; returns the index of its output."""
        self._batch.append(text)
        self.count += 1
        if len(self._batch) >= FEED:
            self._send()
        return self.count - 1

    def close(self) -> None:
        """No more sentences: the engine finishes those it has."""
        self._send()
        if self._future is not None:
            self._inbox.put(None)

    def arrivals(self) -> Iterator[tuple[int, Result]]:
        """``(index, result)`` as the engine gives them, until it has given all (or failed:
        ``results()`` then raises its error). Call after ``close()``."""
        if self._future is None:
            return
        while (item := self._outbox.get()) is not None:
            yield item

    def results(self) -> list[Result]:
        """The finished call's results; the engine's error if it failed."""
        if self._future is None:
            return []
        return self._future.result()

    def _send(self) -> None:
        if not self._batch:
            return
        if self._future is None:
            self._future = self.pool.submit(self._serve)
        self._inbox.put(self._batch)
        self._batch = []

    def _serve(self) -> list[Result]:
        results: list[Result] = []
        sentences = (text for batch in iter(self._inbox.get, None) for text in batch)
        try:
            for result in self.direction.translate(sentences):
                self._outbox.put((len(results), result))
                results.append(result)
            return results
        finally:
            self._outbox.put(None)
