"""Observability: escalation topics, SLO alarms, dashboards, rollback switches and protected log groups."""

from .log_group import protected_log_group

__all__ = ["protected_log_group"]
