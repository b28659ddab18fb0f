"""Builds every saga of the environment from its spec, the brokers' queues and the consuming nodes' roles."""

from __future__ import annotations

from typing import Any, Mapping

import pulumi

from ..spec.sagas import saga_consumers
from .component import Saga, SagaArgs, StepQueue


def build_sagas(spec: Any, providers: Any, brokers: Mapping[str, Any],
                node_role_names: Mapping[str, pulumi.Input[str]]) -> dict[str, object]:
    """`brokers` maps broker name to its Broker component; its copy in the saga's region holds the step queues."""
    outputs: dict[str, object] = {}
    for saga in spec.data.sagas:
        queues = {}
        for ref in saga.queues():
            copy = brokers[ref.broker].regions[saga.region]
            queues[(ref.broker, ref.queue)] = StepQueue(url=copy.queue_urls[ref.queue],
                                                        arn=copy.queue_arns[ref.queue], key_arn=copy.key_arn)
        resource = Saga(f"saga-{saga.name}", SagaArgs(
            spec=saga, environment=spec.name, aws_account=spec.accounts.aws.account_id, queues=queues,
            callback_roles={n: node_role_names[n] for n in saga_consumers(spec, saga)}, protect=spec.production,
            key_deletion_days=30 if spec.production else 7,
            log_retention_days=spec.observability.log_retention_days,
            masked_identifiers=tuple(spec.observability.masked_identifiers)),
            pulumi.ResourceOptions(provider=providers.for_aws(saga.region)))
        outputs[saga.name] = {"state_machine_arn": resource.state_machine_arn, "region": saga.region}
    return {"sagas": outputs} if outputs else {}
