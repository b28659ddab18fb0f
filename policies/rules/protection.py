"""Stateful resources are protected in production (no accidental `pulumi destroy` of data or keys)."""

from __future__ import annotations


# Resources whose loss loses data, messages, keys or names others depend on.
STATEFUL = {
    "aws:kms/key:Key", "aws:sqs/queue:Queue", "aws:sns/topic:Topic",
    "aws:secretsmanager/secret:Secret", "aws:dynamodb/table:Table", "aws:route53/zone:Zone",
    "aws:mq/broker:Broker", "aws:msk/cluster:Cluster", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2",
    "aws:ec2/vpnConnection:VpnConnection",
    "azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace", "azure-native:keyvault:Vault",
}
# Messaging (issue 3): topics, dedup stores, registries and in-cluster brokers hold messages or contracts.
STATEFUL |= {"aws:msk/topic:Topic", "aws:glue/registry:Registry", "aws:glue/schema:Schema",
             "azure-native:servicebus:Queue", "azure-native:servicebus:Topic", "azure-native:eventhub:EventHub",
             "kubernetes:kafka.strimzi.io/v1beta2:Kafka", "kubernetes:kafka.strimzi.io/v1beta2:KafkaNodePool",
             "kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic", "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster",
             "kubernetes:rabbitmq.com/v1beta1:Queue"}
# Secrets, audit and observability (issue 6): replica keys and the audit record are state too.
STATEFUL |= {"aws:kms/replicaKey:ReplicaKey", "aws:s3/bucket:Bucket", "azure-native:operationalinsights:Workspace"}
# Gateways: partners hold the API keys and point DNS at the domains; API Management takes hours to rebuild.
STATEFUL |= {"aws:apigateway/apiKey:ApiKey", "aws:apigateway/domainName:DomainName",
             "aws:apigatewayv2/domainName:DomainName", "azure-native:apimanagement:ApiManagementService"}
# Hybrid links: a circuit or virtual interface is re-ordered through the provider when lost.
STATEFUL |= {"azure-native:network:ExpressRouteCircuit", "aws:directconnect/transitVirtualInterface:TransitVirtualInterface"}

# Sagas: a state machine holds its running executions and a year of history; deleting it ends them.
STATEFUL |= {"aws:sfn/stateMachine:StateMachine"}
# Caches: losing one loses no record (the owner's system is the source of truth), but its replacement is a new
# endpoint and a cold start that sends every read to the system of record at once.
STATEFUL |= {"aws:elasticache/serverlessCache:ServerlessCache", "aws:elasticache/replicationGroup:ReplicationGroup",
             "azure-native:redisenterprise:RedisEnterprise", "azure-native:redisenterprise:Database"}
# A cache's key encryption key: deleting it (or its vault) leaves the cache's disks unreadable.
STATEFUL |= {"azure-native:keyvault:Key"}
