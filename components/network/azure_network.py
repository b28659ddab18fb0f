"""Per-location Azure network: a resource group and a VNet with workload, endpoint and gateway subnets."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network, resources

from ..spec.foundation import AzureRegionSpec
from .cidr import az_subnets, reserved_quarter, split


@dataclass(frozen=True)
class AzureNetworkArgs:
    environment: str
    """Environment name, the prefix of every physical name."""
    location: AzureRegionSpec
    """Location and CIDR from the spec."""
    tags: dict[str, str]
    """Tags for every resource (Azure has no provider-level default tags)."""


class AzureNetwork(pulumi.ComponentResource):
    resource_group_name: pulumi.Output[str]
    vnet_id: pulumi.Output[str]
    workload_subnet_id: pulumi.Output[str]
    endpoint_subnet_id: pulumi.Output[str]
    gateway_subnet_id: pulumi.Output[str]

    def __init__(self, name: str, args: AzureNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:network:AzureNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        spec = args.location
        label = f"{args.environment}-{spec.location}"

        group = resources.ResourceGroup(f"{name}-rg", resource_group_name=f"rg-{label}", location=spec.location,
                                        tags=args.tags, opts=child)
        vnet = network.VirtualNetwork(
            f"{name}-vnet", virtual_network_name=f"vnet-{label}", resource_group_name=group.name,
            location=spec.location, address_space=network.AddressSpaceArgs(address_prefixes=[str(spec.cidr)]),
            tags=args.tags,
            # Subnets are separate resources below; ignoring the inline list stops the two fighting over it.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["subnets"]))
        workloads, endpoints = az_subnets(spec.cidr, 2)
        gateway = split(reserved_quarter(spec.cidr), 1, 3)[0]
        subnet_opts = pulumi.ResourceOptions(parent=self, depends_on=[vnet])
        workload = network.Subnet(f"{name}-workloads", subnet_name="workloads", resource_group_name=group.name,
                                  virtual_network_name=vnet.name, address_prefix=str(workloads),
                                  default_outbound_access=False, opts=subnet_opts)
        endpoint = network.Subnet(f"{name}-private-endpoints", subnet_name="private-endpoints",
                                  resource_group_name=group.name, virtual_network_name=vnet.name,
                                  address_prefix=str(endpoints), default_outbound_access=False,
                                  private_endpoint_network_policies="Enabled", opts=subnet_opts)
        # Azure requires this exact name for VPN and ExpressRoute gateways.
        gateway_subnet = network.Subnet(f"{name}-gateway", subnet_name="GatewaySubnet", resource_group_name=group.name,
                                        virtual_network_name=vnet.name, address_prefix=str(gateway), opts=subnet_opts)

        self.resource_group_name = group.name
        self.vnet_id = vnet.id
        self.workload_subnet_id = workload.id
        self.endpoint_subnet_id = endpoint.id
        self.gateway_subnet_id = gateway_subnet.id
        self.register_outputs({"resource_group_name": self.resource_group_name, "vnet_id": self.vnet_id,
                               "workload_subnet_id": self.workload_subnet_id,
                               "endpoint_subnet_id": self.endpoint_subnet_id,
                               "gateway_subnet_id": self.gateway_subnet_id})
