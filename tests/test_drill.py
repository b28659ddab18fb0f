"""The failover drill: pure arithmetic, plan reading, and whole drills on a small synthetic plan under moto."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from components.spec.failover import FailoverSpec
from scripts.drill.clients import Clients
from scripts.drill.inventory import DrillInputError, read_inventory
from scripts.drill.metrics import RtoVerdict, account, dns_floor, rpo_met
from scripts.drill.resolver import CheckConfig, failover_answer
from scripts.drill.runner import Drill, DrillConfig
from scripts.drill.seed import seed
from scripts.drill.synthetic import synthetic_export
from scripts.drill.traffic import Polling

PRIMARY, SECONDARY = "eu-west-1", "eu-central-1"
FAST = Polling(wait_seconds=0, empty_polls=1, timeout_seconds=30)


# --- pure functions -----------------------------------------------------------------------------------
def test_dns_floor_is_interval_times_threshold_plus_ttl():
    assert dns_floor(10, 3, 30) == 60
    assert dns_floor(30, 3, 60) == 150


def test_rto_is_judged_on_the_larger_of_measured_and_floor():
    assert RtoVerdict(measured=0.1, floor=60, target=300).effective == 60
    assert RtoVerdict(measured=400, floor=60, target=300).met is False
    assert RtoVerdict(measured=0.1, floor=90, target=60).met is False  # a fast emulated run proves nothing


def test_accounting_removes_duplicates_by_key_and_counts_losses():
    counted = account({1: 0.0, 2: 1.0, 3: 2.0, 4: 5.0}, [1, 2, 2, 4])
    assert (counted.sent, counted.received, counted.unique, counted.duplicates, counted.lost) == (4, 4, 3, 1, (3,))
    # The spec's objective decides: one message lost is within 5 messages and 60 s, not within 0 messages,
    # and not within a window shorter than the loss.
    assert rpo_met(counted, rpo_messages=5, rpo_seconds=60)
    assert not rpo_met(counted, rpo_messages=0, rpo_seconds=60)
    spread = account({1: 0.0, 2: 30.0, 3: 31.0}, [3])
    assert spread.loss_window_seconds == 30.0
    assert not rpo_met(spread, rpo_messages=5, rpo_seconds=10) and rpo_met(spread, rpo_messages=5, rpo_seconds=30)
    assert rpo_met(account({1: 0.0}, [1, 1]), 0, 0)


@pytest.mark.parametrize("primary, secondary, answer", [
    (CheckConfig(), CheckConfig(), "p"),
    (CheckConfig(inverted=True), CheckConfig(), "s"),
    (CheckConfig(inverted=True), CheckConfig(inverted=True), "p"),  # both unhealthy: Route 53 answers the primary
    (CheckConfig(inverted=True, disabled=True), CheckConfig(), "p"),  # disabled checks count as healthy
    (None, CheckConfig(), "p"),
])
def test_emulated_resolver_applies_route53_failover_rules(primary, secondary, answer):
    assert failover_answer(("p",), ("s",), primary, secondary) == (answer,)


@pytest.mark.parametrize("flag, message", [("failover_record", "no failover record"),
                                           ("secret_replica", "no secret replica"),
                                           ("secondary_queue", "no secondary queue")])
def test_plan_without_something_to_drill_is_bad_input(flag, message):
    with pytest.raises(DrillInputError, match=message):
        read_inventory(synthetic_export(**{flag: False}), PRIMARY, SECONDARY)


def test_inventory_maps_references_by_plan_id():
    inventory = read_inventory(synthetic_export(), PRIMARY, SECONDARY, promote=["token"])
    assert inventory.primary.health_check and inventory.primary.health_check.plan_id == "hc-mock-primary"
    assert inventory.traffic_queue().dlq == "drill-work-dlq"
    assert [s.name for s in inventory.promoted()] == ["drill/token"]
    assert {a.region for a in inventory.alarms if a.critical} == {PRIMARY, SECONDARY}


# --- whole drills, in-process moto ---------------------------------------------------------------------
@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


def make_drill(tmp_path: Path, observer=None, rto: int = 120, fifo: bool = False, clients: Clients | None = None,
               seeded: bool = False, **plan):
    inventory = read_inventory(synthetic_export(fifo=fifo, **plan), PRIMARY, SECONDARY, promote=["token"])
    clients = clients or Clients()
    if not seeded:
        seed(clients, inventory)
    config = DrillConfig(env="synthetic", target="test", inventory=inventory,
                         failover=FailoverSpec(rto_seconds=rto, synthetic_messages=40, poison_messages=2),
                         secondary_nodes=["eks-b"], polling=FAST)
    return Drill(config, clients, tmp_path / "state.json", observer), clients


def restored(clients: Clients) -> None:
    """The target is as before the drill: primary check not inverted, replica in sync."""
    route53 = clients("route53", "global")
    for check in route53.list_health_checks()["HealthChecks"]:
        assert not check["HealthCheckConfig"].get("Inverted"), check["Id"]
    status = clients("secretsmanager", PRIMARY).describe_secret(SecretId="drill/token")["ReplicationStatus"]
    assert [(s["Region"], s["Status"]) for s in status] == [(SECONDARY, "InSync")]


@pytest.mark.parametrize("fifo", [False, True])
def test_clean_drill_passes_with_nothing_lost(aws, tmp_path, fifo):
    drill, clients = make_drill(tmp_path, fifo=fifo)
    result = drill.run()
    assert result.passed, result.reasons
    assert result.accounting["lost"] == 0 and result.accounting["duplicates"] == 3
    assert result.rto.floor == 60 and result.rto.met
    assert [s.name for s in result.steps][-3:] == ["failback", "final consistency check", "cleanup"]
    assert result.accounting["planned"] == result.accounting["sent"] == 40 and result.accounting["stranded"] == 0
    assert result.not_run == []
    assert any(s.emulated for s in result.steps if s.name == "dns verification")
    assert not (tmp_path / "state.json").exists()
    restored(clients)
    for region in (PRIMARY, SECONDARY):
        names = [u.rsplit("/", 1)[-1] for u in clients("sqs", region).list_queues().get("QueueUrls", [])]
        assert sorted(names) == sorted(n + (".fifo" if fifo else "") for n in ("drill-work", "drill-work-dlq")), (
            "the drill-only queues are gone and only the live ones remain")


def test_dns_floor_above_the_rto_target_fails(aws, tmp_path):
    drill, clients = make_drill(tmp_path, rto=50)  # floor 10 s x 3 + 30 s = 60 s
    result = drill.run()
    assert not result.passed and any("RTO not met" in r for r in result.reasons)
    restored(clients)


def _after(step: str, action):
    def observer(event, record):
        if event == "end" and record.name == step:
            action()
    return observer


def test_promotion_failure_fails_back(aws, tmp_path):
    drop = lambda: boto3.client("secretsmanager", region_name=PRIMARY).remove_regions_from_replication(
        SecretId="drill/token", RemoveReplicaRegions=[SECONDARY])
    drill, clients = make_drill(tmp_path, _after("dns verification", drop))
    result = drill.run()
    assert not result.passed
    assert {s.name: s.outcome for s in result.steps}["secret promotion"] == "failed"
    assert {s.name: s.outcome for s in result.steps}["failback"] == "ok"
    restored(clients)


def test_missing_secondary_queue_fails_back(aws, tmp_path):
    def drop():
        sqs = boto3.client("sqs", region_name=SECONDARY)
        sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=drill.traffic.queue.name)["QueueUrl"])
    drill, clients = make_drill(tmp_path, _after("secret promotion", drop))
    result = drill.run()
    assert not result.passed
    assert {s.name: s.outcome for s in result.steps}["producer switch"] == "failed"
    assert {s.name: s.outcome for s in result.steps}["failback"] == "ok"
    restored(clients)


def test_critical_alarm_in_the_secondary_aborts_and_fails_back(aws, tmp_path):
    fire = lambda: boto3.client("cloudwatch", region_name=SECONDARY).set_alarm_state(
        AlarmName="drill-work-age", StateValue="ALARM", StateReason="drill test")
    drill, clients = make_drill(tmp_path, _after("fault injection", fire))
    result = drill.run()
    assert not result.passed and any(r.startswith("aborted: critical alarm") for r in result.reasons)
    steps = {s.name: s.outcome for s in result.steps}
    assert steps["failback"] == "ok" and "secret promotion" not in steps
    restored(clients)


def test_ctrl_c_mid_drill_still_fails_back(aws, tmp_path):
    def interrupt():
        raise KeyboardInterrupt
    drill, clients = make_drill(tmp_path, _after("secret promotion", interrupt))
    result = drill.run()
    assert not result.passed and result.notes.get("interrupted") == "SIGINT"
    assert any("Ctrl-C (SIGINT) during 'secret promotion'" in r for r in result.reasons)
    assert result.not_run == ["producer switch", "dlq drain and redrive"]
    restored(clients)
    assert not (tmp_path / "state.json").exists()


def test_a_second_drill_of_the_same_environment_and_target_is_refused(aws, tmp_path):
    from scripts.drill.state import DrillLock

    holder = DrillLock(tmp_path / "state.lock")
    holder.acquire()
    try:
        drill, clients = make_drill(tmp_path)
        result = drill.run()
        assert not result.passed and result.steps == [] and "another drill" in result.reasons[0]
        assert result.not_run[0] == "preflight"
    finally:
        holder.release()
    assert make_drill(tmp_path, seeded=True, clients=clients)[0].run().passed, "free again once released"


def test_readiness_fails_on_a_consumed_queue_without_consumer_in_the_secondary(aws, tmp_path):
    drill, clients = make_drill(tmp_path)
    drill.config.readiness_gaps = ("queue orders/billing-orders has no consumer deployed in eu-central-1",)
    result = drill.run()
    assert not result.passed and {s.name: s.outcome for s in result.steps}["readiness"] == "failed"
    assert "no consumer deployed" in result.reasons[0] and "fault injection" in result.not_run
