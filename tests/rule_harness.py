"""The one helper every rule test uses: judge resources the way the engine does, and offline, and insist they agree.

The engine path is pulumi-policy's own analyzer servicer (protobuf properties, its deserialisation and its
unknown-checking proxy, where lists are `_ListProxy` and maps `_DictProxy`); the offline path is
`hybrid check`'s evaluate over the same inputs behind the same proxy. A rule that branches on
isinstance(list/dict) of a proxied value misjudges here exactly as it would in `pulumi preview`.

    assert_change("kms-key-rotation", KEY, {"enableKeyRotation": False}, ["symmetric key does not rotate: ..."])
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules import RULES_BY_ID
from policies.rules.evaluate import evaluate
from policies.rules.framework import Resource
from policies.rules.pulumi_adapter import to_policy

TODAY = date(2026, 11, 28)
DELETE = object()
"""A change value that removes the input (unset: the provider's default applies)."""
PROVIDERS = {"aws": {"region": "eu-central-1"}, "azure-native": {"location": "westeurope"}, "kubernetes": {}}


@dataclass(frozen=True)
class Subject:
    """One resource to judge: its type token and inputs in Pulumi names."""

    type: str
    props: Mapping[str, Any]
    name: str = "subject"
    protect: bool = True
    provider: Mapping[str, Any] | None = None

    @property
    def urn(self) -> str:
        return f"urn:pulumi:prod::hybrid::{self.type}::{self.name}"

    @property
    def package(self) -> str:
        return self.type.split(":")[0]

    def provider_props(self) -> Mapping[str, Any]:
        return PROVIDERS.get(self.package, {}) if self.provider is None else self.provider


@dataclass
class Judgement:
    findings: list[tuple[str, str]] = field(default_factory=list)
    """(resource name, message) for every violation."""
    not_applicable: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [message for _, message in self.findings]


def changed(props: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy with each dotted path ("ingress.0.cidrBlocks") set, or removed when the value is DELETE."""
    result = copy.deepcopy(dict(props))
    for path, value in change.items():
        *parents, last = path.split(".")
        target: Any = result
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
        key: Any = int(last) if isinstance(target, list) else last
        if value is DELETE:
            del target[key]
        else:
            target[key] = copy.deepcopy(value)
    return result


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(copy.deepcopy(dict(value)))
    return struct


def _rule_config(rule_id: str, config: Mapping[str, Any] | None, tier: str) -> dict[str, Any]:
    return {"enforcementLevel": "mandatory", "tier": tier, **(config or {})}


def _servicer(rule_id: str, entry: Mapping[str, Any]) -> _PolicyAnalyzerServicer:
    servicer = _PolicyAnalyzerServicer("hybrid-integration", "0.1.0", [to_policy(RULES_BY_ID[rule_id])],
                                       EnforcementLevel.MANDATORY)
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    request.policyConfig[rule_id].CopyFrom(analyzer_pb2.PolicyConfig(
        enforcementLevel=analyzer_pb2.MANDATORY,
        properties=_struct({k: v for k, v in entry.items() if k != "enforcementLevel"})))
    servicer.Configure(request, None)
    return servicer


def _engine_resource(subject: Subject, request_type=analyzer_pb2.AnalyzeRequest):
    request = request_type(type=subject.type, urn=subject.urn, name=subject.name, properties=_struct(subject.props),
                           options=analyzer_pb2.AnalyzerResourceOptions(protect=subject.protect))
    if subject.package in PROVIDERS:
        provider_type = f"pulumi:providers:{subject.package}"
        request.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
            type=provider_type, urn=f"urn:pulumi:prod::hybrid::{provider_type}::default", name="default",
            properties=_struct(subject.provider_props())))
    return request


def through_engine(rule_id: str, subjects: list[Subject], entry: Mapping[str, Any]) -> Judgement:
    rule = RULES_BY_ID[rule_id]
    servicer = _servicer(rule_id, entry)
    names = {s.urn: s.name for s in subjects}
    prefix = f"{rule.description}\n"
    suffix = f". Fix: {rule.remediation}"
    judgement = Judgement()
    if rule.stack:
        request = analyzer_pb2.AnalyzeStackRequest(resources=[
            _engine_resource(s, analyzer_pb2.AnalyzerResource) for s in subjects])
        responses = [servicer.AnalyzeStack(request, None)]
    else:
        responses = [servicer.Analyze(_engine_resource(s), None) for s in subjects]
    for response in responses:
        for diagnostic in response.diagnostics:
            assert not diagnostic.message.startswith("can't run policy"), diagnostic.message
            assert diagnostic.message.startswith(prefix) and diagnostic.message.endswith(suffix), diagnostic.message
            judgement.findings.append((names.get(diagnostic.urn, diagnostic.urn),
                                       diagnostic.message[len(prefix):-len(suffix)]))
        judgement.not_applicable.extend(item.reason for item in response.not_applicable)
    return judgement


def offline(rule_id: str, subjects: list[Subject], entry: Mapping[str, Any]) -> Judgement:
    views = [Resource(urn=s.urn, type=s.type, name=s.name, props=unknown_checking_proxy(copy.deepcopy(dict(s.props))),
                      protect=s.protect, provider_type=f"pulumi:providers:{s.package}", provider_name="default",
                      provider_props=s.provider_props()) for s in subjects]
    verdict = evaluate(views, [RULES_BY_ID[rule_id]], {rule_id: dict(entry)}, TODAY)[0]
    assert not verdict.unknown
    names = {s.urn: s.name for s in subjects}
    return Judgement(findings=[(names.get(urn, urn), text) for urn, text in verdict.violations],
                     not_applicable=[reason for _, reason in verdict.not_applicable])


def judge(rule_id: str, *subjects: Subject, config: Mapping[str, Any] | None = None,
          tier: str = "production") -> Judgement:
    """The rule's verdict on the subjects, identical through the engine's path and offline (asserted)."""
    entry = _rule_config(rule_id, config, tier)
    engine = through_engine(rule_id, list(subjects), entry)
    local = offline(rule_id, list(subjects), entry)
    assert sorted(engine.findings) == sorted(local.findings), f"engine {engine.findings} != offline {local.findings}"
    if not RULES_BY_ID[rule_id].offline_only:
        assert sorted(engine.not_applicable) == sorted(local.not_applicable)
    return local


def findings(rule_id: str, type_: str, props: Mapping[str, Any], **kwargs) -> list[str]:
    return judge(rule_id, Subject(type_, props), **kwargs).messages()


def assert_change(rule_id: str, type_: str, compliant: Mapping[str, Any], change: Mapping[str, Any],
                  expected: list[str], **kwargs) -> None:
    """The compliant resource passes; with one input changed it gets exactly the expected findings."""
    assert findings(rule_id, type_, compliant, **kwargs) == [], f"{rule_id}: the compliant {type_} fails"
    got = findings(rule_id, type_, changed(compliant, change), **kwargs)
    assert got == expected, f"{rule_id} on {type_} with {change}: {got} != {expected}"


def not_applicable(rule_id: str, type_: str, props: Mapping[str, Any], **kwargs) -> list[str]:
    judgement = judge(rule_id, Subject(type_, props), **kwargs)
    assert not judgement.findings, judgement.findings
    return judgement.not_applicable
