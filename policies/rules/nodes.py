"""Processing nodes: residency of where they run and read, health probes and limits, disruption budgets,
and least-privilege workload identities (practices 5.6, 6.3, 5.4).

Facts come from the resources themselves (cluster region via policy config clusterRegions, queue and
topic regions from the workload's own configuration) and from policy config (residency zone and the
regions each zone holds), never from the spec.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Iterable, Mapping, Optional

from .framework import NotApplicable, Resource, Rule, RuleContext, json_prop
from .placement import region_of

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
NODE_COMPONENT = "processing-node"
ZONE_MARKER = "hybrid.integration/residency-zone"
PROBES = ("startupProbe", "livenessProbe", "readinessProbe")
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


def check_residency(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    labels = _labels(resource)
    if labels.get("app.kubernetes.io/component") != NODE_COMPONENT:
        raise NotApplicable("not a processing node")
    zone = labels.get(ZONE_MARKER) or ctx.config.get("residencyZone")
    zones: Mapping[str, list[str]] = ctx.config.get("zoneRegions") or {}
    if not zone or zone not in zones:
        yield "residency zone unknown: mark the node with a residency zone or set residencyZone/zoneRegions in policy config"
        return
    allowed = set(zones[zone])
    runs = region_of(resource, ctx.config)
    if runs is None:
        yield "cluster region unknown: add the cluster's provider to clusterRegions in policy config"
    elif runs not in allowed:
        yield f"node runs outside its residency zone {zone}"
    outside = sorted(r for r in read_regions(resource) if r not in allowed)
    if outside:
        yield f"node reads {len(outside)} broker region(s) outside its residency zone {zone}"


def check_probes_and_limits(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    containers = _containers(resource)
    if not containers:
        raise NotApplicable("no container spec in the inputs")
    for container in containers:
        label = str(container.get("name") or "container")
        missing = [p for p in PROBES if not isinstance(container.get(p), Mapping)]
        if missing:
            yield f"container {label} lacks {', '.join(missing)}"
        resources = container.get("resources") if isinstance(container.get("resources"), Mapping) else {}
        for kind in ("requests", "limits"):
            for quantity in ("cpu", "memory"):
                if not _get(resources, kind, quantity):
                    yield f"container {label} has no {quantity} {kind[:-1]}"


def _matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    wanted = selector.get("matchLabels") or {}
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items()) and not selector.get("matchExpressions")


def check_disruption_budgets(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    budgets = [(r.provider_name, _get(r.props, "metadata", "namespace"), _get(r.props, "spec", "selector") or {})
               for r in resources if r.type == PDB]
    for r in resources:
        if r.type not in (DEPLOYMENT, STATEFUL_SET):
            continue
        namespace = _get(r.props, "metadata", "namespace")
        pod_labels = _get(r.props, "spec", "template", "metadata", "labels") or {}
        if not any(p == r.provider_name and ns == namespace and _matches(sel, pod_labels) for p, ns, sel in budgets):
            yield r.urn, "workload has no PodDisruptionBudget selecting its pods in its namespace and cluster"


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, Mapping) else statements
    return [s for s in statements or [] if isinstance(s, Mapping)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if _is_list(value) else [value]


def wildcard_problems(document: Any) -> list[str]:
    """Allow statements with wildcard actions or resources (NotAction/NotResource count as wildcards)."""
    problems = []
    for index, statement in enumerate(_statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement or any(isinstance(a, str) and "*" in a for a in _as_list(statement.get("Action"))):
            problems.append(f"statement {index} allows a wildcard action")
        if "NotResource" in statement or any(isinstance(r, str) and "*" in r for r in _as_list(statement.get("Resource"))):
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


def check_workload_identities(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    roles = {}
    for r in resources:
        if r.type == ROLE:
            trust = _service_account_trust(r)
            if trust is not None:
                roles[str(r.props.get("name") or r.name)] = r
                for problem in trust:
                    yield r.urn, problem
                for i, inline in enumerate(r.props.get("inlinePolicies") or []):
                    for problem in wildcard_problems(json_prop(inline, "policy") if isinstance(inline, Mapping) else None):
                        yield r.urn, f"inline policy {i}: {problem}"
    attached = {str(r.props.get("policyArn")) for r in resources if r.type == ATTACHMENT and str(r.props.get("role")) in roles}
    for r in resources:
        if r.type == ROLE_POLICY and str(r.props.get("role")) in roles:
            for problem in wildcard_problems(json_prop(r.props, "policy")):
                yield r.urn, problem
        elif r.type == MANAGED_POLICY:
            name = f"{r.props.get('path') or '/'}{r.props.get('name') or r.name}"
            if any(arn.endswith(f":policy{name}") for arn in attached):
                for problem in wildcard_problems(json_prop(r.props, "policy")):
                    yield r.urn, problem


RULES = [
    Rule(id="node-residency-zone",
         description="A processing node runs in, and reads queues and topics from, regions of its residency zone only.",
         severity="critical",
         remediation="Place the node on a cluster in its zone and consume the broker copy in its own region (or a "
                     "broker whose region is in the zone); see docs/processing-nodes.md.",
         check=check_residency, types=frozenset({DEPLOYMENT}),
         levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"},
         config_properties={"residencyZone": {"type": "string"},
                            "zoneRegions": {"type": "object", "additionalProperties": {
                                "type": "array", "items": {"type": "string"}}},
                            "clusterRegions": {"type": "object", "additionalProperties": {"type": "string"}}}),
    Rule(id="workload-probes-and-limits",
         description="Every container of a workload has startup, liveness and readiness probes and cpu/memory "
                     "requests and limits.",
         severity="high",
         remediation="Set probes and resources in the node's spec (processing.nodes[].probes / resources); the "
                     "ProcessingNode component renders all three probes and both requests and limits.",
         check=check_probes_and_limits, types=frozenset({DEPLOYMENT, STATEFUL_SET})),
    Rule(id="workload-disruption-budget",
         description="Every Deployment and StatefulSet has a PodDisruptionBudget selecting its pods, so node drains "
                     "and cluster upgrades never take all replicas at once.",
         severity="medium",
         remediation="Create a PodDisruptionBudget in the workload's namespace whose matchLabels select its pod "
                     "template labels (ProcessingNode does this).",
         check=check_disruption_budgets, stack=True, types=frozenset({DEPLOYMENT, STATEFUL_SET, PDB})),
    Rule(id="workload-identity-least-privilege",
         description="Roles assumed by Kubernetes service accounts (IRSA) trust one exact subject and grant no "
                     "wildcard actions or resources, in inline, role and attached managed policies.",
         severity="critical",
         remediation="Name each action and each queue/topic/key ARN explicitly (the ProcessingNode derives them from "
                     "the spec) and trust the exact system:serviceaccount:<namespace>:<name> with StringEquals.",
         check=check_workload_identities, stack=True, types=frozenset({ROLE, ROLE_POLICY, MANAGED_POLICY, ATTACHMENT}),
         levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"}),
]
