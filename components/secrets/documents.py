"""Policy documents for secrets and their keys, as pure functions returning JSON strings."""

from __future__ import annotations

import json


def secret_policy(readers: list[str]) -> str:
    """Resource policy: only the consuming roles may read; nothing is read without TLS.

    Identity policies in the account can still grant access; the deny makes TLS non-negotiable, and
    `block_public_policy` on the resource refuses any policy that would open the secret wider.
    """
    statements: list[dict] = [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*",
         "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    if readers:
        statements.append({"Sid": "ConsumersRead", "Effect": "Allow", "Principal": {"AWS": sorted(readers)},
                           "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                           "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def secrets_key_policy(account: str, readers: list[str]) -> str:
    """Multi-region key policy: the account administers; consumers may decrypt only via Secrets Manager."""
    statements: list[dict] = [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"}]
    if readers:
        statements.append({"Sid": "ConsumersDecryptViaSecretsManager", "Effect": "Allow",
                           "Principal": {"AWS": sorted(readers)}, "Action": "kms:Decrypt", "Resource": "*",
                           "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
