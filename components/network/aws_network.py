"""Per-region AWS network: a VPC with private subnets in three AZs and endpoints for the services used."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
from pulumi_aws import ec2

from ..naming import region_code
from ..spec.foundation import AwsRegionSpec
from .cidr import az_subnets

# Interface endpoints keep broker, key and log traffic on the AWS network (practice 5.1, encryption in
# transit, and 5.6, residency: no detour through the internet). S3 and DynamoDB use free gateway endpoints.
# appconfigdata: workloads read their rollback switches (AppConfig's data plane) without leaving the VPC.
# https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
INTERFACE_SERVICES = ("sqs", "sns", "kms", "logs", "sts", "secretsmanager", "monitoring", "appconfigdata")
GATEWAY_SERVICES = ("s3", "dynamodb")


@dataclass(frozen=True)
class AwsNetworkArgs:
    environment: str
    """Environment name, the prefix of every physical name."""
    region: AwsRegionSpec
    """Region, CIDR and availability zones from the spec."""


class AwsNetwork(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    private_subnet_ids: pulumi.Output[list[str]]
    endpoint_security_group_id: pulumi.Output[str]
    private_route_table_id: pulumi.Output[str]
    s3_prefix_list_id: pulumi.Output[str]

    def __init__(self, name: str, args: AwsNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:network:AwsNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        spec = args.region
        label = f"{args.environment}-{region_code(spec.region)}"

        vpc = ec2.Vpc(f"{name}-vpc", cidr_block=str(spec.cidr), enable_dns_hostnames=True,
                      enable_dns_support=True, tags={"Name": label}, opts=child)
        route_table = ec2.RouteTable(f"{name}-private-rt", vpc_id=vpc.id, tags={"Name": f"{label}-private"},
                                     opts=child)
        subnets = []
        for az, cidr in zip(spec.azs, az_subnets(spec.cidr, len(spec.azs))):
            subnet = ec2.Subnet(f"{name}-private-{az[-1]}", vpc_id=vpc.id, cidr_block=str(cidr),
                                availability_zone=az, map_public_ip_on_launch=False,
                                tags={"Name": f"{label}-private-{az[-1]}", "tier": "private"}, opts=child)
            ec2.RouteTableAssociation(f"{name}-private-{az[-1]}-rta", subnet_id=subnet.id,
                                      route_table_id=route_table.id, opts=child)
            subnets.append(subnet)

        endpoint_sg = ec2.SecurityGroup(
            f"{name}-endpoints-sg", vpc_id=vpc.id, description="HTTPS from inside the VPC to interface endpoints",
            ingress=[ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443,
                                                  cidr_blocks=[str(spec.cidr)], description="TLS from the VPC")],
            egress=[ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443,
                                                cidr_blocks=[str(spec.cidr)], description="TLS within the VPC")],
            tags={"Name": f"{label}-endpoints"}, opts=child)
        for service in INTERFACE_SERVICES:
            ec2.VpcEndpoint(f"{name}-{service}-endpoint", vpc_id=vpc.id,
                            service_name=f"com.amazonaws.{spec.region}.{service}", vpc_endpoint_type="Interface",
                            private_dns_enabled=True, subnet_ids=[s.id for s in subnets],
                            security_group_ids=[endpoint_sg.id], tags={"Name": f"{label}-{service}"}, opts=child)
        gateways = {}
        for service in GATEWAY_SERVICES:
            gateways[service] = ec2.VpcEndpoint(f"{name}-{service}-endpoint", vpc_id=vpc.id,
                            service_name=f"com.amazonaws.{spec.region}.{service}", vpc_endpoint_type="Gateway",
                            route_table_ids=[route_table.id],
                            policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                                "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                                "Condition": {"StringEquals": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}}}]}),
                            tags={"Name": f"{label}-{service}"}, opts=child)

        self.vpc_id = vpc.id
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in subnets])
        self.endpoint_security_group_id = endpoint_sg.id
        self.private_route_table_id = route_table.id
        # Security groups admit traffic to a gateway endpoint by its service's prefix list.
        # https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#vpc-endpoints-security-groups
        self.s3_prefix_list_id = gateways["s3"].prefix_list_id
        self.register_outputs({"s3_prefix_list_id": self.s3_prefix_list_id, "vpc_id": self.vpc_id, "private_subnet_ids": self.private_subnet_ids,
                               "endpoint_security_group_id": self.endpoint_security_group_id,
                               "private_route_table_id": self.private_route_table_id})
