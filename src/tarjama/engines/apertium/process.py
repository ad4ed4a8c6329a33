"""The long-lived processes of a pair, and how requests travel through them.

A pair's pipeline runs as three processes when its mode has an HMM tagger: the stages before
the tagger, the tagger filter (``tagger.py``, its own process), and the stages after it; all
stream, NUL-terminated records in and out. Every request travels between two frames
(``stream.frames``) that name this run of the pipeline and the request's serial number: an
output that does not carry its own request's frames is out of step, and is never read as that
request's output. Processes run in sessions of their own, so that killing one kills its stages.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from tarjama.engines.apertium.modes import split_mode
from tarjama.engines.apertium.stream import frames
from tarjama.engines.apertium.tagger import CUT
from tarjama.errors import EngineTimeoutError, EngineUnavailableError, StreamIntegrityError


class NulReader:
    """Reads NUL-terminated records from a pipe, with a deadline."""

    def __init__(self, stream: object, what: str) -> None:
        self.fd = stream.fileno()  # type: ignore[attr-defined]
        self.what = what
        self.partial = b""  # the start of a record not yet complete
        self.ready: deque[bytes] = deque()

    def _take(self) -> None:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            raise EngineUnavailableError(f"{self.what} exited unexpectedly")
        *done, self.partial = (self.partial + chunk).split(b"\0")
        self.ready.extend(done)

    def records(self) -> list[bytes]:
        """Read what is there now (one read) and return the complete records."""
        self._take()
        done = list(self.ready)
        self.ready.clear()
        return done

    def read(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while not self.ready:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EngineTimeoutError(f"{self.what} gave no answer within {timeout:g} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self._take()
        return self.ready.popleft()


def spawn(
    argv: list[str], *, stdin: IO[bytes] | int = subprocess.PIPE, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, LC_ALL="C.UTF-8")
    try:
        return subprocess.Popen(
            argv, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr, env=env,
            start_new_session=True,
        )  # fmt: skip
    except OSError as exc:  # a program of the mode is missing or cannot run
        raise EngineUnavailableError(f"cannot start {argv[0]}: {exc}") from exc


def write_some(fd: int, data: bytearray) -> int:
    try:
        return os.write(fd, data[: 1 << 16])
    except BlockingIOError:
        return 0


def kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, 9)
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    for f in (proc.stdin, proc.stdout, proc.stderr):
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()


# The tagger stage runs as a filter process of its own (see that module).
TAGGER_FILTER = str(Path(__file__).with_name("tagger.py"))
# Requests per record through the stages before the tagger (see ``Pipeline.write``).
GROUP = 8


class Pipeline:
    """One language direction: front stages | tagger filter | back stages, all streaming.

    The tagger filter (``tagger.py``) gives every segment the output of a pristine
    tagger, replacing a tagger whose state changed; it reports each replacement on stderr,
    which a watcher thread counts.
    """

    def __init__(self, mode_file: Path, timeout: float) -> None:
        self.mode_file = mode_file
        self.timeout = timeout
        self.stages = split_mode(mode_file)
        self.lock = threading.Lock()
        self._restarts = 0
        self._count_lock = threading.Lock()
        self._start()

    @property
    def tagger_restarts(self) -> int:
        with self._count_lock:
            return self._restarts

    def _start(self) -> None:
        name = f"Apertium {self.mode_file.stem}"
        # Every request travels framed by two superblanks that name this run of the pipeline
        # and the request's serial number (see ``stream.frames``): an output that does not carry its
        # own request's frames is out of step, and is never read as that request's output.
        self.nonce = secrets.token_hex(6)
        self.serial = 0
        self.front = spawn(["bash", "-c", self.stages.front])
        self.guard: subprocess.Popen[bytes] | None = None
        self.back: subprocess.Popen[bytes] | None = None
        self.failure: list[str] = []  # what the tagger filter said when it gave up
        last = self.front
        if self.stages.tagger is not None:
            assert self.front.stdout is not None
            self.guard = spawn(
                [sys.executable, "-I", "-S", TAGGER_FILTER, *self.stages.tagger],
                stdin=self.front.stdout, stderr=subprocess.PIPE,
            )  # fmt: skip
            assert self.guard.stdout is not None
            self.back = spawn(["bash", "-c", self.stages.back], stdin=self.guard.stdout)
            # The stages hold their own ends now: this process keeps only the pipeline's ends.
            self.front.stdout.close()
            self.guard.stdout.close()
            threading.Thread(target=self._watch, args=(self.guard,), daemon=True).start()
            last = self.back
        self.out = NulReader(last.stdout, name)

    def _watch(self, guard: subprocess.Popen[bytes]) -> None:
        assert guard.stderr is not None
        with contextlib.suppress(OSError, ValueError):
            for line in guard.stderr:
                if line == b"restart\n":
                    with self._count_lock:
                        self._restarts += 1
                else:
                    self.failure.append(line.decode("utf-8", "replace").strip())

    def _processes(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in (self.front, self.guard, self.back) if p is not None]

    def close(self) -> None:
        for proc in self._processes():
            kill(proc)

    def restart(self) -> None:
        self.close()
        self._start()

    def stream(self, batches: Iterable[Sequence[bytes]]) -> Iterator[bytes]:
        """Send every request through and yield each output (its frames removed) in order as
        it comes out, while later ones are in the pipeline.

        Requests come in batches, and ``batches`` may wait for the next one: each batch is
        written (by a thread of its own) as soon as it is given, so the stages start on the
        first requests while the caller prepares the rest."""
        first = self.serial  # the serial number of this call's first request
        writer = _Writer(self, batches, first)
        read = 0
        try:
            while writer.more(read):
                raw = self.out.read(self.timeout)
                head, tail = frames(self.nonce, first + read)
                if not (raw.startswith(head) and raw.endswith(tail)):
                    raise StreamIntegrityError(
                        f"Apertium {self.mode_file.stem} answered out of step: output "
                        f"{read + 1} of this request did not carry its frame"
                    )
                read += 1
                yield raw[len(head) : len(raw) - len(tail)]
        except EngineUnavailableError as exc:
            self.close()
            if self.failure:  # the tagger filter said why
                raise EngineUnavailableError(f"{exc}: {'; '.join(self.failure)}") from exc
            raise
        except BaseException:
            self.close()  # unblocks the writer
            raise
        finally:
            writer.join(self.timeout)
            self.serial = first + writer.sent
        if writer.errors:
            self.close()
            raise writer.errors[0]

    def write(self, into: IO[bytes], batch: Sequence[bytes], serial: int) -> None:
        """One batch of requests into the front stages' input ``into`` (the one of the run the
        call started on), framed from serial number ``serial`` on.

        With the tagger filter, requests go in groups, each request followed by CUT: the
        stages before the tagger then flush once per group, and the filter tags and passes on
        every request as a record of its own. Every request is followed by CUT, whatever its
        place in a group, so its output does not depend on which group it travels in."""
        group = GROUP if self.guard is not None else 1
        for start in range(0, len(batch), group):
            chunk = [
                b"%s%s%s" % (head, req, tail)
                for k, req in enumerate(batch[start : start + group])
                for head, tail in [frames(self.nonce, serial + start + k)]
            ]
            if group == 1:
                into.write(chunk[0] + b"\0")
            else:
                into.write(b"".join(req + CUT for req in chunk) + b"\0")
        into.flush()


class _Writer:
    """Writes one call's batches into a pipeline from a thread of its own, counting what it
    has sent; the reader waits on it for each output it may expect."""

    def __init__(self, pipe: Pipeline, batches: Iterable[Sequence[bytes]], first: int) -> None:
        self.sent = 0  # requests written so far
        self.done = False  # every batch written (or the writing failed)
        self.errors: list[BaseException] = []
        self._given = threading.Condition()
        into = pipe.front.stdin  # this run's: a restart gives the pipeline another
        assert into is not None
        self._thread = threading.Thread(
            target=self._feed, args=(pipe, into, batches, first), daemon=True
        )
        self._thread.start()

    def _feed(
        self, pipe: Pipeline, into: IO[bytes], batches: Iterable[Sequence[bytes]], first: int
    ) -> None:
        try:
            for batch in batches:
                try:
                    pipe.write(into, batch, first + self.sent)
                except (OSError, ValueError) as exc:  # the pipeline is gone
                    failed = EngineUnavailableError(f"Apertium pipeline failed: {exc}")
                    failed.__cause__ = exc
                    self.errors.append(failed)
                    return
                with self._given:
                    self.sent += len(batch)
                    self._given.notify()
        except BaseException as exc:  # the caller's batches failed: its error, not ours
            self.errors.append(exc)
        finally:
            with self._given:
                self.done = True
                self._given.notify()

    def more(self, read: int) -> bool:
        """Wait until a request beyond the first ``read`` is sent (True) or none will be."""
        with self._given:
            self._given.wait_for(lambda: self.done or self.sent > read)
            return self.sent > read

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)
