"""Where alarms go: one SNS topic per severity per AWS region (practice 7.6, escalation paths).

Names are derived here, once; components/observability creates the topics and action groups first and hands
every capability their outputs as AlertRoutes, so each alarm depends on the route it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pulumi

SEVERITIES = ("critical", "warning")


def alert_topic_suffix(severity: str) -> str:
    """What every alert topic (and Azure action group) of `severity` ends with, whatever the environment."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; expected one of {SEVERITIES}")
    return f"-alerts-{severity}"


def alert_topic_name(environment: str, severity: str) -> str:
    return f"{environment}{alert_topic_suffix(severity)}"


def alert_topic_arn(environment: str, account: str, region: str, severity: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{alert_topic_name(environment, severity)}"


@dataclass(frozen=True)
class AlertRoutes:
    """The alert topics and action groups as outputs of the resources that receive alerts.

    An alarm that names its topic through these outputs depends on the topic, so the engine creates the
    topic first; a rebuilt ARN string would leave the two unordered (Azure refuses an alert whose action
    group does not exist yet)."""

    topics: Mapping[str, Mapping[str, pulumi.Input[str]]] = field(default_factory=dict)
    """AWS region -> severity -> SNS topic ARN."""
    action_groups: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Severity -> Azure Monitor action group id (environments with an Azure location)."""

    def topic(self, region: str, severity: str) -> pulumi.Input[str]:
        try:
            return self.topics[region][severity]
        except KeyError:
            raise ValueError(f"no {severity} alert topic in region {region}; regions with topics: "
                             f"{', '.join(sorted(self.topics)) or 'none'}") from None

    def action_group(self, severity: str) -> pulumi.Input[str]:
        try:
            return self.action_groups[severity]
        except KeyError:
            raise ValueError(f"no {severity} Azure action group: the environment has no Azure location") from None
