"""Each spine rule: a compliant case and a non-compliant one changing a single property; ids unique."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules import ALL_RULES
from policies.rules.evaluate import evaluate
from policies.rules.framework import Resource

from .conftest import SHIPPED

TODAY = date(2026, 11, 28)
QUEUE = "aws:sqs/queue:Queue"
PROVIDER = {"region": "eu-central-1",
            "defaultTags": json.dumps({"tags": {"owner": "team", "environment": "prod", "cost-center": "cc"}})}
CONFIG = {
    "data-residency-region": {"enforcementLevel": "mandatory", "allowedRegions": ["eu-central-1", "westeurope"],
                              "clusterRegions": {"k8s-onprem": "onprem:fra-dc1"}},
    "required-tags": {"enforcementLevel": "mandatory", "requiredTags": ["owner", "environment", "cost-center"]},
    "protect-stateful-resources": {"enforcementLevel": "mandatory", "tier": "production"},
}


def resource(type_: str = QUEUE, protect: bool = True, provider: dict | None = None, name: str = "q",
             provider_type: str = "pulumi:providers:aws", **props) -> Resource:
    base = {"kmsMasterKeyId": "arn:aws:kms:eu-central-1:111122223333:key/abc",
            "redrivePolicy": json.dumps({"deadLetterTargetArn": "arn:aws:sqs:eu-central-1:111122223333:q-dlq",
                                         "maxReceiveCount": 5})} if type_ == QUEUE else {}
    base.update(props)
    return Resource(urn=f"urn:pulumi:prod::hybrid::{type_}::{name}", type=type_, name=name,
                    props=unknown_checking_proxy({k: v for k, v in base.items() if v is not None}), protect=protect,
                    provider_type=provider_type, provider_name="aws-eu-central-1",
                    provider_props=PROVIDER if provider is None else provider)


def verdict(rule_id: str, *resources: Resource, config=None):
    rule = next(r for r in ALL_RULES if r.id == rule_id)
    return evaluate(list(resources), [rule], CONFIG if config is None else config, TODAY)[0]


def test_rule_ids_are_unique_and_complete():
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    for rule in ALL_RULES:
        assert rule.description and rule.remediation and rule.severity in {"low", "medium", "high", "critical"}
        assert rule.level_for("development") in {"advisory", "mandatory"}


def test_dead_letter_queue():
    assert verdict("dead-letter-queue-required", resource()).passed
    dlq = resource(redrivePolicy=None, redriveAllowPolicy=json.dumps({"redrivePermission": "byQueue"}))
    assert verdict("dead-letter-queue-required", dlq).passed
    # A DLQ fenced by a separate aws:sqs/redriveAllowPolicy resource shows only its name.
    def queue_named(physical: str) -> Resource:
        queue = resource(redrivePolicy=None)
        return dataclasses.replace(queue, props=unknown_checking_proxy({**queue.props, "name": physical}))

    for physical in ("prod-orders-billing-dlq", "prod-orders-billing-dlq.fifo"):
        assert verdict("dead-letter-queue-required", queue_named(physical)).passed
    bad = verdict("dead-letter-queue-required", queue_named("prod-orders-dlq-billing"))
    assert not bad.passed, "only the suffix marks a dead-letter queue"
    bad = verdict("dead-letter-queue-required", resource(redrivePolicy=None))
    assert [m for _, m in bad.violations] == ["queue has no dead-letter queue: failed messages would retry forever or be lost"]


def test_customer_managed_keys():
    assert verdict("broker-cmk-encryption", resource(), resource("aws:sns/topic:Topic", kmsMasterKeyId="arn:k")).passed
    assert not verdict("broker-cmk-encryption", resource(kmsMasterKeyId=None)).passed
    aws_managed = verdict("broker-cmk-encryption", resource("aws:sns/topic:Topic", kmsMasterKeyId="alias/aws/sns"))
    assert "AWS-managed key" in aws_managed.violations[0][1]


def test_cmk_rule_says_why_amazon_mq_cannot_comply():
    v = verdict("broker-cmk-encryption", resource("aws:mq/broker:Broker"))
    assert v.passed and v.not_applicable[0][1] == "Amazon MQ for RabbitMQ encrypts at rest with AWS-owned keys only"


def test_residency_region_from_own_input_provider_location_and_cluster():
    rule = "data-residency-region"
    assert verdict(rule, resource()).passed
    assert not verdict(rule, resource(region="us-east-1")).passed  # own input beats the provider's
    assert not verdict(rule, resource(provider={"region": "eu-west-3"})).passed
    azure = resource("azure-native:network:VirtualNetwork", provider={}, provider_type="pulumi:providers:azure-native",
                     location="eastus")
    assert not verdict(rule, azure).passed
    pod = Resource(urn="urn:pulumi:prod::hybrid::kubernetes:apps/v1:Deployment::d", type="kubernetes:apps/v1:Deployment",
                   name="d", props={}, provider_type="pulumi:providers:kubernetes", provider_name="k8s-onprem")
    assert not verdict(rule, pod).passed  # onprem:fra-dc1 is not in allowedRegions above
    config = json.loads(json.dumps(CONFIG))
    config[rule]["allowedRegions"].append("onprem:fra-dc1")
    assert verdict(rule, pod, config=config).passed


def test_required_tags_count_provider_default_tags():
    rule = "required-tags"
    assert verdict(rule, resource()).passed
    bad = verdict(rule, resource(provider={"region": "eu-central-1"}, tags={"owner": "x"}))
    assert bad.violations[0][1] == "missing required tags: environment, cost-center"


def test_stateful_resources_protected_in_production_only():
    rule = "protect-stateful-resources"
    assert verdict(rule, resource()).passed
    assert verdict(rule, resource(protect=False)).violations
    dev = {rule: {"enforcementLevel": "advisory", "tier": "development"}}
    v = verdict(rule, resource(protect=False), config=dev)
    assert v.passed and v.not_applicable[0][1] == "protection is required in production tiers only"


def test_exemptions_need_to_be_unexpired():
    rule = "dead-letter-queue-required"
    exemption = {"resource": "q", "justification": "legacy queue drained before migration", "expires": "2026-12-31"}
    assert verdict(rule, resource(redrivePolicy=None), config={rule: {"exemptions": [exemption]}}).exempted
    expired = dict(exemption, expires="2026-01-01")
    assert not verdict(rule, resource(redrivePolicy=None), config={rule: {"exemptions": [expired]}}).passed


def test_unknown_values_are_not_judged():
    from scripts.checker.sources import resources_of

    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    doc = {"steps": [{"op": "create", "newState": {
        "urn": "urn:pulumi:prod::hybrid::aws:sqs/queue:Queue::q", "type": QUEUE, "custom": True,
        "inputs": {"redrivePolicy": unknown, "kmsMasterKeyId": unknown}}}]}
    v = verdict("dead-letter-queue-required", *resources_of(doc))
    assert v.passed and v.unknown == ["urn:pulumi:prod::hybrid::aws:sqs/queue:Queue::q"]


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_environments_pass_every_rule(plans, env):
    from components.spec import load_environment
    from scripts.checker.run import check_document
    from .conftest import ROOT

    spec = load_environment(ROOT / "environments" / f"{env}.yaml")
    failed = {v.rule.id: v.violations[:3] for v in check_document(plans[env].export, spec) if not v.passed}
    assert not failed
