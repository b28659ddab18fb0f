"""Naming helpers shared by components: short region codes and physical names within cloud limits."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIONS = {"central": "c", "north": "n", "south": "s", "east": "e", "west": "w",
               "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def region_code(region: str) -> str:
    """A compact, stable code for a region used in logical names: eu-central-1 -> euc1, westeurope -> westeurope."""
    match = re.fullmatch(r"([a-z]{2})-(?:gov-)?([a-z]+)-(\d)", region)
    if not match:
        return region
    area, direction, number = match.groups()
    return f"{area}{_DIRECTIONS.get(direction, direction[:2])}{number}"


def physical_name(*parts: str, limit: int = 80, suffix: str = "") -> str:
    """Join name parts with dashes, truncated so that name + suffix fits a service's length limit."""
    name = "-".join(p for p in parts if p)
    return name[: limit - len(suffix)].rstrip("-") + suffix


# Physical names other tools derive without building the stack (policy config's ownership map names the roles
# and stores by them), kept here, free of provider SDKs, so the light verbs need none.

def queue_physical_name(environment: str, broker: str, queue: str, fifo: bool, dead_letter: bool = False) -> str:
    """An SQS queue (or its DLQ) of a broker: <env>-<broker>-<queue>[-dlq][.fifo]."""
    return physical_name(environment, broker, queue, "dlq" if dead_letter else "", suffix=".fifo" if fifo else "")


def topic_physical_name(environment: str, broker: str, topic: str, fifo: bool) -> str:
    return physical_name(environment, broker, topic, suffix=".fifo" if fifo else "")


def reference_table_name(environment: str, table: str) -> str:
    """A reference table (DynamoDB global table), the same in every replica region (DynamoDB names: 3-255 of
    letters, digits, '_', '-', '.')."""
    return physical_name(environment, "ref", table, limit=255)


def msk_cluster_name(environment: str, broker: str) -> str:
    """An MSK cluster: its topic ARNs are arn:aws:kafka:<region>:<account>:topic/<name>/<uuid>/<topic>."""
    return physical_name(environment, broker, limit=64)


def node_role_name(environment: str, node: str) -> str:
    """A processing node's workload role (IRSA)."""
    return physical_name(environment, "node", node, limit=64)


def node_scaler_role_name(environment: str, node: str) -> str:
    """The role KEDA's operator assumes to read a node's queue depth."""
    return physical_name(environment, "node", node, "scaler", limit=64)


def saga_role_name(environment: str, saga: str) -> str:
    """The role Step Functions assumes to run a saga."""
    return physical_name(environment, "saga", saga, limit=64)


def cdc_role_name(environment: str, source: str) -> str:
    """The MSK Connect execution role of a CDC source."""
    return physical_name(environment, "cdc", source, limit=64)


def cdc_audit_role_name(environment: str, source: str, entity: str | None = None) -> str:
    """The role a CDC source's audit sinks write with: one per critical entity on MSK Connect (each connector
    runs as its own execution role), one for the Strimzi Connect cluster's pods (entity None)."""
    return physical_name(environment, "cdc", source, *([entity] if entity else []), "audit", limit=64)


@dataclass(frozen=True)
class EstateNames:
    """The estate's affixes, applied to every name a cloud requires to be globally unique.

    Names elsewhere (SQS queues, IAM roles, metric alerts) are unique within an account or resource group
    already and stay unaffixed, so they read the same in every estate."""

    prefix: str = ""
    suffix: str = ""

    def unique(self, *parts: str, limit: int) -> str:
        """prefix-parts-suffix within `limit` characters: the parts are shortened, never the affixes."""
        head = f"{self.prefix}-" if self.prefix else ""
        tail = f"-{self.suffix}" if self.suffix else ""
        body = physical_name(*parts, limit=limit - len(head) - len(tail))
        return re.sub(r"-{2,}", "-", f"{head}{body}{tail}")
