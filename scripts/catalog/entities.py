"""Backstage catalog entities for one environment (practice 7.5: dependencies in a service catalog).

One System per environment, in a Backstage namespace named after it (so dev, staging and prod can share one
catalog); Components for processing nodes and the gateways that serve APIs; APIs for each gateway API
version with its OpenAPI document; Resources for brokers, hybrid links, secrets and data entities (each owned
by its bounded context, practice 4.5). Owners and the on-call routing (practice 7.6) come from the spec, read through its typed models. API entities point at their
OpenAPI files with Backstage's `$text` substitution, so the catalog always serves the committed document.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from components.spec.brokers import InClusterBroker, MskBroker
from components.spec.cdc import audit_prefix, critical_entities

from .ownership import change_topic, stores

if TYPE_CHECKING:
    from components.spec.connectivity import LinkSpec
    from components.spec.environment import EnvironmentSpec
    from components.spec.brokers import BrokerSpec
    from components.spec.observability import Integration

API_VERSION = "backstage.io/v1alpha1"
ANNOTATION = "hybrid.integration/"
_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def entity_name(*parts: str) -> str:
    """A Backstage-valid name (at most 63 characters of letters, digits, '-', '_', '.')."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(p for p in parts if p)).strip("-_.")
    return name[:63].rstrip("-_.")


def name_problems(entity: dict[str, Any]) -> list[str]:
    """Backstage's own name and namespace rules, which its JSON schemas leave to code."""
    meta = entity["metadata"]
    problems = []
    if not _NAME.match(meta["name"]) or len(meta["name"]) > 63:
        problems.append(f"{entity['kind']} name {meta['name']!r} is not a valid Backstage name")
    if "namespace" in meta and (not _NAMESPACE.match(meta["namespace"]) or len(meta["namespace"]) > 63):
        problems.append(f"namespace {meta['namespace']!r} is not a valid Backstage namespace")
    return problems


def owner_ref(owner: str) -> str:
    """Owners are teams in the default namespace, shared by every environment."""
    return owner if ":" in owner else f"group:default/{entity_name(owner)}"


def _lifecycle(tier: str, deprecated: bool = False) -> str:
    if deprecated:
        return "deprecated"
    return {"production": "production", "staging": "experimental"}.get(tier, "experimental")


def _entity(kind: str, env: str, name: str, description: str, spec: dict[str, Any],
            annotations: dict[str, str] | None = None, tags: Iterable[str] = (),
            links: list[dict[str, str]] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": env, "description": description}
    if annotations:
        metadata["annotations"] = annotations
    tag_list = sorted({entity_name(t).lower() for t in tags if t})
    if tag_list:
        metadata["tags"] = tag_list
    if links:
        metadata["links"] = links
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def _ref(kind: str, env: str, name: str) -> str:
    return f"{kind}:{env}/{name}"


def oncall_annotations(spec: "EnvironmentSpec") -> dict[str, str]:
    """Which on-call targets each severity pages; endpoints are secrets and never written."""
    notes = {}
    for severity in ("critical", "warning"):
        names = [f"{t.kind}:{t.name}" for t in spec.observability.oncall if severity in t.severities]
        if names:
            notes[f"{ANNOTATION}oncall-{severity}"] = ", ".join(names)
    return notes


def broker_placement(spec: "EnvironmentSpec", broker: "BrokerSpec") -> str:
    """Where a broker runs: its region or Azure location, or the placement of its cluster."""
    if isinstance(broker, InClusterBroker):
        return next(c.placement for c in spec.clusters if c.name == broker.cluster)
    return broker.placement


def link_target(spec: "EnvironmentSpec", link: "LinkSpec") -> str:
    """The cloud end of a hybrid link: its AWS region, or the environment's Azure location."""
    if link.cloud == "azure":
        return spec.regions.azure.location if spec.regions.azure else "azure"
    return str(link.region)


def link_summary(spec: "EnvironmentSpec", link: "LinkSpec") -> str:
    backup = " with an IPsec VPN backup" if link.vpn_backup else ""
    return (f"{link.transport} link from on-prem site {link.site} to {link.cloud.upper() if link.cloud == 'aws' else 'Azure'} "
            f"{link_target(spec, link)}{backup}")


def observed_only(spec: "EnvironmentSpec") -> list["Integration"]:
    """Observed integrations that no processing node of this spec runs (e.g. consumers in Azure)."""
    nodes = {n.name for n in spec.processing.nodes}
    return [i for i in spec.observability.integrations if i.name not in nodes]


def api_entity_name(api: Any, version: Any) -> str:
    return entity_name(api.name, version.version)


def text_ref(document: Path, folder: Path) -> dict[str, str]:
    """Backstage's `$text` substitution: the catalog reads the OpenAPI file itself, relative to the entity file."""
    return {"$text": Path(os.path.relpath(document, folder)).as_posix()}


def build(spec: "EnvironmentSpec", root: Path, folder: Path | None = None) -> list[dict[str, Any]]:
    """Every entity of the environment, the System first.

    `folder` is where catalog-info.yaml is written (default <root>/catalog/<env>): API definitions point from
    there to the OpenAPI documents under `root`."""
    env = spec.name
    folder = folder if folder is not None else root / "catalog" / env
    tier = spec.tier.value
    system = _ref("system", env, env)
    entities = [_entity("System", env, env, f"The {env} integration platform ({tier}).",
                        {"owner": owner_ref(spec.owner), "type": "integration-platform"},
                        annotations={f"{ANNOTATION}tier": tier,
                                     f"{ANNOTATION}residency": spec.residency.zone,
                                     **oncall_annotations(spec)},
                        tags=[tier, spec.residency.zone])]
    broker_refs = {}
    for broker in spec.messaging.brokers:
        name = entity_name("broker", broker.name)
        broker_refs[broker.name] = _ref("resource", env, name)
        queues = [q.name for q in broker.queue_specs()]
        topics = [t.name for t in broker.topic_specs()]
        streams = [s.name for s in broker.stream_specs()]
        annotations = {f"{ANNOTATION}kind": broker.kind, f"{ANNOTATION}placement": broker_placement(spec, broker)}
        for standby in broker.copy_regions()[1:]:
            annotations[f"{ANNOTATION}standby"] = standby
        entities.append(_entity(
            "Resource", env, name, f"{broker.kind} broker {broker.name}: queues {', '.join(queues) or 'none'}; "
            f"topics {', '.join(topics) or 'none'}; streams {', '.join(streams) or 'none'}.",
            {"type": "message-broker", "owner": owner_ref(broker.owner), "system": system},
            annotations=annotations, tags=[broker.kind]))
    secret_refs = {}
    for secret in spec.secrets.secrets:
        name = entity_name("secret", secret.name)
        secret_refs[secret.name] = _ref("resource", env, name)
        entities.append(_entity("Resource", env, name, secret.description,
                                {"type": "secret", "owner": owner_ref(secret.owner), "system": system},
                                annotations={f"{ANNOTATION}replicated": str(secret.replicate).lower()}))
    for link in spec.connectivity.links:
        entities.append(_entity("Resource", env, entity_name("link", link.name), link_summary(spec, link) + ".",
                                {"type": "network-link", "owner": owner_ref(spec.owner), "system": system},
                                annotations={f"{ANNOTATION}site": link.site,
                                             f"{ANNOTATION}placement": link_target(spec, link)},
                                tags=[link.transport, link.cloud]))
    for api in spec.gateways.apis:
        provided = []
        for version in api.versions:
            name = api_entity_name(api, version)
            provided.append(_ref("api", env, name))
            deprecated = version.deprecation is not None
            entities.append(_entity(
                "API", env, name, f"{api.name} {version.version} ({api.audience}) at https://{api.domain.name}/"
                f"{version.version}", {"type": "openapi", "lifecycle": _lifecycle(tier, deprecated),
                                       "owner": owner_ref(api.owner), "system": system,
                                       "definition": text_ref(root / api.file_of(version), folder)},
                annotations={f"{ANNOTATION}openapi-file": api.file_of(version)},
                tags=[api.audience, version.version]))
        entities.append(_entity("Component", env, entity_name("gateway", api.name),
                                f"API gateway serving {api.name} in {', '.join(api.clouds)} ({api.region}).",
                                {"type": "api-gateway", "lifecycle": _lifecycle(tier), "owner": owner_ref(api.owner),
                                 "system": system, "providesApis": provided},
                                annotations={f"{ANNOTATION}placement": api.region}, tags=list(api.clouds)))
    slos = {i.name: i for i in spec.observability.integrations}

    def synced(workload: str) -> list[str]:
        return [secret_refs[s.name] for s in spec.secrets.secrets if any(w.workload == workload for w in s.sync)]

    for node in spec.processing.nodes:
        depends = [broker_refs[r.broker] for r in [*node.consumes, *node.publishes] if r.broker in broker_refs]
        depends += synced(node.name)
        annotations = {f"{ANNOTATION}placement": node.region, f"{ANNOTATION}cluster": node.cluster,
                       f"{ANNOTATION}consumes": ", ".join(f"{r.broker}/{r.queue}" for r in node.consumes)}
        if node.name in slos:
            annotations[f"{ANNOTATION}slos"] = ", ".join(sorted(slos[node.name].slos.declared()))
        entities.append(_entity("Component", env, entity_name("node", node.name),
                                f"Processing node {node.name} on cluster {node.cluster} in {node.region}.",
                                {"type": "service", "lifecycle": _lifecycle(tier), "owner": owner_ref(node.owner),
                                 "system": system, "dependsOn": sorted(set(depends))},
                                annotations=annotations))
    for integration in observed_only(spec):
        depends = [broker_refs[integration.broker]] if integration.broker in broker_refs else []
        depends += synced(integration.name)
        component_spec: dict[str, Any] = {"type": "integration", "lifecycle": _lifecycle(tier),
                                          "owner": owner_ref(integration.owner), "system": system}
        if depends:
            component_spec["dependsOn"] = sorted(set(depends))
        entities.append(_entity("Component", env, entity_name("integration", integration.name),
                                f"Integration {integration.name} in {integration.region}, observed against its SLOs "
                                f"({', '.join(sorted(integration.slos.declared()))}); no processing node of this "
                                f"environment runs it.", component_spec,
                                annotations={f"{ANNOTATION}placement": integration.region}))
    entities += data_entities(spec, system, broker_refs)
    entities += saga_entities(spec, broker_refs)
    entities.extend(cdc_entities(spec, system, broker_refs, secret_refs, tier))
    from .reference_data import reference_entities  # it builds on this module's helpers
    entities.extend(reference_entities(spec))
    from .caches import cache_entities  # a sibling module that reads this one's helpers
    entities += cache_entities(spec, broker_refs)
    return entities


def data_entities(spec: "EnvironmentSpec", system: str, broker_refs: dict[str, str]) -> list[dict[str, Any]]:
    """One Resource per data entity (practice 4.5), owned by its source-of-truth context; it depends on the
    brokers carrying its changes and holding its stores."""
    out = []
    for entity in spec.data.entities:
        brokers = {s.broker for s in entity.stores} | ({entity.change_topic.broker} if entity.change_topic else set())
        annotations = {f"{ANNOTATION}source-of-truth": entity.owner,
                       f"{ANNOTATION}consumers": ", ".join(entity.consumers) or "none",
                       f"{ANNOTATION}critical": str(entity.critical).lower()}
        if entity.change_topic:
            annotations[f"{ANNOTATION}change-topic"] = change_topic(entity)
        if stores(spec, entity):
            annotations[f"{ANNOTATION}stores"] = stores(spec, entity)
        consumers = f"consumed by {', '.join(entity.consumers)}" if entity.consumers else "no other context consumes it"
        resource: dict[str, Any] = {"type": "data-entity", "owner": owner_ref(entity.owner), "system": system}
        depends = sorted(broker_refs[b] for b in brokers if b in broker_refs)
        depends += [_ref("resource", spec.name, entity_name("reference", t.name))
                    for t in spec.data.reference if t.entity == entity.name]
        if depends:
            resource["dependsOn"] = depends
        out.append(_entity("Resource", spec.name, entity_name("entity", entity.name),
                           f"Entity {entity.name}: {entity.owner} is its source of truth and alone writes it; "
                           f"{consumers} (read and subscribe only).", resource,
                           annotations=annotations, tags=["critical"] if entity.critical else []))
    return out


def saga_entities(spec: "EnvironmentSpec", broker_refs: dict[str, str]) -> list[dict[str, Any]]:
    """Each saga (practice 4.1) as a component depending on its step brokers and the nodes answering its steps."""
    from components.spec.sagas import saga_consumers

    env, out = spec.name, []
    for saga in spec.data.sagas:
        depends = {broker_refs[r.broker] for r in saga.queues() if r.broker in broker_refs}
        depends |= {_ref("component", env, entity_name("node", n)) for n in saga_consumers(spec, saga)}
        steps = [f"{s.name} ({'pivot' if s.pivot else 'retriable' if s.retriable else 'compensated'})"
                 for s in saga.steps]
        out.append(_entity("Component", env, entity_name("saga", saga.name),
                           f"Saga {saga.name}: {saga.description or 'a distributed transaction'}; steps "
                           f"{', '.join(steps)}.",
                           {"type": "saga", "lifecycle": _lifecycle(spec.tier.value), "owner": owner_ref(saga.owner),
                            "system": _ref("system", env, env), "dependsOn": sorted(depends)},
                           annotations={f"{ANNOTATION}placement": saga.region,
                                        f"{ANNOTATION}engine": "aws-step-functions-standard"}))
    return out


def cdc_entities(spec: "EnvironmentSpec", system: str, broker_refs: dict[str, str], secret_refs: dict[str, str],
                 tier: str) -> list[dict[str, Any]]:
    """One Component per CDC source (practice 4.2): the connector, the database it reads, the broker it writes."""
    env = spec.name
    brokers = {b.name: b for b in spec.messaging.brokers}
    out = []
    for source in spec.data.cdc.sources:
        runtime = "msk-connect" if isinstance(brokers.get(source.broker), MskBroker) else "strimzi"
        depends = [broker_refs[source.broker]] if source.broker in broker_refs else []
        if source.login and source.login in secret_refs:
            depends.append(secret_refs[source.login])
        annotations = {f"{ANNOTATION}database": source.address, f"{ANNOTATION}runtime": runtime,
                       f"{ANNOTATION}tables": ", ".join(t.name for t in source.tables),
                       f"{ANNOTATION}topic-prefix": source.prefix}
        if source.site:
            annotations[f"{ANNOTATION}site"] = source.site
        audited = source.entity_topics(critical_entities(spec))
        if audited:
            # Critical entities' changes also reach the object-locked audit bucket, each under its own prefix.
            annotations[f"{ANNOTATION}audit-prefixes"] = ", ".join(audit_prefix(source, e) for e in sorted(audited))
        out.append(_entity("Component", env, entity_name("cdc", source.name),
                           f"Debezium change data capture of {source.engine} database {source.database} on "
                           f"{source.host}, publishing to broker {source.broker} ({runtime}).",
                           {"type": "cdc-connector", "lifecycle": _lifecycle(tier), "owner": owner_ref(source.owner),
                            "system": system, "dependsOn": sorted(depends)},
                           annotations=annotations, tags=[source.engine, runtime]))
    return out
