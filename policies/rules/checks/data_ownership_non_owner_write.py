"""Only an entity's owning bounded context may write its stores or publish to its change topic (practice 4.5).

The ownership map comes only from policy config (`ownership`, written by `hybrid plan` from the spec's
data.entities): each entity's owner, consumers, its stores and change topics as ARN patterns, and each context's
IAM roles. Every grant is judged wherever it can be written:

- identity policies: a role's inline policies, role policies, managed policies attached to roles (by
  RolePolicyAttachment, PolicyAttachment or the role's managedPolicyArns), user and group policies (users and
  groups belong to no context, so any write they are granted on an entity is a non-owner's);
- resource policies on the stores themselves: SNS topics and topic policies, SQS queues and queue policies,
  DynamoDB resource policies and MSK cluster policies. A named role, user or federated principal is judged by
  its context; `"*"` (or NotPrincipal) counts as every context unless the statement, or a Deny beside it, pins
  the caller to the owner (aws:PrincipalTag/bounded-context or aws:PrincipalArn). The account root delegates to
  the account's identity policies, which are judged on their own; a service principal acts for the resource its
  aws:SourceArn names and is judged where that resource is granted.

Not applicable, because they cannot grant an AWS identity access to an IAM-addressed store: Service Bus and
Event Hubs (Azure RBAC and SAS rules name Azure principals, which the context map does not carry) and in-cluster
brokers (RabbitMQ users, Strimzi KafkaUser ACLs); the spec refuses non-owner writers there before the stack
builds them (data.entities, processing.nodes[].publishes, data.cdc.sources[].tables[].entity).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any, Iterable, Iterator, Mapping, Optional

from ..documents import allows, patterns_overlap, statements
from ..framework import Resource, Rule, RuleContext, json_prop
from ..nodes import ATTACHMENT, MANAGED_POLICY, ROLE, ROLE_POLICY
from ..resource_policies import RESOURCE_POLICY_INPUTS
from ..values import as_list, is_map, strings

USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
STORE_POLICIES = {t: RESOURCE_POLICY_INPUTS[t] for t in (
    "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy", "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy",
    "aws:dynamodb/resourcePolicy:ResourcePolicy", "aws:msk/clusterPolicy:ClusterPolicy")}
# The input naming the store a resource policy guards (for statements that leave Resource out).
OWN_ARN = {"aws:sns/topicPolicy:TopicPolicy": "arn", "aws:dynamodb/resourcePolicy:ResourcePolicy": "resourceArn",
           "aws:msk/clusterPolicy:ClusterPolicy": "clusterArn"}
CONTEXT_TAG_KEY = "aws:principaltag/bounded-context"
# What writes a store or publishes to it, by the ARN's service (lower case; IAM compares actions so):
# https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
# Receiving, deleting received messages and subscribing are a consumer's read side and stay allowed.
WRITE_ACTIONS: dict[str, tuple[str, ...]] = {
    "sns": ("sns:publish", "sns:deletetopic", "sns:settopicattributes", "sns:addpermission", "sns:removepermission",
            "sns:putdataprotectionpolicy"),
    "sqs": ("sqs:sendmessage", "sqs:purgequeue", "sqs:deletequeue", "sqs:setqueueattributes", "sqs:addpermission",
            "sqs:removepermission", "sqs:startmessagemovetask"),
    "dynamodb": ("dynamodb:putitem", "dynamodb:updateitem", "dynamodb:deleteitem", "dynamodb:batchwriteitem",
                 "dynamodb:partiqlinsert", "dynamodb:partiqlupdate", "dynamodb:partiqldelete", "dynamodb:deletetable",
                 "dynamodb:updatetable", "dynamodb:putresourcepolicy", "dynamodb:deleteresourcepolicy"),
    "kafka": ("kafka-cluster:writedata", "kafka-cluster:deletetopic", "kafka-cluster:altertopic",
              "kafka-cluster:altertopicdynamicconfiguration"),
}
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:(?:iam::\d{12}:role/(?:[^/]+/)*|sts::\d{12}:assumed-role/)([^/]+)")
_ROOT = re.compile(r"^(?:\d{12}|arn:aws[\w-]*:iam::\d{12}:root)$")
_SQS_URL = re.compile(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(\d{12})/(.+)$")
ANY = "*"


class Target:
    """One ARN pattern of an entity's store or change topic, with who owns it."""

    def __init__(self, entity: str, owner: str, consumers: list[str], what: str, arn: str):
        self.entity, self.owner, self.consumers, self.what, self.arn = entity, owner, consumers, what, arn
        service = arn.split(":")[2] if arn.count(":") >= 2 else ""
        self.actions = WRITE_ACTIONS.get(service, ())


def _targets(config: Mapping[str, Any]) -> list[Target]:
    entities = (config.get("ownership") or {}).get("entities") or {}
    out = []
    for name, entry in entities.items():
        owner, consumers = str(entry.get("owner")), list(strings(as_list(entry.get("consumers"))))
        out += [Target(name, owner, consumers, "store", arn) for arn in strings(as_list(entry.get("stores")))]
        out += [Target(name, owner, consumers, "change topic", arn) for arn in strings(as_list(entry.get("topics")))]
    return out


def _role_contexts(config: Mapping[str, Any]) -> dict[str, str]:
    roles = (config.get("ownership") or {}).get("contextRoles") or {}
    return {role: context for context, names in roles.items() for role in strings(as_list(names))}


def _written_actions(statement: Mapping[str, Any], target: Target) -> list[str]:
    if statement.get("NotAction") is not None:
        excluded = [a.lower() for a in strings(as_list(statement.get("NotAction")))]
        return [w for w in target.actions if not any(fnmatchcase(w, e) for e in excluded)]
    granted = [a.lower() for a in strings(as_list(statement.get("Action")))]
    return [w for w in target.actions if any(fnmatchcase(w, g) for g in granted)]


def _covers(statement: Mapping[str, Any], target: Target, own_arn: Optional[str]) -> bool:
    if statement.get("NotResource") is not None:
        return not any(fnmatchcase(target.arn, r) for r in strings(as_list(statement.get("NotResource"))))
    resources = strings(as_list(statement.get("Resource")))
    if not resources and own_arn is not None:
        resources = [own_arn]
    return any(patterns_overlap(target.arn, r) for r in resources)


def _pins_owner(condition: Any, target: Target, owner_roles: set[str], negated: bool) -> bool:
    """A condition that admits only the owner's callers (an Allow's) or refuses everyone else (a Deny's)."""
    if not is_map(condition):
        return False
    for operator, tests in condition.items():
        op = str(operator).lower().removeprefix("forallvalues:").removeprefix("foranyvalue:")
        # An Allow pins with StringEquals/ArnLike...; a Deny fences with StringNotEquals/ArnNotLike... An Allow's
        # ...IfExists admits callers without the key, so it pins nothing.
        if not is_map(tests) or ("not" in op) != negated or (not negated and op.endswith("ifexists")):
            continue
        for key, values in tests.items():
            values = strings(as_list(values))
            key = str(key).lower()
            if key == CONTEXT_TAG_KEY and values and all(v == target.owner for v in values):
                return True
            if key == "aws:principalarn" and values and all(
                    (m := _ROLE_ARN.match(v)) is not None and m.group(1) in owner_roles for v in values):
                return True
    return False


def _fenced(found: list[Mapping[str, Any]], action: str, target: Target, own_arn: Optional[str],
            owner_roles: set[str]) -> bool:
    """A Deny to every principal, for this action on this store, unless the caller is the owner's."""
    for deny in found:
        if allows(deny) or _principals(deny) != [ANY]:
            continue
        if action in _written_actions(deny, target) and _covers(deny, target, own_arn) \
                and _pins_owner(deny.get("Condition"), target, owner_roles, negated=True):
            return True
    return False


def _principals(statement: Mapping[str, Any]) -> list[str]:
    """Who a resource-policy statement names: role names, ANY, or 'other' (users, federated, canonical users);
    the account root and service principals are left out (judged elsewhere, see the module docstring)."""
    if statement.get("NotPrincipal") is not None:
        return [ANY]
    principal = statement.get("Principal")
    if principal is None:
        return []
    if not is_map(principal):
        return [ANY] if ANY in strings(as_list(principal)) else []
    out: list[str] = []
    for value in strings(as_list(principal.get("AWS"))):
        match = _ROLE_ARN.match(value)
        out.append(ANY if value == ANY else match.group(1) if match else "" if _ROOT.match(value) else "other")
    out += ["other" for kind in ("Federated", "CanonicalUser") for _ in strings(as_list(principal.get(kind)))]
    return [p for p in out if p]


def _who(identity: str, contexts: Mapping[str, str], target: Target) -> Optional[str]:
    """How a finding names the identity, or None when it is one of the owner's roles."""
    if identity == ANY:
        return "any principal"
    if identity.startswith("user:"):
        return "an IAM user (users act for no context)"
    if identity.startswith("group:"):
        return "an IAM group (groups act for no context)"
    if identity == "other":
        return "a principal outside the context map"
    context = contexts.get(identity)
    if context == target.owner:
        return None
    if context is None:
        return "a role outside the context map"
    if context in target.consumers:
        return f"a role of consumer context {context!r} (read and subscribe only)"
    return f"a role of context {context!r}"


def _judge(document: Any, identities: list[str], targets: list[Target], contexts: Mapping[str, str],
           own_arn: Optional[str] = None, resource_policy: bool = False, where: str = "") -> Iterator[str]:
    found = statements(document)
    for index, statement in enumerate(found):
        if not allows(statement):
            continue
        names = _principals(statement) if resource_policy else identities
        for target in targets:
            actions = _written_actions(statement, target)
            if not actions or not _covers(statement, target, own_arn):
                continue
            owner_roles = {role for role, context in contexts.items() if context == target.owner}
            if resource_policy and _pins_owner(statement.get("Condition"), target, owner_roles, negated=False):
                continue
            for identity in names:
                who = _who(identity, contexts, target)
                open_actions = [a for a in actions if not (resource_policy and _fenced(found, a, target, own_arn,
                                                                                      owner_roles))]
                if who is not None and open_actions:
                    yield (f"{where}statement {index} lets {who} write the {target.what} of entity {target.entity!r} "
                           f"({', '.join(open_actions)}); only roles of its owner {target.owner!r} may")


def _role_name(value: Any) -> str:
    text = str(value)
    match = _ROLE_ARN.match(text)
    return match.group(1) if match else text


def _own_arn(resource: Resource) -> Optional[str]:
    if resource.type in OWN_ARN:
        value = resource.props.get(OWN_ARN[resource.type])
        return str(value) if isinstance(value, str) else None
    url = resource.props.get("queueUrl")
    match = _SQS_URL.match(url) if isinstance(url, str) else None
    return f"arn:aws:sqs:{match.group(1)}:{match.group(2)}:{match.group(3)}" if match else None


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    targets = _targets(ctx.config)
    if not targets:
        return
    contexts = _role_contexts(ctx.config)
    attached: dict[str, list[str]] = {}  # managed policy ARN -> identities it is attached to
    for r in resources:
        if r.type == ATTACHMENT:
            attached.setdefault(str(r.props.get("policyArn")), []).append(_role_name(r.props.get("role")))
        elif r.type == POLICY_ATTACHMENT:
            attached.setdefault(str(r.props.get("policyArn")), []).extend(
                [_role_name(v) for v in strings(as_list(r.props.get("roles")))]
                + [f"user:{v}" for v in strings(as_list(r.props.get("users")))]
                + [f"group:{v}" for v in strings(as_list(r.props.get("groups")))])
        elif r.type == ROLE:
            for arn in strings(as_list(r.props.get("managedPolicyArns"))):
                attached.setdefault(arn, []).append(str(r.props.get("name") or r.name))
    for r in resources:
        if r.type == ROLE:
            role = str(r.props.get("name") or r.name)
            for i, inline in enumerate(as_list(r.props.get("inlinePolicies"))):
                if is_map(inline):
                    for text in _judge(json_prop(inline, "policy"), [role], targets, contexts, where=f"inline policy {i}: "):
                        yield r.urn, text
        elif r.type == ROLE_POLICY:
            for text in _judge(json_prop(r.props, "policy"), [_role_name(r.props.get("role"))], targets, contexts):
                yield r.urn, text
        elif r.type in (USER_POLICY, GROUP_POLICY):
            who = f"{'user' if r.type == USER_POLICY else 'group'}:{r.props.get('user') or r.props.get('group')}"
            for text in _judge(json_prop(r.props, "policy"), [who], targets, contexts):
                yield r.urn, text
        elif r.type == MANAGED_POLICY:
            name = f"{r.props.get('path') or '/'}{r.props.get('name') or r.name}"
            identities = [i for arn, ids in attached.items() if arn.endswith(f":policy{name}") for i in ids]
            for text in _judge(json_prop(r.props, "policy"), sorted(set(identities)), targets, contexts):
                yield r.urn, text
        elif r.type in STORE_POLICIES:
            for text in _judge(json_prop(r.props, STORE_POLICIES[r.type]), [], targets, contexts, own_arn=_own_arn(r),
                               resource_policy=True):
                yield r.urn, text


RULE = Rule(
    id="data-ownership-non-owner-write", concern="data-ownership",
    description="Only roles of an entity's owning bounded context may write its stores or publish to its change "
                "topic; consumer contexts read and subscribe (identity policies of roles, users and groups, and the "
                "resource policies of SNS topics, SQS queues, DynamoDB tables and MSK clusters).",
    severity="high",
    remediation="Grant the write to a role of the owning context (data.entities[].owner), or move the writer into "
                "it; consumers subscribe a queue to the change topic instead of writing the owner's store.",
    check=check, stack=True,
    types=frozenset({ROLE, ROLE_POLICY, MANAGED_POLICY, ATTACHMENT, POLICY_ATTACHMENT, USER_POLICY, GROUP_POLICY,
                     *STORE_POLICIES}),
    levels={"development": "advisory", "staging": "mandatory", "production": "mandatory"},
    config_properties={"ownership": {"type": "object", "properties": {
        "entities": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["owner"], "properties": {
                "owner": {"type": "string"}, "consumers": {"type": "array", "items": {"type": "string"}},
                "stores": {"type": "array", "items": {"type": "string"}},
                "topics": {"type": "array", "items": {"type": "string"}}}}},
        "contextRoles": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}})
