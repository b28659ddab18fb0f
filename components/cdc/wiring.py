"""How the platform builder turns `data.cdc.sources` into ChangeDataCapture components (kept out of platform.py).

Every fact about a broker comes from the Broker's public `kafka` facts; the login secret's ARN and key from the
secrets component's outputs.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import pulumi

from ..alerting import AlertRoutes
from ..providers import platform_tags
from ..spec import EnvironmentSpec
from ..spec.brokers import MskBroker
from ..spec.cdc import CdcSource, connect_name, connect_namespace, critical_entities
from .audit_sink import AuditStore
from .component import ChangeDataCapture, ChangeDataCaptureArgs, MskConnectTarget, StrimziTarget
from .msk_connect import ConnectorNetwork, LoginSecret, MskCluster
from .strimzi_connect import StrimziCluster


def _credentials_secret(spec: EnvironmentSpec, source: CdcSource, cluster: str) -> str:
    """The Kubernetes Secret name External Secrets writes the login to (the spec check guarantees the sync)."""
    secret = next(s for s in spec.secrets.secrets if s.name == source.login)  # type: ignore[union-attr]
    sync = next(x for x in secret.sync if x.cluster == cluster and x.workload == connect_name(source))
    return sync.target_secret or secret.name


def build_cdc(spec: EnvironmentSpec, providers: Any, networks: Mapping[str, Any], brokers: Mapping[str, Any],
              addons: Mapping[str, pulumi.Resource], vault: Any, alerts: AlertRoutes,
              audit: Optional[Any] = None) -> dict[str, object]:
    """One ChangeDataCapture per source; returns the stack outputs (connector names per source, and the audit
    sinks of critical entities). `audit` is the audit trail component (its bucket, key and region)."""
    by_name = {b.name: b for b in spec.messaging.brokers}
    regions = {r.region: r for r in spec.regions.aws.all()}
    sites = {s.name: s for s in spec.sites}
    components: dict[str, ChangeDataCapture] = {}
    critical = critical_entities(spec)
    clusters = {c.name: c for c in spec.clusters}
    store = (AuditStore(bucket_name=audit.bucket_name, bucket_arn=audit.bucket_arn, key_arn=audit.key_arn,
                        region=audit.region, provider=providers.for_aws(audit.region))
             if audit is not None else None)
    for source in spec.data.cdc.sources:
        broker_spec, kafka = by_name[source.broker], brokers[source.broker].kafka
        assert source.login is not None and kafka is not None  # the spec check refuses both
        if isinstance(broker_spec, MskBroker):
            region = broker_spec.region
            assert region is not None
            network = networks[region]
            vpc_cidr = str(regions[region].cidr)
            target: MskConnectTarget | StrimziTarget = MskConnectTarget(
                provider=providers.for_aws(region), region=region,
                cluster=MskCluster(arn=kafka.cluster_arn, bootstrap_brokers=kafka.bootstrap),
                network=ConnectorNetwork(vpc_id=network.vpc_id, subnet_ids=network.private_subnet_ids, vpc_cidr=vpc_cidr,
                                         database_cidr=str(sites[source.site].cidr) if source.site else vpc_cidr,
                                         s3_prefix_list_id=network.s3_prefix_list_id),
                login=LoginSecret(arn=vault.secret_arns.apply(lambda arns, n=source.login: arns[n]),
                                  key_arn=vault.key_arn),
                replication=min(3, broker_spec.size.nodes or 3))
        else:
            cluster = kafka.kubernetes_cluster
            assert cluster is not None and kafka.namespace == connect_namespace(broker_spec.name)
            target = StrimziTarget(
                provider=providers.for_cluster(cluster),
                kafka=StrimziCluster(kafka_name=str(kafka.cluster_name), namespace=kafka.namespace,
                                     bootstrap=kafka.bootstrap, client_auth=kafka.client_auth),
                credentials_secret=_credentials_secret(spec, source, cluster),
                waits=tuple(w for w in (addons.get(cluster), brokers[source.broker], vault) if w is not None),
                oidc_provider_arn=clusters[cluster].oidc_provider_arn)
        components[source.name] = ChangeDataCapture(f"cdc-{source.name}", ChangeDataCaptureArgs(
            source=source, target=target, environment=spec.name, account=spec.accounts.aws.account_id,
            alerts=alerts, alert_region=spec.regions.aws.primary.region,
            log_retention_days=spec.observability.log_retention_days,
            masked_identifiers=tuple(spec.observability.masked_identifiers), tags=platform_tags(spec),
            protect=spec.production, critical_entities=critical, audit=store))
    if not components:
        return {}
    outputs: dict[str, object] = {"cdc_connectors": {name: c.connector_name for name, c in components.items()}}
    sinks = {name: c.audit_sinks for name, c in components.items() if c.audit_sinks}
    if sinks:
        outputs["cdc_audit_sinks"] = sinks
    return outputs
