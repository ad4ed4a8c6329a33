"""tarjama's database: typed SQLAlchemy models, the :class:`Store`, and its Alembic migrations.

SQLite is the default (a file URL chosen by the caller); PostgreSQL works by URL. Repositories
(``tarjama.memory.tm``, ``tarjama.memory.glossary``) take a :class:`Store` and keep their SQL
dialect-neutral, with :func:`upsert` as the one dialect-aware helper.
"""

from tarjama.store.articles import ArticleVersion, Job, StoredArticle, StoredTranslation
from tarjama.store.database import Store
from tarjama.store.generations import Generation
from tarjama.store.keys import ApiKey
from tarjama.store.models import Base, GlossaryTerm, TMUnit, utcnow
from tarjama.store.sessions import DeskSession
from tarjama.store.upsert import upsert
from tarjama.store.webhooks import Delivery, Webhook

__all__ = [
    "ApiKey",
    "ArticleVersion",
    "Base",
    "Delivery",
    "DeskSession",
    "Generation",
    "GlossaryTerm",
    "Job",
    "Store",
    "StoredArticle",
    "StoredTranslation",
    "TMUnit",
    "Webhook",
    "upsert",
    "utcnow",
]
