"""Where alarms go: one SNS topic per severity per AWS region (practice 7.6, escalation paths).

Names and ARNs are derived, not looked up, so any capability can route its alarms to the right topic
without importing the component that creates the topics (components/observability builds them).
"""

from __future__ import annotations

SEVERITIES = ("critical", "warning")


def alert_topic_name(environment: str, severity: str) -> str:
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; expected one of {SEVERITIES}")
    return f"{environment}-alerts-{severity}"


def alert_topic_arn(environment: str, account: str, region: str, severity: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{alert_topic_name(environment, severity)}"
