"""`hybrid audit --target azure` on recorded ARM responses (tests/data/audit/azure): the real management SDK and
its HTTP pipeline run end to end; only the wire answers are recorded. No Azure stand-in exists, so this is the
whole proof of the Azure path (docs/audit.md says so)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter

from scripts import environments
from scripts.assessment.readonly import ReadOnly, ReadOnlyViolation

from .conftest import ROOT

RECORDED = ROOT / "tests" / "data" / "audit" / "azure"


class Recorded(BaseAdapter):
    """Answers ARM requests from the recordings: the listing, or a resource by its name; 404 otherwise."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder
        self.requests: list[tuple[str, str]] = []

    def send(self, request, **_):
        self.requests.append((request.method, request.url))
        path = urllib3.util.parse_url(request.url).path or ""
        file = self.folder / ("resources.json" if path.endswith("/resources") else f"{path.rsplit('/', 1)[-1]}.json")
        status = 200 if file.is_file() else 404
        body = file.read_bytes() if status == 200 else json.dumps(
            {"error": {"code": "ResourceNotFound", "message": "not recorded"}}).encode()
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url, request
        response.headers["content-type"] = "application/json"
        response.raw = urllib3.response.HTTPResponse(body=io.BytesIO(body), headers={"content-type": "application/json"},
                                                     status=status, preload_content=False)
        return response

    def close(self) -> None:
        pass


class StaticToken:
    """A credential that never signs in anywhere (the recordings need none)."""

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        return AccessToken("recorded", 4102444800)

    def get_token_info(self, *scopes, **kwargs):
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo("recorded", 4102444800)


@pytest.fixture
def recorded_audit():
    from azure.core.pipeline.transport import RequestsTransport

    from scripts.assessment.azure import arm_client
    from scripts.assessment.run import audit_azure

    def run(folder: Path = RECORDED):
        spec = environments.load(ROOT, "staging").spec
        session = requests.Session()
        adapter = Recorded(folder)
        session.mount("https://", adapter)
        guard = ReadOnly()
        client = arm_client(spec, guard, credential=StaticToken(),
                            transport=RequestsTransport(session=session, session_owner=False))
        return audit_azure(spec, "hybrid", client, guard), adapter

    return run


def found(result) -> set[tuple[str, str]]:
    return {(v.rule.id, urn.rsplit("::", 1)[-1]) for v in result.verdicts for urn, _ in v.violations}


def test_recorded_azure_audit_finds_each_planted_misconfiguration_and_nothing_else(recorded_audit):
    result, adapter = recorded_audit()
    assert found(result) == {
        ("no-open-ingress", "nsg-staging-bastion"),  # SSH from the Internet
        ("gateway-tls-minimum", "apim-staging-partners"),  # TLS 1.0 still accepted
        ("broker-not-public", "staging-orders-bus-3325ba"),  # Premium namespace open to the internet
    }
    types = {r["type"] for r in result.document["deployment"]["resources"]}
    assert "azure-native:network:NetworkSecurityGroup" in types and "azure-native:eventhub:Namespace" in types
    # the storage account is listed but not a covered type: never fetched
    assert not any("storageAccounts/" in url for _, url in adapter.requests)
    messages = [m for v in result.verdicts for _, m in v.violations]
    assert any("TCP port 22" in m for m in messages) and any("Tls10" in m for m in messages)


def test_azure_states_take_the_azure_native_input_shapes(recorded_audit):
    result, _ = recorded_audit()
    by_name = {r["urn"].rsplit("::", 1)[-1]: r for r in result.document["deployment"]["resources"]}
    bus = by_name["staging-orders-bus-3325ba"]
    assert bus["type"] == "azure-native:servicebus:Namespace"
    assert bus["inputs"]["publicNetworkAccess"] == "Enabled" and bus["inputs"]["sku"]["name"] == "Premium"
    assert bus["inputs"]["namespaceName"] == "staging-orders-bus-3325ba"
    assert bus["inputs"]["resourceGroupName"] == "rg-staging-northeurope"
    provider = next(r for r in result.document["deployment"]["resources"] if r["urn"] == bus["provider"].rsplit("::", 1)[0])
    assert provider["inputs"] == {"location": "northeurope"}  # "North Europe" as ARM writes it, normalised


def test_azure_audit_only_sends_get_requests(recorded_audit):
    result, adapter = recorded_audit()
    assert adapter.requests and {method for method, _ in adapter.requests} == {"GET"}
    assert result.operations and all(op.startswith("GET ") for op in result.operations)
    assert any("tagName%20eq%20%27environment%27%20and%20tagValue%20eq%20%27staging%27" in url
               for _, url in adapter.requests)


def test_the_azure_guard_refuses_anything_but_get():
    from azure.core.pipeline import PipelineRequest
    from azure.core.pipeline.policies import SansIOHTTPPolicy  # noqa: F401 (the policy's base)
    from azure.core.rest import HttpRequest

    policy = ReadOnly().azure_policy()
    policy.on_request(PipelineRequest(HttpRequest("GET", "https://management.azure.com/subscriptions/x"), None))
    with pytest.raises(ReadOnlyViolation, match="refused PUT"):
        policy.on_request(PipelineRequest(HttpRequest("PUT", "https://management.azure.com/subscriptions/x/y"), None))


def test_a_clean_recording_finds_nothing(recorded_audit, tmp_path):
    for file in RECORDED.glob("*.json"):
        (tmp_path / file.name).write_text(file.read_text())
    listing = json.loads((tmp_path / "resources.json").read_text())
    listing["value"] = [r for r in listing["value"] if r["name"] not in
                        ("nsg-staging-bastion", "apim-staging-partners", "staging-orders-bus-3325ba")]
    (tmp_path / "resources.json").write_text(json.dumps(listing))
    result, _ = recorded_audit(tmp_path)
    assert found(result) == set() and result.assessed == 2


def test_azure_refusals_are_bad_input_not_tracebacks(recorded_audit, tmp_path):
    from scripts.assessment.azure import AzureAuditError

    with pytest.raises(AzureAuditError, match="Reader role"):
        recorded_audit(tmp_path)  # nothing recorded: the listing answers 404
