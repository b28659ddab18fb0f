"""Spec models for monitoring from SLOs, on-call escalation, log hygiene, audit retention and rollback switches.

Practices 6.4 (alert thresholds from business impact), 7.6 (escalation paths and on-call), 5.2 (mask
sensitive data in logs), 5.3 (audit trails) and 6.6 (rollback through feature toggles / circuit breakers).
"""

from __future__ import annotations

from typing import Annotated, Iterator, Literal, Optional

from pydantic import AfterValidator, Field

from .base import LOG_RETENTION_DAYS, Name, SecretRef, SpecModel, unresolved_secret
from .brokers import kinds_where
from .integration_design import ApiCall, DesignStandards, Pattern, Payload, Requirements

Severity = Literal["critical", "warning"]
PAGING_KINDS = frozenset({"pagerduty", "opsgenie"})

# What logs mask when a spec names nothing: contact data, card numbers and leaked AWS keys.
DEFAULT_MASKED_IDENTIFIERS = ("EmailAddress", "CreditCardNumber", "AwsSecretKey")
# CloudWatch Logs managed data identifiers the blueprint lets a spec name (the AWS catalogue is larger).
DATA_IDENTIFIERS = frozenset({
    "EmailAddress", "CreditCardNumber", "CreditCardSecurityCode", "CreditCardExpiration", "AwsSecretKey",
    "OpenSshPrivateKey", "PgpPrivateKey", "PkcsPrivateKey", "PuttyPrivateKey", "IpAddress", "Address",
    "PhoneNumber-US", "PhoneNumber-DE", "PhoneNumber-GB", "PhoneNumber-FR", "BankAccountNumber-DE",
    "BankAccountNumber-GB", "BankAccountNumber-FR", "BankAccountNumber-US", "Name", "DriversLicense-US",
})


def _percentage_below_100(value: float) -> float:
    if not 0 < value < 100:
        raise ValueError(f"expected a percentage above 0 and below 100 (100 % leaves no error budget), got {value:g}")
    return value


Percent = Annotated[float, AfterValidator(_percentage_below_100)]


def _data_identifier(value: str) -> str:
    if value not in DATA_IDENTIFIERS:
        raise ValueError(f"unknown data identifier {value!r}; expected one of {', '.join(sorted(DATA_IDENTIFIERS))}")
    return value


class EndpointRef(SecretRef):
    """An on-call endpoint: one entry of a secret config key holding a JSON map (e.g. oncallEndpoints)."""

    entry: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="key within the secret JSON map")


class OncallTarget(SpecModel):
    name: Name
    kind: Literal["pagerduty", "opsgenie", "email", "chat"] = Field(
        description="paging service (pagerduty, opsgenie) or notification (email, chat)")
    endpoint: EndpointRef = Field(description="entry of the secret on-call endpoint map holding the target's address")
    severities: list[Severity] = Field(min_length=1, description="severities routed to this target")

    @property
    def pages(self) -> bool:
        """Paging services wake someone up; e-mail and chat only notify."""
        return self.kind in PAGING_KINDS


class PercentObjective(SpecModel):
    target_percent: Percent = Field(description="objective, in percent")
    severity: Severity = Field(description="severity of the alarm when the objective is missed")


class ValueObjective(SpecModel):
    target: float = Field(gt=0, description="objective, in the unit the field names")
    severity: Severity = Field(description="severity of the alarm when the objective is missed")


class Slos(SpecModel):
    availability: Optional[PercentObjective] = Field(default=None, description="share of successful requests")
    latency_p99_ms: Optional[ValueObjective] = Field(default=None, description="99th-percentile latency, milliseconds")
    error_rate: Optional[PercentObjective] = Field(default=None, description="highest acceptable error share")
    backlog_age_seconds: Optional[ValueObjective] = Field(default=None, description="oldest queued message, seconds")

    def declared(self) -> dict[str, PercentObjective | ValueObjective]:
        return {k: v for k, v in (("availability", self.availability), ("latency_p99_ms", self.latency_p99_ms),
                                  ("error_rate", self.error_rate), ("backlog_age_seconds", self.backlog_age_seconds))
                if v is not None}


class InClusterWorkload(SpecModel):
    """Where the integration runs in Kubernetes: the processing node of the integration's name on this cluster
    and namespace, scraped on its `metrics` port by Prometheus and judged by PrometheusRule."""

    cluster: Name
    namespace: str = Field(pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
                           description="Kubernetes namespace the workload runs in")


class Integration(SpecModel):
    """One flow between two bounded contexts (or within one): how it travels, in what, needing what (1.1-1.5)."""

    name: Name
    owner: str = Field(min_length=1, description="owning team, used in tags and the catalog: the producer or consumer")
    producer: str = Field(min_length=1, description="bounded context that produces the data: publishes the events, "
                                                    "or serves the API a synchronous consumer calls")
    consumer: str = Field(min_length=1, description="bounded context that consumes the events or calls the API")
    pattern: Pattern = Field(description="sync: request/response through a gateway API (api); async: through a "
                                         "broker (broker); point-to-point: directly, neither broker nor gateway")
    api: Optional[ApiCall] = Field(default=None, description="sync: the gateway API and version the consumer calls")
    payload: Optional[Payload] = Field(default=None, description="format, schema and envelope of what travels")
    requires: Requirements = Field(default_factory=Requirements,
        description="end-to-end availability and p99 latency the consumer needs; default the integration's SLOs")
    transactional: bool = Field(default=False,
        description="the flow needs transactional integrity across its contexts (both sides commit or neither)")
    saga: Optional[Name] = Field(default=None,
        description="data.sagas[].name that keeps a transactional integration consistent (required for async)")
    region: str = Field(description="AWS region (CloudWatch alarms) or the environment's Azure location (Azure Monitor "
                                    "metric alerts on its Service Bus broker) the integration's metrics live in")
    broker: Optional[str] = Field(default=None, description="async: the messaging broker the flow goes through")
    queue: Optional[str] = Field(default=None, description="the broker's queue it consumes: its backlog age is the "
                                                           "backlog SLO")
    workload: Optional[InClusterWorkload] = Field(default=None,
        description="the in-cluster workload, for Prometheus scraping and rules")
    slos: Slos = Field(description="service level objectives; each becomes an alarm at its severity")
    flags: dict[str, bool] = Field(default_factory=lambda: {"kill_switch": False, "circuit_breaker_open": False},
                                   description="AppConfig feature flags and their initial values")

    def required_availability(self) -> Optional[float]:
        """What the consumer needs: `requires`, else the integration's own availability objective."""
        if self.requires.availability_percent is not None:
            return self.requires.availability_percent
        return self.slos.availability.target_percent if self.slos.availability else None

    def required_latency_ms(self) -> Optional[float]:
        if self.requires.latency_p99_ms is not None:
            return self.requires.latency_p99_ms
        return self.slos.latency_p99_ms.target if self.slos.latency_p99_ms else None


class RolloutStrategy(SpecModel):
    """How AppConfig rolls out flag changes; a critical alarm during the bake rolls them back."""

    deployment_minutes: int = Field(default=10, ge=0, le=1440,
                                    description="minutes a flag change takes to reach every target")
    bake_minutes: int = Field(default=10, ge=0, le=1440,
                              description="minutes after a rollout during which a critical alarm rolls it back")
    growth_percent: float = Field(default=20, ge=1, le=100, description="share of targets each rollout step adds")
    growth_type: Literal["LINEAR", "EXPONENTIAL"] = Field(default="LINEAR", description="how the steps grow")


class ObservabilitySpec(SpecModel):
    log_retention_days: Literal[LOG_RETENTION_DAYS] = Field(  # type: ignore[valid-type]
        default=90, description="retention of application log groups, days (a value CloudWatch Logs accepts)")
    audit_retention_days: int = Field(default=365, ge=30, le=3653, description="CloudTrail objects and audit logs")
    masked_identifiers: list[Annotated[str, AfterValidator(_data_identifier)]] = Field(
        default_factory=lambda: list(DEFAULT_MASKED_IDENTIFIERS), min_length=1,
        description="CloudWatch managed data identifiers masked in logs")
    oncall: list[OncallTarget] = Field(default_factory=list, description="where alerts go, by severity")
    integrations: list[Integration] = Field(default_factory=list,
        description="integrations with SLOs: each gets alarms, a dashboard and rollback switches")
    rollout: RolloutStrategy = Field(default_factory=RolloutStrategy,
                                     description="how flag changes roll out through AppConfig")
    standards: DesignStandards = Field(default_factory=DesignStandards,
        description="boundary format and envelope and the fan-out threshold the design checks judge integrations by")

    def targets_for(self, severity: str) -> list[OncallTarget]:
        return [t for t in self.oncall if severity in t.severities]

    def secret_keys(self) -> set[str]:
        return {t.endpoint.secret for t in self.oncall}


def check_observability(spec, declared_secret_keys: set[str] | None) -> Iterator[tuple[str, str]]:
    """Cross-field checks for the `observability` section; `spec` is the EnvironmentSpec."""
    section = spec.observability
    regions = set(spec.aws_region_names())
    azure_location = spec.regions.azure.location if spec.regions.azure else None
    clusters = {c.name for c in spec.clusters}
    nodes = {(n.name, n.cluster, n.k8s_namespace) for n in spec.processing.nodes}
    brokers = {b.name: b for b in spec.messaging.brokers}
    names = [t.name for t in section.oncall]
    for i, target in enumerate(section.oncall):
        if target.name in names[:i]:
            yield f"observability.oncall[{i}].name", f"duplicate name {target.name!r}: names must be unique here"
        yield from unresolved_secret(f"observability.oncall[{i}].endpoint.secret", target.endpoint.secret,
                                     declared_secret_keys)
    if section.integrations and not any(t.pages for t in section.targets_for("critical")):
        yield "observability.oncall", "critical alarms must page: expected a pagerduty or opsgenie target with severity critical"
    seen: set[str] = set()
    for i, integration in enumerate(section.integrations):
        path = f"observability.integrations[{i}]"
        if integration.name in seen:
            yield f"{path}.name", f"duplicate name {integration.name!r}: names must be unique here"
        seen.add(integration.name)
        on_azure = azure_location is not None and integration.region == azure_location
        if integration.region not in regions and not on_azure:
            yield (f"{path}.region", f"undefined region {integration.region!r}; expected one of regions.aws: "
                   f"{', '.join(sorted(regions))}" + (f", or the Azure location {azure_location!r}" if azure_location else ""))
        if on_azure:
            yield from _check_azure_integration(path, integration, brokers)
        if not integration.slos.declared():
            yield f"{path}.slos", "expected at least one SLO (availability, latency_p99_ms, error_rate, backlog_age_seconds)"
        for slo, objective in integration.slos.declared().items():
            if not section.targets_for(objective.severity):
                yield (f"{path}.slos.{slo}.severity",
                       f"severity {objective.severity!r} has no on-call target; expected an observability.oncall[] "
                       f"entry whose severities include it")
        if integration.slos.declared() and "critical" not in {o.severity for o in integration.slos.declared().values()}:
            yield f"{path}.slos", "expected at least one SLO with severity critical, so a failure pages someone"
        if integration.queue is not None and integration.broker is None:
            yield f"{path}.queue", "a queue belongs to a broker; expected broker with queue"
        elif integration.broker is not None and integration.queue is None:
            if integration.broker not in brokers:
                yield f"{path}.broker", f"undefined broker {integration.broker!r}; expected one of messaging.brokers[].name: {', '.join(sorted(brokers)) or 'none'}"
        elif integration.broker is not None:
            broker = brokers.get(integration.broker)
            if broker is None:
                yield f"{path}.broker", f"undefined broker {integration.broker!r}; expected one of messaging.brokers[].name: {', '.join(sorted(brokers)) or 'none'}"
            elif integration.queue not in {q.name for q in broker.queue_specs()}:
                yield f"{path}.queue", f"undefined queue {integration.queue!r}; expected one of broker {broker.name!r}'s queues"
            elif integration.region not in broker.copy_regions():
                yield f"{path}.region", f"expected the broker's region {broker.placement!r} (or its standby region)"
        if integration.slos.backlog_age_seconds and integration.queue is None:
            yield f"{path}.slos.backlog_age_seconds", "a backlog SLO needs the integration's broker and queue"
        if integration.workload and integration.workload.cluster not in clusters:
            yield (f"{path}.workload.cluster",
                   f"undefined cluster {integration.workload.cluster!r}; expected one of clusters[].name: {', '.join(sorted(clusters)) or 'none'}")
        elif integration.workload and (integration.name, integration.workload.cluster, integration.workload.namespace) not in nodes:
            yield (f"{path}.workload", f"no processing node named {integration.name!r} runs on cluster "
                   f"{integration.workload.cluster!r} in namespace {integration.workload.namespace!r}, so the PodMonitor "
                   "would scrape nothing; expected a processing.nodes[] entry with that name, cluster and namespace")


# Azure Monitor metric alerts judge one platform metric against a static threshold: no ratios and Service Bus
# publishes no message age, so on Azure only the latency objective maps faithfully (ServerSendLatency).
AZURE_SLOS = frozenset({"latency_p99_ms"})


def _check_azure_integration(path: str, integration: Integration, brokers: dict) -> Iterator[tuple[str, str]]:
    broker = brokers.get(integration.broker) if integration.broker else None
    if integration.broker is None:
        yield f"{path}.broker", "an integration in the Azure location needs its service-bus broker (the alert scope)"
    elif broker is not None and not broker.scopes_azure_integrations:
        expected = " or ".join(kinds_where(lambda m: m.scopes_azure_integrations))
        yield f"{path}.broker", f"broker {broker.name!r} is {broker.kind}; expected a {expected} broker on Azure"
    for slo in sorted(set(integration.slos.declared()) - AZURE_SLOS):
        yield (f"{path}.slos.{slo}", f"{slo} cannot be a Service Bus metric alert (no ratio or message-age metric); "
               f"expected only {', '.join(sorted(AZURE_SLOS))} for an integration in the Azure location")
