"""Catalog entities validate against Backstage's published JSON schemas; the topology names every part."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from components.spec.environment import EnvironmentSpec
from scripts.catalog.entities import build, name_problems
from scripts.catalog.topology import mermaid
from scripts.catalog.write import write_catalog
from tests.conftest import ROOT, SHIPPED, load_spec_data

SCHEMAS = ROOT / "scripts" / "catalog" / "schemas"
KIND_SCHEMA = {"System": "System.v1alpha1", "Component": "Component.v1alpha1", "API": "API.v1alpha1",
               "Resource": "Resource.v1alpha1"}


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft7Validator]:
    loaded = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in SCHEMAS.glob("*.schema.json")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7)) for schema in loaded.values())
    return {kind: Draft7Validator(loaded[file], registry=registry) for kind, file in KIND_SCHEMA.items()}


def with_gateway(env: str) -> EnvironmentSpec:
    """A shipped spec plus one partner API with two versions (the shipped specs may not have gateways yet)."""
    data = load_spec_data(env)
    data["gateways"] = {"apis": [{
        "name": "partner-orders", "audience": "partner", "owner": "order-management",
        "region": data["regions"]["aws"]["primary"]["region"],
        "domain": {"name": "orders.example.com",
                   "certificate_arn": "arn:aws:acm:eu-central-1:432109876543:certificate/"
                                      "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},
        "auth": {"issuer": "https://login.example.com", "audience": "orders"},
        "versions": [{"version": "v1", "backend": {"url": "https://orders.internal.example.com"},
                      "deprecation": {"announced": "2025-01-01", "sunset": "2026-01-01", "successor": "v2"}},
                     {"version": "v2", "backend": {"url": "https://orders.internal.example.com"}}],
        "throttle": {"rate_limit": 50, "burst_limit": 100}}]}
    return EnvironmentSpec.model_validate(data)


def spec_of(env: str) -> EnvironmentSpec:
    return EnvironmentSpec.model_validate(load_spec_data(env))


def resolved(entity: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The entity as Backstage's processor sees it after `$text` substitution (relative to the entity file)."""
    definition = entity["spec"].get("definition")
    if isinstance(definition, dict):
        assert set(definition) == {"$text"}, definition
        document = (folder / definition["$text"]).resolve()
        assert document.is_file(), f"{entity['metadata']['name']}: {definition['$text']} does not resolve"
        return {**entity, "spec": {**entity["spec"], "definition": document.read_text(encoding="utf-8")}}
    return entity


def assert_valid(entities: list[dict[str, Any]], validators: dict[str, Draft7Validator],
                 folder: Path | None = None) -> None:
    for entity in entities:
        entity = resolved(entity, folder or ROOT / "catalog" / entity["metadata"]["namespace"])
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validators[entity["kind"]].iter_errors(entity)]
        assert not errors, f"{entity['kind']} {entity['metadata']['name']}: {errors}"
        assert not name_problems(entity)


def test_the_vendored_schemas_reject_a_broken_entity(validators):
    broken = {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "x"},
              "spec": {"type": "service", "owner": "team"}}  # no lifecycle
    assert list(validators["Component"].iter_errors(broken))


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_environments_yield_valid_entities(env, validators):
    entities = build(spec_of(env), ROOT)
    assert_valid(entities, validators)
    assert entities[0]["kind"] == "System" and entities[0]["metadata"]["name"] == env
    names = [(e["kind"], e["metadata"]["name"]) for e in entities]
    assert len(names) == len(set(names)), "entity names collide"


def test_entities_cover_brokers_secrets_nodes_and_relations(validators):
    spec = spec_of("prod")
    entities = {(e["kind"], e["metadata"]["name"]): e for e in build(spec, ROOT)}
    for broker in spec.messaging.brokers:
        resource = entities[("Resource", f"broker-{broker.name}")]
        assert resource["spec"]["owner"] == f"group:default/{broker.owner}"
        assert resource["spec"]["system"] == "system:prod/prod"
    for secret in spec.secrets.secrets:
        assert entities[("Resource", f"secret-{secret.name}")]["spec"]["type"] == "secret"
    for node in spec.processing.nodes:
        component = entities[("Component", f"node-{node.name}")]
        for ref in node.consumes:
            assert f"resource:prod/broker-{ref.broker}" in component["spec"]["dependsOn"]
    system = entities[("System", "prod")]
    if spec.observability.oncall:
        assert "hybrid.integration/oncall-critical" in system["metadata"]["annotations"]


def test_gateway_apis_carry_their_openapi_documents(validators):
    entities = build(with_gateway("prod"), ROOT)
    assert_valid(entities, validators)
    apis = {e["metadata"]["name"]: e for e in entities if e["kind"] == "API"}
    assert set(apis) == {"partner-orders-v1", "partner-orders-v2"}
    assert apis["partner-orders-v1"]["spec"]["lifecycle"] == "deprecated"
    assert apis["partner-orders-v2"]["spec"]["definition"] == {"$text": "../../apis/partner-orders/v2.yaml"}
    assert resolved(apis["partner-orders-v2"], ROOT / "catalog" / "prod")["spec"]["definition"] == (
        ROOT / "apis/partner-orders/v2.yaml").read_text()
    gateway = next(e for e in entities if e["metadata"]["name"] == "gateway-partner-orders")
    assert gateway["spec"]["providesApis"] == ["api:prod/partner-orders-v1", "api:prod/partner-orders-v2"]


def test_written_catalog_is_backstage_yaml_and_mermaid(tmp_path, validators):
    spec = with_gateway("prod")
    info, topology, _ = write_catalog(spec, ROOT, tmp_path)
    assert info == tmp_path / "prod" / "catalog-info.yaml"
    assert_valid(list(yaml.safe_load_all(info.read_text())), validators, tmp_path / "prod")
    text = topology.read_text()
    assert "```mermaid\nflowchart LR\n" in text
    for part in ([r.region for r in spec.regions.aws.all()] + [s.name for s in spec.sites]
                 + [c.name for c in spec.clusters] + [b.name for b in spec.messaging.brokers] + ["gateway partner-orders"]):
        assert part in text, f"{part} missing from the topology"


def test_mermaid_ids_are_safe():
    chart = mermaid(spec_of("prod"))
    for line in chart.splitlines()[1:]:
        if line.strip().startswith("subgraph"):
            assert line.split()[1].split("[")[0].replace("_", "").isalnum()


def _subgraphs(chart: str) -> dict[str, list[str]]:
    """subgraph id -> member lines, and '' -> edge lines, of a generated Mermaid chart."""
    groups: dict[str, list[str]] = {"": []}
    current = None
    for line in chart.splitlines()[1:]:
        text = line.strip()
        if text.startswith("subgraph "):
            current = text.split()[1].split("[")[0]
            groups[current] = []
        elif text == "end":
            current = None
        else:
            groups[current or ""].append(text)
    return groups


@pytest.mark.parametrize("env", SHIPPED)
def test_every_node_link_broker_and_api_appears_once_in_the_right_place(env):
    """Read straight from the typed spec: where each part runs, and the cloud end of each link."""
    from components.spec.brokers import InClusterBroker
    from scripts.catalog.topology import node_id

    spec = spec_of(env)
    clusters = {c.name: c.placement for c in spec.clusters}
    groups = _subgraphs(mermaid(spec))
    expected = [(f"node {n.name}", n.region) for n in spec.processing.nodes]
    expected += [(f"broker {b.name}<br/>", clusters[b.cluster] if isinstance(b, InClusterBroker) else b.placement)
                 for b in spec.messaging.brokers]
    expected += [(f"gateway {a.name}<br/>", a.region) for a in spec.gateways.apis]
    for label, placement in expected:
        holders = [g for g, lines in groups.items() for line in lines if f'"{label}' in line
                   and (label.endswith("<br/>") or f'"{label}"' in line)]
        assert holders == [node_id("place", placement)], f"{env}: {label!r} drawn in {holders}, expected {placement}"
    for link in spec.connectivity.links:
        cloud_end = link.region if link.cloud == "aws" else spec.regions.azure.location
        edges = [e for e in groups[""] if f" {link.name}\" ==>" in e]
        assert edges == [edge for edge in edges if edge.startswith(node_id("place", f"onprem:{link.site}"))
                         and edge.endswith(node_id("place", cloud_end))] and len(edges) == 1, (env, link.name, edges)

    entities = build(spec, ROOT)
    counted = {}
    for entity in entities:
        counted[(entity["kind"], entity["metadata"]["name"])] = counted.get((entity["kind"], entity["metadata"]["name"]), 0) + 1
    assert set(counted.values()) == {1}
    links = {e["metadata"]["name"]: e for e in entities if e["spec"].get("type") == "network-link"}
    assert set(links) == {f"link-{l.name}" for l in spec.connectivity.links}
    for link in spec.connectivity.links:
        entity = links[f"link-{link.name}"]
        cloud_end = link.region if link.cloud == "aws" else spec.regions.azure.location
        assert entity["metadata"]["annotations"]["hybrid.integration/placement"] == cloud_end
        assert f"site {link.site} to" in entity["metadata"]["description"]
    nodes = {e["metadata"]["name"]: e for e in entities if e["spec"].get("type") == "service"}
    assert set(nodes) == {f"node-{n.name}" for n in spec.processing.nodes}
    for node in spec.processing.nodes:
        assert nodes[f"node-{node.name}"]["metadata"]["annotations"]["hybrid.integration/placement"] == node.region
    apis = {e["metadata"]["name"] for e in entities if e["kind"] == "API"}
    assert apis == {f"{a.name}-{v.version}" for a in spec.gateways.apis for v in a.versions}
    brokers = {e["metadata"]["name"] for e in entities if e["spec"].get("type") == "message-broker"}
    assert brokers == {f"broker-{b.name}" for b in spec.messaging.brokers}


def test_staging_topology_matches_its_spec():
    """The regression that prompted the typed reads: the Azure link drawn, nodes where their clusters are."""
    chart = _subgraphs(mermaid(spec_of("prod")))
    assert any("fra-dc1-azure" in e and e.endswith("place_westeurope") for e in chart[""]), chart[""]
    staging = _subgraphs(mermaid(spec_of("staging")))
    assert any("node partner-intake" in line for line in staging["place_eu_central_1"])


def test_a_cdc_source_shows_where_its_critical_entities_are_audited():
    spec = EnvironmentSpec.model_validate(load_spec_data("staging"))
    cdc = next(e for e in build(spec, ROOT) if e["spec"].get("type") == "cdc-connector")
    assert cdc["metadata"]["annotations"]["hybrid.integration/audit-prefixes"] == "cdc/orders-db/order"
    data = load_spec_data("staging")
    data["data"]["entities"][0]["critical"] = False
    cdc = next(e for e in build(EnvironmentSpec.model_validate(data), ROOT) if e["spec"].get("type") == "cdc-connector")
    assert "hybrid.integration/audit-prefixes" not in cdc["metadata"]["annotations"]


def test_each_data_entity_is_a_resource_of_its_owner_with_its_consumers(validators):
    """Ownership (practice 4.5) in the catalog: the owning context owns the entity, its brokers are dependencies,
    and topology.md lists who writes and who reads."""
    from scripts.catalog.topology import markdown

    spec = spec_of("prod")
    entities = {(e["kind"], e["metadata"]["name"]): e for e in build(spec, ROOT)}
    customer = entities[("Resource", "entity-customer")]
    assert_valid([customer], validators)
    assert customer["spec"]["owner"] == "group:default/customer-data"
    assert customer["spec"]["dependsOn"] == ["resource:prod/broker-customers"]
    notes = customer["metadata"]["annotations"]
    assert notes["hybrid.integration/consumers"] == "order-management"
    assert notes["hybrid.integration/change-topic"] == "customers/customer-changed"
    assert notes["hybrid.integration/stores"] == "customers/crm-changes (queue)"
    assert [e for e in entities if e[1].startswith("entity-")] == [("Resource", f"entity-{e.name}") for e in spec.data.entities]
    assert ("| customer | customer-data | order-management | customers/customer-changed | customers/crm-changes (queue) |"
            in markdown(spec))
