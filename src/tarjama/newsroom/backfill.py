"""Backfilling an archive: many articles submitted at the ``backfill`` priority, and followed.

    documents(paths)            each article of a folder, a file, an ninjs dump or a feed
    untranslated(store, langs)  the store's articles whose current version lacks a language
    Count().count(document)     parsed and counted (a dry run)
    plan = Backfill(newsroom=newsroom, targets=("es",))
    plan.add(document)          counted and submitted: its jobs queued
    plan.progress()             done, failed, words/s, ETA

A second run over the same archive skips what is done: an unchanged article makes no new
version, only its missing languages are queued, and its jobs still queued or failed from the
first run are taken up again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select

from tarjama import formats, inline
from tarjama.errors import InputError, TarjamaError
from tarjama.model import Article
from tarjama.newsroom import repository
from tarjama.newsroom.service import Newsroom
from tarjama.newsroom.submission import check_publisher_id, publisher_id_of
from tarjama.store import ArticleVersion, Job, Store, StoredArticle, StoredTranslation

SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".json": "ninjs",
            ".ninjs": "ninjs", ".jsonl": "ninjs", ".ndjson": "ninjs", ".xml": "feed",
            ".rss": "feed", ".atom": "feed"}  # fmt: skip


@dataclass(frozen=True)
class Document:
    """One article to backfill: its bytes, format, and the id to keep it under (None: its own)."""

    data: bytes
    format: str
    publisher_id: str | None
    where: str


def documents(paths: Sequence[Path]) -> Iterator[Document]:
    """Every article of ``paths``: files (text, HTML, ninjs), folders (recursively, sorted), ninjs
    dumps (a JSON array, or one object a line in ``.jsonl``) and RSS or Atom feeds (an item an
    article)."""
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
            for file in files:
                yield from _file(file, file.relative_to(path))
        elif path.is_file():
            yield from _file(path, Path(path.name))
        else:
            raise InputError(f"{path}: no such file or folder")


def _file(path: Path, relative: Path) -> Iterator[Document]:
    data = path.read_bytes()
    kind = SUFFIXES.get(path.suffix, "text")
    fallback = _id_of(relative)
    if kind == "ninjs" and path.suffix in (".jsonl", ".ndjson"):
        for n, line in enumerate(data.splitlines(), 1):
            if line.strip():
                yield Document(line, "ninjs", None, f"{path}:{n}")
    elif kind == "ninjs" and data.lstrip().startswith(b"["):
        try:
            items = json.loads(data)
        except ValueError as exc:
            raise InputError(f"{path}: not a JSON array of ninjs documents: {exc}") from exc
        for n, item in enumerate(items, 1):
            yield Document(json.dumps(item).encode(), "ninjs", None, f"{path}[{n}]")
    elif kind == "feed":
        yield from _feed_items(data, path)
    else:
        yield Document(data, kind, fallback, str(path))


def _id_of(relative: Path) -> str:
    """A publisher id from a file's path in its folder: ``2019/05/budget.txt`` ->
    ``2019~05~budget``."""
    name = "~".join(relative.with_suffix("").parts)
    return "".join(c if c.isalnum() or c in "._:~@+-" else "-" for c in name)[:200] or "article"


def _feed_items(data: bytes, path: Path) -> Iterator[Document]:
    """Each item of an RSS or Atom feed as an HTML page whose canonical link is the item's."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not a well-formed feed: {exc}") from exc
    atom = "{http://www.w3.org/2005/Atom}"
    items = root.findall("channel/item") or root.findall(f"{atom}entry")
    for n, item in enumerate(items, 1):
        if item.tag == "item":
            title = item.findtext("title") or ""
            link = item.findtext("guid") or item.findtext("link") or ""
            body = item.findtext("description") or ""
        else:
            title = item.findtext(f"{atom}title") or ""
            link = item.findtext(f"{atom}id") or ""
            body = item.findtext(f"{atom}content") or item.findtext(f"{atom}summary") or ""
        page = etree.Element("html")
        head = etree.SubElement(page, "head")
        if link.strip():
            etree.SubElement(head, "link", rel="canonical", href=link.strip())
        content = etree.SubElement(page, "body")
        etree.SubElement(content, "h1").text = title.strip()
        html = etree.tostring(page, encoding="unicode").replace("</body>", body + "</body>")
        own = None if link.strip() else f"{_id_of(Path(path.name))}-{n}"
        yield Document(html.encode(), "html", own, f"{path}, item {n}")


def untranslated(store: Store, targets: Sequence[str]) -> Iterator[Document]:
    """The current version of every stored article lacking a translation into a target."""
    version = ArticleVersion
    translated = (StoredTranslation.article_version_id == version.id) & (
        StoredTranslation.language.in_(targets)
    )
    with store.session() as session:
        rows = session.execute(
            select(StoredArticle.publisher_id, version.original, version.source_format,
                   func.count(StoredTranslation.id))
            .join(version, version.id == StoredArticle.current_version_id)
            .outerjoin(StoredTranslation, translated)
            .group_by(StoredArticle.publisher_id, version.original, version.source_format)
            .order_by(StoredArticle.publisher_id)
        ).all()  # fmt: skip
    for publisher_id, original, fmt, have in rows:
        if have < len(targets):
            yield Document(original.encode(), fmt, publisher_id, f"stored article {publisher_id}")


def words(article: Article) -> int:
    texts = [article.headline, article.standfirst, *(b.text for b in article.body)]
    return sum(len(inline.plain(t).split()) for t in texts if t)


@dataclass
class Progress:
    tasks: int
    done: int
    failed: int
    words_done: int
    elapsed: float

    @property
    def words_per_second(self) -> float:
        return self.words_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the pace so far; None before the first task ends."""
        finished = self.done + self.failed
        if not finished or self.elapsed <= 0:
            return None
        return (self.tasks - finished) * self.elapsed / finished

    @property
    def finished(self) -> bool:
        return self.done + self.failed >= self.tasks


@dataclass
class Count:
    """Articles and words of documents, parsed (what a dry run reports)."""

    articles: int = 0
    words: int = 0
    refused: list[str] = field(default_factory=list)

    def count(self, document: Document) -> Article | None:
        """Parse and count a document; None, noted, if it is refused."""
        try:
            article = formats.read(document.data, document.format)
        except TarjamaError as exc:
            self.refused.append(f"{document.where}: {exc}")
            return None
        self.articles += 1
        self.words += words(article)
        return article


@dataclass(kw_only=True)
class Backfill(Count):
    """Articles submitted at the backfill priority, their jobs followed."""

    newsroom: Newsroom
    targets: tuple[str, ...]
    max_characters: int | None = None
    skipped: int = 0
    jobs: dict[int, int] = field(default_factory=dict)
    """Job id -> words of its article."""
    started: float = field(default_factory=time.monotonic)

    def add(self, document: Document) -> list[int]:
        """Submit a document at the backfill priority; the jobs to dispatch (new ones, and
        those of an earlier run still queued or failed)."""
        article = self.count(document)
        if article is None:
            return []
        try:
            pid = document.publisher_id
            if pid is not None:
                check_publisher_id(pid)
            elif document.format != "text":
                pid = publisher_id_of(article, None)[0]
            submission = self.newsroom.submit(
                document.data, document.format, pid, self.targets,
                max_characters=self.max_characters, priority="backfill",
            )  # fmt: skip
        except TarjamaError as exc:
            self.refused.append(f"{document.where}: {exc}")
            return []
        wanted = list(submission.jobs) or self._unfinished(submission.publisher_id)
        if not wanted:
            self.skipped += 1
        for job in wanted:
            self.jobs[job] = words(article)
        return wanted

    def _unfinished(self, publisher_id: str) -> list[int]:
        """Jobs of the article's current version in the targets still queued, running or
        failed (a failed one is queued again)."""
        with self.newsroom.store.session() as session:
            row = repository.article(session, publisher_id)
            found = session.execute(
                select(Job.id, Job.state).where(
                    Job.article_version_id == row.current_version_id,
                    Job.language.in_(self.targets),
                    Job.state.in_(("queued", "running", "failed")),
                )
            ).all()
        ids = []
        for job_id, state in found:
            if state == "failed":
                self.newsroom.retry(job_id)
            ids.append(int(job_id))
        return ids

    def progress(self) -> Progress:
        states: dict[int, str] = {}
        ids = list(self.jobs)
        with self.newsroom.store.session() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                found = session.execute(select(Job.id, Job.state).where(Job.id.in_(chunk)))
                states.update((int(job_id), str(state)) for job_id, state in found)
        done = [j for j, s in states.items() if s == "done"]
        failed = sum(1 for s in states.values() if s == "failed")
        return Progress(len(ids), len(done), failed, sum(self.jobs[j] for j in done),
                        time.monotonic() - self.started)  # fmt: skip
