"""Azure API Management: one instance per environment, each API imported from its OpenAPI document.

TLS below 1.2, SSL 3.0 and weak ciphers are switched off on both the client and the backend side (practice
5.1); every request is logged to Application Insights (backed by Log Analytics) with W3C trace context (6.1, 6.2).
"""

from __future__ import annotations

from urllib.parse import urlparse

import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

import pulumi
from pulumi_azure_native import apimanagement, applicationinsights, authorization, managedidentity, monitor, operationalinsights

from ..naming import EstateNames, physical_name
from ..spec.gateway import ApiManagementSettings, ApiSpec
from .aws_rest import lifecycle_of
from .documents import CORRELATION_HEADER, HEALTH_PATH, IDEMPOTENCY_HEADER

_SECURITY = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security"
# Everything older than TLS 1.2, on the client side and towards backends, plus the ciphers TLS 1.2 still allows.
DISABLED_PROTOCOLS = tuple(f"{_SECURITY}.{side}Protocols.{p}" for side in ("", "Backend.") for p in ("Tls10", "Tls11", "Ssl30"))
DISABLED_CIPHERS = tuple(f"{_SECURITY}.Ciphers.{c}" for c in (
    "TripleDes168", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"))
QUOTA_SECONDS = {"DAY": 86400, "WEEK": 604800, "MONTH": 2592000}


def tls_custom_properties() -> dict[str, str]:
    return {**{key: "False" for key in DISABLED_PROTOCOLS + DISABLED_CIPHERS},
            f"{_SECURITY}.Protocols.Server.Http2": "True"}


def _reject(condition: str, status: int, reason: str) -> str:
    return (f"<choose><when condition={quoteattr(condition)}><return-response><set-status code=\"{status}\" "
            f"reason={quoteattr(reason)} /></return-response></when></choose>")


def api_policy(api: ApiSpec, version: str) -> str:
    """Inbound JWT validation, client certificate, idempotency key and correlation id; outbound lifecycle headers."""
    auth = api.auth
    inbound = [
        "<base />",
        f"<validate-jwt header-name=\"Authorization\" require-scheme=\"Bearer\" failed-validation-httpcode=\"401\">"
        f"<openid-config url={quoteattr(auth.issuer.rstrip('/') + '/.well-known/openid-configuration')} />"
        f"<audiences><audience>{auth.audience}</audience></audiences><issuers><issuer>{auth.issuer}</issuer></issuers>"
        f"</validate-jwt>",
    ]
    if api.domain.mtls_truststore_uri:
        inbound.append(_reject("@(context.Request.Certificate == null || !context.Request.Certificate.Verify())",
                               403, "Client certificate required"))
    if api.require_idempotency_key:
        inbound.append(_reject(
            f"@(new[] {{\"POST\", \"PUT\", \"PATCH\", \"DELETE\"}}.Contains(context.Request.Method) && "
            f"!context.Request.Headers.ContainsKey(\"{IDEMPOTENCY_HEADER}\"))", 400, f"{IDEMPOTENCY_HEADER} header required"))
    inbound.append(f"<set-header name=\"{CORRELATION_HEADER}\" exists-action=\"skip\">"
                   f"<value>@(context.RequestId.ToString())</value></set-header>")
    lifecycle = lifecycle_of(api, version)
    outbound = ["<base />"] + [
        f"<set-header name=\"{k}\" exists-action=\"override\"><value>{v.replace('<', '&lt;').replace('>', '&gt;')}</value></set-header>"
        for k, v in (lifecycle.headers() if lifecycle else {}).items()]
    return ("<policies><inbound>" + "".join(inbound) + "</inbound><backend><base /></backend><outbound>"
            + "".join(outbound) + "</outbound><on-error><base /></on-error></policies>")


def product_policy(rate_limit: float, burst_limit: int, quota: int, period: str) -> str:
    """Per-subscription rate (per minute, bounded by the burst) and quota: the tier's contract (practice 2.2)."""
    calls = max(1, min(int(rate_limit * 60), burst_limit * 60))
    return ("<policies><inbound><base />"
            f"<rate-limit calls=\"{calls}\" renewal-period=\"60\" />"
            f"<quota calls=\"{quota}\" renewal-period=\"{QUOTA_SECONDS[period]}\" />"
            "</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>")


def service_name(names: EstateNames, environment: str, location: str) -> str:
    """1-50 letters, digits and hyphens, starting with a letter; global (it is <name>.azure-api.net).
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftapimanagement"""
    return names.unique("apim", environment, location, limit=50)


# Built-in "Key Vault Secrets User": API Management reads a Key Vault certificate through its secret.
# https://learn.microsoft.com/azure/api-management/configure-custom-domain#key-vault-rbac
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"


@dataclass(frozen=True)
class KeyVaultRef:
    """The environment's Key Vault (the one SecretsReplication creates): where custom-domain certificates live."""

    id: pulumi.Input[str]
    uri: pulumi.Input[str]
    """Its vaultUri output (https://<name>.vault.azure.net/)."""
    subscription_id: str


def served_versions(api: ApiSpec) -> list:
    """The versions API Management serves: those whose backends it can reach (it has no virtual network, so a
    private backend behind the AWS VPC link is out of reach)."""
    return [v for v in api.versions if not v.backend.private]


@dataclass(frozen=True)
class ApimHost:
    service_name: pulumi.Output[str]
    resource_group_name: pulumi.Input[str]


class ApiManagement(pulumi.ComponentResource):
    """The environment's API Management instance with its diagnostics pipeline."""

    service_name: pulumi.Output[str]
    gateway_url: pulumi.Output[str]
    gateway_hostname: pulumi.Output[str]
    host: ApimHost

    def __init__(self, name: str, settings: ApiManagementSettings, environment: str, location: str,
                 resource_group_name: pulumi.Input[str], apis: list[ApiSpec], tags: dict[str, str], protect: bool,
                 opts: pulumi.ResourceOptions | None = None, *, names: EstateNames = EstateNames(),
                 key_vault: KeyVaultRef | None = None):
        super().__init__("hybrid:gateway:ApiManagement", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        hosted = [api for api in apis if api.domain.azure_certificate_name]
        if hosted and key_vault is None:  # the spec check asks for secrets.key_vault first
            raise ValueError("API Management custom hosts need the environment's Key Vault")
        # A user-assigned identity, granted the vault's secrets role before the service exists: a system-assigned
        # identity would only exist with the service, whose creation already reads the certificates.
        identity = managedidentity.UserAssignedIdentity(
            f"{name}-identity", resource_name_=physical_name("id", environment, "apim", location, limit=128),
            resource_group_name=resource_group_name, location=location, tags=tags, opts=child)
        waits: list[pulumi.Resource] = []
        if key_vault is not None:
            waits.append(authorization.RoleAssignment(
                f"{name}-vault-reader", principal_id=identity.principal_id, principal_type="ServicePrincipal",
                role_definition_id=(f"/subscriptions/{key_vault.subscription_id}/providers/Microsoft.Authorization/"
                                    f"roleDefinitions/{KEY_VAULT_SECRETS_USER}"),
                scope=key_vault.id, opts=child))
        # The secret identifier without a version, so API Management picks up a renewed certificate by itself.
        hostnames = [apimanagement.HostnameConfigurationArgs(
            type="Proxy", host_name=api.domain.name, certificate_source="KeyVault",
            key_vault_id=pulumi.Output.from_input(key_vault.uri).apply(  # type: ignore[union-attr]
                lambda uri, cert=api.domain.azure_certificate_name: f"{uri.rstrip('/')}/secrets/{cert}"),
            identity_client_id=identity.client_id,
            negotiate_client_certificate=bool(api.domain.mtls_truststore_uri)) for api in hosted]
        service = apimanagement.ApiManagementService(
            f"{name}-service", service_name=service_name(names, environment, location),
            resource_group_name=resource_group_name, location=location,
            publisher_name=settings.publisher_name, publisher_email=settings.publisher_email,
            sku=apimanagement.ApiManagementServiceSkuPropertiesArgs(name=settings.sku, capacity=settings.capacity),
            identity=apimanagement.ApiManagementServiceIdentityArgs(
                type="UserAssigned", user_assigned_identities=identity.id.apply(lambda i: {i: {}})),
            custom_properties=tls_custom_properties(), hostname_configurations=hostnames or None,
            tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=protect, depends_on=waits))
        workspace = operationalinsights.Workspace(
            f"{name}-logs", workspace_name=physical_name("log", environment, "apim", location, limit=63),
            resource_group_name=resource_group_name, location=location,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"), retention_in_days=settings.log_retention_days,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=protect))
        insights = applicationinsights.Component(
            f"{name}-insights", resource_name_=physical_name("appi", environment, "apim", location),
            resource_group_name=resource_group_name, location=location, kind="web", application_type="web",
            ingestion_mode="LogAnalytics", workspace_resource_id=workspace.id, disable_local_auth=False, tags=tags,
            opts=child)
        logger = apimanagement.Logger(
            f"{name}-logger", logger_id="appinsights", service_name=service.name,
            resource_group_name=resource_group_name, logger_type="applicationInsights", resource_id=insights.id,
            credentials=pulumi.Output.secret(insights.instrumentation_key).apply(
                lambda key: {"instrumentationKey": key or ""}),
            opts=child)
        apimanagement.Diagnostic(
            f"{name}-diagnostic", diagnostic_id="applicationinsights", service_name=service.name,
            resource_group_name=resource_group_name, logger_id=logger.id, always_log="allErrors",
            http_correlation_protocol="W3C", verbosity="information", log_client_ip=True,
            sampling=apimanagement.SamplingSettingsArgs(sampling_type="fixed", percentage=100.0), opts=child)
        monitor.DiagnosticSetting(
            f"{name}-gateway-logs", name="gateway-logs", resource_uri=service.id, workspace_id=workspace.id,
            log_analytics_destination_type="Dedicated",
            logs=[monitor.DiagnosticsLogSettingsArgs(category_group="allLogs", enabled=True)],
            metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)], opts=child)
        self.service_name = service.name
        self.gateway_url = service.gateway_url
        # The service's own hostname (<service>.azure-api.net), read from its gateway URL: what DNS points at.
        self.gateway_hostname = service.gateway_url.apply(lambda url: urlparse(url).hostname if url else url)
        self.host = ApimHost(service_name=service.name, resource_group_name=resource_group_name)
        self.register_outputs({"service_name": self.service_name, "gateway_url": self.gateway_url})


def apim_health_path(api: ApiSpec) -> str:
    """Where API Management answers for `api`'s health (what Traffic Manager probes): an API of its own at
    /health/<api>/, since the versioned APIs sit under /<api>/<version>/ behind JWTs and subscription keys."""
    return f"{HEALTH_PATH}/{api.name}/"


def health_policy() -> str:
    """Forward GET /health/<api>/ to the backend's own /health; only a 2xx from it is healthy, anything else
    (a 404 too) answers 503, so the probe fails when the backend does, as the AWS copies' health route does.
    https://learn.microsoft.com/azure/api-management/rewrite-uri-policy"""
    unhealthy = "@(context.Response.StatusCode < 200 || context.Response.StatusCode >= 300)"
    return ("<policies><inbound><base />"
            f"<rewrite-uri template={quoteattr(HEALTH_PATH)} copy-unmatched-params=\"false\" />"
            "</inbound><backend><base /></backend><outbound><base />"
            + _reject(unhealthy, 503, "backend unhealthy")
            + "</outbound><on-error><base /></on-error></policies>")


def build_apim_health_api(parent: pulumi.Resource, name: str, api: ApiSpec, host: ApimHost, backend_url: str) -> str:
    """The unauthenticated health API for `api` (no subscription, no JWT: Traffic Manager's probes carry
    neither); returns the path it answers on."""
    opts = pulumi.ResourceOptions(parent=parent)
    where = dict(service_name=host.service_name, resource_group_name=host.resource_group_name)
    health = apimanagement.Api(
        f"{name}-apim-health", api_id=f"{api.name}-health", path=apim_health_path(api).strip("/"),
        display_name=f"{api.name} health", protocols=["https"], service_url=backend_url.rstrip("/"),
        subscription_required=False, **where, opts=opts)
    operation = apimanagement.ApiOperation(
        f"{name}-apim-health-get", operation_id="health", api_id=health.name, display_name="Liveness for DNS probes",
        method="GET", url_template="/", responses=[
            apimanagement.ResponseContractArgs(status_code=200, description="healthy"),
            apimanagement.ResponseContractArgs(status_code=503, description="the backend is unhealthy")],
        **where, opts=opts)
    apimanagement.ApiOperationPolicy(
        f"{name}-apim-health-policy", api_id=health.name, operation_id=operation.name, policy_id="policy",
        format="xml", value=health_policy(), **where, opts=opts)
    return apim_health_path(api)


def build_apim_api(parent: pulumi.Resource, name: str, api: ApiSpec, environment: str, host: ApimHost,
                   documents: dict[str, dict[str, Any]]) -> str:
    """Import each version of `api` into API Management, with its version set, policies and tier products,
    and its health API; returns the path Traffic Manager probes."""
    opts = pulumi.ResourceOptions(parent=parent)
    where = dict(service_name=host.service_name, resource_group_name=host.resource_group_name)
    version_set = apimanagement.ApiVersionSet(
        f"{name}-apim-versions", version_set_id=api.name, display_name=api.name, versioning_scheme="Segment",
        **where, opts=opts)
    served = served_versions(api)
    current = max(int(v.version[1:]) for v in served if not v.deprecation) if any(not v.deprecation for v in served) \
        else max(int(v.version[1:]) for v in served)
    imported = []
    for version in served:
        api_id = f"{api.name}-{version.version}"
        document = {k: v for k, v in documents[version.version].items() if k != "servers"}
        resource = apimanagement.Api(
            f"{name}-apim-{version.version}", api_id=api_id, path=api.name, api_version=version.version,
            api_version_set_id=version_set.id, display_name=f"{api.name} {version.version}",
            format="openapi+json", value=json.dumps(document, sort_keys=True), protocols=["https"],
            service_url=version.backend.url.rstrip("/"), subscription_required=api.audience == "partner",
            is_current=int(version.version[1:]) == current, **where, opts=opts)
        apimanagement.ApiPolicy(f"{name}-apim-{version.version}-policy", api_id=resource.name, policy_id="policy",
                                format="xml", value=api_policy(api, version.version), **where, opts=opts)
        imported.append((version.version, resource))
    health = build_apim_health_api(parent, name, api, host,
                                   next(v for v in served if int(v.version[1:]) == current).backend.url)
    for tier in api.tiers:
        product = apimanagement.Product(
            f"{name}-apim-{tier.name}", product_id=f"{api.name}-{tier.name}", display_name=f"{api.name} {tier.name}",
            description=f"{tier.name} tier of {api.name} ({environment})", subscription_required=True,
            approval_required=True, state="published", **where, opts=opts)
        apimanagement.ProductPolicy(f"{name}-apim-{tier.name}-policy", product_id=product.name, policy_id="policy",
                                    format="xml", value=product_policy(tier.rate_limit, tier.burst_limit, tier.quota,
                                                                       tier.quota_period), **where, opts=opts)
        for version, resource in imported:
            apimanagement.ProductApi(f"{name}-apim-{tier.name}-{version}", product_id=product.name,
                                     api_id=resource.name, **where, opts=opts)
    return health
