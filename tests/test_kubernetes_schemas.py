"""Every planned core Kubernetes object validates against the OpenAPI schemas of its cluster's version.

kubernetes-validate (PyPI) bundles the upstream schemas per version and validates offline; strict mode
also refuses fields the API does not know, which is how a typo'd field would otherwise slip through.
Plan inputs are already in the API's camelCase; custom resources and Helm releases are not core objects.
"""

from __future__ import annotations

import copy

import kubernetes_validate
import pytest

from tests.conftest import SHIPPED, by_name, load_spec_data

CORE_GROUPS = ("core/", "apps/", "batch/", "policy/", "networking.k8s.io/", "rbac.authorization.k8s.io/",
               "autoscaling/", "storage.k8s.io/", "scheduling.k8s.io/")
PULUMI_ONLY = ("__inputs", "__meta")


def core_objects(plan) -> list[tuple[str, dict, str]]:
    """(urn, manifest, provider name) for every core Kubernetes object in the plan."""
    out = []
    for resource in plan.export["deployment"]["resources"]:
        type_ = resource["type"]
        if type_.startswith("kubernetes:") and type_.split(":")[1].startswith(CORE_GROUPS):
            manifest = {k: v for k, v in resource["inputs"].items() if k not in PULUMI_ONLY}
            provider = resource["provider"].split("::")[-2].split("$")[-1] if resource.get("provider") else ""
            out.append((resource["urn"], manifest, provider))
    return out


def cluster_versions(env: str) -> dict[str, str]:
    return {f"k8s-{c['name']}": c["kubernetes_version"] for c in load_spec_data(env)["clusters"]}


@pytest.mark.parametrize("env", SHIPPED)
def test_core_objects_validate_against_their_cluster_version(plans, env):
    versions = cluster_versions(env)
    objects = core_objects(plans[env])
    assert objects, f"{env}: no core Kubernetes objects planned"
    kinds = set()
    for urn, manifest, provider in objects:
        assert provider in versions, f"{urn}: provider {provider!r} is no cluster of {env}"
        try:
            kubernetes_validate.validate(manifest, versions[provider], strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{urn} is invalid for Kubernetes {versions[provider]}: {error.message} at {list(error.path)}")
        kinds.add(manifest["kind"])
    assert {"Deployment", "PodDisruptionBudget", "NetworkPolicy", "ServiceAccount", "Namespace"} <= kinds


def test_the_validator_refuses_what_the_api_would(plans):
    """Guards the test above against validating nothing: a misspelt field and a wrong type both fail."""
    deployment = copy.deepcopy(by_name(plans["prod"], "node-order-billing-deployment")["inputs"])
    kubernetes_validate.validate(deployment, "1.31", strict=True)
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, "1.31", strict=True)
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["topologySpreadConstraints"][0]["maxSkew"] = "one"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, "1.31", strict=True)
