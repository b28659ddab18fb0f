"""Secrets rules: customer-managed keys and cross-region replicas (practice 8.5), and credentials that are
secret-marked wherever they are passed as inputs (practice 5.2: nothing sensitive in plain state or logs)."""

from __future__ import annotations

import re
from typing import Any, Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext

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


def check_secret_cmk(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    key = resource.props.get("kmsKeyId")
    if not key:
        yield "secret is encrypted with the AWS-managed key: set kmsKeyId to a customer-managed key"
    elif str(key) == AWS_MANAGED_SECRETS_KEY:
        yield "secret names the AWS-managed key, which cannot be scoped or replicated under your control"
    for i, replica in enumerate(resource.props.get("replicas") or []):
        if not replica.get("kmsKeyId"):
            yield f"replica {i} is encrypted with the AWS-managed key of its region"


def check_secret_replicated(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    secondary = ctx.config.get("secondaryRegion")
    if not secondary:
        raise NotApplicable("the environment has no secondary region")
    regions = {str(r.get("region")) for r in resource.props.get("replicas") or []}
    if secondary not in regions:
        yield "secret has no replica in the environment's secondary region: failover would lose it"


def _values(value: Any, path: list[str]) -> Iterable[tuple[str, Any]]:
    """(label, value) for every value at a dotted path; `[]` fans out over a list."""
    if not path:
        yield "", value
        return
    head, rest = path[0], path[1:]
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(value, dict) and not hasattr(value, "get"):
        return
    inner = value.get(key)
    if inner is None:
        return
    items = list(enumerate(inner)) if many and isinstance(inner, list) else [(None, inner)]
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


def check_credentials_secret(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if not ctx.secrets_visible:
        raise NotApplicable("offline only: inside the engine policies see secrets unwrapped, so secrecy is "
                            "judged on the plan, stack export or preview JSON (`hybrid check`)")
    found = False
    for label, value in credential_inputs(resource):
        if isinstance(value, (bool, int, float)):
            continue  # a flag or a number named like a credential (automountServiceAccountToken) carries none
        found = True
        if value not in SECRET_MARKERS and value != "":
            yield f"credential input {label} is not secret-marked: it would be stored and shown in plaintext"
    if not found:
        raise NotApplicable("carries no credential inputs")


RULES = [
    Rule(id="secrets-cmk-encryption",
         description="Secrets Manager secrets and their replicas are encrypted with customer-managed KMS keys.",
         severity="high",
         remediation="Give the secret (and each replica) a kmsKeyId of a customer-managed key; the "
                     "SecretsReplication component uses a multi-region key and its replica keys.",
         check=check_secret_cmk, types=frozenset({SECRET_TYPE})),
    Rule(id="secrets-replicated",
         description="Where the environment has a secondary region, every secret has a replica there.",
         severity="high",
         remediation="Keep replicate: true on the secret in the spec (or exempt it with a justification).",
         check=check_secret_replicated, types=frozenset({SECRET_TYPE}),
         config_properties={"secondaryRegion": {"type": ["string", "null"]}}),
    Rule(id="credentials-secret-marked",
         description="Every input that carries a credential (passwords, pre-shared keys, tokens, kubeconfig, "
                     "hook URLs) is secret-marked. Offline only: the engine shows policies secrets unwrapped.",
         severity="critical",
         remediation="Pass the value from a secret config key (spec {secret: <key>}) or wrap it in "
                     "pulumi.Output.secret(...) so it is encrypted in state and masked in output.",
         check=check_credentials_secret, offline_only=True),
]
