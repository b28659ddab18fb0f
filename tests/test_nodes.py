"""Processing nodes (issue 5, part B): placement, probes, identity, scaling, spec errors and rules."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, strategies as st
from typer.testing import CliRunner

from components.workload_identity import oidc_issuer
from components.compute.scaling import drain_seconds, queue_length_target
from components.spec import SpecError, parse_environment
from scripts.cli import app
from tests.conftest import by_name, by_type, load_spec_data, write_env

REGION_LABEL = "topology.kubernetes.io/region"


def _inputs(plan, name):
    return by_name(plan, name)["inputs"]


def _pod(plan, node):
    return _inputs(plan, f"node-{node}-deployment")["spec"]["template"]["spec"]


def _env(plan, node):
    return {e["name"]: e.get("value") for e in _pod(plan, node)["containers"][0]["env"]}


# --- shipped environments -------------------------------------------------------------------------

@pytest.mark.parametrize("node,provider,region_label", [
    ("order-billing", "k8s-eks-fra", "eu-central-1"),
    ("order-fulfilment", "k8s-eks-dub", "eu-west-1"),
    ("crm-sync", "k8s-k8s-fra", "fra-dc1"),
])
def test_prod_nodes_are_pinned_to_their_cluster_and_region(plans, node, provider, region_label):
    plan = plans["prod"]
    deployment = by_name(plan, f"node-{node}-deployment")
    assert deployment["provider"].split("::")[-2].endswith(provider), deployment["urn"]
    pod = _pod(plan, node)
    term = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
    assert term["matchExpressions"] == [{"key": REGION_LABEL, "operator": "In", "values": [region_label]}]
    spread = pod["topologySpreadConstraints"][0]
    assert spread["topologyKey"] == "topology.kubernetes.io/zone" and spread["whenUnsatisfiable"] == "DoNotSchedule"
    assert spread["labelSelector"]["matchLabels"]["app.kubernetes.io/name"] == node


def test_lower_tiers_only_prefer_zone_spreading(plans):
    pod = _pod(plans["dev"], "order-billing")
    assert pod["topologySpreadConstraints"][0]["whenUnsatisfiable"] == "ScheduleAnyway"


def test_probes_and_resources_come_from_the_spec(plans):
    fulfilment = _pod(plans["prod"], "order-fulfilment")["containers"][0]
    assert fulfilment["startupProbe"]["httpGet"] == {"path": "/health/started", "port": 9090}
    assert fulfilment["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": 9090}
    assert fulfilment["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": 9090}
    billing = _pod(plans["prod"], "order-billing")["containers"][0]
    assert billing["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": 8080}
    assert billing["resources"] == {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "2", "memory": "1Gi"}}
    dev = _pod(plans["dev"], "order-billing")["containers"][0]
    assert dev["resources"]["limits"] == {"cpu": "500m", "memory": "256Mi"}


def test_disruption_budget_selects_the_pods(plans):
    plan = plans["prod"]
    pdb = _inputs(plan, "node-order-billing-pdb")
    labels = _inputs(plan, "node-order-billing-deployment")["spec"]["template"]["metadata"]["labels"]
    assert pdb["metadata"]["namespace"] == "billing" and pdb["spec"]["maxUnavailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()


# order-fulfilment reads its queue in eu-west-1 and its integration's rollback switches in eu-central-1.
@pytest.mark.parametrize("node,cidrs", [("order-billing", ["10.10.0.0/16"]),
                                        ("order-fulfilment", ["10.10.0.0/16", "10.20.0.0/16"]),
                                        ("crm-sync", ["10.10.0.0/16"])])
def test_network_policy_denies_all_but_dns_collector_and_broker_https(plans, node, cidrs):
    spec = _inputs(plans["prod"], f"node-{node}-network-policy")["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    if node == "order-billing":  # an integration monitors it: only Prometheus may reach, only its metrics port
        assert spec["ingress"] == [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
                                              "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}],
                                    "ports": [{"protocol": "TCP", "port": 9464}]}]
    else:
        assert spec["ingress"] == []
    dns, collector, broker = spec["egress"]
    assert {p["port"] for p in dns["ports"]} == {53}
    assert collector["to"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "observability"}
    assert collector["ports"] == [{"protocol": "TCP", "port": 4317}]
    assert broker == {"to": [{"ipBlock": {"cidr": c}} for c in cidrs], "ports": [{"protocol": "TCP", "port": 443}]}


def test_telemetry_and_json_logs(plans):
    env = _env(plans["prod"], "order-fulfilment")
    assert env["LOG_FORMAT"] == "json"
    assert env["OTEL_SERVICE_NAME"] == "order-fulfilment"
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector.observability.svc:4317"
    attributes = dict(kv.split("=", 1) for kv in env["OTEL_RESOURCE_ATTRIBUTES"].split(","))
    assert attributes["cloud.region"] == "eu-west-1" and attributes["k8s.cluster.name"] == "eks-dub"
    assert attributes["deployment.environment.name"] == "prod"
    # Nodes read the broker copy in their own region; on-prem nodes read the primary.
    assert env["QUEUE_FULFILMENT_ORDERS_URL"].startswith("https://sqs.eu-west-1.amazonaws.com/432109876543/")
    assert _env(plans["prod"], "crm-sync")["QUEUE_CRM_CHANGES_URL"].startswith("https://sqs.eu-central-1.")


def _statements(plan, name):
    return {s["Sid"]: s for s in json.loads(_inputs(plan, name)["policy"])["Statement"]}


def test_node_iam_policy_names_only_its_own_queues(plans):
    plan = plans["prod"]
    own = _statements(plan, "node-order-fulfilment-access")
    assert set(own["ConsumeOwnQueues"]["Resource"]) == {
        "arn:aws:sqs:eu-west-1:432109876543:prod-orders-fulfilment-orders.fifo",
        "arn:aws:sqs:eu-west-1:432109876543:prod-orders-partner-inbound"}
    assert own["PublishOwnTopics"]["Resource"] == ["arn:aws:sns:eu-west-1:432109876543:prod-orders-order-lifecycle.fifo"]
    billing = _statements(plan, "node-order-billing-access")
    # billing-orders, and the order-to-cash saga's step queues it answers (docs/sagas.md)
    assert billing["ConsumeOwnQueues"]["Resource"] == sorted(
        f"arn:aws:sqs:eu-central-1:432109876543:prod-orders-{q}"
        for q in ("billing-orders.fifo", "stock-reservations", "payment-charges", "shipment-requests"))
    assert "PublishOwnTopics" not in billing
    key = by_name(plan, "orders-euc1-key")
    assert billing["DecryptOwnQueues0"]["Resource"] == [f"arn:aws:kms:eu-central-1:432109876543:key/{key['id']}"]
    assert billing["DecryptOwnQueues0"]["Condition"] == {"StringEquals": {"kms:ViaService": "sqs.eu-central-1.amazonaws.com"}}
    for statement in [*own.values(), *billing.values()]:
        assert all("*" not in a for a in statement["Action"]) and all("*" not in r for r in statement["Resource"])
    scaler = _statements(plan, "node-order-billing-scaler-access")
    assert scaler["ReadQueueDepth"] == {"Sid": "ReadQueueDepth", "Effect": "Allow", "Action": ["sqs:GetQueueAttributes"],
                                        "Resource": billing["ConsumeOwnQueues"]["Resource"]}


def test_irsa_trust_names_the_cluster_oidc_provider_and_exact_subject(plans):
    role = _inputs(plans["prod"], "node-crm-sync-role")
    statement = json.loads(role["assumeRolePolicy"])["Statement"][0]
    provider = "arn:aws:iam::432109876543:oidc-provider/oidc.k8s-fra.example.com"
    assert statement["Principal"] == {"Federated": provider}
    assert statement["Condition"]["StringEquals"] == {"oidc.k8s-fra.example.com:sub": "system:serviceaccount:crm:crm-sync",
                                                      "oidc.k8s-fra.example.com:aud": "sts.amazonaws.com"}
    account = _inputs(plans["prod"], "node-crm-sync-service-account")
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::432109876543:role/prod-node-crm-sync"


def test_scaled_object_scales_on_queue_depth_after_keda(plans):
    plan = plans["prod"]
    scaled = by_name(plan, "node-order-billing-scaled-object")
    spec = scaled["inputs"]["spec"]
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (3, 30)
    trigger = spec["triggers"][0]
    assert trigger["type"] == "aws-sqs-queue" and trigger["authenticationRef"] == {"name": "order-billing-aws"}
    assert trigger["metadata"]["queueLength"] == str(queue_length_target(20, 600))
    assert trigger["metadata"]["awsRegion"] == "eu-central-1"
    keda = by_name(plan, "addons-eks-fra-keda")["urn"]
    assert keda in scaled["dependencies"]
    auth = _inputs(plan, "node-order-billing-trigger-auth")["spec"]
    assert auth == {"podIdentity": {"provider": "aws", "roleArn": "arn:aws:iam::432109876543:role/prod-node-order-billing-scaler"}}
    # One per node of the spec (nodes and their warm standbys), none for anything else.
    assert len(by_type(plan, "kubernetes:keda.sh/v1alpha1:ScaledObject")) == len(load_spec_data("prod")["processing"]["nodes"])


def test_shared_namespace_is_created_once(plans):
    names = [r["inputs"]["metadata"]["name"] for r in by_type(plans["prod"], "kubernetes:core/v1:Namespace")
             if "ProcessingNode" in r["urn"]]
    # once per cluster: billing and crm also exist on eks-dub for the standby consumers
    assert sorted(names) == ["billing", "billing", "crm", "crm", "customer-profiles", "customer-profiles", "fulfilment"]


# --- pure functions -------------------------------------------------------------------------------

@given(st.floats(0.01, 10000), st.integers(1, 86400), st.floats(0.05, 1))
def test_queue_length_target_drains_within_the_age_slo(rate, max_age, headroom):
    target = queue_length_target(rate, max_age, headroom)
    assert target >= 1
    # A backlog of `target` per replica drains within headroom of the SLO (or one message is the floor).
    assert target == 1 or drain_seconds(target * 3, 3, rate) <= max_age * headroom + 1e-6


@given(st.floats(0.01, 1000), st.floats(0.01, 1000), st.integers(1, 3600))
def test_queue_length_target_grows_with_throughput(a, b, max_age):
    low, high = sorted((a, b))
    assert queue_length_target(low, max_age) <= queue_length_target(high, max_age)


def test_oidc_issuer():
    assert oidc_issuer("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC") == \
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC"


# --- spec errors ----------------------------------------------------------------------------------

def _problems(data) -> list[str]:
    with pytest.raises(SpecError) as error:
        parse_environment(data, "environments/prod.yaml")
    return [f"{i.path}: {i.message}" for i in error.value.issues]


def test_eu_pinned_node_in_a_us_region_exits_2(project_copy):
    data = load_spec_data("prod")
    data["clusters"].append({"name": "eks-use", "cloud": "aws", "region": "us-east-1", "kubernetes_version": "1.31",
                             "kubeconfig": {"secret": "kubeconfig"},
                             "oidc_provider_arn": "arn:aws:iam::432109876543:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X"})
    node = copy.deepcopy(data["processing"]["nodes"][0])
    node.update(name="billing-us", cluster="eks-use", region="us-east-1")
    data["processing"]["nodes"].append(node)
    write_env(project_copy, "prod", data)
    result = CliRunner().invoke(app, ["validate", "prod", "--root", str(project_copy)], catch_exceptions=False)
    assert result.exit_code == 2
    index = len(data["processing"]["nodes"]) - 1
    assert (f"environments/prod.yaml: processing.nodes[{index}].region: node pinned to residency zone 'eu' cannot run in "
            "'us-east-1'") in result.output


def test_node_references_must_resolve():
    data = load_spec_data("prod")
    nodes = data["processing"]["nodes"]
    nodes[0]["cluster"] = "eks-nowhere"
    nodes[1]["consumes"] = [{"broker": "orders", "queue": "no-such-queue"}, {"broker": "ghost", "queue": "ghost-queue"}]
    nodes[2]["consumes"] = [{"broker": "payments", "queue": "payment-settled"}]
    problems = _problems(data)
    assert any(p.startswith("processing.nodes[0].cluster: undefined cluster 'eks-nowhere'") for p in problems)
    assert any(p.startswith("processing.nodes[1].consumes[0].queue: undefined queue 'no-such-queue'") for p in problems)
    assert any(p.startswith("processing.nodes[1].consumes[1].broker: undefined broker 'ghost'") for p in problems)
    assert any(p.startswith("processing.nodes[2].consumes[0].broker: broker 'payments' is msk") for p in problems)


def test_node_region_must_match_its_cluster_and_have_a_local_copy():
    data = load_spec_data("prod")
    data["processing"]["nodes"][0]["region"] = "eu-west-1"          # cluster eks-fra is in eu-central-1
    data["processing"]["nodes"][1]["consumes"] = [{"broker": "customers", "queue": "crm-changes"}]
    data["messaging"]["brokers"][1].pop("standby_region")           # customers now only in eu-central-1
    problems = _problems(data)
    assert any(p.startswith("processing.nodes[0].region: cluster 'eks-fra' runs in 'eu-central-1'") for p in problems)
    assert any(p.startswith("processing.nodes[1].consumes[0].broker: broker 'customers' has no copy in 'eu-west-1'")
               for p in problems)


def test_eu_pinned_node_cannot_read_a_us_broker():
    data = load_spec_data("dev")
    data["residency"]["allowed_regions"].append("us-east-1")
    data["messaging"]["brokers"][0]["region"] = "us-east-1"
    data["processing"]["nodes"][0]["residency_zone"] = "eu"
    data["clusters"][0]["oidc_provider_arn"] = "arn:aws:iam::210987654321:oidc-provider/oidc.example.com"
    problems = _problems(data)
    assert any("would read broker 'orders' in 'us-east-1'" in p for p in problems)


def test_cluster_without_oidc_provider_is_refused():
    data = load_spec_data("dev")
    del data["clusters"][0]["oidc_provider_arn"]
    assert any(p.startswith("processing.nodes[0].cluster: cluster 'eks-dev' has no oidc_provider_arn")
               for p in _problems(data))


def test_unpinned_image_is_refused():
    data = load_spec_data("dev")
    data["processing"]["nodes"][0]["image"] = "example/order-billing:latest"
    assert any(p.startswith("processing.nodes[0]: ") and "latest is not pinned" in p for p in _problems(data))


def test_keda_gets_a_web_identity_token_to_assume_the_scaler_roles(plans):
    releases = {r["urn"].rsplit("::", 1)[1]: r["inputs"]["values"] for r in plans["prod"].resources
                if r["type"] == "kubernetes:helm.sh/v3:Release" and r["inputs"].get("chart") == "keda"}
    assert set(releases) == {"addons-eks-dub-keda", "addons-eks-fra-keda", "addons-k8s-fra-keda"}
    roles = {r["inputs"]["name"] for r in plans["prod"].resources if r["urn"].endswith("-role")
             and "KedaOperatorIdentity" in r["urn"]}
    assert roles == {"prod-keda-eks-dub", "prod-keda-eks-fra", "prod-keda-k8s-fra"}
    for cluster in ("eks-dub", "eks-fra"):
        irsa = releases[f"addons-{cluster}-keda"]["podIdentity"]["aws"]["irsa"]
        assert irsa["enabled"] is True and irsa["roleArn"].endswith(f":role/prod-keda-{cluster}")
    onprem = {e["name"]: e["value"] for e in releases["addons-k8s-fra-keda"]["env"]}
    assert onprem["AWS_ROLE_ARN"].endswith(":role/prod-keda-k8s-fra")


def test_each_node_reads_the_switches_of_the_integration_named_after_it_over_its_vpc_endpoint(plans):
    resources = plans["staging"].resources
    grants = {r["urn"].rsplit("::", 1)[1] for r in resources if r["urn"].endswith("-flags-access")}
    assert grants == {"node-order-billing-flags-access", "node-partner-intake-flags-access"}
    environments = {r["urn"] for r in resources if r["type"] == "aws:appconfig/environment:Environment"}
    for grant in grants:
        assert set(by_name(plans["staging"], grant)["dependencies"]) & environments
    # partner-intake runs in eu-central-1 but its integration (and switches) live in eu-west-1.
    egress = by_name(plans["staging"], "node-partner-intake-network-policy")["inputs"]["spec"]["egress"][-1]
    assert {"ipBlock": {"cidr": "10.50.0.0/16"}} in egress["to"] and {"ipBlock": {"cidr": "10.40.0.0/16"}} in egress["to"]
    endpoints = {r["inputs"]["serviceName"] for r in resources if r["type"] == "aws:ec2/vpcEndpoint:VpcEndpoint"}
    assert {"com.amazonaws.eu-west-1.appconfigdata", "com.amazonaws.eu-central-1.appconfigdata"} <= endpoints
