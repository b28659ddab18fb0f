"""Writes policies/config/<env>.json: what the rules know about an environment, in the format
`pulumi preview/up --policy-pack-config` takes. Rules learn tier, regions and exemptions only from here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.alerting import alert_topic_suffix
from components.naming import (cdc_audit_role_name, cdc_role_name, msk_cluster_name, node_role_name, node_scaler_role_name,
                               queue_physical_name, reference_table_name, saga_role_name, topic_physical_name)
from components.provider_facts import cluster_provider_name, platform_tags
from components.spec import EnvironmentSpec, SpecIssue
from components.spec.brokers import MskBroker, SqsSnsBroker
from components.spec.cdc import critical_entities
from components.spec.ownership import ownership_map
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
        "ownership": ownership_facts(spec),
    }


def ownership_facts(spec: EnvironmentSpec) -> dict[str, Any]:
    """data-ownership-non-owner-write: each entity's owner, its stores and change topic as the ARNs IAM grants
    name (every regional copy; `*` where the name holds a generated part), and each context's roles.

    Only stores that IAM policies can grant are listed (SQS queues with their DLQs, SNS topics, MSK topics,
    reference tables);
    Service Bus, Event Hubs and in-cluster brokers grant through their own models, which the stack gives no
    other context (docs/ownership.md)."""
    entities: dict[str, Any] = {}
    for entity in ownership_map(spec).entities:
        topics = _arns(spec, entity.change_topic.broker, "topic", entity.change_topic.topic) if entity.change_topic else []
        stores = [arn for store in entity.stores for arn in _arns(spec, store.broker, store.kind, store.item)]
        # A reference table (data.reference, a DynamoDB global table) holds its entity in every replica region.
        stores += [f"arn:aws:dynamodb:{region}:{spec.accounts.aws.account_id}:table/"
                   f"{reference_table_name(spec.name, table.name)}"
                   for table in spec.data.reference if table.entity == entity.name
                   for region in table.replica_regions(spec)]
        entities[entity.name] = {"owner": entity.owner, "consumers": list(entity.consumers),
                                 "stores": stores, "topics": topics}
    return {"entities": entities, "contextRoles": context_roles(spec)}


def context_roles(spec: EnvironmentSpec) -> dict[str, list[str]]:
    """The IAM roles each bounded context's workloads assume: nodes (and their scalers), sagas, CDC connectors
    and their audit sinks."""
    roles: dict[str, set[str]] = {}
    for node in spec.processing.nodes:
        roles.setdefault(node.owner, set()).update({node_role_name(spec.name, node.name),
                                                    node_scaler_role_name(spec.name, node.name)})
    for saga in spec.data.sagas:
        roles.setdefault(saga.owner, set()).add(saga_role_name(spec.name, saga.name))
    kinds = {b.name: b for b in spec.messaging.brokers}
    critical = critical_entities(spec)
    for source in spec.data.cdc.sources:
        audited = sorted(source.entity_topics(critical)) if source.audit_sink else []
        if isinstance(kinds.get(source.broker), MskBroker):
            roles.setdefault(source.owner, set()).add(cdc_role_name(spec.name, source.name))
            roles[source.owner].update(cdc_audit_role_name(spec.name, source.name, entity) for entity in audited)
        elif audited:
            roles.setdefault(source.owner, set()).add(cdc_audit_role_name(spec.name, source.name))
    return {context: sorted(names) for context, names in sorted(roles.items())}


def _arns(spec: EnvironmentSpec, broker_name: str, kind: str, item: str) -> list[str]:
    broker = next((b for b in spec.messaging.brokers if b.name == broker_name), None)
    account = spec.accounts.aws.account_id
    if isinstance(broker, SqsSnsBroker):
        if kind == "queue":
            queue = next(q for q in broker.queues if q.name == item)
            names = [("sqs", queue_physical_name(spec.name, broker.name, item, queue.fifo, dead)) for dead in (False, True)]
        else:
            topic = next(t for t in broker.topics if t.name == item)
            names = [("sns", topic_physical_name(spec.name, broker.name, item, topic.fifo))]
        return [f"arn:aws:{service}:{region}:{account}:{name}" for region in broker.copy_regions()
                for service, name in names]
    if isinstance(broker, MskBroker) and kind in ("stream", "topic"):
        # MSK topic ARNs carry the cluster's generated UUID: arn:aws:kafka:<region>:<account>:topic/<cluster>/<uuid>/<topic>.
        return [f"arn:aws:kafka:{region}:{account}:topic/{msk_cluster_name(spec.name, broker.name)}/*/{item}"
                for region in broker.copy_regions()]
    return []


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
