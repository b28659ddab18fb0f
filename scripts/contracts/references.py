"""References resolve: every ARN or Azure resource id that points into the environment's own account or
subscription names a resource in the document, or a prerequisite the spec declares.

A policy that names a role nothing creates is refused by IAM (KMS, Secrets Manager, SQS and SNS reject a
policy with an invalid principal: "MalformedPolicyDocument" / "Invalid principal"); any other dangling ARN
or id fails the create call or, worse, wires the resource to nothing.
"""

from __future__ import annotations

import re
from typing import Iterator

from .context import Context
from .model import ARN_RE, Document, Finding, State

WILDCARD = re.compile(r"[*?]|\$\{")
BUILT_IN_AZURE = re.compile(r"^/subscriptions/[^/]+(/resourceGroups/[^/]+)?/providers/Microsoft\.Authorization/roleDefinitions/", re.I)
"""Built-in role definitions exist in every subscription."""


def _principal(path: str) -> bool:
    return ".Principal." in f".{path}." or path.endswith(".Principal")


def _below_planned(doc: Document, service: str, value: str) -> bool:
    """A path below a planned resource's ARN: an AppConfig environment's `/configuration/<profile>`, an object
    in a bucket. IAM paths are part of a role's own name, so they never count."""
    if service == "iam":
        return False
    head = value
    while "/" in head:
        head = head.rsplit("/", 1)[0]
        if doc.owners(head):
            return True
    return False


def dangling(doc: Document, context: Context, state: State, path: str, value: str) -> str | None:
    """Why `value` (at `path` of `state`) names nothing, or None when it resolves or is not ours to judge."""
    if WILDCARD.search(value) or value.lower() in context.declared_lower:
        return None
    arn = ARN_RE.match(value)
    if arn:
        account, resource = arn.group(3) or "", arn.group(4)
        if (not context.ours(account) or resource == "root" or doc.owners(value)
                or _below_planned(doc, arn.group(1), value)):
            return None
        what = "principal" if _principal(path) else f"{arn.group(1)} resource"
        return (f"{what} {value} is neither created by this stack nor declared in the spec's prerequisites; "
                "the cloud refuses the call (or wires it to nothing). Refer to the resource the stack creates "
                "(its Output), or declare the external in prerequisites")
    if value.startswith("/subscriptions/"):
        subscription = value.split("/")[2]
        if not context.ours(subscription) or value.count("/") <= 2 or BUILT_IN_AZURE.match(value) or doc.owners(value):
            return None
        return (f"Azure resource {value} is neither created by this stack nor declared in the spec's "
                "prerequisites; ARM answers ResourceNotFound. Use the id Output of the resource the stack creates, "
                "or declare the external in prerequisites")
    return None


def check_references(doc: Document, context: Context) -> Iterator[Finding]:
    for state in doc.custom():
        reported: set[str] = set()
        for path, value in doc.strings(state):
            if value in reported:
                continue
            problem = dangling(doc, context, state, path, value)
            if problem:
                reported.add(value)
                yield Finding(state.urn, "dangling-principal" if _principal(path) else "dangling-reference",
                              f"{path}: {problem}")
