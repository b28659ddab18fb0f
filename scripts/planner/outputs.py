"""The planner's mocks: per cloud, the id and computed outputs a real provider would return."""

from __future__ import annotations

import json
from typing import Any

from .ids import aws_outputs, azure_outputs, kubernetes_outputs, stable_uuid

UNKNOWN_ACCOUNT = "000000000000"


def provider_setting(inputs: dict[str, Any], key: str) -> Any:
    """A provider input; the engine stores complex provider inputs as JSON strings."""
    value = inputs.get(key)
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def mock_outputs(type_: str, name: str, urn: str, inputs: dict[str, Any], provider_inputs: dict[str, Any]
                 ) -> tuple[str, dict[str, Any]]:
    if type_.startswith("pulumi:providers:"):
        return stable_uuid(urn), {}
    if type_.startswith("aws:"):
        region = inputs.get("region") or provider_inputs.get("region") or "us-east-1"
        accounts = provider_setting(provider_inputs, "allowedAccountIds") or [UNKNOWN_ACCOUNT]
        return aws_outputs(type_, name, urn, inputs, region, accounts[0])
    if type_.startswith("azure-native:"):
        return azure_outputs(type_, name, urn, inputs, provider_inputs.get("subscriptionId", UNKNOWN_ACCOUNT))
    if type_.startswith("kubernetes:"):
        return kubernetes_outputs(type_, name, inputs)
    return f"{name}-{stable_uuid(urn)[:8]}", {}
