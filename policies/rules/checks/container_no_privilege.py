"""No privileged containers and no privilege escalation, in every container of every pod-carrying type (practice 5.4).

Kubernetes allows privilege escalation when `allowPrivilegeEscalation` is unset, so unset is judged as true.
https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
"""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..nodes import POD_SPEC_PATHS, pod_containers
from ..values import flag, get


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    containers = pod_containers(resource)
    if not containers:
        raise NotApplicable("no container spec in the inputs")
    for kind, container in containers:
        label = f"{kind[:-1]} {container.get('name') or '?'}"
        privileged = flag(get(container, "securityContext", "privileged"), False)
        if privileged:
            yield f"{label} runs privileged: set securityContext.privileged to false"
        if privileged or flag(get(container, "securityContext", "allowPrivilegeEscalation"), True):
            yield f"{label} may escalate privileges: set securityContext.allowPrivilegeEscalation to false"


RULE = Rule(
    id="container-no-privilege", concern="container-privilege",
    description="No container (init, regular or ephemeral) runs privileged or may escalate privileges.",
    severity="high",
    remediation="Set securityContext.privileged false and allowPrivilegeEscalation false on every container "
                "(the ProcessingNode component does).",
    check=check, types=frozenset(POD_SPEC_PATHS))
