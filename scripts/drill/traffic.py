"""Synthetic traffic across the failover: sequence-numbered messages, consumed from both regions,
duplicates removed by key (practice 1.6, idempotency), poison messages through the DLQ and back (practice 3.3).

The producer writes the first part to the primary before the fault (the backlog a real outage strands),
retries its last few writes in the secondary after the switch (acks lost in the outage: duplicates on
purpose), then writes the rest to the secondary. Poison messages fail processing until SQS moves them to
the dead-letter queue after maxReceiveCount receives; the DLQ is then redriven and the fixed consumer
processes them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from .actions import StepFailed, Target, wait_for
from .inventory import Queue
from .metrics import Accounting, account

RETRIED_AT_SWITCH = 3


@dataclass(frozen=True)
class Polling:
    """How consumers decide a queue is drained: SQS short polls sample servers, so real queues need
    long polls and several empty answers; a single-node stand-in is exact after one."""

    wait_seconds: int = 2
    empty_polls: int = 3
    timeout_seconds: float = 300.0
    visibility_seconds: int = 30
    """How long a received message stays invisible to other receivers; a message received by a run that was
    then interrupted comes back after this long, so a drain waits it out rather than calling it lost."""


@dataclass
class Traffic:
    target: Target
    queue: Queue
    run_id: str
    count: int
    poison_count: int
    polling: Polling = field(default_factory=Polling)
    sent_at: dict[int, float] = field(default_factory=dict)
    deliveries: list[int] = field(default_factory=list)
    stale: int = 0
    probes: int = 0
    failed_processing: int = 0
    first_secondary_write: Optional[float] = None
    switch_started: Optional[float] = None
    switch_finished: Optional[float] = None
    failback_mark: Optional[int] = None
    """Index into `deliveries` where failback began: first deliveries from there on were stranded."""

    @property
    def poison(self) -> set[int]:
        step = max(1, self.count // (self.poison_count + 1))
        return {step * (i + 1) for i in range(self.poison_count)}

    def split(self) -> int:
        return self.count // 2

    def _message(self, seq: int, attempt: str) -> dict[str, Any]:
        body = json.dumps({"run": self.run_id, "seq": seq, "key": f"{self.run_id}-{seq}", "poison": seq in self.poison})
        entry: dict[str, Any] = {"Id": f"m{seq}", "MessageBody": body}
        if self.queue.fifo:
            entry["MessageGroupId"] = f"drill-poison-{seq}" if seq in self.poison else f"drill-{seq % 8}"
            entry["MessageDeduplicationId"] = f"{self.run_id}-{seq}-{attempt}"
        return entry

    def send(self, region: str, seqs: list[int], attempt: str = "first") -> None:
        sqs = self.target.clients("sqs", region)
        url = self.target.queue_url(region, self.queue.name)
        for start in range(0, len(seqs), 10):
            batch = [self._message(seq, attempt) for seq in seqs[start:start + 10]]
            result = sqs.send_message_batch(QueueUrl=url, Entries=batch)
            if result.get("Failed"):
                raise StepFailed(f"{len(result['Failed'])} writes to {self.queue.name} in {region} failed")
            now = time.monotonic()
            for entry in batch:
                self.sent_at.setdefault(int(entry["Id"][1:]), now)
            if region == self.target.inventory.secondary_region and self.first_secondary_write is None:
                self.first_secondary_write = now

    def before_fault(self) -> None:
        self.send(self.target.inventory.primary_region, list(range(1, self.split() + 1)))

    def switch(self) -> None:
        """The producer moves to the secondary: retried writes first, then the rest of the sequence."""
        secondary = self.target.inventory.secondary_region
        self.switch_started = time.monotonic()
        retried = list(range(max(1, self.split() - RETRIED_AT_SWITCH + 1), self.split() + 1))
        self.send(secondary, retried, attempt="retry")
        self.send(secondary, list(range(self.split() + 1, self.count + 1)))
        self.switch_finished = time.monotonic()

    def consume(self, region: str, name: Optional[str] = None, fail_poison: bool = True) -> int:
        """Drain a queue; returns how many drill messages were processed.

        Drained means empty polls AND nothing in flight: messages another (interrupted) receiver holds come
        back when their visibility timeout ends, and FIFO groups behind them unblock, so those are waited for."""
        sqs = self.target.clients("sqs", region)
        queue = name or self.queue.name
        url = self.target.queue_url(region, queue)
        processed, empties = 0, 0
        deadline = time.monotonic() + self.polling.timeout_seconds
        while True:
            if time.monotonic() > deadline:
                raise StepFailed(f"{queue} in {region} did not drain in {self.polling.timeout_seconds:.0f} s")
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=self.polling.wait_seconds,
                                           VisibilityTimeout=self.polling.visibility_seconds).get("Messages", [])
            empties = 0 if messages else empties + 1
            if empties >= self.polling.empty_polls:
                if not self.depth(region, queue):
                    return processed
                time.sleep(min(1.0, self.polling.visibility_seconds))  # in flight elsewhere: wait for it to return
                empties = 0
                continue
            done = []
            for message in messages:
                body = json.loads(message["Body"])
                if body.get("run") != self.run_id:
                    self.stale += 1  # left by an interrupted run: its accounting died with it
                elif body.get("probe"):
                    self.probes += 1
                elif body.get("poison") and fail_poison:
                    # Processing failed: back to the queue at once, towards maxReceiveCount and the DLQ.
                    self.failed_processing += 1
                    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
                    continue
                else:
                    self.deliveries.append(int(body["seq"]))
                    processed += 1
                done.append({"Id": str(len(done)), "ReceiptHandle": message["ReceiptHandle"]})
            if done:
                sqs.delete_message_batch(QueueUrl=url, Entries=done)

    def redrive(self, region: str) -> tuple[int, bool]:
        """Move the DLQ's messages back to the work queue; returns (moved, done by the client-side extension)."""
        dlq = self.queue.dlq or ""
        sqs = self.target.clients("sqs", region)
        if self.target.caps.message_move_tasks:
            source = self.target.queue_arn(region, dlq)
            visible = int(sqs.get_queue_attributes(QueueUrl=self.target.queue_url(region, dlq),
                                                   AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])
            if visible:
                sqs.start_message_move_task(SourceArn=source, DestinationArn=self.target.queue_arn(region, self.queue.name))
                finished = wait_for(lambda: all(t["Status"] != "RUNNING" for t in sqs.list_message_move_tasks(
                    SourceArn=source, MaxResults=1)["Results"]), self.polling.timeout_seconds, interval=2.0)
                if not finished:
                    raise StepFailed(f"the redrive of {dlq} in {region} did not finish")
            return visible, False
        moved = 0
        dlq_url, url = self.target.queue_url(region, dlq), self.target.queue_url(region, self.queue.name)
        empties = 0
        while empties < self.polling.empty_polls:
            # The drill's own visibility timeout, as for every receive: a message an interrupt leaves received and
            # not deleted comes back after it (not after the queue's default), and the drain waits that long.
            messages = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=self.polling.wait_seconds,
                                           VisibilityTimeout=self.polling.visibility_seconds,
                                           AttributeNames=["MessageGroupId"]).get("Messages", [])
            empties = 0 if messages else empties + 1
            for message in messages:
                entry: dict[str, Any] = {"QueueUrl": url, "MessageBody": message["Body"]}
                if self.queue.fifo:
                    # A new deduplication id: within five minutes the original one would be silently dropped.
                    entry["MessageGroupId"] = message.get("Attributes", {}).get("MessageGroupId", "drill-redrive")
                    entry["MessageDeduplicationId"] = f"{message['MessageId']}-redrive"
                sqs.send_message(**entry)
                sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
                moved += 1
        return moved, True

    def probe(self, region: str) -> None:
        """One write and its consumption in `region`: proof the producer and consumers work there."""
        entry: dict[str, Any] = {"QueueUrl": self.target.queue_url(region, self.queue.name),
                                 "MessageBody": json.dumps({"run": self.run_id, "probe": region})}
        if self.queue.fifo:
            entry.update(MessageGroupId="drill-probe", MessageDeduplicationId=f"{self.run_id}-probe-{region}-{self.probes}")
        self.target.clients("sqs", region).send_message(**entry)
        before = self.probes
        self.consume(region)
        if self.probes == before:
            raise StepFailed(f"the probe message written to {self.queue.name} in {region} was not consumed")

    def accounting(self) -> Accounting:
        return account(self.sent_at, self.deliveries, planned=self.count, failback_mark=self.failback_mark)

    def depth(self, region: str, name: str) -> int:
        attributes = self.target.clients("sqs", region).get_queue_attributes(
            QueueUrl=self.target.queue_url(region, name),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])
