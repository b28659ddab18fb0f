"""A Debezium source on a Strimzi KafkaConnect cluster, beside a `strimzi-kafka` broker (on-prem too).

The Connect cluster joins the broker's namespace, where the User Operator writes its KafkaUser's credentials
and the cluster CA certificate lives; it authenticates the way the broker's listener demands (mTLS or
SCRAM-SHA-512), with ACLs for its own topics only. The database login arrives through External Secrets (the
secret's `sync` entry for this Connect cluster) and is mounted as files the DirectoryConfigProvider reads, so
no value passes through the program. Connect and Debezium metrics reach Prometheus through the JMX exporter
and a PodMonitor; a PrometheusRule alarms on lag and errors, routed by Alertmanager on its `severity` label.
Fields follow Strimzi 0.45's CRDs (vendored under scripts/contracts/crds/strimzi-0.45.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
from pulumi_kubernetes.apiextensions import CustomResource
from pulumi_kubernetes.core.v1 import ConfigMap
from pulumi_kubernetes.meta.v1 import ObjectMetaArgs

from ..alerting import AlertRoutes
from ..cluster.addons import PROMETHEUS
from ..spec.cdc import CdcSource, connect_name
from .settings import (CLUSTER_CA_DIR, CONNECTOR_CLASS, CREDENTIALS_DIR, KAFKA_USER_DIR, connect_worker_config,
                       jmx_metrics_rules, kafka_user_acls, strimzi_connector_settings)

API = "kafka.strimzi.io/v1beta2"
MONITORING_API = "monitoring.coreos.com/v1"
# The Kafka version Strimzi 0.45 runs (the broker's too): Connect images are built on it.
KAFKA_VERSION = "3.9.0"
METRICS_KEY = "metrics-config.yml"
AUTH_TYPES = {"tls": "tls", "scram": "scram-sha-512"}
PLUGIN_NAMES = {"postgresql": "debezium-postgres", "mysql": "debezium-mysql", "sqlserver": "debezium-sqlserver"}


@dataclass(frozen=True)
class StrimziCluster:
    """What Connect needs of the broker: its Kafka resource's name and namespace, how clients authenticate."""

    kafka_name: str
    namespace: str
    bootstrap: pulumi.Input[str]
    client_auth: str
    """tls or scram (the broker listener's authentication)."""


def labels(source: CdcSource, environment: str) -> dict[str, str]:
    return {"app.kubernetes.io/part-of": "hybrid-cdc", "hybrid/cdc-source": source.name,
            "hybrid/owner": source.owner, "hybrid/environment": environment}


def connect_spec(source: CdcSource, kafka: StrimziCluster, bootstrap: str, credentials_secret: str,
                 metrics_config_map: str) -> dict[str, Any]:
    """The KafkaConnect spec: pinned image or a build from a checksummed artifact, TLS to the broker with the
    KafkaUser's credentials, the login and Kafka credentials mounted for the config provider, JMX metrics."""
    runtime = source.strimzi
    assert runtime is not None  # the spec check requires it for strimzi-kafka brokers
    name = connect_name(source)
    if kafka.client_auth == "tls":
        authentication = {"type": "tls", "certificateAndKey": {"secretName": name, "certificate": "user.crt",
                                                               "key": "user.key"}}
    else:
        authentication = {"type": "scram-sha-512", "username": name,
                          "passwordSecret": {"secretName": name, "password": "password"}}
    spec: dict[str, Any] = {
        "version": KAFKA_VERSION, "replicas": runtime.replicas, "bootstrapServers": bootstrap,
        "tls": {"trustedCertificates": [{"secretName": f"{kafka.kafka_name}-cluster-ca-cert", "certificate": "ca.crt"}]},
        "authentication": authentication,
        "config": connect_worker_config(name),
        "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
        "metricsConfig": {"type": "jmxPrometheusExporter",
                          "valueFrom": {"configMapKeyRef": {"name": metrics_config_map, "key": METRICS_KEY}}},
        "template": {
            "pod": {"volumes": [{"name": "cdc-credentials", "secret": {"secretName": credentials_secret}},
                                {"name": "kafka-user", "secret": {"secretName": name}},
                                {"name": "cluster-ca", "secret": {"secretName": f"{kafka.kafka_name}-cluster-ca-cert"}}]},
            "connectContainer": {"volumeMounts": [{"name": "cdc-credentials", "mountPath": CREDENTIALS_DIR},
                                                  {"name": "kafka-user", "mountPath": KAFKA_USER_DIR},
                                                  {"name": "cluster-ca", "mountPath": CLUSTER_CA_DIR}]},
        },
    }
    if runtime.image is not None:
        spec["image"] = runtime.image
    else:
        build = runtime.build
        assert build is not None
        output: dict[str, Any] = {"type": "docker", "image": build.output_image}
        if build.push_secret:
            output["pushSecret"] = build.push_secret
        archive = "zip" if build.artifact_url.endswith(".zip") else "jar" if build.artifact_url.endswith(".jar") else "tgz"
        spec["build"] = {"output": output, "plugins": [{"name": PLUGIN_NAMES[source.engine], "artifacts": [
            {"type": archive, "url": build.artifact_url, "sha512sum": build.sha512}]}]}
    return spec


def alert_rules(source: CdcSource, namespace: str, topic: pulumi.Input[str]) -> pulumi.Output[list]:
    """Lag from Debezium's MilliSecondsBehindSource, record errors and a failed connector from Connect's own
    metrics: each a critical alert Alertmanager routes to the alert topic by its `severity` label."""
    connector = f'namespace="{namespace}",connector="{source.name}"'
    lag = f'namespace="{namespace}",server="{source.prefix}",context="streaming"'
    specs = [
        ("lag", f"max(debezium_metrics_millisecondsbehindsource{{{lag}}}) > {source.max_lag_seconds * 1000}",
         f"trails {source.database} by more than {source.max_lag_seconds} s"),
        ("record-errors", f"sum(increase(kafka_connect_task_error_metrics_total_record_errors{{{connector}}}[5m])) > 0",
         "failed to process change records"),
        ("failed", f'max(kafka_connect_connector_status{{{connector},status="failed"}}) > 0', "has failed"),
    ]
    return pulumi.Output.from_input(topic).apply(lambda arn: [{
        "alert": f"cdc-{source.name}-{signal}", "expr": expr, "for": "3m",
        "labels": {"severity": "critical", "cdc_source": source.name, "owner": source.owner,
                   "consumer_path": f"cdc:{source.name}"},
        "annotations": {"summary": f"CDC source {source.name} (owner {source.owner}) {what}.",
                        "sns_topic_arn": arn}} for signal, expr, what in specs])


def build(parent: pulumi.Resource, name: str, environment: str, source: CdcSource, kafka: StrimziCluster,
          credentials_secret: str, alerts: AlertRoutes, alert_region: str, opts: pulumi.ResourceOptions,
          waits: Sequence[pulumi.Resource] = ()) -> CustomResource:
    """`opts` carries the parent and the cluster's provider; `waits` are the add-ons, the broker and the secret
    sync the custom resources need first."""
    ns, connect = kafka.namespace, connect_name(source)
    after = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(waits)))

    def meta(resource_name: str, extra: Optional[dict[str, str]] = None,
             annotations: Optional[dict[str, str]] = None) -> ObjectMetaArgs:
        return ObjectMetaArgs(name=resource_name, namespace=ns, labels={**labels(source, environment), **(extra or {})},
                              annotations=annotations)

    metrics = ConfigMap(f"{name}-metrics-config", metadata=meta(f"{connect}-metrics"),
                        data={METRICS_KEY: jmx_metrics_rules()}, opts=after)
    user = CustomResource(
        f"{name}-user", api_version=API, kind="KafkaUser",
        metadata=meta(connect, {"strimzi.io/cluster": kafka.kafka_name}),
        spec={"authentication": {"type": AUTH_TYPES[kafka.client_auth]},
              "authorization": {"type": "simple", "acls": kafka_user_acls(source, connect)}}, opts=after)
    cluster = CustomResource(
        f"{name}-connect", api_version=API, kind="KafkaConnect",
        metadata=meta(connect, annotations={"strimzi.io/use-connector-resources": "true"}),
        spec=pulumi.Output.from_input(kafka.bootstrap).apply(
            lambda bootstrap: connect_spec(source, kafka, bootstrap, credentials_secret, f"{connect}-metrics")),
        opts=pulumi.ResourceOptions.merge(after, pulumi.ResourceOptions(depends_on=[user, metrics])))
    settings = pulumi.Output.from_input(kafka.bootstrap).apply(
        lambda bootstrap: strimzi_connector_settings(source, bootstrap, kafka.client_auth, connect))
    connector = CustomResource(
        f"{name}-connector", api_version=API, kind="KafkaConnector",
        metadata=meta(source.name, {"strimzi.io/cluster": connect}),
        spec=settings.apply(lambda config: {"class": CONNECTOR_CLASS[source.engine], "tasksMax": 1,
                                            "state": "running", "config": config}),
        opts=pulumi.ResourceOptions.merge(after, pulumi.ResourceOptions(depends_on=[cluster])))
    # Strimzi 0.45 exposes Connect metrics on the pods' tcp-prometheus port, without a Service.
    CustomResource(f"{name}-pod-monitor", api_version=MONITORING_API, kind="PodMonitor",
                   metadata=meta(f"{connect}-metrics", PROMETHEUS.release_label),
                   spec={"selector": {"matchLabels": {"strimzi.io/cluster": connect, "strimzi.io/kind": "KafkaConnect",
                                                      "strimzi.io/name": f"{connect}-connect"}},
                         "podMetricsEndpoints": [{"port": "tcp-prometheus", "path": "/metrics", "interval": "30s"}]},
                   opts=pulumi.ResourceOptions.merge(after, pulumi.ResourceOptions(depends_on=[cluster])))
    CustomResource(f"{name}-alert-rules", api_version=MONITORING_API, kind="PrometheusRule",
                   metadata=meta(connect, PROMETHEUS.release_label),
                   spec=alert_rules(source, ns, alerts.topic(alert_region, "critical")).apply(
                       lambda rules: {"groups": [{"name": f"cdc-{source.name}", "rules": rules}]}),
                   opts=after)
    return connector

