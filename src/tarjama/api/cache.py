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

:class:`SharedResultCache` keeps the answers in Redis (``[queue] url``) instead, so that every
replica of the API gives the answer one of them computed; the counter being the store's, a
write through any replica (or any process) stops every replica's kept answers matching. There
an answer is JSON (strings and translations, as the store keeps them: never pickles, which a
writer of the Redis could make run code), at most ``entries`` answers are kept, the least
lately used dropped first, each of at most ``characters / entries``. While Redis is down no
answer is taken or kept (``api/shared.py``).

Lookups are counted by ``counted`` (the service's ``tarjama_result_cache_lookups_total``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from tarjama.api.shared import PREFIX, SharedState, Unavailable
from tarjama.model import Translation
from tarjama.newsroom.codec import translation_from_json, translation_to_json
from tarjama.store import Store, generations

log = logging.getLogger(__name__)

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
        counted: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.settle = settle
        self.counted = counted
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
        found, kept = self._find(full)
        if found:
            self.hits += 1
            self._count("hit")
            return kept  # type: ignore[no-any-return]
        self._count("miss")
        value = compute()
        made = list(translations(value))
        if made and all(t.segments and all(s.origin != "engine" for s in t.segments) for t in made):
            self._keep(full, value, size(value))
        return value

    def _count(self, result: str) -> None:
        if self.counted is not None:
            self.counted(result)

    def _find(self, key: tuple[Hashable, ...]) -> tuple[bool, Any]:
        with self._lock:
            kept = self._items.get(key)
            if kept is None:
                return False, None
            self._items.move_to_end(key)
            return True, kept[0]

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


# KEYS[1]: the answer, KEYS[2]: the index of answers by when they were last used. ARGV: the
# answer's JSON, seconds it may live unused, most answers kept. Keeps the answer and drops the
# least lately used beyond the most (their keys are not in KEYS: one Redis, not a cluster).
_KEEP = """
local clock = redis.call('TIME')
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], tonumber(clock[1]) + tonumber(clock[2]) / 1000000, KEYS[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
  redis.call('DEL', unpack(old))
end
return over
"""

UNUSED_FOR = 24 * 3600
"""Seconds an answer stays in Redis without being asked for (a generation that moved on leaves
its answers behind: they go then, if the count of answers has not pushed them out before)."""


class SharedResultCache(ResultCache):
    """The result cache in Redis, shared by the API's replicas (see the module's docstring)."""

    def __init__(
        self,
        store: Store,
        shared: SharedState,
        entries: int = 256,
        characters: int = 20_000_000,
        *,
        settle: Callable[[], None] | None = None,
        counted: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(store, entries, characters, settle=settle, counted=counted)
        self.shared = shared
        self.index = f"{PREFIX}answers"
        self._keep_script = shared.client.register_script(_KEEP)

    def _redis_key(self, key: tuple[Hashable, ...]) -> str:
        text = json.dumps(key, ensure_ascii=False, default=str, separators=(",", ":"))
        return f"{PREFIX}answer:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"

    def _find(self, key: tuple[Hashable, ...]) -> tuple[bool, Any]:
        name = self._redis_key(key)

        def read(client: Any) -> Any:
            pipe = client.pipeline(transaction=False)
            pipe.getex(name, ex=UNUSED_FOR)  # kept a day from its last use
            pipe.zadd(self.index, {name: time.time()}, xx=True)
            return pipe.execute()[0]

        try:
            raw = self.shared.call(read)
        except Unavailable:
            return False, None
        if raw is None:
            return False, None
        try:
            return True, _decode(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:  # not ours, or an older tarjama's
            log.warning("a kept answer could not be read (%s); computing it", exc)
            return False, None

    def _keep(self, key: tuple[Hashable, ...], value: object, size: int) -> None:
        if size > self.characters // max(self.entries, 1):
            return
        try:
            text = json.dumps(_encode(value), ensure_ascii=False)
        except TypeError as exc:
            log.warning("an answer could not be kept in Redis: %s", exc)
            return
        name = self._redis_key(key)
        with contextlib.suppress(Unavailable):  # not kept, as if it had not been asked
            self.shared.call(
                lambda _: self._keep_script(
                    keys=[name, self.index], args=[text, UNUSED_FOR, self.entries]
                )
            )

    def __len__(self) -> int:
        try:
            return int(self.shared.call(lambda client: client.zcard(self.index)))
        except Unavailable:
            return 0


def _encode(value: object) -> Any:
    """An answer (strings, translations, in lists and tuples) as JSON data, tagged by type."""
    if isinstance(value, str):
        return value
    if isinstance(value, Translation):
        return {"translation": translation_to_json(value, ()), "original": value.article.original}
    if isinstance(value, list | tuple):
        return {"list" if isinstance(value, list) else "tuple": [_encode(v) for v in value]}
    raise TypeError(f"{type(value).__name__} is not a part of an answer")


def _decode(data: Any) -> Any:
    if isinstance(data, str):
        return data
    if "translation" in data:
        return translation_from_json(data["translation"], data["original"])[0]
    if "list" in data:
        return [_decode(v) for v in data["list"]]
    return tuple(_decode(v) for v in data["tuple"])
