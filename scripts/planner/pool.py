"""A warm plan pool: import the provider SDKs once, then plan each environment (or diff side) in a forked child.

Importing the provider SDK modules a program touches costs seconds per process (docs/performance.md), and
`make plan` or `hybrid diff --all` used to pay it once per environment and side. Here the parent pays it
once (`warm`), then forks one child per job, so every child starts with the SDKs already imported; up to
one child per core runs at a time, and the results come back in the order the jobs were given, whatever
order they finish in.

A job either calls a function of the code this process already imported (the working tree's), or runs a
`hybrid` command line with another checkout's own code (a diff's base): the child forgets this process's
`components`, `scripts` and `policies` modules and imports that checkout's instead; only the libraries
(the Pulumi and provider SDKs, pydantic, ...) are shared. A job marked `fresh` runs in a new interpreter
instead, for a checkout whose requirements differ from the ones imported here.

Each child runs in its own process group with the stop signals at their defaults; `run_all` stops every
running child (its whole group) when it ends early, on an error or on an interrupt.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import io
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)
OWN_PACKAGES = ("components", "scripts", "policies")
"""The project's own top-level packages: a child running another checkout imports these from there."""
PR_SET_PDEATHSIG = 1  # prctl(2)
CRASHED = 70  # a child that died of an exception it did not handle (EX_SOFTWARE)

WARM_MODULES = ("scripts.environments", "scripts.policy_config", "scripts.planner.run", "scripts.planner.export",
                "scripts.planner.summary", "scripts.checker.run", "scripts.checker.report", "scripts.contracts",
                "scripts.contracts.report", "scripts.diff.values")
"""What a plan child needs besides the provider SDKs; imported once in the parent."""


def cores() -> int:
    """The cores this process may run on (the parallelism bound)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def warm() -> list[str]:
    """Import the planner and every provider SDK module the program uses, once, before any child is forked.

    Returns the provider modules loaded. Afterwards the collector's generations are frozen: the children
    never scan (or, by touching, copy) the parent's long-lived objects.
    """
    from .warm import warm_provider_modules

    for name in WARM_MODULES:
        importlib.import_module(name)
    loaded = warm_provider_modules()
    gc.collect()
    gc.freeze()
    return loaded


@dataclass(frozen=True)
class Job:
    """One unit of work for a child: `call` (this process's code) or `argv` (the `hybrid` command line of the
    checkout at `project`, with its own code)."""

    name: str
    call: Optional[Callable[[], None]] = None
    argv: Sequence[str] = ()
    project: Optional[Path] = None
    stdin: bytes = b""
    """Bytes the child reads on its standard input (a pipe filled before it starts; never on disk)."""
    fresh: bool = False
    """Run `argv` in a new interpreter rather than a forked child."""


@dataclass
class Outcome:
    job: Job
    code: int
    stdout: str
    stderr: str
    seconds: float
    fresh: bool = False


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)  # sys.exit("message") prints the message and exits 1, as the interpreter does
    return 1


def _forget_own_modules() -> None:
    for name in list(sys.modules):
        if name.split(".", 1)[0] in OWN_PACKAGES:
            del sys.modules[name]
    importlib.invalidate_caches()


def _run_command_line(project: Path, argv: Sequence[str]) -> int:
    """Run `python -m scripts.cli_main ARGV` of the checkout at `project`, in this (forked) process."""
    _forget_own_modules()
    os.chdir(project)
    sys.path[:] = [str(project)] + [p for p in sys.path if p not in ("", ".", str(project))]
    sys.argv = ["hybrid", *argv]
    try:
        runpy.run_module("scripts.cli_main", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        return _exit_code(stop.code)
    return 0


def _call(function: Callable[[], None]) -> int:
    try:
        function()
    except SystemExit as stop:
        return _exit_code(stop.code)
    except Exception as error:  # typer.Exit (click's Exit) carries the verb's exit code
        code = getattr(error, "exit_code", None)
        if isinstance(code, int):
            return code
        raise
    return 0


def _child(job: Job, stdin_fd: int, stdout_fd: int, stderr_fd: int) -> None:
    """The forked child: its own process group, default signals, its own standard streams; never returns."""
    code = CRASHED
    try:
        atexit._clear()  # the parent's exit handlers (temporary folders, ...) are the parent's to run
        _die_with_parent()
        from .. import console

        for shared in (console.out, console.err):
            shared.width = shared.width  # a terminal's width, read while the streams are still the parent's
        os.setpgid(0, 0)
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
        os.dup2(stdin_fd, 0)
        os.dup2(stdout_fd, 1)
        os.dup2(stderr_fd, 2)
        # Fresh stream objects on the redirected descriptors (a test runner may have swapped sys.stdout out).
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", write_through=True)
        from .. import progress

        progress.detach()
        if job.call is not None:
            code = _call(job.call)
        else:
            assert job.project is not None
            code = _run_command_line(job.project, job.argv)
    except BaseException:  # noqa: BLE001 - reported on the child's stderr, which the parent shows
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL when the parent dies (even by SIGKILL), so no plan outlives its command."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the next diff's sweep still removes the folders
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(CRASHED)


class _Running:
    """A started child: a forked process or a fresh interpreter, with its captured output."""

    def __init__(self, job: Job, scratch: Path):
        self.job = job
        self.started = time.perf_counter()
        self.stdout = tempfile.TemporaryFile(dir=scratch)
        self.stderr = tempfile.TemporaryFile(dir=scratch)
        self.process: Optional[subprocess.Popen] = None
        self.pid = 0
        self.code: Optional[int] = None
        reader, writer = os.pipe()
        try:
            # A short payload fits the pipe's buffer, so it is written before the child starts.
            os.write(writer, job.stdin)
            os.close(writer)
            if job.fresh:
                assert job.project is not None
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "scripts.cli_main", *job.argv], cwd=job.project, stdin=reader,
                    stdout=self.stdout, stderr=self.stderr, start_new_session=True,
                    env={**os.environ, "PYTHONPATH": str(job.project), "PYTHONDONTWRITEBYTECODE": "1"})
                self.pid = self.process.pid
            else:
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _child(job, reader, self.stdout.fileno(), self.stderr.fileno())
                self.pid = pid
                try:
                    os.setpgid(pid, pid)  # also set here, so a stop right after the fork reaches its group
                except (PermissionError, ProcessLookupError):
                    pass  # the child set it already (or has exited)
        finally:
            os.close(reader)

    def poll(self) -> Optional[int]:
        if self.code is not None:
            return self.code
        if self.process is not None:
            self.code = self.process.poll()
            return self.code
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.code = os.waitstatus_to_exitcode(status)
        return self.code

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM the child's process group, SIGKILL it if it lingers, and reap it."""
        for signum in (signal.SIGTERM, signal.SIGKILL):
            if self.poll() is not None:
                return
            try:
                os.killpg(self.pid, signum)
            except (ProcessLookupError, PermissionError):
                pass
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and self.poll() is None:
                time.sleep(0.02)

    def outcome(self) -> Outcome:
        texts = []
        for stream in (self.stdout, self.stderr):
            stream.seek(0)
            texts.append(stream.read().decode("utf-8", errors="replace"))
            stream.close()
        return Outcome(self.job, self.code if self.code is not None else CRASHED, texts[0], texts[1],
                       time.perf_counter() - self.started, self.job.fresh)


@dataclass
class Events:
    """What the caller hears while the pool runs (progress): a job started, a job finished, time passes."""

    started: Callable[[Job], None] = field(default=lambda job: None)
    finished: Callable[[Outcome], None] = field(default=lambda outcome: None)
    tick: Callable[[], None] = field(default=lambda: None)


def run_all(jobs: Sequence[Job], parallel: Optional[int] = None, events: Optional[Events] = None,
            scratch: Optional[Path] = None) -> list[Outcome]:
    """Run every job in a child, at most `parallel` (default: the core count) at a time; outcomes in job order.

    The children's captured output is kept under `scratch` (a temporary folder of its own by default)."""
    events = events or Events()
    limit = max(1, parallel or cores())
    pending = list(enumerate(jobs))
    running: dict[int, _Running] = {}
    outcomes: dict[int, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="hybrid-plan-pool-", dir=scratch) as folder:
        try:
            while pending or running:
                while pending and len(running) < limit:
                    index, job = pending.pop(0)
                    # No stop signal between the fork and its record: held until the child is known.
                    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
                    try:
                        running[index] = _Running(job, Path(folder))
                    finally:
                        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
                    events.started(job)
                done = [index for index, child in running.items() if child.poll() is not None]
                for index in done:
                    outcomes[index] = running.pop(index).outcome()
                    events.finished(outcomes[index])
                if not done:
                    events.tick()
                    time.sleep(0.02)
        finally:
            for child in running.values():
                child.stop()
                child.outcome()
    return [outcomes[index] for index in range(len(jobs))]
