"""An interrupted `hybrid diff` leaves nothing behind.

SIGINT, SIGTERM and SIGHUP become an `Interrupted` exception, so the worktree and temporary folders are
removed by the same `finally` blocks as on any error, and the child plan processes (each in its own
process group, so a terminal's Ctrl-C does not reach them half-way) are stopped by the plan pool
(scripts/planner/pool.py), which also holds the signals while it forks one. A SIGKILL cannot be
caught: every temporary folder carries the owning process id, and the next run sweeps the worktrees and
folders whose owner is gone.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

BASE_PREFIX = "hybrid-diff-base-"
PLANS_PREFIX = "hybrid-diff-plans-"
SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


class Interrupted(Exception):
    """A signal asked the run to stop; `signum` says which (the exit code is 128 + signum)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block, the stop signals raise Interrupted (in the main thread; elsewhere nothing changes)."""

    def raise_interrupted(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    previous = {}
    try:
        for signum in SIGNALS:
            previous[signum] = signal.signal(signum, raise_interrupted)
    except ValueError:  # not the main thread: signals cannot be handled here
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def owned_prefix(prefix: str) -> str:
    return f"{prefix}{os.getpid()}-"


def _owner_gone(name: str, prefix: str) -> bool:
    pid = name[len(prefix):].split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def sweep(root: Path) -> list[Path]:
    """Remove the worktrees and temporary folders that killed runs left behind; returns what was removed."""
    removed: list[Path] = []
    listed = subprocess.run(["git", "-C", str(root), "worktree", "list", "--porcelain"], capture_output=True,
                            text=True)
    for line in listed.stdout.splitlines():
        if not line.startswith("worktree "):
            continue
        path = Path(line[len("worktree "):])
        if path.parent.name.startswith(BASE_PREFIX) and _owner_gone(path.parent.name, BASE_PREFIX):
            subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(path)], capture_output=True)
            removed.append(path)
    subprocess.run(["git", "-C", str(root), "worktree", "prune"], capture_output=True)
    temporary = Path(tempfile.gettempdir())
    for prefix in (BASE_PREFIX, PLANS_PREFIX):
        for folder in temporary.glob(f"{prefix}*"):
            if folder.is_dir() and _owner_gone(folder.name, prefix):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed
