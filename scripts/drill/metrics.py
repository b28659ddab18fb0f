"""The drill's arithmetic, pure so it is tested on its own: DNS floor, RTO and RPO verdicts, message accounting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence


def dns_floor(interval_seconds: int, failure_threshold: int, ttl_seconds: int) -> int:
    """The fastest DNS can move callers: Route 53 must see `failure_threshold` failed checks, one per
    `interval_seconds`, before it answers with the secondary, and resolvers may cache the old answer for the TTL."""
    return interval_seconds * failure_threshold + ttl_seconds


@dataclass(frozen=True)
class RtoVerdict:
    measured: float
    floor: int
    target: int

    @property
    def effective(self) -> float:
        # Judged on the larger: locally DNS is emulated, so a fast measured time alone proves nothing.
        return max(self.measured, float(self.floor))

    @property
    def met(self) -> bool:
        return self.effective <= self.target

    def as_json(self) -> dict:
        return {"measured_seconds": round(self.measured, 3), "dns_floor_seconds": self.floor,
                "effective_seconds": round(self.effective, 3), "target_seconds": self.target, "met": self.met}


@dataclass(frozen=True)
class Accounting:
    """Recovery point in messages: what was sent against what consumers saw, duplicates removed by key.

    lost: acknowledged to the producer and never delivered (what the RPO judges); stranded: delivered, but only
    after failback (it sat in the unreachable primary); not_sent: planned but never acknowledged (the run
    stopped first), so neither sent nor lost."""

    sent: int
    received: int  # deliveries, duplicates included
    unique: int
    duplicates: int
    lost: tuple[int, ...]  # sequence numbers never received
    loss_window_seconds: float
    planned: int = 0
    stranded: int = 0

    @property
    def not_sent(self) -> int:
        return max(0, self.planned - self.sent)

    def as_json(self) -> dict:
        return {"planned": self.planned, "sent": self.sent, "not_sent": self.not_sent, "received": self.received,
                "unique": self.unique, "duplicates": self.duplicates, "stranded": self.stranded,
                "lost": len(self.lost), "lost_sequence_numbers": list(self.lost[:50]),
                "loss_window_seconds": round(self.loss_window_seconds, 3)}


def account(sent_at: Mapping[int, float], deliveries: Sequence[int], planned: int = 0,
            failback_mark: Optional[int] = None) -> Accounting:
    """`sent_at`: sequence number -> send time (s); `deliveries`: sequence numbers as consumed, repeats included;
    `failback_mark`: index of the first delivery after failback began."""
    seen: set[int] = set()
    received = duplicates = stranded = 0
    for index, seq in enumerate(deliveries):
        received += 1
        if seq in seen:
            duplicates += 1
        elif failback_mark is not None and index >= failback_mark:
            stranded += 1
        seen.add(seq)
    lost = tuple(sorted(set(sent_at) - seen))
    window = (max(sent_at[s] for s in lost) - min(sent_at[s] for s in lost)) if lost else 0.0
    return Accounting(sent=len(sent_at), received=received, unique=len(seen & set(sent_at)), duplicates=duplicates,
                      lost=lost, loss_window_seconds=window, planned=planned or len(sent_at), stranded=stranded)


def rpo_met(accounting: Accounting, rpo_messages: int, rpo_seconds: int) -> bool:
    """Within the spec's recovery point objective: at most `rpo_messages` lost, sent within a window of at most
    `rpo_seconds`. The objective is the spec's to set (0 and 0, the default, means nothing may be lost);
    stranded messages and duplicates are reported, never counted as lost."""
    return len(accounting.lost) <= rpo_messages and accounting.loss_window_seconds <= rpo_seconds


def throughput(messages: int, seconds: Optional[float]) -> float:
    return messages / seconds if seconds else 0.0
