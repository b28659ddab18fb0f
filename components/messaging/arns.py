"""Deterministic ARNs for resources whose names we choose.

Policies and redrive settings are built from these plain strings instead of resource outputs, so they
are known at preview time: the policy pack can judge them before anything exists.
"""

from __future__ import annotations


def sqs_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def sns_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def sqs_url(region: str, account: str, name: str) -> str:
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"
