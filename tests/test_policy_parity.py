"""Same rule, same verdict: the whole prod plan through pulumi-policy's own analyzer path and offline.

The analyzer path is pulumi-policy's gRPC servicer (what the engine talks to): its property
deserialisation, unknown-checking proxy, provider resources and policy config. One queue carries an
unknown value (as during preview) and the cluster providers carry a secret.
"""

from __future__ import annotations

import copy
import json

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from components.spec import load_environment
from policies.rules import ALL_RULES
from policies.rules.evaluate import evaluate
from policies.rules.pulumi_adapter import to_policy
from scripts.checker.sources import SECRET_SIG, SECRET_SIG_KEY, resources_of
from scripts.policy_config import policy_config

from .conftest import ROOT
from .rule_harness import TODAY

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def engine_properties(inputs: dict) -> struct_pb2.Struct:
    """Inputs as the engine sends them to an analyzer: secrets as {sig, value} with the plaintext."""
    def convert(value):
        if isinstance(value, dict):
            if value.get(SECRET_SIG_KEY) == SECRET_SIG:
                return {SECRET_SIG_KEY: SECRET_SIG, "value": "apiVersion: v1\nkind: Config"}
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value
    struct = struct_pb2.Struct()
    struct.update(convert(inputs))
    return struct


def servicer_for(config: dict) -> _PolicyAnalyzerServicer:
    servicer = _PolicyAnalyzerServicer("hybrid-integration", "0.1.0", [to_policy(r) for r in ALL_RULES],
                                       EnforcementLevel.MANDATORY)
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for rule_id, entry in config.items():
        props = struct_pb2.Struct()
        props.update({k: v for k, v in entry.items() if k != "enforcementLevel"})
        request.policyConfig[rule_id].CopyFrom(analyzer_pb2.PolicyConfig(
            enforcementLevel=["advisory", "mandatory", "remediate", "disabled"].index(entry["enforcementLevel"]),
            properties=props))
    servicer.Configure(request, None)
    return servicer


def test_every_rule_gives_the_same_verdict_through_pulumi_policy(plans):
    export = copy.deepcopy(plans["prod"].export)
    resources = export["deployment"]["resources"]
    queue = next(r for r in resources if r["type"] == "aws:sqs/queue:Queue")
    queue["inputs"]["redrivePolicy"] = UNKNOWN  # as in a preview before the DLQ exists
    assert any(r["type"] == "pulumi:providers:kubernetes" for r in resources)
    spec = load_environment(ROOT / "environments" / "prod.yaml")
    config = policy_config(spec)
    # a non-compliant resource too, so "same verdict" covers violations, not only passes
    topic = next(r for r in resources if r["type"] == "aws:sns/topic:Topic")
    topic["inputs"]["kmsMasterKeyId"] = "alias/aws/sns"
    topic["protect"] = False
    # a type no shipped environment plans, so every registered rule has something to judge both ways
    azure = next(r for r in resources if r["type"].startswith("azure-native:") and r.get("provider"))
    resources.append({**copy.deepcopy(azure), "urn": azure["urn"].rsplit("::", 2)[0] +
                      "::azure-native:storage:StorageAccount::legacy-storage", "type": "azure-native:storage:StorageAccount",
                      "inputs": {"accountName": "legacystorage", "minimumTlsVersion": "TLS1_0", "kind": "StorageV2",
                                 "location": "westeurope", "sku": {"name": "Standard_LRS"}}})
    unjudged = [rule.id for rule in ALL_RULES if not any(rule.applies_to(r["type"]) for r in resources)]
    assert not unjudged, f"rules with nothing to judge in the parity document: {unjudged}"

    offline = {v.rule.id: v for v in evaluate(resources_of(export), ALL_RULES, config, TODAY)}

    servicer = servicer_for(config)
    by_urn = {r["urn"]: r for r in resources}
    engine_violations: dict[str, set[str]] = {r.id: set() for r in ALL_RULES}
    engine_not_applicable: dict[str, int] = {r.id: 0 for r in ALL_RULES}
    engine_unknown: dict[str, int] = {r.id: 0 for r in ALL_RULES}
    for r in resources[1:]:
        request = analyzer_pb2.AnalyzeRequest(type=r["type"], urn=r["urn"], name=r["urn"].split("::")[-1],
                                              properties=engine_properties(r["inputs"]),
                                              options=analyzer_pb2.AnalyzerResourceOptions(protect=r["protect"]))
        if r.get("provider"):
            provider = by_urn[r["provider"].rsplit("::", 1)[0]]
            request.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
                type=provider["type"], urn=provider["urn"], name=provider["urn"].split("::")[-1],
                properties=engine_properties(provider["inputs"])))
        response = servicer.Analyze(request, None)
        for diagnostic in response.diagnostics:
            if diagnostic.message.startswith("can't run policy"):
                engine_unknown[diagnostic.policyName] += 1
            else:
                engine_violations[diagnostic.policyName].add(diagnostic.urn)
        for item in response.not_applicable:
            engine_not_applicable[item.policy_name] += 1

    for rule in ALL_RULES:
        verdict = offline[rule.id]
        assert {urn for urn, _ in verdict.violations} == engine_violations[rule.id], rule.id
        if not rule.offline_only:  # offline-only rules are not applicable in the engine by design
            assert len(verdict.not_applicable) == engine_not_applicable[rule.id], rule.id
        assert len(verdict.unknown) == engine_unknown[rule.id], rule.id
    assert offline["broker-cmk-encryption"].violations and offline["protect-stateful-resources"].violations
    assert offline["azure-tls-minimum"].violations
    assert offline["dead-letter-queue-required"].unknown == [queue["urn"]]
    json.dumps(config)  # the config handed to both paths is plain JSON, as --policy-pack-config needs
