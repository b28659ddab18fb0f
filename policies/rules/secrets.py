"""Secrets shapes shared by the secrets rules: customer-managed keys and cross-region replicas (practice 8.5), and credentials that are
secret-marked wherever they are passed as inputs (practice 5.2: nothing sensitive in plain state or logs)."""

from __future__ import annotations

import re
from typing import Any, Iterable

from .framework import Resource
from .values import is_map, is_seq

SECRET_TYPE = "aws:secretsmanager/secret:Secret"
AWS_MANAGED_SECRETS_KEY = "alias/aws/secretsmanager"
SECRET_MARKERS = ("[secret]",)

# Inputs known to carry credentials, by type: dotted paths, `[]` walks every list item.
CREDENTIAL_INPUTS: dict[str, tuple[str, ...]] = {
    "pulumi:providers:kubernetes": ("kubeconfig",),
    "aws:ec2/vpnConnection:VpnConnection": ("tunnel1PresharedKey", "tunnel2PresharedKey"),
    "aws:sns/topicSubscription:TopicSubscription": ("endpoint",),
    "aws:mq/broker:Broker": ("users[].password",),
    "azure-native:monitor:ActionGroup": ("webhookReceivers[].serviceUri", "emailReceivers[].emailAddress"),
    "azure-native:network:VirtualNetworkGatewayConnection": ("sharedKey",),
}
# Any other input whose name says it is a credential.
CREDENTIAL_NAME = re.compile(r"(password|passphrase|presharedkey|sharedkey|secretkey|apikey|token|kubeconfig)$",
                             re.IGNORECASE)
# Subscription endpoints are credentials only for HTTP(S) hooks and mail (queue/function ARNs are not).
SUBSCRIPTION_CREDENTIAL_PROTOCOLS = {"https", "http", "email", "email-json"}


def _values(value: Any, path: list[str]) -> Iterable[tuple[str, Any]]:
    """(label, value) for every value at a dotted path; `[]` fans out over a list."""
    if not path:
        yield "", value
        return
    head, rest = path[0], path[1:]
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not is_map(value):
        return
    inner = value.get(key)
    if inner is None:
        return
    items = list(enumerate(inner)) if many and is_seq(inner) else [(None, inner)]
    for index, item in items:
        label = f"{key}[{index}]" if index is not None else key
        for sub, found in _values(item, rest):
            yield (f"{label}.{sub}" if sub else label), found


def credential_inputs(resource: Resource) -> Iterable[tuple[str, Any]]:
    paths = set(CREDENTIAL_INPUTS.get(resource.type, ()))
    if resource.type == "aws:sns/topicSubscription:TopicSubscription" and \
            str(resource.props.get("protocol")) not in SUBSCRIPTION_CREDENTIAL_PROTOCOLS:
        paths.discard("endpoint")
    for key in resource.props.keys():
        if CREDENTIAL_NAME.search(key):
            paths.add(key)
    for path in sorted(paths):
        yield from _values(resource.props, path.split("."))
