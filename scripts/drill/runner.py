"""The drill itself: timed steps, stop conditions, and failback on every exit path.

Order: [repair] → preflight → readiness → traffic before the fault → fault injection → DNS verification
→ secret promotion → producer switch → DLQ drain and redrive; then, whatever happened, failback and the
final consistency check. A critical alarm in the secondary after the fault aborts straight to failback.

One drill per environment and target at a time (a lock the OS drops when the process dies, even on
kill -9). SIGINT and SIGTERM stop the drill and start failback, which further signals do not interrupt:
they are recorded, and the report says which signal stopped what.
"""

from __future__ import annotations

import signal
import threading
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
from .inventory import Inventory, Queue
from .metrics import RtoVerdict, dns_floor, rpo_met, throughput
from .state import DrillLock, DrillState, LockBusy
from .traffic import Polling, Traffic

Observer = Callable[[str, "StepRecord"], None]
PHASES = ("preflight", "readiness", "drill queues", "traffic before fault", "fault injection", "dns verification",
          "secret promotion", "producer switch", "dlq drain and redrive", "failback", "final consistency check",
          "cleanup")
SQS_NAME_LIMIT = 80


def drill_queue_name(live: str, run_id: str) -> str:
    """`<live>-drill-<run>` (FIFO suffix kept last): unique per run, because SQS refuses to recreate a deleted
    queue's name for 60 seconds, and recognisable as the drill's own."""
    base, fifo = (live[:-5], ".fifo") if live.endswith(".fifo") else (live, "")
    tail = f"-drill-{run_id[:8]}"
    return base[:SQS_NAME_LIMIT - len(tail) - len(fifo)] + tail + fifo


def drill_copy(live: Queue, run_id: str) -> Queue:
    """The drill-only twin of a live work queue and of its dead-letter queue."""
    return Queue(name=drill_queue_name(live.name, run_id), region=live.region, fifo=live.fifo,
                 dlq=drill_queue_name(live.dlq, run_id) if live.dlq else None,
                 max_receive_count=live.max_receive_count, visibility_timeout=live.visibility_timeout)


class DrillAbort(RuntimeError):
    """A stop condition fired: fail back now."""


class Interrupted(KeyboardInterrupt):
    """A signal stopped the drill; carries which one, so the report never calls SIGTERM a Ctrl-C."""

    def __init__(self, signal_name: str):
        super().__init__(signal_name)
        self.signal_name = signal_name


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
    expected_account: Optional[str] = None
    """The AWS account the spec deploys to: preflight refuses a caller in any other (None: a stand-in)."""
    target_instance: Optional[str] = None
    """Id of a target that dies with the drill's process (the local stand-in); None for one that persists."""
    readiness_gaps: tuple[str, ...] = ()
    """Failover gaps the spec shows before any call (e.g. a consumed queue with no consumer in the secondary)."""
    coverage: tuple[dict[str, str], ...] = ()
    """Every broker, route and link of the environment: exercised by this drill or not, and why."""


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
    fault: str = "health-check-inversion"
    not_run: list[str] = field(default_factory=list)
    coverage: list[dict[str, str]] = field(default_factory=list)

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
                "fault": self.fault, "not_run": self.not_run, "coverage": self.coverage,
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
        self.outage = False  # the primary region refuses calls (region-outage fault, until failback)
        self.shielded = False  # failing back: signals are recorded, not raised
        self.signals: list[str] = []
        self.lock = DrillLock(state_file.with_suffix(".lock"))
        spec = config.failover
        self.live_queue = config.inventory.traffic_queue()
        self.traffic = Traffic(self.target, drill_copy(self.live_queue, self.run_id), self.run_id,
                               spec.synthetic_messages, spec.poison_messages, config.polling)

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
    def _on_signal(self, signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        self.signals.append(name)
        if not self.shielded:
            raise Interrupted(name)

    def run(self) -> DrillResult:
        started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            self.lock.acquire()
        except LockBusy as busy:
            self.reasons.append(f"not started: {busy}")
            return self.result(started_at)
        handlers = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                handlers[signum] = signal.signal(signum, self._on_signal)
        try:
            return self._run(started_at)
        finally:
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            self.lock.release()

    def _run(self, started_at: str) -> DrillResult:
        interrupted: Optional[Interrupted] = None
        previous = self.state.load()
        try:
            if previous is not None:
                self.step("repair", lambda r: self.repair(previous))
            self.step("preflight", self.preflight)
            self.step("readiness", self.readiness)
            self.step("drill queues", self.create_queues)
            self.step("traffic before fault", self.before_fault)
            self.step("fault injection", self.inject, critical_watch=True)
            self.step("dns verification", self.dns_to_secondary, critical_watch=True)
            self.step("secret promotion", self.promote, critical_watch=True)
            self.step("producer switch", self.switch, critical_watch=True)
            self.step("dlq drain and redrive", self.redrive, critical_watch=True)
        except DrillAbort as abort:
            self.reasons.append(f"aborted: {abort}")
        except KeyboardInterrupt as stop:
            interrupted = stop if isinstance(stop, Interrupted) else Interrupted("SIGINT")
            step = self.steps[-1].name if self.steps else "start"
            how = "Ctrl-C (SIGINT)" if interrupted.signal_name == "SIGINT" else interrupted.signal_name
            self.reasons.append(f"interrupted by {how} during '{step}'")
        except Exception as error:  # noqa: BLE001 - any failure is a drill finding; failback follows
            self.reasons.append(f"step '{self.steps[-1].name if self.steps else '?'}' failed: "
                                f"{self.steps[-1].detail if self.steps else error}")
        finally:
            self.finish()
        result = self.result(started_at)
        if interrupted is not None:
            result.notes["interrupted"] = interrupted.signal_name
        if len(self.signals) > (1 if interrupted is not None else 0):
            result.notes["signals_during_failback"] = ", ".join(self.signals[1 if interrupted is not None else 0:])
        return result

    def finish(self) -> None:
        """Failback and the final check run on every path, shielded from further signals (recorded instead)."""
        self.shielded = True
        try:
            # Also when nothing was acknowledged yet: a send the signal cut short may still have landed.
            if any(self.state.data.get(key) for key in ("fault", "promoted", "drill_queues")) or self.traffic.sent_at:
                self.step("failback", self.failback)
            if any(s.name == "preflight" and s.outcome == "ok" for s in self.steps):
                self.step("final consistency check", self.consistency)
            if self.state.data.get("drill_queues"):
                self.step("cleanup", self.cleanup)
            self.state.clear()
        except Exception:  # noqa: BLE001
            self.reasons.append(f"step '{self.steps[-1].name}' failed: {self.steps[-1].detail}; the drill state "
                                f"is kept at {self.state.path} and the next run repairs it")
        finally:
            self.shielded = False

    # --- steps ------------------------------------------------------------------------------------
    def repair(self, previous: dict[str, Any]) -> str:
        """A previous run did not finish: undo what it recorded (or, for an unreadable record, everything).

        A local stand-in dies with the run that started it, and everything that run changed with it: then
        there is nothing to undo, and its ids must not be looked for on the new stand-in."""
        gone = previous.get("target_instance")
        if gone and gone != self.config.target_instance:
            self.state.clear()
            return (f"previous run {previous.get('run_id', '?')} stopped in phase {previous.get('phase', '?')} on "
                    f"stand-in {gone}, which ended with its process: nothing left to undo")
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
        self.outage = False
        removed = self.remove_queues(previous.get("drill_queues") or [])
        self.state.clear()
        return (f"previous run {previous.get('run_id', '?')} stopped in phase {previous.get('phase', '?')}: fault "
                f"reverted, {len(promoted)} secret(s) rejoined, {removed} drill-only queue(s) and their messages removed")

    def reachable(self) -> tuple[str, ...]:
        """Regions the drill may call now: the primary is out during a region outage."""
        inv = self.config.inventory
        return (inv.secondary_region,) if self.outage else (inv.primary_region, inv.secondary_region)

    def drain_all(self) -> int:
        before = self.traffic.stale
        queue = self.traffic.queue
        for region in self.reachable():
            for name in (queue.name, queue.dlq):
                try:
                    if name:
                        self.traffic.consume(region, name, fail_poison=False)
                except StepFailed:
                    continue  # a missing queue holds nothing to drain; the consistency check reports it
        return self.traffic.stale - before

    def preflight(self, record: StepRecord) -> str:
        account = self.target.caller_account()
        expected = self.config.expected_account
        if expected and account != expected:
            raise StepFailed(f"the caller is in AWS account {account}, but {self.config.env} deploys to {expected}: "
                             "refusing to drill another account")
        caps = self.target.probe()
        emulated = caps.emulated()
        record.emulated = bool(emulated)
        return (f"target {self.config.target}, account {account}; " + ("emulated: " + "; ".join(e.split(':')[0] for e in emulated)
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
        problems += list(self.config.readiness_gaps)
        expected = sorted(a.name for a in inv.alarms if a.region == inv.secondary_region)
        if not expected:
            problems.append(f"the plan declares no alarms in {inv.secondary_region}: nothing would page after failover")
        else:
            present = set(self.target.alarm_names(inv.secondary_region, expected))
            missing = [name for name in expected if name not in present]
            if missing:
                problems.append(f"alarms missing in {inv.secondary_region}: {', '.join(missing)}")
        if not problems and self.target.dns_answer() != inv.primary.values:
            problems.append("DNS does not answer with the primary before the drill")
        record.emulated = not self.target.caps.test_dns_answer
        if problems:
            raise StepFailed("; ".join(problems))
        return (f"{len(inv.secrets)} secret(s) in sync, {len([q for q in inv.drill_queues() if q.region == inv.secondary_region])} secondary queue(s) with DLQs, "
                f"{len(inv.alarms)} alarm(s) quiet, nodes {', '.join(self.config.secondary_nodes)}")

    def create_queues(self, record: StepRecord) -> str:
        """Drill-only twins of the traffic queue and its DLQ in both regions, recorded before each is made."""
        live, drill = self.live_queue, self.traffic.queue
        made = []
        for region in (self.config.inventory.primary_region, self.config.inventory.secondary_region):
            for live_name, name, dlq in ((live.dlq, drill.dlq, None), (live.name, drill.name, drill.dlq)):
                if not (live_name and name):
                    continue
                self.state.save(run_id=self.run_id, env=self.config.env, target_instance=self.config.target_instance,
                                drill_queues=[*self.state.data.get("drill_queues", []), [region, name]])
                self.target.create_drill_queue(region, live_name, name, self.run_id, dlq, live.max_receive_count or 5)
                made.append(name)
        return f"{len(made)} drill-only queue(s) beside {live.name}: {drill.name} and {drill.dlq} in both regions"

    def remove_queues(self, queues: list[list[str]]) -> int:
        removed = 0
        for region, name in queues:
            removed += self.target.delete_queue(region, name)
        return removed

    def cleanup(self, record: StepRecord) -> str:
        queues = self.state.data.get("drill_queues") or []
        removed = self.remove_queues(queues)
        self.state.save(drill_queues=[])
        return f"{removed} drill-only queue(s) removed"

    def before_fault(self, record: StepRecord) -> str:
        self.traffic.before_fault()
        return f"{self.traffic.split()} messages written to {self.traffic.queue.name} in {self.config.inventory.primary_region}"

    def inject(self, record: StepRecord) -> str:
        fault = self.config.failover.fault
        # Recorded before the change: a kill right after it still leaves something to repair.
        self.state.save(run_id=self.run_id, env=self.config.env, phase="injecting", method=fault.method,
                        target_instance=self.config.target_instance)
        undo = faults.inject(self.target, fault, on_undo=self.state.save)
        self.outage = fault.method == "region-outage"
        self.fault_at = time.monotonic()
        self.state.save(phase="failed-over", fault=undo)
        if self.outage:
            return f"{self.config.inventory.primary_region} out: every call to it refused, its health check failing"
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
        if self.outage:
            return (f"{self.config.failover.synthetic_messages - self.traffic.split()} new + "
                    f"{min(3, self.traffic.split())} retried writes to {inv.secondary_region}; consumed {secondary} there; "
                    f"the primary backlog is stranded in {inv.primary_region} until failback")
        primary = self.traffic.consume(inv.primary_region)
        return (f"{self.config.failover.synthetic_messages - self.traffic.split()} new + "
                f"{min(3, self.traffic.split())} retried writes to {inv.secondary_region}; consumed {secondary} there, "
                f"{primary} from the primary backlog")

    def redrive(self, record: StepRecord) -> str:
        moved_total = 0
        for region in self.reachable():
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
        self.outage = False
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
        # From here a first delivery was stranded: it waited in the primary (or in flight) until failback.
        self.traffic.failback_mark = len(self.traffic.deliveries)
        # The producer is back on the primary once a write there is consumed.
        self.traffic.probe(inv.primary_region)
        self.drain_all()  # the stranded backlog and whatever an aborted step left behind, consumed and accounted
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
        for region in (inv.primary_region, inv.secondary_region) if self.state.data.get("drill_queues") else ():
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
        if self.traffic.sent_at and not switched:
            accounting = self.traffic.accounting().as_json()  # what was sent is still accounted for
        if accounting and accounting["not_sent"]:
            self.reasons.append(f"only {accounting['sent']} of {accounting['planned']} messages were sent "
                                f"({accounting['not_sent']} not sent: the run stopped first)")
        ran = {s.name for s in self.steps}
        not_run = [phase for phase in PHASES if phase not in ran]
        window = ((self.traffic.switch_finished or 0) - (self.traffic.switch_started or 0))
        sent_in_switch = spec.synthetic_messages - self.traffic.split() + min(3, self.traffic.split())
        emulated = self.target.caps.emulated()
        return DrillResult(env=self.config.env, target=self.config.target, run_id=self.run_id, started_at=started_at,
                           steps=self.steps, rto=rto, accounting=accounting, rpo_met=met,
                           failback_seconds=self.failback_seconds,
                           failover_throughput=throughput(sent_in_switch, window) if switched else 0.0,
                           emulated=emulated, known_gaps=list(self.config.known_gaps), notes=dict(self.config.notes),
                           seconds=time.monotonic() - self.t0, reasons=list(dict.fromkeys(self.reasons)),
                           fault=spec.fault.method, not_run=not_run, coverage=[dict(c) for c in self.config.coverage])

