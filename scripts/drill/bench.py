"""`python -m scripts.drill.bench [--messages 300] [--json]`: drill duration and message throughput during
failover, on the synthetic plan against the local target (moto's server). Reported, never asserted."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from components.spec.failover import FailoverSpec

from .inventory import read_inventory
from .runner import Drill, DrillConfig
from .session import LOCAL_POLLING, local_target
from .synthetic import synthetic_export


def measure(messages: int, fifo: bool) -> dict:
    inventory = read_inventory(synthetic_export(fifo=fifo), "eu-west-1", "eu-central-1", promote=["token"])
    config = DrillConfig(env="bench", target="local", inventory=inventory,
                         failover=FailoverSpec(rto_seconds=300, synthetic_messages=messages, poison_messages=3),
                         secondary_nodes=["bench"], polling=LOCAL_POLLING)
    with tempfile.TemporaryDirectory() as folder, local_target(inventory) as (clients, _):
        began = time.perf_counter()
        result = Drill(config, clients, Path(folder) / "state.json").run()
        seconds = time.perf_counter() - began
    return {"queue": "fifo" if fifo else "standard", "messages": messages, "passed": result.passed,
            "drill_seconds": round(seconds, 2), "failover_messages_per_second": round(result.failover_throughput, 1),
            "failback_seconds": result.failback_seconds and round(result.failback_seconds, 3),
            "api_calls": clients.calls}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.drill.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = [measure(args.messages, fifo) for fifo in (False, True)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(f"drill {row['queue']:>8}: {row['messages']} messages, {row['drill_seconds']:.2f} s, "
              f"{row['failover_messages_per_second']:.0f} msg/s during failover, failback {row['failback_seconds']} s, "
              f"{row['api_calls']} API calls, {'pass' if row['passed'] else 'FAIL'}")


if __name__ == "__main__":
    main()
