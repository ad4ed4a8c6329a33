"""The tagger stage of an Apertium pipeline, as a filter process of its own.

    python -I -S tagger.py apertium-tagger -d -g <pair>.prob

Reads the front stages' NUL-terminated records on stdin and writes each, tagged, on stdout, in
order: exactly what a freshly started tagger gives for that record alone (the tagger keeps
state between records; see ``tarjama.engines.apertium``). A record may carry several segments,
each followed by the superblank ``CUT``: each segment is then tagged and written out as a record
of its own, so a record in gives as many out as it carries segments. Below, "record" means one
such segment.

At most ``WINDOW`` records are in the tagger at a time. When a record makes the tagger report an
unseen ambiguity class, that record's output is kept (it was tagged in the pristine state) and
the tagger is marked changed. A changed tagger is still exact for records without unknown words
or unseen classes; the first record that has one is sent again, with everything sent after it,
to a pristine spare, and a line ``restart`` goes to stderr. A tagger that dies ends this process
with a message on stderr.

A process of its own rather than a thread of the engine: records then move between the stages
without waiting for the engine's interpreter lock, so the stages after the tagger stay fed while
the engine's threads prepare and check text. Standard library only, so that it starts fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import subprocess
import sys
from collections import deque

# What ``apertium-tagger -d`` says on stderr. Its stderr is merged into its stdout, so a message
# lands inside the record of the segment that caused it (before that segment's NUL). A message
# may fall between two tokens of the tagged stream; stream text never looks like one, because
# the stream escapes or tokenises everything.
TAGGER_MESSAGE = re.compile(
    rb"Error: A new ambiguity class was found\. ?\n"
    rb"Retraining the tagger is necessary so as to take it into account\.\n"
    rb"Word '[^\n]*'\.\nNew ambiguity class: [^\n]*\n"
    rb"|Warning: There is not coarse tag for the fine tag [^\n]*\n"
    rb" +This is because of an incomplete tagset definition or a dictionary error\n"
    rb"|Problem with word '[^\n]*\n"
)
OPEN_CLASS_CHANGED = b"Error: A new ambiguity class was found"
# eng-spa's analyser also reads the pronoun "I" as a Roman numeral, an ambiguity class its tagger
# never saw: that one word causes most of the tagger's state changes in news text (340 of 400
# over newstest2013). The numeral reading is dropped before the tagger; a numeral "I" in a name
# ("Elizabeth I") is a multiword the analyser knows, and is not touched.
PRONOUN_I_AS_NUMERAL = re.compile(rb"\^I/I<num>(?:<[^>/$]*>)*/")

# Ends each segment of a record that carries several (the engine sends segments in groups, so
# that the stages before the tagger see one record per group: fewer flushes and wake-ups). It
# is a superblank: the analyser passes it through untouched, and escaped text never contains
# it, because "]" is always escaped in the stream.
CUT = b"[tarjama:cut]"

# Records in one tagger at a time. The tagger costs next to nothing, so redoing a window after a
# state change is cheap, while a wide one keeps the later stages fed.
WINDOW = 16
_READ = 1 << 16


class TaggerFailed(Exception):
    """The tagger exited: nothing more can be tagged."""


class _Tagger:
    def __init__(self, argv: list[str]) -> None:
        # In this process's group: whoever kills the group kills the taggers too.
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin.fileno()
        self.stdout = self.proc.stdout.fileno()
        os.set_blocking(self.stdin, False)
        os.set_blocking(self.stdout, False)

    def kill(self) -> None:
        """Kill without waiting; ``reaped`` collects the process later."""
        with contextlib.suppress(OSError):
            self.proc.kill()
        for f in (self.proc.stdin, self.proc.stdout):
            if f is not None:
                f.close()

    def reaped(self) -> bool:
        return self.proc.poll() is not None


def _write_some(fd: int, data: bytearray) -> int:
    try:
        return os.write(fd, data[:_READ])
    except BlockingIOError:
        return 0


def run(argv: list[str], source: int = 0, sink: int = 1, report: int = 2) -> None:
    """Tag every record from ``source`` onto ``sink`` until ``source`` ends."""
    _Filter(argv, source, sink, report).run()


class _Filter:
    """The records on their way: read from the source, in the tagger, and out to the sink."""

    def __init__(self, argv: list[str], source: int, sink: int, report: int) -> None:
        self.argv, self.source, self.sink, self.report = argv, source, sink, report
        self.tagger, self.spare = _Tagger(argv), _Tagger(argv)
        self.dying: list[_Tagger] = []
        os.set_blocking(sink, False)
        self.partial = bytearray()  # the start of a record not yet complete on source
        self.analysed: dict[int, bytes] = {}  # by segment number, until its output is accepted
        self.received = 0  # segments read from source
        self.next_up = 0  # the next segment to send to the tagger
        self.inflight: deque[int] = deque()  # segments sent to the current tagger, oldest first
        self.to_tagger, self.from_tagger, self.to_sink = bytearray(), bytearray(), bytearray()
        self.dirty = False  # has the current tagger changed its open class?
        self.ended = False

    def run(self) -> None:
        try:
            while self._step():
                pass
        finally:
            for t in (self.tagger, self.spare, *self.dying):
                t.kill()
                t.proc.wait()

    def _step(self) -> bool:
        """Move whatever can move; False once the source ended and every record went out."""
        while self.next_up < self.received and len(self.inflight) < WINDOW:
            self.to_tagger += self.analysed[self.next_up] + b"\0"
            self.inflight.append(self.next_up)
            self.next_up += 1
        tagger, source, sink = self.tagger, self.source, self.sink
        readable = ([tagger.stdout] if self.inflight else []) + ([] if self.ended else [source])
        writable = ([tagger.stdin] if self.to_tagger else []) + ([sink] if self.to_sink else [])
        if not readable and not writable:
            return False
        ready_r, ready_w, _ = select.select(readable, writable, [])
        if source in ready_r:
            self._receive(os.read(source, _READ))
        if tagger.stdin in ready_w:
            del self.to_tagger[: _write_some(tagger.stdin, self.to_tagger)]
        if tagger.stdout in ready_r:
            self._tagged(os.read(tagger.stdout, _READ))
        if self.to_sink:
            # At once, not after another select: a pipe with room takes it now (a full one
            # takes nothing, and the next select waits for room). Half the wake-ups per record.
            del self.to_sink[: _write_some(sink, self.to_sink)]
        return True

    def _receive(self, chunk: bytes) -> None:
        """Records from the source, each cut into its segments."""
        self.ended = not chunk
        *records, rest = (bytes(self.partial) + chunk).split(b"\0")
        self.partial = bytearray(rest)
        for raw in records:
            segments = raw.split(CUT)
            if len(segments) > 1:
                segments.pop()  # what follows the last CUT: nothing
            for segment in segments:
                self.analysed[self.received] = PRONOUN_I_AS_NUMERAL.sub(b"^I/", segment)
                self.received += 1

    def _tagged(self, chunk: bytes) -> None:
        """Outputs from the tagger: each passed on, unless a changed tagger made it."""
        if not chunk:
            raise TaggerFailed("apertium-tagger exited unexpectedly")
        self.from_tagger += chunk
        while self.inflight and (end := self.from_tagger.find(b"\0")) >= 0:
            record = bytes(self.from_tagger[:end])
            del self.from_tagger[: end + 1]
            index = self.inflight.popleft()
            changed = OPEN_CLASS_CHANGED in record
            if self.dirty and (changed or b"/*" in self.analysed[index]):
                # A changed tagger met a word whose tagging depends on the change (an unknown
                # word, or one of an unseen class): a pristine tagger redoes this record and
                # everything sent after it.
                self._replace_tagger(index)
                return
            self.to_sink += TAGGER_MESSAGE.sub(b"", record) + b"\0"
            del self.analysed[index]
            self.dirty = self.dirty or changed

    def _replace_tagger(self, index: int) -> None:
        self.tagger.kill()
        self.dying = [t for t in self.dying if not t.reaped()] + [self.tagger]
        self.tagger, self.spare = self.spare, _Tagger(self.argv)
        os.write(self.report, b"restart\n")
        self.dirty, self.next_up = False, index
        self.inflight.clear()
        self.to_tagger.clear()
        self.from_tagger.clear()


def main() -> int:
    try:
        run(sys.argv[1:])
    except (TaggerFailed, OSError) as exc:
        os.write(2, f"{exc}\n".encode())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
