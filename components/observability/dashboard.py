"""One CloudWatch dashboard per environment: each integration's golden signals (practice 6.5)."""

from __future__ import annotations

import json

from ..spec.observability import Integration
from .alarms import NAMESPACE


def dashboard_body(environment: str, integrations: list[tuple[Integration, str | None]]) -> str:
    """`integrations` pairs each integration with its backlog queue's physical name (or None)."""
    """Rows of four widgets per integration: traffic, errors, p99 latency, backlog age (saturation)."""
    widgets = []
    for row, (integration, backlog_queue) in enumerate(integrations):
        dims = ["Environment", environment, "Integration", integration.name]
        region = integration.region
        signals = [
            ("traffic", [[NAMESPACE, "Requests", *dims, {"stat": "Sum"}]]),
            ("errors", [[NAMESPACE, "Errors", *dims, {"stat": "Sum"}]]),
            ("latency p99 (ms)", [[NAMESPACE, "Latency", *dims, {"stat": "p99"}]]),
        ]
        if backlog_queue is not None:
            signals.append(("backlog age (s)", [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName",
                                                 backlog_queue, {"stat": "Maximum"}]]))
        for col, (title, metrics) in enumerate(signals):
            widgets.append({"type": "metric", "x": col * 6, "y": row * 6, "width": 6, "height": 6,
                            "properties": {"title": f"{integration.name}: {title}", "region": region,
                                           "metrics": metrics, "period": 60, "view": "timeSeries"}})
    return json.dumps({"widgets": widgets}, sort_keys=True)
