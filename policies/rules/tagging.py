"""Which types take cost tags, and a resource's effective tags (practice 7.5, service catalog)."""

from __future__ import annotations

from functools import lru_cache

from .coverage import taggable
from .framework import Resource
from .values import document, is_map

# `tags` inputs that are not cost-allocation tags.
NOT_COST_TAGS = {
    "azure-native:appconfiguration:KeyValue": "key-value tags are lookup labels inside the store, not ARM tags",
}
# The blueprint's own types, classified by hand before the SDKs were read; kept so a test still fails when a
# planned type is in neither set.
BUILT_TAGGABLE = {
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:kms/key:Key", "aws:sqs/queue:Queue", "aws:sns/topic:Topic",
    "azure-native:resources:ResourceGroup", "azure-native:network:VirtualNetwork",
}
UNTAGGABLE = {
    "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:kms/alias:Alias", "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription", "azure-native:network:Subnet",
}
# Messaging (issue 3): brokers, their dedup stores, registries and alarms carry tags; entities inside a
# namespace or cluster, and Kubernetes objects (labels, not tags), do not.
BUILT_TAGGABLE |= {
    "aws:mq/broker:Broker", "aws:msk/cluster:Cluster", "aws:dynamodb/table:Table", "aws:glue/registry:Registry",
    "aws:glue/schema:Schema", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/logGroup:LogGroup",
    "azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace", "azure-native:monitor:MetricAlert",
    "azure-native:network:PrivateEndpoint",
}
UNTAGGABLE |= {
    "aws:msk/configuration:Configuration", "aws:msk/topic:Topic", "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy",
    "azure-native:servicebus:Queue", "azure-native:servicebus:Topic", "azure-native:servicebus:Subscription",
    "azure-native:eventhub:EventHub", "azure-native:eventhub:ConsumerGroup", "azure-native:eventhub:SchemaRegistry",
    "kubernetes:core/v1:Namespace", "kubernetes:policy/v1:PodDisruptionBudget",
    "kubernetes:kafka.strimzi.io/v1beta2:Kafka", "kubernetes:kafka.strimzi.io/v1beta2:KafkaNodePool",
    "kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic", "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster",
    "kubernetes:rabbitmq.com/v1beta1:Queue", "kubernetes:rabbitmq.com/v1beta1:Exchange",
    "kubernetes:rabbitmq.com/v1beta1:Binding", "kubernetes:cert-manager.io/v1:Issuer",
    "kubernetes:cert-manager.io/v1:Certificate", "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
}
# Secrets, audit and observability (issue 6).
BUILT_TAGGABLE |= {
    "aws:appconfig/application:Application", "aws:appconfig/configurationProfile:ConfigurationProfile",
    "aws:appconfig/deployment:Deployment", "aws:appconfig/deploymentStrategy:DeploymentStrategy",
    "aws:appconfig/environment:Environment", "aws:cloudtrail/trail:Trail", "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:iam/role:Role",
    "aws:kms/replicaKey:ReplicaKey", "aws:s3/bucket:Bucket", "aws:secretsmanager/secret:Secret",
    "aws:ssm/parameter:Parameter", "azure-native:appconfiguration:ConfigurationStore", "azure-native:keyvault:Vault",
    "azure-native:monitor:ActionGroup", "azure-native:operationalinsights:Workspace",
}
UNTAGGABLE |= {
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "aws:cloudwatch/dashboard:Dashboard",
    "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy", "aws:iam/rolePolicy:RolePolicy",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:secretsmanager/secretPolicy:SecretPolicy",
    "aws:secretsmanager/secretRotation:SecretRotation", "azure-native:appconfiguration:KeyValue",
    "azure-native:authorization:RoleAssignment", "azure-native:monitor:DiagnosticSetting",
    "azure-native:monitor:SubscriptionDiagnosticSetting", "aws:apigateway/account:Account",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    # Kubernetes objects carry labels, not cloud cost tags.
    "kubernetes:external-secrets.io/v1beta1:ClusterSecretStore", "kubernetes:external-secrets.io/v1beta1:ExternalSecret",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    "kubernetes:monitoring.coreos.com/v1:PodMonitor", "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig",
    "kubernetes:helm.sh/v3:Release",
}

# Processing nodes (issue 5): IRSA roles carry tags (aws:iam/role:Role above); Kubernetes objects carry labels.
UNTAGGABLE |= {
    "kubernetes:apps/v1:Deployment", "kubernetes:core/v1:ServiceAccount", "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:keda.sh/v1alpha1:ScaledObject", "kubernetes:keda.sh/v1alpha1:TriggerAuthentication",
}


# API gateways (issue 4).
BUILT_TAGGABLE |= {
    "aws:apigateway/apiKey:ApiKey", "aws:apigateway/domainName:DomainName", "aws:apigateway/restApi:RestApi",
    "aws:apigateway/stage:Stage", "aws:apigateway/usagePlan:UsagePlan", "aws:apigateway/vpcLink:VpcLink",
    "aws:apigatewayv2/api:Api", "aws:apigatewayv2/domainName:DomainName", "aws:apigatewayv2/stage:Stage",
    "aws:apigatewayv2/vpcLink:VpcLink", "aws:lambda/function:Function", "aws:wafv2/webAcl:WebAcl",
    "azure-native:apimanagement:ApiManagementService", "azure-native:applicationinsights:Component",
}
UNTAGGABLE |= {
    "aws:apigateway/basePathMapping:BasePathMapping", "aws:apigateway/deployment:Deployment",
    "aws:apigateway/methodSettings:MethodSettings", "aws:apigateway/usagePlanKey:UsagePlanKey",
    "aws:apigatewayv2/apiMapping:ApiMapping", "aws:apigatewayv2/authorizer:Authorizer",
    "aws:apigatewayv2/integration:Integration", "aws:apigatewayv2/route:Route",
    "aws:wafv2/webAclAssociation:WebAclAssociation", "azure-native:apimanagement:Api",
    "azure-native:apimanagement:ApiOperation", "azure-native:apimanagement:ApiOperationPolicy",
    "azure-native:apimanagement:ApiPolicy", "azure-native:apimanagement:ApiVersionSet",
    "azure-native:apimanagement:Diagnostic", "azure-native:apimanagement:Logger", "azure-native:apimanagement:Product",
    "azure-native:apimanagement:ProductApi", "azure-native:apimanagement:ProductPolicy",
}
# Hybrid links and DNS routing (issue 5, part A).
BUILT_TAGGABLE |= {
    "aws:ec2transitgateway/transitGateway:TransitGateway", "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    "aws:ec2/customerGateway:CustomerGateway", "aws:ec2/vpnConnection:VpnConnection",
    "aws:directconnect/gateway:Gateway", "aws:directconnect/transitVirtualInterface:TransitVirtualInterface",
    "aws:route53/zone:Zone", "aws:route53/healthCheck:HealthCheck", "azure-native:network:PublicIPAddress",
    "azure-native:network:VirtualNetworkGateway", "azure-native:network:LocalNetworkGateway",
    "azure-native:network:VirtualNetworkGatewayConnection", "azure-native:network:ExpressRouteCircuit",
    "azure-native:trafficmanager:Profile",
}
UNTAGGABLE |= {
    "aws:ec2/route:Route", "aws:ec2transitgateway/route:Route", "aws:directconnect/gatewayAssociation:GatewayAssociation",
    "aws:route53/record:Record",
}

# Change data capture (issue 17): MSK Connect types carry tags; Strimzi Connect objects carry labels.
BUILT_TAGGABLE |= {"aws:mskconnect/connector:Connector", "aws:mskconnect/customPlugin:CustomPlugin",
                   "aws:mskconnect/workerConfiguration:WorkerConfiguration"}
UNTAGGABLE |= {"kubernetes:kafka.strimzi.io/v1beta2:KafkaConnect", "kubernetes:kafka.strimzi.io/v1beta2:KafkaConnector",
               "kubernetes:kafka.strimzi.io/v1beta2:KafkaUser", "kubernetes:core/v1:ConfigMap"}

# Caches (issue 17, practice 4.4): ElastiCache caches, users, groups and subnet groups and the Azure Managed Redis
# cluster carry tags, as do its key vault and key; a redisenterprise database and its access policy assignments, and
# federated credentials, do not.
BUILT_TAGGABLE |= {"aws:elasticache/serverlessCache:ServerlessCache", "aws:elasticache/replicationGroup:ReplicationGroup",
                   "aws:elasticache/user:User", "aws:elasticache/userGroup:UserGroup",
                   "aws:elasticache/subnetGroup:SubnetGroup", "azure-native:redisenterprise:RedisEnterprise",
                   "azure-native:managedidentity:UserAssignedIdentity", "azure-native:keyvault:Key"}
UNTAGGABLE |= {"azure-native:redisenterprise:Database", "azure-native:redisenterprise:AccessPolicyAssignment",
               "azure-native:managedidentity:FederatedIdentityCredential"}

# Every type whose inputs include `tags` (generated from the provider SDKs: coverage.json).
TAGGABLE = (taggable() | BUILT_TAGGABLE) - set(NOT_COST_TAGS)


@lru_cache(maxsize=256)
def _default_tags(written: str) -> tuple[tuple[str, object], ...]:
    """A provider's defaultTags written as JSON (as provider inputs are), parsed once per distinct value."""
    default = document(written)
    tags = default.get("tags") if is_map(default) else None
    return tuple((k, tags[k]) for k in tags) if is_map(tags) else ()


def effective_tags(resource: Resource) -> dict:
    """The resource's tags over its AWS provider's default tags, as AWS applies them."""
    tags: dict = {}
    default = resource.provider_props.get("defaultTags") if resource.provider_props else None
    if isinstance(default, str):
        tags.update(_default_tags(default))
    elif is_map(default) and is_map(default.get("tags")):
        tags.update({k: default["tags"][k] for k in default["tags"]})
    own = resource.props.get("tags")
    if is_map(own):
        tags.update({k: own[k] for k in own})
    return tags
