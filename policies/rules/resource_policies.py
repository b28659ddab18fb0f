"""AWS resource types that take a resource policy, and the input that holds it (generated: coverage.json)."""

from __future__ import annotations

from .coverage import resource_policy_inputs

RESOURCE_POLICY_INPUTS: dict[str, str] = resource_policy_inputs()
