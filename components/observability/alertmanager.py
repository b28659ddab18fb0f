"""Alertmanager delivery (practice 7.6): in-cluster alerts reach the same SNS alert topics as CloudWatch's.

kube-prometheus-stack's Alertmanager takes its whole configuration from one AlertmanagerConfig in its own
namespace (`alertmanagerSpec.alertmanagerConfiguration`; as the global configuration it is not narrowed to
alerts from that namespace), which routes by the `severity` label every rule of the blueprint carries to
that severity's alert topic in the cluster's alert region. Alertmanager publishes with SigV4 as an IAM role
that trusts the cluster's OIDC issuer for Alertmanager's service account; on EKS the pod identity webhook
hands it the token, elsewhere the pod spec projects the same token and variables (as for KEDA's operator).
https://prometheus-operator.dev/docs/developer/alerting/ (AlertmanagerConfig, alertmanagerConfiguration)
https://prometheus.io/docs/alerting/latest/configuration/#sns_config

That the topics' subscribers then page someone is proven only on a real cluster: fire a test alert
(`amtool alert add severity=critical alertname=DeliveryTest`) and watch the on-call target.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

import pulumi
from pulumi_aws import iam
from pulumi_kubernetes.apiextensions import CustomResource

from ..alerting import SEVERITIES
from ..cluster.addons import PROMETHEUS
from ..cluster.service_role import service_account_role
from .. import workload_identity
from ..spec.foundation import Cluster

SERVICE_ACCOUNT = "alertmanager"
"""Named in the chart values, so the role's trust names a service account that exists."""
CONFIG_NAME = "alert-routes"
SUBJECT = workload_identity.service_account_subject(PROMETHEUS.namespace, SERVICE_ACCOUNT)


def alert_region(cluster: Cluster, topic_regions: set[str], primary: str) -> str:
    """The region whose alert topics a cluster's Alertmanager publishes to: its own, or the primary."""
    return cluster.region if cluster.cloud == "aws" and cluster.region in topic_regions else primary


def chart_values(role_arn: pulumi.Input[str], cluster: Cluster, region: str) -> dict[str, Any]:
    """kube-prometheus-stack 67.9.0 values: Alertmanager's service account, identity and configuration source."""
    spec: dict[str, Any] = {"alertmanagerConfiguration": {"name": CONFIG_NAME}}
    account: dict[str, Any] = {"create": True, "name": SERVICE_ACCOUNT}
    if cluster.cloud == "aws":
        account["annotations"] = {"eks.amazonaws.com/role-arn": role_arn,
                                  "eks.amazonaws.com/sts-regional-endpoints": "true"}
    else:  # no webhook: the alertmanager container gets the projected token and variables itself
        spec["containers"] = [{"name": "alertmanager", "env": [
            *workload_identity.web_identity_env(role_arn), {"name": "AWS_REGION", "value": region},
            {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"}],
            "volumeMounts": [workload_identity.web_identity_mount()]}]
        spec["volumes"] = [workload_identity.web_identity_volume()]
    return {"alertmanager": {"serviceAccount": account, "alertmanagerSpec": spec}}


def routes_spec(topics: Mapping[str, str], region: str) -> dict[str, Any]:
    """The AlertmanagerConfig spec: one SNS receiver per severity, chosen by the alert's `severity` label;
    an alert without one goes to the warning topic rather than nowhere."""
    receivers = [{"name": f"sns-{severity}", "snsConfigs": [{
        "topicARN": topics[severity], "sigv4": {"region": region}, "sendResolved": True,
        # SNS subjects are capped at 100 characters; the default template can exceed it.
        "subject": "[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }}"}]} for severity in SEVERITIES]
    return {"route": {"receiver": "sns-warning", "groupBy": ["alertname", "severity"],
                      "routes": [{"matchers": [{"name": "severity", "matchType": "=", "value": severity}],
                                  "receiver": f"sns-{severity}"} for severity in SEVERITIES]},
            "receivers": receivers}


def publish_policy(topic_arns: list[str], key_arn: str) -> str:
    """Publish to the region's alert topics, which are encrypted with the region's alert key; nothing else."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sns:Publish", "Resource": sorted(topic_arns)},
        # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (publishers to an encrypted topic)
        {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key_arn}]}, sort_keys=True)


class AlertmanagerIdentity(pulumi.ComponentResource):
    """Alertmanager's role on one cluster. Created before the cluster's add-ons (the chart names it); the
    grant and the configuration come after the alert topics, in `deliver`."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, environment: str, cluster: Cluster, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:observability:AlertmanagerIdentity", name, None, opts)
        self._role = service_account_role(self, name, environment, cluster, "alertmanager", SUBJECT,
                                          f"Alertmanager of cluster {cluster.name}: publishes alerts to the alert topics")
        self._name = name
        self.role_arn = self._role.arn
        self.register_outputs({"role_arn": self.role_arn})

    def deliver(self, topics: Mapping[str, pulumi.Output[str]], key_arn: pulumi.Input[str], region: str,
                cluster_provider: pulumi.ProviderResource, addons: pulumi.Resource) -> CustomResource:
        """Grant publishing on `topics` (severity -> ARN) and write the routes Alertmanager loads."""
        iam.RolePolicy(f"{self._name}-publish", role=self._role.name, name="publish-alerts",
                       policy=pulumi.Output.all(list(topics.values()), key_arn).apply(
                           lambda a: publish_policy(a[0], a[1])), opts=pulumi.ResourceOptions(parent=self))
        return CustomResource(
            f"{self._name}-routes", api_version="monitoring.coreos.com/v1alpha1", kind="AlertmanagerConfig",
            metadata={"name": CONFIG_NAME, "namespace": PROMETHEUS.namespace, "labels": dict(PROMETHEUS.release_label)},
            spec=pulumi.Output.all(*[topics[s] for s in SEVERITIES]).apply(
                lambda arns: routes_spec(dict(zip(SEVERITIES, arns)), region)),
            opts=pulumi.ResourceOptions(parent=self, provider=cluster_provider, depends_on=[addons]))
