"""Ways to make the primary region look failed, each with its exact undo (persisted in the drill state).

- `health-check-inversion` (the gentle fault, and the default): Route 53 treats the primary's check as
  unhealthy and answers with the secondary, through the same machinery a real outage would trigger. The
  primary stays reachable, so the drill still drains its backlog during the failover.
- `region-outage`: the region is lost, not just its health check. The health check is inverted as above
  (so DNS fails over) and every call to the primary region is refused for the duration: on a local
  stand-in by the stand-in itself, on AWS by an inline deny policy on the drill's own principal with the
  condition `aws:RequestedRegion` (FIS API-fault actions cover only EC2, so they cannot do this). Messages
  written to the primary before the fault are then stranded there until failback.
- `arc-routing-control` and `fis-experiment` when the environment configures them.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from components.spec.failover import FaultSpec

from .actions import StepFailed, Target, wait_for
from .clients import denied

OUTAGE_POLICY = "hybrid-drill-region-outage"
# IAM, STS and Route 53 are global and stay up when one region fails; the drill needs them to fail back.
_KEEP = ["iam:*", "sts:*", "route53:*"]


def outage_policy(region: str) -> str:
    """Deny everything regional in `region` to the principal it is attached to.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion"""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DrillRegionOutage", "Effect": "Deny", "NotAction": _KEEP, "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": region}}}]}, sort_keys=True)


def _principal(target: Target) -> tuple[str, str]:
    """('role' | 'user', name) of the caller: a deny attached there binds only the drill's own calls."""
    arn = target.clients("sts", target.inventory.secondary_region).get_caller_identity()["Arn"]
    kind, _, rest = arn.split(":", 5)[5].partition("/")
    if kind == "assumed-role":
        return "role", rest.split("/")[0]
    if kind in ("user", "role"):
        return kind, rest.rsplit("/", 1)[-1]
    raise StepFailed(f"cannot attach the region-outage deny to {arn}; expected an IAM role or user")


def _primary_refuses(target: Target) -> bool:
    try:
        target.clients("sqs", target.inventory.primary_region).list_queues(MaxResults=1)
    except Exception as error:  # noqa: BLE001 - only a refusal counts
        return denied(error)
    return False


def _invert(target: Target) -> dict[str, Any]:
    check_id = target.health_check_id("PRIMARY")
    if not check_id:
        raise StepFailed("the primary failover record has no health check to invert")
    was = target.check_config(check_id)
    undo = {"health_check_id": check_id, "was_inverted": bool(was and was.inverted)}
    target.route53.update_health_check(HealthCheckId=check_id, Inverted=not undo["was_inverted"])
    return undo


def inject(target: Target, fault: FaultSpec, on_undo: Any = None) -> dict[str, Any]:
    """Inject the fault; returns the undo record. `on_undo` (the drill state's save) is called with each
    part of the undo as soon as it exists, so a kill between two changes still leaves both to repair."""
    save = on_undo or (lambda **_: None)
    if fault.method == "health-check-inversion":
        undo = {"method": fault.method, **_invert(target)}
        save(fault=undo)
        return undo
    if fault.method == "region-outage":
        region = target.inventory.primary_region
        undo = {"method": fault.method, "region": region, **_invert(target)}
        save(fault=undo)
        stand_in = target.clients.stand_in
        if stand_in is not None:
            undo["via"] = "stand-in"
            save(fault=undo)
            stand_in.take_out([region])
        else:
            kind, name = _principal(target)
            undo.update(via="iam", principal_kind=kind, principal=name)
            save(fault=undo)
            iam = target.clients("iam", "global")
            put = iam.put_role_policy if kind == "role" else iam.put_user_policy
            put(**{"RoleName" if kind == "role" else "UserName": name}, PolicyName=OUTAGE_POLICY,
                PolicyDocument=outage_policy(region))
            # IAM is eventually consistent: the outage starts when the primary refuses the drill's calls.
            if not wait_for(lambda: _primary_refuses(target), 120, 2.0):
                raise StepFailed(f"the deny on {kind} {name} did not take {region} out within 120 s")
        return undo
    if fault.method == "arc-routing-control":
        client = target.clients.at("route53-recovery-cluster", fault.cluster_region or "", fault.cluster_endpoint)
        client.update_routing_control_state(RoutingControlArn=fault.routing_control_arn, RoutingControlState="Off")
        undo = {"method": fault.method, "routing_control_arn": fault.routing_control_arn,
                "cluster_endpoint": fault.cluster_endpoint, "cluster_region": fault.cluster_region}
        save(fault=undo)
        return undo
    started = target.clients("fis", target.inventory.primary_region).start_experiment(
        experimentTemplateId=fault.experiment_template_id, clientToken=str(uuid.uuid4()))
    undo = {"method": fault.method, "experiment_id": started["experiment"]["id"]}
    save(fault=undo)
    return undo


def revert(target: Target, undo: dict[str, Any]) -> None:
    """Undo an injected fault; safe to repeat, and to run on a partial undo record."""
    method = undo.get("method")
    if method == "region-outage":
        if undo.get("via") == "stand-in" and target.clients.stand_in is not None:
            target.clients.stand_in.restore([undo["region"]])
        elif undo.get("via") == "iam":
            iam = target.clients("iam", "global")
            kind, name = undo["principal_kind"], undo["principal"]
            try:
                (iam.delete_role_policy if kind == "role" else iam.delete_user_policy)(
                    **{"RoleName" if kind == "role" else "UserName": name}, PolicyName=OUTAGE_POLICY)
            except Exception as error:  # noqa: BLE001 - already gone is reverted
                if "NoSuchEntity" not in str(error):
                    raise
            if not wait_for(lambda: not _primary_refuses(target), 120, 2.0):
                raise StepFailed(f"{undo['region']} still refuses the drill 120 s after the deny was removed")
    if method in ("health-check-inversion", "region-outage") and undo.get("health_check_id"):
        target.route53.update_health_check(HealthCheckId=undo["health_check_id"], Inverted=bool(undo["was_inverted"]))
    elif method == "arc-routing-control":
        client = target.clients.at("route53-recovery-cluster", undo["cluster_region"], undo["cluster_endpoint"])
        client.update_routing_control_state(RoutingControlArn=undo["routing_control_arn"], RoutingControlState="On")
    elif method == "fis-experiment":
        fis = target.clients("fis", target.inventory.primary_region)
        state = fis.get_experiment(id=undo["experiment_id"])["experiment"]["state"]["status"]
        if state in ("pending", "initiating", "running"):
            fis.stop_experiment(id=undo["experiment_id"])
