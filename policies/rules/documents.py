"""Reading AWS policy documents (IAM identity policies and resource policies) in every form AWS accepts.

A document may arrive as a JSON string or an object; `Statement` as a list or one object; `Action`,
`Resource` and `Principal` values as a string or a list; `NotAction` / `NotResource` / `NotPrincipal`
invert them. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .values import as_list, document, is_map, maps, strings

# Actions that support no resource-level permissions, so `Resource: "*"` is the only way to grant them.
# https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
UNSCOPABLE_ACTIONS = frozenset({
    "cloudwatch:putmetricdata", "cloudwatch:getmetricdata", "cloudwatch:listmetrics",
    "xray:puttracesegments", "xray:puttelemetryrecords", "xray:getsamplingrules", "xray:getsamplingtargets",
    "sts:getcalleridentity", "kms:listaliases", "kms:listkeys", "ec2:describeinstances",
    "ec2:describenetworkinterfaces", "ec2:createnetworkinterface", "ec2:deletenetworkinterface",
    "ec2:describesubnets", "ec2:describevpcs", "ec2:describesecuritygroups", "logs:describeloggroups",
    "sqs:listqueues", "sns:listtopics", "secretsmanager:listsecrets", "secretsmanager:getrandompassword",
    "s3:listallmybuckets",
    # Step Functions' vended log delivery (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html)
    # and the callback pattern's answers, which take no resource ARN (Service Authorization Reference, states).
    "logs:createlogdelivery", "logs:getlogdelivery", "logs:updatelogdelivery", "logs:deletelogdelivery",
    "logs:listlogdeliveries", "logs:putresourcepolicy", "logs:describeresourcepolicies",
    "states:sendtasksuccess", "states:sendtaskfailure", "states:sendtaskheartbeat",
})


def statements(value: Any) -> list[Mapping[str, Any]]:
    """The statements of a document written as a string or an object, one statement or many."""
    doc = document(value)
    if not is_map(doc):
        return []
    return maps(doc.get("Statement"))


def allows(statement: Mapping[str, Any]) -> bool:
    return str(statement.get("Effect") or "Allow").lower() == "allow"


def _wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")


def wildcard_problems(value: Any) -> list[str]:
    """Allow statements that grant every action of a service, every action but some, or every resource."""
    problems = []
    for index, statement in enumerate(statements(value)):
        if not allows(statement):
            continue
        actions = strings(as_list(statement.get("Action")))
        if statement.get("NotAction") is not None or any(_wildcard_action(a) for a in actions):
            problems.append(f"statement {index} allows a wildcard action")
        resources = strings(as_list(statement.get("Resource")))
        unscopable = bool(actions) and all(a.lower() in UNSCOPABLE_ACTIONS for a in actions)
        if statement.get("NotResource") is not None or ("*" in resources and not unscopable):
            problems.append(f"statement {index} allows a wildcard resource")
    return problems


def _public(principal: Any) -> bool:
    """"*", or an AWS principal with a wildcard in it (arn:aws:iam::*:role/x matches every account)."""
    if principal is None:
        return False
    if not is_map(principal):
        return any("*" in p for p in strings(as_list(principal)))
    return any("*" in p for kind in ("AWS", "CanonicalUser", "Federated") for p in strings(as_list(principal.get(kind))))


# Condition keys that name who or where a caller is; a condition on anything else (aws:SecureTransport,
# a date) leaves the statement open to every account.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
_CALLER_KEYS = ("sourceip", "vpcsourceip", "sourcevpc", "sourcevpce", "principalorgid", "principalorgpaths",
                "principalaccount", "principalarn", "sourceaccount", "sourcearn", "sourceorgid", "sourceorgpaths",
                "calleraccount", "principalservicename", "userid", "username")


def restricts_caller(condition: Any) -> bool:
    """True when a Condition block tests who or where the caller is (account, organisation, network, ARN)."""
    if not is_map(condition):
        return False
    for tests in condition.values():
        if is_map(tests) and any(str(key).lower().split(":")[-1] in _CALLER_KEYS for key in tests):
            return True
    return False


def _actions(statement: Mapping[str, Any]) -> set[str]:
    return {a.lower() for a in strings(as_list(statement.get("Action")))}


def _fenced(allow: Mapping[str, Any], all_statements: list[Mapping[str, Any]]) -> bool:
    """A public Allow that a public Deny with a caller condition covers (API Gateway's IP allow-list pattern)."""
    wanted = _actions(allow)
    for deny in all_statements:
        if allows(deny) or not _public(deny.get("Principal")) or not restricts_caller(deny.get("Condition")):
            continue
        if "*" in _actions(deny) or (wanted and wanted <= _actions(deny)):
            return True
    return False


def public_principal_problems(value: Any) -> list[str]:
    """Allow statements any principal can use: `Principal: "*"` (or AWS "*") or NotPrincipal, unless a condition
    on the caller (or a Deny with one) fences them."""
    problems = []
    found = statements(value)
    for index, statement in enumerate(found):
        if not allows(statement) or restricts_caller(statement.get("Condition")):
            continue
        if _public(statement.get("Principal")) and not _fenced(statement, found):
            problems.append(f"statement {index} allows any principal (\"*\") without a condition on the caller")
        elif statement.get("NotPrincipal") is not None:
            problems.append(f"statement {index} allows every principal but those in NotPrincipal, "
                            "without a condition on the caller")
    return problems


_ACCOUNT_ARN = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def principal_accounts(principal: Any) -> set[str]:
    """The AWS accounts an Allow statement's AWS principals name (a bare id or an IAM/STS ARN); service and
    federated principals name none."""
    if principal is None or not is_map(principal):
        return set()
    accounts = set()
    for value in strings(as_list(principal.get("AWS"))):
        match = _ACCOUNT_ARN.match(value)
        if match:
            accounts.add(match.group(1))
        elif _ACCOUNT_ID.match(value):
            accounts.add(value)
    return accounts


def foreign_principal_problems(value: Any, accounts: set[str]) -> list[str]:
    """Allow statements that grant an account outside `accounts` (the environment's own)."""
    problems = []
    for index, statement in enumerate(statements(value)):
        if not allows(statement):
            continue
        foreign = sorted(principal_accounts(statement.get("Principal")) - accounts)
        if foreign:
            problems.append(f"statement {index} grants {len(foreign)} account(s) outside the environment's own")
    return problems


def patterns_overlap(first: str, second: str) -> bool:
    """Whether two IAM wildcard patterns (`*` any run, `?` one character) can match one same string: a grant's
    `Resource` pattern against a store's ARN pattern (both may hold wildcards)."""
    seen: dict[tuple[int, int], bool] = {}

    def meet(i: int, j: int) -> bool:
        if (i, j) in seen:
            return seen[(i, j)]
        if i == len(first) and j == len(second):
            result = True
        elif i < len(first) and first[i] == "*":
            result = meet(i + 1, j) or (j < len(second) and meet(i, j + 1))
        elif j < len(second) and second[j] == "*":
            result = meet(i, j + 1) or (i < len(first) and meet(i + 1, j))
        elif i == len(first) or j == len(second):
            result = False
        else:
            result = (first[i] == second[j] or "?" in (first[i], second[j])) and meet(i + 1, j + 1)
        seen[(i, j)] = result
        return result

    return meet(0, 0)
