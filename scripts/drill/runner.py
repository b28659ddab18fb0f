"""The drill itself: timed steps, stop conditions, and failback on every exit path.

Order: [repair] → preflight → readiness → traffic before the fault → fault injection → DNS verification
→ secret promotion → producer switch → DLQ drain and redrive; then, whatever happened, failback and the
final consistency check. A critical alarm in the secondary after the fault aborts straight to failback.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from components.spec.failover import FailoverSpec

from . import faults
from .actions import StepFailed, Target, wait_for
from .clients import Clients, error_code
from .inventory import Inventory
from .metrics import RtoVerdict, dns_floor, rpo_met, throughput
from .state import DrillState
from .traffic import Polling, Traffic

Observer = Callable[[str, "StepRecord"], None]


class DrillAbort(RuntimeError):
    """A stop condition fired: fail back now."""


@dataclass
class DrillConfig:
    env: str
    target: str  # "local" or "aws": reported, never branched on
    inventory: Inventory
    failover: FailoverSpec
    secondary_nodes: list[str]
    polling: Polling = field(default_factory=Polling)
    known_gaps: tuple[str, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)  # window decision, forced reason, seeding


@dataclass
class StepRecord:
    name: str
    outcome: str = "running"  # ok, failed, aborted, skipped
    started: float = 0.0  # seconds since the drill started
    seconds: float = 0.0
    emulated: bool = False
    detail: str = ""


@dataclass
class DrillResult:
    env: str
    target: str
    run_id: str
    started_at: str
    steps: list[StepRecord]
    rto: Optional[RtoVerdict]
    accounting: Optional[dict[str, Any]]
    rpo_met: bool
    failback_seconds: Optional[float]
    failover_throughput: float
    emulated: list[str]
    known_gaps: list[str]
    notes: dict[str, Any]
    seconds: float
    reasons: list[str]

    @property
    def passed(self) -> bool:
        return not self.reasons

    def as_json(self) -> dict[str, Any]:
        return {"environment": self.env, "target": self.target, "run_id": self.run_id, "started_at": self.started_at,
                "verdict": "pass" if self.passed else "fail", "reasons": self.reasons,
                "duration_seconds": round(self.seconds, 3),
                "rto": self.rto.as_json() if self.rto else None, "messages": self.accounting,
                "rpo_met": self.rpo_met, "failback_seconds": None if self.failback_seconds is None else round(self.failback_seconds, 3),
                "failover_messages_per_second": round(self.failover_throughput, 1),
                "emulated": self.emulated, "local_gaps": self.known_gaps, "notes": self.notes,
                "steps": [{"name": s.name, "outcome": s.outcome, "started_seconds": round(s.started, 3),
                           "seconds": round(s.seconds, 3), "emulated": s.emulated, "detail": s.detail} for s in self.steps]}


class Drill:
    def __init__(self, config: DrillConfig, clients: Clients, state_file: Path, observer: Optional[Observer] = None):
        self.config = config
        self.target = Target(clients, config.inventory)
        self.state = DrillState(state_file)
        self.observer = observer or (lambda event, step: None)
        self.run_id = uuid.uuid4().hex[:12]
        self.steps: list[StepRecord] = []
        self.reasons: list[str] = []
        self.t0 = time.monotonic()
        self.fault_at: Optional[float] = None
        self.failback_seconds: Optional[float] = None
        spec = config.failover
        self.traffic = Traffic(self.target, config.inventory.traffic_queue(), self.run_id, spec.synthetic_messages,
                               spec.poison_messages, config.polling)

    # --- step bookkeeping -------------------------------------------------------------------------
    def step(self, name: str, action: Callable[[StepRecord], Optional[str]], critical_watch: bool = False) -> None:
        record = StepRecord(name=name, started=time.monotonic() - self.t0)
        self.steps.append(record)
        self.observer("start", record)
        began = time.monotonic()
        try:
            detail = action(record)
            record.outcome, record.detail = "ok", detail or record.detail
        except DrillAbort as abort:
            record.outcome, record.detail = "aborted", str(abort)
            raise
        except BaseException as error:  # noqa: BLE001 - recorded, then failback runs on every path
            record.outcome = "failed"
            record.detail = record.detail or (str(error) if isinstance(error, StepFailed) else f"{error_code(error)}: {error}")
            raise
        finally:
            record.seconds = time.monotonic() - began
            self.observer("end", record)
        if critical_watch:
            self.stop_conditions()

    def stop_conditions(self) -> None:
        firing = self.target.firing(self.config.inventory.secondary_region, critical_only=True)
        if firing:
            raise DrillAbort(f"critical alarm firing in the secondary region: {', '.join(firing)}")

    # --- the drill --------------------------------------------------------------------------------
    def run(self) -> DrillResult:
        started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        interrupted: Optional[BaseException] = None
        previous = self.state.load()
        try:
            if previous is not None:
                self.step("repair", lambda r: self.repair(previous))
            self.step("preflight", self.preflight)
            self.step("readiness", self.readiness)
            self.step("traffic before fault", self.before_fault)
            self.step("fault injection", self.inject, critical_watch=True)
            self.step("dns verification", self.dns_to_secondary, critical_watch=True)
            self.step("secret promotion", self.promote, critical_watch=True)
            self.step("producer switch", self.switch, critical_watch=True)
            self.step("dlq drain and redrive", self.redrive, critical_watch=True)
        except DrillAbort as abort:
            self.reasons.append(f"aborted: {abort}")
        except KeyboardInterrupt as stop:
            interrupted = stop
            self.reasons.append("interrupted (Ctrl-C): failed back before exiting")
        except Exception as error:  # noqa: BLE001 - any failure is a drill finding; failback follows
            self.reasons.append(f"step '{self.steps[-1].name if self.steps else '?'}' failed: "
                                f"{self.steps[-1].detail if self.steps else error}")
        finally:
            self.finish()
        result = self.result(started_at)
        if interrupted is not None:
            result.notes["interrupted"] = True
        return result

    def finish(self) -> None:
        """Failback and the final check run on every path; a second Ctrl-C during failback is refused once."""
        for attempt in range(2):
            try:
                if self.state.data or self.traffic.sent_at:
                    self.step("failback", self.failback)
                self.step("final consistency check", self.consistency)
                self.state.clear()
                return
            except KeyboardInterrupt:
                self.reasons.append("interrupted during failback: retried once")
                continue
            except Exception:  # noqa: BLE001
                self.reasons.append(f"step '{self.steps[-1].name}' failed: {self.steps[-1].detail}; the drill state "
                                    f"is kept at {self.state.path} and the next run repairs it")
                return

    # --- steps ------------------------------------------------------------------------------------
    def repair(self, previous: dict[str, Any]) -> str:
        """A previous run did not finish: undo what it recorded (or, for an unreadable record, everything)."""
        self.state.data = dict(previous)
        undo = previous.get("fault") or {"method": self.config.failover.fault.method, "health_check_id":
                                         self.target.health_check_id("PRIMARY"), "was_inverted": False}
        if undo.get("method") != "health-check-inversion" or undo.get("health_check_id"):
            faults.revert(self.target, undo)
        promoted = previous.get("promoted") or [s.name for s in self.config.inventory.promoted()]
        for secret in self.config.inventory.secrets:
            if secret.name in promoted:
                self.target.rejoin(secret)
        for secret in self.config.inventory.promoted():
            if not wait_for(lambda: self.target.in_sync(secret), 120, 1.0):
                raise StepFailed(f"replica of {secret.name} not back in sync")
        stale = self.drain_all()
        self.state.clear()
        return (f"previous run {previous.get('run_id', '?')} stopped in phase {previous.get('phase', '?')}: fault "
                f"reverted, {len(promoted)} secret(s) rejoined, {stale} stale message(s) drained")

    def drain_all(self) -> int:
        before = self.traffic.stale
        queue = self.traffic.queue
        for region in (self.config.inventory.primary_region, self.config.inventory.secondary_region):
            for name in (queue.name, queue.dlq):
                try:
                    if name:
                        self.traffic.consume(region, name, fail_poison=False)
                except StepFailed:
                    continue  # a missing queue holds nothing to drain; the consistency check reports it
        return self.traffic.stale - before

    def preflight(self, record: StepRecord) -> str:
        caps = self.target.probe()
        emulated = caps.emulated()
        record.emulated = bool(emulated)
        return (f"target {self.config.target}; " + ("emulated: " + "; ".join(e.split(':')[0] for e in emulated)
                                                    if emulated else "every API the drill needs is available"))

    def readiness(self, record: StepRecord) -> str:
        inv = self.config.inventory
        problems = []
        sets = self.target.record_sets()
        if set(sets) != {"PRIMARY", "SECONDARY"}:
            problems.append(f"failover records for {inv.primary.name} incomplete: {sorted(sets)}")
        elif not sets["PRIMARY"].get("HealthCheckId"):
            problems.append("the primary failover record has no health check")
        for secret in inv.secrets:
            if inv.secondary_region in secret.replica_regions and not self.target.in_sync(secret):
                problems.append(f"secret {secret.name}: replica in {inv.secondary_region} not in sync "
                                f"({self.target.replica_status(secret)})")
        for queue in inv.drill_queues():
            for name in (queue.name, queue.dlq):
                try:
                    self.target.queue_url(inv.secondary_region, name or "")
                except StepFailed as missing:
                    problems.append(str(missing))
        for region in (inv.primary_region, inv.secondary_region):
            firing = self.target.firing(region, critical_only=False)
            if firing:
                problems.append(f"alarms firing in {region}: {', '.join(firing)}")
        if not self.config.secondary_nodes:
            problems.append(f"no processing nodes declared in {inv.secondary_region}")
        if not problems and self.target.dns_answer() != inv.primary.values:
            problems.append("DNS does not answer with the primary before the drill")
        record.emulated = not self.target.caps.test_dns_answer
        if problems:
            raise StepFailed("; ".join(problems))
        return (f"{len(inv.secrets)} secret(s) in sync, {len([q for q in inv.drill_queues() if q.region == inv.secondary_region])} secondary queue(s) with DLQs, "
                f"{len(inv.alarms)} alarm(s) quiet, nodes {', '.join(self.config.secondary_nodes)}")

    def before_fault(self, record: StepRecord) -> str:
        self.traffic.before_fault()
        return f"{self.traffic.split()} messages written to {self.traffic.queue.name} in {self.config.inventory.primary_region}"

    def inject(self, record: StepRecord) -> str:
        fault = self.config.failover.fault
        # Recorded before the change: a kill right after it still leaves something to repair.
        self.state.save(run_id=self.run_id, env=self.config.env, phase="injecting", method=fault.method)
        undo = faults.inject(self.target, fault)
        self.fault_at = time.monotonic()
        self.state.save(phase="failed-over", fault=undo)
        return f"{fault.method} on the primary"

    def dns_to_secondary(self, record: StepRecord) -> str:
        inv = self.config.inventory
        record.emulated = not self.target.caps.test_dns_answer
        timeout = max(self.config.failover.rto_seconds, dns_floor(*inv.dns_floor_inputs())) + 60
        if not self.target.wait_for_answer(inv.secondary.values, timeout):
            raise StepFailed(f"DNS still answers {self.target.dns_answer()} after {timeout} s")
        return f"{inv.primary.name} answers {', '.join(inv.secondary.values)}" + (" (emulated resolver)" if record.emulated else "")

    def promote(self, record: StepRecord) -> str:
        inv = self.config.inventory
        done = []
        for secret in inv.promoted():
            self.state.add("promoted", secret.name)
            record.emulated = self.target.promote(secret) or record.emulated
            if not self.target.standalone(secret):
                raise StepFailed(f"{secret.name} is still a replica in {inv.secondary_region}")
            self.target._digest(inv.secondary_region, secret.name)  # readable where the workloads now run
            done.append(secret.name)
        return f"promoted in {inv.secondary_region}: {', '.join(done) or 'none asked for'}"

    def switch(self, record: StepRecord) -> str:
        inv = self.config.inventory
        self.traffic.switch()
        secondary = self.traffic.consume(inv.secondary_region)
        primary = self.traffic.consume(inv.primary_region)
        return (f"{self.config.failover.synthetic_messages - self.traffic.split()} new + "
                f"{min(3, self.traffic.split())} retried writes to {inv.secondary_region}; consumed {secondary} there, "
                f"{primary} from the primary backlog")

    def redrive(self, record: StepRecord) -> str:
        inv = self.config.inventory
        moved_total = 0
        for region in (inv.primary_region, inv.secondary_region):
            moved, client_side = self.traffic.redrive(region)
            record.emulated = record.emulated or client_side
            moved_total += moved
            self.traffic.consume(region, fail_poison=False)
        return f"{moved_total} dead-lettered message(s) redriven and processed" + (
            " (client-side move)" if record.emulated else "")

    def failback(self, record: StepRecord) -> str:
        began = time.monotonic()
        inv = self.config.inventory
        undo = self.state.data.get("fault") or {"method": self.config.failover.fault.method, "was_inverted": False,
                                                "health_check_id": self.target.health_check_id("PRIMARY")}
        faults.revert(self.target, undo)
        timeout = max(self.config.failover.rto_seconds, dns_floor(*inv.dns_floor_inputs())) + 60
        if not self.target.wait_for_answer(inv.primary.values, timeout):
            raise StepFailed("DNS did not return to the primary")
        for secret in inv.secrets:
            if secret.name in self.state.data.get("promoted", []):
                self.target.rejoin(secret)
        for secret in inv.promoted():
            if not wait_for(lambda: self.target.in_sync(secret), 300, 1.0):
                raise StepFailed(f"replica of {secret.name} did not return to sync")
        self.state.save(phase="failed-back")
        # The producer is back on the primary once a write there is consumed.
        self.traffic.probe(inv.primary_region)
        self.drain_all()  # whatever an aborted step left behind is consumed, and so accounted
        self.failback_seconds = time.monotonic() - began
        record.emulated = not self.target.caps.test_dns_answer
        return f"primary answering and writable after {self.failback_seconds:.2f} s"

    def consistency(self, record: StepRecord) -> str:
        inv = self.config.inventory
        problems = []
        check_id = self.target.health_check_id("PRIMARY")
        expected = bool((self.state.data.get("fault") or {}).get("was_inverted", False))
        config = self.target.check_config(check_id)
        if config and config.inverted != expected:
            problems.append("the primary health check is still inverted")
        if self.target.dns_answer() != inv.primary.values:
            problems.append("DNS does not answer with the primary")
        for secret in inv.secrets:
            if inv.secondary_region in secret.replica_regions and not self.target.in_sync(secret):
                problems.append(f"secret {secret.name} replica not in sync")
        queue = self.traffic.queue
        for region in (inv.primary_region, inv.secondary_region):
            for name in (queue.name, queue.dlq):
                try:
                    if name and self.traffic.depth(region, name):
                        problems.append(f"{name} in {region} still holds messages")
                except StepFailed as missing:
                    problems.append(str(missing))
        firing = self.target.firing(inv.secondary_region, critical_only=True)
        if firing:
            problems.append(f"critical alarms firing in {inv.secondary_region}: {', '.join(firing)}")
        if self.fault_at is not None:
            lost = self.traffic.accounting().lost
            if lost:
                problems.append(f"{len(lost)} message(s) lost")
        record.emulated = not self.target.caps.test_dns_answer
        if problems:
            raise StepFailed("; ".join(problems))
        return "primary serving, replicas in sync, queues empty, no critical alarms"

    # --- verdict ----------------------------------------------------------------------------------
    def result(self, started_at: str) -> DrillResult:
        spec = self.config.failover
        inv = self.config.inventory
        rto = None
        accounting = None
        met = False
        switched = self.traffic.first_secondary_write is not None and self.fault_at is not None
        if switched:
            rto = RtoVerdict(measured=self.traffic.first_secondary_write - self.fault_at,
                             floor=dns_floor(*inv.dns_floor_inputs()), target=spec.rto_seconds)
            counted = self.traffic.accounting()
            accounting = counted.as_json()
            met = rpo_met(counted, spec.rpo_messages, spec.rpo_seconds)
            if not rto.met:
                self.reasons.append(f"RTO not met: max(measured {rto.measured:.2f} s, DNS floor {rto.floor} s) = "
                                    f"{rto.effective:.2f} s > target {rto.target} s")
            if not met:
                self.reasons.append(f"RPO not met: {len(counted.lost)} message(s) lost")
        elif not self.reasons:
            self.reasons.append("the drill did not reach the producer switch")
        window = ((self.traffic.switch_finished or 0) - (self.traffic.switch_started or 0))
        sent_in_switch = spec.synthetic_messages - self.traffic.split() + min(3, self.traffic.split())
        emulated = self.target.caps.emulated()
        return DrillResult(env=self.config.env, target=self.config.target, run_id=self.run_id, started_at=started_at,
                           steps=self.steps, rto=rto, accounting=accounting, rpo_met=met,
                           failback_seconds=self.failback_seconds,
                           failover_throughput=throughput(sent_in_switch, window) if switched else 0.0,
                           emulated=emulated, known_gaps=list(self.config.known_gaps), notes=dict(self.config.notes),
                           seconds=time.monotonic() - self.t0, reasons=list(dict.fromkeys(self.reasons)))


def dumps(result: DrillResult) -> str:
    return json.dumps(result.as_json(), indent=2, sort_keys=True)
