"""How many waiting messages one replica may own before KEDA adds another (practice 3.6).

A backlog of `target` messages per replica drains, at the replica's sustained throughput, within
`headroom` of the broker's oldest-message-age SLO: scaling starts well before the lag alarm fires.
"""

from __future__ import annotations

import math

DEFAULT_HEADROOM = 0.5


def queue_length_target(messages_per_second: float, max_message_age_seconds: int,
                        headroom: float = DEFAULT_HEADROOM) -> int:
    """KEDA aws-sqs-queue `queueLength`: messages per replica; at least 1."""
    if messages_per_second <= 0 or max_message_age_seconds <= 0 or not 0 < headroom <= 1:
        raise ValueError("throughput and message age must be positive and headroom within (0, 1]")
    return max(1, math.floor(messages_per_second * max_message_age_seconds * headroom))


def drain_seconds(backlog: int, replicas: int, messages_per_second: float) -> float:
    """Seconds `replicas` replicas need to work off `backlog` messages."""
    return backlog / (replicas * messages_per_second)
