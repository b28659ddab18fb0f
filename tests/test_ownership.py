"""Data ownership (practice 4.5): the spec's map, the grants derived from it, and what policy config carries.

Spec errors name the field; the shipped plans give consumer contexts' roles no write on an owner's store or
change topic, and the pack's rule (judging only from policy config) agrees with them."""

from __future__ import annotations

import copy
import json
from fnmatch import fnmatchcase

import pytest
from typer.testing import CliRunner

from components.spec import parse_environment
from components.spec.ownership import ownership_map
from policies.rules import RULES_BY_ID
from policies.rules.checks.data_ownership_non_owner_write import WRITE_ACTIONS
from policies.rules.documents import patterns_overlap, statements
from policies.rules.evaluate import evaluate
from scripts.checker.sources import resources_of
from scripts.cli import app
from scripts.policy_config import ownership_facts, policy_config

from .conftest import by_type, load_spec_data, write_env
from .test_spec import SECRET_KEYS, issues_for

RULE = "data-ownership-non-owner-write"


@pytest.fixture()
def prod() -> dict:
    return copy.deepcopy(load_spec_data("prod"))


def entity(data: dict, name: str) -> dict:
    return next(e for e in data["data"]["entities"] if e["name"] == name)


def node(data: dict, name: str) -> dict:
    return next(n for n in data["processing"]["nodes"] if n["name"] == name)


def index_of(items: list[dict], name: str) -> int:
    return next(i for i, item in enumerate(items) if item["name"] == name)


def test_the_shipped_maps_have_at_least_four_entities_each_owned_by_a_known_context():
    for env in ("staging", "prod"):
        spec = parse_environment(load_spec_data(env), f"environments/{env}.yaml", SECRET_KEYS)
        assert len(spec.data.entities) >= 4, env
        assert {"order", "payment", "shipment"} <= {e.name for e in spec.data.entities}, env


def test_unknown_contexts_are_refused_naming_the_field(prod):
    entity(prod, "order")["owner"] = "order-mangement"
    entity(prod, "customer")["consumers"] = ["order-management", "marketing"]
    issues = issues_for(prod)
    order, customer = index_of(prod["data"]["entities"], "order"), index_of(prod["data"]["entities"], "customer")
    assert any(i.startswith(f"data.entities[{order}].owner: unknown bounded context 'order-mangement'") for i in issues), issues
    assert any(i.startswith(f"data.entities[{customer}].consumers[1]: unknown bounded context 'marketing'")
               for i in issues), issues


def test_change_topics_and_stores_must_exist(prod):
    entity(prod, "order")["change_topic"] = {"broker": "orders", "topic": "order-lifecyle"}
    entity(prod, "customer")["stores"] = [{"broker": "customers", "queue": "crm-change"},
                                          {"broker": "crm", "queue": "crm-changes"}]
    issues = issues_for(prod)
    order, customer = index_of(prod["data"]["entities"], "order"), index_of(prod["data"]["entities"], "customer")
    assert any(i.startswith(f"data.entities[{order}].change_topic.topic: undefined topic 'order-lifecyle'") for i in issues)
    assert any(i.startswith(f"data.entities[{customer}].stores[0].queue: undefined queue 'crm-change'") for i in issues)
    assert any(i.startswith(f"data.entities[{customer}].stores[1].broker: undefined broker 'crm'") for i in issues)


def test_a_store_names_exactly_one_queue_or_stream(prod):
    entity(prod, "customer")["stores"] = [{"broker": "customers", "queue": "crm-changes", "stream": "crm-stream"}]
    assert any("stores[0]" in i and "exactly one of queue or stream" in i for i in issues_for(prod))


def test_two_contexts_cannot_claim_one_store_or_change_topic(prod):
    prod["data"]["entities"].append({"name": "crm-contact", "owner": "order-management",
                                     "change_topic": {"broker": "customers", "topic": "customer-changed"},
                                     "stores": [{"broker": "customers", "queue": "crm-changes"}]})
    last = len(prod["data"]["entities"]) - 1
    issues = issues_for(prod)
    assert any(i.startswith(f"data.entities[{last}].change_topic: customers/customer-changed already carries entity "
                            "'customer' owned by 'customer-data'") for i in issues), issues
    assert any(i.startswith(f"data.entities[{last}].stores[0]: customers/crm-changes already holds entity 'customer'")
               for i in issues), issues


def test_a_non_owner_node_cannot_publish_the_change_topic(prod):
    crm = node(prod, "crm-sync")
    crm["publishes"] = [{"broker": "orders", "topic": "order-lifecycle"}]
    at = index_of(prod["processing"]["nodes"], "crm-sync")
    issues = issues_for(prod)
    assert any(i.startswith(f"processing.nodes[{at}].publishes[0]: orders/order-lifecycle is the change topic of "
                            "entity 'order', owned by 'order-management'") for i in issues), issues


def test_a_reader_outside_owner_and_consumers_is_refused(prod):
    entity(prod, "order")["consumers"] = ["payments"]
    prod["data"]["entities"] = [e for e in prod["data"]["entities"] if e["name"] != "customer"]
    prod["data"]["entities"].append({"name": "customer", "owner": "customer-data", "consumers": ["payments"],
                                     "stores": [{"broker": "customers", "queue": "crm-changes"}]})
    # order-billing (order-management) reads billing-orders, a subscriber of the order change topic: the owner.
    # Nothing of order-management may read customers' crm-changes store unless it is a declared consumer.
    node(prod, "order-billing")["consumes"].append({"broker": "customers", "queue": "crm-changes"})
    at = index_of(prod["processing"]["nodes"], "order-billing")
    issues = issues_for(prod)
    consumes = len(node(prod, "order-billing")["consumes"]) - 1
    assert any(i.startswith(f"processing.nodes[{at}].consumes[{consumes}]: customers/crm-changes carries entity "
                            "'customer'") for i in issues), issues


def test_a_saga_of_another_context_cannot_write_an_entitys_store(prod):
    prod["data"]["entities"].append({"name": "stock-reservation", "owner": "customer-data",
                                     "consumers": ["order-management"],
                                     "stores": [{"broker": "orders", "queue": "stock-reservations"}]})
    issues = issues_for(prod)
    assert any(i.startswith("data.sagas[0].steps[0].action: orders/stock-reservations holds entity 'stock-reservation'")
               for i in issues), issues
    assert any(i.startswith("data.sagas[0].steps[0].compensation:") for i in issues), issues


def test_only_the_owners_database_publishes_an_entitys_changes():
    staging = copy.deepcopy(load_spec_data("staging"))
    entity(staging, "order")["owner"] = "payments"
    entity(staging, "order")["consumers"] = ["order-management"]
    issues = issues_for(staging)
    assert any(i.startswith("data.cdc.sources[0].tables[0].entity: entity 'order' is owned by 'payments'")
               for i in issues), issues


def test_validate_exits_2_naming_file_and_field(project_copy):
    data = load_spec_data("staging")
    node(data, "partner-intake")["owner"] = "supply-chain"
    node(data, "partner-intake")["publishes"] = [{"broker": "orders", "topic": "order-lifecycle"}]
    write_env(project_copy, "staging", data)
    result = CliRunner().invoke(app, ["validate", "staging", "--root", str(project_copy)])
    assert result.exit_code == 2, result.output
    assert "staging.yaml" in result.output and "processing.nodes[1].publishes[0]" in result.output
    assert "Traceback" not in result.output


def test_policy_config_carries_the_map_the_rule_reads():
    spec = parse_environment(load_spec_data("prod"), "environments/prod.yaml", SECRET_KEYS)
    facts = ownership_facts(spec)
    assert facts["entities"]["order"]["topics"] == [
        "arn:aws:sns:eu-central-1:432109876543:prod-orders-order-lifecycle.fifo",
        "arn:aws:sns:eu-west-1:432109876543:prod-orders-order-lifecycle.fifo"]
    assert "arn:aws:sqs:eu-west-1:432109876543:prod-customers-crm-changes-dlq" in facts["entities"]["customer"]["stores"]
    assert facts["contextRoles"]["order-management"][:2] == ["prod-node-order-billing", "prod-node-order-billing-scaler"]
    assert policy_config(spec)[RULE]["ownership"] == facts


# ---- the shipped plans ------------------------------------------------------------------------------------

def role_documents(plan) -> dict[str, list]:
    """Role name -> the statements of its role policies and inline policies."""
    out: dict[str, list] = {}
    for policy in by_type(plan, "aws:iam/rolePolicy:RolePolicy"):
        out.setdefault(policy["inputs"]["role"], []).extend(statements(policy["inputs"]["policy"]))
    for role in by_type(plan, "aws:iam/role:Role"):
        for inline in role["inputs"].get("inlinePolicies") or []:
            out.setdefault(role["inputs"]["name"], []).extend(statements(inline["policy"]))
    return out


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_no_role_of_a_non_owner_context_may_write_an_entity(plans, env):
    """Independent of the rule: every role in the plan, every write action on every entity ARN of the map."""
    spec = parse_environment(load_spec_data(env), f"environments/{env}.yaml", SECRET_KEYS)
    facts = ownership_facts(spec)
    context_of = {role: context for context, roles in facts["contextRoles"].items() for role in roles}
    documents = role_documents(plans[env])
    assert set(context_of) <= set(documents) | {r for r in context_of if r.endswith("-scaler")}, \
        "every context role the map names is a role the plan creates"
    checked = 0
    for role, found in documents.items():
        for statement in found:
            if statement.get("Effect") != "Allow":
                continue
            actions = [a.lower() for a in ([statement["Action"]] if isinstance(statement["Action"], str)
                                           else statement["Action"])]
            resources = [statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"]
            for name, item in facts["entities"].items():
                for arn in item["stores"] + item["topics"]:
                    writes = [w for w in WRITE_ACTIONS[arn.split(":")[2]] if any(fnmatchcase(w, a) for a in actions)]
                    if writes and any(patterns_overlap(arn, r) for r in resources):
                        checked += 1
                        assert context_of.get(role) == item["owner"], f"{role} may {writes} on {name} ({arn})"
    assert checked, "owners' grants (prod: order-fulfilment publishes order-lifecycle; both: reference-table writers) are judged"


def test_the_plans_pass_the_rule_and_a_consumer_grant_fails_it(plans):
    rule = RULES_BY_ID[RULE]
    spec = parse_environment(load_spec_data("prod"), "environments/prod.yaml", SECRET_KEYS)
    config = policy_config(spec)
    export = copy.deepcopy(plans["prod"].export)
    [verdict] = evaluate(resources_of(export), [rule], config)
    assert verdict.passed, verdict.violations
    crm = next(r for r in export["deployment"]["resources"] if r["urn"].endswith("::node-crm-sync-access"))
    document = json.loads(crm["inputs"]["policy"])
    document["Statement"].append({"Effect": "Allow", "Action": "sns:Publish",
                                  "Resource": "arn:aws:sns:eu-central-1:432109876543:prod-orders-order-lifecycle.fifo"})
    crm["inputs"]["policy"] = json.dumps(document)
    [verdict] = evaluate(resources_of(export), [rule], config)
    assert [urn.rsplit("::", 1)[1] for urn, _ in verdict.violations] == ["node-crm-sync-access"]
    assert "consumer context 'customer-data'" in verdict.violations[0][1]


def test_the_derived_map_names_each_entitys_writers():
    spec = parse_environment(load_spec_data("prod"), "environments/prod.yaml", SECRET_KEYS)
    owned = ownership_map(spec)
    assert owned.may_publish("order-management", "orders", "order-lifecycle")
    assert not owned.may_publish("customer-data", "orders", "order-lifecycle")
    assert owned.may_write("customer-data", "customers", "queue", "crm-changes")
    assert not owned.may_write("order-management", "customers", "queue", "crm-changes")
    assert owned.may_publish("customer-data", "orders", "no-entity-topic"), "topics no entity claims stay open"


def test_each_broker_learns_the_owner_of_only_its_own_change_topics():
    from components.alerting import AlertRoutes
    from components.messaging.backend import Placements
    from components.messaging.wiring import broker_args

    spec = parse_environment(load_spec_data("prod"), "environments/prod.yaml", SECRET_KEYS)
    texts = {b.file: "{}" for broker in spec.messaging.brokers for _, _, b in broker.schema_bindings()}
    given = {b.name: broker_args(spec, b, Placements(), {"mq_admin_password": "x"}, texts, AlertRoutes()).publishers
             for b in spec.messaging.brokers if b.name in ("orders", "customers", "partner-events")}
    assert given == {"orders": {"order-lifecycle": "order-management"}, "customers": {"customer-changed": "customer-data"},
                     "partner-events": {"shipment-dispatched": "partner-integration"}}


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_the_roles_the_map_names_are_the_roles_the_plan_tags_with_a_context(plans, env):
    """The map and the tag fence agree: every role carrying a bounded-context tag is the rule's to judge under
    that context (audit sinks and CDC connectors included), and every role the map names carries it."""
    spec = parse_environment(load_spec_data(env), f"environments/{env}.yaml", SECRET_KEYS)
    mapped = {(role, context) for context, roles in ownership_facts(spec)["contextRoles"].items() for role in roles
              if not role.endswith("-scaler")}  # KEDA's scaler roles are the operator's, trusted per node
    tagged = {(r["inputs"]["name"], r["inputs"]["tags"]["bounded-context"]) for r in by_type(plans[env], "aws:iam/role:Role")
              if "bounded-context" in (r["inputs"].get("tags") or {})}
    assert tagged == mapped
    assert any(role.endswith("-audit") for role, _ in tagged), "the audit sinks' roles are in both"
