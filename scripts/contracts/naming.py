"""Naming rules: the physical name of each resource type against its cloud's documented rules.

One entry per type, each citing its page. Where the program leaves the name to auto-naming, the name judged
is the one the engine would make: the logical name plus a dash and a 7-character random suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .model import SECRET_MARKER, UNKNOWN, Document, Finding, State

AUTONAME_SUFFIX = "-a1b2c3d"
"""Stands in for the engine's random suffix: a dash and 7 lower-case hex characters."""


@dataclass(frozen=True)
class NameRule:
    input: str
    """The input that carries the physical name (a dotted path for nested ones)."""
    min: int
    max: int
    chars: str
    """Regex character class body the whole name must consist of."""
    first: str = ""
    """Character class the first character must be in ('' = any allowed)."""
    last: str = ""
    not_suffixes: tuple[str, ...] = ()
    not_prefixes: tuple[str, ...] = ()
    no_repeat: str = ""
    """Characters that may not appear twice in a row."""
    globally_unique: bool = False
    what: str = "name"
    source: str = ""
    autonamed: bool = True
    """Whether the engine makes this name when the program leaves it out (False: the input is required)."""
    suffix: str = ""
    """A suffix allowed outside the character set (SQS/SNS FIFO names end in .fifo)."""

    def problems(self, name: str) -> Iterator[str]:
        if not self.min <= len(name) <= self.max:
            yield f"is {len(name)} characters long; expected {self.min} to {self.max}"
        full, name = name, name.removesuffix(self.suffix) if self.suffix else name
        bad = sorted(set(re.sub(f"[{self.chars}]", "", name)))
        if bad:
            yield f"contains {''.join(bad)!r}; allowed are [{self.chars}]"
        if name and self.first and not re.match(f"[{self.first}]", name[0]):
            yield f"starts with {name[0]!r}; it must start with [{self.first}]"
        if name and self.last and not re.match(f"[{self.last}]", name[-1]):
            yield f"ends with {name[-1]!r}; it must end with [{self.last}]"
        for suffix in self.not_suffixes:
            if full.lower().endswith(suffix):
                yield f"ends with {suffix!r}, which the cloud reserves"
        for prefix in self.not_prefixes:
            if name.lower().startswith(prefix):
                yield f"starts with {prefix!r}, which the cloud reserves"
        for char in self.no_repeat:
            if char * 2 in name:
                yield f"has {char * 2!r}; consecutive {char!r} are not allowed"


AZ_ALNUM = "a-zA-Z0-9"
RULES: dict[str, NameRule] = {
    # --- AWS
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (QueueName)
    "aws:sqs/queue:Queue": NameRule("name", 1, 80, "a-zA-Z0-9_-", what="queue name", suffix=".fifo"),
    # https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name)
    "aws:sns/topic:Topic": NameRule("name", 1, 256, "a-zA-Z0-9_-", what="topic name", suffix=".fifo"),
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    "aws:s3/bucket:Bucket": NameRule("bucket", 3, 63, "a-z0-9.-", "a-z0-9", "a-z0-9", ("-s3alias", "--ol-s3", ".mrap", "--x-s3"),
                                     ("xn--", "sthree-", "amzn-s3-demo-"), ".", True, "bucket name"),
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)
    "aws:iam/role:Role": NameRule("name", 1, 64, r"\w+=,.@-", what="role name"),
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html (PolicyName)
    "aws:iam/rolePolicy:RolePolicy": NameRule("name", 1, 128, r"\w+=,.@-", what="policy name"),
    # https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (AliasName)
    "aws:kms/alias:Alias": NameRule("name", 7, 256, "a-zA-Z0-9/_-", not_prefixes=("alias/aws/",), what="alias"),
    # https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html (Name)
    "aws:secretsmanager/secret:Secret": NameRule("name", 1, 512, "a-zA-Z0-9/_+=.@-", what="secret name"),
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html (TableName)
    "aws:dynamodb/table:Table": NameRule("name", 3, 255, "a-zA-Z0-9_.-", what="table name"),
    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html (logGroupName)
    "aws:cloudwatch/logGroup:LogGroup": NameRule("name", 1, 512, "a-zA-Z0-9._/#-", what="log group name"),
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmName)
    "aws:cloudwatch/metricAlarm:MetricAlarm": NameRule("name", 1, 255, r"\x20-\x7e", what="alarm name"),
    # https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName, the plain-name form)
    "aws:lambda/function:Function": NameRule("name", 1, 64, "a-zA-Z0-9_-", what="function name"),
    # https://docs.aws.amazon.com/msk/1.0/apireference/clusters.html (clusterName)
    "aws:msk/cluster:Cluster": NameRule("clusterName", 1, 64, "a-zA-Z0-9-", "a-zA-Z0-9", what="cluster name"),
    # https://docs.aws.amazon.com/glue/latest/webapi/API_CreateRegistry.html (RegistryName)
    "aws:glue/registry:Registry": NameRule("registryName", 1, 255, r"a-zA-Z0-9_$#.-", what="registry name"),
    # https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html (Name)
    "aws:cloudtrail/trail:Trail": NameRule("name", 3, 128, "a-zA-Z0-9._-", "a-zA-Z0-9", "a-zA-Z0-9", no_repeat="._-",
                                           what="trail name"),
    # https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html (Name)
    "aws:ssm/parameter:Parameter": NameRule("name", 1, 2048, "a-zA-Z0-9_./-", not_prefixes=("aws", "ssm", "/aws", "/ssm"),
                                            what="parameter name"),
    # https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html (Name)
    "aws:wafv2/webAcl:WebAcl": NameRule("name", 1, 128, r"\w-", what="web ACL name"),
    # https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers.html (brokerName)
    # ElastiCache: replication group ids and serverless cache names are 1-40 letters, digits and hyphens, start with a
    # letter, never end with a hyphen or hold two in a row (stored lower-case); subnet groups up to 255 of the same;
    # user and user group ids follow the API pattern [a-zA-Z][a-zA-Z0-9-]* with no documented length limit.
    "aws:elasticache/replicationGroup:ReplicationGroup": NameRule(
        "replicationGroupId", 1, 40, "a-zA-Z0-9-", "a-zA-Z", "a-zA-Z0-9", no_repeat="-", what="replication group id",
        source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html"),
    "aws:elasticache/serverlessCache:ServerlessCache": NameRule(
        "name", 1, 40, "a-zA-Z0-9-", "a-zA-Z", "a-zA-Z0-9", no_repeat="-", what="serverless cache name",
        source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateServerlessCache.html"),
    "aws:elasticache/subnetGroup:SubnetGroup": NameRule(
        "name", 1, 255, "a-zA-Z0-9-", what="cache subnet group name",
        source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html"),
    "aws:elasticache/user:User": NameRule(
        "userId", 1, 1000, "a-zA-Z0-9-", "a-zA-Z", what="cache user id", autonamed=False,
        source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUser.html"),
    "aws:elasticache/userGroup:UserGroup": NameRule(
        "userGroupId", 1, 1000, "a-zA-Z0-9-", "a-zA-Z", what="cache user group id", autonamed=False,
        source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html"),
    "aws:mq/broker:Broker": NameRule("brokerName", 1, 50, "a-zA-Z0-9_-", what="broker name"),
    # https://docs.aws.amazon.com/appconfig/latest/APIReference/API_CreateApplication.html (Name)
    "aws:appconfig/application:Application": NameRule("name", 1, 64, r"\x20-\x7e", what="application name"),
    # --- Azure: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
    # (section per resource provider; global ones become part of a public DNS name)
    "azure-native:servicebus:Namespace": NameRule("namespaceName", 6, 50, f"{AZ_ALNUM}-", "a-zA-Z", AZ_ALNUM,
                                                  ("-sb", "-mgmt"), globally_unique=True, what="Service Bus namespace name"),
    "azure-native:eventhub:Namespace": NameRule("namespaceName", 6, 50, f"{AZ_ALNUM}-", "a-zA-Z", AZ_ALNUM,
                                                ("-sb", "-mgmt"), globally_unique=True, what="Event Hubs namespace name"),
    "azure-native:servicebus:Queue": NameRule("queueName", 1, 260, f"{AZ_ALNUM}._/-", AZ_ALNUM, AZ_ALNUM, what="queue name"),
    "azure-native:servicebus:Topic": NameRule("topicName", 1, 260, f"{AZ_ALNUM}._/-", AZ_ALNUM, AZ_ALNUM, what="topic name"),
    "azure-native:servicebus:Subscription": NameRule("subscriptionName", 1, 50, f"{AZ_ALNUM}._-", AZ_ALNUM, AZ_ALNUM,
                                                     what="subscription name"),
    "azure-native:eventhub:EventHub": NameRule("eventHubName", 1, 256, f"{AZ_ALNUM}._-", AZ_ALNUM, AZ_ALNUM, what="event hub name"),
    # Azure Managed Redis: the cluster name becomes <name>.<region>.redis.azure.net (1-60, letters, digits, single
    # hyphens inside); access policy assignment names are alphanumeric only (the redisenterprise REST spec).
    "azure-native:redisenterprise:RedisEnterprise": NameRule("clusterName", 1, 60, f"{AZ_ALNUM}-", AZ_ALNUM, AZ_ALNUM,
                                                             no_repeat="-", globally_unique=True, what="cluster name"),
    "azure-native:redisenterprise:AccessPolicyAssignment": NameRule("accessPolicyAssignmentName", 1, 60, AZ_ALNUM,
                                                                    what="access policy assignment name"),
    "azure-native:keyvault:Vault": NameRule("vaultName", 3, 24, f"{AZ_ALNUM}-", "a-zA-Z", AZ_ALNUM, no_repeat="-",
                                            globally_unique=True, what="Key Vault name"),
    "azure-native:apimanagement:ApiManagementService": NameRule("serviceName", 1, 50, f"{AZ_ALNUM}-", "a-zA-Z", AZ_ALNUM,
                                                                globally_unique=True, what="API Management name"),
    "azure-native:appconfiguration:ConfigurationStore": NameRule("configStoreName", 5, 50, f"{AZ_ALNUM}_-", AZ_ALNUM, AZ_ALNUM,
                                                                 globally_unique=True, what="App Configuration name"),
    "azure-native:resources:ResourceGroup": NameRule("resourceGroupName", 1, 90, r"\w().-", last=r"\w()-",
                                                     what="resource group name"),
    "azure-native:operationalinsights:Workspace": NameRule("workspaceName", 4, 63, f"{AZ_ALNUM}-", AZ_ALNUM, AZ_ALNUM,
                                                           what="workspace name"),
    "azure-native:network:VirtualNetwork": NameRule("virtualNetworkName", 2, 64, r"\w.-", AZ_ALNUM, r"\w", what="virtual network name"),
    "azure-native:network:Subnet": NameRule("subnetName", 1, 80, r"\w.-", AZ_ALNUM, r"\w", what="subnet name"),
    "azure-native:network:PublicIPAddress": NameRule("publicIpAddressName", 1, 80, r"\w.-", AZ_ALNUM, r"\w", what="public IP name"),
    "azure-native:trafficmanager:Profile": NameRule("profileName", 1, 63, f"{AZ_ALNUM}.-", AZ_ALNUM, AZ_ALNUM, what="profile name"),
    "azure-native:monitor:ActionGroup": NameRule("groupShortName", 1, 12, r"\x20-\x7e", what="action group short name",
                                                  autonamed=False),
    # --- Kubernetes: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
    "kubernetes:core/v1:Namespace": NameRule("metadata.name", 1, 63, "a-z0-9-", "a-z0-9", "a-z0-9", what="namespace name"),
    "kubernetes:core/v1:Service": NameRule("metadata.name", 1, 63, "a-z0-9-", "a-z", "a-z0-9", what="Service name (RFC 1035 label)"),
    # https://helm.sh/docs/chart_template_guide/getting_started/ (release names are at most 53 characters)
    "kubernetes:helm.sh/v3:Release": NameRule("name", 1, 53, "a-z0-9-", "a-z0-9", "a-z0-9", what="Helm release name"),
}
# Every other Kubernetes object's name is a DNS-1123 subdomain (same page).
K8S_SUBDOMAIN = NameRule("metadata.name", 1, 253, "a-z0-9.-", "a-z0-9", "a-z0-9", what="object name (DNS-1123 subdomain)")
FIFO_TYPES = {"aws:sqs/queue:Queue": "fifoQueue", "aws:sns/topic:Topic": "fifoTopic"}


def _at(inputs: dict, path: str):
    value = inputs
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def physical_name(state: State, rule: NameRule) -> tuple[str | None, bool]:
    """(name, auto-named): the input, or what auto-naming would make of the logical name."""
    value = _at(state.inputs, rule.input)
    if value in (UNKNOWN, SECRET_MARKER):
        return None, False  # known only at apply: not guessed
    if isinstance(value, str):
        return value, False
    if value is None and rule.autonamed and (
            "." not in rule.input or isinstance(_at(state.inputs, rule.input.rsplit(".", 1)[0]), dict)):
        return state.name + AUTONAME_SUFFIX, True
    return None, False


def rule_for(state: State) -> NameRule | None:
    if state.type in RULES:
        return RULES[state.type]
    if state.package == "kubernetes" and isinstance(state.inputs.get("metadata"), dict) and state.type != "kubernetes:helm.sh/v3:Release":
        return K8S_SUBDOMAIN
    return None


def check_naming(doc: Document, context) -> Iterator[Finding]:
    for state in doc.custom():
        rule = rule_for(state)
        if rule is None:
            continue
        name, auto = physical_name(state, rule)
        if name is None:
            continue
        check = f"{state.package.replace('-native', '')}-naming"
        shown = f"auto-named {rule.what} like {name!r}" if auto else f"{rule.what} {name!r}"
        unique = " (globally unique: it becomes a public DNS name)" if rule.globally_unique else ""
        problems = list(rule.problems(name))
        if problems:
            yield Finding(state.urn, check, f"the cloud refuses {shown}{unique}: it {'; it '.join(problems)}; "
                                            f"rename it (rules: {rule.source or RULE_PAGES[state.package]})")
        flag = FIFO_TYPES.get(state.type)
        if flag and not auto and bool(state.inputs.get(flag)) != name.endswith(".fifo"):
            yield Finding(state.urn, check, f"{rule.what} {name!r}: a FIFO {rule.what.split()[0]} must end in '.fifo' and "
                                            f"only a FIFO one may ({flag} is {bool(state.inputs.get(flag))}); rename it")


RULE_PAGES = {
    "aws": "the service's API reference for the create call",
    "azure-native": "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules",
    "kubernetes": "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/",
}
