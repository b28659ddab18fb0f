"""Reads what is deployed in AWS (or the local stand-in) into resource states the pack's rules judge.

Scope: the regions the environment's spec names, and in them only resources tagged with the environment
(`environment: <env>`, the platform tag every stack resource carries through the provider's default tags).
Every call is a Describe/Get/List (readonly.py enforces it); a secret's value is never read, only its
metadata and replication status.

Shapes follow the plan (pulumi-aws inputs): an API Gateway REST API's methods become the OpenAPI body the
plan carries (security per operation, the integration's method and URI), so the same rule, with the same
deliberately open health probe, judges both; a stage's `*/*` method settings become the plan's
`aws:apigateway/methodSettings:MethodSettings`; a security group's IpPermissions its `ingress` list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

from .states import Collected, policy_text

ENVIRONMENT_TAG = "environment"
"""The platform tag (components.provider_facts.platform_tags) that says which environment a resource is of."""

REST_API, REST_STAGE, METHOD_SETTINGS = ("aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage",
                                         "aws:apigateway/methodSettings:MethodSettings")
REST_DOMAIN, HTTP_DOMAIN = "aws:apigateway/domainName:DomainName", "aws:apigatewayv2/domainName:DomainName"
HTTP_API, HTTP_ROUTE, HTTP_STAGE = ("aws:apigatewayv2/api:Api", "aws:apigatewayv2/route:Route",
                                    "aws:apigatewayv2/stage:Stage")
QUEUE, TOPIC = "aws:sqs/queue:Queue", "aws:sns/topic:Topic"
BUCKET, BUCKET_POLICY = "aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECRET, SECRET_POLICY = "aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretPolicy:SecretPolicy"
MQ_BROKER, MSK_CLUSTER = "aws:mq/broker:Broker", "aws:msk/cluster:Cluster"
READ_TYPES = (REST_API, REST_STAGE, METHOD_SETTINGS, REST_DOMAIN, HTTP_API, HTTP_ROUTE, HTTP_STAGE, HTTP_DOMAIN,
              QUEUE, TOPIC, BUCKET, BUCKET_POLICY, SECURITY_GROUP, SECRET, SECRET_POLICY, MQ_BROKER, MSK_CLUSTER)
"""Every type this reader emits; rules.py judges them with the pack's rules that read what is read here."""

# The OpenAPI security a REST method's authorization maps to, as API Gateway's own export writes it.
_AUTHORIZATION_SCHEME = {"AWS_IAM": "sigv4", "CUSTOM": None, "COGNITO_USER_POOLS": None}


class AuditScopeError(ValueError):
    """The credentials reach another account than the environment's: bad input, exit 2."""


@dataclass(frozen=True)
class Scope:
    env: str
    regions: tuple[str, ...]
    account: Optional[str] = None
    """The environment's AWS account; the caller's credentials must be for it."""

    def tagged(self, tags: Any) -> bool:
        return _tags(tags).get(ENVIRONMENT_TAG) == self.env


def _tags(value: Any) -> dict[str, str]:
    """Tags in each form AWS returns them: a map, or a list of {Key, Value} (or {key, value})."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(t.get("Key", t.get("key"))): str(t.get("Value", t.get("value"))) for t in value
                if isinstance(t, dict)}
    return {}


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    if client.can_paginate(operation):
        for page in client.get_paginator(operation).paginate(**kwargs):
            yield from page.get(key) or []
    else:
        yield from getattr(client, operation)(**kwargs).get(key) or []


def _missing(error: Exception, *codes: str) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(error, ClientError) and str(error.response.get("Error", {}).get("Code")) in codes


def check_account(sts: Any, scope: Scope) -> str:
    """The caller's account; AuditScopeError when the environment lives in another one."""
    account = str(sts.get_caller_identity()["Account"])
    if scope.account and account != scope.account:
        raise AuditScopeError(f"the credentials are for AWS account {account}, but environment {scope.env!r} "
                              f"deploys to {scope.account} (accounts.aws.account_id); use credentials for that "
                              "account")
    return account


# --- API Gateway (REST) ---------------------------------------------------------------------------------------

def _operation(method: dict[str, Any], authorizers: dict[str, str]) -> dict[str, Any]:
    """One live method as the OpenAPI operation API Gateway's export would write for it."""
    # One requirement object: API Gateway demands the authorizer and the API key together (AND), as the
    # plan's body writes it; no requirement at all is an open method.
    requirement: dict[str, list] = {}
    kind = str(method.get("authorizationType") or "NONE").upper()
    if kind != "NONE":
        scheme = _AUTHORIZATION_SCHEME.get(kind) or authorizers.get(str(method.get("authorizerId")), "authorizer")
        requirement[scheme] = list(method.get("authorizationScopes") or [])
    if method.get("apiKeyRequired"):
        requirement["api_key"] = []
    operation: dict[str, Any] = {"security": [requirement] if requirement else []}
    parameters = [{"in": {"header": "header", "querystring": "query", "path": "path"}.get(part[2], part[2]),
                   "name": ".".join(part[3:]), "required": bool(required)}
                  for name, required in sorted((method.get("requestParameters") or {}).items())
                  if len(part := name.split(".")) >= 4]
    if parameters:
        operation["parameters"] = parameters
    if method.get("requestModels"):
        operation["requestBody"] = {"content": {k: {} for k in method["requestModels"]}}
    integration = method.get("methodIntegration") or {}
    if integration:
        operation["x-amazon-apigateway-integration"] = {
            key: integration[source] for key, source in (("type", "type"), ("httpMethod", "httpMethod"),
                                                          ("uri", "uri"), ("connectionType", "connectionType"))
            if integration.get(source) is not None}
        if "type" in operation["x-amazon-apigateway-integration"]:
            operation["x-amazon-apigateway-integration"]["type"] = str(integration["type"]).lower()
    return operation


def _rest_body(client: Any, api_id: str) -> dict[str, Any]:
    authorizers = {a["id"]: a.get("name", a["id"]) for a in _pages(client, "get_authorizers", "items", restApiId=api_id)}
    paths: dict[str, dict[str, Any]] = {}
    for resource in _pages(client, "get_resources", "items", restApiId=api_id, embed=["methods"]):
        for verb, method in sorted((resource.get("resourceMethods") or {}).items()):
            if "authorizationType" not in method:  # listed without its details: read the method itself
                method = client.get_method(restApiId=api_id, resourceId=resource["id"], httpMethod=verb)
            if "methodIntegration" not in method:
                try:
                    method = {**method, "methodIntegration": client.get_integration(
                        restApiId=api_id, resourceId=resource["id"], httpMethod=verb)}
                except Exception as error:  # a method without an integration answers NotFound
                    if not _missing(error, "NotFoundException"):
                        raise
            paths.setdefault(resource["path"], {})[verb.lower()] = _operation(method, authorizers)
    return {"openapi": "3.0.1", "paths": paths}


def _rest(client: Any, scope: Scope, region: str, out: Collected) -> None:
    import json

    for api in _pages(client, "get_rest_apis", "items"):
        if not scope.tagged(api.get("tags")):
            continue
        api_id = api["id"]
        inputs: dict[str, Any] = {"name": api.get("name"), "body": json.dumps(_rest_body(client, api_id), sort_keys=True),
                                  "tags": _tags(api.get("tags"))}
        if api.get("endpointConfiguration"):
            inputs["endpointConfiguration"] = {"types": (api["endpointConfiguration"].get("types") or ["EDGE"])[0]}
        if api.get("disableExecuteApiEndpoint") is not None:
            inputs["disableExecuteApiEndpoint"] = api["disableExecuteApiEndpoint"]
        policy = policy_text(api.get("policy"))
        if policy:
            inputs["policy"] = policy
        out.add(REST_API, api.get("name") or api_id, inputs, region, api_id)
        for stage in client.get_stages(restApiId=api_id).get("item") or []:
            name = stage["stageName"]
            stage_inputs: dict[str, Any] = {"restApi": api_id, "stageName": name,
                                            "deployment": stage.get("deploymentId"), "tags": _tags(stage.get("tags")),
                                            "xrayTracingEnabled": bool(stage.get("tracingEnabled"))}
            logs = stage.get("accessLogSettings") or {}
            if logs:
                stage_inputs["accessLogSettings"] = {"destinationArn": logs.get("destinationArn"),
                                                     "format": logs.get("format")}
            out.add(REST_STAGE, f"{api.get('name') or api_id}-{name}", stage_inputs, region, f"{api_id}/{name}")
            for path, settings in sorted((stage.get("methodSettings") or {}).items()):
                out.add(METHOD_SETTINGS, f"{api.get('name') or api_id}-{name}-{path}",
                        {"restApi": api_id, "stageName": name, "methodPath": path,
                         "settings": {k: v for k, v in settings.items() if k in (
                             "throttlingRateLimit", "throttlingBurstLimit", "metricsEnabled", "loggingLevel",
                             "dataTraceEnabled", "cachingEnabled")}}, region)
    for domain in _pages(client, "get_domain_names", "items"):
        if not scope.tagged(domain.get("tags")):
            continue
        inputs = {"domainName": domain["domainName"], "securityPolicy": domain.get("securityPolicy"),
                  "tags": _tags(domain.get("tags"))}
        if domain.get("endpointConfiguration"):
            inputs["endpointConfiguration"] = {"types": (domain["endpointConfiguration"].get("types") or ["EDGE"])[0]}
        out.add(REST_DOMAIN, domain["domainName"], inputs, region)


# --- API Gateway (HTTP APIs) ----------------------------------------------------------------------------------

def _http(client: Any, scope: Scope, region: str, out: Collected) -> None:
    for api in _pages(client, "get_apis", "Items"):
        if not scope.tagged(api.get("Tags")):
            continue
        api_id, name = api["ApiId"], api.get("Name") or api["ApiId"]
        out.add(HTTP_API, name, {"name": name, "protocolType": api.get("ProtocolType"), "tags": _tags(api.get("Tags")),
                                 "disableExecuteApiEndpoint": bool(api.get("DisableExecuteApiEndpoint"))},
                region, api_id)
        for route in _pages(client, "get_routes", "Items", ApiId=api_id):
            inputs = {"apiId": api_id, "routeKey": route.get("RouteKey"),
                      "authorizationType": route.get("AuthorizationType") or "NONE"}
            if route.get("AuthorizerId"):
                inputs["authorizerId"] = route["AuthorizerId"]
            out.add(HTTP_ROUTE, f"{name}-{route.get('RouteKey')}", inputs, region, route.get("RouteId", ""))
        for stage in _pages(client, "get_stages", "Items", ApiId=api_id):
            inputs = {"apiId": api_id, "name": stage["StageName"], "tags": _tags(stage.get("Tags"))}
            logs = stage.get("AccessLogSettings") or {}
            if logs:
                inputs["accessLogSettings"] = {"destinationArn": logs.get("DestinationArn"), "format": logs.get("Format")}
            route_settings = stage.get("DefaultRouteSettings") or {}
            inputs["defaultRouteSettings"] = {key: route_settings[source] for key, source in (
                ("throttlingRateLimit", "ThrottlingRateLimit"), ("throttlingBurstLimit", "ThrottlingBurstLimit"),
                ("detailedMetricsEnabled", "DetailedMetricsEnabled")) if route_settings.get(source) is not None}
            out.add(HTTP_STAGE, f"{name}-{stage['StageName']}", inputs, region)
    for domain in _pages(client, "get_domain_names", "Items"):
        if not scope.tagged(domain.get("Tags")):
            continue
        config = (domain.get("DomainNameConfigurations") or [{}])[0]
        out.add(HTTP_DOMAIN, domain["DomainName"], {
            "domainName": domain["DomainName"], "tags": _tags(domain.get("Tags")),
            "domainNameConfiguration": {"securityPolicy": config.get("SecurityPolicy"),
                                        "endpointType": config.get("EndpointType"),
                                        "certificateArn": config.get("CertificateArn")}}, region)


# --- queues, topics, buckets ----------------------------------------------------------------------------------

def _queues(client: Any, scope: Scope, region: str, out: Collected) -> None:
    for url in _pages(client, "list_queues", "QueueUrls"):
        tags = client.list_queue_tags(QueueUrl=url).get("Tags") or {}
        if not scope.tagged(tags):
            continue
        attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]).get("Attributes") or {}
        name = url.rsplit("/", 1)[-1]
        inputs: dict[str, Any] = {"name": name, "tags": _tags(tags),
                                  "fifoQueue": attributes.get("FifoQueue") == "true"}
        for key, source in (("kmsMasterKeyId", "KmsMasterKeyId"), ("redrivePolicy", "RedrivePolicy")):
            if attributes.get(source):
                inputs[key] = attributes[source]
        policy = policy_text(attributes.get("Policy"))
        if policy:
            inputs["policy"] = policy
        out.add(QUEUE, name, inputs, region, url)


def _topics(client: Any, scope: Scope, region: str, out: Collected) -> None:
    for topic in _pages(client, "list_topics", "Topics"):
        arn = topic["TopicArn"]
        tags = client.list_tags_for_resource(ResourceArn=arn).get("Tags") or []
        if not scope.tagged(tags):
            continue
        attributes = client.get_topic_attributes(TopicArn=arn).get("Attributes") or {}
        name = arn.rsplit(":", 1)[-1]
        inputs: dict[str, Any] = {"name": name, "tags": _tags(tags), "fifoTopic": attributes.get("FifoTopic") == "true"}
        if attributes.get("KmsMasterKeyId"):
            inputs["kmsMasterKeyId"] = attributes["KmsMasterKeyId"]
        policy = policy_text(attributes.get("Policy"))
        if policy:
            inputs["policy"] = policy
        out.add(TOPIC, name, inputs, region, arn)


def _buckets(client: Any, scope: Scope, out: Collected) -> None:
    """Buckets are listed account-wide: each is kept when it is in one of the scope's regions and tagged."""
    for bucket in _pages(client, "list_buckets", "Buckets"):
        name = bucket["Name"]
        region = bucket.get("BucketRegion") or client.get_bucket_location(Bucket=name).get("LocationConstraint") \
            or "us-east-1"
        if region not in scope.regions:
            continue
        try:
            tags = client.get_bucket_tagging(Bucket=name).get("TagSet") or []
        except Exception as error:
            if _missing(error, "NoSuchTagSet", "NoSuchTagSetError"):
                continue
            raise
        if not scope.tagged(tags):
            continue
        out.add(BUCKET, name, {"bucket": name, "tags": _tags(tags)}, region)
        try:
            policy = policy_text(client.get_bucket_policy(Bucket=name).get("Policy"))
        except Exception as error:
            if _missing(error, "NoSuchBucketPolicy"):
                continue
            raise
        if policy:
            out.add(BUCKET_POLICY, f"{name}-policy", {"bucket": name, "policy": policy}, region)


# --- security groups ------------------------------------------------------------------------------------------

def _permission(permission: dict[str, Any]) -> dict[str, Any]:
    protocol = str(permission.get("IpProtocol", "-1"))
    rule: dict[str, Any] = {"protocol": protocol, "fromPort": permission.get("FromPort", 0),
                            "toPort": permission.get("ToPort", 0)}
    for key, source, field in (("cidrBlocks", "IpRanges", "CidrIp"), ("ipv6CidrBlocks", "Ipv6Ranges", "CidrIpv6"),
                               ("securityGroups", "UserIdGroupPairs", "GroupId"),
                               ("prefixListIds", "PrefixListIds", "PrefixListId")):
        values = [r[field] for r in permission.get(source) or [] if r.get(field)]
        if values:
            rule[key] = values
    return rule


def _security_groups(client: Any, scope: Scope, region: str, out: Collected) -> None:
    groups = _pages(client, "describe_security_groups", "SecurityGroups",
                    Filters=[{"Name": f"tag:{ENVIRONMENT_TAG}", "Values": [scope.env]}])
    for group in groups:
        if not scope.tagged(group.get("Tags")):
            continue
        out.add(SECURITY_GROUP, group["GroupId"], {
            "name": group.get("GroupName"), "description": group.get("Description"), "vpcId": group.get("VpcId"),
            "ingress": [_permission(p) for p in group.get("IpPermissions") or []],
            "egress": [_permission(p) for p in group.get("IpPermissionsEgress") or []],
            "tags": _tags(group.get("Tags"))}, region, group["GroupId"])


# --- secrets --------------------------------------------------------------------------------------------------

def _secrets(client: Any, scope: Scope, region: str, out: Collected) -> None:
    """Secrets' metadata only (DescribeSecret, GetResourcePolicy): never GetSecretValue. A replica listed in its
    replica region is judged on its primary, where the plan declares it."""
    for listed in _pages(client, "list_secrets", "SecretList"):
        if not scope.tagged(listed.get("Tags")):
            continue
        if listed.get("PrimaryRegion") and listed["PrimaryRegion"] != region:
            continue
        arn = listed["ARN"]
        described = client.describe_secret(SecretId=arn)
        # A replica that failed to replicate would not serve a failover: only working replicas count.
        replicas = [{"region": r["Region"], **({"kmsKeyId": r["KmsKeyId"]} if r.get("KmsKeyId") else {})}
                    for r in described.get("ReplicationStatus") or [] if str(r.get("Status", "")).lower() != "failed"]
        name = described.get("Name") or listed.get("Name")
        inputs: dict[str, Any] = {"name": name, "replicas": replicas, "tags": _tags(described.get("Tags"))}
        if described.get("KmsKeyId"):
            inputs["kmsKeyId"] = described["KmsKeyId"]
        if described.get("Description"):
            inputs["description"] = described["Description"]
        out.add(SECRET, name, inputs, region, arn)
        policy = policy_text(client.get_resource_policy(SecretId=arn).get("ResourcePolicy"))
        if policy:
            out.add(SECRET_POLICY, f"{name}-policy", {"secretArn": arn, "policy": policy}, region)


# --- brokers --------------------------------------------------------------------------------------------------

def _brokers(mq: Any, kafka: Any, scope: Scope, region: str, out: Collected) -> None:
    from ..drill.clients import unsupported

    try:
        summaries = list(_pages(mq, "list_brokers", "BrokerSummaries"))
    except Exception as error:
        if not unsupported(error):
            raise
        summaries = []
    for summary in summaries:
        broker = mq.describe_broker(BrokerId=summary["BrokerId"])
        if not scope.tagged(broker.get("Tags")):
            continue
        out.add(MQ_BROKER, broker.get("BrokerName") or summary["BrokerId"], {
            "brokerName": broker.get("BrokerName"), "engineType": broker.get("EngineType"),
            "publiclyAccessible": bool(broker.get("PubliclyAccessible")), "tags": _tags(broker.get("Tags"))},
            region, summary["BrokerId"])
    try:
        clusters = list(_pages(kafka, "list_clusters_v2", "ClusterInfoList"))
    except Exception as error:
        if not unsupported(error):
            raise
        clusters = []
    for cluster in clusters:
        if not scope.tagged(cluster.get("Tags")):
            continue
        connectivity = ((cluster.get("Provisioned") or {}).get("BrokerNodeGroupInfo") or {}).get("ConnectivityInfo") or {}
        public = (connectivity.get("PublicAccess") or {}).get("Type", "DISABLED")
        out.add(MSK_CLUSTER, cluster.get("ClusterName") or cluster["ClusterArn"], {
            "clusterName": cluster.get("ClusterName"), "tags": _tags(cluster.get("Tags")),
            "brokerNodeGroupInfo": {"connectivityInfo": {"publicAccess": {"type": public}}}}, region,
            cluster["ClusterArn"])


# --- the whole read -------------------------------------------------------------------------------------------

ClientFactory = Callable[[str, str], Any]


def read_aws(clients: ClientFactory, scope: Scope, out: Collected,
             progress: Callable[[str], None] = lambda _: None) -> Optional[str]:
    """Read every covered resource of the scope into `out`; returns the caller's account.

    `clients(service, region)` returns a boto3 client (already guarded read-only by the caller)."""
    account = check_account(clients("sts", scope.regions[0]), scope)
    for region in scope.regions:
        progress(f"aws {region}")
        _rest(clients("apigateway", region), scope, region, out)
        _http(clients("apigatewayv2", region), scope, region, out)
        _queues(clients("sqs", region), scope, region, out)
        _topics(clients("sns", region), scope, region, out)
        _security_groups(clients("ec2", region), scope, region, out)
        _secrets(clients("secretsmanager", region), scope, region, out)
        _brokers(clients("mq", region), clients("kafka", region), scope, region, out)
    _buckets(clients("s3", scope.regions[0]), scope, out)
    return account


def regions_of(spec: Any) -> tuple[str, ...]:
    """The AWS regions an environment deploys into: primary, secondary, and its AWS clusters' regions."""
    regions = [spec.regions.aws.primary.region]
    if spec.regions.aws.secondary:
        regions.append(spec.regions.aws.secondary.region)
    regions += [c.region for c in spec.clusters if c.cloud == "aws" and c.region]
    return tuple(dict.fromkeys(regions))
