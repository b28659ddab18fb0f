"""Automatic rotation of customer-managed keys (practice 5.1): symmetric KMS keys, and Key Vault keys.

AWS rotates only symmetric encryption keys with key material it generated in KMS itself: asymmetric and
HMAC keys, imported key material (origin EXTERNAL) and keys in custom key stores cannot rotate
automatically, and a replica key follows its primary's rotation.
https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys.html

A Key Vault key (of any type) rotates when its rotation policy has a `rotate` lifetime action; without one, only
someone creating a new version by hand rotates it.
https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation
"""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext, canonical_type
from ..values import flag, get

KEY = "aws:kms/key:Key"
EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
REPLICA_EXTERNAL_KEY = "aws:kms/replicaExternalKey:ReplicaExternalKey"
SYMMETRIC = "SYMMETRIC_DEFAULT"
VAULT_KEY = "azure-native:keyvault:Key"


def _vault_key_rotates(props) -> bool:
    actions = get(props, "properties", "rotationPolicy", "lifetimeActions") or []
    return any(str(get(a, "action", "type") or "").lower() == "rotate"
               and (get(a, "trigger", "timeAfterCreate") or get(a, "trigger", "timeBeforeExpiry")) for a in actions)


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if canonical_type(resource.type) == VAULT_KEY:
        if not _vault_key_rotates(resource.props):
            yield ("Key Vault key does not rotate: set properties.rotationPolicy.lifetimeActions with a rotate "
                   "action and its trigger (timeAfterCreate or timeBeforeExpiry)")
        return
    if resource.type in (EXTERNAL_KEY, REPLICA_EXTERNAL_KEY):
        raise NotApplicable("imported key material (origin EXTERNAL) cannot rotate automatically")
    if resource.type == REPLICA_KEY:
        raise NotApplicable("a replica key shares its primary key's rotation")
    props = resource.props
    spec = str(props.get("customerMasterKeySpec") or props.get("keySpec") or SYMMETRIC)
    if spec != SYMMETRIC:
        raise NotApplicable(f"{spec.split('_')[0].lower()} keys cannot rotate automatically")
    if str(props.get("keyUsage") or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
        raise NotApplicable("only encryption keys rotate automatically")
    if props.get("customKeyStoreId"):
        raise NotApplicable("keys in a custom key store cannot rotate automatically")
    if str(props.get("origin") or "AWS_KMS") == "EXTERNAL":
        raise NotApplicable("imported key material (origin EXTERNAL) cannot rotate automatically")
    # Unset is the provider's default, false.
    if not flag(props.get("enableKeyRotation"), False):
        yield "symmetric key does not rotate: set enableKeyRotation to true"


RULE = Rule(
    id="kms-key-rotation", concern="key-rotation",
    description="Symmetric customer-managed KMS keys and Key Vault keys rotate automatically (not applicable where "
                "AWS cannot rotate).",
    severity="medium",
    remediation="KMS: set enableKeyRotation true (optionally rotationPeriodInDays). Key Vault: a rotation policy with a "
                "rotate lifetime action. Every key the components create does.",
    check=check, types=frozenset({KEY, EXTERNAL_KEY, REPLICA_KEY, REPLICA_EXTERNAL_KEY, VAULT_KEY}))
