"""The drill's persisted state: what it has changed on the target and not yet undone.

Written before each change and removed only after failback succeeds, so a run that was killed (or whose
failback failed) leaves a record the next run reads to repair the target before it drills again.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any, Optional, TextIO


class LockBusy(RuntimeError):
    """Another drill of the same environment and target holds the lock."""


class DrillLock:
    """An exclusive lock per environment and target (beside the state file). The OS releases it when the
    process ends, however it ends, so a killed drill never wedges the next one; a live one keeps others out."""

    def __init__(self, path: Path):
        self.path = path
        self._handle: Optional[TextIO] = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise LockBusy(f"another drill of this environment and target is running (pid {holder}; lock "
                           f"{self.path})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def state_path(reports: Path, env: str, target: str) -> Path:
    """One record per environment and target: a local run must never consume the repair record of an AWS run."""
    return reports / f".drill-{env}-{target}.state.json"


class DrillState:
    def __init__(self, path: Path):
        self.path = path
        self.data: dict[str, Any] = {}

    def load(self) -> Optional[dict[str, Any]]:
        if not self.path.exists():
            return None
        try:
            return json.loads(self.path.read_text())
        except ValueError:
            return {"phase": "unreadable"}  # still a half-failed run: repair everything

    def save(self, **changes: Any) -> None:
        self.data.update(changes)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.data, indent=2, sort_keys=True))
        os.replace(temporary, self.path)  # atomic: a kill never leaves half a file

    def add(self, key: str, item: str) -> None:
        items = list(self.data.get(key, []))
        if item not in items:
            self.save(**{key: items + [item]})

    def clear(self) -> None:
        self.data = {}
        self.path.unlink(missing_ok=True)
