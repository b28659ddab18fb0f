"""Turns one validated environment spec into the platform's components.

This is the single declarative entry point the program calls; it reads no config and no files.
"""

from __future__ import annotations

import pulumi

from .messaging import Broker, BrokerArgs
from .network.aws_network import AwsNetwork, AwsNetworkArgs
from .network.azure_network import AzureNetwork, AzureNetworkArgs
from .providers import build_providers, platform_tags
from .spec import EnvironmentSpec


def build_platform(spec: EnvironmentSpec, secrets: dict[str, pulumi.Output[str]]) -> dict[str, object]:
    """Create every component of the environment; returns the stack outputs to export."""
    providers = build_providers(spec, secrets)
    outputs: dict[str, object] = {"environment": spec.name, "tier": spec.tier.value}

    networks = {}
    for region in spec.regions.aws.all():
        networks[region.region] = AwsNetwork(
            f"net-{region.region}", AwsNetworkArgs(environment=spec.name, region=region),
            pulumi.ResourceOptions(provider=providers.for_aws(region.region)))
    outputs["vpc_ids"] = {r: n.vpc_id for r, n in networks.items()}
    if spec.regions.azure and providers.azure:
        location = spec.regions.azure.location
        vnet = AzureNetwork(f"net-{location}", AzureNetworkArgs(environment=spec.name, location=spec.regions.azure,
                                                                tags=platform_tags(spec)),
                            pulumi.ResourceOptions(provider=providers.for_azure(location)))
        outputs["vnet_id"] = vnet.vnet_id

    brokers = {}
    for broker in spec.messaging.brokers:
        brokers[broker.name] = Broker(broker.name, BrokerArgs(
            spec=broker, environment=spec.name, aws_account=spec.accounts.aws.account_id,
            aws_providers=dict(providers.aws), protect=spec.production,
            key_deletion_days=30 if spec.production else 7))
    outputs["queue_urls"] = {name: b.queue_urls for name, b in brokers.items()}
    outputs["topic_arns"] = {name: b.topic_arns for name, b in brokers.items()}
    return outputs
