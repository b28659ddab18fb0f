"""Drills that lose a region, repair after interrupts, stay off live queues and say what they did not drill.

Against the local stand-in (moto's server behind the outage gate): the region-outage fault, a stand-in that died
with its run, `--target aws` posing as the environment's account, and every kind of interrupt at each phase.
"""

from __future__ import annotations

import json
import signal
from typing import Any

import pytest

from components.spec.environment import EnvironmentSpec
from components.spec.failover import FailoverSpec, FaultSpec
from scripts.drill.clients import Clients
from scripts.drill.coverage import coverage, readiness_gaps
from scripts.drill.inventory import read_inventory
from scripts.drill.local import LOCAL_CREDENTIALS, stand_in
from scripts.drill.report import markdown
from scripts.drill.runner import Drill, DrillConfig
from scripts.drill.seed import seed
from scripts.drill.synthetic import ACCOUNT, synthetic_export
from scripts.drill.traffic import Polling
from tests import interrupted_drill
from tests.conftest import load_spec_data

PRIMARY, SECONDARY = "eu-west-1", "eu-central-1"
QUICK = Polling(0, 1, 60, visibility_seconds=2)
LIVE = {"drill-work", "drill-work-dlq"}


def config(target: str = "test", fault: str = "health-check-inversion", fifo: bool = False, **extra: Any) -> DrillConfig:
    inventory = read_inventory(synthetic_export(fifo=fifo), PRIMARY, SECONDARY, promote=["token"])
    return DrillConfig(env="synthetic", target=target, inventory=inventory,
                       failover=FailoverSpec(rto_seconds=120, synthetic_messages=30, poison_messages=1,
                                             fault=FaultSpec(method=fault)),
                       secondary_nodes=["eks-b"], polling=QUICK, **extra)


class RecordingClients(Clients):
    """Clients that remember every SQS call and the queue it named."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sqs_calls: list[tuple[str, str]] = []

    def _make(self, service: str, region: str) -> Any:
        client = super()._make(service, region)
        if service == "sqs":
            client.meta.events.register("provide-client-params.sqs", self._record)
        return client

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        queue = params.get("QueueUrl") or params.get("QueueName") or ""
        self.sqs_calls.append((model.name, queue.rsplit("/", 1)[-1]))


def test_region_outage_strands_the_primary_backlog_and_loses_nothing(tmp_path):
    with stand_in() as running:
        clients = Clients(running.endpoint, LOCAL_CREDENTIALS, stand_in=running)
        seed(clients, config().inventory)
        during: list[str] = []

        def probe_primary(event, record):
            if event == "start" and record.name == "producer switch":
                try:
                    Clients(running.endpoint, LOCAL_CREDENTIALS)("sqs", PRIMARY).list_queues()
                    during.append("answered")
                except Exception as error:  # noqa: BLE001
                    during.append(type(error).__name__ + str(error))

        result = Drill(config(fault="region-outage", target_instance=running.instance), clients,
                       tmp_path / "state.json", probe_primary).run()
        assert result.passed, result.reasons
        messages = result.accounting
        assert messages["lost"] == 0 and messages["sent"] == messages["planned"] == 30
        # 15 written to the primary before the fault; 3 of them were also retried in the secondary
        assert messages["stranded"] == 12 and messages["duplicates"] == 3
        assert len(during) == 1 and "AccessDenied" in during[0], f"the primary answered during the outage: {during}"
        assert not running.out, "failback restored the region"
        assert "stranded in eu-west-1" in {s.name: s.detail for s in result.steps}["producer switch"]
        assert "messages stranded" in markdown(result)


def test_a_state_file_from_a_stand_in_that_died_needs_no_repair(tmp_path):
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"run_id": "dead", "phase": "failed-over", "target_instance": "gone",
                                 "fault": {"method": "health-check-inversion", "health_check_id": "HC-FROM-DEAD-RUN",
                                           "was_inverted": False}}))
    with stand_in() as running:
        clients = Clients(running.endpoint, LOCAL_CREDENTIALS, stand_in=running)
        seed(clients, config().inventory)
        result = Drill(config(target_instance=running.instance), clients, state).run()
        assert result.passed, result.reasons
        assert result.steps[0].name == "repair" and "nothing left to undo" in result.steps[0].detail
        assert not state.exists()


def _seeded_aws(running) -> RecordingClients:
    seed(Clients(running.endpoint, LOCAL_CREDENTIALS), config().inventory)
    return RecordingClients(running.endpoint, LOCAL_CREDENTIALS)  # no stand_in: it poses as AWS


def test_target_aws_never_touches_a_queue_a_workload_consumes(tmp_path):
    with stand_in(account=ACCOUNT) as running:
        clients = _seeded_aws(running)
        result = Drill(config("aws", expected_account=ACCOUNT), clients, tmp_path / "state.json").run()
        assert result.passed, result.reasons
        touched = {queue for operation, queue in clients.sqs_calls
                   if operation not in ("GetQueueUrl", "GetQueueAttributes", "ListQueues", "ListMessageMoveTasks")}
        assert touched and not touched & LIVE, f"drill traffic reached a live queue: {touched & LIVE}"
        assert all("-drill-" in queue for queue in touched)
        created = [q for op, q in clients.sqs_calls if op == "CreateQueue"]
        deleted = [q for op, q in clients.sqs_calls if op == "DeleteQueue"]
        assert sorted(created) == sorted(deleted) and len(created) == 4, "drill-only queues created and removed"


def test_target_aws_refuses_a_caller_from_another_account(tmp_path):
    with stand_in(account="999988887777") as running:
        clients = _seeded_aws(running)
        result = Drill(config("aws", expected_account=ACCOUNT), clients, tmp_path / "state.json").run()
        assert not result.passed and "999988887777" in result.reasons[0] and ACCOUNT in result.reasons[0]
        assert [s.name for s in result.steps] == ["preflight"] and "readiness" in result.not_run
        assert not [c for c in clients.sqs_calls if c[0] not in ("GetQueueUrl", "GetQueueAttributes")]


def test_target_aws_fails_preflight_without_credentials_or_endpoint(tmp_path, monkeypatch):
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with stand_in(account=ACCOUNT) as running:
        seed(Clients(running.endpoint, LOCAL_CREDENTIALS), config().inventory)
        result = Drill(config("aws", expected_account=ACCOUNT), Clients(running.endpoint), tmp_path / "a.json").run()
        assert not result.passed and "cannot identify the caller" in result.reasons[0]
        assert {s.name: s.outcome for s in result.steps} == {"preflight": "failed"}
    unreachable = Drill(config("aws", expected_account=ACCOUNT), Clients("http://127.0.0.1:9", LOCAL_CREDENTIALS),
                        tmp_path / "b.json").run()
    assert not unreachable.passed and "cannot identify the caller" in unreachable.reasons[0]


def _spec(env: str, **changes: Any) -> EnvironmentSpec:
    data = load_spec_data(env)
    data.update(changes)
    return EnvironmentSpec.model_validate(data)


def _inventory(plans, env: str, spec: EnvironmentSpec):
    from components.spec.failover import secrets_to_promote

    return read_inventory(plans[env].export, spec.regions.aws.primary.region, spec.regions.aws.secondary.region,
                          spec.failover.record, secrets_to_promote(spec))


def test_readiness_finds_consumed_queues_without_a_consumer_in_the_secondary(plans):
    for env in ("staging", "prod"):
        shipped = _spec(env)
        assert readiness_gaps(shipped, _inventory(plans, env, shipped)) == [], env
    data = load_spec_data("prod")
    nodes = [n for n in data["processing"]["nodes"] if not n["name"].endswith("-standby")]
    unready = _spec("prod", processing={**data["processing"], "nodes": nodes})
    gaps = readiness_gaps(unready, _inventory(plans, "prod", unready))
    assert len(gaps) == 6 and "customers/crm-changes has no consumer deployed in eu-west-1" in gaps[0]
    assert "customers/customer-cache-invalidations has no consumer deployed in eu-west-1" in gaps[1]
    for queue in ("billing-orders", "stock-reservations", "payment-charges", "shipment-requests"):
        assert any(f"orders/{queue} has no consumer deployed in eu-west-1" in gap for gap in gaps), queue


def test_the_report_lists_every_broker_route_and_link_and_what_was_not_drilled(plans):
    spec = _spec("prod")
    inventory = _inventory(plans, "prod", spec)
    entries = {(c["kind"], c["name"]): c for c in coverage(spec, inventory)}
    assert {name for kind, name in entries if kind == "broker"} == {b.name for b in spec.messaging.brokers}
    assert {name for kind, name in entries if kind == "link"} == {l.name for l in spec.connectivity.links}
    carrier = next(b.name for b in spec.messaging.brokers if inventory.traffic_queue().name.startswith(f"prod-{b.name}-"))
    assert [name for (kind, name), c in entries.items() if c["exercised"] == "yes" and kind == "broker"] == [carrier]
    assert entries[("broker", "orders" if carrier != "orders" else "customers")]["exercised"] == "partly"
    assert entries[("broker", "payments")]["exercised"] == "no" and "MSK" in entries[("broker", "payments")]["how"]
    assert "Service Bus" in entries[("broker", "partner-events")]["how"]
    assert entries[("route", "traffic-manager partner-orders")]["exercised"] == "no"
    assert "VPN backup" in entries[("link", "fra-dc1")]["how"]
    assert entries[("route", "orders.api.example.com")]["exercised"] == "yes"
    # A cache is regional: the report says it is not failed over and how stale it can be after failback.
    assert {name for kind, name in entries if kind == "cache"} == {c.name for c in spec.data.caches}
    assert entries[("cache", "customer-profiles")]["exercised"] == "no"
    assert "900 s" in entries[("cache", "customer-profiles")]["how"]


# --- interrupts at each phase, then a passing drill (a child process against this test's stand-in) ----------
PHASES = ["drill queues", "traffic before fault", "fault injection", "dns verification", "secret promotion",
          "producer switch", "dlq drain and redrive", "failback"]
SIGNALS = ["kill-9", "sigterm", "sigint", "twice"]


@pytest.mark.slow
@pytest.mark.parametrize("phase,how", [(p, SIGNALS[i % 4]) for i, p in enumerate(PHASES)]
                         + [("producer switch", "kill-9")])
def test_an_interrupted_drill_reports_honestly_and_the_next_one_passes(tmp_path, phase, how):
    state, out = tmp_path / "state.json", tmp_path / "report.json"
    inventory = read_inventory(synthetic_export(fifo=True), PRIMARY, SECONDARY, promote=["token"])
    with stand_in() as running:
        clients = Clients(running.endpoint, LOCAL_CREDENTIALS)
        seed(clients, inventory)
        code = interrupted_drill.run(running.endpoint, state, phase, how, out)
        failure = out.with_suffix(".err").read_text()[-2000:] if out.with_suffix(".err").exists() else ""
        if how == "kill-9":
            assert code == -signal.SIGKILL, failure
        else:
            assert code == 0, failure
            report = json.loads(out.read_text())
            expected = "SIGTERM" if how == "sigterm" else "SIGINT"
            if report["notes"].get("interrupted"):  # the signal can land after the phase's last call
                assert report["notes"]["interrupted"] == expected
                assert any(expected in r or "Ctrl-C" in r for r in report["reasons"])
            steps = {s["name"]: s["outcome"] for s in report["steps"]}
            assert steps.get("failback", "ok") == "ok" and steps.get("cleanup", "ok") == "ok", report["steps"]
            if how == "twice":
                assert "SIGTERM" in report["notes"].get("signals_during_failback", "") or not report["notes"].get(
                    "interrupted")
            messages = report["messages"]
            if messages:
                assert messages["lost"] == 0, messages  # drains wait out in-flight messages
                assert messages["sent"] + messages["not_sent"] == messages["planned"] == interrupted_drill.MESSAGES
            ran = set(steps)
            assert not ran & set(report["not_run"]) and ran | set(report["not_run"]) >= {"preflight", "failback"}
            assert not state.exists(), f"failback finished, so nothing is left to repair: {report['reasons']}"
        result = Drill(config(fifo=True), clients, state).run()
        assert result.passed, result.reasons
        if how == "kill-9":
            assert result.steps[0].name == "repair" or phase == "drill queues", [s.name for s in result.steps]
        left = [u for region in (PRIMARY, SECONDARY)
                for u in clients("sqs", region).list_queues().get("QueueUrls", []) if "-drill-" in u]
        assert not left and not state.exists()
