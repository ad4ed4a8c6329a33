"""The glossary and translation-memory API (``/v1/glossary``, ``/v1/memory``).

Thin, as the articles API: each route parses its request, calls
:class:`~tarjama.memory.Glossary` or :class:`~tarjama.memory.TranslationMemory` in a worker
thread and shapes the answer. Every write goes through their methods, which move the store's
generation counter in the same transaction, so the result cache (``api/cache.py``) never serves
an answer made before it. Reads need the reader role, writes (create, update, delete, import)
the editor role (or ``anonymous_write``).

Imports take the file as the request body, so the body limit (``max_request_bytes``, 413
beyond) applies to them as to everything else. A malformed file is refused whole (400
``malformed_input``, the message naming the line); nothing of it is stored. Exports stream
the file back with a ``Content-Disposition`` naming it.
"""

from tarjama.api.memory import glossary, units

ROUTERS = (glossary.router, units.router)
"""The routers, in the order of their routes in the OpenAPI document."""

__all__ = ["ROUTERS"]
