"""Emulated Route 53 failover answers, for targets without TestDNSAnswer or health evaluation (moto).

Route 53's rules for a failover pair (Route 53 developer guide, "Active-passive failover"): answer with
the primary while its health check is healthy; otherwise with the secondary if it is healthy; when both
are unhealthy, answer with the primary. A record without a health check counts as healthy. A disabled
health check counts as healthy; an inverted one reports the opposite of what its endpoint shows.

The emulator cannot probe endpoints, so it assumes every endpoint answers: the check's status is then
decided by its configuration alone (inverted means unhealthy). Every answer from here is labelled emulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class CheckConfig:
    inverted: bool = False
    disabled: bool = False
    endpoint_healthy: bool = True  # assumed: nothing to probe locally


def healthy(check: Optional[CheckConfig]) -> bool:
    if check is None or check.disabled:
        return True
    return check.endpoint_healthy != check.inverted


def failover_answer(primary: tuple[str, ...], secondary: tuple[str, ...],
                    primary_check: Optional[CheckConfig], secondary_check: Optional[CheckConfig]) -> tuple[str, ...]:
    if healthy(primary_check):
        return primary
    if healthy(secondary_check):
        return secondary
    return primary
