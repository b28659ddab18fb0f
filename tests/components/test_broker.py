"""Broker built alone (the sqs-sns kind): each queue with its own DLQ, a topic fanning out, a warm standby."""

from __future__ import annotations

import json


from components.alerting import AlertRoutes, alert_topic_arn
from components.messaging import Broker, BrokerArgs
from components.messaging.backend import Alerting, AwsPlace, Estate, Placements, Protection
from components.spec.brokers import SqsSnsBroker

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build

ORDERS = SqsSnsBroker.model_validate({
    "name": "orders", "kind": "sqs-sns", "region": "eu-central-1", "standby_region": "eu-west-1", "owner": "orders",
    "queues": [{"name": "billing", "max_receive_count": 4, "idempotency": {"key": "order-id"}},
               {"name": "shipping"}],
    "topics": [{"name": "order-events", "subscribers": ["billing", "shipping"]}],
})


# What observability hands every capability: the alert topics its alarms route to, per region and severity.
ALERTS = AlertRoutes(topics={region: {severity: alert_topic_arn("unit", ACCOUNT, region, severity)
                                      for severity in ("critical", "warning")}
                             for region in ("eu-central-1", "eu-west-1")})


def broker(protect: bool = True):
    def program():
        places = Placements(aws={r: AwsPlace(aws_provider(r)) for r in ("eu-central-1", "eu-west-1")})
        return Broker("orders", BrokerArgs(spec=ORDERS, estate=Estate("unit", ACCOUNT),
                                           protection=Protection(protect=protect, production=protect),
                                           places=places, alerting=Alerting(ALERTS)))
    return build(program)


def test_every_queue_dead_letters_into_its_own_queue_in_its_region():
    built = broker()
    assert_children_named_after(built, "hybrid:messaging:Broker", "orders")
    for region in ("euc1", "euw1"):
        main, dlq = built.named(f"orders-{region}-billing"), built.named(f"orders-{region}-billing-dlq")
        redrive = json.loads(main["inputs"]["redrivePolicy"])
        assert redrive == {"deadLetterTargetArn": redrive["deadLetterTargetArn"], "maxReceiveCount": 4}
        assert redrive["deadLetterTargetArn"].endswith(":" + dlq["inputs"]["name"])
        assert "redriveAllowPolicy" not in dlq["inputs"], "inline, the fence would need the source queue first: a cycle"
        fence = built.named(f"orders-{region}-billing-dlq-redrive-allow")
        allow = json.loads(fence["inputs"]["redriveAllowPolicy"])
        assert allow["redrivePermission"] == "byQueue" and allow["sourceQueueArns"][0].endswith(":" + main["inputs"]["name"])
        assert fence["inputs"]["queueUrl"].endswith("/" + dlq["inputs"]["name"])
        assert {dlq["urn"], main["urn"]} <= set(fence["dependencies"]), "the fence names both queues by their outputs"
        assert dlq["urn"] in main["dependencies"]
        key = built.named(f"orders-{region}-key")
        assert main["inputs"]["kmsMasterKeyId"].endswith(f":key/{key['id']}"), "each region's queues use its own key"
        assert main["protect"] is True and key["protect"] is True


def test_the_topic_fans_out_to_each_subscriber_and_only_it_may_send():
    built = broker()
    subscriptions = built.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s["urn"].rsplit("::", 1)[1] for s in subscriptions) == [
        "orders-euc1-order-events-to-billing", "orders-euc1-order-events-to-shipping",
        "orders-euw1-order-events-to-billing", "orders-euw1-order-events-to-shipping"]
    assert all(s["inputs"]["rawMessageDelivery"] is True for s in subscriptions)
    policy = json.loads(built.named("orders-euc1-billing-policy")["inputs"]["policy"])
    sources = [s["Condition"]["ArnEquals"]["aws:SourceArn"] for s in policy["Statement"]
               if "ArnEquals" in s.get("Condition", {})]
    assert sources == [["arn:aws:sns:eu-central-1:111122223333:unit-orders-order-events"]]


def test_idempotency_gets_a_deduplication_table_per_region_and_the_standby_is_a_full_copy():
    built = broker()
    tables = built.of_type("aws:dynamodb/table:Table")
    assert len(tables) == 2 and all(t["inputs"]["ttl"]["enabled"] is True for t in tables)
    queues = built.of_type("aws:sqs/queue:Queue")
    by_region = {region: sorted(q["urn"].rsplit("::", 1)[1].split("-", 2)[2] for q in queues
                                if q["urn"].rsplit("::", 1)[1].startswith(f"orders-{region}-"))
                 for region in ("euc1", "euw1")}
    assert by_region["euc1"] == by_region["euw1"] == ["billing", "billing-dlq", "shipping", "shipping-dlq"]
    assert set(built.component.regions) == {"eu-central-1", "eu-west-1"}


def test_outside_production_the_broker_is_not_protected():
    built = broker(protect=False)
    assert not any(r["protect"] for r in built.resources)


def test_a_strimzi_broker_exposes_its_kafka_facts_and_refuses_a_missing_alert_region():
    """What change data capture reads of a Kafka broker: bootstrap, auth, the Kafka resource and its namespace."""
    import pulumi_kubernetes as k8s
    import pytest

    from components.messaging.backend import ClusterPlace
    from components.spec.brokers import StrimziKafkaBroker

    spec = StrimziKafkaBroker.model_validate({"name": "plant", "kind": "strimzi-kafka", "cluster": "k8s-fra",
                                               "owner": "manufacturing-it", "streams": [{"name": "readings"}]})

    def program(region: str = "eu-central-1"):
        places = Placements(clusters={"k8s-fra": ClusterPlace(k8s.Provider("k8s-fra"))})
        return Broker("plant", BrokerArgs(spec=spec, estate=Estate("unit", ACCOUNT),
                                          protection=Protection(protect=False, production=False), places=places,
                                          alerting=Alerting(ALERTS, region=region)))
    built = build(program)
    facts = built.component.kafka
    assert (facts.bootstrap, facts.client_auth, facts.cluster_name, facts.namespace, facts.kubernetes_cluster) == (
        "plant-kafka-bootstrap.msg-plant.svc:9093", "tls", "plant", "msg-plant", "k8s-fra")
    kafka = built.named("plant-kafka")
    assert kafka["inputs"]["metadata"]["namespace"] == facts.namespace and facts.cluster_arn is None
    with pytest.raises(Exception, match="no AWS region to route in-cluster alarms to"):
        build(lambda: program(region=""))


def test_an_entity_change_topic_admits_only_its_owner_as_publisher():
    def program():
        places = Placements(aws={r: AwsPlace(aws_provider(r)) for r in ("eu-central-1", "eu-west-1")})
        return Broker("orders", BrokerArgs(spec=ORDERS, estate=Estate("unit", ACCOUNT),
                                           protection=Protection(protect=False, production=False), places=places,
                                           alerting=Alerting(ALERTS), publishers={"order-events": "order-management"}))

    for built, fenced in ((build(program), True), (broker(), False)):
        for region in ("euc1", "euw1"):
            policy = json.loads(built.named(f"orders-{region}-order-events-policy")["inputs"]["policy"])
            fences = [s for s in policy["Statement"] if s.get("Sid") == "OnlyOwnerPublishes"]
            assert bool(fences) is fenced, policy
            if fenced:
                [fence] = fences
                assert fence["Effect"] == "Deny" and fence["Principal"] == "*" and fence["Action"] == "sns:Publish"
                assert fence["Condition"] == {"StringNotEquals": {"aws:PrincipalTag/bounded-context": "order-management"}}
                assert fence["Resource"].endswith(":unit-orders-order-events")
            # Consumers keep Subscribe through the account's IAM policies.
            allow = next(s for s in policy["Statement"] if s.get("Sid") == "AccountPublishers")
            assert "sns:Subscribe" in allow["Action"]
