"""Which of the pack's rules an audit runs, and running them over what was read.

An audit reads the properties its concerns need (readers in aws.py and azure.py), not every input a plan
carries, so it runs the rules that judge exactly those properties, unchanged, through the same evaluator
`hybrid check` uses, with the environment's own policy config (tier, levels, exemptions, secondary region,
accounts). The other rules judge inputs the live read leaves out (tags' full set, protection, alarms) and
are listed in the report as not assessed rather than judged on half a state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from policies.rules import ALL_RULES, RULES_BY_ID
from policies.rules.evaluate import Verdict, evaluate
from policies.rules.framework import Rule

AUDITED_RULES: tuple[str, ...] = (
    "gateway-route-authorization",  # routes reachable without authorization
    "gateway-stage-throttling",  # stages without throttling
    "gateway-access-logging",  # stages without access logs
    "gateway-tls-minimum",  # custom domains (and API Management) below TLS 1.2
    "resource-policy-not-public",  # queues, topics, buckets, secrets, APIs open to "*"
    "resource-policy-cross-account",  # ... or to another account
    "no-open-ingress",  # security groups and NSGs open to the world
    "secrets-replicated",  # secrets without a replica in the secondary region
    "broker-not-public",  # brokers reachable from the internet (Amazon MQ, MSK, Premium namespaces)
)


def audited_rules() -> list[Rule]:
    return [RULES_BY_ID[rule_id] for rule_id in AUDITED_RULES]


def not_assessed() -> list[str]:
    """The pack's rules an audit does not run (they judge inputs the live read does not collect)."""
    return [rule.id for rule in ALL_RULES if rule.id not in AUDITED_RULES]


def assess(document: dict[str, Any], policy_config: dict[str, Any], today: date | None = None) -> list[Verdict]:
    """The audited rules' verdicts over an audit's document, as `hybrid check` would give them."""
    from ..checker.sources import resources_of

    return evaluate(resources_of(document), audited_rules(), policy_config, today)
