"""A cache alone under mocks, then its invalidation path with the broker and the owner node (practice 4.4).

ElastiCache for Valkey: TLS only, encrypted at rest with its own rotated key, IAM authentication through an RBAC
user group, private subnets, a security group admitting the owner node's network on the Valkey ports only.
Azure Managed Redis: TLS only, access keys off, an Entra access policy for the node's federated identity, public
access off behind a private endpoint. The path: the owner's change topic delivers to the invalidation queue (with
its DLQ), the owner node consumes it and is told the cache's endpoint, TTL and queue, and may connect as the user.
"""

from __future__ import annotations

import json
import re

import pulumi
import pytest
import pulumi_kubernetes as k8s

from components.alerting import AlertRoutes, alert_topic_arn
from components.caches import AwsCacheTarget, AzureCacheTarget, Cache, CacheArgs
from components.caches.azure_redis import key_vault_name
from scripts.planner.ids import stable_uuid
from components.compute import CacheClient, ProcessingNode, ProcessingNodeArgs
from components.compute.node import ConsumedQueue
from components.messaging import Broker, BrokerArgs
from components.messaging.backend import Alerting, AwsPlace, Estate, Placements, Protection
from components.naming import EstateNames
from components.spec.brokers import SqsSnsBroker
from components.spec.caches import CacheSpec
from components.spec.nodes import NodeSpec, Telemetry

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build

REGION = "eu-central-1"
VPC_CIDR = "10.10.0.0/16"
SITE_CIDR = "172.16.0.0/20"
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789"


def key_arn(key: dict) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key['id']}"


def queue_arn(queue: dict) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue['inputs']['name']}"


def spec(**size) -> CacheSpec:
    return CacheSpec.model_validate({
        "name": "customer-profiles", "engine": "elasticache-valkey", "region": REGION, "owner": "customer-data",
        "entities": ["customer"], "ttl_seconds": 900, "size": size,
        "invalidation": {"node": "customer-profiles", "queue": "customer-cache-invalidations"}})


def target(provider=None) -> AwsCacheTarget:
    return AwsCacheTarget(provider=provider or aws_provider(REGION), region=REGION, account=ACCOUNT, vpc_id="vpc-0123456789abcdef0",
                          subnet_ids=["subnet-a", "subnet-b", "subnet-c"], vpc_cidr=VPC_CIDR, client_cidrs=(SITE_CIDR,))


def aws_cache(protect: bool = True, **size):
    return build(lambda: Cache("cache-customer-profiles", CacheArgs(
        spec=spec(**size), environment="unit", target=target(), protect=protect)))


def test_a_serverless_valkey_cache_is_encrypted_with_its_own_key_and_admits_only_iam_users():
    built = aws_cache()
    assert_children_named_after(built, "hybrid:data:Cache", "cache-customer-profiles")
    [cache] = built.of_type("aws:elasticache/serverlessCache:ServerlessCache")
    inputs = cache["inputs"]
    assert (inputs["engine"], inputs["majorEngineVersion"]) == ("valkey", "8")
    key = built.named("cache-customer-profiles-key")
    assert key["inputs"]["enableKeyRotation"] is True and inputs["kmsKeyId"] == key_arn(key)
    assert key["protect"] and cache["protect"], "the cache and its key are protected in production"
    statements = {s["Sid"]: s for s in json.loads(key["inputs"]["policy"])["Statement"]}
    assert statements["ElastiCacheViaService"]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"elasticache.{REGION}.amazonaws.com"}}
    # Auth: a user group of one IAM-authenticated user whose id is its name (what IAM auth requires).
    [group] = built.of_type("aws:elasticache/userGroup:UserGroup")
    [user] = built.of_type("aws:elasticache/user:User")
    assert inputs["userGroupId"] == group["id"] and group["urn"] in cache["dependencies"]
    assert group["inputs"]["userIds"] == [user["inputs"]["userId"]] and group["inputs"]["engine"] == "valkey"
    assert user["inputs"]["authenticationMode"] == {"type": "iam"}
    assert user["inputs"]["userId"] == user["inputs"]["userName"] == "unit-customer-profiles-app"
    assert user["inputs"]["accessString"].startswith("on ~customer:* -@all")
    assert "-@dangerous" in user["inputs"]["accessString"] and "&" not in user["inputs"]["accessString"]
    assert built.component.ports == (6379, 6380)


def test_the_cache_sits_in_private_subnets_behind_a_group_admitting_only_the_owner_network():
    built = aws_cache()
    [cache] = built.of_type("aws:elasticache/serverlessCache:ServerlessCache")
    assert cache["inputs"]["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]
    group = built.named("cache-customer-profiles-sg")
    assert cache["inputs"]["securityGroupIds"] == [group["id"]]
    ingress = group["inputs"]["ingress"]
    assert {(r["fromPort"], r["toPort"], r["protocol"]) for r in ingress} == {(6379, 6379, "tcp"), (6380, 6380, "tcp")}
    assert all(r["cidrBlocks"] == [SITE_CIDR] for r in ingress)
    assert all(r["cidrBlocks"] == [VPC_CIDR] for r in group["inputs"]["egress"])


def test_a_node_based_cache_requires_tls_encrypts_at_rest_and_fails_over_across_zones():
    built = aws_cache(mode="nodes", node_type="cache.r7g.large", shards=2, replicas=2)
    [group] = built.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    inputs = group["inputs"]
    assert inputs["transitEncryptionEnabled"] is True and inputs["transitEncryptionMode"] == "required"
    assert inputs["atRestEncryptionEnabled"] is True
    assert inputs["kmsKeyId"] == key_arn(built.named("cache-customer-profiles-key"))
    assert inputs["userGroupIds"] == [built.named("cache-customer-profiles-users")["id"]]
    assert "authToken" not in inputs, "no shared password: IAM users only"
    assert inputs["automaticFailoverEnabled"] is True and inputs["multiAzEnabled"] is True
    assert (inputs["numNodeGroups"], inputs["replicasPerNodeGroup"]) == (2, 2)
    assert inputs["clusterMode"] == "enabled" and inputs["parameterGroupName"] == "default.valkey8.cluster.on"
    subnets = built.named("cache-customer-profiles-subnets")
    assert inputs["subnetGroupName"] == subnets["id"]
    assert subnets["inputs"]["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]


def test_outside_production_the_cache_is_not_protected():
    built = aws_cache(protect=False)
    assert not any(r["protect"] for r in built.resources)


DEPLOYER = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"
TENANT = "99999999-8888-7777-6666-555555555555"


def azure_cache(protect: bool = True, tags: dict | None = None):
    """A synthetic Azure Managed Redis cache (no shipped environment declares one), built alone."""
    def program():
        import pulumi_azure_native as azure

        provider = azure.Provider("azure-westeurope", location="westeurope", subscription_id=SUBSCRIPTION)
        return Cache("cache-customer-profiles", CacheArgs(
            spec=spec().model_copy(update={"engine": "azure-managed-redis", "region": "westeurope"}),
            environment="unit", protect=protect, tags=tags or {}, target=AzureCacheTarget(
                provider=provider, location="westeurope", resource_group_name="unit-rg",
                endpoint_subnet_id="/subscriptions/s/resourceGroups/unit-rg/providers/Microsoft.Network/"
                                   "virtualNetworks/v/subnets/endpoints",
                names=EstateNames(suffix="acme"), issuer="https://oidc.k8s-fra.example.com",
                subject="system:serviceaccount:customer-profiles:customer-profiles",
                subscription_id=SUBSCRIPTION, tenant_id=TENANT, deployer=(DEPLOYER, "ServicePrincipal"))))
    return build(program)


def test_an_azure_managed_redis_cache_is_tls_only_entra_only_and_private():
    built = azure_cache()
    assert_children_named_after(built, "hybrid:data:Cache", "cache-customer-profiles")
    [cluster] = built.of_type("azure-native:redisenterprise:RedisEnterprise")
    assert cluster["inputs"]["minimumTlsVersion"] == "1.2" and cluster["inputs"]["publicNetworkAccess"] == "Disabled"
    assert cluster["inputs"]["clusterName"] == "unit-customer-profiles-acme" and cluster["protect"]
    [database] = built.of_type("azure-native:redisenterprise:Database")
    assert database["inputs"]["clientProtocol"] == "Encrypted"
    assert database["inputs"]["accessKeysAuthentication"] == "Disabled"
    [endpoint] = built.of_type("azure-native:network:PrivateEndpoint")
    [connection] = endpoint["inputs"]["privateLinkServiceConnections"]
    assert connection["privateLinkServiceId"] == cluster["id"] and connection["groupIds"] == ["redisEnterprise"]
    identity = built.named("cache-customer-profiles-client")
    [federation] = built.of_type("azure-native:managedidentity:FederatedIdentityCredential")
    assert federation["inputs"]["resourceName"] == identity["inputs"]["resourceName"]
    assert federation["inputs"]["issuer"] == "https://oidc.k8s-fra.example.com"
    assert federation["inputs"]["subject"] == "system:serviceaccount:customer-profiles:customer-profiles"
    assert federation["inputs"]["audiences"] == ["api://AzureADTokenExchange"]
    [assignment] = built.of_type("azure-native:redisenterprise:AccessPolicyAssignment")
    assert assignment["inputs"]["accessPolicyName"] == "default"
    assert assignment["inputs"]["user"]["objectId"] and identity["urn"] in assignment["dependencies"]
    assert assignment["inputs"]["databaseName"] == "default" and database["urn"] in assignment["dependencies"]
    assert built.component.connect_policy is None and built.component.ports == (10000,)


def test_an_azure_cache_encrypts_at_rest_with_its_own_rotated_key_through_its_own_identity():
    built = azure_cache()
    cluster = built.named("cache-customer-profiles-cluster")
    identity = built.named("cache-customer-profiles-key-identity")
    assert identity["id"] != built.named("cache-customer-profiles-client")["id"], "not the node's identity"
    # The vault: the cache's region, RBAC, soft delete and purge protection, closed to networks but trusted services.
    vault = built.named("cache-customer-profiles-vault")
    properties = vault["inputs"]["properties"]
    assert vault["inputs"]["location"] == "westeurope" and vault["protect"]
    assert vault["inputs"]["vaultName"] == key_vault_name(EstateNames(suffix="acme"), "unit", "customer-profiles")
    assert properties["tenantId"] == TENANT and properties["enableRbacAuthorization"] is True
    assert properties["enableSoftDelete"] is True and properties["enablePurgeProtection"] is True
    assert properties["softDeleteRetentionInDays"] == 90
    assert properties["networkAcls"] == {"bypass": "AzureServices", "defaultAction": "Deny"}
    # The key: RSA (the only type the service takes), wrap/unwrap only, rotated by its policy, made as the deployer.
    key = built.named("cache-customer-profiles-key")
    assert key["inputs"]["vaultName"] == vault["inputs"]["vaultName"] and vault["urn"] in key["dependencies"]
    assert (key["inputs"]["properties"]["kty"], key["inputs"]["properties"]["keySize"]) == ("RSA", 3072)
    assert key["inputs"]["properties"]["keyOps"] == ["wrapKey", "unwrapKey"] and key["protect"]
    assert key["inputs"]["properties"]["rotationPolicy"]["lifetimeActions"] == [
        {"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P1Y"}}]
    deployer = built.named("cache-customer-profiles-vault-deployer")
    assert deployer["inputs"]["principalId"] == DEPLOYER and deployer["inputs"]["scope"] == vault["id"]
    assert deployer["inputs"]["roleDefinitionId"].endswith("/roleDefinitions/14b46e9e-c2b7-41b4-b07b-48a6ebf60603")
    assert deployer["inputs"]["roleDefinitionId"].startswith(f"/subscriptions/{SUBSCRIPTION}/")
    assert deployer["urn"] in key["dependencies"], "ARM creates the key as the deployer: its grant comes first"
    # The identity may wrap and unwrap with that key only, and holds that before the cluster exists.
    grant = built.named("cache-customer-profiles-key-user")
    assert grant["inputs"]["scope"] == key["id"] and key["id"].endswith("/keys/customer-profiles-kek")
    assert grant["inputs"]["principalId"] == stable_uuid(identity["urn"] + "#principal"), "the mock's principalId"
    assert identity["urn"] in grant["dependencies"] and key["urn"] in grant["dependencies"]
    assert grant["inputs"]["roleDefinitionId"].endswith("/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6")
    assert grant["urn"] in cluster["dependencies"], "the cluster is created after its identity may use the key"
    # The cluster names the key's versioned URL (the only form the API takes) and the identity, both as Outputs.
    assert cluster["inputs"]["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [identity["id"]]}
    cmk = cluster["inputs"]["encryption"]["customerManagedKeyEncryption"]
    assert re.fullmatch(rf"https://{vault['inputs']['vaultName']}\.vault\.azure\.net/keys/customer-profiles-kek/"
                        r"[0-9a-f]{32}", cmk["keyEncryptionKeyUrl"]), "the key's keyUriWithVersion"
    assert cmk["keyEncryptionKeyIdentity"] == {"identityType": "userAssignedIdentity",
                                               "userAssignedIdentityResourceId": identity["id"]}
    assert key["urn"] in cluster["dependencies"] and identity["urn"] in cluster["dependencies"]


@pytest.mark.parametrize("names", [EstateNames(), EstateNames(suffix="acme"), EstateNames(prefix="ac", suffix="x1")])
def test_a_cache_vault_name_fits_key_vault_rules_keeps_the_affixes_and_stays_distinct(names):
    short = key_vault_name(names, "dev", "cp")
    assert short == names.unique("dev-cp-kv", limit=24)
    long_a = key_vault_name(names, "staging", "customer-profiles-eu")
    long_b = key_vault_name(names, "staging", "customer-profiles-us")
    assert long_a != long_b, "a long name keeps a digest of the cache's name"
    for vault in (short, long_a, long_b):
        assert re.fullmatch(r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]", vault), vault
        assert vault.startswith(f"{names.prefix}-" if names.prefix else "dev" if vault is short else "staging")
        assert vault.endswith(f"-{names.suffix}" if names.suffix else "")


def test_outside_production_the_azure_cache_and_its_key_are_not_protected():
    built = azure_cache(protect=False)
    assert not any(r["protect"] for r in built.resources)
    assert built.named("cache-customer-profiles-vault")["inputs"]["properties"]["softDeleteRetentionInDays"] == 7


def test_an_azure_cache_built_by_the_component_passes_every_rule_and_contract_check_in_production():
    from components.providers import platform_tags
    from components.spec import parse_environment
    from policies.rules import ALL_RULES
    from policies.rules.evaluate import evaluate
    from scripts.checker.sources import resources_of
    from scripts.contracts import contract_findings
    from scripts.policy_config import policy_config

    from ..conftest import load_spec_data
    from ..test_spec import SECRET_KEYS

    prod = parse_environment(load_spec_data("prod"), "environments/prod.yaml", SECRET_KEYS)
    document = {"version": 3, "deployment": {"manifest": {}, "resources": azure_cache(tags=platform_tags(prod)).resources}}
    # Resource rules only: the stack rules judge a whole environment (its alarms, its catalog), not one component.
    rules = [rule for rule in ALL_RULES if not rule.stack]
    verdicts = {v.rule.id: v for v in evaluate(resources_of(document), rules, policy_config(prod), None)}
    assert {rule: v.violations for rule, v in verdicts.items() if v.violations} == {}
    judged = {urn.rsplit("::", 1)[1] for urn, _ in verdicts["cache-cmk-encryption"].not_applicable}
    assert "cache-customer-profiles-cluster" not in judged, "the rule judged the cluster and it passed"
    assert verdicts["key-vault-protection"].passed and verdicts["kms-key-rotation"].passed
    assert contract_findings(document) == []


def test_the_cmk_rule_fails_the_same_cluster_without_its_customer_managed_key():
    from tests.rule_harness import DELETE, assert_change

    cluster = azure_cache().named("cache-customer-profiles-cluster")
    assert_change("cache-cmk-encryption", cluster["type"], cluster["inputs"], {"encryption": DELETE},
                  ["Azure Managed Redis encrypted with Microsoft-managed keys: set "
                   "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl with a user-assigned identity"])
    assert_change("cache-cmk-encryption", cluster["type"], cluster["inputs"],
                  {"encryption.customerManagedKeyEncryption.keyEncryptionKeyIdentity": DELETE},
                  ["Azure Managed Redis names a key but no identity to read it with: set encryption."
                   "customerManagedKeyEncryption.keyEncryptionKeyIdentity.userAssignedIdentityResourceId to a "
                   "user-assigned identity the cluster carries"])


# ---- the invalidation path: change topic -> invalidation queue (with DLQ) -> owner node -> cache -----------------

CUSTOMERS = SqsSnsBroker.model_validate({
    "name": "customers", "kind": "sqs-sns", "region": REGION, "owner": "customer-data",
    "queues": [{"name": "crm-changes"}, {"name": "customer-cache-invalidations", "max_receive_count": 5}],
    "topics": [{"name": "customer-changed", "subscribers": ["crm-changes", "customer-cache-invalidations"]}]})
NODE = NodeSpec.model_validate({
    "name": "customer-profiles", "cluster": "eks-fra", "region": REGION, "owner": "customer-data",
    "image": "registry.example.com/customer-profiles@sha256:" + "b" * 64,
    "consumes": [{"broker": "customers", "queue": "customer-cache-invalidations"}]})
ALERTS = AlertRoutes(topics={REGION: {s: alert_topic_arn("unit", ACCOUNT, REGION, s) for s in ("critical", "warning")}})


def invalidation_path():
    def program():
        provider = aws_provider(REGION)
        broker = Broker("customers", BrokerArgs(spec=CUSTOMERS, estate=Estate("unit", ACCOUNT),
                                                protection=Protection(protect=False, production=False),
                                                places=Placements(aws={REGION: AwsPlace(provider)}),
                                                alerting=Alerting(ALERTS)))
        copy = broker.regions[REGION]
        cache = Cache("cache-customer-profiles", CacheArgs(spec=spec(), environment="unit", target=target(provider)))
        client = CacheClient(name="customer-profiles", endpoint=cache.endpoint, ports=cache.ports, user=cache.user,
                             ttl_seconds=cache.ttl_seconds, key_prefixes=cache.key_prefixes,
                             invalidation_queue="customer-cache-invalidations", cidr=VPC_CIDR,
                             connect_policy=cache.connect_policy)
        queue = "customer-cache-invalidations"
        ProcessingNode("node-customer-profiles", ProcessingNodeArgs(
            spec=NODE, environment="unit", oidc_provider_arn=OIDC,
            keda_operator_role_arn=f"arn:aws:iam::{ACCOUNT}:role/unit-keda-eks-fra",
            queues=(ConsumedQueue(queue, copy.queue_urls[queue], copy.queue_arns[queue], REGION, copy.key_arn, 20),),
            topics=(), broker_cidrs=(VPC_CIDR,), telemetry=Telemetry(),
            cluster_provider=k8s.Provider("k8s-eks-fra", kubeconfig=pulumi.Output.secret("apiVersion: v1")),
            aws_provider=provider, caches=(client,)))
        return cache
    return build(program)


def test_the_change_topic_delivers_to_the_invalidation_queue_which_dead_letters():
    built = invalidation_path()
    topic = built.named("customers-euc1-customer-changed")
    queue = built.named("customers-euc1-customer-cache-invalidations")
    dlq = built.named("customers-euc1-customer-cache-invalidations-dlq")
    subscription = built.named("customers-euc1-customer-changed-to-customer-cache-invalidations")
    assert subscription["inputs"]["topic"] == topic["id"]
    assert subscription["inputs"]["endpoint"] == queue_arn(queue) and subscription["inputs"]["protocol"] == "sqs"
    assert json.loads(queue["inputs"]["redrivePolicy"]) == {"deadLetterTargetArn": queue_arn(dlq),
                                                             "maxReceiveCount": 5}
    policy = json.loads(built.named("customers-euc1-customer-cache-invalidations-policy")["inputs"]["policy"])
    assert topic["id"] in json.dumps(policy), "the queue admits the change topic's deliveries"


def test_the_owner_node_consumes_the_queue_connects_as_the_cache_user_and_is_told_where_and_how_long():
    built = invalidation_path()
    queue = built.named("customers-euc1-customer-cache-invalidations")
    access = json.loads(built.named("node-customer-profiles-access")["inputs"]["policy"])
    receive = [s for s in access["Statement"] if "sqs:ReceiveMessage" in s["Action"]]
    assert receive and all(s["Resource"] in (queue_arn(queue), [queue_arn(queue)]) for s in receive)
    connect = built.named("node-customer-profiles-cache-customer-profiles")
    assert connect["inputs"]["role"] == built.named("node-customer-profiles-role")["id"]
    [statement] = json.loads(connect["inputs"]["policy"])["Statement"]
    cache = built.named("cache-customer-profiles-cache")
    user = built.named("cache-customer-profiles-user")
    assert statement["Action"] == "elasticache:Connect"
    assert statement["Resource"] == sorted([f"arn:aws:elasticache:{REGION}:{ACCOUNT}:serverlesscache:{cache['id']}",
                                            f"arn:aws:elasticache:{REGION}:{ACCOUNT}:user:{user['id']}"])
    assert cache["urn"] in connect["dependencies"] and user["urn"] in connect["dependencies"]
    deployment = built.named("node-customer-profiles-deployment")
    env = {e["name"]: e.get("value") for e in deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    endpoint = env["CACHE_CUSTOMER_PROFILES_ENDPOINT"]
    assert endpoint.startswith(f"{cache['id']}-") and endpoint.endswith(".serverless.euc1.cache.amazonaws.com")
    assert env["CACHE_CUSTOMER_PROFILES_TTL_SECONDS"] == "900"
    assert env["CACHE_CUSTOMER_PROFILES_INVALIDATION_QUEUE_URL"] == queue["id"]
    assert (env["CACHE_CUSTOMER_PROFILES_AUTH"], env["CACHE_CUSTOMER_PROFILES_TLS"]) == ("iam", "true")
    assert env["CACHE_CUSTOMER_PROFILES_USER"] == user["inputs"]["userName"]
    assert env["CACHE_CUSTOMER_PROFILES_KEY_PREFIXES"] == "customer:"
    assert cache["urn"] in deployment["dependencies"], "the Deployment waits for the cache it names"
    egress = built.named("node-customer-profiles-network-policy")["inputs"]["spec"]["egress"]
    assert {"to": [{"ipBlock": {"cidr": VPC_CIDR}}], "ports": [{"protocol": "TCP", "port": 6379}]} in egress
