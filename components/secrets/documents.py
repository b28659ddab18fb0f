"""Policy documents for secrets and their keys, as pure functions returning JSON strings."""

from __future__ import annotations

import json
import re


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


def eso_read_policy(secret_arns: list[str], key_arns: list[str], replica_regions: tuple[str, ...] = ()) -> str:
    """The External Secrets operator's role on one cluster: read exactly the secrets synced there, in the
    primary region or from their replicas (the same ARN in each replica region), decrypting with their keys."""
    anywhere = set(secret_arns) | {re.sub(r"^(arn:aws[\w-]*:secretsmanager:)[a-z0-9-]+:", rf"\g<1>{region}:", arn)
                                   for arn in secret_arns for region in replica_regions}
    statements: list[dict] = [{"Sid": "ReadSyncedSecrets", "Effect": "Allow",
                               "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                               "Resource": sorted(anywhere)},
                              {"Sid": "DecryptViaSecretsManager", "Effect": "Allow", "Action": "kms:Decrypt",
                               "Resource": sorted(set(key_arns)),
                               "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}}]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
