"""IAM roles for Kubernetes service accounts (IRSA), the one convention every capability's workloads use.

A role trusts one service account subject on one cluster's OIDC provider; the pod gets a projected token and
the variables the EKS pod identity webhook would inject, so the AWS SDK's default chain assumes the role on
EKS and off it alike (practice 5.4).
"""

from __future__ import annotations

import json
from typing import Any

# Where the EKS pod identity webhook mounts the projected web-identity token; off EKS (no webhook) the same
# volume, path and variables are written into the pod spec, so the AWS SDK's default chain behaves alike.
# https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
WEB_IDENTITY_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
WEB_IDENTITY_VOLUME = "aws-iam-token"
WEB_IDENTITY_SECONDS = 86400


def oidc_issuer(provider_arn: str) -> str:
    """The issuer host/path an IAM OIDC provider ARN names (the prefix of its condition keys)."""
    return provider_arn.split(":oidc-provider/", 1)[1]


def service_account_subject(namespace: str, name: str) -> str:
    return f"system:serviceaccount:{namespace}:{name}"


def trust_policy(provider_arn: str, subject: str) -> str:
    """Only tokens for `subject`, issued for STS by the cluster's own issuer, may assume the role."""
    issuer = oidc_issuer(provider_arn)
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{issuer}:sub": subject, f"{issuer}:aud": "sts.amazonaws.com"}}}]},
        sort_keys=True)


def web_identity_env(role_arn: Any) -> list[dict]:
    """The variables the EKS webhook injects (besides the region ones): the SDK assumes `role_arn` (an ARN or
    its Output) with the projected token."""
    return [{"name": "AWS_ROLE_ARN", "value": role_arn},
            {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": f"{WEB_IDENTITY_DIR}/token"}]


def web_identity_volume() -> dict:
    """A service-account token for STS, rotated by the kubelet (projected volume, audience sts.amazonaws.com)."""
    return {"name": WEB_IDENTITY_VOLUME, "projected": {"sources": [{"serviceAccountToken": {
        "audience": "sts.amazonaws.com", "expirationSeconds": WEB_IDENTITY_SECONDS, "path": "token"}}]}}


def web_identity_mount() -> dict:
    return {"name": WEB_IDENTITY_VOLUME, "mountPath": WEB_IDENTITY_DIR, "readOnly": True}


# Microsoft Entra workload identity federation off Azure: the pod presents a service-account token issued for
# Entra's token exchange audience; the Azure SDKs' WorkloadIdentityCredential reads these variables.
# https://learn.microsoft.com/entra/workload-id/workload-identity-federation
AZURE_TOKEN_DIR = "/var/run/secrets/azure/tokens"
AZURE_TOKEN_VOLUME = "azure-identity-token"
AZURE_TOKEN_AUDIENCE = "api://AzureADTokenExchange"


def azure_identity_env(client_id: Any, tenant_id: Any) -> list[dict]:
    return [{"name": "AZURE_CLIENT_ID", "value": client_id}, {"name": "AZURE_TENANT_ID", "value": tenant_id},
            {"name": "AZURE_FEDERATED_TOKEN_FILE", "value": f"{AZURE_TOKEN_DIR}/azure-identity-token"}]


def azure_identity_volume() -> dict:
    return {"name": AZURE_TOKEN_VOLUME, "projected": {"sources": [{"serviceAccountToken": {
        "audience": AZURE_TOKEN_AUDIENCE, "expirationSeconds": 3600, "path": "azure-identity-token"}}]}}


def azure_identity_mount() -> dict:
    return {"name": AZURE_TOKEN_VOLUME, "mountPath": AZURE_TOKEN_DIR, "readOnly": True}
