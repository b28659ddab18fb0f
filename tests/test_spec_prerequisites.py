"""The spec's prerequisites: what exists before the stack, declared once, pointing at the spec's own sites and clusters."""

from __future__ import annotations

import copy

import pytest

from components.spec import SpecError, parse_environment
from components.spec.prerequisites import declared_identifiers, typed_externals

from scripts.project import load_project

from .conftest import ROOT, load_spec_data

SECRET_KEYS = load_project(ROOT).secret_keys
ACCOUNT = "432109876543"
CERT = f"arn:aws:acm:eu-central-1:{ACCOUNT}:certificate/0b5e3c1a-9d2f-4e7a-8c6b-1f2e3d4c5b6a"


def declared() -> dict:
    return {
        "deploy_roles": [{"arn": f"arn:aws:iam::{ACCOUNT}:role/hybrid-breakglass", "purpose": "manual recovery by the platform team"}],
        "certificates": [{"arn": CERT, "domain": "status.api.example.com", "purpose": "custom domain of the status page"}],
        "direct_connect": [{"id": "dxcon-fgh1a2b3", "region": "eu-central-1", "site": "fra-dc1",
                            "purpose": "10G circuit ordered by the network team"}],
        "clusters": [{"name": "k8s-fra", "namespaces": ["billing"], "purpose": "on-prem cluster run by plant IT"}],
        "dns_delegations": [{"zone": "api.example.com", "hosted_zone_id": "Z0123456789ABCDEFGHIJ",
                             "names": ["legacy.api.example.com"], "purpose": "delegated by corporate DNS"}],
        "external_principals": [
            {"arn": "arn:aws:iam::111122223333:role/partner-reader", "purpose": "partner account reads order events"},
            {"azure_object_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "purpose": "security team's audit group"}],
        "external_resources": [{"id": f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:prod-ledger-export",
                                "cloud": "aws", "purpose": "export function owned by the billing team"}],
    }


@pytest.fixture
def prod() -> dict:
    data = copy.deepcopy(load_spec_data("prod"))
    data["prerequisites"] = {**data.get("prerequisites", {}), **declared()}
    return data


def issues_for(data: dict) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", SECRET_KEYS)
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def test_absent_section_is_empty_and_still_declares_the_typed_externals():
    data = copy.deepcopy(load_spec_data("prod"))
    data.pop("prerequisites")
    for parameter in data["secrets"]["parameters"]:
        parameter["azure"] = False  # App Configuration key-values need the declared deploying identity
    spec = parse_environment(data, "environments/prod.yaml", SECRET_KEYS)
    assert list(spec.prerequisites.entries()) == []
    ids = declared_identifiers(spec)
    assert spec.accounts.aws.deploy_role_arn in ids
    assert all(c.oidc_provider_arn in ids for c in spec.clusters if c.oidc_provider_arn)


def test_typed_fields_that_name_externals_declare_them_once(prod):
    spec = parse_environment(load_spec_data("prod"), "environments/prod.yaml", SECRET_KEYS)
    typed = {e.id: e.field for e in typed_externals(spec)}
    rotation = f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:prod-billing-db-rotation"
    assert typed[rotation] == "secrets.secrets[1].rotation.lambda_arn"
    assert spec.gateways.apis[0].domain.certificate_arn in declared_identifiers(spec)
    assert rotation in declared_identifiers(spec)
    prod["prerequisites"]["external_resources"][0]["id"] = rotation
    assert ("prerequisites.external_resources[0]: "
            f"{rotation!r} is declared twice (also at secrets.secrets[1].rotation.lambda_arn); declare it once") in issues_for(prod)


def test_every_kind_parses_and_contributes_what_references_may_resolve_to(prod):
    spec = parse_environment(prod, "environments/prod.yaml", SECRET_KEYS)
    kinds = [kind for kind, _, _ in spec.prerequisites.entries()]
    assert kinds == ["deploy-role", "certificate", "direct-connect", "cluster", "dns-delegation", "azure-deployer",
                     "external-principal", "external-principal", "external-resource"]
    ids = spec.prerequisites.identifiers()
    assert {CERT, "dxcon-fgh1a2b3", "Z0123456789ABCDEFGHIJ", "legacy.api.example.com",
            "arn:aws:iam::111122223333:role/partner-reader", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"} <= ids
    assert spec.prerequisites.namespaces("k8s-fra") == {"billing"}
    assert spec.prerequisites.namespaces("eks-fra") == frozenset()
    assert spec.prerequisites.certificates[0].region == "eu-central-1"


def test_declarations_must_name_the_specs_own_sites_clusters_and_regions(prod):
    prod["prerequisites"]["direct_connect"][0].update(site="lisbon-dc9", region="eu-north-1")
    prod["prerequisites"]["clusters"][0]["name"] = "gke-x"
    prod["prerequisites"]["certificates"][0]["arn"] = CERT.replace("eu-central-1", "ap-south-1")
    found = issues_for(prod)
    assert any(i.startswith("prerequisites.direct_connect[0].site: undefined site 'lisbon-dc9'") for i in found)
    assert any(i.startswith("prerequisites.direct_connect[0].region: expected one of regions.aws") for i in found)
    assert any(i.startswith("prerequisites.clusters[0].name: undefined cluster 'gke-x'") for i in found)
    assert any(i.startswith("prerequisites.certificates[0].arn: expected a certificate in one of eu-central-1, eu-west-1, us-east-1")
               for i in found)


def test_a_prerequisite_is_declared_once(prod):
    prod["prerequisites"]["external_resources"].append({"id": CERT, "cloud": "aws", "purpose": "same certificate again"})
    assert issues_for(prod) == [f"prerequisites.external_resources[1]: {CERT!r} is declared twice "
                                "(also at prerequisites.certificates[0]); declare it once"]


@pytest.mark.parametrize("section, entry, path", [
    ("external_principals", {"purpose": "names no identity at all"}, "prerequisites.external_principals[2]"),
    ("external_principals", {"arn": "arn:aws:iam::111122223333:root", "azure_object_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                             "purpose": "names two identities"}, "prerequisites.external_principals[2]"),
    ("clusters", {"name": "eks-fra", "namespaces": ["Billing_Team"], "purpose": "bad namespace name"},
     "prerequisites.clusters[1].namespaces[0]"),
    ("deploy_roles", {"arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "purpose": "a user is not a role"},
     "prerequisites.deploy_roles[1].arn"),
    ("certificates", {"arn": CERT, "domain": "orders.api.example.com", "purpose": "short"},
     "prerequisites.certificates[1].purpose"),
])
def test_malformed_declarations_name_their_field(prod, section, entry, path):
    prod["prerequisites"][section].append(entry)
    assert any(i.startswith(path) for i in issues_for(prod)), issues_for(prod)


def test_unknown_fields_are_refused(prod):
    prod["prerequisites"]["vpn_keys"] = []
    assert "prerequisites.vpn_keys: unexpected field (is it misspelt?)" in issues_for(prod)
