"""Concerns judged on resources written the way users and peers write them, not only the shapes our components
emit: every case goes through pulumi-policy's own unknown-checking proxy (tests/rule_harness.py)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from policies.rules import ALL_RULES

from .rule_harness import DELETE, assert_change, changed, findings, not_applicable

ROOT = Path(__file__).resolve().parent.parent
SG, SG_RULE = "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
NSG, NSG_RULE = "azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"
INLINE = "inline ingress rule 0 admits the internet on {}"
SEPARATE = "ingress rule admits the internet on {}"
AZURE = "security rule admits inbound internet traffic on {}"


# --- open ingress --------------------------------------------------------------------------------

ENTRY_POINT = {"public-entry-point": "true"}
PARTNERS = ["198.51.100.0/24"]


def https(**extra):
    return {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"], **extra}


def test_https_from_anywhere_needs_a_declared_public_entry_point():
    assert_change("no-open-ingress", SG, {"ingress": [https()], "tags": ENTRY_POINT}, {"tags": DELETE},
                  [INLINE.format("TCP port 443 without the public-entry-point=true tag that declares a public "
                                 "entry point")])


@pytest.mark.parametrize("change, exposed", [
    ({"ingress.0.fromPort": 22, "ingress.0.toPort": 22}, "TCP port 22"),                   # SSH from the world, IPv4
    ({"ingress.0.protocol": "-1", "ingress.0.fromPort": 0, "ingress.0.toPort": 0}, "every protocol and port"),
    ({"ingress.0.cidrBlocks": ["10.0.0.0/8"], "ingress.0.ipv6CidrBlocks": ["::/0"], "ingress.0.fromPort": 22,
      "ingress.0.toPort": 22}, "TCP port 22"),                                              # SSH from the world, IPv6
    ({"ingress.0.cidrBlocks": ["10.0.0.0/8", "0.0.0.0/0"], "ingress.0.protocol": "udp"}, "UDP port 443"),
    ({"ingress.0.cidrBlocks": "0.0.0.0/0", "ingress.0.fromPort": 0, "ingress.0.toPort": 65535}, "TCP every port"),
])
def test_inline_security_group_ingress(change, exposed):
    assert_change("no-open-ingress", SG, {"ingress": [https()], "tags": ENTRY_POINT}, change, [INLINE.format(exposed)])


def test_default_security_group_inline_ingress():
    assert_change("no-open-ingress", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
                  {"ingress": [https()], "tags": ENTRY_POINT},
                  {"ingress.0.protocol": "-1"}, [INLINE.format("every protocol and port")])


@pytest.mark.parametrize("change, exposed", [
    ({"cidrBlocks": ["0.0.0.0/0"], "fromPort": 22, "toPort": 22}, "TCP port 22"),
    ({"cidrBlocks": ["0.0.0.0/0"], "protocol": "-1", "fromPort": 0, "toPort": 0}, "every protocol and port"),
    ({"ipv6CidrBlocks": ["::/0"], "fromPort": 3389, "toPort": 3389}, "TCP port 3389"),
    ({"cidrBlocks": ["0.0.0.0/0"], "protocol": "6", "fromPort": 8000, "toPort": 8080}, "TCP ports 8000-8080"),
    ({"cidrBlocks": ["0.0.0.0/0"]}, "TCP port 443 without the public-entry-point=true tag that declares a public "
                                    "entry point"),
])
def test_security_group_rule(change, exposed):
    assert_change("no-open-ingress", SG_RULE, {"type": "ingress", **https(cidrBlocks=PARTNERS)}, change,
                  [SEPARATE.format(exposed)])


@pytest.mark.parametrize("change, exposed", [
    ({"ipProtocol": "-1"}, "every protocol and port"),
    ({"cidrIpv4": DELETE, "cidrIpv6": "::/0", "fromPort": 22, "toPort": 22}, "TCP port 22")])
def test_vpc_ingress_rule(change, exposed):
    compliant = {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0", "tags": ENTRY_POINT}
    assert_change("no-open-ingress", SG_INGRESS, compliant, change, [SEPARATE.format(exposed)])


AZURE_HTTPS = {"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "198.51.100.0/24",
               "destinationPortRange": "443"}


@pytest.mark.parametrize("change, exposed", [
    ({"sourceAddressPrefix": "Internet", "destinationPortRange": "22"}, "TCP port 22"),
    ({"sourceAddressPrefix": "*", "protocol": "*"}, "every protocol on port 443"),
    ({"sourceAddressPrefix": "Internet", "destinationPortRange": "*"}, "TCP every port"),
    ({"sourceAddressPrefix": "0.0.0.0/0", "destinationPortRange": "3389-3390"}, "TCP ports 3389-3390"),
    ({"sourceAddressPrefixes": ["::/0"]}, "TCP port 443 without the public-entry-point=true tag that declares a "
                                          "public entry point")])
def test_azure_security_rule(change, exposed):
    assert_change("no-open-ingress", NSG_RULE, AZURE_HTTPS, change, [AZURE.format(exposed)])


def test_azure_inline_and_versioned_security_rules():
    assert_change("no-open-ingress", NSG, {"securityRules": [{**AZURE_HTTPS, "sourceAddressPrefix": "Internet"}],
                                           "tags": ENTRY_POINT},
                  {"securityRules.0.destinationPortRanges": ["443", "22"]},
                  ["security rule 0 admits inbound internet traffic on TCP ports 443, 22"])
    assert findings("no-open-ingress", "azure-native:network/v20230901:SecurityRule",
                    {**AZURE_HTTPS, "sourceAddressPrefix": "*", "destinationPortRange": "22"}) == [
        AZURE.format("TCP port 22")]


# --- least privilege -----------------------------------------------------------------------------

def doc(*statements, as_string=True, single=False):
    body = {"Version": "2012-10-17", "Statement": statements[0] if single else list(statements)}
    return json.dumps(body) if as_string else body


SCOPED = {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "arn:aws:sqs:eu-central-1:111122223333:orders"}


@pytest.mark.parametrize("type_", ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy",
                                   "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"])
@pytest.mark.parametrize("as_string, single", [(True, False), (False, False), (True, True), (False, True)])
@pytest.mark.parametrize("statement, expected", [
    ({"Action": "*"}, ["statement 0 allows a wildcard action"]),
    ({"Action": ["sqs:*"]}, ["statement 0 allows a wildcard action"]),
    ({"Resource": "*"}, ["statement 0 allows a wildcard resource"]),
    ({"Action": "*", "Resource": ["*"]}, ["statement 0 allows a wildcard action", "statement 0 allows a wildcard resource"]),
])
def test_identity_policies_in_every_form(type_, as_string, single, statement, expected):
    compliant = {"policy": doc(SCOPED, as_string=as_string, single=single)}
    bad = {"policy": doc({**SCOPED, **statement}, as_string=as_string, single=single)}
    assert findings("iam-least-privilege", type_, compliant) == []
    assert findings("iam-least-privilege", type_, bad) == expected


def test_not_action_not_resource_and_unscopable_actions():
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": SCOPED["Resource"]}
    assert findings("iam-least-privilege", "aws:iam/policy:Policy", {"policy": doc(not_action)}) == [
        "statement 0 allows a wildcard action"]
    not_resource = {"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": SCOPED["Resource"]}
    assert findings("iam-least-privilege", "aws:iam/policy:Policy", {"policy": doc(not_resource)}) == [
        "statement 0 allows a wildcard resource"]
    metrics = {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"}
    assert findings("iam-least-privilege", "aws:iam/policy:Policy", {"policy": doc(metrics)}) == []
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    assert findings("iam-least-privilege", "aws:iam/policy:Policy", {"policy": doc(deny)}) == []


def test_role_inline_policies():
    role = {"assumeRolePolicy": doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                     "Action": "sts:AssumeRole"}),
            "inlinePolicies": [{"name": "send", "policy": doc(SCOPED)}]}
    assert_change("iam-least-privilege", "aws:iam/role:Role", role,
                  {"inlinePolicies.0.policy": doc({**SCOPED, "Action": "*"})},
                  ["inline policy 0: statement 0 allows a wildcard action"])


PUBLIC = "statement 0 allows any principal (\"*\") without a condition on the caller"
RESOURCE_POLICY_TYPES = ["aws:sqs/queuePolicy:QueuePolicy", "aws:sns/topicPolicy:TopicPolicy",
                         "aws:s3/bucketPolicy:BucketPolicy", "aws:kms/key:Key",
                         "aws:secretsmanager/secretPolicy:SecretPolicy"]


@pytest.mark.parametrize("type_", RESOURCE_POLICY_TYPES)
@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111122223333:root", "*"]}])
def test_resource_policies_with_any_principal(type_, principal):
    named = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sqs:SendMessage",
             "Resource": "*"}
    compliant = {"policy": doc(named)}
    assert_change("resource-policy-not-public", type_, compliant,
                  {"policy": doc({**named, "Principal": principal})}, [PUBLIC])
    conditioned = {**named, "Principal": principal,
                   "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
    assert findings("resource-policy-not-public", type_, {"policy": doc(conditioned, as_string=False)}) == []


def test_not_principal_and_missing_policies():
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject"}
    assert findings("resource-policy-not-public", "aws:s3/bucketPolicy:BucketPolicy", {"policy": doc(statement)}) == [
        "statement 0 allows every principal but those in NotPrincipal, without a condition on the caller"]
    assert not_applicable("resource-policy-not-public", "aws:sqs/queue:Queue", {}) == [
        "no resource policy on this resource (the service's default denies other accounts)"]


# --- key rotation --------------------------------------------------------------------------------

KEY = "aws:kms/key:Key"


@pytest.mark.parametrize("change", [{"enableKeyRotation": False}, {"enableKeyRotation": DELETE},
                                    {"customerMasterKeySpec": "SYMMETRIC_DEFAULT", "enableKeyRotation": DELETE}])
def test_symmetric_keys_rotate(change):
    assert_change("kms-key-rotation", KEY, {"enableKeyRotation": True}, change,
                  ["symmetric key does not rotate: set enableKeyRotation to true"])


@pytest.mark.parametrize("type_, props, reason", [
    (KEY, {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"}, "rsa keys cannot rotate automatically"),
    (KEY, {"customerMasterKeySpec": "ECC_NIST_P256"}, "ecc keys cannot rotate automatically"),
    (KEY, {"customerMasterKeySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"}, "hmac keys cannot rotate automatically"),
    (KEY, {"customKeyStoreId": "cks-1234"}, "keys in a custom key store cannot rotate automatically"),
    ("aws:kms/externalKey:ExternalKey", {}, "imported key material (origin EXTERNAL) cannot rotate automatically"),
    ("aws:kms/replicaKey:ReplicaKey", {}, "a replica key shares its primary key's rotation"),
])
def test_keys_that_cannot_rotate_are_not_applicable(type_, props, reason):
    assert not_applicable("kms-key-rotation", type_, props) == [reason]


VAULT_KEY = "azure-native:keyvault:Key"
ROTATED_VAULT_KEY = {"properties": {"kty": "RSA", "keySize": 3072, "rotationPolicy": {"lifetimeActions": [
    {"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P1Y"}}]}}}
VAULT_KEY_STILL = ("Key Vault key does not rotate: set properties.rotationPolicy.lifetimeActions with a rotate action "
                   "and its trigger (timeAfterCreate or timeBeforeExpiry)")


@pytest.mark.parametrize("change", [
    {"properties.rotationPolicy": DELETE},
    {"properties.rotationPolicy.lifetimeActions": [{"action": {"type": "notify"},
                                                    "trigger": {"timeBeforeExpiry": "P30D"}}]},
    {"properties.rotationPolicy.lifetimeActions.0.trigger": {}},
])
def test_key_vault_keys_rotate_by_their_policy(change):
    assert_change("kms-key-rotation", VAULT_KEY, ROTATED_VAULT_KEY, change, [VAULT_KEY_STILL])


def test_a_key_vault_key_rotating_before_expiry_passes():
    assert findings("kms-key-rotation", VAULT_KEY, changed(ROTATED_VAULT_KEY, {
        "properties.rotationPolicy.lifetimeActions.0": {"action": {"type": "Rotate"},
                                                        "trigger": {"timeBeforeExpiry": "P30D"}}})) == []


# --- Key Vault protection ------------------------------------------------------------------------

VAULT = "azure-native:keyvault:Vault"
PROTECTED = {"properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}, "enablePurgeProtection": True}}
NO_PURGE = "purge protection is off: a deleted vault could be purged before its retention period ends"
NO_SOFT_DELETE = "soft delete is turned off: a deleted vault and its keys could not be recovered"


@pytest.mark.parametrize("change, expected", [
    ({"properties.enablePurgeProtection": DELETE}, [NO_PURGE]),
    ({"properties.enablePurgeProtection": False}, [NO_PURGE]),
    ({"properties.enableSoftDelete": False}, [NO_SOFT_DELETE]),
])
def test_key_vault_protection(change, expected):
    assert_change("key-vault-protection", VAULT, PROTECTED, change, expected)
    assert findings("key-vault-protection", VAULT, {"properties": {**PROTECTED["properties"],
                                                                   "enableSoftDelete": True}}) == []


def test_versioned_key_vault_tokens_and_managed_hsm_defaults():
    assert findings("key-vault-protection", "azure-native:keyvault/v20230701:Vault", {"properties": {}}) == [NO_PURGE]
    assert findings("key-vault-protection", "azure-native:keyvault:ManagedHsm", {"properties": {}}) == []
    assert findings("key-vault-protection", "azure-native:keyvault:ManagedHsm",
                    {"properties": {"enablePurgeProtection": False}}) == [NO_PURGE]


# --- unset inputs read as provider defaults ------------------------------------------------------

def test_unset_publicly_accessible_is_the_providers_default_false():
    assert_change("broker-not-public", "aws:mq/broker:Broker", {}, {"publiclyAccessible": True},
                  ["broker is publicly accessible: set publiclyAccessible to false"])


def test_unset_msk_transit_encryption_is_tls_only():
    assert_change("broker-tls-minimum", "aws:msk/cluster:Cluster", {},
                  {"encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS_PLAINTEXT"}}},
                  ["Kafka traffic is not TLS-only: set clientBroker to TLS and inCluster to true"])


# --- container privilege -------------------------------------------------------------------------

def pod_spec(**security):
    return {"containers": [{"name": "app", "image": "app:1", "securityContext": {"allowPrivilegeEscalation": False,
                                                                                 **security}}]}


@pytest.mark.parametrize("type_, wrap", [
    ("kubernetes:core/v1:Pod", lambda spec: {"spec": spec}),
    ("kubernetes:apps/v1:Deployment", lambda spec: {"spec": {"template": {"spec": spec}}}),
    ("kubernetes:apps/v1:DaemonSet", lambda spec: {"spec": {"template": {"spec": spec}}}),
    ("kubernetes:batch/v1:CronJob", lambda spec: {"spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}}),
])
def test_container_privilege(type_, wrap):
    rule = "container-no-privilege"
    assert findings(rule, type_, wrap(pod_spec())) == []
    assert findings(rule, type_, wrap(pod_spec(privileged=True))) == [
        "container app runs privileged: set securityContext.privileged to false",
        "container app may escalate privileges: set securityContext.allowPrivilegeEscalation to false"]
    unset = wrap({"initContainers": [{"name": "init", "image": "init:1"}], **pod_spec()})
    assert findings(rule, type_, unset) == [
        "initContainer init may escalate privileges: set securityContext.allowPrivilegeEscalation to false"]


# --- the bug class -------------------------------------------------------------------------------

def test_no_rule_branches_on_isinstance_list_or_dict():
    """Inside the engine lists and maps are proxies: isinstance(v, list/dict/tuple) is always false there."""
    offenders = []
    for path in sorted((ROOT / "policies").rglob("*.py")):
        if "venv" in path.relative_to(ROOT / "policies").parts:
            continue  # the pack's virtualenv (make setup creates it) holds its requirements, not its rules
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance" and len(node.args) == 2:
                kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
                if any(getattr(k, "id", "") in ("list", "dict", "tuple", "set") for k in kinds):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "use policies/rules/values.py (is_map, is_seq, as_list, maps): " + ", ".join(offenders)


def test_the_pack_loads_with_its_own_requirements_only():
    """As the engine runs it: policies/ on the path, `rules` imported, no provider SDK, component or script module."""
    probe = ("import sys; sys.path.insert(0, 'policies'); import rules; "
             "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('pulumi_aws', 'pulumi_azure_native', 'pulumi_kubernetes', 'components', 'scripts', 'policies')); "
             "print(len(rules.ALL_RULES), bad)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"{len(ALL_RULES)} []"


def test_only_a_condition_on_the_caller_fences_any_principal():
    invoke = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
    tls_only = {**invoke, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert findings("resource-policy-not-public", "aws:apigateway/restApi:RestApi", {"policy": doc(tls_only)}) == [
        PUBLIC]
    allow_list = {**invoke, "Effect": "Deny", "Condition": {"NotIpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}}}
    assert findings("resource-policy-not-public", "aws:apigateway/restApi:RestApi",
                    {"policy": doc(invoke, allow_list)}) == []
