"""A submission: the article's id and size checked, then stored as its next version unless its
content is unchanged, with a queued translation and a job per target language.

Submissions of the same article are serialised by the article's row: on PostgreSQL with
``SELECT ... FOR UPDATE``, on SQLite by the database's single writer (the first statement of
the transaction is a write, so it waits for the lock before it reads).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

from sqlalchemy.orm import Session

from tarjama import inline
from tarjama.errors import InputError, InputTooLargeError
from tarjama.model import Article
from tarjama.newsroom import repository
from tarjama.newsroom.records import Submission
from tarjama.store import StoredArticle
from tarjama.store.models import utcnow_precise

_PATH_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~@+-]{0,199}")
PUBLISHER_ID = _PATH_SAFE.pattern
"""What a publisher id is (the API documents it; :func:`check_publisher_id` refuses others)."""


def characters(article: Article) -> int:
    """Characters of an article's text, as a reader counts them: markup not included."""
    texts = [article.headline, article.standfirst, article.byline, article.dateline]
    texts += [t for b in article.body for t in (b.text, b.alt)]
    return sum(len(inline.plain(t)) for t in texts if t)


def check_size(article: Article, max_characters: int | None) -> None:
    """Refuse an article with more than ``max_characters`` of text, whole."""
    if max_characters is None:
        return
    size = characters(article)
    if size > max_characters:
        raise InputTooLargeError(
            f"the article has {size:,} characters of text; the limit is {max_characters:,}"
        )


def publisher_id_of(article: Article, given: str | None) -> tuple[str, str]:
    """The article's publisher id and the document's own id (ninjs ``uri``, canonical URL).

    A given id wins. A document id that cannot travel in a URL path is replaced by a stable
    ``doc-<hash>`` id (the document id itself is kept as ``source_uri``).
    """
    uri = ""
    if article.source_format == "ninjs" and article.original:
        try:
            value = json.loads(article.original).get("uri")
        except (ValueError, AttributeError):
            value = None
        uri = value if isinstance(value, str) else ""
    elif article.canonical_url:
        uri = article.canonical_url
    if given is not None:
        check_publisher_id(given)
        return given, uri
    if not uri:
        raise InputError(
            "the document has no id of its own (ninjs uri or HTML canonical link): "
            "use PUT /v1/articles/{publisher_id}"
        )
    if _PATH_SAFE.fullmatch(uri):
        return uri, uri
    return "doc-" + hashlib.sha256(uri.encode()).hexdigest()[:24], uri


def check_publisher_id(publisher_id: str) -> None:
    if not _PATH_SAFE.fullmatch(publisher_id):
        raise InputError(
            f"invalid publisher id {publisher_id[:50]!r}: 1-200 characters of letters, digits "
            "and . _ : ~ @ + -, starting with a letter or digit"
        )


def store_version(
    session: Session,
    article: Article,
    pid: str,
    uri: str,
    targets: tuple[str, ...],
    priority: str = "breaking",
) -> Submission:
    """The submission in one transaction: nothing new for the same content (only the missing
    languages queued), an earlier version current again for an earlier content, else the next
    version, current, queued in every target language."""
    now = utcnow_precise()
    row = repository.claim_article(session, pid, uri, article.source_language, targets, now)
    created = row.current_version_id is None
    current = repository.current_version(session, row)
    if current is not None and current.version == article.version:
        missing = [t for t in targets if t not in repository.statuses(session, current.id)]
        if missing:
            row.targets = ",".join(dict.fromkeys([*row.targets.split(","), *missing]))
        jobs = repository.enqueue(session, current.id, missing, priority)
        return Submission(pid, current.number, current.version, False, False, jobs, targets)
    earlier = repository.version_of_content(session, row, article.version)
    if earlier is not None:
        # Back to an earlier body: that version, with its translations, is current again.
        _make_current(row, earlier.id, now)
        have = repository.statuses(session, earlier.id)
        jobs = repository.enqueue(
            session, earlier.id, [t for t in targets if t not in have], priority
        )
        return Submission(pid, earlier.number, earlier.version, False, True, jobs, targets)
    added = repository.add_version(session, row, article, now)
    _make_current(row, added.id, now)
    row.targets = ",".join(targets)
    row.source_language = article.source_language
    jobs = repository.enqueue(session, added.id, targets, priority)
    return Submission(pid, added.number, article.version, created, True, jobs, targets)


def _make_current(row: StoredArticle, version_id: int, now: datetime) -> None:
    row.current_version_id = version_id
    row.updated_at = now
