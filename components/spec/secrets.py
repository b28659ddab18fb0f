"""Spec models for secrets and replicated configuration (practice 8.5: replicate configuration and secrets
with secure, audited synchronisation; 5.4: least privilege for the identities that read them)."""

from __future__ import annotations

import re
from typing import Iterator, Optional

from pydantic import Field

from .base import Name, SpecModel

IAM_ROLE_ARN = r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]+$"
LAMBDA_ARN = r"^arn:aws:lambda:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:function:[\w-]+$"
K8S_NAME = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
AZURE_OBJECT_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class RotationSpec(SpecModel):
    """Rotation by a Lambda the owning team runs; the program never sees the rotated value."""

    lambda_arn: str = Field(pattern=LAMBDA_ARN, description="rotation function (in the secret's primary region)")
    days: int = Field(default=30, ge=1, le=1000, description="rotate automatically after this many days")


class WorkloadSync(SpecModel):
    """A workload on a cluster that consumes the secret through an External Secrets `ExternalSecret`."""

    cluster: Name
    namespace: str = Field(pattern=K8S_NAME, description="Kubernetes namespace of the consuming workload")
    workload: str = Field(pattern=K8S_NAME, description="consuming workload; names the ExternalSecret")
    target_secret: Optional[str] = Field(default=None, pattern=K8S_NAME,
                                         description="Kubernetes Secret to write; default the secret's name",
        examples=["orders-db-credentials"])


class SecretSpec(SpecModel):
    name: Name
    description: str = Field(min_length=1,
                             description="what the secret is for, shown in Secrets Manager and the catalog")
    owner: str = Field(min_length=1, description="team that puts (or rotates) the value")
    readers: list[str] = Field(default_factory=list, description=(
        "who may read the value (only these): processing node names (the stack derives their IAM roles), or the "
        "ARN of an IAM role outside the stack declared under prerequisites.external_principals; the External "
        "Secrets role of every cluster in sync is added by the stack"))
    replicate: bool = Field(default=True, description="replicate into the secondary region when there is one")
    promote_on_failover: bool = Field(default=False,
                                      description="the failover drill promotes the replica to a standalone secret")
    rotation: Optional[RotationSpec] = Field(default=None,
                                             description="automatic rotation by a function the owning team runs")
    sync: list[WorkloadSync] = Field(default_factory=list,
        description="workloads on clusters that receive the secret through External Secrets")


class ParameterSpec(SpecModel):
    """Non-secret configuration, replicated like secrets (SSM Parameter Store, Azure App Configuration)."""

    name: Name
    value: str = Field(min_length=1, max_length=4096,
                       description="the parameter's value (never a secret: plans show it)")
    description: str = Field(default="", description="what the parameter is for")
    replicate: bool = Field(default=True, description="replicate into the secondary region when there is one")
    azure: bool = Field(default=False, description="also publish to the Azure App Configuration store")


class KeyVaultSpec(SpecModel):
    soft_delete_retention_days: int = Field(default=90, ge=7, le=90,
                                            description="days a deleted secret can be recovered")
    readers: list[str] = Field(default_factory=list, description="Azure AD object ids granted Key Vault Secrets User")

    @property
    def reader_ids(self) -> list[str]:
        return list(self.readers)


class SecretsSpec(SpecModel):
    refresh_interval: str = Field(default="1h", pattern=r"^\d+[smh]$",
                                  description="how often External Secrets re-reads the source (e.g. 15m, 1h)")
    secrets: list[SecretSpec] = Field(default_factory=list,
        description="secrets in Secrets Manager, replicated and synced to workloads; values are put outside the stack")
    parameters: list[ParameterSpec] = Field(default_factory=list,
        description="non-secret configuration in SSM Parameter Store (and Azure App Configuration)")
    key_vault: Optional[KeyVaultSpec] = Field(default=None,
        description="the Azure Key Vault; absent when nothing on Azure reads secrets")

    def consuming_clusters(self) -> set[str]:
        return {sync.cluster for secret in self.secrets for sync in secret.sync}


def check_secrets(spec) -> Iterator[tuple[str, str]]:
    """Cross-field checks for the `secrets` section; `spec` is the EnvironmentSpec."""
    section = spec.secrets
    clusters = {c.name for c in spec.clusters}
    account = spec.accounts.aws.account_id
    regions = set(spec.aws_region_names())
    secondary = spec.regions.aws.secondary
    nodes = {n.name for n in spec.processing.nodes}
    externals = {p.arn for p in spec.prerequisites.external_principals if p.arn}
    by_cluster = {c.name: c for c in spec.clusters}
    seen: set[str] = set()
    for i, secret in enumerate(section.secrets):
        path = f"secrets.secrets[{i}]"
        if secret.name in seen:
            yield f"{path}.name", f"duplicate name {secret.name!r}: names must be unique here"
        seen.add(secret.name)
        for j, reader in enumerate(secret.readers):
            if re.match(IAM_ROLE_ARN, reader):
                if reader not in externals:
                    yield (f"{path}.readers[{j}]", f"role {reader} is not declared under "
                           "prerequisites.external_principals; name the environment's own workloads by their "
                           "processing node name, and declare true externals there")
            elif reader not in nodes:
                yield (f"{path}.readers[{j}]", f"undefined reader {reader!r}; expected a processing node name "
                       f"({', '.join(sorted(nodes)) or 'none'}) or a declared external role ARN")
        if secret.promote_on_failover and not (secret.replicate and secondary):
            yield (f"{path}.promote_on_failover",
                   "a secret can only be promoted on failover when it is replicated (replicate: true) and "
                   "regions.aws.secondary is set")
        if secret.rotation:
            _, _, _, region, owner, *_ = secret.rotation.lambda_arn.split(":")
            if region not in regions:
                yield f"{path}.rotation.lambda_arn", f"expected a function in one of regions.aws: {', '.join(sorted(regions))}"
            elif owner != account:
                yield f"{path}.rotation.lambda_arn", f"expected a function in this environment's account {account}"
        for j, sync in enumerate(secret.sync):
            if sync.cluster not in clusters:
                yield (f"{path}.sync[{j}].cluster",
                       f"undefined cluster {sync.cluster!r}; expected one of clusters[].name: {', '.join(sorted(clusters)) or 'none'}")
            elif not by_cluster[sync.cluster].oidc_provider_arn:
                yield (f"{path}.sync[{j}].cluster",
                       f"cluster {sync.cluster!r} has no oidc_provider_arn; the External Secrets operator there "
                       "assumes its IAM role with the cluster's service-account tokens (no static keys), so the "
                       "cluster's issuer must be registered as an IAM OIDC provider and named there")
    seen = set()
    for i, parameter in enumerate(section.parameters):
        if parameter.name in seen:
            yield f"secrets.parameters[{i}].name", f"duplicate name {parameter.name!r}: names must be unique here"
        seen.add(parameter.name)
        if parameter.azure and not spec.regions.azure:
            yield f"secrets.parameters[{i}].azure", "expected regions.azure to be set to publish to Azure App Configuration"
        elif parameter.azure and spec.prerequisites.azure_deployer is None:
            # The store refuses local (key) auth, so ARM writes key-values as the deploying identity (pass-through).
            yield (f"secrets.parameters[{i}].azure", "App Configuration key-values are written through ARM as the "
                   "deploying identity; expected prerequisites.azure_deployer (its object id) so the stack can grant "
                   "it App Configuration Data Owner on the store")
    if section.key_vault and not (spec.regions.azure and spec.accounts.azure):
        yield "secrets.key_vault", "expected regions.azure and accounts.azure to be set for a Key Vault"
    if section.key_vault:
        for i, cluster in enumerate(spec.clusters):
            if cluster.cloud == "azure" and cluster.name in section.consuming_clusters() and not cluster.oidc_issuer_url:
                # External Secrets reads Key Vault with workload identity: a federated credential on the
                # cluster's issuer, which only the cluster itself knows.
                yield (f"clusters[{i}].oidc_issuer_url", f"secrets sync to {cluster.name} and the environment has a "
                       "Key Vault; expected the cluster's OIDC issuer URL for the External Secrets identity to trust")
    if section.key_vault:
        for j, reader in enumerate(section.key_vault.readers):
            if not re.match(AZURE_OBJECT_ID, reader):
                yield f"secrets.key_vault.readers[{j}]", "expected an Azure AD object id (a lower-case GUID)"
