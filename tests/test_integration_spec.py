"""Integrations as designs in the spec: contradictions and undeclared couplings are spec errors naming the field."""

from __future__ import annotations

import pytest

from components.spec.contexts import known_contexts

from .integration_fixtures import api_named, backend, build, integration, problems, sync_chain


def add(*entries):
    return lambda d: d["observability"]["integrations"].extend(entries)


def test_the_shipped_integrations_name_their_contexts_and_patterns():
    for env in ("dev", "staging", "prod"):
        spec = build(env)
        contexts = known_contexts(spec)
        for item in spec.observability.integrations:
            assert {item.producer, item.consumer} <= contexts and item.pattern == "async"


def test_contexts_are_the_owner_strings_of_the_spec():
    assert known_contexts(build("prod")) == {"integration-platform", "order-management", "customer-data", "payments",
                                             "partner-integration", "manufacturing-it", "supply-chain"}


def test_a_synchronous_chain_across_declared_contexts_validates():
    spec = build("dev", sync_chain)
    assert [i.name for i in spec.observability.integrations][-2:] == ["plant-orders", "stock-lookup"]


@pytest.mark.parametrize("entry, field, expected", [
    (integration("flow-x", "order-management", "manufacturing-it", "sync"), "api", "a sync integration names the gateway API"),
    (integration("flow-x", "order-management", "manufacturing-it", "async"), "broker", "a async integration names the broker"),
    (integration("flow-x", "order-management", "manufacturing-it", "point-to-point", broker="orders"), "broker",
     "expected no broker"),
    (integration("flow-x", "order-management", "manufacturing-it", "async", broker="orders",
                 api={"api": "partner-orders", "version": "v2"}), "api", "expected no api"),
    (integration("flow-x", "order-management", "manufacturing-it", "sync", api={"api": "orders", "version": "v1"}),
     "api.api", "undefined API 'orders'"),
    (integration("flow-x", "order-management", "manufacturing-it", "sync", api={"api": "partner-orders", "version": "v3"}),
     "api.version", "has no version 'v3'; expected one of v1, v2"),
    (integration("flow-x", "order-management", "manufacturing-it", "async", broker="orders",
                 payload={"format": "json", "schema": "schemas/orders/order-lifecycle.avsc"}),
     "payload.format", "schema schemas/orders/order-lifecycle.avsc is avro; expected format avro"),
    (integration("flow-x", "order-management", "manufacturing-it", "async", broker="orders",
                 payload={"format": "json", "schema": "schemas/orders/nowhere.json"}),
     "payload.schema", "schema file schemas/orders/nowhere.json not found"),
    (integration("flow-x", "order-management", "manufacturing-it", "sync", api={"api": "partner-orders", "version": "v2"},
                 payload={"format": "json", "schema": "schemas/shipments/shipment-dispatched.json"}),
     "payload.schema", "follows its API's OpenAPI document"),
    (integration("flow-x", "order-management", "manufacturing-it", "async", broker="orders", transactional=True),
     "saga", "transactional integrity needs a saga"),
    (integration("flow-x", "order-management", "manufacturing-it", "async", broker="orders", saga="order-to-cash",
                 transactional=True), "saga", "undefined saga 'order-to-cash'"),
    (integration("flow-x", "order-managment", "manufacturing-it", "async", broker="orders"),
     "producer", "unknown context 'order-managment'; expected a team that owns something"),
    (integration("flow-x", "order-management", "manufacturing-it", "async", broker="orders", owner="supply-chain"),
     "owner", "owner 'supply-chain' is neither the producer 'order-management' nor the consumer"),
    (integration("flow-x", "manufacturing-it", "order-management", "sync", api={"api": "inventory", "version": "v1"}),
     "producer", "API 'inventory' belongs to context 'supply-chain'"),
])
def test_an_integration_contradicting_itself_is_a_spec_error(entry, field, expected):
    found = problems("dev", add(entry))
    path = f"observability.integrations[1].{field}"
    assert path in found and expected in found[path], found


def test_a_saga_on_a_transactional_flow_must_exist_and_be_asked_for():
    good = integration("flow-x", "order-management", "payments", "async", broker="orders", transactional=True,
                       saga="order-to-cash", region="eu-central-1")
    assert problems("prod", add(good)) == {}
    found = problems("prod", add({**good, "transactional": False}))
    assert "expected transactional: true, or no saga" in found["observability.integrations[4].saga"]


def test_an_event_schema_must_be_the_queues_own():
    def change(d):
        d["observability"]["integrations"][0]["payload"] = {"format": "json",
                                                            "schema": "schemas/shipments/shipment-dispatched.json"}
        d["messaging"]["brokers"][0]["queues"][0]["schema"] = {"file": "schemas/orders/order-lifecycle.avsc"}
    found = problems("dev", change)
    assert "queue 'billing-orders' is bound to schemas/orders/order-lifecycle.avsc" in found[
        "observability.integrations[0].payload.schema"]


def test_a_cycle_of_synchronous_calls_is_refused():
    def change(d):
        sync_chain(d)
        backend(d, "inventory", "v1")["calls"] = [{"api": "partner-orders", "version": "v2"}]
        d["observability"]["integrations"].append(integration(
            "inventory-orders", "order-management", "supply-chain", "sync", api={"api": "partner-orders", "version": "v2"}))
    found = problems("dev", change)
    cycles = [m for m in found.values() if "form a cycle" in m]
    assert cycles == ["synchronous calls form a cycle (inventory/v1 -> partner-orders/v2 -> inventory/v1), so a "
                      "request waits on itself; expected the chain to end (make one hop asynchronous)"]


def test_a_call_to_an_undefined_api_version_is_refused():
    def change(d):
        backend(d, "partner-orders", "v2")["calls"] = [{"api": "inventory", "version": "v2"}]
    found = problems("dev", change)
    assert "has no version 'v2'" in found["gateways.apis[0].versions[1].backend.calls[0].version"]


# ---- contexts: claims and cross-context access -------------------------------------------------------------


def foreign_consumer(d):
    """A manufacturing-it node consuming order-management's orders queue."""
    node = dict(d["processing"]["nodes"][0], name="plant-billing", namespace="plant", owner="manufacturing-it")
    d["processing"]["nodes"].append(node)


def test_consuming_another_contexts_broker_needs_an_integration():
    found = problems("dev", foreign_consumer)
    assert found == {"processing.nodes[1].consumes[0]": (
        "context 'manufacturing-it' consumes broker 'orders' of context 'order-management', and no integration "
        "declares it; expected an observability.integrations[] entry with pattern async, broker 'orders', producer "
        "'order-management' and consumer 'manufacturing-it'")}

    def declared(d):
        foreign_consumer(d)
        add(integration("plant-billing", "order-management", "manufacturing-it", "async", broker="orders"))(d)
    assert problems("dev", declared) == {}


def test_the_integration_must_put_the_context_on_the_side_it_is_on():
    def wrong_side(d):
        foreign_consumer(d)
        add(integration("plant-billing", "manufacturing-it", "order-management", "async", broker="orders",
                        owner="manufacturing-it"))(d)
    assert "processing.nodes[1].consumes[0]" in problems("dev", wrong_side)


def test_calling_another_contexts_api_needs_an_integration():
    def change(d):
        d["processing"]["nodes"][0]["calls"] = [{"api": "inventory", "version": "v1"}]
    found = problems("dev", change)
    assert found == {"processing.nodes[0].calls[0]": (
        "context 'order-management' calls api 'inventory' of context 'supply-chain', and no integration declares it; "
        "expected an observability.integrations[] entry with pattern sync, api 'inventory', consumer "
        "'order-management' and producer 'supply-chain'")}

    def declared(d):
        change(d)
        add(integration("stock-lookup", "supply-chain", "order-management", "sync",
                        api={"api": "inventory", "version": "v1"}))(d)
    assert problems("dev", declared) == {}


def test_a_backend_calling_another_context_needs_an_integration_too():
    def undeclared(d):
        sync_chain(d)
        d["observability"]["integrations"].pop()  # stock-lookup
    found = problems("dev", undeclared)
    assert "context 'order-management' calls api 'inventory'" in found["gateways.apis[0].versions[1].backend.calls[0]"]


def test_calls_within_a_context_need_no_integration():
    def change(d):
        d["processing"]["nodes"][0]["calls"] = [{"api": "partner-orders", "version": "v2"}]
    assert problems("dev", change) == {}


def test_a_saga_sending_into_another_contexts_broker_needs_an_integration():
    def change(d):
        d["data"]["sagas"][0]["owner"] = "payments"
    found = problems("prod", change)
    assert "context 'payments' sends broker 'orders'" in found["data.sagas[0].steps[0].action"]


def test_a_namespace_two_contexts_claim_is_refused():
    def change(d):
        node = dict(d["processing"]["nodes"][0], name="plant-billing", owner="manufacturing-it", consumes=[
            {"broker": "orders", "queue": "billing-orders"}])
        d["processing"]["nodes"].append(node)
        add(integration("plant-billing", "order-management", "manufacturing-it", "async", broker="orders"))(d)
    found = problems("dev", change)
    assert found == {"processing.nodes[1].namespace": (
        "namespace 'billing' on cluster 'eks-dev' holds node 'order-billing' of context 'order-management' and node "
        "'plant-billing' of context 'manufacturing-it'; expected one context per namespace (its service accounts, "
        "roles and network policies are that context's)")}


def test_an_integration_and_the_node_it_monitors_have_one_owner():
    def change(d):
        item = d["observability"]["integrations"][0]
        item.update(owner="manufacturing-it", consumer="manufacturing-it")
    found = problems("dev", change)
    assert "processing node 'order-billing' belongs to context 'order-management'" in found[
        "observability.integrations[0].owner"]


def test_api_objectives_are_percentages_and_milliseconds():
    found = problems("dev", lambda d: api_named(d, "inventory").update(slo={"availability_percent": 100}))
    assert "gateways.apis[1].slo.availability_percent" in found


def test_an_async_flow_over_a_stream_names_its_broker_alone():
    stream = integration("payment-ledger", "payments", "order-management", "async", broker="payments",
                         payload={"format": "avro", "schema": "schemas/payments/payment-settled.avsc"})
    assert problems("prod", add(stream)) == {}
    found = problems("prod", add({**stream, "broker": None, "queue": "billing-orders"}))
    assert found["observability.integrations[4].queue"] == "a queue belongs to a broker; expected broker with queue"
    found = problems("prod", add({**stream, "broker": "ledger"}))
    assert "undefined broker 'ledger'" in found["observability.integrations[4].broker"]
