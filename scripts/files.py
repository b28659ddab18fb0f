"""Every file the tool writes goes through here: checked before the work starts, written atomically.

A write goes to a temporary file in the target's own folder, is flushed to disk and renamed over the
target, so a full disk, a kill or a crash mid-write leaves the previous file whole, never half of a new
one. Targets that are not regular files (/dev/stdout, a named pipe) cannot be renamed over and are
written directly. Every failure is a `WriteError` naming the file and the reason, for an exit 2.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class WriteError(Exception):
    """The file cannot be written; the message names it and says why."""


def check_writable(path: Path, *, create_parent: bool = False) -> None:
    """Refuse, before any work, a target that can never be written: a directory, a folder that is a file
    or (unless `create_parent`, for the tool's own default folders) a missing folder."""
    if path.is_dir():
        raise WriteError(f"{path} is a directory; expected a file path")
    parent = path.parent
    for folder in (parent, *parent.parents):
        if folder.exists():
            if not folder.is_dir():
                raise WriteError(f"{folder} is a file, so {path} cannot be written inside it; expected a folder")
            break
    if not parent.exists() and not create_parent:
        raise WriteError(f"folder {parent} does not exist; create it first or choose another path")
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK) and not path.exists():
        raise WriteError(f"folder {parent} is not writable")


def _complete_beside(path: Path, text: str, mode: int) -> str:
    """A temporary file in `path`'s folder holding all of `text`, on disk, with `mode`: ready to be renamed or
    linked into place (the same folder, so the same file system)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` all at once: the old content stays until the new one is complete."""
    check_writable(path, create_parent=True)
    try:
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            with path.open("w", encoding="utf-8") as stream:  # a device or pipe: nothing to rename over
                stream.write(text)
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
        temporary = _complete_beside(path, text, mode)
        try:
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def create_atomic(path: Path, text: str) -> Path:
    """Write a new file all at once, refusing (WriteError) when `path` already exists, even if it appears
    between the check and the write: the complete file is linked into place, which never replaces one."""
    if path.exists() or path.is_symlink():
        raise WriteError(f"{path} already exists; refusing to overwrite it")
    check_writable(path, create_parent=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = _complete_beside(path, text, 0o666 & ~_umask())
        try:
            os.link(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except FileExistsError:
        raise WriteError(f"{path} already exists; refusing to overwrite it") from None
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
