"""What the drill does to its target, one small operation each, found by name (never by plan id).

Every operation is idempotent, so failback and the repair of an interrupted run can repeat it safely.
Where a target rejects an API as not implemented, the project's extension takes over and says so.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .clients import Clients, error_code, unsupported
from .inventory import Inventory, Secret
from .resolver import CheckConfig, failover_answer


class StepFailed(RuntimeError):
    """A drill step could not do its job: the drill fails (exit 1) and fails back."""


def wait_for(condition: Callable[[], Any], timeout: float, interval: float = 0.2) -> Any:
    """Poll `condition` until it returns something truthy or `timeout` seconds pass (then return the last value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def _supported(call: Callable[[], Any]) -> bool:
    """Probe an API with a harmless call: any answer, even an error about the request, means it exists."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the probe classifies every failure
        return not unsupported(error)
    return True


@dataclass
class Capabilities:
    test_dns_answer: bool = True
    stop_replication: bool = True
    message_move_tasks: bool = True

    def emulated(self) -> list[str]:
        gaps = []
        if not self.test_dns_answer:
            gaps.append("DNS answers: Route 53 TestDNSAnswer unavailable; the project's failover resolver "
                        "(scripts/drill/resolver.py) applies Route 53's rules to the records and health-check settings")
        if not self.stop_replication:
            gaps.append("secret promotion: StopReplicationToReplica unavailable; the project's extension removes the "
                        "replica region and recreates the secret standalone with the replica's value (calling the "
                        "primary region, even when a region outage has it out)")
        if not self.message_move_tasks:
            gaps.append("DLQ redrive: SQS message-move tasks unavailable; messages are moved back client-side "
                        "(receive, send to the source queue, delete)")
        return gaps


class Target:
    def __init__(self, clients: Clients, inventory: Inventory):
        self.clients = clients
        self.inventory = inventory
        self.caps = Capabilities()
        self._zone_id: Optional[str] = None

    # --- discovery -------------------------------------------------------------------------------
    @property
    def route53(self) -> Any:
        return self.clients("route53", "global")

    def zone_id(self) -> str:
        if self._zone_id is None:
            wanted = self.inventory.zone.rstrip(".") + "."
            zones = self.route53.list_hosted_zones_by_name(DNSName=wanted)["HostedZones"]
            match = [z["Id"].split("/")[-1] for z in zones if z["Name"] == wanted]
            if not match:
                raise StepFailed(f"hosted zone {self.inventory.zone} not found on the target")
            self._zone_id = match[0]
        return self._zone_id

    def record_sets(self) -> dict[str, dict[str, Any]]:
        """Role (PRIMARY/SECONDARY) -> the record set as the target holds it."""
        name = self.inventory.primary.name.rstrip(".") + "."
        found = self.route53.list_resource_record_sets(HostedZoneId=self.zone_id(), StartRecordName=name,
                                                       StartRecordType=self.inventory.primary.type)
        return {r["Failover"]: r for r in found["ResourceRecordSets"] if r["Name"] == name and r.get("Failover")}

    def health_check_id(self, role: str) -> Optional[str]:
        return self.record_sets().get(role, {}).get("HealthCheckId")

    def check_config(self, check_id: Optional[str]) -> Optional[CheckConfig]:
        if not check_id:
            return None
        config = self.route53.get_health_check(HealthCheckId=check_id)["HealthCheck"]["HealthCheckConfig"]
        return CheckConfig(inverted=bool(config.get("Inverted")), disabled=bool(config.get("Disabled")))

    def queue_url(self, region: str, name: str) -> str:
        try:
            return self.clients("sqs", region).get_queue_url(QueueName=name)["QueueUrl"]
        except Exception as error:  # noqa: BLE001
            raise StepFailed(f"queue {name} missing in {region} ({error_code(error)})") from error

    def queue_arn(self, region: str, name: str) -> str:
        sqs = self.clients("sqs", region)
        return sqs.get_queue_attributes(QueueUrl=self.queue_url(region, name), AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]

    # --- drill-only queues -------------------------------------------------------------------------
    _COPIED = ("VisibilityTimeout", "MessageRetentionPeriod", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
               "SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
               "FifoThroughputLimit", "MaximumMessageSize", "DelaySeconds", "ReceiveMessageWaitTimeSeconds")

    def create_drill_queue(self, region: str, live: str, name: str, run_id: str, dlq: Optional[str] = None,
                           max_receive_count: int = 5) -> None:
        """A queue beside the live one, with its settings (encryption, FIFO, visibility) and its own DLQ, so
        drill traffic never enters a queue a workload consumes. Tagged with the run that owns it."""
        sqs = self.clients("sqs", region)
        attributes = sqs.get_queue_attributes(QueueUrl=self.queue_url(region, live), AttributeNames=["All"])["Attributes"]
        copied = {k: v for k, v in attributes.items() if k in self._COPIED}
        if dlq:
            copied["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": self.queue_arn(region, dlq),
                                                  "maxReceiveCount": max_receive_count})
        sqs.create_queue(QueueName=name, Attributes=copied, tags={"hybrid:drill-run": run_id})

    def delete_queue(self, region: str, name: str) -> bool:
        """Delete a drill-only queue; False when it is already gone."""
        sqs = self.clients("sqs", region)
        try:
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except Exception:  # noqa: BLE001 - gone already
            return False
        sqs.delete_queue(QueueUrl=url)
        return True

    # --- preflight -------------------------------------------------------------------------------
    def caller_account(self) -> str:
        """The caller's account (STS); StepFailed, saying why, without credentials or a reachable endpoint."""
        try:
            return str(self.clients("sts", self.inventory.secondary_region).get_caller_identity()["Account"])
        except Exception as error:  # noqa: BLE001 - every failure here means the drill cannot start
            raise StepFailed(f"cannot identify the caller ({error_code(error)}: {error}); expected credentials for "
                             "the environment's account and a reachable AWS endpoint") from error

    def probe(self) -> Capabilities:
        inv = self.inventory
        sm = self.clients("secretsmanager", inv.secondary_region)
        sqs = self.clients("sqs", inv.primary_region)
        queue = inv.traffic_queue()
        self.caps = Capabilities(
            test_dns_answer=_supported(lambda: self.route53.test_dns_answer(
                HostedZoneId=self.zone_id(), RecordName=inv.primary.name, RecordType=inv.primary.type)),
            # A secret that does not exist: AWS answers ResourceNotFound and changes nothing.
            stop_replication=_supported(lambda: sm.stop_replication_to_replica(SecretId="hybrid-drill-probe-absent")),
            message_move_tasks=_supported(lambda: sqs.list_message_move_tasks(
                SourceArn=self.queue_arn(inv.primary_region, queue.dlq or queue.name))))
        return self.caps

    # --- DNS -------------------------------------------------------------------------------------
    def dns_answer(self) -> tuple[str, ...]:
        inv = self.inventory
        if self.caps.test_dns_answer:
            answer = self.route53.test_dns_answer(HostedZoneId=self.zone_id(), RecordName=inv.primary.name,
                                                  RecordType=inv.primary.type)
            return tuple(v.rstrip(".") for v in answer.get("RecordData", []))
        sets = self.record_sets()
        values = {role: tuple(v["Value"].rstrip(".") for v in sets.get(role, {}).get("ResourceRecords", []))
                  for role in ("PRIMARY", "SECONDARY")}
        return failover_answer(values["PRIMARY"], values["SECONDARY"],
                               self.check_config(sets.get("PRIMARY", {}).get("HealthCheckId")),
                               self.check_config(sets.get("SECONDARY", {}).get("HealthCheckId")))

    def wait_for_answer(self, expected: tuple[str, ...], timeout: float) -> bool:
        want = tuple(v.rstrip(".") for v in expected)
        return bool(wait_for(lambda: self.dns_answer() == want, timeout, interval=1.0 if self.caps.test_dns_answer else 0.05))

    # --- alarms ----------------------------------------------------------------------------------
    def firing(self, region: str, critical_only: bool) -> list[str]:
        names = [a.name for a in self.inventory.alarms if a.region == region and (a.critical or not critical_only)]
        firing: list[str] = []
        cloudwatch = self.clients("cloudwatch", region)
        for start in range(0, len(names), 100):
            found = cloudwatch.describe_alarms(AlarmNames=names[start:start + 100])
            # State filtered here: the stand-in ignores StateValue when AlarmNames is given.
            firing += [a["AlarmName"] for a in found.get("MetricAlarms", []) + found.get("CompositeAlarms", [])
                       if a.get("StateValue") == "ALARM"]
        return sorted(firing)

    def alarm_names(self, region: str, names: list[str]) -> list[str]:
        """Which of `names` exist as alarms in `region` on the target."""
        cloudwatch = self.clients("cloudwatch", region)
        found: list[str] = []
        for start in range(0, len(names), 100):
            answer = cloudwatch.describe_alarms(AlarmNames=names[start:start + 100])
            found += [a["AlarmName"] for a in answer.get("MetricAlarms", []) + answer.get("CompositeAlarms", [])]
        return found

    # --- secrets ---------------------------------------------------------------------------------
    def _digest(self, region: str, name: str) -> str:
        value = self.clients("secretsmanager", region).get_secret_value(SecretId=name)
        data = value.get("SecretString", "").encode() or value.get("SecretBinary", b"")
        return hashlib.sha256(data).hexdigest()

    def replica_status(self, secret: Secret) -> str:
        described = self.clients("secretsmanager", secret.region).describe_secret(SecretId=secret.name)
        status = {r["Region"]: r.get("Status", "") for r in described.get("ReplicationStatus", [])}
        return status.get(self.inventory.secondary_region, "absent")

    def in_sync(self, secret: Secret) -> bool:
        """Replica reports InSync and holds the primary's value (compared by digest, never shown)."""
        region = self.inventory.secondary_region
        return (self.replica_status(secret) == "InSync"
                and self._digest(secret.region, secret.name) == self._digest(region, secret.name))

    def standalone(self, secret: Secret) -> bool:
        described = self.clients("secretsmanager", self.inventory.secondary_region).describe_secret(SecretId=secret.name)
        return described.get("PrimaryRegion", self.inventory.secondary_region) == self.inventory.secondary_region

    def promote(self, secret: Secret) -> bool:
        """Make the secondary's replica a standalone secret; returns True when the extension did it (emulated)."""
        region = self.inventory.secondary_region
        if self.standalone(secret):
            return not self.caps.stop_replication
        if self.caps.stop_replication:
            self.clients("secretsmanager", region).stop_replication_to_replica(SecretId=secret.name)
            return False
        # Extension for targets without StopReplicationToReplica: same end state, different calls. It must call
        # the primary region, which real AWS does not need (StopReplicationToReplica is served by the replica's
        # region), so on a stand-in its calls pass a region outage, marked as the extension's.
        value = self.clients("secretsmanager", region).get_secret_value(SecretId=secret.name)
        self.clients.extension("secretsmanager", secret.region).remove_regions_from_replication(
            SecretId=secret.name, RemoveReplicaRegions=[region])
        payload = {"SecretString": value["SecretString"]} if "SecretString" in value else {"SecretBinary": value["SecretBinary"]}
        self.clients("secretsmanager", region).create_secret(Name=secret.name, **payload)
        return True

    def rejoin(self, secret: Secret) -> None:
        """Failback: make the secondary a replica of the primary again (overwriting the promoted copy)."""
        if self.replica_status(secret) == "InSync" and not self.standalone(secret):
            return
        self.clients("secretsmanager", secret.region).replicate_secret_to_regions(
            SecretId=secret.name, AddReplicaRegions=[{"Region": self.inventory.secondary_region}],
            ForceOverwriteReplicaSecret=True)
