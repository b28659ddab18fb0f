"""Writes policies/config/<env>.json: what the rules know about an environment, in the format
`pulumi preview/up --policy-pack-config` takes. Rules learn tier, regions and exemptions only from here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.alerting import alert_topic_suffix
from components.provider_facts import cluster_provider_name, platform_tags
from components.spec import EnvironmentSpec, SpecIssue
from components.spec.residency import ZONES, region_in_zone, ZONE_AWS_REGIONS, ZONE_AZURE_LOCATIONS
from policies.rules import ALL_RULES

from .files import write_atomic


def environment_facts(spec: EnvironmentSpec) -> dict[str, Any]:
    return {
        "allowedRegions": list(spec.residency.allowed_regions),
        "accounts": [spec.accounts.aws.account_id],
        "clusterRegions": {cluster_provider_name(c.name): c.placement for c in spec.clusters},
        "requiredTags": sorted(platform_tags(spec)),
        "secondaryRegion": spec.regions.aws.secondary.region if spec.regions.aws.secondary else None,
        "integrations": [i.name for i in spec.observability.integrations],
        "criticalAlertSuffix": alert_topic_suffix("critical"),
        "residencyZone": spec.residency.zone,
        "zoneRegions": zone_regions(spec),
    }


def zone_regions(spec: EnvironmentSpec) -> dict[str, list[str]]:
    """Per residency zone, its cloud regions and the environment's on-prem sites inside it (node-residency-zone)."""
    countries = spec.site_countries()
    sites = [f"onprem:{name}" for name in countries]
    return {zone: sorted(ZONE_AWS_REGIONS[zone] | ZONE_AZURE_LOCATIONS[zone]
                         | {s for s in sites if region_in_zone(s, zone, countries)}) for zone in sorted(ZONES)}


def policy_config(spec: EnvironmentSpec) -> dict[str, Any]:
    facts = environment_facts(spec)
    config: dict[str, Any] = {}
    for rule in ALL_RULES:
        entry: dict[str, Any] = {
            "enforcementLevel": spec.policy.enforcement.get(rule.id, rule.level_for(spec.tier.value)),
            "tier": spec.tier.value,
            "exemptions": [{"resource": e.resource, "justification": e.justification, "expires": e.expires.isoformat()}
                           for e in spec.policy.exemptions if e.rule == rule.id],
        }
        for key in rule.config_properties:
            entry[key] = facts[key]
        config[rule.id] = entry
    return config


def unknown_rule_issues(spec: EnvironmentSpec, source: str) -> list[SpecIssue]:
    """Spec references to rule ids that the pack does not have."""
    known = {rule.id for rule in ALL_RULES}
    issues = [SpecIssue(source, f"policy.enforcement.{rule_id}", f"unknown rule id; expected one of {', '.join(sorted(known))}")
              for rule_id in spec.policy.enforcement if rule_id not in known]
    issues += [SpecIssue(source, f"policy.exemptions[{i}].rule", f"unknown rule id {e.rule!r}; expected one of {', '.join(sorted(known))}")
               for i, e in enumerate(spec.policy.exemptions) if e.rule not in known]
    return issues


def write_policy_config(root: Path, spec: EnvironmentSpec) -> Path:
    """Raises WriteError (scripts.files) when the file cannot be written."""
    path = root / "policies" / "config" / f"{spec.name}.json"
    text = json.dumps(policy_config(spec), indent=2, sort_keys=True) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)
    return path
