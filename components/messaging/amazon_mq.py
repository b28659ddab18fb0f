"""Amazon MQ for RabbitMQ backend: private in the foundation's subnets, AMQPS only, logs on, multi-AZ in production.

Amazon MQ for RabbitMQ encrypts at rest with AWS-owned keys only; the key policy rule reports that as
not applicable rather than passing it silently. Queues are declared by applications over AMQP (Amazon MQ
has no queue API), so the spec sizes the broker and its alarms, not its queues.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import ec2, mq

from ..naming import physical_name
from .alarms import cloudwatch_alarms
from ..spec.brokers import AmazonMqBroker
from .backend import BackendResult, BrokerArgs, LagMetric

ENGINE_VERSION = "3.13"
AMQPS_PORT, CONSOLE_PORT = 5671, 443
DEFAULT_INSTANCE = {True: "mq.m5.large", False: "mq.t3.micro"}
# Sunday night UTC: the quietest hour for the estates this serves; changes are applied only in this window.
MAINTENANCE = mq.BrokerMaintenanceWindowStartTimeArgs(day_of_week="SUNDAY", time_of_day="02:00", time_zone="UTC")


def deployment_mode(production: bool) -> str:
    """A three-node cluster across zones in production; one node elsewhere (cheaper, same engine)."""
    return "CLUSTER_MULTI_AZ" if production else "SINGLE_INSTANCE"


def subnets_for(mode: str, subnet_ids: pulumi.Input[list]) -> pulumi.Output[list]:
    """A single-instance broker takes exactly one subnet; a cluster takes one per zone."""
    return pulumi.Output.from_input(subnet_ids).apply(lambda ids: list(ids) if mode == "CLUSTER_MULTI_AZ" else list(ids)[:1])


def build(parent: pulumi.Resource, logical: str, args: BrokerArgs) -> BackendResult:
    spec = args.spec
    assert isinstance(spec, AmazonMqBroker)
    place = args.places.aws_in(spec.region, spec.name, network=True)
    network, protection = place.network, args.protection
    assert network is not None
    password = args.secrets[spec.admin_password.secret]
    prefix = logical
    mode = deployment_mode(protection.production)
    broker_name = physical_name(args.estate.environment, spec.name, limit=50)
    group = ec2.SecurityGroup(
        f"{prefix}-sg", vpc_id=network.vpc_id, description=f"AMQPS and console of {spec.name} inside the VPC only",
        ingress=[ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=port, to_port=port, cidr_blocks=[network.cidr],
                                              description=what)
                 for port, what in ((AMQPS_PORT, "AMQP over TLS"), (CONSOLE_PORT, "management console over TLS"))],
        egress=[ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=[network.cidr],
                                            description="replies stay in the VPC")],
        opts=protection.opts(parent, place.provider))
    broker = mq.Broker(
        f"{prefix}-broker", broker_name=broker_name, engine_type="RabbitMQ", engine_version=ENGINE_VERSION,
        host_instance_type=spec.size.instance_type or DEFAULT_INSTANCE[protection.production], deployment_mode=mode,
        publicly_accessible=False, subnet_ids=subnets_for(mode, network.subnet_ids), security_groups=[group.id],
        auto_minor_version_upgrade=True, maintenance_window_start_time=MAINTENANCE,
        logs=mq.BrokerLogsArgs(general=True),
        users=[mq.BrokerUserArgs(username="platform-admin", password=password, console_access=True)],
        opts=protection.opts(parent, place.provider, True))
    metrics = [LagMetric(f"broker:{spec.name}", "backlog", "MessageCount", "AWS/AmazonMQ", "Maximum",
                         spec.slo.max_backlog, {"Broker": broker_name})]
    cloudwatch_alarms(parent, args, place.provider, spec.region, metrics, prefix)
    return BackendResult(endpoints={"amqps": broker.instances.apply(lambda i: [x.endpoints for x in i or []])},
                         lag_metrics=metrics)
