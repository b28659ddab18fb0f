"""Hand-written resource states for the contract check tests, in the shape of `pulumi stack export`."""

from __future__ import annotations

from typing import Any

STACK = "prod"
PREFIX = f"urn:pulumi:{STACK}::hybrid::"
ACCOUNT = "432109876543"
SUBSCRIPTION = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"
AWS_PROVIDER = f"{PREFIX}pulumi:providers:aws::aws-eu-central-1"
AZURE_PROVIDER = f"{PREFIX}pulumi:providers:azure-native::azure-westeurope"
K8S_PROVIDER = f"{PREFIX}pulumi:providers:kubernetes::k8s-eks-fra"


def urn(type_: str, name: str) -> str:
    return f"{PREFIX}{type_}::{name}"


def res(type_: str, name: str, inputs: dict[str, Any], *, id: str | None = None, outputs: dict[str, Any] | None = None,
        deps: tuple[str, ...] = (), provider: str | None = None) -> dict[str, Any]:
    """A custom resource state; outputs default to the inputs (what the engine echoes) plus any given."""
    if provider is None:
        provider = {"aws": AWS_PROVIDER, "azure-native": AZURE_PROVIDER, "kubernetes": K8S_PROVIDER}[type_.split(":")[0]]
    return {"urn": urn(type_, name), "custom": True, "id": id or name, "type": type_, "inputs": inputs,
            "outputs": {**inputs, **(outputs or {})}, "parent": f"{PREFIX}pulumi:pulumi:Stack::hybrid-{STACK}",
            "provider": f"{provider}::00000000-0000-0000-0000-000000000000", "dependencies": list(deps)}


def export(*states: dict[str, Any]) -> dict[str, Any]:
    providers = [{"urn": p, "custom": True, "id": "00000000-0000-0000-0000-000000000000", "type": p.split("::")[2],
                  "inputs": {}, "outputs": {}} for p in (AWS_PROVIDER, AZURE_PROVIDER, K8S_PROVIDER)]
    stack = {"urn": f"{PREFIX}pulumi:pulumi:Stack::hybrid-{STACK}", "custom": False, "type": "pulumi:pulumi:Stack"}
    return {"version": 3, "deployment": {"manifest": {}, "resources": [stack, *providers, *states]}}


def checks_of(findings) -> list[tuple[str, str]]:
    """(check, resource name) pairs, sorted: what a test asserts."""
    return sorted((f.check, f.urn.split("::")[-1]) for f in findings)
