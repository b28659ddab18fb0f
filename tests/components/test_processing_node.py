"""ProcessingNode built alone: a worker with its own IRSA role for its queues only, scaled by KEDA."""

from __future__ import annotations

import json

import pulumi
import pulumi_kubernetes as k8s

from components.compute.node import ConsumedQueue, ProcessingNode, ProcessingNodeArgs, PublishedTopic
from components.observability.rollback import FlagSwitches
from components.spec.nodes import NodeSpec, Telemetry

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build

OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABCDEF0123456789"
QUEUE_ARN = f"arn:aws:sqs:eu-central-1:{ACCOUNT}:unit-orders-billing"
TOPIC_ARN = f"arn:aws:sns:eu-central-1:{ACCOUNT}:unit-orders-order-events"
KEY = f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
NODE = NodeSpec.model_validate({
    "name": "billing-worker", "cluster": "eks-fra", "region": "eu-central-1", "owner": "orders",
    "image": "registry.example.com/billing-worker@sha256:" + "a" * 64,
    "scaling": {"min_replicas": 2, "max_replicas": 6}, "consumes": [{"broker": "orders", "queue": "billing"}],
    "publishes": [{"broker": "orders", "topic": "order-events"}],
})


KEDA_ROLE = f"arn:aws:iam::{ACCOUNT}:role/unit-keda-eks-fra"


ENV_ARN = f"arn:aws:appconfig:eu-west-1:{ACCOUNT}:application/abc1234/environment/def5678"


def switches() -> FlagSwitches:
    return FlagSwitches(region="eu-west-1", application_id=pulumi.Output.from_input("abc1234"),
                        environment_id=pulumi.Output.from_input("def5678"),
                        profile_id=pulumi.Output.from_input("0a1b2c3"), environment_arn=pulumi.Output.from_input(ENV_ARN))


def node(webhook: bool = True, flags: bool = False):
    def program():
        cluster = k8s.Provider("k8s-eks-fra", kubeconfig=pulumi.Output.secret("apiVersion: v1\nkind: Config"))
        return ProcessingNode("node-billing-worker", ProcessingNodeArgs(
            spec=NODE, environment="unit", oidc_provider_arn=OIDC, keda_operator_role_arn=KEDA_ROLE,
            pod_identity_webhook=webhook, flags=switches() if flags else None,
            queues=(ConsumedQueue("billing", f"https://sqs.eu-central-1.amazonaws.com/{ACCOUNT}/unit-orders-billing",
                                  QUEUE_ARN, "eu-central-1", KEY, 20),),
            topics=(PublishedTopic("order-events", TOPIC_ARN, "eu-central-1", KEY),), broker_cidrs=("10.10.0.0/16",),
            telemetry=Telemetry(), cluster_provider=cluster, aws_provider=aws_provider("eu-central-1"),
            production=True))
    return build(program)


def test_the_worker_role_trusts_only_its_service_account_and_reaches_only_its_queue_and_topic():
    built = node()
    assert_children_named_after(built, "hybrid:compute:ProcessingNode", "node-billing-worker")
    trust = json.loads(built.named("node-billing-worker-role")["inputs"]["assumeRolePolicy"])
    [statement] = trust["Statement"]
    assert statement["Principal"] == {"Federated": OIDC}
    conditions = json.dumps(statement["Condition"])
    assert "system:serviceaccount:billing-worker:billing-worker" in conditions
    access = json.loads(built.named("node-billing-worker-access")["inputs"]["policy"])
    resources = sorted({r for s in access["Statement"] for r in ([s["Resource"]] if isinstance(s["Resource"], str)
                                                                  else s["Resource"])})
    assert resources == sorted({QUEUE_ARN, TOPIC_ARN, KEY})
    account = built.named("node-billing-worker-service-account")["inputs"]["metadata"]
    assert account["annotations"]["eks.amazonaws.com/role-arn"].endswith(":role/unit-node-billing-worker")


def test_the_deployment_waits_for_its_service_account_and_keda_scales_it_on_queue_depth():
    built = node()
    deployment = built.named("node-billing-worker-deployment")
    assert built.named("node-billing-worker-service-account")["urn"] in deployment["dependencies"]
    container = deployment["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == NODE.image
    assert {"name": "AWS_REGION", "value": "eu-central-1"} in container["env"]
    scaled = built.named("node-billing-worker-scaled-object")
    assert scaled["inputs"]["kind"] == "ScaledObject"
    spec = scaled["inputs"]["spec"]
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (2, 6)
    [trigger] = spec["triggers"]
    assert trigger["type"] == "aws-sqs-queue" and trigger["metadata"]["queueLength"] == "20"
    assert built.named("node-billing-worker-trigger-auth")["urn"] in scaled["dependencies"]
    assert built.of_type("kubernetes:policy/v1:PodDisruptionBudget")
    assert built.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")


def test_the_scaler_role_trusts_only_the_keda_operator_role_which_the_trigger_authentication_names_it_for():
    built = node()
    scaler = built.named("node-billing-worker-scaler-role")
    assert json.loads(scaler["inputs"]["assumeRolePolicy"])["Statement"] == [
        {"Effect": "Allow", "Principal": {"AWS": KEDA_ROLE}, "Action": "sts:AssumeRole"}]
    auth = built.named("node-billing-worker-trigger-auth")["inputs"]["spec"]
    assert auth == {"podIdentity": {"provider": "aws", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{scaler['inputs']['name']}"}}


def test_off_eks_the_pod_spec_projects_the_web_identity_token_the_webhook_would_inject():
    on_eks = node()
    pod = on_eks.named("node-billing-worker-deployment")["inputs"]["spec"]["template"]["spec"]
    assert "volumes" not in pod and not any(e["name"] == "AWS_ROLE_ARN" for e in pod["containers"][0]["env"])
    built = node(webhook=False)
    pod = built.named("node-billing-worker-deployment")["inputs"]["spec"]["template"]["spec"]
    role = built.named("node-billing-worker-role")["inputs"]["name"]
    [volume] = pod["volumes"]
    assert volume["projected"]["sources"] == [{"serviceAccountToken": {
        "audience": "sts.amazonaws.com", "expirationSeconds": 86400, "path": "token"}}]
    container = pod["containers"][0]
    [mount] = container["volumeMounts"]
    assert mount["name"] == volume["name"] and mount["readOnly"] is True
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["AWS_ROLE_ARN"] == f"arn:aws:iam::{ACCOUNT}:role/{role}"
    assert env["AWS_WEB_IDENTITY_TOKEN_FILE"] == f"{mount['mountPath']}/token"


def test_the_node_may_read_its_integrations_rollback_switches_and_is_told_where_they_are():
    assert not any(r["urn"].endswith("-flags-access") for r in node().resources)
    built = node(flags=True)
    grant = built.named("node-billing-worker-flags-access")
    assert grant["inputs"]["role"] == built.named("node-billing-worker-role")["inputs"]["name"]
    assert json.loads(grant["inputs"]["policy"])["Statement"] == [{
        "Sid": "ReadRollbackSwitches", "Effect": "Allow",
        "Action": ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"],
        "Resource": f"{ENV_ARN}/configuration/0a1b2c3"}]
    container = built.named("node-billing-worker-deployment")["inputs"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert {k: env[k] for k in env if k.startswith("APPCONFIG_")} == {
        "APPCONFIG_REGION": "eu-west-1", "APPCONFIG_APPLICATION_ID": "abc1234",
        "APPCONFIG_ENVIRONMENT_ID": "def5678", "APPCONFIG_PROFILE_ID": "0a1b2c3"}


def test_the_worker_role_carries_its_bounded_context():
    """Change topics fence Publish on this tag (components/ownership.py): the role says whose identity it is."""
    tags = node().named("node-billing-worker-role")["inputs"]["tags"]
    assert tags["bounded-context"] == "orders"
