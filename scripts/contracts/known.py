"""What a plan's resources are known by: a plan records no outputs, so ask the planner's mocks again.

The mocks are deterministic functions of (type, name, urn, inputs, provider inputs), so this gives the very
values the program's dependants received while it ran. Real exports and previews carry their own outputs.
"""

from __future__ import annotations

from typing import Any


def planned_outputs(state: dict[str, Any], provider: dict[str, Any] | None) -> dict[str, Any]:
    from ..planner.outputs import mock_outputs

    inputs = state.get("inputs") or {}
    urn = state["urn"]
    try:
        _, extra = mock_outputs(state.get("type") or "", urn.split("::")[-1], urn, inputs,
                                (provider or {}).get("inputs") or {})
    except (AttributeError, KeyError, TypeError, ValueError):  # a state the mocks cannot shape: judge it by id and inputs
        return {}
    return {**inputs, **extra}
