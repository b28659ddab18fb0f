"""KEDA's operator gets a role of its own per cluster, trusted for its service account on the cluster's OIDC
issuer, allowed to assume only that cluster's scaler roles, and handed to the chart (webhook on EKS, the
projected token in the chart's env and volumes elsewhere)."""

from __future__ import annotations

import json

import pulumi
import pulumi_kubernetes as k8s

from components.cluster.addons import ClusterAddons, ClusterAddonsArgs
from components.cluster.keda_identity import KedaOperatorIdentity, chart_values
from components.spec.foundation import Cluster

from .conftest import ACCOUNT, aws_provider, build

ONPREM = Cluster.model_validate({
    "name": "k8s-fra", "cloud": "onprem", "site": "fra-dc1", "kubernetes_version": "1.30",
    "kubeconfig": {"secret": "kubeconfig"}, "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/k8s-fra.unit.example.com"})
EKS = ONPREM.model_copy(update={"name": "eks-fra", "cloud": "aws", "site": None, "region": "eu-central-1",
                                "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/AB12"})
SCALER = f"arn:aws:iam::{ACCOUNT}:role/unit-node-billing-scaler"


def identity_and_chart(cluster: Cluster):
    def program():
        keda = KedaOperatorIdentity(f"keda-identity-{cluster.name}", "unit", cluster,
                                    pulumi.ResourceOptions(provider=aws_provider("eu-central-1")))
        keda.allow_assuming([SCALER])
        ClusterAddons(f"addons-{cluster.name}", ClusterAddonsArgs(
            cluster=cluster.name, operators=frozenset({"keda"}),
            values={"keda": chart_values(keda.role_arn, cluster, "eu-central-1")}),
            pulumi.ResourceOptions(providers={"kubernetes": k8s.Provider("k8s", kubeconfig="{}")}))
        return keda
    return build(program)


def test_the_operator_role_trusts_the_keda_operator_service_account_and_may_assume_only_the_scaler_roles():
    built = identity_and_chart(EKS)
    role = built.named("keda-identity-eks-fra-role")
    [statement] = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    issuer = EKS.oidc_provider_arn.split(":oidc-provider/")[1]
    assert statement["Principal"] == {"Federated": EKS.oidc_provider_arn}
    assert statement["Condition"]["StringEquals"] == {f"{issuer}:sub": "system:serviceaccount:keda:keda-operator",
                                                      f"{issuer}:aud": "sts.amazonaws.com"}
    grant = built.named("keda-identity-eks-fra-assume-scalers")
    assert json.loads(grant["inputs"]["policy"])["Statement"] == [
        {"Sid": "AssumeScalerRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [SCALER]}]
    assert role["urn"] in grant["dependencies"]


def test_on_eks_the_chart_annotates_the_operator_service_account_with_the_role():
    built = identity_and_chart(EKS)
    release = built.named("addons-eks-fra-keda")
    role = built.named("keda-identity-eks-fra-role")
    irsa = release["inputs"]["values"]["podIdentity"]["aws"]["irsa"]
    assert irsa["enabled"] is True and irsa["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{role['inputs']['name']}"
    assert role["urn"] in release["dependencies"], "the chart names the role, so it waits for it"


def test_off_eks_the_chart_mounts_the_projected_token_the_sdk_assumes_the_role_with():
    built = identity_and_chart(ONPREM)
    values = built.named("addons-k8s-fra-keda")["inputs"]["values"]
    role = built.named("keda-identity-k8s-fra-role")["inputs"]["name"]
    env = {e["name"]: e["value"] for e in values["env"]}
    [volume] = values["volumes"]["keda"]["extraVolumes"]
    [mount] = values["volumes"]["keda"]["extraVolumeMounts"]
    assert env["AWS_ROLE_ARN"] == f"arn:aws:iam::{ACCOUNT}:role/{role}"
    assert env["AWS_WEB_IDENTITY_TOKEN_FILE"] == f"{mount['mountPath']}/token" and mount["name"] == volume["name"]
    assert volume["projected"]["sources"][0]["serviceAccountToken"]["audience"] == "sts.amazonaws.com"
    assert values["podIdentity"]["aws"]["irsa"]["enabled"] is False, "no webhook there to read the annotation"
