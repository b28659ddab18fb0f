"""Rules for processing nodes: a compliant node from the prod plan, then one property changed per case."""

from __future__ import annotations

import copy
import json
from datetime import date

from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules import ALL_RULES
from policies.rules.evaluate import evaluate
from policies.rules.framework import Resource
from tests.conftest import by_name

TODAY = date(2026, 11, 28)
ZONES = {"eu": ["eu-central-1", "eu-west-1", "onprem:fra-dc1"], "us": ["us-east-1"]}
CONFIG = {"node-residency-zone": {"enforcementLevel": "mandatory", "residencyZone": "eu", "zoneRegions": ZONES,
                                  "clusterRegions": {"k8s-eks-fra": "eu-central-1", "k8s-eks-use": "us-east-1"}}}


def view(state: dict, provider: str = "k8s-eks-fra", **changes) -> Resource:
    props = copy.deepcopy(state["inputs"])
    props.update(changes)
    kube = state["type"].startswith("kubernetes:")
    return Resource(urn=state["urn"], type=state["type"], name=state["urn"].split("::")[-1],
                    props=unknown_checking_proxy(props),
                    provider_type="pulumi:providers:kubernetes" if kube else "pulumi:providers:aws",
                    provider_name=provider if kube else "aws-eu-central-1",
                    provider_props={} if kube else {"region": "eu-central-1"})


def verdict(rule_id: str, *resources: Resource):
    rule = next(r for r in ALL_RULES if r.id == rule_id)
    return evaluate(list(resources), [rule], CONFIG, TODAY)[0]


def messages(v) -> list[str]:
    return [text for _, text in v.violations]


def node(plans, part: str, name: str = "order-billing") -> dict:
    return by_name(plans["prod"], f"node-{name}-{part}")


def test_rule_metadata():
    for rule_id in ("node-residency-zone", "workload-probes-and-limits", "workload-disruption-budget",
                    "workload-identity-least-privilege"):
        rule = next(r for r in ALL_RULES if r.id == rule_id)
        assert rule.description and rule.remediation and rule.severity


# --- node-residency-zone --------------------------------------------------------------------------

def test_residency_compliant(plans):
    assert verdict("node-residency-zone", view(node(plans, "deployment"))).passed


def test_residency_node_in_a_region_outside_its_zone(plans):
    v = verdict("node-residency-zone", view(node(plans, "deployment"), provider="k8s-eks-use"))
    assert messages(v) == ["node runs outside its residency zone eu"]


def test_residency_node_reading_a_queue_outside_its_zone(plans):
    state = copy.deepcopy(node(plans, "deployment"))
    env = state["inputs"]["spec"]["template"]["spec"]["containers"][0]["env"]
    env.append({"name": "QUEUE_X_URL", "value": "https://sqs.us-east-1.amazonaws.com/432109876543/x"})
    v = verdict("node-residency-zone", view(state))
    assert messages(v) == ["node reads 1 broker region(s) outside its residency zone eu"]
    assert "us-east-1" not in " ".join(messages(v)), "messages never echo property values"


def test_residency_uses_the_nodes_own_zone_marker(plans):
    state = copy.deepcopy(node(plans, "deployment"))
    state["inputs"]["metadata"]["labels"]["hybrid.integration/residency-zone"] = "us"
    assert messages(verdict("node-residency-zone", view(state))) == ["node runs outside its residency zone us",
                                                                      "node reads 1 broker region(s) outside its residency zone us"]


def test_residency_not_applicable_to_other_deployments(plans):
    state = copy.deepcopy(node(plans, "deployment"))
    state["inputs"]["metadata"]["labels"] = {"app.kubernetes.io/name": "something-else"}
    v = verdict("node-residency-zone", view(state))
    assert v.passed and v.not_applicable


# --- workload-probes-and-limits -------------------------------------------------------------------

def test_probes_and_limits_compliant(plans):
    assert verdict("workload-probes-and-limits", view(node(plans, "deployment"))).passed


def test_missing_probe_and_limit(plans):
    state = copy.deepcopy(node(plans, "deployment"))
    container = state["inputs"]["spec"]["template"]["spec"]["containers"][0]
    del container["readinessProbe"]
    del container["resources"]["limits"]["memory"]
    assert messages(verdict("workload-probes-and-limits", view(state))) == [
        "container order-billing lacks readinessProbe", "container order-billing has no memory limit"]


def test_a_missing_startup_probe_is_advice_not_a_violation(plans):
    state = copy.deepcopy(node(plans, "deployment"))
    del state["inputs"]["spec"]["template"]["spec"]["containers"][0]["startupProbe"]
    assert verdict("workload-probes-and-limits", view(state)).passed
    advice = verdict("workload-startup-probe", view(state))
    assert messages(advice) == ["container order-billing has no startupProbe (advice)"]
    assert advice.level == "advisory" and not advice.blocking


# --- workload-disruption-budget -------------------------------------------------------------------

def test_disruption_budget_compliant(plans):
    assert verdict("workload-disruption-budget", view(node(plans, "deployment")), view(node(plans, "pdb"))).passed


def test_disruption_budget_missing_or_elsewhere(plans):
    deployment = view(node(plans, "deployment"))
    assert messages(verdict("workload-disruption-budget", deployment)) == [
        "workload has no PodDisruptionBudget selecting its pods in its namespace and cluster"]
    other_cluster = view(node(plans, "pdb"), provider="k8s-eks-dub")
    assert not verdict("workload-disruption-budget", deployment, other_cluster).passed
    wrong_pods = copy.deepcopy(node(plans, "pdb"))
    wrong_pods["inputs"]["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] = "crm-sync"
    assert not verdict("workload-disruption-budget", deployment, view(wrong_pods)).passed


# --- workload-identity-least-privilege ------------------------------------------------------------

def _identity(plans):
    return [view(node(plans, part)) for part in ("role", "access", "scaler-role", "scaler-access")]


def test_identity_compliant(plans):
    assert verdict("workload-identity-least-privilege", *_identity(plans)).passed


def test_identity_wildcard_in_role_policy(plans):
    role, access, *rest = _identity(plans)
    policy = json.loads(node(plans, "access")["inputs"]["policy"])
    policy["Statement"][0]["Action"] = ["sqs:*"]
    policy["Statement"][0]["Resource"] = "arn:aws:sqs:eu-central-1:432109876543:*"
    changed = view(node(plans, "access"), policy=json.dumps(policy))
    assert messages(verdict("workload-identity-least-privilege", role, changed, *rest)) == [
        "statement 0 allows a wildcard action", "statement 0 allows a wildcard resource"]


def test_identity_wildcard_in_inline_and_managed_policies(plans):
    bad = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    role = view(node(plans, "role"), inlinePolicies=[{"name": "extra", "policy": bad}])
    managed = Resource(urn="urn:pulumi:prod::hybrid::aws:iam/policy:Policy::extra", type="aws:iam/policy:Policy",
                       name="extra", props=unknown_checking_proxy({"name": "node-extra", "policy": bad}))
    attachment = Resource(urn="urn:pulumi:prod::hybrid::aws:iam/rolePolicyAttachment:RolePolicyAttachment::a",
                          type="aws:iam/rolePolicyAttachment:RolePolicyAttachment", name="a",
                          props=unknown_checking_proxy({"role": "prod-node-order-billing",
                                                        "policyArn": "arn:aws:iam::432109876543:policy/node-extra"}))
    found = verdict("workload-identity-least-privilege", role, managed, attachment).violations
    assert sorted({urn.split("::")[-1] for urn, _ in found}) == ["extra", "node-order-billing-role"]


def test_identity_trust_by_pattern(plans):
    state = copy.deepcopy(node(plans, "role"))
    trust = json.loads(state["inputs"]["assumeRolePolicy"])
    condition = trust["Statement"][0]["Condition"]
    condition["StringLike"] = {k: v.replace("order-billing", "*") for k, v in condition.pop("StringEquals").items()}
    v = verdict("workload-identity-least-privilege", view(state, assumeRolePolicy=json.dumps(trust)))
    assert messages(v) == ["trust names service accounts by pattern, not one exact subject"]


def test_identity_ignores_roles_no_service_account_assumes(plans):
    # A Lambda or service role is judged by other rules, not this one.
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                 "Principal": {"Service": "lambda.amazonaws.com"}}]})
    wide = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    role = view(node(plans, "role"), assumeRolePolicy=trust, inlinePolicies=[{"policy": wide}])
    assert verdict("workload-identity-least-privilege", role).passed
