"""In-cluster alerts reach the alert topics: Alertmanager's role, chart values and routes."""

from __future__ import annotations

import json

from components.observability.alertmanager import (CONFIG_NAME, SUBJECT, alert_region, chart_values, publish_policy,
                                                   routes_spec)
from components.spec.foundation import Cluster

from .conftest import by_name, by_type

TOPICS = {"critical": "arn:aws:sns:eu-central-1:111122223333:prod-alerts-critical",
          "warning": "arn:aws:sns:eu-central-1:111122223333:prod-alerts-warning"}


def test_routes_send_each_severity_to_its_topic_and_the_rest_to_warning():
    spec = routes_spec(TOPICS, "eu-central-1")
    routes = {r["matchers"][0]["value"]: r["receiver"] for r in spec["route"]["routes"]}
    receivers = {r["name"]: r["snsConfigs"][0] for r in spec["receivers"]}
    for severity, topic in TOPICS.items():
        assert receivers[routes[severity]]["topicARN"] == topic
        assert receivers[routes[severity]]["sigv4"] == {"region": "eu-central-1"}
    assert receivers[spec["route"]["receiver"]]["topicARN"] == TOPICS["warning"], "unlabelled alerts still reach someone"


def test_the_role_may_publish_to_those_topics_with_their_key_only():
    policy = json.loads(publish_policy(list(TOPICS.values()), "arn:aws:kms:eu-central-1:111122223333:key/k"))
    actions = sorted(a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert actions == ["kms:Decrypt", "kms:GenerateDataKey", "sns:Publish"]
    assert policy["Statement"][0]["Resource"] == sorted(TOPICS.values())


def test_eks_annotates_the_service_account_and_other_clusters_project_the_token():
    eks = Cluster.model_validate({"name": "eks-fra", "cloud": "aws", "region": "eu-central-1", "kubernetes_version": "1.31",
                                  "kubeconfig": {"secret": "kubeconfig", "context": "x"}})
    onprem = Cluster.model_validate({"name": "k8s-fra", "cloud": "onprem", "site": "fra-dc1", "kubernetes_version": "1.30",
                                     "kubeconfig": {"secret": "kubeconfig", "context": "y"}})
    on_eks = chart_values("arn:aws:iam::111122223333:role/am", eks, "eu-central-1")["alertmanager"]
    assert on_eks["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::111122223333:role/am"
    assert on_eks["alertmanagerSpec"] == {"alertmanagerConfiguration": {"name": CONFIG_NAME}}
    elsewhere = chart_values("arn:aws:iam::111122223333:role/am", onprem, "eu-central-1")["alertmanager"]
    assert "annotations" not in elsewhere["serviceAccount"]
    [container] = elsewhere["alertmanagerSpec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["AWS_ROLE_ARN"] == "arn:aws:iam::111122223333:role/am" and env["AWS_WEB_IDENTITY_TOKEN_FILE"]
    assert elsewhere["alertmanagerSpec"]["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"]["audience"] == "sts.amazonaws.com"
    assert alert_region(onprem, {"eu-central-1", "eu-west-1"}, "eu-central-1") == "eu-central-1"
    assert alert_region(eks.model_copy(update={"region": "eu-west-1"}), {"eu-central-1", "eu-west-1"}, "eu-central-1") == "eu-west-1"


def test_every_prometheus_cluster_routes_to_the_alert_topics_its_role_may_publish_to(plans):
    prod = plans["prod"]
    configs = by_type(prod, "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig")
    releases = [r for r in by_type(prod, "kubernetes:helm.sh/v3:Release") if r["inputs"]["chart"] == "kube-prometheus-stack"]
    assert len(configs) == len(releases) >= 2
    topics = {by_name(prod, f"observability-euc1-alerts-{s}")["urn"] for s in ("critical", "warning")}
    for config in configs:
        cluster = config["urn"].rsplit("::", 1)[1].removeprefix("alertmanager-").removesuffix("-routes")
        assert config["inputs"]["metadata"] == {"name": CONFIG_NAME, "namespace": "monitoring",
                                                "labels": {"release": "prometheus-operator"}}
        assert topics <= set(config["dependencies"]), "the routes name the topics by their outputs"
        release = by_name(prod, f"addons-{cluster}-prometheus-operator")
        assert release["urn"] in config["dependencies"], "the CRD and the namespace come with the chart"
        role = by_name(prod, f"alertmanager-{cluster}-role")
        trust = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"][0]
        assert SUBJECT in json.dumps(trust["Condition"])
        assert release["inputs"]["values"]["alertmanager"]["serviceAccount"]["name"] == "alertmanager"
        assert role["urn"] in release["dependencies"], "the chart names the role by its output"
        publish = by_name(prod, f"alertmanager-{cluster}-publish")
        published = json.loads(publish["inputs"]["policy"])["Statement"][0]["Resource"]
        routed = {r["snsConfigs"][0]["topicARN"] for r in config["inputs"]["spec"]["receivers"]}
        assert routed == set(published)
