"""Small spec fixtures for integration designs: a shipped environment's data with one flow changed or added."""

from __future__ import annotations

import copy
from typing import Any, Callable, Optional

from components.spec import SpecError, parse_environment

from .conftest import ROOT, load_spec_data

SLOS = {"availability": {"target_percent": 99.9, "severity": "critical"}}


def integration(name: str, producer: str, consumer: str, pattern: str, **fields: Any) -> dict[str, Any]:
    """An integration entry with the fields every integration needs (owner: the consumer, unless given)."""
    return {"name": name, "owner": fields.pop("owner", consumer), "producer": producer, "consumer": consumer,
            "pattern": pattern, "region": fields.pop("region", "eu-central-1"), "slos": fields.pop("slos", SLOS),
            **fields}


def api_named(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in data["gateways"]["apis"] if a["name"] == name)


def backend(data: dict[str, Any], api: str, version: str) -> dict[str, Any]:
    return next(v for v in api_named(data, api)["versions"] if v["version"] == version)["backend"]


def spec_data(env: str, change: Optional[Callable[[dict[str, Any]], None]] = None) -> dict[str, Any]:
    data = copy.deepcopy(load_spec_data(env))
    if change:
        change(data)
    return data


def build(env: str, change: Optional[Callable[[dict[str, Any]], None]] = None):
    """The validated spec (schema files checked against the project), or the SpecError raised."""
    return parse_environment(spec_data(env, change), f"environments/{env}.yaml", root=ROOT)


def problems(env: str, change: Callable[[dict[str, Any]], None]) -> dict[str, str]:
    """Field path -> message of every spec error the change causes (empty when it validates)."""
    try:
        build(env, change)
    except SpecError as error:
        return {issue.path: issue.message for issue in error.issues}
    return {}


def sync_chain(data: dict[str, Any], orders: float = 99.95, inventory: float = 99.9,
               orders_p99: float = 150, inventory_p99: float = 120, **fields: Any) -> None:
    """dev with a synchronous chain: manufacturing-it calls partner-orders v2, whose backend calls inventory v1
    (declared as its own integration, since it crosses from order-management into supply-chain)."""
    api_named(data, "partner-orders")["slo"] = {"availability_percent": orders, "latency_p99_ms": orders_p99}
    api_named(data, "inventory")["slo"] = {"availability_percent": inventory, "latency_p99_ms": inventory_p99}
    backend(data, "partner-orders", "v2")["calls"] = [{"api": "inventory", "version": "v1"}]
    data["observability"]["integrations"] += [
        integration("plant-orders", "order-management", "manufacturing-it", "sync",
                    api={"api": "partner-orders", "version": "v2"}, **fields),
        integration("stock-lookup", "supply-chain", "order-management", "sync", api={"api": "inventory", "version": "v1"},
                    requires={"availability_percent": 99.0})]
