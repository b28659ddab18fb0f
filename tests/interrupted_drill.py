"""A drill that signals itself at the start of a phase, run as a child process the test can lose to kill -9.

Children fork from a forkserver that imported this module (and so the drill, boto3 and the spec models)
once per test worker: each child starts in milliseconds instead of paying a fresh interpreter and its
imports, and it is still a real process of its own, so kill -9 and signal handling are those of a real run.
The forkserver process is single-threaded, so forking it is safe (the test process runs the stand-in's
server thread and must not fork itself).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import traceback
from pathlib import Path

from components.spec.failover import FailoverSpec
from scripts.drill.clients import Clients
from scripts.drill.inventory import read_inventory
from scripts.drill.runner import Drill, DrillConfig
from scripts.drill.synthetic import synthetic_export
from scripts.drill.traffic import Polling

SIGNALS = {"kill-9": signal.SIGKILL, "sigterm": signal.SIGTERM, "sigint": signal.SIGINT, "twice": signal.SIGINT}
MESSAGES = 24
"""Synthetic messages per interrupted run (with one poison message): enough for every phase to have work."""
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])


def _later(sig: int, delay: float) -> None:
    threading.Timer(delay, os.kill, (os.getpid(), sig)).start()


def _child(endpoint: str, state: str, phase: str, how: str, out: str) -> None:
    try:
        inventory = read_inventory(synthetic_export(fifo=True), "eu-west-1", "eu-central-1", promote=["token"])
        config = DrillConfig(env="synthetic", target="test", inventory=inventory,
                             failover=FailoverSpec(rto_seconds=120, synthetic_messages=MESSAGES, poison_messages=1),
                             secondary_nodes=["eks-b"], polling=Polling(0, 1, 60, visibility_seconds=2))

        def observer(event, record):
            if event == "start" and record.name == phase:
                _later(SIGNALS[how], 0.05)
            if event == "start" and record.name == "failback" and how == "twice":
                _later(signal.SIGTERM, 0.02)

        result = Drill(config, Clients(endpoint, ("drill-local", "drill-local")), Path(state), observer).run()
        # A signal that lands after the drill gave its handlers back must not kill the report on its way out.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        Path(out).write_text(json.dumps(result.as_json()))
    except BaseException:  # noqa: BLE001 - the test shows it; the exit code says it failed
        Path(out).with_suffix(".err").write_text(traceback.format_exc())
        raise


def run(endpoint: str, state: Path, phase: str, how: str, out: Path, timeout: float = 150) -> int:
    """Run the interrupted drill in a child process; its exit code (negative: the signal that killed it).

    The report is written to `out` (JSON), a traceback to `out` with suffix .err."""
    child = _CONTEXT.Process(target=_child, args=(endpoint, str(state), phase, how, str(out)), daemon=True)
    child.start()
    child.join(timeout)
    if child.exitcode is None:
        child.kill()
        child.join()
        raise TimeoutError(f"the interrupted drill ({phase}, {how}) did not finish in {timeout:.0f} s")
    return child.exitcode
