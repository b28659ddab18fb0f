"""Every broker kind planned under mocks: the spec's delivery semantics land on the right properties.

Two synthetic environments with different values (A and B) are planned once per module, so a hard-coded
property cannot pass; the shipped environments are asserted through the session `plans` fixture.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from components.spec import SpecError, parse_environment
from scripts.planner.run import plan_environment

from .conftest import by_name, by_type, load_spec_data, write_env

SECRET = "mq-admin-Plaintext-4242"
VALUES = {
    "A": dict(receive=3, lock=45, partitions=6, replicas=3, retention=24, lag=500, nodes=3, storage="local-ssd",
              window=3600, mode="BACKWARD"),
    "B": dict(receive=9, lock=120, partitions=12, replicas=2, retention=72, lag=4000, nodes=6, storage="fast-nvme",
              window=7200, mode="FORWARD"),
}


def brokers(v: dict) -> list[dict]:
    schema = {"file": "schemas/payments/payment-settled.avsc", "compatibility": v["mode"]}
    return [
        {"name": "orders", "kind": "sqs-sns", "region": "eu-west-1", "owner": "order-management",
         "queues": [{"name": "billing", "fifo": True, "max_receive_count": v["receive"],
                     "visibility_timeout_seconds": v["lock"],
                     "idempotency": {"key": "order_id", "window_seconds": v["window"]}}],
         "topics": [{"name": "order-lifecycle", "fifo": True, "subscribers": ["billing"], "schema": schema}]},
        {"name": "legacy-amqp", "kind": "amazon-mq-rabbitmq", "region": "eu-west-1", "owner": "erp",
         "admin_password": {"secret": "mq_admin_password"}, "slo": {"max_backlog": v["lag"]}},
        {"name": "payments", "kind": "msk", "region": "eu-west-1", "owner": "payments", "client_auth": "scram",
         "size": {"nodes": v["nodes"]},
         "streams": [{"name": "settled", "partitions": v["partitions"], "replication_factor": v["replicas"],
                      "retention_hours": v["retention"], "schema": schema,
                      "consumer_groups": [{"name": "ledger", "max_lag": v["lag"],
                                           "idempotency": {"key": "payment_id", "window_seconds": v["window"]}}]}]},
        {"name": "partners", "kind": "service-bus", "region": "northeurope", "owner": "partner-integration",
         "queues": [{"name": "inbound", "fifo": True, "max_receive_count": v["receive"],
                     "visibility_timeout_seconds": v["lock"],
                     "idempotency": {"key": "message_id", "window_seconds": v["window"]}},
                    {"name": "updates"}],
         "topics": [{"name": "dispatched", "subscribers": ["updates"]}]},
        {"name": "clicks", "kind": "event-hubs", "region": "northeurope", "owner": "web",
         "streams": [{"name": "clickstream", "partitions": v["partitions"], "retention_hours": v["retention"],
                      "schema": {"file": "schemas/payments/payment-settled.avsc", "compatibility": v["mode"]},
                      "consumer_groups": [{"name": "analytics", "max_lag": v["lag"]}]}]},
        {"name": "plant", "kind": "strimzi-kafka", "cluster": "k8s-fra", "owner": "manufacturing-it",
         "size": {"nodes": v["nodes"], "storage_class": v["storage"]},
         "streams": [{"name": "readings", "partitions": v["partitions"], "replication_factor": v["replicas"],
                      "retention_hours": v["retention"], "consumer_groups": [{"name": "historian", "max_lag": v["lag"]}]}]},
        {"name": "commands", "kind": "rabbitmq-operator", "cluster": "k8s-fra", "owner": "manufacturing-it",
         "size": {"nodes": v["nodes"], "storage_class": v["storage"]},
         "queues": [{"name": "line", "fifo": True, "max_receive_count": v["receive"]}],
         "topics": [{"name": "events", "subscribers": ["line"]}]},
    ]


def synthetic(v: dict) -> dict:
    data = copy.deepcopy(load_spec_data("staging"))
    data["messaging"] = {"brokers": brokers(v)}
    data.pop("observability", None)
    data.pop("gateways", None)
    data.pop("routing", None)  # its entry points name the shipped gateway API
    data.pop("failover", None)  # ... and the drill needs a failover record
    data.pop("processing", None)  # its nodes consume the shipped brokers' queues
    data.get("data", {}).pop("sagas", None)  # ... and its sagas send to them
    data.get("data", {}).pop("cdc", None)  # ... and its CDC sources publish to the shipped Kafka brokers
    data.get("data", {}).pop("caches", None)  # ... and its caches are invalidated through the shipped queues
    # ... and its entities' change topics and stores name the shipped brokers: only the entities the reference
    # tables hold stay, without them
    section = data.get("data", {})
    named = {t["entity"] for t in section.get("reference", [])}
    section["entities"] = [{k: v for k, v in e.items() if k not in ("change_topic", "stores")}
                           for e in section.get("entities", []) if e["name"] in named]
    for secret in data["secrets"]["secrets"]:  # ... and read the shipped secrets (by node name)
        secret["readers"] = []
    return data


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> dict:
    from .conftest import ROOT
    import shutil

    out = {}
    for label, values in VALUES.items():
        project = tmp_path_factory.mktemp(f"msg-{label}") / "project"
        project.mkdir()
        shutil.copy(ROOT / "__main__.py", project / "__main__.py")
        for folder in ("environments", "stacks", "schemas", "apis"):
            if (ROOT / folder).exists():
                shutil.copytree(ROOT / folder, project / folder)
        (project / "policies" / "config").mkdir(parents=True)
        pulumi_yaml = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
        pulumi_yaml["config"]["mq_admin_password"] = {"type": "string", "secret": True}
        (project / "Pulumi.yaml").write_text(yaml.safe_dump(pulumi_yaml))
        write_env(project, "staging", synthetic(values))
        out[label] = plan_environment(project, "staging", secret_values={"mq_admin_password": SECRET})
    return out


def one(plan, type_: str, name: str) -> dict:
    found = [r for r in by_type(plan, type_) if r["urn"].endswith(f"::{name}")]
    assert len(found) == 1, f"expected {type_} named {name}: {[r['urn'] for r in by_type(plan, type_)]}"
    return found[0]["inputs"]


@pytest.mark.parametrize("label", ["A", "B"])
def test_sqs_semantics_dedup_store_and_schema(planned, label):
    v, plan = VALUES[label], planned[label]
    queue = one(plan, "aws:sqs/queue:Queue", "orders-euw1-billing")
    assert json.loads(queue["redrivePolicy"])["maxReceiveCount"] == v["receive"]
    assert queue["visibilityTimeoutSeconds"] == v["lock"] and queue["fifoQueue"] is True
    table = one(plan, "aws:dynamodb/table:Table", "orders-euw1-billing-dedup")
    assert table["hashKey"] == "order_id" and table["ttl"]["enabled"] is True
    assert table["serverSideEncryption"]["kmsKeyArn"].startswith("arn:aws:kms:eu-west-1:")
    schema = one(plan, "aws:glue/schema:Schema", "orders-euw1-order-lifecycle-schema")
    assert schema["compatibility"] == v["mode"] and schema["dataFormat"] == "AVRO"
    assert '"PaymentSettled"' in schema["schemaDefinition"]
    alarm = one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "orders-euw1-queue-billing-oldest-message-age-alarm")
    assert alarm["alarmActions"] == ["arn:aws:sns:eu-west-1:321098765432:staging-alerts-critical"]
    assert "order-management" in alarm["alarmDescription"]


@pytest.mark.parametrize("label", ["A", "B"])
def test_amazon_mq(planned, label):
    v, plan = VALUES[label], planned[label]
    broker = one(plan, "aws:mq/broker:Broker", "legacy-amqp-broker")
    assert broker["publiclyAccessible"] is False and broker["engineType"] == "RabbitMQ"
    assert broker["logs"]["general"] is True and broker["maintenanceWindowStartTime"]["dayOfWeek"] == "SUNDAY"
    assert broker["deploymentMode"] == "SINGLE_INSTANCE"  # staging; production is CLUSTER_MULTI_AZ
    alarm = one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "legacy-amqp-broker-legacy-amqp-backlog-alarm")
    assert alarm["threshold"] == v["lag"]
    assert SECRET not in json.dumps(plan.export), "the admin password leaked into the plan"


@pytest.mark.parametrize("label", ["A", "B"])
def test_msk(planned, label):
    v, plan = VALUES[label], planned[label]
    cluster = one(plan, "aws:msk/cluster:Cluster", "payments-cluster")
    assert cluster["numberOfBrokerNodes"] == v["nodes"]
    assert cluster["encryptionInfo"]["encryptionInTransit"]["clientBroker"] == "TLS"
    assert cluster["clientAuthentication"]["sasl"] == {"iam": False, "scram": True}
    assert cluster["clientAuthentication"]["unauthenticated"] is False
    assert cluster["encryptionInfo"]["encryptionAtRestKmsKeyArn"].startswith("arn:aws:kms:")
    assert cluster["loggingInfo"]["brokerLogs"]["cloudwatchLogs"]["enabled"] is True
    assert cluster["enhancedMonitoring"] == "PER_TOPIC_PER_PARTITION"
    topic = one(plan, "aws:msk/topic:Topic", "payments-settled")
    assert (topic["partitionCount"], topic["replicationFactor"]) == (v["partitions"], v["replicas"])
    assert json.loads(topic["configs"])["retention.ms"] == str(v["retention"] * 3600000)
    one(plan, "aws:msk/topic:Topic", "payments-settled-dlq")
    lag = one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "payments-group-settled-ledger-consumer-lag-alarm")
    assert lag["metricName"] == "MaxOffsetLag" and lag["threshold"] == v["lag"]
    assert lag["dimensions"] == {"Cluster Name": "staging-payments", "Consumer Group": "ledger", "Topic": "settled"}


@pytest.mark.parametrize("label", ["A", "B"])
def test_service_bus(planned, label):
    v, plan = VALUES[label], planned[label]
    ns = one(plan, "azure-native:servicebus:Namespace", "partners-namespace")
    assert ns["minimumTlsVersion"] == "1.2" and ns["disableLocalAuth"] is True and ns["sku"]["name"] == "Standard"
    queue = one(plan, "azure-native:servicebus:Queue", "partners-inbound")
    assert queue["maxDeliveryCount"] == v["receive"] and queue["deadLetteringOnMessageExpiration"] is True
    assert queue["requiresSession"] is True and queue["requiresDuplicateDetection"] is True
    assert queue["lockDuration"] == {45: "PT45S", 120: "PT2M"}[v["lock"]]
    assert queue["duplicateDetectionHistoryTimeWindow"] == {3600: "PT1H", 7200: "PT2H"}[v["window"]]
    sub = one(plan, "azure-native:servicebus:Subscription", "partners-dispatched-to-updates")
    assert sub["forwardTo"] == "updates" and sub["deadLetteringOnMessageExpiration"] is True
    alert = one(plan, "azure-native:monitor:MetricAlert", "partners-queue-inbound-dead-letters-alert")
    assert alert["actions"][0]["actionGroupId"].endswith("/actionGroups/staging-alerts-warning")


@pytest.mark.parametrize("label", ["A", "B"])
def test_event_hubs(planned, label):
    v, plan = VALUES[label], planned[label]
    ns = one(plan, "azure-native:eventhub:Namespace", "clicks-namespace")
    assert ns["minimumTlsVersion"] == "1.2"
    hub = one(plan, "azure-native:eventhub:EventHub", "clicks-clickstream")
    assert hub["partitionCount"] == v["partitions"]
    assert hub["retentionDescription"]["retentionTimeInHours"] == v["retention"]
    one(plan, "azure-native:eventhub:ConsumerGroup", "clicks-clickstream-analytics")
    group = one(plan, "azure-native:eventhub:SchemaRegistry", "clicks-clickstream-schema-group")
    assert group["schemaCompatibility"] == v["mode"].capitalize() and group["schemaType"] == "Avro"
    alert = one(plan, "azure-native:monitor:MetricAlert", "clicks-hub-clickstream-throughput-gap-alert")
    metrics = [c["metricName"] for c in alert["criteria"]["allOf"]]
    assert metrics == ["IncomingMessages", "OutgoingMessages"] and alert["criteria"]["allOf"][0]["threshold"] == v["lag"]


@pytest.mark.parametrize("label", ["A", "B"])
def test_strimzi(planned, label):
    v, plan = VALUES[label], planned[label]
    kafka = one(plan, "kubernetes:kafka.strimzi.io/v1beta2:Kafka", "plant-kafka")
    [listener] = kafka["spec"]["kafka"]["listeners"]
    assert listener["tls"] is True and listener["type"] == "internal" and listener["authentication"]["type"] == "tls"
    assert kafka["spec"]["kafka"]["template"]["podDisruptionBudget"]["maxUnavailable"] == 1
    pool = one(plan, "kubernetes:kafka.strimzi.io/v1beta2:KafkaNodePool", "plant-pool")
    assert pool["spec"]["replicas"] == v["nodes"] and pool["spec"]["storage"]["volumes"][0]["class"] == v["storage"]
    assert pool["spec"]["resources"]["limits"] == pool["spec"]["resources"]["requests"]
    topic = one(plan, "kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic", "plant-topic-readings")
    assert (topic["spec"]["partitions"], topic["spec"]["replicas"]) == (v["partitions"], v["replicas"])
    strimzi = by_name(plan, "addons-k8s-fra-strimzi")  # depending on the add-ons component waits for its releases
    for cr in ("plant-kafka", "plant-pool", "plant-topic-readings"):
        assert strimzi["urn"] in by_name(plan, cr)["dependencies"], f"{cr} must wait for the operator"
    rules = one(plan, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "plant-lag-rules")
    rule = rules["spec"]["groups"][0]["rules"][0]
    assert rule["expr"].endswith(f"> {v['lag']}") and rule["annotations"]["sns_topic_arn"].endswith("alerts-critical")
    # kube-prometheus-stack loads only rules and monitors labelled with its release.
    assert rules["metadata"]["labels"]["release"] == "prometheus-operator"
    exporter = one(plan, "kubernetes:monitoring.coreos.com/v1:PodMonitor", "plant-metrics-monitor")
    assert exporter["metadata"]["labels"]["release"] == "prometheus-operator"
    assert exporter["spec"]["selector"]["matchLabels"]["strimzi.io/name"] == "plant-kafka-exporter"
    assert exporter["spec"]["podMetricsEndpoints"][0]["port"] == "tcp-prometheus"


@pytest.mark.parametrize("label", ["A", "B"])
def test_rabbitmq_operator(planned, label):
    v, plan = VALUES[label], planned[label]
    cluster = one(plan, "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster", "commands-cluster")
    assert cluster["spec"]["replicas"] == v["nodes"]
    assert cluster["spec"]["persistence"]["storageClassName"] == v["storage"]
    assert cluster["spec"]["tls"]["disableNonTLSListeners"] is True
    # The broker image is named, not left to whatever the operator defaults to (no Bitnami image).
    assert cluster["spec"]["image"] == "rabbitmq:4.0.5-management"
    queue = one(plan, "kubernetes:rabbitmq.com/v1beta1:Queue", "commands-queue-line")
    assert queue["spec"]["arguments"]["x-delivery-limit"] == v["receive"]
    assert queue["spec"]["arguments"]["x-dead-letter-exchange"] == "commands-dlx"
    assert queue["spec"]["arguments"]["x-single-active-consumer"] is True
    monitor = one(plan, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "commands-metrics-monitor")
    [endpoint] = monitor["spec"]["endpoints"]
    assert (endpoint["port"], endpoint["scheme"]) == ("prometheus-tls", "https"), "TLS on: the operator serves only 15691"
    assert endpoint["tlsConfig"]["ca"]["secret"] == {"name": "commands-tls", "key": "ca.crt"}
    assert monitor["metadata"]["labels"]["release"] == "prometheus-operator"
    pdb = one(plan, "kubernetes:policy/v1:PodDisruptionBudget", "commands-pdb")
    assert pdb["spec"]["maxUnavailable"] == 1
    releases = {r["inputs"]["name"] for r in by_type(plan, "kubernetes:helm.sh/v3:Release")}
    assert {"strimzi", "cert-manager", "prometheus-operator"} <= releases and "rabbitmq" not in releases
    manifests = [r["inputs"]["file"] for r in by_type(plan, "kubernetes:yaml/v2:ConfigFile")]
    assert [m.rsplit("/", 1)[1] for m in manifests] == ["cluster-operator.yml",
                                                        "messaging-topology-operator-with-certmanager.yaml"]


def test_lag_metrics_are_broker_outputs(planned):
    outputs = planned["B"].export["deployment"]["resources"][0].get("outputs") or {}
    metrics = outputs["broker_lag_metrics"]["payments"]["group:settled/ledger"][0]
    assert metrics["metric"] == "MaxOffsetLag" and metrics["threshold"] == VALUES["B"]["lag"]


def test_synthetic_plans_pass_the_messaging_rules(planned):
    from scripts.checker.run import check_document

    spec = parse_environment(synthetic(VALUES["A"]), "synthetic", None)
    failed = {v.rule.id: v.violations[:2] for v in check_document(planned["A"].export, spec)
              if not v.passed and v.rule.id.startswith(("broker-", "kafka-", "lag-", "dead-", "azure-local"))}
    assert not failed


def test_prod_uses_every_required_kind(plans):
    kinds = {b.kind for b in __import__("components.spec", fromlist=["x"]).load_environment(
        __import__("tests.conftest", fromlist=["x"]).ROOT / "environments" / "prod.yaml").messaging.brokers}
    assert {"sqs-sns", "msk", "service-bus", "strimzi-kafka"} <= kinds
    kafka = by_name(plans["prod"], "plant-telemetry-kafka")
    assert kafka["provider"].split("::")[-2] == "k8s-k8s-fra"


# ---- spec errors ---------------------------------------------------------------------------------------


def issues(data: dict, root=None) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/staging.yaml", {"kubeconfig", "mq_admin_password"}, root=root)
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def test_bad_spec_inputs_name_the_field(root):
    data = synthetic(VALUES["A"])
    data["messaging"]["brokers"][2]["streams"][0]["partitions"] = 0
    assert any(i.startswith("messaging.brokers[2].streams[0].partitions: Input should be greater than or equal to 1")
               for i in issues(data))
    data = synthetic(VALUES["A"])
    data["messaging"]["brokers"][2]["streams"][0]["schema"]["compatibility"] = "SIDEWAYS"
    assert any(i.startswith("messaging.brokers[2].streams[0].schema.compatibility: Input should be 'BACKWARD'")
               for i in issues(data))
    data = synthetic(VALUES["A"])
    data["messaging"]["brokers"][4]["streams"][0]["schema"]["compatibility"] = "FULL"
    data["messaging"]["brokers"][2]["streams"][0]["schema"]["file"] = "schemas/missing/nothing.avsc"
    found = issues(data, root)
    assert "messaging.brokers[4].streams[0].schema.compatibility: Event Hubs schema groups offer BACKWARD, FORWARD, NONE only" in found
    assert ("messaging.brokers[2].streams[0].schema.file: schema file schemas/missing/nothing.avsc not found; "
            "expected a file under schemas/") in found


def test_fifo_on_a_broker_that_cannot_order():
    data = synthetic(VALUES["A"])
    data["messaging"]["brokers"][6]["topics"][0]["fifo"] = True
    assert any(i.startswith("messaging.brokers[6].topics[0].fifo: a RabbitMQ exchange does not order")
               for i in issues(data))
    data = synthetic(VALUES["A"])
    data["messaging"]["brokers"][1]["queues"] = [{"name": "work", "fifo": True}]
    found = issues(data)
    assert any(i.startswith("messaging.brokers[1].queues: Amazon MQ queues are declared by applications") for i in found)
    assert not any(i.startswith("messaging.brokers[1].queues[0]") for i in found), "refused whole, not item by item"


def test_placement_and_sizing_errors():
    data = synthetic(VALUES["A"])
    data["messaging"]["brokers"][2]["size"]["nodes"] = 4
    data["messaging"]["brokers"][5]["cluster"] = "no-such-cluster"
    data["messaging"]["brokers"][3]["region"] = "westeurope"
    data["messaging"]["brokers"][3]["queues"][0]["visibility_timeout_seconds"] = 600
    found = issues(data)
    assert any(i.startswith("messaging.brokers[2].size.nodes: MSK spreads brokers evenly over 3 zones") for i in found)
    assert any(i.startswith("messaging.brokers[5].cluster: kind strimzi-kafka runs in a cluster") for i in found)
    assert any(i.startswith("messaging.brokers[3].region: expected regions.azure.location (northeurope)") for i in found)
    assert any(i.startswith("messaging.brokers[3].queues[0].visibility_timeout_seconds: Service Bus lock duration")
               for i in found)


def test_validate_exits_2_listing_messaging_errors(project_copy):
    import subprocess
    import sys
    from .conftest import ROOT

    data = load_spec_data("prod")
    data["messaging"]["brokers"][2]["streams"][0]["partitions"] = 0
    write_env(project_copy, "prod", data)
    done = subprocess.run([sys.executable, "-m", "scripts.cli_main", "validate", "prod", "--root", str(project_copy)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "messaging.brokers[2].streams[0].partitions" in done.stderr
