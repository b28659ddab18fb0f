"""What must exist before the stack: declared, typed, and the only place an external identifier may come from.

A real `pulumi up` fails (or silently wires nothing) when an input names something that is neither created by
the stack nor already there. The contract checks (scripts/contracts) therefore resolve every in-account
reference against the plan plus this section. Everything here is created outside the stack (by a network
team, a certificate authority, a platform team); the stack only refers to it, and `purpose` says why.

The section is optional and every list defaults to empty, so specs written before it still validate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Iterator, Literal, Optional

from pydantic import Field, model_validator

from .base import Name, SpecModel
from .cdc import setup_purpose

AWS_ACCOUNT_RE = r"\d{12}"
IAM_ROLE_ARN = rf"^arn:aws:iam::{AWS_ACCOUNT_RE}:role/[\w+=,.@/-]+$"
# Principals a policy may name: a role, a user, or a whole account (its root).
IAM_PRINCIPAL_ARN = rf"^arn:aws:iam::{AWS_ACCOUNT_RE}:(role/[\w+=,.@/-]+|user/[\w+=,.@/-]+|root)$"
ACM_CERTIFICATE_ARN = rf"^arn:aws:acm:[a-z]{{2}}(-gov)?-[a-z]+-\d:{AWS_ACCOUNT_RE}:certificate/[0-9a-f-]{{36}}$"
GUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
DNS_NAME = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
K8S_NAMESPACE = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"  # RFC 1123 label

Purpose = Field(min_length=10, description="why the stack needs it and who owns it (shown on the checklist)")


class DeployRole(SpecModel):
    """An IAM role a deployment assumes (besides accounts.aws.deploy_role_arn, which is always declared)."""

    arn: str = Field(pattern=IAM_ROLE_ARN, description="the role's ARN")
    purpose: str = Purpose


class Certificate(SpecModel):
    """An ACM certificate issued (and DNS-validated) outside the stack."""

    arn: str = Field(pattern=ACM_CERTIFICATE_ARN, description="the certificate's ARN")
    domain: str = Field(
        pattern=DNS_NAME, max_length=253, description="the name it covers (a *. wildcard is written as its parent)")
    purpose: str = Purpose

    @property
    def region(self) -> str:
        return self.arn.split(":")[3]


class DirectConnectConnection(SpecModel):
    """A Direct Connect connection or LAG the network team ordered; the stack only adds virtual interfaces."""

    id: str = Field(pattern=r"^dx(con|lag)-[a-z0-9]{8,}$", description="connection (dxcon-) or LAG (dxlag-) id")
    region: str = Field(description="AWS region the connection terminates in")
    site: str = Field(description="sites[].name it connects")
    purpose: str = Purpose


class ClusterPrerequisite(SpecModel):
    """What a cluster (declared in clusters[]) already has before the stack: its cloud id, namespaces."""

    name: Name = Field(description="clusters[].name")
    resource_id: Optional[str] = Field(
        default=None, pattern=r"^(arn:aws:eks:[a-z0-9-]+:\d{12}:cluster/[\w-]+|/subscriptions/[0-9a-f-]{36}/resourceGroups/.+)$",
        description="EKS cluster ARN or AKS resource id, when something in the stack refers to the cluster by it")
    namespaces: list[Annotated[str, Field(pattern=K8S_NAMESPACE, max_length=63)]] = Field(
        default_factory=list, description="namespaces the cluster's owners create (beyond built-ins)")
    purpose: str = Purpose


class DnsDelegation(SpecModel):
    """A zone delegated to (or hosted for) the stack from outside, and the names in it the stack may point at."""

    zone: str = Field(pattern=DNS_NAME, max_length=253, description="the zone's apex")
    hosted_zone_id: Optional[str] = Field(default=None, pattern=r"^Z[A-Z0-9]{1,31}$",
                                          description="Route 53 hosted zone id when the zone exists before the stack")
    names: list[Annotated[str, Field(pattern=DNS_NAME, max_length=253)]] = Field(
        default_factory=list, description="records in the zone defined outside the stack")
    purpose: str = Purpose


class ApiGatewayAccount(SpecModel):
    """The API Gateway account setting of one region, owned outside the stack: the role REST stages log with.

    API Gateway keeps one CloudWatch Logs role per account and region (`aws:apigateway/account`); a REST stage
    with execution logging fails ("CloudWatch Logs role ARN must be set in account settings") until it is set.
    https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html"""

    region: str = Field(description="AWS region of the setting (one per account and region)")
    cloudwatch_role_arn: str = Field(pattern=IAM_ROLE_ARN,
                                     description="the role the setting names (trusts apigateway.amazonaws.com)")
    purpose: str = Purpose


class AzureDeployer(SpecModel):
    """The Entra ID identity `pulumi up` runs as in Azure (the CI service principal or workload identity).

    The stack grants it data-plane roles it needs to deploy (App Configuration Data Owner, so ARM may write
    key-values in pass-through mode); it never creates or changes the identity itself."""

    object_id: str = Field(pattern=GUID, description="the identity's Entra ID object id (not its client id)")
    principal_type: Literal["ServicePrincipal", "User", "Group"] = Field(
        default="ServicePrincipal", description="what kind of principal the object id is")
    purpose: str = Purpose


class ExternalPrincipal(SpecModel):
    """An identity the stack grants access to but does not create: another team's role, a partner account."""

    arn: Optional[str] = Field(default=None, pattern=IAM_PRINCIPAL_ARN, description="AWS role, user or account root")
    azure_object_id: Optional[str] = Field(default=None, pattern=GUID, description="Entra ID object id")
    purpose: str = Purpose

    @model_validator(mode="after")
    def _one_identity(self) -> "ExternalPrincipal":
        if (self.arn is None) == (self.azure_object_id is None):
            raise ValueError("an external principal names exactly one of arn or azure_object_id")
        return self

    @property
    def identifier(self) -> str:
        return self.arn or self.azure_object_id or ""


class ExternalResource(SpecModel):
    """Any other resource the stack refers to but does not own: a rotation function, a load balancer, a vault secret."""

    id: str = Field(min_length=1, description="its ARN, Azure resource id or URL, exactly as inputs carry it")
    cloud: Literal["aws", "azure", "kubernetes"] = Field(description="the cloud (or cluster) the resource lives in")
    purpose: str = Purpose


PrerequisiteKind = Literal["deploy-role", "certificate", "direct-connect", "cluster", "dns-delegation",
                           "api-gateway-account", "azure-deployer", "external-principal", "external-resource"]


SECTION_OF: dict[str, str] = {
    "deploy-role": "deploy_roles", "certificate": "certificates", "direct-connect": "direct_connect",
    "cluster": "clusters", "dns-delegation": "dns_delegations", "api-gateway-account": "api_gateway_accounts",
    "azure-deployer": "azure_deployer", "external-principal": "external_principals",
    "external-resource": "external_resources"}


class Prerequisites(SpecModel):
    """The prerequisites section: one typed list per kind of thing that exists before the stack."""

    deploy_roles: list[DeployRole] = Field(default_factory=list,
        description="IAM roles deployments assume, besides accounts.aws.deploy_role_arn")
    certificates: list[Certificate] = Field(default_factory=list,
                                            description="ACM certificates issued outside the stack")
    direct_connect: list[DirectConnectConnection] = Field(default_factory=list,
        description="Direct Connect connections or LAGs ordered outside the stack")
    clusters: list[ClusterPrerequisite] = Field(default_factory=list,
        description="what each declared cluster already has: its cloud id and namespaces")
    dns_delegations: list[DnsDelegation] = Field(default_factory=list,
        description="DNS zones delegated to the stack and the names it may point at")
    api_gateway_accounts: list[ApiGatewayAccount] = Field(default_factory=list,
        description="per region, the API Gateway CloudWatch Logs role set outside the stack "
                    "(gateways.execution_logging_role: declared)")
    azure_deployer: Optional[AzureDeployer] = Field(default=None,
        description="the Entra ID identity deployments run as (needed when the stack writes App Configuration key-values)")
    external_principals: list[ExternalPrincipal] = Field(default_factory=list,
        description="identities the stack grants access to but does not create")
    external_resources: list[ExternalResource] = Field(default_factory=list,
        description="other resources the stack refers to but does not own")

    def entries(self) -> Iterator[tuple[PrerequisiteKind, str, SpecModel]]:
        """Every declaration as (kind, identifier, model), in spec order: the checklist's rows."""
        for role in self.deploy_roles:
            yield "deploy-role", role.arn, role
        for cert in self.certificates:
            yield "certificate", cert.arn, cert
        for dx in self.direct_connect:
            yield "direct-connect", dx.id, dx
        for cluster in self.clusters:
            yield "cluster", cluster.name, cluster
        for delegation in self.dns_delegations:
            yield "dns-delegation", delegation.zone, delegation
        for account in self.api_gateway_accounts:
            yield "api-gateway-account", account.region, account
        if self.azure_deployer is not None:
            yield "azure-deployer", self.azure_deployer.object_id, self.azure_deployer
        for principal in self.external_principals:
            yield "external-principal", principal.identifier, principal
        for resource in self.external_resources:
            yield "external-resource", resource.id, resource

    def identifiers(self) -> frozenset[str]:
        """Every ARN, id or DNS name declared to exist before the stack (what a reference may resolve to)."""
        found: set[str] = set()
        for _, identifier, model in self.entries():
            if isinstance(model, ApiGatewayAccount):  # keyed by region; references name the role
                found.add(model.cloudwatch_role_arn)
                continue
            found.add(identifier)
            if isinstance(model, ClusterPrerequisite) and model.resource_id:
                found.add(model.resource_id)
            if isinstance(model, DnsDelegation):
                found.update(model.names)
                if model.hosted_zone_id:
                    found.add(model.hosted_zone_id)
        return frozenset(found)

    def namespaces(self, cluster: str) -> frozenset[str]:
        """Namespaces declared to exist on a cluster before the stack."""
        return frozenset(ns for c in self.clusters if c.name == cluster for ns in c.namespaces)


def check_prerequisites(spec) -> Iterator[tuple[str, str]]:
    """Declarations must point at the spec's own sites, clusters and regions, and appear once."""
    pre = spec.prerequisites
    sites = {s.name for s in spec.sites}
    clusters = {c.name for c in spec.clusters}
    regions = set(spec.aws_region_names())
    for i, dx in enumerate(pre.direct_connect):
        if dx.site not in sites:
            yield f"prerequisites.direct_connect[{i}].site", f"undefined site {dx.site!r}; expected one of sites[].name ({', '.join(sorted(sites)) or 'none'})"
        if dx.region not in regions:
            yield f"prerequisites.direct_connect[{i}].region", f"expected one of regions.aws ({', '.join(sorted(regions))}), got {dx.region!r}"
    for i, cluster in enumerate(pre.clusters):
        if cluster.name not in clusters:
            yield f"prerequisites.clusters[{i}].name", f"undefined cluster {cluster.name!r}; expected one of clusters[].name ({', '.join(sorted(clusters)) or 'none'})"
    for i, account in enumerate(pre.api_gateway_accounts):
        if account.region not in regions:
            yield f"prerequisites.api_gateway_accounts[{i}].region", f"expected one of regions.aws ({', '.join(sorted(regions))}), got {account.region!r}"
        elif account.cloudwatch_role_arn.split(":")[4] != spec.accounts.aws.account_id:
            yield (f"prerequisites.api_gateway_accounts[{i}].cloudwatch_role_arn",
                   f"expected a role in account {spec.accounts.aws.account_id} (API Gateway assumes it in its own account)")
    for i, cert in enumerate(pre.certificates):
        # Regional endpoints take a certificate from their own region; CloudFront (edge) only from us-east-1.
        if cert.region not in regions | {"us-east-1"}:
            yield f"prerequisites.certificates[{i}].arn", f"expected a certificate in one of {', '.join(sorted(regions | {'us-east-1'}))}, got one in {cert.region}"
    seen: dict[str, str] = {e.id: e.field for e in typed_externals(spec)}
    counters: dict[str, int] = {}
    for kind, identifier, _ in pre.entries():
        field = SECTION_OF[kind]
        path = f"prerequisites.{field}[{counters.setdefault(field, 0)}]"
        counters[field] += 1
        if identifier in seen:
            yield path, f"{identifier!r} is declared twice (also at {seen[identifier]}); declare it once"
        seen.setdefault(identifier, path)


@dataclass(frozen=True)
class TypedExternal:
    """An external a typed field names by its role: declared by that field, listed on the checklist."""

    kind: str
    id: str
    purpose: str
    field: str


def typed_externals(spec) -> Iterator[TypedExternal]:
    """Fields whose value is, by their meaning, an identifier of something created outside the stack: the
    deploy role, clusters' OIDC providers, API certificates, the load balancers private backends sit behind,
    rotation functions, mTLS trust stores. Declaring them twice (there and in prerequisites) would be two
    sources of truth, so these fields are the declaration."""
    yield TypedExternal("deploy-role", spec.accounts.aws.deploy_role_arn,
                        "every AWS provider of the stack assumes it", "accounts.aws.deploy_role_arn")
    for i, cluster in enumerate(spec.clusters):
        if cluster.oidc_provider_arn:
            yield TypedExternal("oidc-provider", cluster.oidc_provider_arn,
                                f"cluster {cluster.name}'s service-account issuer in IAM: node and External Secrets "
                                "roles trust it", f"clusters[{i}].oidc_provider_arn")
        if cluster.oidc_issuer_url:
            yield TypedExternal("oidc-issuer", cluster.oidc_issuer_url,
                                f"cluster {cluster.name}'s service-account issuer: the External Secrets managed "
                                "identity's federated credential trusts it", f"clusters[{i}].oidc_issuer_url")
    for i, api in enumerate(spec.gateways.apis):
        at = f"gateways.apis[{i}]"
        regional = api.audience == "partner" and "aws" in api.clouds  # REST APIs get a regional name per region
        covers = (f" and regional name {api.regional_hostname(api.region)} (issued and DNS-validated outside the "
                  "stack; it must cover both names)") if regional else " (issued and DNS-validated outside the stack)"
        yield TypedExternal("certificate", api.domain.certificate_arn,
                            f"API {api.name}'s custom domain {api.domain.name}{covers}", f"{at}.domain.certificate_arn")
        if api.domain.mtls_truststore_uri:
            yield TypedExternal("trust-store", api.domain.mtls_truststore_uri,
                                f"API {api.name}'s mTLS CA bundle: partners' client certificates chain to it",
                                f"{at}.domain.mtls_truststore_uri")
        for j, version in enumerate(api.versions):
            if version.backend.vpc_link_target_arn:
                yield TypedExternal("load-balancer", version.backend.vpc_link_target_arn,
                                    f"API {api.name} {version.version}'s private backend: the VPC link targets it",
                                    f"{at}.versions[{j}].backend.vpc_link_target_arn")
        if api.standby:
            yield TypedExternal("certificate", api.standby.certificate_arn,
                                f"API {api.name}'s custom domain {api.domain.name} and regional name "
                                f"{api.regional_hostname(api.standby.region)} in its standby region (issued and "
                                "DNS-validated outside the stack; it must cover both names)",
                                f"{at}.standby.certificate_arn")
            for version, arn in sorted(api.standby.vpc_link_target_arns.items()):
                yield TypedExternal("load-balancer", arn,
                                    f"API {api.name} {version}'s private backend in the standby region "
                                    f"{api.standby.region}: the copy's VPC link targets it",
                                    f"{at}.standby.vpc_link_target_arns.{version}")
    for i, source in enumerate(spec.data.cdc.sources):
        at = f"data.cdc.sources[{i}]"
        yield TypedExternal(f"cdc-{source.engine}", source.address,
                            f"CDC source {source.name} (owner {source.owner}): {setup_purpose(source)}", f"{at}.setup")
        if source.msk_connect is not None:
            plugin = source.msk_connect.plugin
            yield TypedExternal("connector-plugin", f"arn:aws:s3:::{plugin.bucket}/{plugin.key}",
                                f"CDC source {source.name}'s MSK Connect plugin archive: the Debezium {source.engine} "
                                "connector, aws-msk-iam-auth and the MSK Secrets Manager config provider",
                                f"{at}.msk_connect.plugin")
        sink = source.audit_sink
        if sink is not None and sink.plugin is not None:
            yield TypedExternal("connector-plugin", f"arn:aws:s3:::{sink.plugin.bucket}/{sink.plugin.key}",
                                f"CDC source {source.name}'s audit sink plugin archive: the Confluent S3 sink connector "
                                "(a release with s3.send.digest, for the Object Lock audit bucket)",
                                f"{at}.audit_sink.plugin")
        if sink is not None and sink.pod_identity_webhook:
            broker = next((b for b in spec.messaging.brokers if b.name == source.broker), None)
            cluster = getattr(broker, "cluster", None) or source.broker
            # Named after the webhook on its cluster: the cluster itself may be declared in prerequisites.clusters.
            yield TypedExternal("pod-identity-webhook", f"{cluster}/pod-identity-webhook",
                                f"CDC source {source.name}'s audit sinks: the cluster runs the pod identity webhook, "
                                "which projects the web-identity token into the Connect pods of annotated service "
                                "accounts", f"{at}.audit_sink.pod_identity_webhook")
    for i, secret in enumerate(spec.secrets.secrets):
        if secret.rotation:
            yield TypedExternal("rotation-function", secret.rotation.lambda_arn,
                                f"rotates secret {secret.name} (run by its owning team)",
                                f"secrets.secrets[{i}].rotation.lambda_arn")


def declared_identifiers(spec) -> frozenset[str]:
    """What a reference may resolve to outside the plan: the prerequisites section plus the typed fields that
    name an external by its role (typed_externals)."""
    found = set(spec.prerequisites.identifiers())
    found.update(external.id for external in typed_externals(spec))
    return frozenset(found)
