"""AwsNetwork and AzureNetwork built alone: a VPC / VNet split across zones, private by construction."""

from __future__ import annotations

import ipaddress

import pulumi
import pulumi_azure_native as azure_native

from components.network.aws_network import AwsNetwork, AwsNetworkArgs
from components.network.azure_network import AzureNetwork, AzureNetworkArgs
from components.spec.foundation import AwsRegionSpec, AzureRegionSpec

from .conftest import assert_children_named_after, aws_provider, build


def test_aws_network_splits_the_vpc_over_three_zones_with_private_routes_only():
    region = AwsRegionSpec(region="eu-central-1", cidr="10.10.0.0/16")
    built = build(lambda: AwsNetwork("net-euc1", AwsNetworkArgs(environment="unit", region=region),
                                     pulumi.ResourceOptions(provider=aws_provider("eu-central-1"))))
    assert_children_named_after(built, "hybrid:network:AwsNetwork", "net-euc1")
    vpc = built.named("net-euc1-vpc")
    assert vpc["inputs"]["cidrBlock"] == "10.10.0.0/16" and vpc["inputs"]["enableDnsHostnames"] is True
    subnets = built.of_type("aws:ec2/subnet:Subnet")
    assert sorted(s["inputs"]["availabilityZone"] for s in subnets) == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    networks = [ipaddress.ip_network(s["inputs"]["cidrBlock"]) for s in subnets]
    assert all(n.subnet_of(ipaddress.ip_network("10.10.0.0/16")) for n in networks)
    assert not any(a.overlaps(b) for i, a in enumerate(networks) for b in networks[i + 1:])
    # private: no internet gateway, no public IPs on launch
    assert "aws:ec2/internetGateway:InternetGateway" not in built.types()
    assert not any(s["inputs"].get("mapPublicIpOnLaunch") for s in subnets)
    # every resource sits on the region's explicit provider
    assert all(r["provider"].startswith("urn:pulumi:unit::hybrid::pulumi:providers:aws::aws-eu-central-1::")
               for r in built.resources if r["custom"] and not r["type"].startswith("pulumi:providers:"))
    endpoints = {r["inputs"]["serviceName"] for r in built.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert all(e.startswith("com.amazonaws.eu-central-1.") for e in endpoints)


def test_azure_network_builds_its_resource_group_and_vnet_in_the_location():
    location = AzureRegionSpec(location="westeurope", cidr="10.30.0.0/16")
    built = build(lambda: AzureNetwork(
        "net-westeurope", AzureNetworkArgs(environment="unit", location=location, tags={"owner": "platform"}),
        pulumi.ResourceOptions(provider=azure_native.Provider("azure-westeurope", location="westeurope"))))
    assert_children_named_after(built, "hybrid:network:AzureNetwork", "net-westeurope")
    vnets = built.of_type("azure-native:network:VirtualNetwork")
    assert len(vnets) == 1
    assert vnets[0]["inputs"]["addressSpace"]["addressPrefixes"] == ["10.30.0.0/16"]
    assert vnets[0]["inputs"]["location"] == "westeurope"
    subnets = [ipaddress.ip_network(s["inputs"]["addressPrefix"]) for s in
               built.of_type("azure-native:network:Subnet")]
    assert subnets and all(s.subnet_of(ipaddress.ip_network("10.30.0.0/16")) for s in subnets)
    assert built.of_type("azure-native:resources:ResourceGroup")
