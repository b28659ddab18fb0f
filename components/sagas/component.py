"""One saga as an AWS Step Functions Standard state machine (practice 4.1), with its role, key and logs.

Standard, not Express: a saga waits on services for minutes to days and must run each step exactly once per
attempt, with a year of execution history; Express workflows last five minutes and are at-least-once.
Logs go at ERROR level without execution data (step inputs carry business data; practice 5.2); X-Ray traces
every execution (practice 6.2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pulumi
from pulumi_aws import iam, kms, sfn

from ..naming import physical_name, saga_role_name
from ..ownership import CONTEXT_TAG
from ..observability.log_group import protected_log_group
from ..spec.observability import DEFAULT_MASKED_IDENTIFIERS
from ..spec.sagas import SagaSpec
from . import documents
from .definition import definition


@dataclass(frozen=True)
class StepQueue:
    """A step queue in the saga's region, as outputs of the broker's queue and key."""

    url: pulumi.Input[str]
    arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class SagaArgs:
    spec: SagaSpec
    """The saga's spec entry."""
    environment: str
    """Environment name, the prefix of every physical name."""
    aws_account: str
    """Account the state machine runs in (its ARN, trust and key policy conditions name it)."""
    queues: Mapping[tuple[str, str], StepQueue]
    """(broker, queue) -> the queue the saga sends that step's messages to."""
    callback_roles: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Processing node -> the name of its IAM role: the nodes that answer the saga's task tokens."""
    protect: bool = False
    """Protect the state machine and its key from deletion: true in production."""
    key_deletion_days: int = 30
    """KMS deletion window of the saga's key."""
    log_retention_days: int = 90
    """Retention of the execution log group (the environment's log policy)."""
    masked_identifiers: Sequence[str] = DEFAULT_MASKED_IDENTIFIERS
    """Data identifiers masked in the execution log group (practice 5.2)."""


class Saga(pulumi.ComponentResource):
    state_machine_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: SagaArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:sagas:Saga", name, None, opts)
        spec = args.spec
        region, account = spec.region, args.aws_account
        opts_child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        # State machine names: 1-80 of letters, digits, '-' and '_'.
        machine_name = physical_name(args.environment, "saga", spec.name, limit=80)
        machine_arn = documents.state_machine_arn(region, account, machine_name)
        # The vendedlogs prefix keeps every state machine under CloudWatch Logs' one delivery resource policy
        # instead of one policy per log group (an account has at most ten). (cw-logs.html)
        log_group_name = f"/aws/vendedlogs/states/{machine_name}"
        tags = {"component": "saga", "saga": spec.name, "owner": spec.owner}

        key = kms.Key(f"{name}-key", description=f"{args.environment} saga {spec.name}: state and execution logs",
                      enable_key_rotation=True, deletion_window_in_days=args.key_deletion_days,
                      policy=documents.key_policy(account, region, log_group_name), tags=tags, opts=stateful)
        kms.Alias(f"{name}-key-alias", name=f"alias/{machine_name}", target_key_id=key.key_id, opts=opts_child)
        logs = protected_log_group(f"{name}-logs", log_group_name, args.log_retention_days,
                                   tuple(args.masked_identifiers), opts_child, kms_key_arn=key.arn, tags=tags)

        role = iam.Role(f"{name}-role", name=saga_role_name(args.environment, spec.name),
                        description=f"Assumed by Step Functions to run saga {spec.name}",
                        assume_role_policy=documents.trust_policy(account, machine_arn),
                        max_session_duration=3600, tags={**tags, CONTEXT_TAG: spec.owner}, opts=opts_child)
        refs = spec.queues()
        queues = [args.queues[(r.broker, r.queue)] for r in refs]
        access = iam.RolePolicy(
            f"{name}-execution", role=role.name, name="saga-execution",
            policy=pulumi.Output.all([q.arn for q in queues], [q.key_arn for q in queues], key.arn).apply(
                lambda a: documents.execution_policy(
                    a[0], {f"sqs.{region}.amazonaws.com": sorted(set(a[1]))}, a[2], machine_arn)),
            opts=opts_child)

        urls = pulumi.Output.all(*[q.url for q in queues]).apply(
            lambda values: {(r.broker, r.queue): url for r, url in zip(refs, values)})
        # Step Functions checks the role's log delivery and KMS permissions when the machine is created, so the
        # policy must exist first.
        machine = sfn.StateMachine(
            f"{name}-state-machine", name=machine_name, type="STANDARD", role_arn=role.arn,
            definition=urls.apply(lambda u: json.dumps(definition(spec, u), sort_keys=True)),
            logging_configuration=sfn.StateMachineLoggingConfigurationArgs(
                level="ERROR", include_execution_data=False,
                log_destination=logs.arn.apply(lambda arn: f"{arn}:*")),
            tracing_configuration=sfn.StateMachineTracingConfigurationArgs(enabled=True),
            encryption_configuration=sfn.StateMachineEncryptionConfigurationArgs(
                type="CUSTOMER_MANAGED_KMS_KEY", kms_key_id=key.arn, kms_data_key_reuse_period_seconds=300),
            tags=tags, opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=[access])))

        # The nodes reading the step queues answer the task tokens: the grant goes on their own roles.
        for node, role_name in sorted(args.callback_roles.items()):
            iam.RolePolicy(f"{name}-callbacks-{node}", role=role_name,
                           name=physical_name("saga", spec.name, "callbacks", limit=128),
                           policy=pulumi.Output.all(key.arn, machine.arn).apply(
                               lambda a: documents.callback_policy(a[0], a[1])), opts=opts_child)

        self.state_machine_arn = machine.arn
        self.role_arn = role.arn
        self.log_group_name = logs.name
        self.register_outputs({"state_machine_arn": self.state_machine_arn, "role_arn": self.role_arn,
                               "log_group_name": self.log_group_name})
