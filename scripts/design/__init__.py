"""Design checks: whether the spec's integration design meets its own objectives (practices 1.1, 1.2, 1.3,
1.5, 8.2). Each check is a pure function of a validated spec yielding warnings with reasons and numbers;
`hybrid validate` prints them after the errors. Contradictions are spec errors instead (components/spec)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from .availability import check_chain_availability
from .boundary import check_boundary_formats
from .fanout import check_point_to_point_fanout
from .latency import check_chain_latency
from .transactions import check_sync_transactions
from .warning import DesignWarning

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec

CHECKS: tuple[Callable[["EnvironmentSpec"], Iterable[DesignWarning]], ...] = (
    check_chain_availability, check_chain_latency, check_sync_transactions, check_point_to_point_fanout,
    check_boundary_formats)


def design_warnings(spec: "EnvironmentSpec") -> list[DesignWarning]:
    """Every design warning of the spec, check by check, in spec order within each."""
    return [warning for check in CHECKS for warning in check(spec)]


__all__ = ["CHECKS", "DesignWarning", "design_warnings"]
