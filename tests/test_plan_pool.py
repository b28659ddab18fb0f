"""The warm plan pool (scripts/planner/pool.py): outcomes in job order, exit codes and streams per child, another
checkout's own code for an argv job, a fresh interpreter when asked, and nothing left running after an error."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
import typer

from scripts.planner import pool


def _sleep_then(seconds: float, text: str, code: int = 0):
    def job() -> None:
        time.sleep(seconds)
        print(text)
        print(f"{text} on stderr", file=sys.stderr)
        if code:
            raise typer.Exit(code)
    return job


def test_outcomes_come_in_job_order_with_each_childs_code_and_streams():
    jobs = [pool.Job("slow", call=_sleep_then(0.4, "first", 1)), pool.Job("fast", call=_sleep_then(0.0, "second")),
            pool.Job("exits", call=lambda: sys.exit(3)), pool.Job("reads", call=lambda: print(input()[::-1]),
                                                                 stdin=b"olleh\n")]
    finished = []
    outcomes = pool.run_all(jobs, parallel=2, events=pool.Events(finished=lambda o: finished.append(o.job.name)))
    assert [o.job.name for o in outcomes] == ["slow", "fast", "exits", "reads"]
    assert finished[0] == "fast", "the short job finished first and is still reported second"
    assert [o.code for o in outcomes] == [1, 0, 3, 0]
    assert outcomes[0].stdout == "first\n" and outcomes[0].stderr == "first on stderr\n"
    assert outcomes[3].stdout == "hello\n"
    assert all(not o.fresh for o in outcomes)


def test_a_child_that_raises_reports_its_traceback_and_the_parent_carries_on():
    def broken() -> None:
        raise RuntimeError("boom")

    outcome, = pool.run_all([pool.Job("broken", call=broken)])
    assert outcome.code == pool.CRASHED and "RuntimeError: boom" in outcome.stderr


def _checkout(tmp_path: Path, marker: str) -> Path:
    """A stand-in checkout whose `hybrid` prints where its code came from."""
    project = tmp_path / marker
    (project / "scripts").mkdir(parents=True)
    (project / "scripts" / "__init__.py").write_text(f"MARK = {marker!r}\n")
    (project / "scripts" / "cli_main.py").write_text(
        "import sys, scripts\nprint(scripts.MARK, scripts.__file__, sys.argv[1:], sys.stdin.read().strip())\n"
        "sys.exit(1)\n")
    return project


@pytest.mark.parametrize("fresh", [False, True], ids=["forked", "fresh"])
def test_an_argv_job_runs_the_other_checkouts_own_code(tmp_path, fresh):
    project = _checkout(tmp_path, "base")
    outcome, = pool.run_all([pool.Job("base:dev", argv=("plan", "dev"), project=project, stdin=b"key\n",
                                      fresh=fresh)])
    assert outcome.code == 1 and outcome.fresh is fresh
    mark, path, rest = outcome.stdout.split(" ", 2)
    assert mark == "base" and Path(path) == project / "scripts" / "__init__.py", outcome.stderr
    assert rest.strip() == "['plan', 'dev'] key"
    import scripts

    assert not hasattr(scripts, "MARK") and "base" not in scripts.__file__, "this process keeps its own code"


def test_an_error_in_the_parent_stops_every_running_child(tmp_path):
    def interrupt_once_both_run() -> None:
        if len(list(tmp_path.glob("pid*"))) == 2:
            raise KeyboardInterrupt

    def long(i: int) -> None:
        (tmp_path / f"writing{i}").write_text(str(os.getpid()))
        (tmp_path / f"writing{i}").rename(tmp_path / f"pid{i}")  # whole, or not there yet
        time.sleep(60)

    jobs = [pool.Job(f"long{i}", call=lambda i=i: long(i)) for i in range(2)]
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        pool.run_all(jobs, parallel=2, events=pool.Events(tick=interrupt_once_both_run))
    assert time.monotonic() - began < 30
    pids = [int(pidfile.read_text()) for pidfile in tmp_path.glob("pid*")]
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
