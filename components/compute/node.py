"""ProcessingNode: one region-pinned worker on its region's cluster, with its own least-privilege identity.

Practices 5.6 (residency: it runs and reads only where the spec pins it), 3.6 (KEDA scales it on queue
depth), 6.3 (probes), 5.4 (IRSA role scoped to its own queues), 6.1/6.2 (JSON logs, OpenTelemetry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi_aws import iam
from pulumi_kubernetes.apiextensions import CustomResource
from pulumi_kubernetes.apps.v1 import Deployment
from pulumi_kubernetes.core.v1 import Namespace, ServiceAccount
from pulumi_kubernetes.networking.v1 import NetworkPolicy
from pulumi_kubernetes.policy.v1 import PodDisruptionBudget

from ..cluster.addons import Scraper
from ..messaging import DedupTable
from ..naming import node_role_name, node_scaler_role_name
from ..ownership import CONTEXT_TAG
from ..observability import FlagSwitches, flags_read_policy
from ..spec.nodes import NodeSpec, Telemetry
from .. import workload_identity
from . import identity, manifests

KEDA_API = "keda.sh/v1alpha1"


@dataclass(frozen=True)
class ConsumedQueue:
    name: str
    """Queue name in the spec (names the URL's environment variable)."""
    url: pulumi.Input[str]
    """Queue URL of the copy the node reads (the queue's output, so the node waits for it)."""
    arn: pulumi.Input[str]
    """ARN of that copy."""
    region: str
    """Region of that copy."""
    key_arn: pulumi.Input[str]
    """The broker's key in that region (SSE-KMS: receiving needs Decrypt)."""
    length_target: int
    """KEDA queueLength: messages per replica."""
    dedup_table: Optional[DedupTable] = None
    """The queue's idempotency table, when the spec asks for idempotency on it."""


@dataclass(frozen=True)
class PublishedTopic:
    name: str
    """Topic name in the spec."""
    arn: pulumi.Input[str]
    """ARN of the copy the node publishes to (the topic's output)."""
    region: str
    """Region of that copy."""
    key_arn: pulumi.Input[str]
    """The broker's key in that region."""


@dataclass(frozen=True)
class CacheClient:
    """A cache the node owns and keeps fresh (practice 4.4): where it is, how to sign in, the TTL, the queue."""

    name: str
    """Cache name in the spec (names the environment variables)."""
    endpoint: pulumi.Input[str]
    """The cache's host name (its output, so the node waits for the cache)."""
    ports: tuple[int, ...]
    """TLS ports the node connects to; the first is the primary endpoint's."""
    user: pulumi.Input[str]
    """Who the node signs in as (ElastiCache IAM user, or the Entra identity's object id)."""
    ttl_seconds: int
    """The default TTL the workload sets on every entry."""
    key_prefixes: str
    """Comma-separated key prefixes (`<entity>:`) the cache holds; the node's ACL covers only these."""
    invalidation_queue: str
    """Spec name of the consumed queue carrying the owner's change events."""
    cidr: str
    """The network the cache answers in (egress is opened to it on `ports` only)."""
    connect_policy: Optional[pulumi.Input[str]] = None
    """AWS: IAM policy letting the node's role connect (elasticache:Connect on the cache and its user)."""
    azure_client_id: Optional[pulumi.Input[str]] = None
    """Azure: the federated identity's client id the node signs in to Entra ID as."""
    azure_tenant_id: Optional[str] = None


@dataclass(frozen=True)
class ProcessingNodeArgs:
    spec: NodeSpec
    """The node's spec entry."""
    environment: str
    """Environment name: prefix of physical names and a telemetry resource attribute."""
    oidc_provider_arn: str
    """IAM OIDC provider of the cluster's service-account issuer (the IRSA trust)."""
    keda_operator_role_arn: pulumi.Input[str]
    """The cluster's KEDA operator role: the only principal the scaler role trusts."""
    queues: tuple[ConsumedQueue, ...]
    """Queues it reads, resolved to the copy in its region (or the primary for on-prem nodes)."""
    topics: tuple[PublishedTopic, ...]
    """Topics it publishes to."""
    broker_cidrs: tuple[str, ...]
    """Networks whose endpoints serve those queues and topics (egress HTTPS only to these)."""
    telemetry: Telemetry
    """Where the OpenTelemetry collector runs."""
    cluster_provider: pulumi.ProviderResource
    """The node's cluster: every Kubernetes object goes through it, never an ambient kubeconfig."""
    aws_provider: pulumi.ProviderResource
    """Provider for the IAM roles (IAM is global; the primary region's provider carries the account guard)."""
    create_namespace: bool = True
    """False when another node of the same cluster already creates the namespace."""
    namespace_resource: Optional[pulumi.Resource] = None
    """That other node's namespace, to wait for."""
    addons: Optional[pulumi.Resource] = None
    """The cluster's add-ons component (KEDA): ScaledObjects need its CRDs."""
    production: bool = False
    """Production tier: spread strictly across zones."""
    flags: Optional[FlagSwitches] = None
    """The rollback switches of the integration named after the node: read grant and where to find them."""
    pod_identity_webhook: bool = True
    """EKS: the webhook injects the web-identity token; elsewhere the pod spec projects it itself."""
    scraper: Optional[Scraper] = None
    """Who scrapes the node's metrics port (an integration monitors it): the network policy admits them."""
    caches: tuple[CacheClient, ...] = ()
    """Caches the node owns: it applies their invalidations and reads and writes their entries."""


class ProcessingNode(pulumi.ComponentResource):
    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    """The workload role's name: other capabilities attach their grants to it (a saga's task-token callbacks)."""
    scaler_role_arn: pulumi.Output[str]
    namespace: str
    queue_length_targets: dict[str, int]
    namespace_resource: Optional[Namespace]

    def __init__(self, name: str, args: ProcessingNodeArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:compute:ProcessingNode", name, None, opts)
        spec = args.spec
        ns = spec.k8s_namespace
        k8s = pulumi.ResourceOptions(parent=self, provider=args.cluster_provider)
        aws = pulumi.ResourceOptions(parent=self, provider=args.aws_provider)
        workload = manifests.Workload(
            name=spec.name, namespace=ns, image=spec.image, region_label=manifests.region_label(spec.region),
            residency_zone=spec.residency_zone, production=args.production, probe_port=spec.probes.port,
            metrics_port=spec.metrics_port,
            startup_path=spec.probes.startup_path, liveness_path=spec.probes.liveness_path,
            readiness_path=spec.probes.readiness_path, cpu_request=spec.resources.cpu_request,
            cpu_limit=spec.resources.cpu_limit, memory_request=spec.resources.memory_request,
            memory_limit=spec.resources.memory_limit)
        meta_labels = manifests.labels(workload)

        self.namespace_resource = None
        after_ns: list[pulumi.Resource] = [args.namespace_resource] if args.namespace_resource else []
        if args.create_namespace:
            self.namespace_resource = Namespace(f"{name}-namespace", metadata={
                "name": ns, "labels": {"app.kubernetes.io/part-of": "hybrid-integration"}}, opts=k8s)
            after_ns = [self.namespace_resource]
        in_ns = pulumi.ResourceOptions.merge(k8s, pulumi.ResourceOptions(depends_on=after_ns))

        queue_arns = [q.arn for q in args.queues]
        role = iam.Role(f"{name}-role", name=node_role_name(args.environment, spec.name),
                        description=f"IRSA role of processing node {spec.name} ({ns}/{spec.name})",
                        assume_role_policy=workload_identity.trust_policy(
                            args.oidc_provider_arn, workload_identity.service_account_subject(ns, spec.name)),
                        max_session_duration=3600, opts=aws,
                        # The context it acts for: an entity's change topic admits only its owner's publishers.
                        tags={"component": manifests.COMPONENT, CONTEXT_TAG: spec.owner})
        key_arns = [q.key_arn for q in args.queues] + [t.key_arn for t in args.topics]
        tables = [q.dedup_table.arn for q in args.queues if q.dedup_table is not None]
        iam.RolePolicy(f"{name}-access", role=role.name, name="node-access",
                       policy=pulumi.Output.all(queue_arns, [t.arn for t in args.topics], key_arns, tables).apply(
                           lambda a: self._access(args, *a)), opts=aws)
        for cache in args.caches:
            if cache.connect_policy is not None:
                iam.RolePolicy(f"{name}-cache-{cache.name}", role=role.name, name=f"cache-{cache.name}-connect",
                               policy=cache.connect_policy, opts=aws)
        if args.flags is not None:
            iam.RolePolicy(f"{name}-flags-access", role=role.name, name="read-rollback-switches",
                           policy=pulumi.Output.all(args.flags.environment_arn, args.flags.profile_id).apply(
                               lambda a: flags_read_policy(*a)), opts=aws)
        # KEDA's operator reads queue depth through its own, narrower role: the worker's grants stay with the worker.
        scaler = iam.Role(f"{name}-scaler-role", name=node_scaler_role_name(args.environment, spec.name),
                          description=f"Queue-depth reader for the KEDA scaler of processing node {spec.name}",
                          assume_role_policy=pulumi.Output.from_input(args.keda_operator_role_arn).apply(
                              identity.operator_trust_policy),
                          max_session_duration=3600, tags={"component": manifests.COMPONENT}, opts=aws)
        iam.RolePolicy(f"{name}-scaler-access", role=scaler.name, name="queue-depth",
                       policy=pulumi.Output.all(*queue_arns).apply(identity.scaler_policy), opts=aws)

        account = ServiceAccount(f"{name}-service-account", metadata={
            "name": spec.name, "namespace": ns, "labels": meta_labels,
            "annotations": {"eks.amazonaws.com/role-arn": role.arn,
                            "eks.amazonaws.com/sts-regional-endpoints": "true"}},
            opts=in_ns)

        region = args.queues[0].region
        endpoint = (f"http://{args.telemetry.collector_service}.{args.telemetry.collector_namespace}.svc:"
                    f"{args.telemetry.collector_port}")
        attributes = {"deployment.environment.name": args.environment, "cloud.region": spec.region,
                      "k8s.cluster.name": spec.cluster, "k8s.namespace.name": ns, "service.owner": spec.owner}
        env = manifests.otel_env(spec.name, endpoint, attributes)
        env += [{"name": "AWS_REGION", "value": region}, {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"}]
        env += [{"name": manifests.env_name("QUEUE", q.name, "URL"), "value": q.url} for q in args.queues]
        env += [{"name": manifests.env_name("TOPIC", t.name, "ARN"), "value": t.arn} for t in args.topics]
        # Idempotency (practice 1.6): the workload records processed keys in its queue's table.
        env += [{"name": manifests.env_name("DEDUP", q.name, "TABLE"), "value": q.dedup_table.name}
                for q in args.queues if q.dedup_table is not None]

        env += self._cache_env(args)
        if args.flags is not None:
            # Rollback switches (practice 6.6): the AppConfig Data session identifiers, in the integration's region.
            env += [{"name": "APPCONFIG_REGION", "value": args.flags.region},
                    {"name": "APPCONFIG_APPLICATION_ID", "value": args.flags.application_id},
                    {"name": "APPCONFIG_ENVIRONMENT_ID", "value": args.flags.environment_id},
                    {"name": "APPCONFIG_PROFILE_ID", "value": args.flags.profile_id}]
        volumes: list[tuple[dict, dict]] = []
        if not args.pod_identity_webhook:
            # No pod identity webhook here (on-prem, AKS): the pod spec carries the token and variables it injects.
            env += workload_identity.web_identity_env(role.arn)
            volumes.append((workload_identity.web_identity_volume(), workload_identity.web_identity_mount()))
        if any(c.azure_client_id is not None for c in args.caches):
            # An Azure cache's Entra sign-in: a second projected token, for Entra's token exchange audience.
            volumes.append((workload_identity.azure_identity_volume(), workload_identity.azure_identity_mount()))
        meta = {"name": spec.name, "namespace": ns, "labels": meta_labels}
        deployment = Deployment(f"{name}-deployment", metadata=meta,
                                spec=manifests.deployment_spec(workload, spec.name, env, volumes),
                                opts=pulumi.ResourceOptions.merge(in_ns, pulumi.ResourceOptions(depends_on=[account])))
        PodDisruptionBudget(f"{name}-pdb", metadata=meta, spec=manifests.disruption_budget_spec(workload), opts=in_ns)
        NetworkPolicy(f"{name}-network-policy", metadata=meta, spec=manifests.network_policy_spec(
            workload, args.broker_cidrs, args.telemetry.collector_namespace, args.telemetry.collector_pod_labels,
            args.telemetry.collector_port,
            (args.scraper.namespace, args.scraper.pod_labels) if args.scraper else None,
            [(c.cidr, port) for c in args.caches for port in c.ports]), opts=in_ns)

        needs_crds = [*after_ns, *([args.addons] if args.addons else [])]
        crd_opts = pulumi.ResourceOptions.merge(k8s, pulumi.ResourceOptions(depends_on=needs_crds))
        auth_name = f"{spec.name}-aws"
        auth = CustomResource(f"{name}-trigger-auth", api_version=KEDA_API, kind="TriggerAuthentication",
                              metadata={"name": auth_name, "namespace": ns, "labels": meta_labels},
                              spec=scaler.arn.apply(manifests.trigger_auth_spec), opts=crd_opts)
        CustomResource(f"{name}-scaled-object", api_version=KEDA_API, kind="ScaledObject", metadata=meta,
                       spec=manifests.scaled_object_spec(workload, spec.scaling.min_replicas, spec.scaling.max_replicas,
                                                         auth_name, [(q.url, q.region, q.length_target) for q in args.queues]),
                       opts=pulumi.ResourceOptions.merge(crd_opts, pulumi.ResourceOptions(depends_on=[deployment, auth])))

        self.role_arn = role.arn
        self.role_name = role.name
        self.scaler_role_arn = scaler.arn
        self.namespace = ns
        self.queue_length_targets = {q.name: q.length_target for q in args.queues}
        self.register_outputs({"role_arn": self.role_arn, "scaler_role_arn": self.scaler_role_arn,
                               "namespace": ns, "queue_length_targets": self.queue_length_targets})

    @staticmethod
    def _cache_env(args: ProcessingNodeArgs) -> list[dict]:
        """Where each owned cache is, how the node signs in, the TTL it applies and the queue its invalidations
        arrive on (the queue URL output of the copy the node reads)."""
        urls = {q.name: q.url for q in args.queues}
        env: list[dict] = []
        for cache in args.caches:
            var = lambda suffix, c=cache: manifests.env_name("CACHE", c.name, suffix)  # noqa: E731
            env += [{"name": var("ENDPOINT"), "value": cache.endpoint},
                    {"name": var("PORT"), "value": str(cache.ports[0])},
                    {"name": var("TLS"), "value": "true"},
                    {"name": var("AUTH"), "value": "entra" if cache.azure_client_id is not None else "iam"},
                    {"name": var("USER"), "value": cache.user},
                    {"name": var("TTL_SECONDS"), "value": str(cache.ttl_seconds)},
                    {"name": var("KEY_PREFIXES"), "value": cache.key_prefixes},
                    {"name": var("INVALIDATION_QUEUE_URL"), "value": urls[cache.invalidation_queue]}]
        azure = next((c for c in args.caches if c.azure_client_id is not None), None)
        if azure is not None:
            env += workload_identity.azure_identity_env(azure.azure_client_id, azure.azure_tenant_id)
        return env

    @staticmethod
    def _access(args: ProcessingNodeArgs, queue_arns: list[str], topic_arns: list[str], keys: list[str],
                tables: list[str]) -> str:
        queue_keys: dict[str, list[str]] = {}
        topic_keys: dict[str, list[str]] = {}
        table_keys: dict[str, list[str]] = {}
        for queue, key in zip(args.queues, keys):
            queue_keys.setdefault(f"sqs.{queue.region}.amazonaws.com", []).append(key)
            if queue.dedup_table is not None:
                table_keys.setdefault(f"dynamodb.{queue.region}.amazonaws.com", []).append(key)
        for topic, key in zip(args.topics, keys[len(args.queues):]):
            topic_keys.setdefault(f"sns.{topic.region}.amazonaws.com", []).append(key)
        return identity.access_policy(queue_arns, topic_arns,
                                      {s: sorted(set(k)) for s, k in queue_keys.items()},
                                      {s: sorted(set(k)) for s, k in topic_keys.items()},
                                      tables, {s: sorted(set(k)) for s, k in table_keys.items()})
