"""``tarjama demo``: the bundled samples translated into pages and feeds, and served."""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tarjama import formats, inline
from tarjama.cli.base import (
    ENGINE_HELP,
    engine_only,
    in_languages,
    main,
    reports_errors,
    settings_of,
    targets,
)

if TYPE_CHECKING:
    from tarjama.model import Article, Translation

DEMO_LANGUAGES = ("es", "ca", "gl")


def _samples_dir() -> Any:
    return importlib.resources.files("tarjama") / "samples"


def _samples() -> list[tuple[str, bytes]]:
    """The bundled sample articles (the sample feed is read apart)."""
    return sorted(
        (item.name, item.read_bytes())
        for item in _samples_dir().iterdir()
        if item.name.endswith((".txt", ".html", ".json"))
    )


@main.command()
@click.option("--out", "out_dir", default="out/demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))  # fmt: skip
@click.option("--to", "to", default=",".join(DEMO_LANGUAGES), show_default=True)
@click.option("--engine", "engine_name", help=ENGINE_HELP)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--serve/--no-serve", default=True, help="Serve the results over HTTP afterwards.")
@click.pass_context
@reports_errors
def demo(
    ctx: click.Context,
    out_dir: Path,
    to: str,
    engine_name: str | None,
    host: str,
    port: int,
    serve: bool,
) -> None:
    """Translate the bundled sample articles into HTML pages, and the sample RSS feed into
    translated feeds, and serve them."""
    from tarjama.formats import feed as feeds

    out_dir.mkdir(parents=True, exist_ok=True)
    feed_name = "bay-courier.rss"
    feed_data = (_samples_dir() / feed_name).read_bytes()
    feed = feeds.read_feed(formats.decode(feed_data))
    samples = _samples()
    settings = settings_of(ctx)
    with engine_only(settings, engine_name) as runtime:
        translator = runtime.translator()  # no store: the demo leaves the memory alone
        articles = [(name, formats.read(data)) for name, data in samples]
        _, langs = in_languages(runtime.engine, "en", targets(to))
        by_lang: dict[str, list[Translation]] = {
            lang: translator.translate_many([a for _, a in articles], lang) for lang in langs
        }
        feed_out = {
            lang: feeds.write_feed(feed, translator.translate_many(feed.articles, lang))
            for lang in by_lang
        }
    entries = _write_pages(out_dir, samples, [a for _, a in articles], by_lang)
    (out_dir / feed_name).write_bytes(feed_data)
    feed_links = [("en", feed_name)]
    for lang, text in feed_out.items():
        feed_links.append((lang, f"{feed_name.split('.')[0]}.{lang}.xml"))
        (out_dir / feed_links[-1][1]).write_text(text, encoding="utf-8")
    entries.append((f"RSS feed: {feed_name}", feed_name, feed_links))
    (out_dir / "index.html").write_text(_index(entries), encoding="utf-8")
    items = len(feed.articles) - feed.has_description
    click.echo(
        f"translated {len(articles)} articles and a feed of {items} items "
        f"into {', '.join(by_lang)}: {out_dir}/"
    )
    if serve:
        _serve(out_dir, host, port)


def _write_pages(
    out_dir: Path,
    samples: list[tuple[str, bytes]],
    articles: list[Article],
    by_lang: dict[str, list[Translation]],
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each sample as received, and its newsroom page in its own language and in each
    translation (by the renderer of the reader pages, linked by relative addresses, so that
    the folder works opened from disk); the stylesheet beside them; the index's entries."""
    from tarjama.render import static_file
    from tarjama.render.article import original_page, translation_page

    (out_dir / "tarjama.css").write_bytes(static_file("tarjama.css") or b"")
    entries: list[tuple[str, str, list[tuple[str, str]]]] = []
    for i, ((name, data), article) in enumerate(zip(samples, articles, strict=True)):
        stem = name.split(".")[0]
        (out_dir / name).write_bytes(data)
        source = article.source_language
        links = [(lang, f"{stem}.{lang}.html") for lang in (source, *by_lang)]
        pages = {source: original_page(article, links, static="", home="index.html")}
        for lang, results in by_lang.items():
            pages[lang] = translation_page(results[i], links, static="", home="index.html")
        for lang, href in links:
            (out_dir / href).write_text(pages[lang], encoding="utf-8")
        entries.append((inline.plain(article.headline), links[0][1], links))
    return entries


def _index(entries: list[tuple[str, str, list[tuple[str, str]]]]) -> str:
    """The demo's index: each article (or feed) and its languages."""
    from tarjama.render import render
    from tarjama.render.article import alternates

    items = [
        {"headline": title, "lang": "en", "dir": "ltr", "href": href, "updated": "",
         "languages": alternates(links, "")}
        for title, href, links in entries
    ]  # fmt: skip
    return render(
        "index.html", lang="en", dir="ltr", title="tarjama demo", items=items, static="",
        home="index.html",
    )  # fmt: skip


def _serve(out_dir: Path, host: str, port: int) -> None:
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out_dir))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")
