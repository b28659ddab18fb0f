"""Build one component alone under the planner's mocks and look at what it registered.

Each test module here builds its component from a small args fixture (as data-safe-haven's
tests/infrastructure does), then asserts the children's inputs by type and name. The mocks are the
planner's own (real URNs, realistic ids and ARNs), so what passes here is what a plan records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pulumi
import pulumi_aws as aws

from scripts.planner.export import to_export
from scripts.planner.outputs import mock_outputs
from scripts.planner.recorder import RecordingMonitor
from scripts.planner.run import run_program

PROJECT, STACK = "hybrid", "unit"
ACCOUNT = "111122223333"


@dataclass
class Built:
    """What one component registered: the export's resources and the component object itself."""

    resources: list[dict[str, Any]]
    component: Any

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == type_]

    def named(self, name: str) -> dict[str, Any]:
        matches = [r for r in self.resources if r["urn"].endswith(f"::{name}")]
        assert len(matches) == 1, f"expected one resource named {name}, got {[r['urn'] for r in matches]}"
        return matches[0]

    def types(self) -> set[str]:
        return {r["type"] for r in self.resources}

    def children_of(self, component_type: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if f"::{component_type}$" in r["urn"]]


def build(program: Callable[[], Any], secrets: dict[str, str] | None = None) -> Built:
    """Run `program` (which creates providers and one component, and returns the component) under the mocks."""
    monitor = RecordingMonitor(PROJECT, STACK, mock_outputs)
    made: dict[str, Any] = {}
    run_program(PROJECT, STACK, {}, [], lambda: made.setdefault("component", program()), monitor)
    export = to_export(monitor.recording, monitor.stack_urn)
    return Built(export["deployment"]["resources"][1:], made.get("component"))


def aws_provider(region: str) -> aws.Provider:
    return aws.Provider(f"aws-{region}", region=region, allowed_account_ids=[ACCOUNT])


def secret(value: str) -> pulumi.Output[str]:
    return pulumi.Output.secret(value)


def assert_children_named_after(built: Built, component_type: str, name: str) -> None:
    """Children hang off the component and carry its name, so two instances never collide."""
    children = built.children_of(component_type)
    assert children, f"{component_type} registered no children"
    strays = [c["urn"] for c in children if not c["urn"].rsplit("::", 1)[1].startswith(name)]
    assert not strays, f"children not prefixed with {name!r}: {strays}"
