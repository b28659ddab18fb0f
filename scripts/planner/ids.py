"""Realistic, deterministic physical ids and computed outputs for mocked resources.

Ids are derived from the URN with a stable hash, so the same program always yields the same plan
(no randomness, no PYTHONHASHSEED dependence), and shaped like the real cloud's so tools that parse
them (ARNs, queue URLs, Azure resource ids) work on plans as on real stack exports.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from components.naming import region_code

_EC2_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc", "aws:ec2/subnet:Subnet": "subnet", "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc", "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce", "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "aws:ec2/customerGateway:CustomerGateway": "cgw", "aws:ec2/vpnConnection:VpnConnection": "vpn",
    "aws:ec2/internetGateway:InternetGateway": "igw", "aws:ec2/natGateway:NatGateway": "nat",
}
# Where each planned Azure type sits in ARM, as the real provider reports it: its resource provider
# namespace, then (collection, the input naming that level) pairs down to the resource itself; the last
# input is the resource's own name, which is also its `name` output. From each resource's REST API path
# (learn.microsoft.com/rest/api/<service>); inputs are the azure-native SDK's Args names.
AZURE_PATHS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "azure-native:apimanagement:ApiManagementService": ("Microsoft.ApiManagement", (("service", "serviceName"),)),
    "azure-native:apimanagement:Api": ("Microsoft.ApiManagement", (("service", "serviceName"), ("apis", "apiId"))),
    "azure-native:apimanagement:ApiPolicy": ("Microsoft.ApiManagement", (
        ("service", "serviceName"), ("apis", "apiId"), ("policies", "policyId"))),
    "azure-native:apimanagement:ApiOperation": ("Microsoft.ApiManagement", (
        ("service", "serviceName"), ("apis", "apiId"), ("operations", "operationId"))),
    "azure-native:apimanagement:ApiOperationPolicy": ("Microsoft.ApiManagement", (
        ("service", "serviceName"), ("apis", "apiId"), ("operations", "operationId"), ("policies", "policyId"))),
    "azure-native:apimanagement:ApiVersionSet": ("Microsoft.ApiManagement", (
        ("service", "serviceName"), ("apiVersionSets", "versionSetId"))),
    "azure-native:apimanagement:Diagnostic": ("Microsoft.ApiManagement", (
        ("service", "serviceName"), ("diagnostics", "diagnosticId"))),
    "azure-native:apimanagement:Logger": ("Microsoft.ApiManagement", (("service", "serviceName"), ("loggers", "loggerId"))),
    "azure-native:apimanagement:Product": ("Microsoft.ApiManagement", (("service", "serviceName"), ("products", "productId"))),
    "azure-native:apimanagement:ProductApi": ("Microsoft.ApiManagement", (
        ("service", "serviceName"), ("products", "productId"), ("apis", "apiId"))),
    "azure-native:apimanagement:ProductPolicy": ("Microsoft.ApiManagement", (
        ("service", "serviceName"), ("products", "productId"), ("policies", "policyId"))),
    "azure-native:appconfiguration:ConfigurationStore": ("Microsoft.AppConfiguration", (
        ("configurationStores", "configStoreName"),)),
    "azure-native:appconfiguration:KeyValue": ("Microsoft.AppConfiguration", (
        ("configurationStores", "configStoreName"), ("keyValues", "keyValueName"))),
    "azure-native:applicationinsights:Component": ("Microsoft.Insights", (("components", "resourceName"),)),
    "azure-native:keyvault:Vault": ("Microsoft.KeyVault", (("vaults", "vaultName"),)),
    "azure-native:keyvault:Key": ("Microsoft.KeyVault", (("vaults", "vaultName"), ("keys", "keyName"))),
    "azure-native:monitor:ActionGroup": ("Microsoft.Insights", (("actionGroups", "actionGroupName"),)),
    "azure-native:monitor:MetricAlert": ("Microsoft.Insights", (("metricAlerts", "ruleName"),)),
    "azure-native:operationalinsights:Workspace": ("Microsoft.OperationalInsights", (("workspaces", "workspaceName"),)),
    "azure-native:servicebus:Namespace": ("Microsoft.ServiceBus", (("namespaces", "namespaceName"),)),
    "azure-native:servicebus:Queue": ("Microsoft.ServiceBus", (("namespaces", "namespaceName"), ("queues", "queueName"))),
    "azure-native:servicebus:Topic": ("Microsoft.ServiceBus", (("namespaces", "namespaceName"), ("topics", "topicName"))),
    "azure-native:servicebus:Subscription": ("Microsoft.ServiceBus", (
        ("namespaces", "namespaceName"), ("topics", "topicName"), ("subscriptions", "subscriptionName"))),
    "azure-native:eventhub:Namespace": ("Microsoft.EventHub", (("namespaces", "namespaceName"),)),
    "azure-native:eventhub:EventHub": ("Microsoft.EventHub", (("namespaces", "namespaceName"), ("eventhubs", "eventHubName"))),
    "azure-native:eventhub:ConsumerGroup": ("Microsoft.EventHub", (
        ("namespaces", "namespaceName"), ("eventhubs", "eventHubName"), ("consumergroups", "consumerGroupName"))),
    "azure-native:eventhub:SchemaRegistry": ("Microsoft.EventHub", (
        ("namespaces", "namespaceName"), ("schemagroups", "schemaGroupName"))),
    "azure-native:network:VirtualNetwork": ("Microsoft.Network", (("virtualNetworks", "virtualNetworkName"),)),
    "azure-native:network:Subnet": ("Microsoft.Network", (
        ("virtualNetworks", "virtualNetworkName"), ("subnets", "subnetName"))),
    "azure-native:network:PrivateEndpoint": ("Microsoft.Network", (("privateEndpoints", "privateEndpointName"),)),
    "azure-native:network:PublicIPAddress": ("Microsoft.Network", (("publicIPAddresses", "publicIpAddressName"),)),
    "azure-native:network:VirtualNetworkGateway": ("Microsoft.Network", (
        ("virtualNetworkGateways", "virtualNetworkGatewayName"),)),
    "azure-native:network:LocalNetworkGateway": ("Microsoft.Network", (("localNetworkGateways", "localNetworkGatewayName"),)),
    "azure-native:network:VirtualNetworkGatewayConnection": ("Microsoft.Network", (
        ("connections", "virtualNetworkGatewayConnectionName"),)),
    "azure-native:network:ExpressRouteCircuit": ("Microsoft.Network", (("expressRouteCircuits", "circuitName"),)),
    "azure-native:trafficmanager:Profile": ("Microsoft.Network", (("trafficmanagerprofiles", "profileName"),)),
    "azure-native:managedidentity:UserAssignedIdentity": ("Microsoft.ManagedIdentity", (
        ("userAssignedIdentities", "resourceName"),)),
    "azure-native:managedidentity:FederatedIdentityCredential": ("Microsoft.ManagedIdentity", (
        ("userAssignedIdentities", "resourceName"), ("federatedIdentityCredentials", "federatedIdentityCredentialResourceName"))),
    "azure-native:redisenterprise:RedisEnterprise": ("Microsoft.Cache", (("redisEnterprise", "clusterName"),)),
    "azure-native:redisenterprise:Database": ("Microsoft.Cache", (
        ("redisEnterprise", "clusterName"), ("databases", "databaseName"))),
    "azure-native:redisenterprise:AccessPolicyAssignment": ("Microsoft.Cache", (
        ("redisEnterprise", "clusterName"), ("databases", "databaseName"),
        ("accessPolicyAssignments", "accessPolicyAssignmentName"))),
    "azure-native:network:PrivateDnsZoneGroup": ("Microsoft.Network", (
        ("privateEndpoints", "privateEndpointName"), ("privateDnsZoneGroups", "privateDnsZoneGroupName"))),
}
# Extension resources live under the resource they attach to (its id is an input), not in a resource group.
AZURE_EXTENSIONS: dict[str, tuple[str, str, str]] = {
    "azure-native:monitor:DiagnosticSetting": ("resourceUri", "Microsoft.Insights/diagnosticSettings", "name"),
    "azure-native:authorization:RoleAssignment": ("scope", "Microsoft.Authorization/roleAssignments", "roleAssignmentName"),
}
_NAMESPACE = uuid.UUID("6c1e0d8e-2f9a-4f4e-9d59-6d0f1b7a2c11")


def digest(urn: str, length: int = 17) -> str:
    return hashlib.sha256(urn.encode()).hexdigest()[:length]


def stable_uuid(urn: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, urn))


def _service(type_: str) -> str:
    return type_.split(":")[1].split("/")[0]


def aws_outputs(type_: str, name: str, urn: str, inputs: dict[str, Any], region: str, account: str
                ) -> tuple[str, dict[str, Any]]:
    """(id, extra outputs) for an AWS resource, in the shapes AWS returns."""
    physical = inputs.get("name") or f"{name}-{digest(urn, 7)}"
    if type_ in _CONNECTIVITY_ROUTING:
        return _CONNECTIVITY_ROUTING[type_](name, urn, inputs, region, account, physical)
    if type_ in _EC2_PREFIXES:
        rid = f"{_EC2_PREFIXES[type_]}-{digest(urn)}"
        extra = {"arn": f"arn:aws:ec2:{region}:{account}:{_EC2_PREFIXES[type_]}/{rid}"}
        if type_ == "aws:ec2/vpcEndpoint:VpcEndpoint" and inputs.get("vpcEndpointType") == "Gateway":
            # A gateway endpoint reports its service's AWS-managed prefix list (what security groups admit).
            extra["prefixListId"] = f"pl-{digest(urn + '#prefix-list', 8)}"
        return rid, extra
    if type_ == "aws:sqs/queue:Queue":
        url = f"https://sqs.{region}.amazonaws.com/{account}/{physical}"
        return url, {"arn": f"arn:aws:sqs:{region}:{account}:{physical}", "url": url, "name": physical}
    if type_ in ("aws:sqs/queuePolicy:QueuePolicy",):
        return str(inputs.get("queueUrl", physical)), {}
    if type_ == "aws:sns/topic:Topic":
        arn = f"arn:aws:sns:{region}:{account}:{physical}"
        return arn, {"arn": arn, "name": physical}
    if type_ == "aws:sns/topicPolicy:TopicPolicy":
        return str(inputs.get("arn", physical)), {}
    if type_ == "aws:sns/topicSubscription:TopicSubscription":
        arn = f"{inputs.get('topic', 'arn:aws:sns:' + region + ':' + account + ':topic')}:{stable_uuid(urn)}"
        return arn, {"arn": arn}
    if type_ == "aws:kms/key:Key":
        key_id = stable_uuid(urn)
        return key_id, {"arn": f"arn:aws:kms:{region}:{account}:key/{key_id}", "keyId": key_id}
    if type_ == "aws:kms/alias:Alias":
        return physical, {"arn": f"arn:aws:kms:{region}:{account}:{physical}"}
    if type_ == "aws:sfn/stateMachine:StateMachine":
        arn = f"arn:aws:states:{region}:{account}:stateMachine:{physical}"
        return arn, {"arn": arn, "name": physical, "status": "ACTIVE"}
    if type_ == "aws:dynamodb/table:Table":
        return _dynamodb_table(inputs, region, account, physical)
    if type_.startswith("aws:iam/"):
        return physical, {"arn": f"arn:aws:iam::{account}:{type_.split('/')[1].split(':')[0]}/{physical}"}
    if type_ in _GATEWAYS:
        return _GATEWAYS[type_](name, urn, inputs, region, account, physical)
    if type_ in _SECRETS_AUDIT_OBSERVABILITY:
        return _SECRETS_AUDIT_OBSERVABILITY[type_](name, urn, inputs, region, account, physical)
    service = _service(type_)
    rid = f"{physical}"
    return rid, {"arn": f"arn:aws:{service}:{region}:{account}:{physical}"}


def azure_outputs(type_: str, name: str, urn: str, inputs: dict[str, Any], subscription: str
                  ) -> tuple[str, dict[str, Any]]:
    """(id, extra outputs) for an Azure resource: its ARM resource id and `name`, as the provider reports them."""
    module, resource = type_.split(":")[1], type_.split(":")[2]
    group = inputs.get("resourceGroupName")
    if type_ == "azure-native:resources:ResourceGroup":
        own_name = inputs.get("resourceGroupName") or f"{name}-{digest(urn, 6)}"
        return f"/subscriptions/{subscription}/resourceGroups/{own_name}", {"name": own_name}
    if type_ in AZURE_EXTENSIONS:
        parent_key, collection, name_key = AZURE_EXTENSIONS[type_]
        # A role assignment the program does not name gets a GUID from the provider.
        own_name = inputs.get(name_key) or (stable_uuid(urn) if name_key == "roleAssignmentName" else f"{name}-{digest(urn, 6)}")
        parent = inputs.get(parent_key) or f"/subscriptions/{subscription}"
        return f"{str(parent).rstrip('/')}/providers/{collection}/{own_name}", {"name": own_name}
    if type_ == "azure-native:monitor:SubscriptionDiagnosticSetting":
        own_name = inputs.get("name") or f"{name}-{digest(urn, 6)}"
        return f"/subscriptions/{subscription}/providers/Microsoft.Insights/diagnosticSettings/{own_name}", {"name": own_name}
    namespace, levels = AZURE_PATHS.get(type_, (f"Microsoft.{module.capitalize()}",
                                                ((resource[0].lower() + resource[1:] + "s", resource[0].lower() + resource[1:] + "Name"),)))
    segments = []
    own_name = ""
    for index, (collection, key) in enumerate(levels):
        value = inputs.get(key)
        if index == len(levels) - 1:
            value = own_name = value or f"{name}-{digest(urn, 6)}"
        segments.append(f"{collection}/{value}")
    rid = f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{namespace}/" + "/".join(segments)
    extra: dict[str, Any] = {"name": own_name}
    if type_ == "azure-native:managedidentity:UserAssignedIdentity":
        # Computed by Entra ID: the identity's service principal (what role assignments name) and its client id.
        extra.update(principalId=stable_uuid(urn + "#principal"), clientId=stable_uuid(urn + "#client"))
    if type_ == "azure-native:keyvault:Vault":
        # Computed by Azure: the vault's data-plane URL (public cloud suffix), read by the External Secrets store.
        properties = dict(inputs.get("properties") or {})
        properties["vaultUri"] = f"https://{own_name}.vault.azure.net/"
        extra["properties"] = properties
    if type_ == "azure-native:keyvault:Key":
        # Computed by Key Vault: the key's data-plane URLs (public cloud suffix), versionless and of the version
        # created (32 hex digits), what a service's customer-managed key setting names.
        key_uri = f"https://{inputs.get('vaultName')}.vault.azure.net/keys/{own_name}"
        extra.update(keyUri=key_uri, keyUriWithVersion=f"{key_uri}/{digest(urn + '#version', 32)}")
    if type_ == "azure-native:redisenterprise:RedisEnterprise":
        # Computed by Azure: the cluster's host name (<name>.<location>.redis.azure.net), what clients connect to.
        extra["hostName"] = f"{own_name}.{inputs.get('location')}.redis.azure.net"
        identity = inputs.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            # The request lists identity ids; the response maps each to its principal and client ids.
            extra["identity"] = {**identity, "userAssignedIdentities": {
                rid: {"principalId": stable_uuid(f"{rid}#principal"), "clientId": stable_uuid(f"{rid}#client")}
                for rid in identity["userAssignedIdentities"]}}
    if type_ == "azure-native:apimanagement:ApiManagementService":
        # Computed by Azure: the service's default gateway URL (public cloud suffix), what DNS endpoints target.
        extra["gatewayUrl"] = f"https://{own_name}.azure-api.net"
    return rid, extra


def kubernetes_outputs(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    metadata = inputs.get("metadata") or {}
    namespace = metadata.get("namespace")
    object_name = metadata.get("name") or inputs.get("name") or name
    return (f"{namespace}/{object_name}" if namespace else str(object_name)), {}


def _appconfig_id(urn: str) -> str:
    """AppConfig ids are 7 lower-case alphanumerics."""
    return digest(urn, 7)


def _alarm(name, urn, inputs, region, account, physical):
    alarm = inputs.get("alarmName") or physical
    return alarm, {"arn": f"arn:aws:cloudwatch:{region}:{account}:alarm:{alarm}"}


# A stream's label is the time it was enabled; a fixed one keeps plans deterministic.
STREAM_LABEL = "2026-01-01T00:00:00.000"


def _dynamodb_table(inputs: dict[str, Any], region: str, account: str, physical: str) -> tuple[str, dict[str, Any]]:
    """A table's id is its name; its ARN, stream ARN and each global-table replica's ARNs as DynamoDB reports them
    (arn:aws:dynamodb:<region>:<account>:table/<name>[/stream/<label>])."""
    def arns(in_region: str) -> dict[str, Any]:
        arn = f"arn:aws:dynamodb:{in_region}:{account}:table/{physical}"
        streams = {"streamArn": f"{arn}/stream/{STREAM_LABEL}", "streamLabel": STREAM_LABEL} if inputs.get(
            "streamEnabled") else {}
        return {"arn": arn, **streams}
    extra: dict[str, Any] = {"name": physical, **arns(region)}
    if inputs.get("replicas"):
        extra["replicas"] = [{**dict(r), **arns(str(r.get("regionName")))} for r in inputs["replicas"]]
    return physical, extra


# Secrets, audit and observability types whose real ids and ARNs have their own shapes.
_SECRETS_AUDIT_OBSERVABILITY = {
    "aws:secretsmanager/secret:Secret": lambda name, urn, inputs, region, account, physical: (
        f"arn:aws:secretsmanager:{region}:{account}:secret:{physical}-{digest(urn, 6)}",
        {"arn": f"arn:aws:secretsmanager:{region}:{account}:secret:{physical}-{digest(urn, 6)}"}),
    "aws:kms/replicaKey:ReplicaKey": lambda name, urn, inputs, region, account, physical: (
        f"mrk-{digest(urn, 32)}", {"arn": f"arn:aws:kms:{region}:{account}:key/mrk-{digest(urn, 32)}",
                                    "keyId": f"mrk-{digest(urn, 32)}"}),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": _alarm,
    "aws:cloudtrail/trail:Trail": lambda name, urn, inputs, region, account, physical: (
        f"arn:aws:cloudtrail:{region}:{account}:trail/{physical}",
        {"arn": f"arn:aws:cloudtrail:{region}:{account}:trail/{physical}"}),
    "aws:s3/bucket:Bucket": lambda name, urn, inputs, region, account, physical: (
        inputs.get("bucket") or physical, {"arn": f"arn:aws:s3:::{inputs.get('bucket') or physical}"}),
    "aws:appconfig/application:Application": lambda name, urn, inputs, region, account, physical: (
        _appconfig_id(urn), {"arn": f"arn:aws:appconfig:{region}:{account}:application/{_appconfig_id(urn)}"}),
    "aws:appconfig/environment:Environment": lambda name, urn, inputs, region, account, physical: (
        f"{_appconfig_id(urn)}:{inputs.get('applicationId')}",
        {"environmentId": _appconfig_id(urn),
         "arn": f"arn:aws:appconfig:{region}:{account}:application/{inputs.get('applicationId')}/environment/"
                f"{_appconfig_id(urn)}"}),
    "aws:appconfig/configurationProfile:ConfigurationProfile": lambda name, urn, inputs, region, account, physical: (
        f"{_appconfig_id(urn)}:{inputs.get('applicationId')}", {"configurationProfileId": _appconfig_id(urn)}),
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion":
        lambda name, urn, inputs, region, account, physical: (
            f"{inputs.get('applicationId')}/{inputs.get('configurationProfileId')}/1", {"versionNumber": 1}),
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": lambda name, urn, inputs, region, account, physical: (
        _appconfig_id(urn), {"arn": f"arn:aws:appconfig:{region}:{account}:deploymentstrategy/{_appconfig_id(urn)}"}),
    "aws:appconfig/deployment:Deployment": lambda name, urn, inputs, region, account, physical: (
        f"{inputs.get('applicationId')}/{inputs.get('environmentId')}/1", {"deploymentNumber": 1}),
}


# Kafka types whose ARNs carry a kind, the name and a generated uuid (MSK IAM policies derive topic and group
# ARNs from the cluster's: .../cluster/<name>/<uuid> -> .../topic/<name>/<uuid>/<topic>).
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmanagedstreamingforapachekafka.html
_KAFKA_KINDS = {"aws:msk/cluster:Cluster": ("kafka", "cluster", "clusterName"),
                "aws:mskconnect/connector:Connector": ("kafkaconnect", "connector", "name"),
                "aws:mskconnect/customPlugin:CustomPlugin": ("kafkaconnect", "custom-plugin", "name"),
                "aws:mskconnect/workerConfiguration:WorkerConfiguration": ("kafkaconnect", "worker-configuration", "name")}


def _kafka(type_: str):
    service, kind, field = _KAFKA_KINDS[type_]

    def outputs(name, urn, inputs, region, account, physical):
        arn = f"arn:aws:{service}:{region}:{account}:{kind}/{inputs.get(field) or physical}/{stable_uuid(urn)}-2"
        return arn, {"arn": arn}
    return outputs


_SECRETS_AUDIT_OBSERVABILITY.update({type_: _kafka(type_) for type_ in _KAFKA_KINDS})


def _kafka_topic(name, urn, inputs, region, account, physical):
    """A topic's ARN is its cluster's with kind topic and the topic's name appended."""
    cluster = str(inputs.get("clusterArn") or f"arn:aws:kafka:{region}:{account}:cluster/unknown/{stable_uuid(urn)}")
    arn = cluster.replace(":cluster/", ":topic/", 1) + f"/{inputs.get('name') or physical}"
    return arn, {"arn": arn}


_SECRETS_AUDIT_OBSERVABILITY["aws:msk/topic:Topic"] = _kafka_topic


def _api_id(urn: str) -> str:
    """API Gateway ids (REST and HTTP APIs, stages' deployments, keys) are 10 lower-case alphanumerics."""
    return digest(urn, 10)


def _rest_stage(name, urn, inputs, region, account, physical):
    api, stage = inputs.get("restApi"), inputs.get("stageName")
    return f"ags-{api}-{stage}", {"arn": f"arn:aws:apigateway:{region}::/restapis/{api}/stages/{stage}",
                                  "invokeUrl": f"https://{api}.execute-api.{region}.amazonaws.com/{stage}"}


def _http_stage(name, urn, inputs, region, account, physical):
    api, stage = inputs.get("apiId"), inputs.get("name")
    return stage, {"arn": f"arn:aws:apigateway:{region}::/apis/{api}/stages/{stage}",
                   "invokeUrl": f"https://{api}.execute-api.{region}.amazonaws.com/{stage}"}


def _lambda(name, urn, inputs, region, account, physical):
    arn = f"arn:aws:lambda:{region}:{account}:function:{physical}"
    return physical, {"arn": arn, "qualifiedArn": f"{arn}:$LATEST",
                      "invokeArn": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"}


# API Gateway's regional endpoints' hosted zones (what a Route 53 alias to a regional custom domain names).
# https://docs.aws.amazon.com/general/latest/gr/apigateway.html
APIGATEWAY_ZONES = {"eu-central-1": "Z1U9ULNL0V5AJ3", "eu-west-1": "ZLY8HYME6SFDD", "us-east-1": "Z1UJRXOUMOOFQ8"}


def _api_key(name: str, urn: str, inputs: dict[str, Any], region: str, account: str, physical: str
             ) -> tuple[str, dict[str, Any]]:
    # A given value is kept (a copy's key); otherwise API Gateway generates one (40 characters).
    value = inputs.get("value") or digest(urn + "#key", 40)
    return _api_id(urn), {"arn": f"arn:aws:apigateway:{region}::/apikeys/{_api_id(urn)}", "value": value}


# API gateway types whose real ids and ARNs have their own shapes.
_GATEWAYS = {
    "aws:apigateway/restApi:RestApi": lambda name, urn, inputs, region, account, physical: (
        _api_id(urn), {"arn": f"arn:aws:apigateway:{region}::/restapis/{_api_id(urn)}",
                       "rootResourceId": digest(urn + "/", 10),
                       "executionArn": f"arn:aws:execute-api:{region}:{account}:{_api_id(urn)}"}),
    "aws:apigateway/deployment:Deployment": lambda name, urn, inputs, region, account, physical: (_api_id(urn), {}),
    "aws:apigateway/stage:Stage": _rest_stage,
    "aws:apigateway/apiKey:ApiKey": _api_key,
    "aws:apigateway/usagePlan:UsagePlan": lambda name, urn, inputs, region, account, physical: (
        _api_id(urn), {"arn": f"arn:aws:apigateway:{region}::/usageplans/{_api_id(urn)}"}),
    "aws:apigateway/vpcLink:VpcLink": lambda name, urn, inputs, region, account, physical: (
        _api_id(urn), {"arn": f"arn:aws:apigateway:{region}::/vpclinks/{_api_id(urn)}"}),
    "aws:apigateway/domainName:DomainName": lambda name, urn, inputs, region, account, physical: (
        str(inputs.get("domainName")), {"arn": f"arn:aws:apigateway:{region}::/domainnames/{inputs.get('domainName')}",
                                        "regionalDomainName": f"d-{_api_id(urn)}.execute-api.{region}.amazonaws.com",
                                        "regionalZoneId": APIGATEWAY_ZONES.get(region, f"Z{digest(region, 12).upper()}")}),
    "aws:apigatewayv2/api:Api": lambda name, urn, inputs, region, account, physical: (
        _api_id(urn), {"arn": f"arn:aws:apigateway:{region}::/apis/{_api_id(urn)}",
                       "apiEndpoint": f"https://{_api_id(urn)}.execute-api.{region}.amazonaws.com",
                       "executionArn": f"arn:aws:execute-api:{region}:{account}:{_api_id(urn)}"}),
    "aws:apigatewayv2/stage:Stage": _http_stage,
    "aws:apigatewayv2/authorizer:Authorizer": lambda name, urn, inputs, region, account, physical: (digest(urn, 6), {}),
    "aws:apigatewayv2/integration:Integration": lambda name, urn, inputs, region, account, physical: (digest(urn, 7), {}),
    "aws:apigatewayv2/route:Route": lambda name, urn, inputs, region, account, physical: (digest(urn, 7), {}),
    "aws:apigatewayv2/vpcLink:VpcLink": lambda name, urn, inputs, region, account, physical: (
        digest(urn, 6), {"arn": f"arn:aws:apigateway:{region}::/vpclinks/{digest(urn, 6)}"}),
    "aws:apigatewayv2/domainName:DomainName": lambda name, urn, inputs, region, account, physical: (
        str(inputs.get("domainName")), {"arn": f"arn:aws:apigateway:{region}::/domainnames/{inputs.get('domainName')}"}),
    "aws:lambda/function:Function": _lambda,
    "aws:wafv2/webAcl:WebAcl": lambda name, urn, inputs, region, account, physical: (
        stable_uuid(urn), {"arn": f"arn:aws:wafv2:{region}:{account}:regional/webacl/{physical}/{stable_uuid(urn)}"}),
}


def _ip(urn: str, salt: str, prefix: str = "203.0.113") -> str:
    """A documentation-range address (RFC 5737), stable per resource."""
    return f"{prefix}.{int(digest(urn + salt, 4), 16) % 254 + 1}"


def _tunnel_hosts(cidr: Any) -> tuple[str, str]:
    base = str(cidr or "169.254.0.0/30").split("/")[0].rsplit(".", 1)
    return f"{base[0]}.{int(base[1]) + 1}", f"{base[0]}.{int(base[1]) + 2}"


def _vpn(name, urn, inputs, region, account, physical):
    rid = f"vpn-{digest(urn)}"
    outputs: dict[str, Any] = {"arn": f"arn:aws:ec2:{region}:{account}:vpn-connection/{rid}",
                               "transitGatewayAttachmentId": f"tgw-attach-{digest(urn + '/attach')}"}
    for tunnel in (1, 2):
        vgw, cgw = _tunnel_hosts(inputs.get(f"tunnel{tunnel}InsideCidr"))
        outputs.update({f"tunnel{tunnel}Address": _ip(urn, str(tunnel), "198.18.0"),
                        f"tunnel{tunnel}VgwInsideAddress": vgw, f"tunnel{tunnel}CgwInsideAddress": cgw,
                        f"tunnel{tunnel}BgpAsn": "64512", f"tunnel{tunnel}BgpHoldtime": 30})
    return rid, outputs


# Hybrid connectivity and DNS routing types whose real ids and outputs have their own shapes.
_CONNECTIVITY_ROUTING = {
    "aws:ec2transitgateway/transitGateway:TransitGateway": lambda name, urn, inputs, region, account, physical: (
        f"tgw-{digest(urn)}", {"arn": f"arn:aws:ec2:{region}:{account}:transit-gateway/tgw-{digest(urn)}",
                               "associationDefaultRouteTableId": f"tgw-rtb-{digest(urn + '/rtb')}",
                               "propagationDefaultRouteTableId": f"tgw-rtb-{digest(urn + '/rtb')}",
                               "ownerId": account}),
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": lambda name, urn, inputs, region, account, physical: (
        f"tgw-attach-{digest(urn)}", {"arn": f"arn:aws:ec2:{region}:{account}:transit-gateway-attachment/"
                                             f"tgw-attach-{digest(urn)}"}),
    "aws:ec2transitgateway/route:Route": lambda name, urn, inputs, region, account, physical: (
        f"{inputs.get('transitGatewayRouteTableId')}_{inputs.get('destinationCidrBlock')}", {}),
    "aws:ec2/route:Route": lambda name, urn, inputs, region, account, physical: (
        f"r-{inputs.get('routeTableId')}{int(digest(urn, 8), 16)}", {}),
    "aws:ec2/customerGateway:CustomerGateway": lambda name, urn, inputs, region, account, physical: (
        f"cgw-{digest(urn)}", {"arn": f"arn:aws:ec2:{region}:{account}:customer-gateway/cgw-{digest(urn)}"}),
    "aws:ec2/vpnConnection:VpnConnection": _vpn,
    "aws:directconnect/gateway:Gateway": lambda name, urn, inputs, region, account, physical: (
        stable_uuid(urn), {"ownerAccountId": account}),
    "aws:directconnect/gatewayAssociation:GatewayAssociation": lambda name, urn, inputs, region, account, physical: (
        f"ga-{inputs.get('dxGatewayId')}{inputs.get('associatedGatewayId')}",
        {"dxGatewayAssociationId": stable_uuid(urn), "associatedGatewayType": "transitGateway",
         "transitGatewayAttachmentId": f"tgw-attach-{digest(urn)}"}),
    "aws:directconnect/transitVirtualInterface:TransitVirtualInterface":
        lambda name, urn, inputs, region, account, physical: (
            f"dxvif-{digest(urn, 8)}", {"arn": f"arn:aws:directconnect:{region}:{account}:dxvif/dxvif-{digest(urn, 8)}",
                                        "amazonAddress": "169.254.255.1/30", "customerAddress": "169.254.255.2/30",
                                        "awsDevice": f"EqFA5-{digest(urn, 12).upper()}"}),
    "aws:cloudwatch/logGroup:LogGroup": lambda name, urn, inputs, region, account, physical: (
        physical, {"arn": f"arn:aws:logs:{region}:{account}:log-group:{physical}"}),
    "aws:route53/zone:Zone": lambda name, urn, inputs, region, account, physical: (
        f"Z{digest(urn, 20).upper()}", {"zoneId": f"Z{digest(urn, 20).upper()}",
                                        "arn": f"arn:aws:route53:::hostedzone/Z{digest(urn, 20).upper()}",
                                        "nameServers": [f"ns-{int(digest(urn + str(i), 3), 16)}.awsdns-{i:02d}.{tld}"
                                                        for i, tld in enumerate(("com", "net", "org", "co.uk"))]}),
    "aws:route53/healthCheck:HealthCheck": lambda name, urn, inputs, region, account, physical: (
        stable_uuid(urn), {"arn": f"arn:aws:route53:::healthcheck/{stable_uuid(urn)}"}),
    "aws:route53/record:Record": lambda name, urn, inputs, region, account, physical: (
        f"{inputs.get('zoneId')}_{inputs.get('name')}_{inputs.get('type')}_{inputs.get('setIdentifier')}",
        {"fqdn": inputs.get("name")}),
}


# ElastiCache ARNs are arn:aws:elasticache:<region>:<account>:<kind>:<id> (colon, not slash), and the resource id is
# the identifier the program chose; endpoints follow the service's host name shapes (clustercfg./master. for
# node-based groups, <name>-<id>.serverless.<region-code>.cache.amazonaws.com for serverless caches).
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticache.html
_ELASTICACHE_KINDS = {"aws:elasticache/serverlessCache:ServerlessCache": ("serverlesscache", "name"),
                      "aws:elasticache/replicationGroup:ReplicationGroup": ("replicationgroup", "replicationGroupId"),
                      "aws:elasticache/user:User": ("user", "userId"),
                      "aws:elasticache/userGroup:UserGroup": ("usergroup", "userGroupId"),
                      "aws:elasticache/subnetGroup:SubnetGroup": ("subnetgroup", "name")}


def _elasticache(type_: str):
    kind, field = _ELASTICACHE_KINDS[type_]

    def outputs(name, urn, inputs, region, account, physical):
        ident = str(inputs.get(field) or physical).lower()
        extra: dict[str, Any] = {"arn": f"arn:aws:elasticache:{region}:{account}:{kind}:{ident}", field: ident}
        host = f"{ident}-{digest(urn, 6)}"
        if kind == "serverlesscache":
            address = f"{host}.serverless.{region_code(region)}.cache.amazonaws.com"
            extra["endpoints"] = [{"address": address, "port": 6379}]
            extra["readerEndpoints"] = [{"address": address, "port": 6380}]
        elif kind == "replicationgroup":
            extra["configurationEndpointAddress"] = (f"clustercfg.{host}.{region_code(region)}.cache.amazonaws.com"
                                                     if inputs.get("clusterMode") == "enabled" else None)
            extra["primaryEndpointAddress"] = (None if inputs.get("clusterMode") == "enabled"
                                               else f"master.{host}.{region_code(region)}.cache.amazonaws.com")
            extra["readerEndpointAddress"] = f"replica.{host}.{region_code(region)}.cache.amazonaws.com"
        return ident, extra
    return outputs


_SECRETS_AUDIT_OBSERVABILITY.update({type_: _elasticache(type_) for type_ in _ELASTICACHE_KINDS})

