"""Processing nodes: residency of where they run and read, health probes and limits, disruption budgets,
and least-privilege workload identities (practices 5.6, 6.3, 5.4).

Facts come from the resources themselves (cluster region via policy config clusterRegions, queue and
topic regions from the workload's own configuration) and from policy config (residency zone and the
regions each zone holds), never from the spec.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Mapping, Optional

from .documents import UNSCOPABLE_ACTIONS
from .framework import Resource, json_prop
from .values import maps

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
NODE_COMPONENT = "processing-node"
ZONE_MARKER = "hybrid.integration/residency-zone"
DAEMON_SET = "kubernetes:apps/v1:DaemonSet"
WORKLOADS = frozenset({DEPLOYMENT, STATEFUL_SET, DAEMON_SET})
PROBES = ("livenessProbe", "readinessProbe")
# Every Kubernetes type whose inputs carry a pod spec, and the path to it.
POD_SPEC_PATHS = {
    "kubernetes:core/v1:Pod": ("spec",),
    "kubernetes:core/v1:ReplicationController": ("spec", "template", "spec"),
    "kubernetes:apps/v1:ReplicaSet": ("spec", "template", "spec"),
    DEPLOYMENT: ("spec", "template", "spec"), STATEFUL_SET: ("spec", "template", "spec"),
    DAEMON_SET: ("spec", "template", "spec"),
    "kubernetes:batch/v1:Job": ("spec", "template", "spec"),
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
_SQS_URL = re.compile(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com/")
_ARN_REGION = re.compile(r"^arn:aws[\w-]*:(?:sqs|sns):([a-z0-9-]+):")


def _is_list(value: Any) -> bool:
    # Inside the engine, lists arrive as read-only sequence proxies rather than lists.
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _labels(resource: Resource) -> Mapping[str, Any]:
    return _get(resource.props, "metadata", "labels") or {}


def _containers(resource: Resource) -> list[Mapping[str, Any]]:
    containers = _get(resource.props, "spec", "template", "spec", "containers")
    return [c for c in containers if isinstance(c, Mapping)] if _is_list(containers) else []


def pod_containers(resource: Resource) -> list[tuple[str, Mapping[str, Any]]]:
    """(kind, container) for every container, init container and ephemeral container of the pod spec."""
    spec = _get(resource.props, *POD_SPEC_PATHS.get(resource.type, ("spec", "template", "spec")))
    return [(kind, c) for kind in CONTAINER_LISTS for c in maps(_get(spec, kind))]


def read_regions(resource: Resource) -> set[str]:
    """Regions of the queues and topics the workload is configured to use (its env values)."""
    regions = set()
    for container in _containers(resource):
        for var in container.get("env") or []:
            value = var.get("value") if isinstance(var, Mapping) else None
            if isinstance(value, str):
                match = _SQS_URL.match(value) or _ARN_REGION.match(value)
                if match:
                    regions.add(match.group(1))
    return regions


def _matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    wanted = selector.get("matchLabels") or {}
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items()) and not selector.get("matchExpressions")


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, Mapping) else statements
    return [s for s in statements or [] if isinstance(s, Mapping)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if _is_list(value) else [value]


# Objects whose keys are not known in advance (an audit sink's files) can only be granted under a key prefix:
# `arn:aws:s3:::<bucket>/<prefix>/*`, with a concrete bucket and prefix and no other wildcard, is as narrow as S3
# allows, and is accepted for object writes only.
S3_OBJECT_PREFIX = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]+/[^*?]+/\*$")
S3_OBJECT_WRITES = frozenset({"s3:putobject", "s3:abortmultipartupload"})


def wildcard_problems(document: Any) -> list[str]:
    """Allow statements with wildcard actions or resources (NotAction/NotResource count as wildcards)."""
    problems = []
    for index, statement in enumerate(_statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement or any(isinstance(a, str) and "*" in a for a in _as_list(statement.get("Action"))):
            problems.append(f"statement {index} allows a wildcard action")
        actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
        # `Resource: "*"` is the only way to grant an action with no resource-level permissions (a saga's
        # task-token callbacks, states:SendTask*); any other action on a wildcard is too wide.
        unscopable = bool(actions) and all(a.lower() in UNSCOPABLE_ACTIONS for a in actions)
        resources = [r for r in _as_list(statement.get("Resource")) if isinstance(r, str)]
        objects_only = bool(actions) and all(a.lower() in S3_OBJECT_WRITES for a in actions)
        if "NotResource" in statement or any("*" in r for r in resources
                                             if not (unscopable and r == "*")
                                             and not (objects_only and S3_OBJECT_PREFIX.match(r))):
            problems.append(f"statement {index} allows a wildcard resource")
    return problems


def _service_account_trust(role: Resource) -> Optional[list[str]]:
    """For a role a Kubernetes service account assumes (IRSA), the problems of its trust; None otherwise."""
    for statement in _statements(json_prop(role.props, "assumeRolePolicy")):
        if "sts:AssumeRoleWithWebIdentity" not in _as_list(statement.get("Action")):
            continue
        conditions = statement.get("Condition") or {}
        for operator, tests in conditions.items():
            for key, values in (tests or {}).items():
                if key.endswith(":sub") and any(str(v).startswith("system:serviceaccount:") for v in _as_list(values)):
                    exact = operator == "StringEquals" and not any("*" in str(v) or "?" in str(v) for v in _as_list(values))
                    return [] if exact else ["trust names service accounts by pattern, not one exact subject"]
    return None
