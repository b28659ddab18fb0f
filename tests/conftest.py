"""Shared fixtures: each shipped environment is planned once per test session and asserted on many times."""

from __future__ import annotations

import copy
import dataclasses
import fcntl
import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from scripts.environments import known_environments

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = tuple(known_environments(ROOT))
"""Every environments/*.yaml of the project, discovered like every tool discovers them (one added is tested too)."""


@pytest.fixture(scope="session", autouse=True)
def pinned_policy_date() -> Iterator[None]:
    """Exemptions are judged on a fixed date, so no verdict in the suite depends on when it runs."""
    from policies.rules import clock

    from .rule_harness import TODAY

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "today", lambda: TODAY)
        yield


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def plans(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict[str, Any]:
    """env name -> Plan for every shipped environment, planned once per test session.

    Under xdist the first worker to get here plans and writes the plans beside the workers' temporary
    folders; the others wait on a lock and read them (the xdist-documented recipe), so two workers do
    not pay for the same plans twice.
    """
    from scripts.planner.run import Plan

    if worker_id == "master":
        return {env: Plan(**data) for env, data in plan_shipped().items()}
    shared = tmp_path_factory.getbasetemp().parent / "shipped-plans.json"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shared.exists():
            partial = shared.with_suffix(".tmp")
            partial.write_text(json.dumps(plan_shipped()))
            partial.replace(shared)
        return {env: Plan(**data) for env, data in json.loads(shared.read_text()).items()}


def plan_shipped() -> dict[str, Any]:
    """env -> Plan fields of every shipped environment, planned by the warm plan pool (as `hybrid plan --all`
    does: the provider SDKs imported once, one forked child per environment, in parallel)."""
    from scripts.planner import pool
    from scripts.planner.run import plan_environment

    def planned(env: str) -> None:
        print(json.dumps(dataclasses.asdict(plan_environment(ROOT, env))))

    pool.warm()
    outcomes = pool.run_all([pool.Job(env, call=lambda env=env: planned(env)) for env in SHIPPED])
    failed = [f"{o.job.name} (exit {o.code}):\n{o.stderr[-3000:]}" for o in outcomes if o.code != 0]
    assert not failed, "planning a shipped environment failed: " + "\n".join(failed)
    return {o.job.name: json.loads(o.stdout) for o in outcomes}


def by_type(plan_or_export: Any, type_: str) -> list[dict[str, Any]]:
    export = getattr(plan_or_export, "export", plan_or_export)
    return [r for r in export["deployment"]["resources"] if r["type"] == type_]


def by_name(plan_or_export: Any, name: str) -> dict[str, Any]:
    export = getattr(plan_or_export, "export", plan_or_export)
    matches = [r for r in export["deployment"]["resources"] if r["urn"].endswith(f"::{name}")]
    assert len(matches) == 1, f"expected one resource named {name}, found {[m['urn'] for m in matches]}"
    return matches[0]


def load_spec_data(env: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "environments" / f"{env}.yaml").read_text())


@pytest.fixture
def project_copy(tmp_path: Path) -> Iterator[Path]:
    """A throwaway copy of the project (spec, stacks, program, policies) for tests that edit files."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, target / name)
    for folder in ("environments", "stacks", "apis", "schemas", "functions"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, target / folder)
    (target / "policies" / "config").mkdir(parents=True)
    yield target


def write_env(project: Path, env: str, data: dict[str, Any]) -> Path:
    path = project / "environments" / f"{env}.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(data), sort_keys=False))
    return path
