"""The articles API (``/v1/articles``, ``/v1/jobs``, ``/v1/feeds/{lang}``): submit, read,
version, delete, review, jobs (listed, retried), and a feed of the newest translations per language.

Thin: each route parses its request, calls :class:`tarjama.newsroom.Newsroom` in a worker
thread and shapes the answer. Writes need the editor role (or ``anonymous_write``), reads the
reader role (or ``anonymous_read``), except the reader pages: the feed of a language and the
current version's translation as HTML, open to anonymous callers unless ``anonymous_pages`` is
off. An older version, JSON, ninjs and the review routes are not reader pages: a correction
leaves the words it replaced to the newsroom. The HTML, ninjs and feeds served from here are
sanitised (``formats.sanitise``): no script of the source reaches a reader or a CMS.
An article over ``max_characters`` of text is refused whole (413).
"""

from tarjama.api.articles import jobs, read, review, submit

ROUTERS = (submit.router, read.router, jobs.router, review.router)
"""The routers, in the order of their routes in the OpenAPI document."""

__all__ = ["ROUTERS"]
