"""ClusterAddons built alone: one pinned Helm release per operator the cluster needs, nothing more."""

from __future__ import annotations

import re

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.cluster.addons import MANIFEST_OPERATORS, OPERATORS, ClusterAddons, ClusterAddonsArgs

from .conftest import assert_children_named_after, build


def addons(operators: set[str], values: dict | None = None):
    def program():
        cluster = k8s.Provider("k8s-eks-fra", kubeconfig=pulumi.Output.secret("apiVersion: v1\nkind: Config"))
        return ClusterAddons("addons-eks-fra", ClusterAddonsArgs(cluster="eks-fra", operators=frozenset(operators),
                                                                 values=values or {}),
                             pulumi.ResourceOptions(providers={"kubernetes": cluster}))
    return build(program)


def test_each_needed_operator_is_a_pinned_atomic_release_on_the_cluster_provider():
    irsa = {"podIdentity": {"aws": {"irsa": {"enabled": True, "roleArn": "arn:aws:iam::111122223333:role/unit-keda"}}}}
    built = addons({"keda", "strimzi"}, {"keda": irsa})
    assert_children_named_after(built, "hybrid:cluster:ClusterAddons", "addons-eks-fra")
    releases = {r["inputs"]["name"]: r for r in built.of_type("kubernetes:helm.sh/v3:Release")}
    assert set(releases) == {"keda", "strimzi"}
    for key, release in releases.items():
        inputs = release["inputs"]
        assert inputs["version"] == OPERATORS[key].version and inputs["chart"] == OPERATORS[key].chart
        assert inputs["namespace"] == OPERATORS[key].namespace and inputs["createNamespace"] is True
        assert inputs["atomic"] is True
        assert release["provider"].startswith("urn:pulumi:unit::hybrid::pulumi:providers:kubernetes::k8s-eks-fra::")
    # Cluster-specific values (KEDA's operator role) merge over the pinned defaults of that operator only.
    assert releases["keda"]["inputs"]["values"] == irsa
    assert releases["strimzi"]["inputs"]["values"] == dict(OPERATORS["strimzi"].values)


def test_no_operators_means_no_releases_and_unknown_ones_are_refused():
    assert addons(set()).of_type("kubernetes:helm.sh/v3:Release") == []
    with pytest.raises(Exception, match="unknown operators"):
        addons({"istio"})


def test_rabbitmq_operators_come_from_their_pinned_release_manifests_after_cert_manager():
    built = addons({"rabbitmq", "cert-manager"})
    assert {r["inputs"]["name"] for r in built.of_type("kubernetes:helm.sh/v3:Release")} == {"cert-manager"}
    files = built.of_type("kubernetes:yaml/v2:ConfigFile")
    assert [f["inputs"]["file"] for f in files] == list(MANIFEST_OPERATORS["rabbitmq"].files)
    assert all(re.fullmatch(r"https://github\.com/rabbitmq/[a-z-]+/releases/download/v\d+\.\d+\.\d+/[a-z-]+\.ya?ml",
                            f["inputs"]["file"]) for f in files)
    cert_manager = built.named("addons-eks-fra-cert-manager")["urn"]
    assert cert_manager in files[0]["dependencies"] and files[0]["urn"] in files[1]["dependencies"]
    with pytest.raises(Exception, match="needs \\['cert-manager'\\]"):
        addons({"rabbitmq"})
