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
from typing import Any, Mapping, Optional, Sequence

import pulumi
from pulumi_aws import iam
from pulumi_kubernetes.apiextensions import CustomResource
from pulumi_kubernetes.core.v1 import ConfigMap
from pulumi_kubernetes.meta.v1 import ObjectMetaArgs

from .. import workload_identity
from ..alerting import AlertRoutes
from ..cluster.addons import PROMETHEUS
from ..naming import cdc_audit_role_name, physical_name
from ..ownership import CONTEXT_TAG
from ..spec.cdc import CdcSource, connect_name
from .audit_sink import SINK_CLASS, AuditStore, sink_settings, web_identity_sink_policy
from .settings import (CLUSTER_CA_DIR, CONNECTOR_CLASS, CREDENTIALS_DIR, KAFKA_USER_DIR, connect_worker_config,
                       jmx_metrics_rules, kafka_user_acls, strimzi_connector_settings)

API = "kafka.strimzi.io/v1beta2"
MONITORING_API = "monitoring.coreos.com/v1"
# The Kafka version Strimzi 0.45 runs (the broker's too): Connect images are built on it.
KAFKA_VERSION = "3.9.0"
METRICS_KEY = "metrics-config.yml"
AUTH_TYPES = {"tls": "tls", "scram": "scram-sha-512"}
PLUGIN_NAMES = {"postgresql": "debezium-postgres", "mysql": "debezium-mysql", "sqlserver": "debezium-sqlserver"}
SINK_PLUGIN_NAME = "confluent-s3-sink"


@dataclass(frozen=True)
class AuditIdentity:
    """How the Connect pods become the audit writer: an IAM role trusting the cluster's service-account issuer
    for the Connect cluster's own service account (Strimzi names it <connect>-connect)."""

    oidc_provider_arn: str
    """clusters[].oidc_provider_arn (a declared external)."""
    store: AuditStore


def service_account(source: CdcSource) -> str:
    """The service account Strimzi creates for a KafkaConnect's pods."""
    return f"{connect_name(source)}-connect"


def sink_name(source: CdcSource, entity: str) -> str:
    """The KafkaConnector (and the Connect connector name) of a critical entity's audit sink."""
    return f"{source.name}-audit-{entity}"


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


def _archive(url: str) -> str:
    return "zip" if url.endswith(".zip") else "jar" if url.endswith(".jar") else "tgz"


def connect_spec(source: CdcSource, kafka: StrimziCluster, bootstrap: str, credentials_secret: str,
                 metrics_config_map: str, audit_role_arn: Optional[str] = None,
                 audit_region: Optional[str] = None) -> dict[str, Any]:
    """The KafkaConnect spec: pinned image or a build from a checksummed artifact, TLS to the broker with the
    KafkaUser's credentials, the login and Kafka credentials mounted for the config provider, JMX metrics.
    With an audit role, the service account names it for the pod identity webhook (EKS's, or the self-hosted one
    the spec declares), which projects the web-identity token and variables into the pods; the S3 sink's AWS SDK
    default chain then assumes the role. The built image gains the S3 sink plugin."""
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
        plugins = [{"name": PLUGIN_NAMES[source.engine], "artifacts": [
            {"type": _archive(build.artifact_url), "url": build.artifact_url, "sha512sum": build.sha512}]}]
        if audit_role_arn is not None and source.audit_sink is not None and source.audit_sink.artifact is not None:
            artifact = source.audit_sink.artifact
            plugins.append({"name": SINK_PLUGIN_NAME, "artifacts": [
                {"type": _archive(artifact.url), "url": artifact.url, "sha512sum": artifact.sha512}]})
        spec["build"] = {"output": output, "plugins": plugins}
    if audit_role_arn is not None:
        # https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html (the annotation)
        spec["template"]["serviceAccount"] = {"metadata": {"annotations": {
            "eks.amazonaws.com/role-arn": audit_role_arn, "eks.amazonaws.com/sts-regional-endpoints": "true"}}}
        spec["template"]["connectContainer"]["env"] = [{"name": "AWS_REGION", "value": str(audit_region)}]
    return spec


def alert_rules(source: CdcSource, namespace: str, topic: pulumi.Input[str],
                sinks: Sequence[str] = ()) -> pulumi.Output[list]:
    """Lag from Debezium's MilliSecondsBehindSource, record errors and a failed connector from Connect's own
    metrics: each a critical alert Alertmanager routes to the alert topic by its `severity` label. Each audit
    sink (connector name) alarms on its record errors and on failing: critical changes stop reaching the
    audit store."""
    connector = f'namespace="{namespace}",connector="{source.name}"'
    lag = f'namespace="{namespace}",server="{source.prefix}",context="streaming"'
    specs = [
        ("lag", f"max(debezium_metrics_millisecondsbehindsource{{{lag}}}) > {source.max_lag_seconds * 1000}",
         f"trails {source.database} by more than {source.max_lag_seconds} s"),
        ("record-errors", f"sum(increase(kafka_connect_task_error_metrics_total_record_errors{{{connector}}}[5m])) > 0",
         "failed to process change records"),
        ("failed", f'max(kafka_connect_connector_status{{{connector},status="failed"}}) > 0', "has failed"),
    ]
    for sink in sinks:
        labels = f'namespace="{namespace}",connector="{sink}"'
        specs += [
            (f"{sink.removeprefix(source.name + '-')}-record-errors",
             f"sum(increase(kafka_connect_task_error_metrics_total_record_errors{{{labels}}}[5m])) > 0",
             f"audit sink {sink} failed to write change records"),
            (f"{sink.removeprefix(source.name + '-')}-failed",
             f'max(kafka_connect_connector_status{{{labels},status="failed"}}) > 0',
             f"audit sink {sink} has failed: critical changes stop reaching the audit store"),
        ]
    return pulumi.Output.from_input(topic).apply(lambda arn: [{
        "alert": f"cdc-{source.name}-{signal}", "expr": expr, "for": "3m",
        "labels": {"severity": "critical", "cdc_source": source.name, "owner": source.owner,
                   "consumer_path": f"cdc:{source.name}"},
        "annotations": {"summary": f"CDC source {source.name} (owner {source.owner}) {what}.",
                        "sns_topic_arn": arn}} for signal, expr, what in specs])


def build(parent: pulumi.Resource, name: str, environment: str, source: CdcSource, kafka: StrimziCluster,
          credentials_secret: str, alerts: AlertRoutes, alert_region: str, opts: pulumi.ResourceOptions,
          waits: Sequence[pulumi.Resource] = (), audit_topics: Mapping[str, list[str]] | None = None,
          audit: Optional[AuditIdentity] = None, tags: Mapping[str, str] | None = None
          ) -> tuple[CustomResource, dict[str, CustomResource]]:
    """`opts` carries the parent and the cluster's provider; `waits` are the add-ons, the broker and the secret
    sync the custom resources need first; `audit_topics` (critical entity -> its topics) with `audit` add one S3
    sink KafkaConnector per entity. Returns the Debezium connector and the sinks by entity."""
    ns, connect = kafka.namespace, connect_name(source)
    after = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(waits)))
    audit_topics = dict(audit_topics or {})
    assert not audit_topics or audit is not None
    sinks = {sink_name(source, entity): topics for entity, topics in audit_topics.items()}
    role = None
    if audit is not None and audit_topics:
        store = audit.store
        aws = pulumi.ResourceOptions(parent=parent, provider=store.provider)
        role = iam.Role(
            f"{name}-audit-role", name=cdc_audit_role_name(environment, source.name),
            description=f"Strimzi Connect of CDC source {source.name}: its S3 sinks write critical changes to the audit bucket",
            assume_role_policy=workload_identity.trust_policy(
                audit.oidc_provider_arn, workload_identity.service_account_subject(ns, service_account(source))),
            max_session_duration=3600,
            tags={**(tags or {}), "cdc-source": source.name, "owner": source.owner, CONTEXT_TAG: source.owner},
            opts=aws)
        access = iam.RolePolicy(
            f"{name}-audit-access", role=role.name, name="cdc-audit-sink",
            policy=pulumi.Output.all(store.bucket_arn, store.key_arn).apply(
                lambda a: web_identity_sink_policy(source, sorted(audit_topics), a[0], a[1], store.region)), opts=aws)

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
              "authorization": {"type": "simple", "acls": kafka_user_acls(source, connect, sinks)}}, opts=after)
    cluster = CustomResource(
        f"{name}-connect", api_version=API, kind="KafkaConnect",
        metadata=meta(connect, annotations={"strimzi.io/use-connector-resources": "true"}),
        spec=pulumi.Output.all(kafka.bootstrap, role.arn if role is not None else None).apply(
            lambda a: connect_spec(source, kafka, a[0], credentials_secret, f"{connect}-metrics", a[1],
                                   audit.store.region if audit is not None else None)),
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
                   spec=alert_rules(source, ns, alerts.topic(alert_region, "critical"), sorted(sinks)).apply(
                       lambda rules: {"groups": [{"name": f"cdc-{source.name}", "rules": rules}]}),
                   opts=after)
    built: dict[str, CustomResource] = {}
    if audit is not None and audit_topics:
        store = audit.store
        for entity, topics in sorted(audit_topics.items()):
            sink = sink_name(source, entity)
            config = pulumi.Output.all(store.bucket_name, store.key_arn).apply(
                lambda a, e=entity, t=list(topics): {k: v for k, v in sink_settings(
                    source, e, t, a[0], store.region, a[1]).items() if k not in ("connector.class", "tasks.max")})
            # The role's grant before the sink starts writing; the Debezium connector first (it creates the topics).
            built[entity] = CustomResource(
                f"{name}-audit-{entity}-connector", api_version=API, kind="KafkaConnector",
                metadata=meta(sink, {"strimzi.io/cluster": connect, "hybrid/entity": entity}),
                spec=config.apply(lambda c: {"class": SINK_CLASS, "tasksMax": 1, "state": "running", "config": c}),
                opts=pulumi.ResourceOptions.merge(after, pulumi.ResourceOptions(depends_on=[cluster, connector, access])))
    return connector, built

