"""Seed the local stand-in with what an audit judges, exactly as the plan declares it.

REST APIs (their OpenAPI body as resources, methods, authorizers and integrations; stages with access logs
and `*/*` method settings; custom domains), HTTP APIs (authorizers, routes, stages, domains), queues, topics
and buckets with their resource policies, VPCs with their security groups and ingress, and secrets with
their replicas and policies. Every resource carries its provider's default tags plus its own, as
`pulumi up` would leave it, so the audit's environment scope finds it. References that are mock ids in
the plan (a stage's API, a policy's queue URL) are mapped to what the stand-in returns.

This writes: it is for the local stand-in only (its clients are never the audit's read-only ones).
Brokers, keys and the rest of the plan are not seeded: the audit's local run judges what is seeded here.
"""

from __future__ import annotations

import json
import secrets as random
from typing import Any, Callable, Optional

from ..drill.inventory import region_of
from ..export_format import nested
from . import aws as live

ClientFactory = Callable[[str, str], Any]


class _Plan:
    def __init__(self, export: dict[str, Any]):
        self.resources = export["deployment"]["resources"]
        self.providers = {r["urn"]: r for r in self.resources if r["type"].startswith("pulumi:providers:aws")}
        self.regions = {urn: r["inputs"].get("region") for urn, r in self.providers.items()}

    def of(self, type_: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == type_ and region_of(r, self.regions)]

    def region(self, resource: dict[str, Any]) -> str:
        return str(region_of(resource, self.regions))

    def tags(self, resource: dict[str, Any]) -> dict[str, str]:
        """The tags the resource carries once deployed: its provider's default tags, then its own."""
        provider = self.providers.get((resource.get("provider") or "").rsplit("::", 1)[0], {})
        defaults = (nested(provider.get("inputs", {}).get("defaultTags")) or {}).get("tags") or {}
        own = nested(resource["inputs"].get("tags")) or {}
        return {**{str(k): str(v) for k, v in defaults.items()}, **{str(k): str(v) for k, v in own.items()}}


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


# --- REST APIs ------------------------------------------------------------------------------------------------

def _authorization(operation: dict[str, Any], body: dict[str, Any], authorizers: dict[str, str]) -> dict[str, Any]:
    """put_method arguments for an operation's security: its authorizer (custom or Cognito) and API key."""
    requirements = operation.get("security", body.get("security")) or []
    schemes = (body.get("components") or {}).get("securitySchemes") or {}
    args: dict[str, Any] = {"authorizationType": "NONE", "apiKeyRequired": False}
    for requirement in requirements[:1]:  # the first alternative is the one API Gateway applies
        for name in requirement:
            scheme = schemes.get(name) or {}
            if scheme.get("type") == "apiKey" and not scheme.get("x-amazon-apigateway-authorizer"):
                args["apiKeyRequired"] = True
            elif name in authorizers:
                kind = (scheme.get("x-amazon-apigateway-authorizer") or {}).get("type", "request")
                args.update(authorizationType="COGNITO_USER_POOLS" if kind == "cognito_user_pools" else "CUSTOM",
                            authorizerId=authorizers[name])
            elif name == "sigv4":
                args["authorizationType"] = "AWS_IAM"
    return args


def _rest_api(client: Any, resource: dict[str, Any], plan: _Plan) -> str:
    inputs = resource["inputs"]
    body = nested(inputs.get("body")) or {}
    created: dict[str, Any] = {"name": inputs.get("name") or resource["urn"].rsplit("::", 1)[-1],
                               "tags": plan.tags(resource)}
    policy = nested(inputs.get("policy"))
    if policy:
        created["policy"] = json.dumps(policy) if not isinstance(policy, str) else policy
    endpoint = nested(inputs.get("endpointConfiguration")) or {}
    if endpoint.get("types"):
        types = endpoint["types"]
        created["endpointConfiguration"] = {"types": [types] if isinstance(types, str) else list(types)}
    if inputs.get("disableExecuteApiEndpoint") is not None:
        created["disableExecuteApiEndpoint"] = bool(inputs["disableExecuteApiEndpoint"])
    api_id = client.create_rest_api(**created)["id"]
    authorizers = {}
    for name, scheme in ((body.get("components") or {}).get("securitySchemes") or {}).items():
        settings = scheme.get("x-amazon-apigateway-authorizer")
        if not settings:
            continue
        kind = {"request": "REQUEST", "token": "TOKEN", "cognito_user_pools": "COGNITO_USER_POOLS"}.get(
            str(settings.get("type", "request")).lower(), "REQUEST")
        args = {"restApiId": api_id, "name": name, "type": kind,
                "identitySource": settings.get("identitySource", "method.request.header.Authorization")}
        for key in ("authorizerUri", "authorizerCredentials"):
            if settings.get(key):
                args[key] = settings[key]
        if settings.get("providerARNs"):
            args["providerARNs"] = settings["providerARNs"]
        authorizers[name] = client.create_authorizer(**args)["id"]
    ids = {"/": next(r["id"] for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/")}
    for path, item in sorted((body.get("paths") or {}).items()):
        parent = "/"
        for part in [p for p in path.split("/") if p]:
            here = f"{parent.rstrip('/')}/{part}"
            if here not in ids:
                ids[here] = client.create_resource(restApiId=api_id, parentId=ids[parent], pathPart=part)["id"]
            parent = here
        for verb, operation in item.items():
            if verb not in ("get", "put", "post", "delete", "patch", "head", "options") or not isinstance(operation, dict):
                continue
            parameters = {f"method.request.{ {'query': 'querystring'}.get(p.get('in'), p.get('in')) }.{p['name']}":
                          bool(p.get("required")) for p in operation.get("parameters") or [] if "name" in p}
            client.put_method(restApiId=api_id, resourceId=ids[path], httpMethod=verb.upper(),
                              requestParameters=parameters, **_authorization(operation, body, authorizers))
            integration = operation.get("x-amazon-apigateway-integration") or {}
            if integration:
                kind = str(integration.get("type", "http")).upper()
                args = {"restApiId": api_id, "resourceId": ids[path], "httpMethod": verb.upper(), "type": kind}
                if kind != "MOCK":
                    args.update(integrationHttpMethod=str(integration.get("httpMethod", verb)).upper(),
                                uri=str(integration.get("uri", "")))
                try:
                    client.put_integration(**args)
                except Exception as error:
                    # API Gateway takes `${stageVariables.x}` in an integration URI; the stand-in refuses it
                    # as "Invalid HTTP endpoint". Seed it with the stage's value, which keeps the path.
                    if "uri" not in args or "stageVariables" not in args["uri"] or "Invalid HTTP endpoint" not in str(error):
                        raise
                    client.put_integration(**{**args, "uri": _resolved(args["uri"], plan, resource["id"])})
    return api_id


def _resolved(uri: str, plan: _Plan, api_plan_id: str) -> str:
    variables: dict[str, str] = {}
    for stage in plan.of(live.REST_STAGE):
        if stage["inputs"].get("restApi") == api_plan_id:
            variables.update({str(k): str(v) for k, v in (nested(stage["inputs"].get("variables")) or {}).items()})
    for name, value in variables.items():
        uri = uri.replace("${stageVariables.%s}" % name, value)
    return uri


def _patches(prefix: str, values: dict[str, Any]) -> list[dict[str, str]]:
    return [{"op": "replace", "path": f"{prefix}/{key}", "value": str(value)} for key, value in values.items()
            if value is not None]


def _rest(client: Any, plan: _Plan, region: str) -> dict[str, str]:
    apis = {r["id"]: _rest_api(client, r, plan) for r in plan.of(live.REST_API) if plan.region(r) == region}
    settings = {(r["inputs"].get("restApi"), r["inputs"].get("stageName")): r for r in plan.of(live.METHOD_SETTINGS)}
    for stage in plan.of(live.REST_STAGE):
        inputs = stage["inputs"]
        api_id = apis.get(inputs.get("restApi"))
        if api_id is None:
            continue
        deployment = client.create_deployment(restApiId=api_id)["id"]
        client.create_stage(restApiId=api_id, stageName=inputs["stageName"], deploymentId=deployment,
                            variables=dict(nested(inputs.get("variables")) or {}), tags=plan.tags(stage),
                            tracingEnabled=bool(inputs.get("xrayTracingEnabled")))
        patches = _patches("/accessLogSettings", {k: v for k, v in (nested(inputs.get("accessLogSettings")) or {}).items()
                                                  if k in ("destinationArn", "format")})
        method = settings.get((inputs.get("restApi"), inputs["stageName"]))
        if method:
            values = nested(method["inputs"].get("settings")) or {}
            path = "/" + str(method["inputs"].get("methodPath", "*/*"))
            patches += _patches(f"{path}/throttling", {"rateLimit": values.get("throttlingRateLimit"),
                                                       "burstLimit": values.get("throttlingBurstLimit")})
            patches += _patches(f"{path}/metrics", {"enabled": values.get("metricsEnabled")})
        if patches:
            client.update_stage(restApiId=api_id, stageName=inputs["stageName"], patchOperations=patches)
    for domain in plan.of(live.REST_DOMAIN):
        if plan.region(domain) != region:
            continue
        inputs = domain["inputs"]
        args: dict[str, Any] = {"domainName": inputs["domainName"], "tags": plan.tags(domain),
                                "securityPolicy": inputs.get("securityPolicy") or "TLS_1_0"}
        if inputs.get("regionalCertificateArn"):
            args["regionalCertificateArn"] = inputs["regionalCertificateArn"]
        endpoint = nested(inputs.get("endpointConfiguration")) or {}
        if endpoint.get("types"):
            types = endpoint["types"]
            args["endpointConfiguration"] = {"types": [types] if isinstance(types, str) else list(types)}
        client.create_domain_name(**args)
    return apis


# --- HTTP APIs ------------------------------------------------------------------------------------------------

def _http(client: Any, plan: _Plan, region: str) -> None:
    apis: dict[str, str] = {}
    for api in plan.of(live.HTTP_API):
        if plan.region(api) != region:
            continue
        inputs = api["inputs"]
        apis[api["id"]] = client.create_api(Name=inputs["name"], ProtocolType=inputs.get("protocolType", "HTTP"),
                                            Tags=plan.tags(api),
                                            DisableExecuteApiEndpoint=bool(inputs.get("disableExecuteApiEndpoint")))["ApiId"]
    authorizers: dict[str, str] = {}
    for authorizer in plan.of("aws:apigatewayv2/authorizer:Authorizer"):
        inputs = authorizer["inputs"]
        if inputs.get("apiId") not in apis:
            continue
        args: dict[str, Any] = {"ApiId": apis[inputs["apiId"]], "AuthorizerType": inputs.get("authorizerType", "JWT"),
                                "Name": inputs.get("name", "authorizer"),
                                "IdentitySource": list(inputs.get("identitySources") or ["$request.header.Authorization"])}
        jwt = nested(inputs.get("jwtConfiguration")) or {}
        if jwt:
            args["JwtConfiguration"] = {"Audience": list(jwt.get("audiences") or []), "Issuer": jwt.get("issuer")}
        authorizers[authorizer["id"]] = client.create_authorizer(**args)["AuthorizerId"]
    for route in plan.of(live.HTTP_ROUTE):
        inputs = route["inputs"]
        if inputs.get("apiId") not in apis:
            continue
        args = {"ApiId": apis[inputs["apiId"]], "RouteKey": inputs["routeKey"],
                "AuthorizationType": inputs.get("authorizationType") or "NONE"}
        if inputs.get("authorizerId") in authorizers:
            args["AuthorizerId"] = authorizers[inputs["authorizerId"]]
        client.create_route(**args)
    for stage in plan.of(live.HTTP_STAGE):
        inputs = stage["inputs"]
        if inputs.get("apiId") not in apis:
            continue
        args = {"ApiId": apis[inputs["apiId"]], "StageName": inputs["name"], "Tags": plan.tags(stage),
                "AutoDeploy": bool(inputs.get("autoDeploy"))}
        logs = nested(inputs.get("accessLogSettings")) or {}
        if logs:
            args["AccessLogSettings"] = {"DestinationArn": logs.get("destinationArn"), "Format": logs.get("format")}
        routes = nested(inputs.get("defaultRouteSettings")) or {}
        args["DefaultRouteSettings"] = {key: routes[source] for key, source in (
            ("ThrottlingRateLimit", "throttlingRateLimit"), ("ThrottlingBurstLimit", "throttlingBurstLimit"),
            ("DetailedMetricsEnabled", "detailedMetricsEnabled")) if routes.get(source) is not None}
        client.create_stage(**args)
    for domain in plan.of(live.HTTP_DOMAIN):
        if plan.region(domain) != region:
            continue
        config = nested(domain["inputs"].get("domainNameConfiguration")) or {}
        client.create_domain_name(DomainName=domain["inputs"]["domainName"], Tags=plan.tags(domain),
                                  DomainNameConfigurations=[{
                                      "CertificateArn": config.get("certificateArn"),
                                      "EndpointType": config.get("endpointType", "REGIONAL"),
                                      "SecurityPolicy": config.get("securityPolicy") or "TLS_1_0"}])


# --- queues, topics, buckets, security groups, secrets --------------------------------------------------------

def _queues(client: Any, plan: _Plan, region: str) -> None:
    urls = {}
    for queue in plan.of(live.QUEUE):
        if plan.region(queue) != region:
            continue
        inputs = queue["inputs"]
        attributes = {"FifoQueue": "true"} if inputs.get("fifoQueue") else {}
        urls[queue["id"]] = client.create_queue(QueueName=inputs["name"], Attributes=attributes,
                                                tags=plan.tags(queue))["QueueUrl"]
    for policy in plan.of("aws:sqs/queuePolicy:QueuePolicy"):
        url = urls.get(policy["inputs"].get("queueUrl"))
        if url:
            client.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _text(policy["inputs"]["policy"])})


def _text(policy: Any) -> str:
    policy = nested(policy)
    return policy if isinstance(policy, str) else json.dumps(policy)


def _topics(client: Any, plan: _Plan, region: str) -> None:
    arns = {}
    for topic in plan.of(live.TOPIC):
        if plan.region(topic) != region:
            continue
        inputs = topic["inputs"]
        attributes = {"FifoTopic": "true"} if inputs.get("fifoTopic") else {}
        arns[topic["id"]] = client.create_topic(Name=inputs["name"], Attributes=attributes,
                                                Tags=_tag_list(plan.tags(topic)))["TopicArn"]
    for policy in plan.of("aws:sns/topicPolicy:TopicPolicy"):
        arn = arns.get(policy["inputs"].get("arn"))
        if arn:
            client.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=_text(policy["inputs"]["policy"]))


def _buckets(client: Any, plan: _Plan, region: str) -> None:
    for bucket in plan.of(live.BUCKET):
        if plan.region(bucket) != region:
            continue
        name = bucket["inputs"]["bucket"]
        args: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client.create_bucket(**args)
        client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tag_list(plan.tags(bucket))})
    for policy in plan.of(live.BUCKET_POLICY):
        if plan.region(policy) == region:
            client.put_bucket_policy(Bucket=policy["inputs"]["bucket"], Policy=_text(policy["inputs"]["policy"]))


def _ip_permission(rule: dict[str, Any], groups: dict[str, str]) -> Optional[dict[str, Any]]:
    permission: dict[str, Any] = {"IpProtocol": str(rule.get("protocol", "-1"))}
    if permission["IpProtocol"] not in ("-1", "all"):
        permission.update(FromPort=int(rule.get("fromPort", 0)), ToPort=int(rule.get("toPort", 0)))
    else:
        permission["IpProtocol"] = "-1"
    permission["IpRanges"] = [{"CidrIp": c} for c in rule.get("cidrBlocks") or []]
    permission["Ipv6Ranges"] = [{"CidrIpv6": c} for c in rule.get("ipv6CidrBlocks") or []]
    permission["UserIdGroupPairs"] = [{"GroupId": groups[g]} for g in rule.get("securityGroups") or [] if g in groups]
    return permission if permission["IpRanges"] or permission["Ipv6Ranges"] or permission["UserIdGroupPairs"] else None


def _security_groups(client: Any, plan: _Plan, region: str) -> None:
    vpcs = {}
    for vpc in plan.of("aws:ec2/vpc:Vpc"):
        if plan.region(vpc) == region:
            vpcs[vpc["id"]] = client.create_vpc(CidrBlock=vpc["inputs"]["cidrBlock"], TagSpecifications=[
                {"ResourceType": "vpc", "Tags": _tag_list(plan.tags(vpc))}])["Vpc"]["VpcId"]
    groups: dict[str, str] = {}
    planned = [g for g in plan.of(live.SECURITY_GROUP) if plan.region(g) == region]
    for group in planned:
        inputs = group["inputs"]
        args: dict[str, Any] = {"GroupName": inputs.get("name") or group["urn"].rsplit("::", 1)[-1],
                                "Description": inputs.get("description") or "managed by pulumi",
                                "TagSpecifications": [{"ResourceType": "security-group",
                                                       "Tags": _tag_list(plan.tags(group))}]}
        if inputs.get("vpcId") in vpcs:
            args["VpcId"] = vpcs[inputs["vpcId"]]
        groups[group["id"]] = client.create_security_group(**args)["GroupId"]
    for group in planned:
        permissions = [p for rule in group["inputs"].get("ingress") or [] if (p := _ip_permission(rule, groups))]
        if permissions:
            client.authorize_security_group_ingress(GroupId=groups[group["id"]], IpPermissions=permissions)


def _secrets(client: Any, plan: _Plan, region: str) -> None:
    names = {}
    for secret in plan.of(live.SECRET):
        if plan.region(secret) != region:
            continue
        inputs = secret["inputs"]
        replicas = [{"Region": str(r.get("region"))} for r in nested(inputs.get("replicas")) or []]
        # A synthetic value the stand-in holds; the audit never reads it back.
        client.create_secret(Name=inputs["name"], SecretString=random.token_urlsafe(24),
                             Tags=_tag_list(plan.tags(secret)), Description=inputs.get("description") or "",
                             **({"AddReplicaRegions": replicas} if replicas else {}))
        names[secret["id"]] = inputs["name"]
    for policy in plan.of(live.SECRET_POLICY):
        name = names.get(policy["inputs"].get("secretArn"))
        if name:
            client.put_resource_policy(SecretId=name, ResourcePolicy=_text(policy["inputs"]["policy"]))


def seed(clients: ClientFactory, export: dict[str, Any], regions: tuple[str, ...]) -> dict[str, int]:
    """Create what the audit judges from the plan in `regions`; returns counts by plan type for the report."""
    plan = _Plan(export)
    for region in regions:
        _rest(clients("apigateway", region), plan, region)
        _http(clients("apigatewayv2", region), plan, region)
        _queues(clients("sqs", region), plan, region)
        _topics(clients("sns", region), plan, region)
        _buckets(clients("s3", region), plan, region)
        _security_groups(clients("ec2", region), plan, region)
        _secrets(clients("secretsmanager", region), plan, region)
    seeded = {}
    for type_ in (live.REST_API, live.REST_STAGE, live.REST_DOMAIN, live.HTTP_API, live.HTTP_ROUTE, live.HTTP_STAGE,
                  live.HTTP_DOMAIN, live.QUEUE, live.TOPIC, live.BUCKET, live.SECURITY_GROUP, live.SECRET):
        count = sum(1 for r in plan.of(type_) if plan.region(r) in regions)
        if count:
            seeded[type_] = count
    return seeded
