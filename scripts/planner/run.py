"""Run the real Pulumi program under the SDK's mock engine and return its plan (a stack export)."""

from __future__ import annotations

import runpy
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pulumi

from components.connectivity.psk import placeholder_keys
from components.observability.endpoints import placeholder_entries
from components.spec import load_environment
from scripts.project import Project, engine_config, load_project, stack_of_environment

from .export import to_export
from .fast_runtime import run_inline
from .outputs import mock_outputs
from .recorder import RecordingMonitor
from . import sdk


@dataclass
class Plan:
    env: str
    stack: str
    project: str
    export: dict[str, Any]
    seconds: float
    secret_digests: dict[str, dict[str, str]] = field(default_factory=dict)
    """URN -> flattened path -> keyed digest of each secret input; only when planned with a digest key."""

    @property
    def resources(self) -> list[dict[str, Any]]:
        return self.export["deployment"]["resources"]


def run_program(project: str, stack: str, config: dict[str, str], secret_keys: list[str],
                program: Callable[[], None], monitor: sdk.MockMonitor) -> None:
    """Configure the runtime afresh (so several plans can run in one process) and run `program` to quiescence.

    It runs on its own inline-RPC event loop without stack-trace capture (see fast_runtime: same plan, less work).
    """

    def body() -> None:
        program()
        sdk.register_stack_outputs_again()

    def start():  # runs with the plan's own loop current, so the root stack and its outputs bind to it
        sdk.reset_runtime(config, secret_keys)
        sdk.start_mocks(monitor, project, stack)
        return sdk.run_program(body)

    run_inline(start)


def program_inputs(root: Path, env: str, secret_values: dict[str, str] | None = None
                   ) -> tuple[Project, str, dict[str, str], list[str]]:
    """(project, stack, engine config, secret keys) for running `env`'s program; the benchmark shares it."""
    project = load_project(root)
    stack = stack_of_environment(project, env)
    spec = load_environment(project.environment_file(env), project.secret_keys)  # nothing runs from an invalid spec
    # Map-valued secrets get placeholders shaped like the real maps; injected test values win.
    config, secret_keys = engine_config(project, stack, {**placeholder_entries(spec.observability), **placeholder_keys(spec.connectivity),
                                                          **(secret_values or {})})
    return project, stack, config, secret_keys


def secret_digests(recording: Any, key: bytes) -> dict[str, dict[str, str]]:
    """Keyed digests of every secret input, so a diff can tell that a secret-marked value changed without
    seeing it. Kept beside the plan in memory, never in its file, which stays byte-for-byte deterministic."""
    from scripts.diff.values import keyed_digest, secret_leaves

    digests = {}
    for urn, registration in recording.resources.items():
        leaves = {path: keyed_digest(key, value) for path, value in secret_leaves(registration.inputs)}
        if leaves:
            digests[urn] = leaves
    return digests


def plan_environment(root: Path, env: str, secret_values: dict[str, str] | None = None,
                     digest_key: bytes | None = None) -> Plan:
    """Plan `env`: validate its spec, run __main__.py under recording mocks, return the export.

    `secret_values` lets tests inject known plaintexts through the same config path users set;
    `digest_key` (one diff run's key) adds keyed digests of the secret inputs to the result.
    """
    project, stack, config, secret_keys = program_inputs(root, env, secret_values)
    monitor = RecordingMonitor(project.name, stack, mock_outputs)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    started = time.perf_counter()
    run_program(project.name, stack, config, secret_keys,
                lambda: runpy.run_path(str(root / "__main__.py"), run_name="__main__"), monitor)
    export = to_export(monitor.recording, monitor.stack_urn)
    digests = secret_digests(monitor.recording, digest_key) if digest_key else {}
    return Plan(env=env, stack=stack, project=project.name, export=export, seconds=time.perf_counter() - started,
                secret_digests=digests)


__all__ = ["Plan", "plan_environment", "run_program", "pulumi"]
