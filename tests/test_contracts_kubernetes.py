"""Kubernetes wiring: namespaces, selectors (with operator-generated Services), references and vendored CRDs."""

from __future__ import annotations

import copy

import pytest

from components.cluster.addons import MANIFEST_OPERATORS, OPERATORS
from components.spec import parse_environment
from scripts.contracts import crds
from scripts.contracts.kubernetes import check_kubernetes
from scripts.contracts.run import contract_findings

from .conftest import load_spec_data
from .contract_states import checks_of, export, res

STRIMZI = res("kubernetes:helm.sh/v3:Release", "strimzi", {"chart": "strimzi-kafka-operator", "version": "0.45.0",
                                                           "namespace": "strimzi-system", "createNamespace": True})
PROMETHEUS = res("kubernetes:helm.sh/v3:Release", "prom", {"chart": "kube-prometheus-stack", "version": "67.9.0",
                                                           "namespace": "monitoring", "createNamespace": True})
NAMESPACE = res("kubernetes:core/v1:Namespace", "ns", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "msg"}})


def kafka(**spec) -> dict:
    body = {"kafka": {"listeners": [{"name": "tls", "port": 9093, "type": "internal", "tls": True}],
                      "config": {"offsets.topic.replication.factor": 3}}, "entityOperator": {"topicOperator": {}}}
    return res("kubernetes:kafka.strimzi.io/v1beta2:Kafka", "kafka",
               {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "Kafka", "metadata": {"name": "events", "namespace": "msg"},
                "spec": {**body, **spec}})


def topic(version: str = "v1beta2", **spec) -> dict:
    return res(f"kubernetes:kafka.strimzi.io/{version}:KafkaTopic", "topic",
               {"apiVersion": f"kafka.strimzi.io/{version}", "kind": "KafkaTopic",
                "metadata": {"name": "readings", "namespace": "msg", "labels": {"strimzi.io/cluster": "events"}},
                "spec": {"partitions": 3, "replicas": 3, **spec}})


def monitor(selector: dict, port: str = "tcp-tls") -> dict:
    return res("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "monitor",
               {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
                "metadata": {"name": "events", "namespace": "msg"},
                "spec": {"selector": {"matchLabels": selector}, "endpoints": [{"port": port}]}})


def findings(*states, spec=None):
    return checks_of(contract_findings(export(*states), spec, [check_kubernetes]))


def test_the_vendored_releases_are_the_ones_the_cluster_add_ons_pin():
    pinned = {op.chart: op.version for op in OPERATORS.values()}
    applied = {m.name: (m.version, m.files) for m in MANIFEST_OPERATORS.values()}
    for chart, release in crds.RELEASES.items():
        if release.manifests:
            assert applied.get(chart) == (release.chart_version, release.manifests), chart
            continue
        assert pinned.get(chart) == release.chart_version, chart
        assert (crds.HERE / release.folder).is_dir()
        assert any((crds.HERE / release.folder).glob("LICENSE*")), f"{release.folder} carries no licence"


def test_the_index_is_in_step_with_the_vendored_files():
    assert crds.build_index()["kinds"] == crds.index()


def test_a_correct_kafka_stack_has_no_findings():
    assert findings(STRIMZI, PROMETHEUS, NAMESPACE, kafka(), topic(),
                    monitor({"strimzi.io/cluster": "events", "strimzi.io/kind": "Kafka"})) == []


def test_a_namespace_nothing_creates():
    assert findings(STRIMZI, kafka()) == [("k8s-namespace", "kafka")]
    data = copy.deepcopy(load_spec_data("prod"))
    data["prerequisites"] = {**data.get("prerequisites", {}), "clusters": [{"name": "eks-fra", "namespaces": ["msg"], "purpose": "created by cluster admins"}]}
    assert findings(STRIMZI, kafka(), spec=parse_environment(data, "environments/prod.yaml")) == []


def test_a_service_monitor_that_selects_nothing_or_a_port_no_service_names():
    assert findings(STRIMZI, PROMETHEUS, NAMESPACE, kafka(), monitor({"app.kubernetes.io/name": "events"})) == [
        ("k8s-selector", "monitor")]
    assert findings(STRIMZI, PROMETHEUS, NAMESPACE, kafka(), monitor({"strimzi.io/cluster": "events"}, port="metrics")) == [
        ("k8s-selector", "monitor")]


def test_a_custom_resource_no_installed_operator_serves():
    assert findings(NAMESPACE, kafka()) == [("crd-unserved", "kafka")]
    assert findings(STRIMZI, NAMESPACE, topic("v1")) == [("crd-unserved", "topic")]


def test_a_custom_resource_the_crd_schema_refuses_or_prunes():
    assert findings(STRIMZI, NAMESPACE, topic(partitions="three")) == [("crd-schema", "topic")]
    assert findings(STRIMZI, NAMESPACE, topic(retention="7d")) == [("crd-schema", "topic")]


CERT_MANAGER = res("kubernetes:helm.sh/v3:Release", "cm", {"chart": "cert-manager", "version": "v1.16.2",
                                                           "namespace": "cert-manager", "createNamespace": True})


def certificate(**spec) -> dict:
    return res("kubernetes:cert-manager.io/v1:Certificate", "cert",
               {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "events-tls", "namespace": "msg"},
                "spec": {"secretName": "events-tls", "dnsNames": ["events.msg.svc"],
                         "issuerRef": {"name": "internal-ca", "kind": "Issuer"}, **spec}})


def test_cert_manager_resources_are_judged_against_the_pinned_release():
    assert findings(CERT_MANAGER, NAMESPACE, certificate()) == []
    assert findings(CERT_MANAGER, NAMESPACE, certificate(duration=90)) == [("crd-schema", "cert")]
    assert findings(CERT_MANAGER, NAMESPACE, certificate(renewBeforeDays="7")) == [("crd-schema", "cert")]
    assert findings(NAMESPACE, certificate()) == [("crd-unserved", "cert")]


def test_every_prometheus_operator_kind_is_judged():
    """The stack's alert routing may add an AlertmanagerConfig: its matchers' `=` must survive the YAML reader."""
    config = res("kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig", "routes",
                 {"apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "AlertmanagerConfig",
                  "metadata": {"name": "routes", "namespace": "msg"},
                  "spec": {"route": {"receiver": "oncall", "matchers": [{"name": "severity", "matchType": "=", "value": "critical"}]},
                           "receivers": [{"name": "oncall"}]}})
    assert findings(PROMETHEUS, NAMESPACE, config) == []
    wrong = copy.deepcopy(config)
    wrong["inputs"]["spec"]["route"]["matchers"][0]["matchType"] = "=="
    assert findings(PROMETHEUS, NAMESPACE, wrong) == [("crd-schema", "routes")]
    kinds = {key.split("/")[2] for key, v in crds.index().items() if v["release"] == "prometheus-operator-0.79.2"}
    assert kinds == {"Alertmanager", "AlertmanagerConfig", "PodMonitor", "Probe", "Prometheus", "PrometheusAgent",
                     "PrometheusRule", "ScrapeConfig", "ServiceMonitor", "ThanosRuler"}


def manifest(name: str, url: str) -> dict:
    """An operator release manifest applied by a yaml/v2 ConfigFile (a component: its objects are not planned)."""
    return {**res("kubernetes:yaml/v2:ConfigFile", name, {"file": url}), "custom": False, "id": ""}


RABBITMQ = tuple(manifest(f"rmq-{i}", url) for i, url in enumerate(crds.RELEASES["rabbitmq-operators"].manifests))


def test_a_tls_only_rabbitmq_service_offers_prometheus_tls_and_no_plain_ports():
    broker = res("kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster", "rmq-cluster",
                 {"apiVersion": "rabbitmq.com/v1beta1", "kind": "RabbitmqCluster", "metadata": {"name": "events", "namespace": "msg"},
                  "spec": {"replicas": 3, "tls": {"secretName": "events-tls", "disableNonTLSListeners": True}}})
    selector = {"app.kubernetes.io/name": "events", "app.kubernetes.io/component": "rabbitmq"}
    assert findings(*RABBITMQ, PROMETHEUS, NAMESPACE, broker, monitor(selector, port="prometheus-tls")) == []
    # The operator exposes prometheus-tls instead of prometheus with TLS on (never both).
    assert findings(*RABBITMQ, PROMETHEUS, NAMESPACE, broker, monitor(selector, port="prometheus")) == [("k8s-selector", "monitor")]


def test_references_to_service_accounts_stores_and_scale_targets():
    deployment = res("kubernetes:apps/v1:Deployment", "app", {"metadata": {"name": "app", "namespace": "msg"}, "spec": {
        "template": {"metadata": {"labels": {"app": "x"}}, "spec": {"serviceAccountName": "app", "containers": []}}}})
    account = res("kubernetes:core/v1:ServiceAccount", "sa", {"metadata": {"name": "app", "namespace": "msg"}})
    assert findings(NAMESPACE, deployment, account) == []
    assert findings(NAMESPACE, deployment) == [("k8s-reference", "app")]


@pytest.mark.parametrize("chart", sorted(crds.RELEASES))
def test_every_release_serves_kinds(chart):
    release = crds.RELEASES[chart]
    served = [k for k, v in crds.index().items() if v["release"] == release.folder]
    assert served and all(k.split("/")[0] in release.groups for k in served)


def pod_monitor(selector: dict, port: str = "tcp-prometheus") -> dict:
    return res("kubernetes:monitoring.coreos.com/v1:PodMonitor", "pods",
               {"apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor", "metadata": {"name": "lag", "namespace": "msg"},
                "spec": {"selector": {"matchLabels": selector}, "podMetricsEndpoints": [{"port": port}]}})


def test_a_pod_monitor_scrapes_the_strimzi_exporter_pods_only_when_the_exporter_runs():
    exporter = {"strimzi.io/name": "events-kafka-exporter"}
    assert findings(STRIMZI, PROMETHEUS, NAMESPACE, kafka(kafkaExporter={}), pod_monitor(exporter)) == []
    assert findings(STRIMZI, PROMETHEUS, NAMESPACE, kafka(), pod_monitor(exporter)) == [("k8s-selector", "pods")]
    assert findings(STRIMZI, PROMETHEUS, NAMESPACE, kafka(kafkaExporter={}), pod_monitor(exporter, "metrics")) == [
        ("k8s-selector", "pods")]


def test_an_operator_from_release_manifests_serves_its_kinds_only_once_every_file_is_applied():
    queue = res("kubernetes:rabbitmq.com/v1beta1:Queue", "q", {
        "apiVersion": "rabbitmq.com/v1beta1", "kind": "Queue", "metadata": {"name": "orders", "namespace": "msg"},
        "spec": {"name": "orders", "type": "quorum", "durable": True, "rabbitmqClusterReference": {"name": "events"}}})
    assert findings(*RABBITMQ, NAMESPACE, queue) == []
    assert findings(RABBITMQ[0], NAMESPACE, queue) == [("crd-unserved", "q")]
