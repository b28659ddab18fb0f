"""Run the real Pulumi program under the SDK's mock engine and return its plan (a stack export)."""

from __future__ import annotations

import runpy
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pulumi
from pulumi.runtime import mocks, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.spec import load_environment
from scripts.project import engine_config, load_project, stack_of_environment

from .export import to_export
from .outputs import mock_outputs
from .recorder import RecordingMonitor


@dataclass
class Plan:
    env: str
    stack: str
    project: str
    export: dict[str, Any]
    seconds: float

    @property
    def resources(self) -> list[dict[str, Any]]:
        return self.export["deployment"]["resources"]


def run_program(project: str, stack: str, config: dict[str, str], secret_keys: list[str],
                program: Callable[[], None], monitor: mocks.MockMonitor) -> None:
    """Configure the runtime afresh (so several plans can run in one process) and run `program` to quiescence."""
    set_all_config(config, secret_keys)
    settings.ROOT.set(None)
    mocks.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)

    def body() -> None:
        program()
        # set_mocks registers the root stack's (then empty) outputs at once; register them again now
        # that `pulumi.export` has filled them, as the real entry point does at the end of the program.
        root = settings.get_root_resource()
        root._outputs_registered = False
        root._finish()

    _sync_await(run_pulumi_func(body))


def plan_environment(root: Path, env: str, secret_values: dict[str, str] | None = None) -> Plan:
    """Plan `env`: validate its spec, run __main__.py under recording mocks, return the export.

    `secret_values` lets tests inject known plaintexts through the same config path users set.
    """
    project = load_project(root)
    stack = stack_of_environment(project, env)
    load_environment(project.environment_file(env), project.secret_keys)  # nothing runs from an invalid spec
    config, secret_keys = engine_config(project, stack, secret_values)
    monitor = RecordingMonitor(project.name, stack, mock_outputs)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    started = time.perf_counter()
    run_program(project.name, stack, config, secret_keys,
                lambda: runpy.run_path(str(root / "__main__.py"), run_name="__main__"), monitor)
    export = to_export(monitor.recording, monitor.stack_urn)
    return Plan(env=env, stack=stack, project=project.name, export=export, seconds=time.perf_counter() - started)


__all__ = ["Plan", "plan_environment", "run_program", "pulumi"]
