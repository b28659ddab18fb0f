"""Turns one validated environment spec into the platform's components.

This is the single declarative entry point the program calls; it reads no config and no files.
"""

from __future__ import annotations

import pulumi

from .caches.wiring import build_caches
from .cdc.wiring import build_cdc
from .cluster.addons import ClusterAddons, ClusterAddonsArgs
from .cluster.keda_identity import KedaOperatorIdentity, chart_values as keda_values
from .cluster.needs import operators_by_cluster, processing_nodes
from .compute.wiring import build_nodes
from .connectivity.wiring import build_connectivity
from .gateway.azure_apim import KeyVaultRef
from .gateway.wiring import GatewaySources, build_gateways
from .messaging import Broker
from .messaging.wiring import broker_args, placements
from .messaging.operators import operators_needed as messaging_operators
from .network.aws_network import AwsNetwork, AwsNetworkArgs
from .network.azure_network import AzureNetwork, AzureNetworkArgs
from .observability import alertmanager, prometheus
from .observability.wiring import build_alert_routes, build_secrets_audit_observability
from .providers import build_providers, platform_tags
from .reference_data.wiring import build_reference_data
from .routing.wiring import build_routing
from .sagas.wiring import build_sagas
from .secrets import external_secrets
from .spec import EnvironmentSpec


def build_platform(spec: EnvironmentSpec, secrets: dict[str, pulumi.Output[str]],
                   schema_texts: dict[str, str] | None = None,
                   gateway_sources: GatewaySources | None = None) -> dict[str, object]:
    """Create every component of the environment; returns the stack outputs to export.

    `schema_texts` maps each schema file the spec binds to its text (the entry point reads the files)."""
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
    azure_resource_group = vnet.resource_group_name if spec.regions.azure and providers.azure else None

    # One ClusterAddons per cluster: the union of the operators every capability needs there.
    operator_needs = operators_by_cluster(spec, (external_secrets.operators_needed, prometheus.operators_needed,
                                                 messaging_operators, processing_nodes))
    # KEDA's operator gets a role of its own per cluster before its chart, which names it.
    clusters = {c.name: c for c in spec.clusters}
    primary = spec.regions.aws.primary.region
    keda = {cluster: KedaOperatorIdentity(f"keda-identity-{cluster}", spec.name, clusters[cluster],
                                          pulumi.ResourceOptions(provider=providers.for_aws(primary)))
            for cluster, ops in sorted(operator_needs.items()) if "keda" in ops}
    # Alertmanager too: it publishes in-cluster alerts to the alert topics as a role the chart names.
    alert_regions = {c: alertmanager.alert_region(clusters[c], set(spec.aws_region_names()), primary)
                     for c, ops in operator_needs.items() if "prometheus-operator" in ops}
    alerting = {cluster: alertmanager.AlertmanagerIdentity(
                    f"alertmanager-{cluster}", spec.name, clusters[cluster],
                    pulumi.ResourceOptions(provider=providers.for_aws(primary)))
                for cluster in sorted(alert_regions)}

    def chart_values(cluster: str) -> dict:
        values = {}
        if cluster in keda:
            values["keda"] = keda_values(keda[cluster].role_arn, clusters[cluster], primary)
        if cluster in alerting:
            values["prometheus-operator"] = alertmanager.chart_values(
                alerting[cluster].role_arn, clusters[cluster], alert_regions[cluster])
        return values

    addons = {cluster: ClusterAddons(f"addons-{cluster}", ClusterAddonsArgs(
                  cluster=cluster, operators=frozenset(ops), values=chart_values(cluster)),
                  pulumi.ResourceOptions(providers={"kubernetes": providers.for_cluster(cluster)}))
              for cluster, ops in sorted(operator_needs.items())}

    # Alert topics and action groups first: every alarm below names them by their outputs.
    observability = build_alert_routes(spec, providers, secrets, azure_resource_group, addons)
    for cluster, identity in alerting.items():
        region = alert_regions[cluster]
        identity.deliver(observability.alert_topic_arns[region], observability.alert_key_arns[region], region,
                         providers.for_cluster(cluster), addons[cluster])
    places = placements(spec, providers, networks, vnet if azure_resource_group is not None else None, addons)
    brokers = {broker.name: Broker(broker.name, broker_args(spec, broker, places, secrets, schema_texts or {},
                                                            observability.routes))
               for broker in spec.messaging.brokers}
    outputs["queue_urls"] = {name: b.queue_urls for name, b in brokers.items()}
    outputs["topic_arns"] = {name: b.topic_arns for name, b in brokers.items()}
    outputs["broker_endpoints"] = {name: b.endpoints for name, b in brokers.items()}
    outputs["broker_lag_metrics"] = {name: b.lag_metrics for name, b in brokers.items()}
    # Nodes before secrets and monitoring: secret policies name the nodes' roles, and ExternalSecrets and
    # PodMonitors live in the namespaces the nodes create.
    # The integrations' alarms and rollback switches before the nodes: each node reads its own switches.
    observability.watch(brokers)
    # Caches before the nodes: an owner node's Deployment names its cache's endpoint and gets its connect grant.
    caches = build_caches(spec, providers, networks, vnet if azure_resource_group is not None else None, brokers)
    nodes = build_nodes(spec, providers, brokers, addons, {c: k.role_arn for c, k in keda.items()}, observability.flags,
                        caches.clients)
    for cluster, scaler_arns in sorted(nodes.scaler_role_arns.items()):
        keda[cluster].allow_assuming(scaler_arns)
    secrets_outputs, vault, audit = build_secrets_audit_observability(
        spec, providers, secrets, azure_resource_group, addons, observability, brokers, nodes,
        vnet.endpoint_subnet_id if azure_resource_group is not None else None)
    outputs.update(secrets_outputs)
    # CDC after the secrets: connectors read their login secret's ARN (MSK Connect) or its sync (Strimzi), and
    # critical entities' sinks write into the audit bucket.
    outputs.update(build_cdc(spec, providers, networks, brokers, addons, vault, observability.routes, audit))
    # Gateways after the secrets: API Management reads its certificates from the environment's Key Vault.
    key_vault = (KeyVaultRef(vault.key_vault_id, vault.key_vault_uri, spec.accounts.azure.subscription_id)
                 if getattr(vault, "key_vault_id", None) is not None and spec.accounts.azure else None)
    gateways = build_gateways(spec, providers, networks, azure_resource_group, gateway_sources or GatewaySources(),
                              key_vault)
    outputs.update(gateways.outputs)
    outputs.update(build_connectivity(spec, providers, networks, vnet if azure_resource_group is not None else None,
                                      secrets, observability.routes))
    # Routing after the gateways: `api:` entry points alias and health-check their regional custom domains.
    outputs.update(build_routing(spec, providers, azure_resource_group, gateways))
    outputs.update(nodes.outputs)
    outputs.update(caches.outputs)
    # Sagas after the brokers and nodes: they send to the step queues and grant the consuming nodes' roles.
    outputs.update(build_sagas(spec, providers, brokers, nodes.role_names))
    # Reference tables after the nodes: the owner's nodes get write, the consumers' read.
    outputs.update(build_reference_data(spec, providers, nodes.role_names))
    return outputs
