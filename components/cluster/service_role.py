"""An IAM role for one Kubernetes service account of a cluster, trusted through the cluster's OIDC issuer.

Operators that call AWS from a cluster (KEDA's scalers, Alertmanager's SNS receiver) each get one: the trust
names exactly `system:serviceaccount:<namespace>:<name>` on `clusters[].oidc_provider_arn` (a declared
external), so no other pod and no other cluster can assume it.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import iam

from .. import workload_identity
from ..naming import physical_name
from ..spec.foundation import Cluster


def service_account_role(parent: pulumi.Resource, name: str, environment: str, cluster: Cluster, who: str,
                         subject: str, description: str) -> iam.Role:
    """`who` names the role (<env>-<who>-<cluster>) and the error when the cluster has no OIDC issuer."""
    if not cluster.oidc_provider_arn:
        raise ValueError(f"cluster {cluster.name}: {who} runs here but the cluster has no oidc_provider_arn "
                         "for its role to trust")
    return iam.Role(f"{name}-role", name=physical_name(environment, who, cluster.name, limit=64),
                    description=description, assume_role_policy=workload_identity.trust_policy(cluster.oidc_provider_arn, subject),
                    max_session_duration=3600, opts=pulumi.ResourceOptions(parent=parent))
