"""The Observability component: escalation topics and action groups, SLO alarms, dashboard, rollback switches
and in-cluster monitoring for one environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
from pulumi_aws import cloudwatch, iam

from ..alerting import AlertRoutes
from ..naming import region_code
from ..spec.observability import ObservabilitySpec
from .alarms import build_integration_alarms
from .azure_alerts import build_azure_alerts
from .dashboard import dashboard_body
from .documents import appconfig_monitor_policy, appconfig_trust_policy
from .endpoints import escalation_map
from .escalation import build_action_groups, build_region_topics
from .prometheus import build_workload_monitoring
from .rollback import FlagSwitches, build_strategy, build_switches


@dataclass(frozen=True)
class AzureTarget:
    provider: pulumi.ProviderResource
    """The Azure provider of the environment's location."""
    resource_group_name: pulumi.Input[str]
    """Resource group holding the action groups."""
    tags: dict[str, str]
    """Platform tags (Azure has no provider default tags)."""
    location: str = ""
    """The environment's Azure location: integrations whose region it is get Azure Monitor metric alerts."""
    subscription_id: str = ""
    """Subscription of the derived ids (Service Bus namespace scope, action groups)."""


@dataclass(frozen=True)
class ObservabilityArgs:
    spec: ObservabilitySpec
    """The environment's observability section."""
    environment: str
    """Environment name: the prefix of every physical name."""
    account: str
    """AWS account id (alert topic and alarm ARNs are derived from it)."""
    primary_region: str
    """Region of the dashboard and the (global) IAM role."""
    aws_providers: dict[str, pulumi.ProviderResource]
    """Explicit AWS provider per region; every region gets its alert topics."""
    secrets: dict[str, pulumi.Output[str]]
    """Secret config values by key (the on-call endpoint map)."""
    protect: bool
    """Protect topics and keys from deletion (production)."""
    key_deletion_days: int = 30
    """KMS deletion window for the alert keys."""
    azure: Optional[AzureTarget] = None
    """Where the Azure action groups go, when the environment uses Azure."""
    cluster_providers: dict[str, pulumi.ProviderResource] = field(default_factory=dict)
    """Kubernetes provider per cluster."""
    cluster_addons: dict[str, pulumi.Resource] = field(default_factory=dict)
    """ClusterAddons per cluster: custom resources wait for the Prometheus operator's CRDs."""


class Observability(pulumi.ComponentResource):
    """Built in three steps: the constructor creates the alert routes every other capability's alarms name
    (so it runs first), `watch(brokers)` then adds the integrations' alarms and rollback switches on the
    brokers (before the nodes, which read their switches), and `monitor(namespaces)` the in-cluster monitoring
    in the namespaces the nodes create."""

    alert_topic_arns: dict[str, dict[str, pulumi.Output[str]]]
    alert_key_arns: dict[str, pulumi.Output[str]]
    """Region -> the key its alert topics are encrypted with."""
    routes: AlertRoutes
    composite_alarm_arns: dict[str, pulumi.Output[str]]
    action_group_ids: dict[str, pulumi.Output[str]]
    metric_alert_ids: dict[str, list[pulumi.Output[str]]]
    escalation: dict[str, dict[str, list[str]]]
    flags: dict[str, FlagSwitches]

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:observability:Observability", name, None, opts)
        spec, env = args.spec, args.environment
        regional = {region: build_region_topics(self, name, spec, env, args.account, region, provider, args.secrets,
                                                args.protect, args.key_deletion_days)
                    for region, provider in sorted(args.aws_providers.items())}
        self.alert_topic_arns = {region: topics for region, (topics, _) in regional.items()}
        self.alert_key_arns = {region: key for region, (_, key) in regional.items()}
        self.action_groups = {}
        if args.azure:
            self.action_groups = build_action_groups(self, name, spec, env, args.azure.resource_group_name,
                                                     args.azure.provider, args.secrets, args.azure.tags)
        self.action_group_ids = {severity: group.id for severity, group in self.action_groups.items()}
        self.routes = AlertRoutes(topics=self.alert_topic_arns, action_groups=self.action_group_ids)
        self.escalation = escalation_map(spec)
        self.composite_alarm_arns = {}
        self.metric_alert_ids = {}
        self.flags = {}
        self._pending_monitors: list[tuple[str, object]] = []
        self._name, self._args = name, args

    def watch(self, brokers: Mapping[str, pulumi.Resource]) -> None:
        """The integrations' SLO alarms, dashboard and rollback switches (`flags`, by integration name);
        `brokers` are the Broker components by name (Azure alerts are scoped to their namespace's id output)."""
        name, args, spec = self._name, self._args, self._args.spec
        if spec.integrations:
            self._integrations(name, args, brokers)

    def monitor(self, namespaces: Mapping[tuple[str, str], pulumi.Resource] | None = None) -> None:
        """In-cluster monitoring of the integrations' workloads, in the namespaces other components create."""
        self._namespaces = dict(namespaces or {})
        for prefix, integration in self._pending_monitors:
            self._monitor(prefix, integration, self._args)
        self.register_outputs({"alert_topic_arns": self.alert_topic_arns, "escalation": self.escalation,
                               "composite_alarm_arns": self.composite_alarm_arns,
                               "action_group_ids": self.action_group_ids, "metric_alert_ids": self.metric_alert_ids})

    def _integrations(self, name: str, args: ObservabilityArgs, brokers: Mapping[str, pulumi.Resource]) -> None:
        spec, env = args.spec, args.environment
        primary = pulumi.ResourceOptions(parent=self, provider=args.aws_providers[args.primary_region])
        role = iam.Role(f"{name}-appconfig-alarms", name=f"{env}-appconfig-alarm-monitor",
                        assume_role_policy=appconfig_trust_policy(args.account),
                        description="lets AppConfig read this environment's alarms to roll flag deployments back",
                        opts=primary)
        iam.RolePolicy(f"{name}-appconfig-alarms-policy", role=role.id,
                       policy=appconfig_monitor_policy(args.account, env), opts=primary)
        strategies = {}
        pairs = []
        for integration in spec.integrations:
            region = integration.region
            if args.azure and region == args.azure.location:
                self._azure_integration(name, integration, args, brokers)
                continue
            opts = pulumi.ResourceOptions(parent=self, provider=args.aws_providers[region])
            component = brokers.get(integration.broker) if integration.broker else None
            backlog = component.queue_names.get(integration.queue or "") if component is not None else None
            pairs.append((integration, backlog))
            prefix = f"{name}-{integration.name}"
            _, composite = build_integration_alarms(self, prefix, integration, env, self.routes, backlog, opts)
            self.composite_alarm_arns[integration.name] = composite.arn
            if region not in strategies:
                strategies[region] = build_strategy(f"{name}-{region_code(region)}-flags-strategy", env, spec.rollout,
                                                    opts)
            self.flags[integration.name] = build_switches(prefix, integration, env, composite.arn, role.arn,
                                                          strategies[region].id, opts)
            if integration.workload:
                self._pending_monitors.append((prefix, integration))
        cloudwatch.Dashboard(f"{name}-dashboard", dashboard_name=f"{env}-integrations",
                             dashboard_body=dashboard_body(env, pairs), opts=primary)


    def _azure_integration(self, name: str, integration, args: ObservabilityArgs,
                           brokers: Mapping[str, pulumi.Resource]) -> None:
        """An integration in the Azure location: metric alerts on its Service Bus namespace (no CloudWatch,
        AppConfig or dashboard row: those watch AWS metrics), plus in-cluster rules when it has a workload."""
        azure = args.azure
        assert azure is not None
        prefix = f"{name}-{integration.name}"
        broker = brokers.get(integration.broker or "")
        scope = getattr(broker, "namespace_id", None)
        if scope is None:
            raise ValueError(f"integration {integration.name}: broker {integration.broker} has no Azure namespace "
                             "to scope its metric alerts to")
        alerts = build_azure_alerts(prefix, integration, args.environment, scope, broker.metric_namespace, self.routes,
                                    azure.resource_group_name, azure.tags,
                                    pulumi.ResourceOptions(parent=self, provider=azure.provider))
        self.metric_alert_ids[integration.name] = [a.id for _, a in sorted(alerts.items())]
        if integration.workload:
            self._pending_monitors.append((prefix, integration))

    def _monitor(self, prefix: str, integration, args: ObservabilityArgs) -> None:
        """PodMonitor and rules wait for the operator's CRDs and for the workload's namespace."""
        cluster = integration.workload.cluster
        waits = [args.cluster_addons.get(cluster), self._namespaces.get((cluster, integration.workload.namespace))]
        build_workload_monitoring(prefix, integration, pulumi.ResourceOptions(
            parent=self, provider=args.cluster_providers[cluster], depends_on=[w for w in waits if w is not None]))
