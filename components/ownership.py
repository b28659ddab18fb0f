"""Data ownership on AWS (practice 4.5): how an identity says which bounded context it acts for, and the
resource-side fence that lets only the owner's identities publish an entity's changes.

Every role a context's workload assumes carries the tag CONTEXT_TAG = its context (the spec's `owner`). An
entity's change topic (data.entities[].change_topic) then denies sns:Publish to any principal whose
`aws:PrincipalTag/bounded-context` is not the owner, whatever its identity policies say; consumers keep
Subscribe. The fence needs no role ARN, so the topic does not wait for the roles (which wait for the topic).
aws:PrincipalTag is a global condition key: for a role session it holds the role's tags (and session tags,
which our IRSA trusts do not admit: no sts:TagSession).
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
"""

from __future__ import annotations

CONTEXT_TAG = "bounded-context"
"""Tag key on a context's roles; its value is the spec's owner string (the same one the `owner` fields carry)."""


def publisher_fence(topic_arn: str, context: str) -> dict:
    """A topic-policy statement: nobody but principals tagged with the owning context may publish."""
    return {"Sid": "OnlyOwnerPublishes", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
            "Resource": topic_arn, "Condition": {"StringNotEquals": {f"aws:PrincipalTag/{CONTEXT_TAG}": context}}}
