"""Benchmark: what a web page's structure costs, against translating its text alone.

    .venv/bin/python bench/pages.py [--repeat K] [--to es] [--cli] [PAGE.html...]

For each page (default: the 31 real pages of ../shared/pages/readability), with one warm
Apertium engine and no memory (with ``--cli``: each side a ``tarjama translate --no-memory``
command of its own, start-up and engine start included, as a newsroom's script runs it):

- the page: bytes decoded, read (the units found in the source), translated, written back in
  place and its markup checked against the input's (``formats.write_checked``), as
  ``tarjama translate page.html`` does;
- its text alone: the same texts the page hands the engine (headline, standfirst, every block
  and attribute, alt texts), without their markup, as a plain-text article: bytes decoded,
  read, translated (QA included, as the page's), written.

Target: the page takes at most 1.2x the time of its text alone. The two sides run alternately,
K rounds, so that a burst of load from other work on the machine falls on both alike; each
side's best time per page is kept. Prints the load average, one line per page, then the ratio
over all pages (sum of the best times), the spread of the per-page ratios and the load average
again; exits 1 if the total ratio is over the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tarjama import formats, inline
from tarjama.engines.apertium import ApertiumEngine
from tarjama.formats.html import read, read_html
from tarjama.pipeline import Translator

TARGET = 1.2
PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "pages" / "readability"


def best(run: Callable[[], object], times: list[float]) -> None:
    start = time.perf_counter()
    run()
    times.append(time.perf_counter() - start)


def load() -> str:
    """The load average: other work on the machine slows both sides, but not alike."""
    return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def text_of(data: bytes) -> str:
    """The page's texts as a plain-text article: headline, blank line, a paragraph per text."""
    article = read_html(formats.decode(data))
    texts = [inline.plain(article.standfirst)]
    texts += [inline.plain(b.text) for b in article.body if b.translatable and b.text]
    texts += [inline.plain(b.alt) for b in article.body if b.alt]
    paragraphs = [" ".join(t.split()) for t in texts if t.strip()]
    headline = " ".join(inline.plain(article.headline).split()) or "Untitled"
    return headline + "\n\n" + "\n\n".join(paragraphs) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--to", default="es")
    parser.add_argument("--cli", action="store_true", help="time the command, not the library")
    args = parser.parse_args()
    pages = args.pages or sorted(PAGES.glob("*/source.html"))
    if not pages:
        parser.error(f"no pages given, and {PAGES} is absent")
    translator = Translator(ApertiumEngine())

    def page(data: bytes) -> object:
        read._parse.cache_clear()  # parsed once per translation, never kept from the last
        t = translator.translate(read_html(formats.decode(data)), args.to)
        return formats.write_checked(t, "html")

    def text(plain: str) -> object:
        t = translator.translate(formats.read(plain.encode(), "text"), args.to)
        return formats.write(t, "text")

    if args.cli:
        command = [str(Path(sys.executable).with_name("tarjama")), "translate"]
        scratch = Path(tempfile.mkdtemp())

        def page(data: bytes) -> object:
            (scratch / "page.html").write_bytes(data)
            path = str(scratch / "page.html")
            return subprocess.run([*command, path, "--to", args.to, "--no-memory"], check=True,
                                  capture_output=True)  # fmt: skip

        def text(plain: str) -> object:
            (scratch / "page.txt").write_text(plain, encoding="utf-8")
            path = str(scratch / "page.txt")
            return subprocess.run([*command, path, "--to", args.to, "--no-memory"], check=True,
                                  capture_output=True)  # fmt: skip

    print(load())
    totals = [0.0, 0.0]
    ratios = []
    for path in pages:
        data = path.read_bytes()
        plain = text_of(data)
        page(data)  # the sentences once through the engine first: both sides start warm
        page_times: list[float] = []
        text_times: list[float] = []
        for _ in range(args.repeat):
            best(lambda: text(plain), text_times)  # noqa: B023 (called within the loop)
            best(lambda: page(data), page_times)  # noqa: B023
        p, t = min(page_times), min(text_times)
        totals[0] += p
        totals[1] += t
        ratios.append(p / t)
        name = "/".join(path.parts[-2:])
        print(f"{name:40} {len(data) // 1024:5} KiB  page {p:6.2f}s  text {t:6.2f}s  {p / t:.2f}x")
    ratio = totals[0] / totals[1]
    print(
        f"{len(pages)} pages: page {totals[0]:.1f}s, text alone {totals[1]:.1f}s: {ratio:.2f}x "
        f"(target {TARGET}x); per page median {statistics.median(ratios):.2f}x, "
        f"max {max(ratios):.2f}x"
    )
    print(load())
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
