"""The policy pack entry point: builds the PolicyPack (which serves the engine and never returns)."""

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import ALL_RULES
from rules.pulumi_adapter import to_policy

PolicyPack(
    name="hybrid-integration",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[to_policy(rule) for rule in ALL_RULES],
    description="Guardrails for the hybrid integration blueprint: residency, encryption, dead-letter paths, "
                "tags and protection. Pass policies/config/<env>.json with --policy-pack-config.",
)
