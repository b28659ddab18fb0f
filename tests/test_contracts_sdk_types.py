"""Types and enums from the provider SDKs: wrong scalars, unknown and missing nested keys, closed enums."""

from __future__ import annotations

from scripts.contracts.run import contract_findings
from scripts.contracts.sdk_types import args_shape, check_sdk_types

from .contract_states import checks_of, export, res

NAMESPACE = "azure-native:servicebus:Namespace"
GOOD_NAMESPACE = {"resourceGroupName": "rg", "namespaceName": "prod-events-bus", "minimumTlsVersion": "1.2",
                  "sku": {"name": "Premium", "tier": "Premium", "capacity": 1}, "__defaults": []}


def findings(*states):
    found = contract_findings(export(*states), None, [check_sdk_types])
    return checks_of(found), [f.message for f in found]


def test_a_correct_resource_has_no_findings():
    assert findings(res(NAMESPACE, "ns", GOOD_NAMESPACE), res("aws:sqs/queue:Queue", "q", {"delaySeconds": 10})) == ([], [])


def test_a_string_where_the_provider_wants_an_integer():
    checks, messages = findings(res("aws:sqs/queue:Queue", "q", {"delaySeconds": "10"}))
    assert checks == [("sdk-type", "q")]
    assert messages[0].startswith("delaySeconds: expected an integer, got str '10'")


def test_a_closed_enum_value_outside_its_set():
    checks, messages = findings(res(NAMESPACE, "ns", {**GOOD_NAMESPACE, "sku": {"name": "Platinum"}}))
    assert checks == [("sdk-enum", "ns")]
    assert "'Platinum' is not one of Basic, Standard, Premium" in messages[0]


def test_open_enums_are_not_judged():
    # minimumTlsVersion is Union[str, TlsVersion]: Azure may add a value before the SDK knows it
    assert findings(res(NAMESPACE, "ns", {**GOOD_NAMESPACE, "minimumTlsVersion": "1.4"})) == ([], [])


def test_unknown_and_missing_nested_keys():
    checks, messages = findings(res(NAMESPACE, "ns", {**GOOD_NAMESPACE, "sku": {"tier": "Premium", "size": 1}}))
    assert checks == [("sdk-missing-key", "ns"), ("sdk-unknown-key", "ns")]
    assert any(m.startswith("sku.size: unknown key") for m in messages)
    assert any(m.startswith("sku.name: required key is missing") for m in messages)


def test_values_unknown_at_preview_and_secrets_are_skipped():
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert findings(res("aws:sqs/queue:Queue", "q", {"delaySeconds": unknown, "kmsMasterKeyId": "[secret]"})) == ([], [])


def test_aws_value_sets_come_from_botocore():
    connector = "aws:mskconnect/connector:Connector"
    assert args_shape(connector) is not None
    good = {"kafkaClusterClientAuthentication": {"authenticationType": "IAM"}}
    assert findings(res(connector, "c", good)) == ([], [])
    checks, messages = findings(res(connector, "c", {"kafkaClusterClientAuthentication": {"authenticationType": "SCRAM"}}))
    assert checks == [("sdk-enum", "c")]
    assert "'SCRAM' is not one of NONE, IAM (botocore kafkaconnect KafkaClusterClientAuthenticationType)" in messages[0]


def test_cache_value_sets_come_from_botocore():
    group, user = "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/user:User"
    assert findings(res(group, "g", {"transitEncryptionMode": "required", "clusterMode": "enabled"})) == ([], [])
    assert findings(res(group, "g", {"transitEncryptionMode": "strict"}))[0] == [("sdk-enum", "g")]
    assert findings(res(user, "u", {"authenticationMode": {"type": "iam"}})) == ([], [])
    checks, messages = findings(res(user, "u", {"authenticationMode": {"type": "IAM"}}))
    assert checks == [("sdk-enum", "u")] and "InputAuthenticationType" in messages[0]


def test_types_the_sdks_do_not_declare_are_not_judged():
    assert args_shape("hybrid:messaging:Broker") is None
    assert args_shape("aws:nosuchservice/thing:Thing") is None
