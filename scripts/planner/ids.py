"""Realistic, deterministic physical ids and computed outputs for mocked resources.

Ids are derived from the URN with a stable hash, so the same program always yields the same plan
(no randomness, no PYTHONHASHSEED dependence), and shaped like the real cloud's so tools that parse
them (ARNs, queue URLs, Azure resource ids) work on plans as on real stack exports.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

_EC2_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc", "aws:ec2/subnet:Subnet": "subnet", "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc", "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce", "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "aws:ec2/customerGateway:CustomerGateway": "cgw", "aws:ec2/vpnConnection:VpnConnection": "vpn",
    "aws:ec2/internetGateway:InternetGateway": "igw", "aws:ec2/natGateway:NatGateway": "nat",
}
# The input that carries an Azure resource's own name, where it is not <resourceType>Name.
AZURE_NAME_INPUTS = {"azure-native:resources:ResourceGroup": "resourceGroupName"}
_NAMESPACE = uuid.UUID("6c1e0d8e-2f9a-4f4e-9d59-6d0f1b7a2c11")


def digest(urn: str, length: int = 17) -> str:
    return hashlib.sha256(urn.encode()).hexdigest()[:length]


def stable_uuid(urn: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, urn))


def _service(type_: str) -> str:
    return type_.split(":")[1].split("/")[0]


def aws_outputs(type_: str, name: str, urn: str, inputs: dict[str, Any], region: str, account: str
                ) -> tuple[str, dict[str, Any]]:
    """(id, extra outputs) for an AWS resource, in the shapes AWS returns."""
    physical = inputs.get("name") or f"{name}-{digest(urn, 7)}"
    if type_ in _EC2_PREFIXES:
        rid = f"{_EC2_PREFIXES[type_]}-{digest(urn)}"
        return rid, {"arn": f"arn:aws:ec2:{region}:{account}:{_EC2_PREFIXES[type_]}/{rid}"}
    if type_ == "aws:sqs/queue:Queue":
        url = f"https://sqs.{region}.amazonaws.com/{account}/{physical}"
        return url, {"arn": f"arn:aws:sqs:{region}:{account}:{physical}", "url": url, "name": physical}
    if type_ in ("aws:sqs/queuePolicy:QueuePolicy",):
        return str(inputs.get("queueUrl", physical)), {}
    if type_ == "aws:sns/topic:Topic":
        arn = f"arn:aws:sns:{region}:{account}:{physical}"
        return arn, {"arn": arn, "name": physical}
    if type_ == "aws:sns/topicPolicy:TopicPolicy":
        return str(inputs.get("arn", physical)), {}
    if type_ == "aws:sns/topicSubscription:TopicSubscription":
        arn = f"{inputs.get('topic', 'arn:aws:sns:' + region + ':' + account + ':topic')}:{stable_uuid(urn)}"
        return arn, {"arn": arn}
    if type_ == "aws:kms/key:Key":
        key_id = stable_uuid(urn)
        return key_id, {"arn": f"arn:aws:kms:{region}:{account}:key/{key_id}", "keyId": key_id}
    if type_ == "aws:kms/alias:Alias":
        return physical, {"arn": f"arn:aws:kms:{region}:{account}:{physical}"}
    if type_.startswith("aws:iam/"):
        return physical, {"arn": f"arn:aws:iam::{account}:{type_.split('/')[1].split(':')[0]}/{physical}"}
    service = _service(type_)
    rid = f"{physical}"
    return rid, {"arn": f"arn:aws:{service}:{region}:{account}:{physical}"}


def azure_outputs(type_: str, name: str, urn: str, inputs: dict[str, Any], subscription: str
                  ) -> tuple[str, dict[str, Any]]:
    """(id, extra outputs) for an Azure resource: an ARM resource id built from its name inputs."""
    module, resource = type_.split(":")[1], type_.split(":")[2]
    name_key = AZURE_NAME_INPUTS.get(type_, resource[0].lower() + resource[1:] + "Name")
    own_name = inputs.get(name_key) or f"{name}-{digest(urn, 6)}"
    group = inputs.get("resourceGroupName")
    if type_ == "azure-native:resources:ResourceGroup":
        rid = f"/subscriptions/{subscription}/resourceGroups/{own_name}"
    else:
        rid = (f"/subscriptions/{subscription}/resourceGroups/{group}/providers/"
               f"Microsoft.{module.capitalize()}/{resource[0].lower() + resource[1:]}s/{own_name}")
        if type_ == "azure-native:network:Subnet":
            rid = (f"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Network/"
                   f"virtualNetworks/{inputs.get('virtualNetworkName')}/subnets/{own_name}")
    return rid, {"name": own_name}


def kubernetes_outputs(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    metadata = inputs.get("metadata") or {}
    namespace = metadata.get("namespace")
    object_name = metadata.get("name") or inputs.get("name") or name
    return (f"{namespace}/{object_name}" if namespace else str(object_name)), {}
