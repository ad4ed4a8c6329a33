"""Benchmark: tarjama's HTTP service against Apertium's own server (APy), in the same run.

    .venv/bin/python bench/service.py [--requests N] [--concurrency 1,4,16]

Needs Debian's ``apertium-apy`` (``apt-get install apertium-apy``) beside the engine that
``scripts/setup`` installs; the benchmark says so and stops when it is missing.

What runs:

* APy: ``apertium-apy -j1 -p PORT /usr/share/apertium/modes``, as Debian's systemd unit starts
  it (with ``LC_ALL=C.UTF-8``), otherwise with its defaults: one HTTP process (``-j1``, also its
  default), at most one pipeline per pair (``-i 1``) shared by up to 5 requests before it would
  consider another (``-u 5``), a 10 s request timeout. APy has no option for the address it
  listens on (it binds every interface); this benchmark only ever sends to 127.0.0.1.
* tarjama: ``tarjama serve --port PORT`` with a fresh temporary ``TARJAMA_DATA_DIR`` (a new
  SQLite store and translation memory), ``TARJAMA_RATE_LIMIT=0`` and anonymous translation on; every
  other ``TARJAMA_*`` variable is removed and it runs in the temporary folder, so no local
  ``tarjama.toml`` is read. Both translate with the same Debian Apertium eng-spa data.

The servers take turns: a level's requests are cut into up to 4 consecutive rounds, APy going
first in the 1st and 3rd, tarjama in the 2nd and 4th, and each side's rounds are counted
together, so that a change in this machine's load during a level weighs on both alike. A round
holds at least 8 requests per worker, so with the default 40 requests only c=1 is cut (into 4
rounds of 10); c=4 and c=16 run as one round each, APy first.

What is measured: the same ~480-word English news article (the bundled sample
``port-strike.txt``: headline, standfirst and body paragraphs, as plain text with blank lines
between paragraphs) translated en->es synchronously, APy with ``POST /translate``
(form fields ``langpair=eng|spa``, ``q``), tarjama with ``POST /v1/translate``
(JSON ``{"text": ..., "source": "en", "targets": ["es"]}``). One load generator for both: asyncio
with one ``httpx.AsyncClient``, a fixed number of workers (the concurrency) taking requests from a
fixed count (``--requests`` per level), each request timed from send to the whole body read.
A request counts as an error unless it answers 200 with a non-empty translation (APy:
``responseStatus`` 200 and ``translatedText``; tarjama: ``translations[0].content``).

tarjama keeps every machine translation in its translation memory, so the same text posted twice
comes back from the memory. For the engine runs each request therefore carries a variant of the
article that neither server has seen: every sentence starts with a request number, ``[17] ``. APy
and tarjama get exactly the same sequence of variants, and the benchmark checks from tarjama's
answers that every sentence came from the engine (``origin`` of each segment). Then, for tarjama
only, the unchanged article is posted once to fill the memory and the runs are repeated: every
sentence must now come from the memory.

Printed per concurrency level: p50/p95/p99 latency in ms (inclusive quantiles, interpolated when
there are few requests), requests/s (requests over the level's wall time) and errors; the ratios
against APy; the CPU each server spent per request (its own process, and the processes under
it: the Apertium pipelines), which explains the latency at c=1 on a machine with few cores; and
the peak memory of each server, the sum of ``VmHWM`` from ``/proc/PID/status``
over the server process and its living descendants, read just before they are stopped (shared
pages are counted in each process, so it is an upper bound; a child that already exited is not
counted). Both servers, the load generator and the Apertium pipelines share this machine's cores.

Targets: at c=1 tarjama's median latency no worse than APy's; at c=4 and c=16 at least 1.5x APy's
requests/s; with the article in memory at least 10x APy's requests/s; tarjama's own CPU (its
server process, none of the engine's) at most 10 ms per request of new text at c=1, given per
500 words of the article. The load average is printed beside the figures. Exit status 0 when all are
met, 1 when one is not, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import httpx

from proctree import cpu_seconds, process_tree
from tarjama import formats, inline
from tarjama.segment import split_sentences

MODES = Path("/usr/share/apertium/modes")
HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0
REQUEST_TIMEOUT_S = 60.0
PAGE = 4096
OWN_CPU_TARGET_MS = 10.0
"""tarjama's own CPU per 500 words of new text in the service, at most."""


# --- the article --------------------------------------------------------------------------------


def article_text() -> str:
    """The sample article as plain text: headline, standfirst, body paragraphs."""
    raw = (files("tarjama") / "samples" / "port-strike.txt").read_text(encoding="utf-8")
    article = formats.read(raw.encode(), "text")
    parts = [article.headline, article.standfirst or ""]
    parts += [inline.plain(block.text) for block in article.body]
    return "\n\n".join(p for p in parts if p.strip()) + "\n"


def numbered(text: str, number: int) -> str:
    """The text with ``[number] `` before every sentence: new to any translation memory."""
    lines = []
    for line in text.split("\n"):
        sentences = split_sentences(inline.escape_text(line), "en") if line.strip() else []
        lines.append("".join(f"[{number}] {inline.plain(s)}" for s in sentences))
    return "\n".join(lines)


# --- the servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def server(
    name: str, argv: list[str], env: dict[str, str], cwd: Path, port: int
) -> Iterator[Server]:
    """A server in a process group of its own, stopped (the whole group) on the way out."""
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield Server(name, process, f"http://{HOST}:{port}", log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


async def wait_until_ready(srv: Server, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    async with httpx.AsyncClient(timeout=5.0) as client:
        while time.monotonic() < deadline:
            if srv.process.poll() is not None:
                raise RuntimeError(
                    f"{srv.name} exited with {srv.process.returncode}:\n{srv.tail()}"
                )
            try:
                if (await client.get(srv.url + path)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(
        f"{srv.name} did not answer {path} in {START_TIMEOUT_S:.0f} s:\n{srv.tail()}"
    )


def cpu_of(srv: Server) -> tuple[float, float]:
    """CPU seconds so far of the server's own process and of the processes under it (the
    Apertium pipelines), each with the children it has reaped."""
    tree = process_tree(srv.process.pid)
    return cpu_seconds(tree[0]), sum(cpu_seconds(pid) for pid in tree[1:])


def peak_memory_mib(root: int) -> tuple[float, int]:
    """Sum of VmHWM over the tree of ``root``, in MiB, and how many processes it counted."""
    total_kib, counted = 0, 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total_kib += int(line.split()[1])
                counted += 1
    return total_kib / 1024, counted


# --- the load generator -------------------------------------------------------------------------


@dataclass
class Run:
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    wall_s: float = 0.0
    origins: dict[str, int] = field(default_factory=dict)
    segments: set[int] = field(default_factory=set)
    """How many sentences tarjama's answers had: one number when the same text is always
    segmented alike."""
    first_error: str = ""

    def quantile_ms(self, q: int) -> float:
        if not self.latencies_s:
            return float("nan")
        if len(self.latencies_s) == 1:
            return self.latencies_s[0] * 1000
        return statistics.quantiles(self.latencies_s, n=100, method="inclusive")[q - 1] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies_s) / self.wall_s if self.wall_s else 0.0

    def add(self, other: Run) -> None:
        """Count ``other`` (a later round of the same level) into this run."""
        self.latencies_s += other.latencies_s
        self.errors += other.errors
        self.wall_s += other.wall_s
        for origin, n in other.origins.items():
            self.origins[origin] = self.origins.get(origin, 0) + n
        self.segments |= other.segments
        self.first_error = self.first_error or other.first_error


ROUNDS = 4
PER_WORKER = 8  # requests per worker at least in a round


def rounds(texts: list[str], concurrency: int) -> list[list[str]]:
    """``texts`` in up to ``ROUNDS`` consecutive parts, each of at least ``PER_WORKER``
    requests per worker (fewer parts when there are too few: one at high concurrency), so that
    the start and the drain of a round, when fewer than ``concurrency`` requests are in flight,
    weigh little on its requests/s."""
    parts = max(1, min(ROUNDS, len(texts) // (PER_WORKER * concurrency)))
    size = -(-len(texts) // parts)
    return [texts[i : i + size] for i in range(0, len(texts), size)]


Check = Callable[[httpx.Response, Run], str | None]
"""Reads a response; returns why it is an error, or None."""
Send = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]
"""Makes request i with the client."""


async def load(
    send: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
    check: Check,
    requests: int,
    concurrency: int,
) -> Run:
    """``requests`` requests, ``concurrency`` at a time; ``send(client, i)`` makes request i."""
    run = Run()
    numbers = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        for i in numbers:  # shared: each number is taken by one worker
            start = time.perf_counter()
            try:
                response = await send(client, i)
                problem = check(response, run)
            except (httpx.HTTPError, ValueError) as exc:  # ValueError: a body not JSON
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - start
            if problem is None:
                run.latencies_s.append(elapsed)
            else:
                run.errors += 1
                run.first_error = run.first_error or problem

    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        run.wall_s = time.perf_counter() - start
    return run


def check_apy(response: httpx.Response, run: Run) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    body = response.json()
    text = (body.get("responseData") or {}).get("translatedText") or ""
    if body.get("responseStatus") != 200 or not text.strip():
        return f"no translation: {response.text[:200]}"
    return None


def check_tarjama(response: httpx.Response, run: Run) -> str | None:
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    translations = response.json().get("translations") or []
    if not translations or not str(translations[0].get("content") or "").strip():
        return f"no translation: {response.text[:200]}"
    segments = translations[0].get("segments", [])
    run.segments.add(len(segments))
    for segment in segments:
        origin = str(segment.get("origin"))
        run.origins[origin] = run.origins.get(origin, 0) + 1
    return None


def apy_sender(
    url: str, texts: list[str]
) -> Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]:
    def send(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
        return client.post(url + "/translate", data={"langpair": "eng|spa", "q": texts[i]})

    return send


def tarjama_sender(
    url: str, texts: list[str]
) -> Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]:
    def send(client: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
        body = {"text": texts[i], "source": "en", "targets": ["es"]}
        return client.post(url + "/v1/translate", json=body)

    return send


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Side:
    """One server's part of a level: its runs added up, and the CPU they cost."""

    server: Server
    sender: Callable[[str, list[str]], Send]
    check: Check
    run: Run = field(default_factory=Run)
    cpu_s: list[float] = field(default_factory=lambda: [0.0, 0.0])

    async def measure(self, texts: list[str], concurrency: int) -> None:
        before = cpu_of(self.server)
        done = await load(self.sender(self.server.url, texts), self.check, len(texts), concurrency)
        after = cpu_of(self.server)
        self.cpu_s[0] += after[0] - before[0]
        self.cpu_s[1] += after[1] - before[1]
        self.run.add(done)

    def cpu_ms_per_request(self) -> tuple[float, float]:
        """Milliseconds of CPU per request: the server's own process, the processes under it."""
        n = len(self.run.latencies_s) + self.run.errors
        return (1000 * self.cpu_s[0] / n, 1000 * self.cpu_s[1] / n) if n else (0.0, 0.0)


def row(label: str, run: Run) -> str:
    return (
        f"  {label:<18} p50 {run.quantile_ms(50):8.1f}  p95 {run.quantile_ms(95):8.1f}  "
        f"p99 {run.quantile_ms(99):8.1f} ms  {run.rps:7.1f} req/s  errors {run.errors}"
    )


def origins(run: Run) -> str:
    """Sentences by origin over the run, and the sentences per answer (min-max)."""
    counts = ", ".join(f"{k} {v}" for k, v in sorted(run.origins.items())) or "none"
    low, high = min(run.segments, default=0), max(run.segments, default=0)
    return f"{counts}; per answer {low}" + (f"-{high}" if high != low else "")


def all_from(run: Run, prefix: str) -> bool:
    """Every sentence that had words to translate came from ``prefix`` (engine, memory)."""
    return all(o.startswith(prefix) or o == "copy" for o in run.origins)


def load_average() -> str:
    return "{:.2f} {:.2f} {:.2f} (1, 5, 15 min)".format(*os.getloadavg())


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def measure(args: argparse.Namespace, apy: Server, ours: Server) -> bool:
    await asyncio.gather(wait_until_ready(apy, "/listPairs"), wait_until_ready(ours, "/ready"))
    text = article_text()
    print(f"article: port-strike.txt, {len(text.split())} words, {len(text):,} characters")
    print(f"requests: {args.requests} per level and server; concurrency {args.concurrency}")
    print(f"load average at the start: {load_average()}")
    per_500 = 500 / len(text.split())

    serial = 0

    def variants(n: int) -> list[str]:
        nonlocal serial
        serial += n
        return [numbered(text, k) for k in range(serial - n + 1, serial + 1)]

    # warm-up: APy starts its eng-spa pipeline on the first request; tarjama's engine is up
    warm = variants(1)
    await load(apy_sender(apy.url, warm), check_apy, 1, 1)
    await load(tarjama_sender(ours.url, warm), check_tarjama, 1, 1)

    clean = True  # no error, every sentence from where it should come
    met: list[bool] = []
    apy_runs: dict[int, Run] = {}
    print("\nnew text every request (numbered variants; the same ones for both servers)")
    for c in args.concurrency:
        texts = variants(args.requests)
        sides = [Side(apy, apy_sender, check_apy), Side(ours, tarjama_sender, check_tarjama)]
        # The servers take turns, in rounds (APy first in one round, tarjama in the next), so
        # that a change in the machine's load during the level weighs on both alike.
        for r, part in enumerate(rounds(texts, c)):
            for side in sides if r % 2 == 0 else sides[::-1]:
                await side.measure(part, c)
        apy_runs[c] = a = sides[0].run
        t = sides[1].run
        apy_cpu, ours_cpu = (side.cpu_ms_per_request() for side in sides)
        print(f"c={c}")
        print(row("APy", a))
        print(row("tarjama", t))
        print(
            f"  CPU per request: APy {apy_cpu[0]:.1f} ms in its server process + "
            f"{apy_cpu[1]:.1f} ms in the processes under it; tarjama {ours_cpu[0]:.1f} + "
            f"{ours_cpu[1]:.1f} ms"
        )
        own_ms = ours_cpu[0] * per_500
        print(
            f"  tarjama's own CPU per 500 words: {own_ms:.1f} ms (APy's server process "
            f"{apy_cpu[0] * per_500:.1f} ms); load average {load_average()}"
        )
        print(f"  tarjama sentences by origin: {origins(t)}")
        for name, run in (("APy", a), ("tarjama", t)):
            if run.errors:
                print(f"  first {name} error: {run.first_error}")
        if a.errors or t.errors:
            clean = False
        if not all_from(t, "engine"):
            print("  some of tarjama's sentences did not come from the engine: not a cold run")
            clean = False
        if c == 1:
            ratio = t.quantile_ms(50) / a.quantile_ms(50)
            passed = ratio <= 1.0
            print(f"  median latency tarjama/APy: {ratio:.2f}  (target <= 1.00) {verdict(passed)}")
            own_ok = own_ms <= OWN_CPU_TARGET_MS
            print(
                f"  tarjama's own CPU per 500 words: {own_ms:.1f} ms  (target <= "
                f"{OWN_CPU_TARGET_MS:.0f}) {verdict(own_ok)}"
            )
            met.append(own_ok)
        else:
            ratio = t.rps / a.rps if a.rps else float("nan")
            passed = ratio >= 1.5
            print(f"  req/s tarjama/APy: {ratio:.2f}  (target >= 1.50) {verdict(passed)}")
        met.append(passed)

    print("\ntarjama with the article already in the translation memory")
    fill = await load(tarjama_sender(ours.url, [text]), check_tarjama, 1, 1)
    print(f"  warm-up request: sentences by origin: {origins(fill)}")
    for c in args.concurrency:
        t = await load(tarjama_sender(ours.url, [text] * args.requests), check_tarjama,
                       args.requests, c)  # fmt: skip
        a = apy_runs[c]
        ratio = t.rps / a.rps if a.rps else float("nan")
        passed = ratio >= 10
        if t.errors:
            clean = False
        print(row(f"c={c} tarjama+TM", t))
        print(f"  sentences by origin: {origins(t)}")
        if not all_from(t, "memory"):
            print("  some sentences did not come from the memory")
            clean = False
        if t.errors:
            print(f"  first error: {t.first_error}")
        print(
            f"  req/s tarjama+TM/APy: {ratio:.2f}  (APy {a.rps:.1f} req/s; target >= 10.00) "
            f"{verdict(passed)}"
        )
        met.append(passed)

    print("\npeak memory (sum of VmHWM over the server and its living child processes)")
    for srv in (apy, ours):
        mib, count = peak_memory_mib(srv.process.pid)
        print(f"  {srv.name:<8} {mib:8.1f} MiB over {count} processes")
    problems = "" if clean else "; some requests failed or were not served as intended (above)"
    print(f"\nload average at the end: {load_average()}")
    print(f"targets met: {sum(met)} of {len(met)}{problems}")
    return clean and all(met)


def levels(value: str) -> list[int]:
    out = [int(v) for v in value.split(",") if v.strip()]
    if not out or min(out) < 1:
        raise argparse.ArgumentTypeError("give positive integers, e.g. 1,4,16")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per level and server")
    parser.add_argument("--concurrency", type=levels, default=[1, 4, 16],
                        help="comma-separated concurrency levels")  # fmt: skip
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be at least 1")

    apy_bin = shutil.which("apertium-apy")
    if apy_bin is None:
        print("apertium-apy is not installed: apt-get install apertium-apy", file=sys.stderr)
        return 2
    if not (MODES / "eng-spa.mode").exists():
        print(f"no {MODES}/eng-spa.mode: apt-get install apertium-eng-spa", file=sys.stderr)
        return 2
    tarjama_bin = Path(sys.executable).parent / "tarjama"
    if not tarjama_bin.exists():
        print(f"no {tarjama_bin}: run scripts/setup", file=sys.stderr)
        return 2

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tarjama-bench-")))
        (tmp / "apy").mkdir()
        (tmp / "tarjama").mkdir()
        base = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
        apy_port, our_port = free_port(), free_port()
        apy = stack.enter_context(server(
            "APy",
            [apy_bin, "-j1", "-p", str(apy_port), str(MODES)],
            {**base, "LC_ALL": "C.UTF-8"},
            tmp / "apy",
            apy_port,
        ))  # fmt: skip
        ours = stack.enter_context(server(
            "tarjama",
            [str(tarjama_bin), "serve", "--host", HOST, "--port", str(our_port)],
            {
                **base,
                "TARJAMA_DATA_DIR": str(tmp / "tarjama"),
                "TARJAMA_RATE_LIMIT": "0",
                "TARJAMA_ANONYMOUS_TRANSLATE": "true",
            },
            tmp / "tarjama",
            our_port,
        ))  # fmt: skip
        try:
            ok = asyncio.run(measure(args, apy, ours))
        except RuntimeError as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 2
    print("\nservers stopped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
