"""Design checks: each a pure function of a validated spec, a passing and a failing spec apiece, exact numbers."""

from __future__ import annotations

import pytest

from scripts.design import CHECKS, design_warnings
from scripts.design.availability import check_chain_availability, composite_availability
from scripts.design.boundary import check_boundary_formats
from scripts.design.fanout import check_point_to_point_fanout, fanouts
from scripts.design.latency import check_chain_latency
from scripts.design.places import Sides, sides
from scripts.design.transactions import check_sync_transactions

from .integration_fixtures import build, integration, sync_chain


def of(check, spec):
    return [w.as_dict() for w in check(spec)]


# ---- composite availability ----------------------------------------------------------------------------------


def test_composite_availability_is_the_product_of_the_hops():
    assert composite_availability([99.9, 99.9]) == pytest.approx(99.8001)
    assert composite_availability([99.95]) == pytest.approx(99.95)


def test_a_chain_that_composes_to_its_requirement_passes():
    spec = build("dev", lambda d: sync_chain(d, orders=99.99, inventory=99.95))  # 99.94 % >= 99.9 %
    assert of(check_chain_availability, spec) == []


def test_a_chain_short_of_its_requirement_warns_with_the_numbers_and_the_weakest_hop():
    spec = build("dev", lambda d: sync_chain(d, orders=99.95, inventory=99.9))  # 99.85005 % < 99.9 %
    [warning] = of(check_chain_availability, spec)
    assert warning["check"] == "sync-chain-availability" and warning["path"] == "observability.integrations[1]"
    assert warning["values"]["required_percent"] == 99.9
    assert warning["values"]["composite_percent"] == pytest.approx(99.85005)
    assert warning["values"]["shortfall_percent"] == pytest.approx(0.04995)
    assert [h["api"] for h in warning["values"]["hops"]] == ["partner-orders", "inventory"]
    assert ("requires 99.9 % availability, but its synchronous chain partner-orders/v2 -> inventory/v1 composes to "
            "at most 99.8501 % (the product of 99.95 % x 99.9 %)") in warning["message"]
    assert "make the call to inventory/v1 (99.9 %) asynchronous through a broker, or serve its answers from a cache" \
        in warning["message"]


def test_the_requirement_defaults_to_the_integrations_own_slo_and_requires_overrides_it():
    spec = build("dev", lambda d: sync_chain(d, requires={"availability_percent": 99.5}))
    assert of(check_chain_availability, spec) == []  # 99.85 % meets the 99.5 % required, whatever the SLO says


def test_a_hop_without_an_availability_objective_is_named_as_unassessed():
    def change(d):
        sync_chain(d)
        del next(a for a in d["gateways"]["apis"] if a["name"] == "inventory")["slo"]
    warnings = of(check_chain_availability, build("dev", change))  # plant-orders and stock-lookup both wait on it
    assert [w["path"] for w in warnings] == ["observability.integrations[1]", "observability.integrations[2]"]
    assert all(w["values"]["unassessed"] == ["inventory/v1"] and "cannot be composed" in w["message"] for w in warnings)


# ---- latency budget ------------------------------------------------------------------------------------------


def test_a_chain_within_its_latency_budget_passes():
    spec = build("dev", lambda d: sync_chain(d, requires={"latency_p99_ms": 300}))  # 150 + 120 = 270 ms
    assert of(check_chain_latency, spec) == []


def test_a_chain_over_its_latency_budget_warns_and_says_the_sum_is_conservative():
    spec = build("dev", lambda d: sync_chain(d, requires={"latency_p99_ms": 250}))
    [warning] = of(check_chain_latency, spec)
    assert warning["check"] == "sync-chain-latency"
    assert warning["values"] == {"budget_ms": 250, "bound_ms": 270, "over_ms": 20, "hops": [
        {"api": "partner-orders", "version": "v2", "latency_p99_ms": 150},
        {"api": "inventory", "version": "v1", "latency_p99_ms": 120}]}
    assert "adds up to 270 ms of per-hop p99s (150 ms + 120 ms), over by 20 ms" in warning["message"]
    assert "the sum is a conservative bound" in warning["message"]
    assert "cache partner-orders/v2 (150 ms)" in warning["message"]


def test_an_integration_without_a_latency_requirement_is_not_judged():
    assert of(check_chain_latency, build("dev", sync_chain)) == []


# ---- transactions --------------------------------------------------------------------------------------------


def transactional_sync(saga=None, consumer="payments"):
    def change(d):
        d["processing"]["nodes"][0]["calls"] = []
        entry = integration("charge-orders", "order-management", consumer, "sync",
                            api={"api": "partner-orders", "version": "v2"}, transactional=True)
        if saga:
            entry["saga"] = saga
        d["observability"]["integrations"].append(entry)
    return build("prod", change)


def test_a_synchronous_transaction_across_contexts_without_a_saga_warns():
    [warning] = of(check_sync_transactions, transactional_sync())
    assert warning == {"check": "sync-transaction-without-saga", "path": "observability.integrations[4]",
                       "values": {"producer": "order-management", "consumer": "payments", "pattern": "sync"},
                       "message": warning["message"]}
    assert "run it as a saga with compensations (data.sagas, practice 4.1)" in warning["message"]


@pytest.mark.parametrize("saga, consumer", [("order-to-cash", "payments"), (None, "order-management")])
def test_a_saga_or_a_single_context_keeps_a_synchronous_transaction_sound(saga, consumer):
    assert of(check_sync_transactions, transactional_sync(saga, consumer)) == []


# ---- point-to-point fan-out ----------------------------------------------------------------------------------


def test_fanouts_count_distinct_consumers_per_producer():
    assert fanouts([("a", "b"), ("a", "c"), ("a", "b"), ("d", "a")]) == {"a": ["b", "c"], "d": ["a"]}


def direct_feeds(threshold):
    def change(d):
        d["observability"]["standards"] = {"point_to_point_fanout": threshold}
        for consumer in ("manufacturing-it", "supply-chain", "integration-platform"):
            d["observability"]["integrations"].append(
                integration(f"orders-to-{consumer}", "order-management", consumer, "point-to-point"))
    return build("dev", change)


def test_point_to_point_fanout_within_the_threshold_passes():
    assert of(check_point_to_point_fanout, direct_feeds(3)) == []


def test_point_to_point_fanout_above_the_threshold_suggests_a_broker():
    [warning] = of(check_point_to_point_fanout, direct_feeds(2))
    assert warning["path"] == "observability.integrations[1]"
    assert warning["values"] == {"producer": "order-management", "count": 3, "threshold": 2,
                                 "consumers": ["manufacturing-it", "supply-chain", "integration-platform"],
                                 "integrations": ["orders-to-manufacturing-it", "orders-to-supply-chain",
                                                  "orders-to-integration-platform"]}
    assert "above the threshold of 2" in warning["message"] and "publish once to a broker topic" in warning["message"]


# ---- boundary format -----------------------------------------------------------------------------------------


def test_sides_cross_where_a_side_runs_outside_what_the_flow_goes_through():
    assert Sides(frozenset({"aws"}), frozenset({"aws"}), frozenset({"aws", "onprem:a"})).crossings() == [
        ("aws", "onprem:a")]
    assert Sides(frozenset(), frozenset({"aws", "azure"}), frozenset({"azure"})).crossings() == []
    assert Sides(frozenset({"azure"}), frozenset(), frozenset({"aws"})).crossings() == [("azure", "aws")]


def crm_changes(payload=None, standard=None):
    def change(d):
        if payload:
            d["observability"]["integrations"][2]["payload"] = payload
        if standard:
            d["observability"]["standards"] = {"boundary": standard}
    return build("prod", change)


def test_prods_crm_changes_cross_from_aws_to_the_frankfurt_site():
    spec = crm_changes()
    assert sides(spec, spec.observability.integrations[2]) == Sides(
        frozenset(), frozenset({"aws"}), frozenset({"aws", "onprem:fra-dc1"}))


@pytest.mark.parametrize("payload, standard", [
    ({"format": "json", "envelope": "cloudevents"}, None),
    ({"format": "xml", "envelope": "none"}, {"envelope": "none", "formats": ["json", "xml"]}),
])
def test_a_boundary_flow_in_the_standard_format_and_envelope_passes(payload, standard):
    assert of(check_boundary_formats, crm_changes(payload, standard)) == []


def test_a_boundary_flow_in_another_format_or_envelope_warns_naming_both():
    [warning] = of(check_boundary_formats, crm_changes({"format": "xml", "envelope": "none"}))
    assert warning["path"] == "observability.integrations[2].payload"
    assert "crosses a boundary (aws -> onprem:fra-dc1) with format xml (standard: json) and envelope none " \
           "(standard: cloudevents)" in warning["message"]
    assert warning["values"]["crossings"] == [["aws", "onprem:fra-dc1"]]


def test_a_boundary_flow_without_a_payload_warns():
    [warning] = of(check_boundary_formats, crm_changes())
    assert "declares no payload; expected payload: {format: json, envelope: cloudevents}" in warning["message"]


def test_a_synchronous_call_from_a_site_into_a_cloud_api_crosses_a_boundary():
    def change(d):
        crm = next(n for n in d["processing"]["nodes"] if n["name"] == "crm-sync")
        crm["calls"] = [{"api": "inventory", "version": "v1"}]
        d["observability"]["integrations"].append(integration(
            "crm-stock", "supply-chain", "customer-data", "sync", api={"api": "inventory", "version": "v1"},
            payload={"format": "json"}))
    [warning] = [w for w in of(check_boundary_formats, build("prod", change))
                 if w["path"] == "observability.integrations[4].payload"]
    assert "crosses a boundary (aws -> onprem:fra-dc1) with envelope none (standard: cloudevents)" in warning["message"]


def test_flows_that_stay_in_one_cloud_cross_nothing():
    assert of(check_boundary_formats, build("dev")) == []


# ---- all of them ---------------------------------------------------------------------------------------------


def test_every_check_has_an_id_and_the_ids_are_unique():
    import importlib

    ids = [importlib.import_module(check.__module__).CHECK for check in CHECKS]
    assert len(ids) == len(set(ids)) == 5


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_shipped_environments_raise_only_known_warnings(env):
    found = [(w.check, w.path) for w in design_warnings(build(env))]
    assert found == ([("boundary-format", "observability.integrations[2].payload")] if env == "prod" else [])
