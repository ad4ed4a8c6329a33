"""Processes under a process, read from /proc: what the benchmarks count a side's memory and
CPU time over (a server's or an engine's pipelines, which a wait() alone does not report)."""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the name (which may hold spaces and ')')."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """``root`` and its living descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of ``pid``, with those of its children it has reaped."""
    fields = _stat_fields(pid)
    return sum(int(f) for f in fields[11:15]) / _TICK if fields else 0.0


def parent_of(pid: int) -> int:
    """The parent's id of ``pid`` (0 once it is gone)."""
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else 0
