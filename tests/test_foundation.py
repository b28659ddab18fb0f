"""Providers, network foundation and the SQS/SNS broker under mocks: resources, parents, providers, protection."""

from __future__ import annotations

import json

from .conftest import by_name, by_type, load_spec_data

CLOUD_PREFIXES = ("aws:", "azure-native:", "kubernetes:")


def test_every_cloud_resource_has_an_explicit_provider(plans):
    for env, plan in plans.items():
        for r in plan.resources:
            if r["type"].startswith(CLOUD_PREFIXES):
                assert r.get("provider"), f"{env}: {r['urn']} would use the ambient default provider"
                assert "::default_" not in r["provider"], r["urn"]


def test_aws_providers_assume_the_deploy_role_and_pin_the_account(plans):
    provider = by_name(plans["staging"], "aws-eu-central-1")
    roles = json.loads(provider["inputs"]["assumeRoles"])
    assert roles[0]["roleArn"] == "arn:aws:iam::321098765432:role/hybrid-deployer"
    assert json.loads(provider["inputs"]["allowedAccountIds"]) == ["321098765432"]
    assert json.loads(provider["inputs"]["defaultTags"])["tags"]["environment"] == "staging"


def test_each_region_gets_a_vpc_with_three_private_subnets_in_distinct_zones(plans):
    prod = plans["prod"]
    for region, cidr in (("eu-central-1", "10.10.0.0/16"), ("eu-west-1", "10.20.0.0/16")):
        vpc = by_name(prod, f"net-{region}-vpc")
        assert vpc["inputs"]["cidrBlock"] == cidr
        assert vpc["parent"].endswith(f"hybrid:network:AwsNetwork::net-{region}")
        subnets = [s for s in by_type(prod, "aws:ec2/subnet:Subnet") if s["parent"] == vpc["parent"]]
        assert sorted(s["inputs"]["availabilityZone"] for s in subnets) == [f"{region}{z}" for z in "abc"]
        assert not any(s["inputs"]["mapPublicIpOnLaunch"] for s in subnets)
    dev_subnets = sorted(s["inputs"]["cidrBlock"] for s in by_type(plans["dev"], "aws:ec2/subnet:Subnet"))
    assert dev_subnets == ["10.100.0.0/22", "10.100.4.0/22", "10.100.8.0/22"]


def test_endpoint_security_group_admits_only_tls_from_the_vpc(plans):
    group = by_name(plans["prod"], "net-eu-central-1-endpoints-sg")
    assert [(r["fromPort"], r["toPort"], r["cidrBlocks"]) for r in group["inputs"]["ingress"]] == [(443, 443, ["10.10.0.0/16"])]


def test_azure_vnet_only_where_the_spec_has_an_azure_location(plans):
    assert by_name(plans["prod"], "net-westeurope-vnet")["inputs"]["addressSpace"]["addressPrefixes"] == ["10.30.0.0/16"]
    assert not by_type(plans["dev"], "azure-native:network:VirtualNetwork")
    assert by_name(plans["prod"], "net-westeurope-gateway")["inputs"]["subnetName"] == "GatewaySubnet"


def queue_settings(plan, name):
    return by_name(plan, name)["inputs"]


def test_queue_settings_come_from_the_spec(plans):
    # two spec values for the same queue (dev and prod) so a hard-coded property cannot pass
    dev_spec = load_spec_data("dev")["messaging"]["brokers"][0]["queues"][0]
    prod_spec = load_spec_data("prod")["messaging"]["brokers"][0]["queues"][0]
    for plan, spec, name in ((plans["dev"], dev_spec, "orders-euc1-billing-orders"),
                             (plans["prod"], prod_spec, "orders-euc1-billing-orders")):
        inputs = queue_settings(plan, name)
        assert inputs["visibilityTimeoutSeconds"] == spec["visibility_timeout_seconds"]
        assert json.loads(inputs["redrivePolicy"])["maxReceiveCount"] == spec["max_receive_count"]
        assert inputs["fifoQueue"] is True and inputs["contentBasedDeduplication"] is True
    assert dev_spec["max_receive_count"] != prod_spec["max_receive_count"]


def test_every_queue_has_a_fenced_dead_letter_queue_with_the_same_key(plans):
    prod = plans["prod"]
    queue = queue_settings(prod, "orders-euc1-partner-inbound")
    dlq = queue_settings(prod, "orders-euc1-partner-inbound-dlq")
    redrive = json.loads(queue["redrivePolicy"])
    assert redrive["deadLetterTargetArn"] == "arn:aws:sqs:eu-central-1:432109876543:prod-orders-partner-inbound-dlq"
    fence = by_name(prod, "orders-euc1-partner-inbound-dlq-redrive-allow")["inputs"]
    assert json.loads(fence["redriveAllowPolicy"]) == {
        "redrivePermission": "byQueue", "sourceQueueArns": ["arn:aws:sqs:eu-central-1:432109876543:prod-orders-partner-inbound"]}
    assert queue["kmsMasterKeyId"] == dlq["kmsMasterKeyId"]
    assert "fifoQueue" not in queue


def test_queue_policies_deny_plain_http_and_admit_only_their_topics(plans):
    policy = json.loads(by_name(plans["prod"], "orders-euc1-billing-orders-policy")["inputs"]["policy"])
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    allow = next(s for s in policy["Statement"] if s["Effect"] == "Allow")
    assert allow["Condition"]["ArnEquals"]["aws:SourceArn"] == [
        "arn:aws:sns:eu-central-1:432109876543:prod-orders-order-lifecycle.fifo"]


def test_fifo_topic_fans_out_to_its_fifo_queues(plans):
    subs = [s for s in by_type(plans["prod"], "aws:sns/topicSubscription:TopicSubscription")
            if "orders-euc1-order-lifecycle" in s["urn"]]
    assert sorted(s["inputs"]["endpoint"] for s in subs) == [
        "arn:aws:sqs:eu-central-1:432109876543:prod-orders-billing-orders.fifo",
        "arn:aws:sqs:eu-central-1:432109876543:prod-orders-fulfilment-orders.fifo"]
    assert all(s["inputs"]["rawMessageDelivery"] for s in subs)


def test_standby_region_gets_the_same_broker(plans):
    prod = plans["prod"]
    primary = {q["inputs"]["name"] for q in by_type(prod, "aws:sqs/queue:Queue") if "-euc1-" in q["urn"]}
    standby = {q["inputs"]["name"] for q in by_type(prod, "aws:sqs/queue:Queue") if "-euw1-" in q["urn"]}
    assert primary and primary == standby
    assert not [q for q in by_type(plans["dev"], "aws:sqs/queue:Queue") if "-euw1-" in q["urn"]]


def test_stateful_resources_are_protected_in_production_only(plans):
    stateful = ("aws:sqs/queue:Queue", "aws:sns/topic:Topic", "aws:kms/key:Key")
    for type_ in stateful:
        assert all(r["protect"] for r in by_type(plans["prod"], type_)), type_
        assert not any(r["protect"] for r in by_type(plans["dev"], type_)), type_
    assert not any(r["protect"] for r in by_type(plans["prod"], "aws:sqs/queuePolicy:QueuePolicy"))


def test_broker_keys_rotate_and_admit_sns(plans):
    key = by_name(plans["prod"], "orders-euc1-key")["inputs"]
    assert key["enableKeyRotation"] is True and key["deletionWindowInDays"] == 30
    sids = {s["Sid"] for s in json.loads(key["policy"])["Statement"]}
    assert "SnsDeliveryToEncryptedQueues" in sids
    assert by_name(plans["dev"], "orders-euc1-key")["inputs"]["deletionWindowInDays"] == 7


def test_every_planned_type_is_classified_for_the_tag_rule(plans):
    from policies.rules.tagging import TAGGABLE, UNTAGGABLE

    planned = {r["type"] for p in plans.values() for r in p.resources
               if r["custom"] and not r["type"].startswith("pulumi:providers:")}
    assert not planned - TAGGABLE - UNTAGGABLE, "add these types to TAGGABLE or UNTAGGABLE in policies/rules/tagging.py"
