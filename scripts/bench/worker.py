"""One measurement in a fresh process: `python -m scripts.bench.worker MODE ROOT ENV` prints one JSON line.

A fresh process per measurement is what makes peak RSS (ru_maxrss, a high-water mark that never goes
down) mean "this run", and keeps one mode's warmed caches out of another's timings.

Modes:
  planner       the offline planner as `hybrid plan` runs it: recording monitor, export, policy verdicts,
                cloud contract checks (timed on their own too: contracts_seconds)
  planner-sdk   the same with the SDK's defaults (thread hop per RPC, stack-trace capture) left on
  stock         the same program under pulumi.runtime.set_mocks with plain Mocks (inputs echoed, computed
                outputs as the planner's mocks give them): no recording, export, verdicts or contracts
"""

from __future__ import annotations

import json
import resource
import runpy
import sys
import time
from pathlib import Path
from typing import Any

MODES = ("planner", "planner-sdk", "stock")


def _peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux (bytes on macOS); the bench runs on Linux CI runners and dev boxes.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _imports() -> None:
    """Everything both modes need before the program runs: the SDK, the planner, the program's modules."""
    import pulumi  # noqa: F401

    from scripts.checker.run import check_document  # noqa: F401
    from scripts.planner.run import plan_environment  # noqa: F401
    from scripts.planner.warm import warm_provider_modules

    warm_provider_modules()


def _planner(root: Path, env: str) -> tuple[int, tuple[float, float]]:
    """(resources, (wall, CPU) seconds the contract checks took)."""
    from components.spec import load_environment
    from scripts.checker.run import check_document
    from scripts.contracts import contract_findings
    from scripts.planner.run import plan_environment

    plan = plan_environment(root, env)
    spec = load_environment(root / "environments" / f"{env}.yaml")
    check_document(plan.export, spec)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    contract_findings(plan.export, spec)
    return len(plan.resources), (time.perf_counter() - started, _cpu_seconds() - cpu_started)


def _stock(root: Path, env: str) -> int:
    import pulumi

    from scripts.planner import sdk
    from scripts.planner.run import program_inputs

    from scripts.planner.outputs import mock_outputs

    class Echo(pulumi.runtime.Mocks):
        """The SDK's documented unit-test mocks: outputs are the inputs, plus the computed outputs (ARNs, ids)
        the planner's mocks give, since the program reads some of them (a secret's ARN) as strings."""

        count = 0

        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
            Echo.count += 1
            made_up, computed = mock_outputs(args.typ, args.name, f"urn:pulumi:bench::bench::{args.typ}::{args.name}",
                                             args.inputs, {})
            return made_up, {**args.inputs, **computed}

        def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
            return {}

    project, stack, config, secret_keys = program_inputs(root, env)
    sdk.reset_runtime(config, secret_keys)
    pulumi.runtime.set_mocks(Echo(), project=project.name, stack=stack, preview=False)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    sdk.sync_await_result(sdk.run_program(lambda: runpy.run_path(str(root / "__main__.py"), run_name="__main__")))
    return Echo.count + 1  # + the root stack, which the planner's count includes too


def measure(mode: str, root: Path, env: str) -> dict[str, Any]:
    started = time.perf_counter()
    _imports()
    imported, cpu_imported = time.perf_counter(), _cpu_seconds()
    if mode == "planner-sdk":
        from scripts.planner import fast_runtime

        fast_runtime.ENABLED = False
    resources, contracts = (_stock(root, env), None) if mode == "stock" else _planner(root, env)
    finished, cpu_finished = time.perf_counter(), _cpu_seconds()
    return {"mode": mode, "env": env, "resources": resources, "import_seconds": round(imported - started, 3),
            "contracts_seconds": None if contracts is None else round(contracts[0], 3),
            "contracts_cpu_seconds": None if contracts is None else round(contracts[1], 3),
            "plan_seconds": round(finished - imported, 3),
            "plan_cpu_seconds": round(cpu_finished - cpu_imported, 3), "peak_rss_mib": round(_peak_rss_mib(), 1)}


def main(argv: list[str]) -> None:
    mode, root, env = argv
    if mode not in MODES:
        raise SystemExit(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    print(json.dumps(measure(mode, Path(root).resolve(), env)))


if __name__ == "__main__":
    main(sys.argv[1:])
