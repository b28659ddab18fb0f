"""Credentials are secret-marked wherever they are passed as inputs (practice 5.2)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..secrets import SECRET_MARKERS, credential_inputs


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
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


RULE = Rule(
    id="credentials-secret-marked", concern="secret-handling",
    description="Every input that carries a credential (passwords, pre-shared keys, tokens, kubeconfig, "
                "hook URLs) is secret-marked. Offline only: the engine shows policies secrets unwrapped.",
    severity="critical",
    remediation="Pass the value from a secret config key (spec {secret: <key>}) or wrap it in "
                "pulumi.Output.secret(...) so it is encrypted in state and masked in output.",
    check=check, offline_only=True)
