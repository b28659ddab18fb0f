"""Backstage catalog entities for one environment (practice 7.5: dependencies in a service catalog).

One System per environment, in a Backstage namespace named after it (so dev, staging and prod can share one
catalog); Components for processing nodes and the gateways that serve APIs; APIs for each gateway API
version with its OpenAPI document; Resources for brokers, hybrid links and secrets. Owners and the on-call
routing (practice 7.6) come from the spec. Spec sections that other capabilities add are read with
getattr and defaults, so the catalog grows as they land.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

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


def oncall_annotations(spec: Any) -> dict[str, str]:
    """Which on-call targets each severity pages; endpoints are secrets and never written."""
    observability = getattr(spec, "observability", None)
    targets = list(getattr(observability, "oncall", []) or [])
    notes = {}
    for severity in ("critical", "warning"):
        names = [f"{t.kind}:{t.name}" for t in targets if severity in getattr(t, "severities", [])]
        if names:
            notes[f"{ANNOTATION}oncall-{severity}"] = ", ".join(names)
    return notes


def _brokers(spec: Any) -> list[Any]:
    return list(getattr(getattr(spec, "messaging", None), "brokers", []) or [])


def _apis(spec: Any) -> list[Any]:
    return list(getattr(getattr(spec, "gateways", None), "apis", []) or [])


def _secrets(spec: Any) -> list[Any]:
    return list(getattr(getattr(spec, "secrets", None), "secrets", []) or [])


def _links(spec: Any) -> list[Any]:
    """Hybrid links, wherever the connectivity capability puts them."""
    for holder, field in (("connectivity", "links"), ("links", None), ("hybrid_links", None)):
        section = getattr(spec, holder, None)
        if section is None:
            continue
        items = getattr(section, field, None) if field else section
        if items:
            return list(items)
    return []


def _nodes(spec: Any) -> list[Any]:
    """Processing nodes: the `nodes` section when present, and the observed integrations."""
    nodes = getattr(spec, "nodes", None)
    nodes = list(getattr(nodes, "nodes", nodes) or [])
    integrations = list(getattr(getattr(spec, "observability", None), "integrations", []) or [])
    known = {getattr(n, "name", None) for n in nodes}
    return nodes + [i for i in integrations if i.name not in known]


def _placement(item: Any) -> str:
    for attr in ("region", "location", "cluster", "site"):
        value = getattr(item, attr, None)
        if value:
            return str(value)
    return ""


def api_entity_name(api: Any, version: Any) -> str:
    return entity_name(api.name, version.version)


def build(spec: Any, root: Path) -> list[dict[str, Any]]:
    """Every entity of the environment, the System first; OpenAPI documents read from `root`."""
    env = spec.name
    tier = getattr(spec.tier, "value", str(spec.tier))
    system = _ref("system", env, env)
    entities = [_entity("System", env, env, f"The {env} integration platform ({tier}).",
                        {"owner": owner_ref(spec.owner), "type": "integration-platform"},
                        annotations={f"{ANNOTATION}tier": tier,
                                     f"{ANNOTATION}residency": spec.residency.zone,
                                     **oncall_annotations(spec)},
                        tags=[tier, spec.residency.zone])]
    broker_refs = {}
    for broker in _brokers(spec):
        name = entity_name("broker", broker.name)
        broker_refs[broker.name] = _ref("resource", env, name)
        queues = [q.name for q in getattr(broker, "queues", [])]
        topics = [t.name for t in getattr(broker, "topics", [])]
        streams = [s.name for s in getattr(broker, "streams", []) or []]
        entities.append(_entity(
            "Resource", env, name, f"{broker.kind} broker {broker.name}: queues {', '.join(queues) or 'none'}; "
            f"topics {', '.join(topics) or 'none'}; streams {', '.join(streams) or 'none'}.",
            {"type": "message-broker", "owner": owner_ref(broker.owner), "system": system},
            annotations={f"{ANNOTATION}kind": str(broker.kind), f"{ANNOTATION}placement": _placement(broker)},
            tags=[str(broker.kind)]))
    secret_refs = {}
    for secret in _secrets(spec):
        name = entity_name("secret", secret.name)
        secret_refs[secret.name] = _ref("resource", env, name)
        entities.append(_entity("Resource", env, name, secret.description,
                                {"type": "secret", "owner": owner_ref(secret.owner), "system": system},
                                annotations={f"{ANNOTATION}replicated": str(bool(getattr(secret, "replicate", False))).lower()}))
    for link in _links(spec):
        name = entity_name("link", link.name)
        owner = getattr(link, "owner", None) or spec.owner
        kind = str(getattr(link, "kind", getattr(link, "type", "link")))
        entities.append(_entity("Resource", env, name,
                                f"{kind} link between site {getattr(link, 'site', '?')} and {_placement(link) or 'the cloud'}.",
                                {"type": "network-link", "owner": owner_ref(owner), "system": system},
                                tags=[kind]))
    for api in _apis(spec):
        provided = []
        for version in api.versions:
            name = api_entity_name(api, version)
            provided.append(_ref("api", env, name))
            document = root / api.file_of(version)
            definition = document.read_text(encoding="utf-8") if document.exists() else \
                f"# OpenAPI document {api.file_of(version)} not found\n"
            deprecated = getattr(version, "deprecation", None) is not None
            entities.append(_entity(
                "API", env, name, f"{api.name} {version.version} ({api.audience}) at https://{api.domain.name}/"
                f"{version.version}", {"type": "openapi", "lifecycle": _lifecycle(tier, deprecated),
                                       "owner": owner_ref(api.owner), "system": system, "definition": definition},
                annotations={f"{ANNOTATION}openapi-file": api.file_of(version)},
                tags=[api.audience, version.version]))
        entities.append(_entity("Component", env, entity_name("gateway", api.name),
                                f"API gateway serving {api.name} in {', '.join(api.clouds)} ({api.region}).",
                                {"type": "api-gateway", "lifecycle": _lifecycle(tier), "owner": owner_ref(api.owner),
                                 "system": system, "providesApis": provided},
                                tags=list(api.clouds)))
    api_names = {a.name: [api_entity_name(a, v) for v in a.versions] for a in _apis(spec)}
    for node in _nodes(spec):
        depends = []
        broker = getattr(node, "broker", None)
        if broker in broker_refs:
            depends.append(broker_refs[broker])
        for name in getattr(node, "brokers", []) or []:
            if name in broker_refs:
                depends.append(broker_refs[name])
        workload = getattr(getattr(node, "workload", None), "name", None) or node.name
        for secret in _secrets(spec):
            if any(s.workload in (workload, node.name) for s in getattr(secret, "sync", []) or []):
                depends.append(secret_refs[secret.name])
        consumes = [_ref("api", env, n) for a in getattr(node, "consumes_apis", getattr(node, "apis", [])) or []
                    for n in api_names.get(str(a), [])]
        component_spec: dict[str, Any] = {"type": "service", "lifecycle": _lifecycle(tier),
                                          "owner": owner_ref(getattr(node, "owner", None) or spec.owner),
                                          "system": system}
        if depends:
            component_spec["dependsOn"] = sorted(set(depends))
        if consumes:
            component_spec["consumesApis"] = sorted(set(consumes))
        entities.append(_entity("Component", env, entity_name("node", node.name),
                                getattr(node, "description", None) or f"Processing node {node.name} in "
                                f"{_placement(node) or 'the platform'}.", component_spec,
                                annotations={f"{ANNOTATION}placement": _placement(node)} if _placement(node) else None))
    return entities
