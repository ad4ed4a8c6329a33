"""Benchmark: translation memory import and lookups against raw baselines, in the same run.

    .venv/bin/python bench/memory.py [--units N] [--lookups K] [--seed S]

1. Import: a synthetic TMX 1.4b of N units (100,000 by default; varied news-like sentences) into
   a fresh SQLite store, against lxml's streaming parse of the same file alone.
   Target: under 20 s in total, parse and database insert included; the process's CPU seconds
   are printed beside it (on a machine shared with other work, wall time is mostly waiting).
2. Exact lookups: K single lookups (10,000 by default; 90 % hits, with a machine signature),
   mean and p99 per call, against a Python dict lookup. Target: under 1 ms each.
3. ``lookup_many`` over the same K sources in one call: sources per second.
4. Fuzzy suggestions: mean per call over a few hundred near-miss queries (for information).
5. Glossary: 5,000 terms found in a long text in one pass, against a search per term.
6. Per article (25 sentences): the CPU of the memory's look-up before translating and of its
   write after, as the pipeline does them.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from lxml import etree

from tarjama.memory.glossary import Glossary
from tarjama.memory.tm import TranslationMemory
from tarjama.model import Provenance
from tarjama.store import Store

SUBJECTS = [
    "The minister",
    "The prime minister",
    "Officials",
    "The central bank",
    "Rescue teams",
    "The opposition leader",
    "Residents",
    "The company",
    "Police",
    "The United Nations",
    "Farmers",
    "The court",
    "Health workers",
    "The mayor",
    "Protesters",
    "Investors",
]
VERBS = [
    "said",
    "announced",
    "warned",
    "confirmed",
    "denied",
    "reported",
    "estimated",
    "promised",
]
CLAUSES = [
    "that talks would resume",
    "that prices rose by {n} percent",
    "that {n} people were evacuated",
    "that the bridge would reopen",
    "that the vote was postponed",
    "that exports fell",
    "that {n} homes lost power",
    "that the strike would continue",
    "that aid had arrived",
    "that the budget would grow by {n} million",
    "that the border stayed closed",
]
WHEN = [
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "late on Thursday",
    "on Friday",
    "this weekend",
    "after the storm",
    "before the election",
    "in the capital",
    "in the northern region",
    "near the port",
    "at a press conference",
]
TARGET_WORDS = ["dijo", "anunció", "advirtió", "confirmó", "el", "la", "que", "en", "los"]

SIGNATURE_ENGINE = Provenance("apertium", "3.8.3", "eng-spa", "en", "es")


def sentences(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct sentences, built from news-like parts and numbers."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        clause = rng.choice(CLAUSES).format(n=rng.randint(2, 9999))
        text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {clause} {rng.choice(WHEN)}."
        if rng.random() < 0.3:
            text += f" Reference {rng.randint(1, 10**6)}."
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def write_tmx(path: Path, sources: list[str], rng: random.Random) -> list[str]:
    """A TMX file of ``sources`` with made-up Spanish targets; some are machine units."""
    targets = []
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("tmx", version="1.4"):
            xf.write(
                etree.Element(
                    "header",
                    creationtool="bench",
                    creationtoolversion="1",
                    segtype="sentence",
                    adminlang="en",
                    srclang="en",
                    datatype="plaintext",
                    attrib={"o-tmf": "bench"},
                )
            )
            with xf.element("body"):
                for index, source in enumerate(sources):
                    target = " ".join(rng.choices(TARGET_WORDS, k=8)) + f" {index}."
                    targets.append(target)
                    tu = etree.Element("tu", creationdate="20240101T120000Z")
                    if index % 4 == 0:
                        for kind, value in (
                            ("origin", "machine"),
                            ("engine", SIGNATURE_ENGINE.engine),
                            ("engine-version", SIGNATURE_ENGINE.engine_version),
                            ("model", SIGNATURE_ENGINE.model),
                        ):
                            etree.SubElement(tu, "prop", type=f"x-tarjama-{kind}").text = value
                    for lang, text in (("en-US", source), ("es-ES", target)):
                        tuv = etree.SubElement(
                            tu, "tuv", {"{http://www.w3.org/XML/1998/namespace}lang": lang}
                        )
                        etree.SubElement(tuv, "seg").text = text
                    xf.write(tu)
                    xf.write("\n")
    return targets


def parse_only(path: Path) -> int:
    """The baseline: lxml's streaming parse of the file, reading each segment's text."""
    count = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag="tu"):
        for seg in element.iter("seg"):
            count += len(seg.text or "")
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="tarjama-bench-") as folder:
        tmx = Path(folder) / "memory.tmx"
        sources = sentences(args.units, rng)
        targets = write_tmx(tmx, sources, rng)
        size = tmx.stat().st_size / 2**20
        print(f"TMX: {args.units:,} units, {size:.1f} MiB")

        start = time.perf_counter()
        parse_only(tmx)
        parse_seconds = time.perf_counter() - start

        store = Store(f"sqlite:///{Path(folder) / 'tarjama.db'}")
        store.migrate()
        memory = TranslationMemory(store)
        start, cpu = time.perf_counter(), time.process_time()
        imported = memory.import_tmx(tmx)
        import_seconds = time.perf_counter() - start
        import_cpu = time.process_time() - cpu
        assert imported == args.units, (imported, args.units)
        verdict = "ok" if import_seconds < 20 else "OVER TARGET"
        print(
            f"import:        {import_seconds:7.2f} s, {import_cpu:.2f} s CPU   (lxml parse alone "
            f"{parse_seconds:.2f} s, ratio {import_seconds / parse_seconds:.1f}x; "
            f"target < 20 s: {verdict})"
        )

        signature = SIGNATURE_ENGINE.signature()
        queries = [
            rng.choice(sources) if rng.random() < 0.9 else f"Unseen sentence {i}."
            for i in range(args.lookups)
        ]
        for query in queries[:200]:
            memory.lookup(query, "en", "es", signature=signature)
        times = []
        hits = 0
        for query in queries:
            start = time.perf_counter()
            match = memory.lookup(query, "en", "es", signature=signature)
            times.append(time.perf_counter() - start)
            hits += match is not None
        mean_ms = statistics.fmean(times) * 1000
        p99_ms = percentile(times, 0.99) * 1000

        table = dict(zip(sources, targets, strict=True))
        start = time.perf_counter()
        for query in queries:
            table.get(query)
        dict_ms = (time.perf_counter() - start) / len(queries) * 1000
        verdict = "ok" if p99_ms < 1 else "OVER TARGET"
        print(
            f"lookup:        mean {mean_ms:.3f} ms, p99 {p99_ms:.3f} ms, {hits:,} hits of "
            f"{len(queries):,} (dict lookup {dict_ms * 1000:.3f} µs, ratio "
            f"{mean_ms / dict_ms:,.0f}x; target < 1 ms: {verdict})"
        )

        start = time.perf_counter()
        found = memory.lookup_many(queries, "en", "es", signature=signature)
        many_seconds = time.perf_counter() - start
        print(
            f"lookup_many:   {len(queries) / many_seconds:,.0f} sources/s "
            f"({many_seconds * 1000:.0f} ms for {len(queries):,}; "
            f"{len(found):,} of {len(set(queries)):,} distinct found; "
            f"{mean_ms * len(queries) / 1000 / many_seconds:.1f}x single lookups)"
        )

        fuzzy_queries = [q.replace("said", "says").replace(".", "!") for q in queries[:300]]
        start = time.perf_counter()
        suggested = sum(bool(memory.fuzzy(q, "en", "es")) for q in fuzzy_queries)
        fuzzy_ms = (time.perf_counter() - start) / len(fuzzy_queries) * 1000
        print(
            f"fuzzy:         mean {fuzzy_ms:.1f} ms per call, {suggested} of "
            f"{len(fuzzy_queries)} with a suggestion (threshold 0.75)"
        )

        # Glossary: every term found in an article-sized text in one pass, against searching
        # the text for each term in turn (what a naive term base does).
        glossary = Glossary(store)
        rows = "\n".join(f"term{i} word{i % 97},terme{i}" for i in range(5000))
        glossary.import_csv(io.StringIO("source,target\n" + rows + "\n"), "en", "fr")
        text = " ".join(f"term{i} word{i % 97} and other words" for i in range(0, 5000, 7))
        terms = glossary.list_terms("en", "fr")
        glossary.find(text, "en", "fr")  # builds the matcher once
        start = time.perf_counter()
        hits_found = len(glossary.find(text, "en", "fr"))
        find_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        naive = sum(
            len(re.findall(rf"\b{re.escape(t.source)}\b", text, re.IGNORECASE)) for t in terms
        )
        naive_ms = (time.perf_counter() - start) * 1000
        assert hits_found == naive, (hits_found, naive)
        print(
            f"glossary:      {len(terms):,} terms, {hits_found:,} found in {len(text):,} "
            f"characters in {find_ms:.1f} ms (a search per term {naive_ms:.0f} ms, ratio "
            f"{naive_ms / find_ms:.0f}x)"
        )
        store.close()
        per_article(Path(folder), rng)


def per_article(folder: Path, rng: random.Random, articles: int = 120, size: int = 25) -> None:
    """What the memory costs tarjama per translated article, in CPU: the look-up of its
    sentences before translating (none found, then all found) and the write of the machine
    translations after, as the pipeline does them, into a fresh store (best of three)."""
    batches = [sentences(size, rng) for _ in range(articles)]
    signature = SIGNATURE_ENGINE.signature()
    best: dict[str, float] = {}
    for run in range(3):
        store = Store(f"sqlite:///{folder / f'article-{run}.db'}")
        store.migrate()
        memory = TranslationMemory(store)

        def look_up(batch: list[str], memory: TranslationMemory = memory) -> None:
            memory.lookup_many(batch, "en", "es", signature=signature)

        def write(batch: list[str], memory: TranslationMemory = memory) -> None:
            units = [(s, s.upper()) for s in batch]
            memory.add_many(units, pair=("en", "es"), provenance=SIGNATURE_ENGINE)

        steps = [("look-up, none found", look_up), ("write", write)]
        for name, step in [*steps, ("look-up, all found", look_up)]:
            start = time.process_time()
            for batch in batches:
                step(batch)
            seconds = (time.process_time() - start) / articles
            best[name] = min(best.get(name, seconds), seconds)
        store.close()
    print(
        f"per article:   {size} sentences, CPU "
        + ", ".join(f"{name} {seconds * 1000:.2f} ms" for name, seconds in best.items())
    )


if __name__ == "__main__":
    main()
