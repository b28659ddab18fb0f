"""ChangeDataCapture built alone: MSK Connect (IAM, least-privilege role, alarms) and Strimzi Connect (mTLS,
login mounted from External Secrets, PrometheusRule) from small args."""

from __future__ import annotations

import json

import pulumi
import pulumi_kubernetes as k8s

from components.alerting import AlertRoutes, alert_topic_arn
from components.cdc import ChangeDataCapture, ChangeDataCaptureArgs, MskConnectTarget, StrimziTarget
from components.cdc.msk_connect import ConnectorNetwork, LoginSecret, MskCluster
from components.cdc.strimzi_connect import StrimziCluster
from components.spec.cdc import CdcSource

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build

ALERTS = AlertRoutes(topics={"eu-west-1": {s: alert_topic_arn("unit", ACCOUNT, "eu-west-1", s)
                                           for s in ("critical", "warning")}})
CLUSTER_ARN = f"arn:aws:kafka:eu-west-1:{ACCOUNT}:cluster/unit-orders/0b1c2d3e-1111-2222-3333-444455556666-2"
SOURCE = {"name": "orders-db", "owner": "orders", "engine": "mysql", "host": "db.example.com", "database": "shop",
          "login": "orders-db", "setup": {"server_id": 184054},
          "tables": [{"name": "shop.orders"}], "broker": "orders"}


def msk():
    source = CdcSource.model_validate({**SOURCE, "msk_connect": {"plugin": {"bucket": "plugins", "key": "dbz.zip"}}})

    def program():
        return ChangeDataCapture("cdc-orders-db", ChangeDataCaptureArgs(
            source=source, environment="unit", account=ACCOUNT, alerts=ALERTS, alert_region="eu-west-1", protect=True,
            target=MskConnectTarget(
                provider=aws_provider("eu-west-1"), region="eu-west-1",
                cluster=MskCluster(arn=CLUSTER_ARN, bootstrap_brokers="b-1.orders:9098"),
                network=ConnectorNetwork(vpc_id="vpc-1", subnet_ids=["subnet-a", "subnet-b"], vpc_cidr="10.0.0.0/16",
                                         database_cidr="172.16.0.0/20"),
                login=LoginSecret(arn=f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:unit/orders-db-abc123",
                                  key_arn=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k"))))
    return build(program)


def test_msk_connect_authenticates_with_iam_and_runs_in_the_vpc():
    built = msk()
    assert_children_named_after(built, "hybrid:cdc:ChangeDataCapture", "cdc-orders-db")
    connector = built.named("cdc-orders-db-connector")["inputs"]
    assert connector["kafkaClusterClientAuthentication"] == {"authenticationType": "IAM"}
    assert connector["kafkaClusterEncryptionInTransit"] == {"encryptionType": "TLS"}
    assert connector["kafkaCluster"]["apacheKafkaCluster"]["vpc"]["subnets"] == ["subnet-a", "subnet-b"]
    config = connector["connectorConfiguration"]
    assert config["schema.history.internal.producer.sasl.mechanism"] == "AWS_MSK_IAM"
    assert "${secretsmanager:" in config["database.password"]
    plugin = built.named("cdc-orders-db-plugin")["inputs"]
    assert plugin["location"]["s3"] == {"bucketArn": "arn:aws:s3:::plugins", "fileKey": "dbz.zip"}
    egress = built.named("cdc-orders-db-sg")["inputs"]["egress"]
    assert {(e["fromPort"], e["cidrBlocks"][0]) for e in egress} == {(9098, "10.0.0.0/16"), (3306, "172.16.0.0/20"),
                                                                     (443, "10.0.0.0/16")}
    assert built.named("cdc-orders-db-schema-history")["protect"] is True


def test_the_execution_role_reaches_only_its_cluster_topics_and_secret():
    built = msk()
    trust = json.loads(built.named("cdc-orders-db-role")["inputs"]["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "kafkaconnect.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    policy = {s["Sid"]: s for s in json.loads(built.named("cdc-orders-db-access")["inputs"]["policy"])["Statement"]}
    assert policy["ConnectToCluster"]["Resource"] == [CLUSTER_ARN]
    topics = CLUSTER_ARN.replace(":cluster/", ":topic/")
    assert f"{topics}/orders-db.*" in policy["WriteChangeTopics"]["Resource"]
    assert f"{topics}/__debezium-schema-history.orders-db" in policy["InternalTopics"]["Resource"]
    assert policy["ReadLogin"]["Resource"] == [f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:unit/orders-db-abc123"]
    assert all("*" != r for s in policy.values() for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]))


def test_errors_and_stalls_page_through_the_alert_topic():
    built = msk()
    alarms = built.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert {a["inputs"]["metricName"] for a in alarms} == {"ErroredTaskCount", "RunningTaskCount", "WorkerCount"}
    for alarm in alarms:
        assert alarm["inputs"]["namespace"] == "AWS/KafkaConnect"
        assert alarm["inputs"]["dimensions"] == {"ConnectorName": "unit-cdc-orders-db"}
        assert alarm["inputs"]["alarmActions"] == [alert_topic_arn("unit", ACCOUNT, "eu-west-1", "critical")]


def test_strimzi_connect_joins_the_broker_namespace_with_mtls_and_the_synced_login():
    source = CdcSource.model_validate({**SOURCE, "broker": "plant", "strimzi": {
        "image": "registry.example.com/connect@sha256:" + "a" * 64}})

    def program():
        provider = k8s.Provider("k8s-fra", context="fra")
        return ChangeDataCapture("cdc-orders-db", ChangeDataCaptureArgs(
            source=source, environment="unit", account=ACCOUNT, alerts=ALERTS, alert_region="eu-west-1",
            target=StrimziTarget(provider=provider, credentials_secret="orders-db",
                                 kafka=StrimziCluster(kafka_name="plant", namespace="msg-plant",
                                                      bootstrap="plant-kafka-bootstrap.msg-plant.svc:9093",
                                                      client_auth="tls"))))
    built = build(program)
    connect = built.named("cdc-orders-db-connect")["inputs"]
    assert connect["metadata"]["namespace"] == "msg-plant"
    assert connect["metadata"]["annotations"] == {"strimzi.io/use-connector-resources": "true"}
    spec = connect["spec"]
    assert spec["authentication"]["type"] == "tls" and spec["authentication"]["certificateAndKey"]["secretName"] == "cdc-orders-db"
    assert {"name": "cdc-credentials", "secret": {"secretName": "orders-db"}} in spec["template"]["pod"]["volumes"]
    user = built.named("cdc-orders-db-user")["inputs"]
    assert user["metadata"]["labels"]["strimzi.io/cluster"] == "plant"
    connector = built.named("cdc-orders-db-connector")["inputs"]
    assert connector["metadata"]["labels"]["strimzi.io/cluster"] == "cdc-orders-db"
    assert connector["spec"]["class"] == "io.debezium.connector.mysql.MySqlConnector"
    rules = built.named("cdc-orders-db-alert-rules")["inputs"]
    assert rules["metadata"]["labels"]["release"] == "prometheus-operator"
    exprs = [r["expr"] for r in rules["spec"]["groups"][0]["rules"]]
    assert any("millisecondsbehindsource" in e and "> 300000" in e for e in exprs)
    assert all(r["labels"]["severity"] == "critical" for r in rules["spec"]["groups"][0]["rules"])
