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


# Critical entities' changes into the object-locked audit bucket (components/cdc/audit_sink.py).
AUDIT_BUCKET = "unit-audit-123456789012-eu-west-1"
AUDIT_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/audit"
AUDITED = {**SOURCE, "tables": [{"name": "shop.orders", "entity": "order"}, {"name": "shop.order_lines", "entity": "order"},
                                {"name": "shop.carts", "entity": "cart"}]}


def audit_store(provider):
    from components.cdc import AuditStore
    return AuditStore(bucket_name=AUDIT_BUCKET, bucket_arn=f"arn:aws:s3:::{AUDIT_BUCKET}", key_arn=AUDIT_KEY,
                      region="eu-west-1", provider=provider)


def msk_audited(critical=frozenset({"order"})):
    source = CdcSource.model_validate({**AUDITED, "msk_connect": {"plugin": {"bucket": "plugins", "key": "dbz.zip"}},
                                       "audit_sink": {"plugin": {"bucket": "plugins", "key": "s3-sink.zip"},
                                                      "flush_records": 500}})

    def program():
        provider = aws_provider("eu-west-1")
        return ChangeDataCapture("cdc-orders-db", ChangeDataCaptureArgs(
            source=source, environment="unit", account=ACCOUNT, alerts=ALERTS, alert_region="eu-west-1",
            critical_entities=critical, audit=audit_store(provider),
            target=MskConnectTarget(
                provider=provider, region="eu-west-1",
                cluster=MskCluster(arn=CLUSTER_ARN, bootstrap_brokers="b-1.orders:9098"),
                network=ConnectorNetwork(vpc_id="vpc-1", subnet_ids=["subnet-a"], vpc_cidr="10.0.0.0/16",
                                         database_cidr="172.16.0.0/20", s3_prefix_list_id="pl-0123abcd"),
                login=LoginSecret(arn=f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:unit/orders-db-abc123",
                                  key_arn=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k"))))
    return build(program)


def test_the_msk_audit_sink_reads_only_the_critical_entitys_topics_into_its_prefix():
    built = msk_audited()
    assert_children_named_after(built, "hybrid:cdc:ChangeDataCapture", "cdc-orders-db")
    connectors = {c["inputs"]["name"]: c["inputs"] for c in built.of_type("aws:mskconnect/connector:Connector")}
    assert set(connectors) == {"unit-cdc-orders-db", "unit-cdc-orders-db-order-audit"}
    sink = connectors["unit-cdc-orders-db-order-audit"]
    config = sink["connectorConfiguration"]
    assert config["connector.class"] == "io.confluent.connect.s3.S3SinkConnector"
    # Only the critical entity's tables: not the cart table, not the heartbeat.
    assert config["topics"] == "orders-db.shop.orders,orders-db.shop.order_lines"
    assert config["topics.dir"] == "cdc/orders-db/order"
    assert (config["s3.bucket.name"], config["s3.region"]) == (AUDIT_BUCKET, "eu-west-1")
    assert (config["s3.ssea.name"], config["s3.sse.kms.key.id"]) == ("aws:kms", AUDIT_KEY)
    assert config["s3.send.digest"] == "true"  # Content-MD5 on every part: Object Lock refuses uploads without it
    assert config["errors.tolerance"] == "none" and config["flush.size"] == "500"
    assert sink["kafkaClusterClientAuthentication"] == {"authenticationType": "IAM"}
    assert built.component.audit_prefixes == {"order": "cdc/orders-db/order"}
    # The audited topics are the stack's (their ARNs are what the sink's role names), kept on delete.
    topics = {t["inputs"]["name"] for t in built.of_type("aws:msk/topic:Topic")}
    assert {"orders-db.shop.orders", "orders-db.shop.order_lines"} <= topics and "orders-db.shop.carts" not in topics
    egress = built.named("cdc-orders-db-audit-sg")["inputs"]["egress"]
    assert {(e["fromPort"], tuple(e.get("prefixListIds") or e.get("cidrBlocks"))) for e in egress} == {
        (9098, ("10.0.0.0/16",)), (443, ("pl-0123abcd",))}


def test_the_msk_audit_sinks_role_writes_only_its_prefix_with_the_audit_key():
    built = msk_audited()
    trust = json.loads(built.named("cdc-orders-db-audit-order-role")["inputs"]["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "kafkaconnect.amazonaws.com"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"].endswith(":connector/unit-cdc-orders-db-order-audit/*")
    policy = {s["Sid"]: s for s in json.loads(built.named("cdc-orders-db-audit-order-access")["inputs"]["policy"])["Statement"]}
    topics = CLUSTER_ARN.replace(":cluster/", ":topic/")
    assert policy["ReadEntityTopics"]["Action"] == ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
    assert policy["ReadEntityTopics"]["Resource"] == [f"{topics}/orders-db.shop.order_lines", f"{topics}/orders-db.shop.orders"]
    assert policy["WriteAuditObjects"]["Action"] == ["s3:AbortMultipartUpload", "s3:PutObject"]
    assert policy["WriteAuditObjects"]["Resource"] == [f"arn:aws:s3:::{AUDIT_BUCKET}/cdc/orders-db/order/*"]
    assert policy["EncryptWithAuditKeyViaS3"]["Resource"] == [AUDIT_KEY]
    assert policy["EncryptWithAuditKeyViaS3"]["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
    actions = {a for s in policy.values() for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert not any(a.startswith("s3:") and a not in ("s3:PutObject", "s3:AbortMultipartUpload") for a in actions)
    assert "kafka-cluster:WriteData" not in policy["ReadEntityTopics"]["Action"]


def test_the_msk_audit_sink_errors_page_like_the_debezium_connector():
    built = msk_audited()
    alarms = [a["inputs"] for a in built.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
              if a["inputs"]["dimensions"] == {"ConnectorName": "unit-cdc-orders-db-order-audit"}]
    assert {a["metricName"] for a in alarms} == {"ErroredTaskCount", "RunningTaskCount", "WorkerCount"}
    assert all(a["alarmActions"] == [alert_topic_arn("unit", ACCOUNT, "eu-west-1", "critical")] for a in alarms)


def test_a_source_without_critical_entities_gets_no_sink():
    built = msk_audited(critical=frozenset())
    assert [c["inputs"]["name"] for c in built.of_type("aws:mskconnect/connector:Connector")] == ["unit-cdc-orders-db"]
    assert not [r for r in built.resources if "audit" in r["urn"]]
    assert built.component.audit_sinks == {} and built.component.audit_prefixes == {}


def test_each_critical_entity_gets_its_own_sink_and_prefix():
    built = msk_audited(critical=frozenset({"order", "cart"}))
    sinks = {c["inputs"]["name"]: c["inputs"]["connectorConfiguration"] for c in built.of_type("aws:mskconnect/connector:Connector")}
    assert sinks["unit-cdc-orders-db-cart-audit"]["topics"] == "orders-db.shop.carts"
    assert sinks["unit-cdc-orders-db-cart-audit"]["topics.dir"] == "cdc/orders-db/cart"
    cart = json.loads(built.named("cdc-orders-db-audit-cart-access")["inputs"]["policy"])["Statement"]
    assert [s["Resource"] for s in cart if s["Sid"] == "WriteAuditObjects"] == [[f"arn:aws:s3:::{AUDIT_BUCKET}/cdc/orders-db/cart/*"]]


def strimzi_audited(critical=frozenset({"order"})):
    source = CdcSource.model_validate({**AUDITED, "broker": "plant", "strimzi": {
        "image": "registry.example.com/connect@sha256:" + "a" * 64},
        "audit_sink": {"image_includes_plugin": True, "pod_identity_webhook": True}})

    def program():
        provider = k8s.Provider("k8s-fra", context="fra")
        return ChangeDataCapture("cdc-orders-db", ChangeDataCaptureArgs(
            source=source, environment="unit", account=ACCOUNT, alerts=ALERTS, alert_region="eu-west-1",
            critical_entities=critical, audit=audit_store(aws_provider("eu-west-1")),
            target=StrimziTarget(provider=provider, credentials_secret="orders-db",
                                 oidc_provider_arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.fra.example.com",
                                 kafka=StrimziCluster(kafka_name="plant", namespace="msg-plant",
                                                      bootstrap="plant-kafka-bootstrap.msg-plant.svc:9093",
                                                      client_auth="tls"))))
    return build(program)


def test_the_strimzi_audit_sink_runs_in_the_connect_cluster_as_its_service_accounts_role():
    built = strimzi_audited()
    sink = built.named("cdc-orders-db-audit-order-connector")["inputs"]
    assert sink["metadata"]["labels"]["strimzi.io/cluster"] == "cdc-orders-db"
    assert sink["metadata"]["name"] == "orders-db-audit-order"
    assert sink["spec"]["class"] == "io.confluent.connect.s3.S3SinkConnector"
    config = sink["spec"]["config"]
    assert config["topics"] == "orders-db.shop.orders,orders-db.shop.order_lines"
    assert config["topics.dir"] == "cdc/orders-db/order" and config["s3.send.digest"] == "true"
    assert "connector.class" not in config and "tasks.max" not in config
    role = built.named("cdc-orders-db-audit-role")["inputs"]
    trust = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert trust["Condition"]["StringEquals"]["oidc.fra.example.com:sub"] == "system:serviceaccount:msg-plant:cdc-orders-db-connect"
    policy = json.loads(built.named("cdc-orders-db-audit-access")["inputs"]["policy"])["Statement"]
    assert {s["Sid"]: s["Resource"] for s in policy} == {"WriteAuditObjects": [f"arn:aws:s3:::{AUDIT_BUCKET}/cdc/orders-db/order/*"],
                                                          "EncryptWithAuditKeyViaS3": [AUDIT_KEY]}
    template = built.named("cdc-orders-db-connect")["inputs"]["spec"]["template"]
    assert template["serviceAccount"]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == \
        f"arn:aws:iam::{ACCOUNT}:role/unit-cdc-orders-db-audit"
    acls = built.named("cdc-orders-db-user")["inputs"]["spec"]["authorization"]["acls"]
    reads = {a["resource"]["name"] for a in acls if "Read" in a["operations"] and a["resource"]["type"] == "topic"}
    assert {"orders-db.shop.orders", "orders-db.shop.order_lines"} <= reads and "orders-db.shop.carts" not in reads
    assert any(a["resource"] == {"type": "group", "name": "connect-orders-db-audit-order", "patternType": "literal"}
               for a in acls)
    rules = {r["alert"]: r for r in built.named("cdc-orders-db-alert-rules")["inputs"]["spec"]["groups"][0]["rules"]}
    assert 'connector="orders-db-audit-order"' in rules["cdc-orders-db-audit-order-failed"]["expr"]
    assert rules["cdc-orders-db-audit-order-record-errors"]["labels"]["severity"] == "critical"


def test_a_strimzi_source_without_critical_entities_has_no_aws_identity():
    built = strimzi_audited(critical=frozenset())
    assert not built.of_type("aws:iam/role:Role")
    assert "serviceAccount" not in built.named("cdc-orders-db-connect")["inputs"]["spec"]["template"]
    assert not [r for r in built.of_type("kubernetes:kafka.strimzi.io/v1beta2:KafkaConnector")
                if r["inputs"]["spec"]["class"] == "io.confluent.connect.s3.S3SinkConnector"]


def test_a_strimzi_built_image_gains_the_checksummed_sink_plugin():
    from components.cdc.strimzi_connect import connect_spec
    source = CdcSource.model_validate({**AUDITED, "broker": "plant", "strimzi": {"build": {
        "artifact_url": "https://repo.example.com/debezium-mysql.tar.gz", "sha512": "b" * 128,
        "output_image": "registry.example.com/connect:1"}},
        "audit_sink": {"artifact": {"url": "https://repo.example.com/kafka-connect-s3.zip", "sha512": "c" * 128},
                       "pod_identity_webhook": True}})
    kafka = StrimziCluster(kafka_name="plant", namespace="msg-plant", bootstrap="b:9093", client_auth="tls")
    plugins = connect_spec(source, kafka, "b:9093", "orders-db", "m", "arn:aws:iam::1:role/r", "eu-west-1")["build"]["plugins"]
    assert [p["name"] for p in plugins] == ["debezium-mysql", "confluent-s3-sink"]
    assert plugins[1]["artifacts"] == [{"type": "zip", "url": "https://repo.example.com/kafka-connect-s3.zip",
                                        "sha512sum": "c" * 128}]
    # Without an audit role (no critical entity) the image carries Debezium only.
    assert len(connect_spec(source, kafka, "b:9093", "orders-db", "m")["build"]["plugins"]) == 1
