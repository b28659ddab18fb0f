"""Cross-field checks for the gateways section: references between APIs, regions, tiers, versions and clouds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .base import Problem

if TYPE_CHECKING:
    from .environment import EnvironmentSpec


def _repeats(items: list[tuple[str, str]], what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for path, value in items:
        if value in seen:
            yield path, f"duplicate {what} {value!r}: expected each to appear once"
        seen.add(value)


def _execution_logging_role(spec: "EnvironmentSpec") -> Iterator[Problem]:
    """Every region with REST stages has the account's CloudWatch Logs role: created here, or declared."""
    declared = {a.region for a in spec.prerequisites.api_gateway_accounts}
    for region in spec.gateways.rest_regions():
        if spec.gateways.execution_logging_role == "declared" and region not in declared:
            yield ("gateways.execution_logging_role",
                   f"REST stages in {region} log through the account's API Gateway CloudWatch Logs role; expected "
                   f"prerequisites.api_gateway_accounts to declare it for {region}, or execution_logging_role: created")
        if spec.gateways.execution_logging_role == "created" and region in declared:
            yield ("gateways.execution_logging_role",
                   f"{region}'s API Gateway account setting is declared in prerequisites.api_gateway_accounts; "
                   "expected execution_logging_role: declared (the stack must not overwrite a setting it does not own)")


def _standby(spec: "EnvironmentSpec", at: str, api) -> Iterator[Problem]:
    """The standby copy: a partner API, another region of regions.aws, its own certificate, its own NLBs."""
    standby = api.standby
    if api.audience != "partner":
        yield (f"{at}.standby", "a standby copy is built for partner (REST) APIs only; internal HTTP APIs have no "
               "regional failover here, expected no standby")
        return
    aws_regions = set(spec.aws_region_names())
    if standby.region not in aws_regions:
        yield f"{at}.standby.region", f"undefined AWS region {standby.region!r}; expected one of regions.aws: {', '.join(sorted(aws_regions))}"
    if standby.region == api.region:
        yield f"{at}.standby.region", f"expected a region other than the API's own ({api.region})"
    cert = standby.certificate_arn.split(":")
    if cert[3] != standby.region:
        yield (f"{at}.standby.certificate_arn",
               f"expected an ACM certificate in the standby region {standby.region}, got one in {cert[3]}")
    if cert[4] != spec.accounts.aws.account_id:
        yield f"{at}.standby.certificate_arn", f"expected a certificate in account {spec.accounts.aws.account_id}, got one in {cert[4]}"
    versions = {v.version: v for v in api.versions}
    for version, arn in sorted(standby.vpc_link_target_arns.items()):
        where = f"{at}.standby.vpc_link_target_arns.{version}"
        if version not in versions:
            yield where, f"undefined version {version!r}; expected one of: {', '.join(versions)}"
        elif not versions[version].backend.private:
            yield where, f"version {version} has a public backend; expected load balancers for private versions only"
        parts = arn.split(":")
        if parts[3] != standby.region or parts[4] != spec.accounts.aws.account_id:
            yield (where, f"expected a load balancer in {standby.region}, account {spec.accounts.aws.account_id}; "
                   f"got one in {parts[3]}, account {parts[4]}")
    for version in api.versions:
        if version.backend.private and version.version not in standby.vpc_link_target_arns:
            yield (f"{at}.standby.vpc_link_target_arns",
                   f"version {version.version} has a private backend; expected the standby region's internal network "
                   "load balancer for it")


def check_gateways(spec: "EnvironmentSpec") -> Iterator[Problem]:
    apis = spec.gateways.apis
    aws_regions = set(spec.aws_region_names())
    account = spec.accounts.aws.account_id
    yield from _repeats([(f"gateways.apis[{i}].name", a.name) for i, a in enumerate(apis)], "API name")
    yield from _execution_logging_role(spec)
    yield from _repeats([(f"gateways.apis[{i}].domain.name", a.domain.name) for i, a in enumerate(apis)], "domain")
    for i, api in enumerate(apis):
        at = f"gateways.apis[{i}]"
        if api.region not in aws_regions:
            yield f"{at}.region", f"undefined AWS region {api.region!r}; expected one of regions.aws: {', '.join(sorted(aws_regions))}"
        cert = api.domain.certificate_arn.split(":")
        if cert[3] != api.region:
            # Regional API endpoints only accept a certificate from their own region.
            yield f"{at}.domain.certificate_arn", f"expected an ACM certificate in the API's region {api.region}, got one in {cert[3]}"
        if cert[4] != account:
            yield f"{at}.domain.certificate_arn", f"expected a certificate in account {account}, got one in {cert[4]}"
        if api.standby:
            yield from _standby(spec, at, api)
        yield from _repeats([(f"{at}.versions[{j}].version", v.version) for j, v in enumerate(api.versions)], "version")
        yield from _repeats([(f"{at}.tiers[{j}].name", t.name) for j, t in enumerate(api.tiers)], "tier")
        yield from _repeats([(f"{at}.clients[{j}].name", c.name) for j, c in enumerate(api.clients)], "client")
        tiers = {t.name for t in api.tiers}
        for j, client in enumerate(api.clients):
            if client.tier not in tiers:
                yield f"{at}.clients[{j}].tier", f"undefined tier {client.tier!r}; expected one of: {', '.join(sorted(tiers)) or 'no tiers defined'}"
        if api.audience == "partner" and not api.tiers:
            yield f"{at}.tiers", "a partner API needs at least one client tier (usage plan with rate, burst and quota)"
        if api.audience == "internal":
            # HTTP APIs have no usage plans, API keys or resource policies; refuse settings that would be ignored.
            for field in ("tiers", "clients", "allowed_callers"):
                if getattr(api, field):
                    yield f"{at}.{field}", "only partner APIs (REST) support this; expected it empty for an internal API"
        versions = [v.version for v in api.versions]
        for j, version in enumerate(api.versions):
            vat = f"{at}.versions[{j}]"
            if version.file and version.file.split("/")[1] != api.name:
                yield f"{vat}.file", f"expected a document under apis/{api.name}/"
            if version.file and version.file.rsplit("/", 1)[1].split(".")[0] != version.version:
                yield f"{vat}.file", f"expected the file name to be the version ({version.version}.yaml)"
            if version.backend.private and not version.backend.vpc_link_target_arn:
                yield f"{vat}.backend.vpc_link_target_arn", "a private backend needs the internal load balancer (or listener) the VPC link targets"
            target = version.backend.vpc_link_target_arn
            if target:
                kind = target.split(":")[5].split("/")[0]
                expected = "loadbalancer" if api.audience == "partner" else "listener"
                if kind != expected:
                    yield (f"{vat}.backend.vpc_link_target_arn",
                           f"expected a {'network load balancer' if expected == 'loadbalancer' else 'load balancer listener'} "
                           f"ARN for a {'REST' if api.audience == 'partner' else 'HTTP'} API VPC link, got a {kind}")
                if not version.backend.private:
                    yield f"{vat}.backend.private", "a backend reached through a VPC link is private; expected private: true"
            dep = version.deprecation
            if dep and dep.successor and (dep.successor not in versions or int(dep.successor[1:]) <= int(version.version[1:])):
                yield f"{vat}.deprecation.successor", f"expected a later version of this API ({', '.join(versions)})"
        if all(v.deprecation for v in api.versions):
            yield f"{at}.versions", "every version is deprecated; expected at least one current version"
        if "azure" in api.clouds:
            if not spec.regions.azure or not spec.accounts.azure:
                yield f"{at}.clouds", "azure needs regions.azure and accounts.azure"
            if not spec.gateways.api_management:
                yield f"{at}.clouds", "azure needs gateways.api_management (publisher and SKU)"
            if not api.domain.azure_certificate_name:
                yield f"{at}.domain.azure_certificate_name", "azure needs the name of the domain's certificate in the environment's Key Vault"
            elif not spec.secrets.key_vault:
                yield (f"{at}.domain.azure_certificate_name", "API Management reads the certificate from the "
                       "environment's Key Vault; expected secrets.key_vault")
            if all(v.backend.private for v in api.versions):
                # API Management has no virtual network here: it serves only versions whose backends it can reach.
                yield (f"{at}.clouds", "every version has a private backend, which API Management (no virtual "
                       "network) cannot reach; expected at least one version with a public backend, or aws only")
