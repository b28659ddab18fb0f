"""KEDA's operator identity on one cluster: the IAM role its service account assumes, and what it may assume.

Every processing node has a scaler role that may only read its queues' depth. KEDA's operator assumes those
roles (TriggerAuthentication `podIdentity: {provider: aws, roleArn}`), so the operator needs an identity of its
own: a role trusting the `keda/keda-operator` service account on the cluster's OIDC issuer
(`clusters[].oidc_provider_arn`, a declared prerequisite), allowed `sts:AssumeRole` on those scaler roles only.
https://keda.sh/docs/2.16/authentication-providers/aws/

On EKS the pod identity webhook gives the operator its token (chart value `podIdentity.aws.irsa.roleArn`).
Other clusters (on-prem, AKS) have no such webhook; there the chart's `env` and extra volume carry the same
projected service-account token and variables the webhook would inject, so nothing static is stored anywhere.
"""

from __future__ import annotations

from typing import Any, Iterable

import pulumi
from pulumi_aws import iam

from .. import workload_identity
from ..compute import identity
from ..spec.foundation import Cluster
from .service_role import service_account_role


def chart_values(role_arn: pulumi.Input[str], cluster: Cluster, sts_region: str) -> dict[str, Any]:
    """KEDA chart values (chart 2.16.1: podIdentity.aws.irsa, env, volumes.keda) giving the operator `role_arn`."""
    if cluster.cloud == "aws":
        return {"podIdentity": {"aws": {"irsa": {"enabled": True, "roleArn": role_arn, "stsRegionalEndpoints": "true"}}}}
    # `env` reaches every KEDA deployment; only the operator (which runs the scalers) mounts the token and calls STS.
    return {"podIdentity": {"aws": {"irsa": {"enabled": False}}},
            "env": [*workload_identity.web_identity_env(role_arn), {"name": "AWS_REGION", "value": sts_region},
                    {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"}],
            "volumes": {"keda": {"extraVolumes": [workload_identity.web_identity_volume()],
                                 "extraVolumeMounts": [workload_identity.web_identity_mount()]}}}


class KedaOperatorIdentity(pulumi.ComponentResource):
    """Pass the primary region's AWS provider in opts (IAM is global; that provider carries the account guard)."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, environment: str, cluster: Cluster, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:cluster:KedaOperatorIdentity", name, None, opts)
        self._role = service_account_role(self, name, environment, cluster, "keda", identity.KEDA_SUBJECT,
                                          f"KEDA operator of cluster {cluster.name}: assumes the nodes' scaler roles")
        self._name = name
        self.role_arn = self._role.arn
        self.register_outputs({"role_arn": self.role_arn})

    def allow_assuming(self, scaler_role_arns: Iterable[pulumi.Input[str]]) -> iam.RolePolicy:
        """Grant sts:AssumeRole on exactly these scaler roles (created after them: their trust names this role)."""
        return iam.RolePolicy(f"{self._name}-assume-scalers", role=self._role.name, name="assume-scaler-roles",
                              policy=pulumi.Output.all(*scaler_role_arns).apply(identity.operator_policy),
                              opts=pulumi.ResourceOptions(parent=self))
