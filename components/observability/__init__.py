"""Observability: escalation topics, SLO alarms, dashboards and rollback switches.

What other capabilities use of it: the rollback switches a node reads (`FlagSwitches`, `flags_read_policy`).
"""

from ..log_group import protected_log_group
from .rollback import FlagSwitches, flags_read_policy

__all__ = ["FlagSwitches", "flags_read_policy", "protected_log_group"]
