"""Ways to make the primary region look failed, each with its exact undo (persisted in the drill state).

Health-check inversion is the default: Route 53 then treats the primary's check as unhealthy and answers
with the secondary, through the same machinery a real outage would trigger. ARC routing controls and FIS
experiments are used when the environment configures them.
"""

from __future__ import annotations

import uuid
from typing import Any

from components.spec.failover import FaultSpec

from .actions import StepFailed, Target


def inject(target: Target, fault: FaultSpec) -> dict[str, Any]:
    """Inject the fault; returns the undo record to persist before anything else happens."""
    if fault.method == "health-check-inversion":
        check_id = target.health_check_id("PRIMARY")
        if not check_id:
            raise StepFailed("the primary failover record has no health check to invert")
        was = target.check_config(check_id)
        undo = {"method": fault.method, "health_check_id": check_id, "was_inverted": bool(was and was.inverted)}
        target.route53.update_health_check(HealthCheckId=check_id, Inverted=not undo["was_inverted"])
        return undo
    if fault.method == "arc-routing-control":
        client = target.clients.at("route53-recovery-cluster", fault.cluster_region or "", fault.cluster_endpoint)
        client.update_routing_control_state(RoutingControlArn=fault.routing_control_arn, RoutingControlState="Off")
        return {"method": fault.method, "routing_control_arn": fault.routing_control_arn,
                "cluster_endpoint": fault.cluster_endpoint, "cluster_region": fault.cluster_region}
    started = target.clients("fis", target.inventory.primary_region).start_experiment(
        experimentTemplateId=fault.experiment_template_id, clientToken=str(uuid.uuid4()))
    return {"method": fault.method, "experiment_id": started["experiment"]["id"]}


def revert(target: Target, undo: dict[str, Any]) -> None:
    """Undo an injected fault; safe to repeat."""
    method = undo.get("method")
    if method == "health-check-inversion":
        target.route53.update_health_check(HealthCheckId=undo["health_check_id"], Inverted=bool(undo["was_inverted"]))
    elif method == "arc-routing-control":
        client = target.clients.at("route53-recovery-cluster", undo["cluster_region"], undo["cluster_endpoint"])
        client.update_routing_control_state(RoutingControlArn=undo["routing_control_arn"], RoutingControlState="On")
    elif method == "fis-experiment":
        fis = target.clients("fis", target.inventory.primary_region)
        state = fis.get_experiment(id=undo["experiment_id"])["experiment"]["state"]["status"]
        if state in ("pending", "initiating", "running"):
            fis.stop_experiment(id=undo["experiment_id"])
