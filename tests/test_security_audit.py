"""`hybrid audit` against AWS's local stand-in (moto's server): a clean deployment seeded from the staging plan finds
nothing, and each planted misconfiguration is found by the pack's own rule, exactly once and nothing else; every
call is a read, and no secret value is read or shown."""

from __future__ import annotations

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from scripts import environments
from scripts.assessment.readonly import READ_PREFIXES, VALUE_READS, ReadOnly, ReadOnlyViolation, allowed
from scripts.cli import app

from .conftest import ROOT

runner = CliRunner()
OTHER_ACCOUNT = "999988887777"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def found(result) -> set[tuple[str, str]]:
    return {(v.rule.id, urn.rsplit("::", 1)[-1]) for v in result.verdicts for urn, _ in v.violations}


def read(spec, clients):
    """Audit the running stand-in with fresh read-only clients, as `hybrid audit --target local` does."""
    from scripts.assessment.run import audit_aws
    from scripts.drill.clients import Clients

    return audit_aws(spec, "hybrid", Clients(endpoint_url=clients.endpoint_url, credentials=clients.credentials),
                     ReadOnly(), target="local")


def tagged(env: str) -> dict[str, str]:
    return {"environment": env, "owner": "someone"}


def plant(spec, clients) -> tuple[set[tuple[str, str]], str]:
    """Each misconfiguration the audit must find, made the way a console click or a script would; returns the
    expected (rule, resource) pairs and a secret value that must never surface."""
    primary, secondary = spec.regions.aws.primary.region, spec.regions.aws.secondary.region
    tags = tagged(spec.name)
    expected = set()
    # an unauthenticated route on the HTTP API
    v2 = clients("apigatewayv2", primary)
    api = next(a for a in v2.get_apis()["Items"] if a["Name"] == "staging-inventory-v1")
    v2.create_route(ApiId=api["ApiId"], RouteKey="GET /debug/stock", AuthorizationType="NONE")
    expected.add(("gateway-route-authorization", "staging-inventory-v1-GET_/debug/stock"))
    # a REST stage with access logs but no throttling
    rest = clients("apigateway", secondary)
    orders = next(a for a in rest.get_rest_apis()["items"] if a["name"] == "staging-partner-orders-v1")
    deployment = rest.create_deployment(restApiId=orders["id"])["id"]
    rest.create_stage(restApiId=orders["id"], stageName="canary", deploymentId=deployment, tags=tags)
    rest.update_stage(restApiId=orders["id"], stageName="canary", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": f"arn:aws:logs:{secondary}:{spec.accounts.aws.account_id}:log-group:/aws/apigateway/canary"},
        {"op": "replace", "path": "/accessLogSettings/format", "value": '{"requestId":"$context.requestId"}'}])
    expected.add(("gateway-stage-throttling", "staging-partner-orders-v1-canary"))
    # a custom domain that still accepts TLS 1.0
    rest.create_domain_name(domainName="legacy.staging.api.example.com", securityPolicy="TLS_1_0", tags=tags,
                            regionalCertificateArn=f"arn:aws:acm:{secondary}:{spec.accounts.aws.account_id}:certificate/x",
                            endpointConfiguration={"types": ["REGIONAL"]})
    expected.add(("gateway-tls-minimum", "legacy.staging.api.example.com"))
    # a queue whose policy lets anyone send
    sqs = clients("sqs", primary)
    url = sqs.create_queue(QueueName="staging-planted-open", tags=tags)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}]})})
    expected.add(("resource-policy-not-public", "staging-planted-open"))
    # a topic another account may publish to
    sns = clients("sns", primary)
    topic = sns.create_topic(Name="staging-planted-shared", Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    sns.set_topic_attributes(TopicArn=topic["TopicArn"], AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                                                 "Action": "sns:Publish", "Resource": topic["TopicArn"]}]}))
    expected.add(("resource-policy-cross-account", "staging-planted-shared"))
    # a security group open to the world on SSH, and one of another environment that is out of scope
    ec2 = clients("ec2", primary)
    groups = {}
    for env in (spec.name, "dev"):
        group = ec2.create_security_group(GroupName=f"{env}-planted-ssh", Description="ssh", TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": k, "Value": v} for k, v in tagged(env).items()]}])["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        groups[env] = group
    expected.add(("no-open-ingress", groups[spec.name]))
    # a secret without its replica in the secondary region
    value = "planted-Secret-Value-4242"
    clients("secretsmanager", primary).create_secret(Name="staging/planted-no-replica", SecretString=value,
                                                     Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    expected.add(("secrets-replicated", "staging/planted-no-replica"))
    return expected, value


@pytest.fixture(scope="module")
def staging_stand_in(plans):
    from scripts.assessment.run import local_stand_in

    spec = environments.load(ROOT, "staging").spec
    with local_stand_in(spec, plans["staging"].export) as (clients, seeded, _):
        yield spec, clients, seeded


@pytest.mark.slow
def test_audit_finds_nothing_in_a_clean_stand_in_and_every_planted_misconfiguration(staging_stand_in):
    from scripts.assessment import report

    spec, clients, seeded = staging_stand_in
    assert seeded["aws:apigateway/restApi:RestApi"] == 4 and seeded["aws:secretsmanager/secret:Secret"] == 3
    clean = read(spec, clients)
    assert found(clean) == set(), report.markdown(clean)
    assert clean.assessed >= 50 and clean.scope["account"] == spec.accounts.aws.account_id
    # the clean run judged real routes, stages, domains, policies, groups and secrets, not an empty account
    judged = {r["type"] for r in clean.document["deployment"]["resources"]}
    assert {"aws:apigateway/restApi:RestApi", "aws:apigateway/methodSettings:MethodSettings",
            "aws:apigatewayv2/route:Route", "aws:apigateway/domainName:DomainName", "aws:sqs/queue:Queue",
            "aws:ec2/securityGroup:SecurityGroup", "aws:secretsmanager/secret:Secret"} <= judged

    expected, secret_value = plant(spec, clients)
    planted = read(spec, clients)
    assert found(planted) == expected
    # read-only: every call a Describe/Get/List, none that returns a secret's value
    assert planted.operations and all(allowed(op.split(":", 1)[1]) for op in planted.operations)
    assert not {op.split(":", 1)[1] for op in planted.operations} & VALUE_READS
    rendered = [report.markdown(planted), json.dumps(report.as_json(planted)), json.dumps(planted.document),
                json.dumps(report.sarif(planted, ROOT))]
    assert not any(secret_value in text for text in rendered)
    sarif = report.sarif(planted, ROOT)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert len(sarif["runs"][0]["results"]) == len(expected)
    assert sarif["runs"][0]["automationDetails"]["id"] == "hybrid-audit/staging/local/"
    markdown = report.markdown(planted)
    assert f"## Findings ({len(expected)})" in markdown and "`gateway-tls-minimum`" in markdown


def test_rest_methods_are_judged_as_the_plans_openapi_body_with_its_health_probe():
    """A REST API's live methods become the body the plan carries: the GET /health probe to the backend's /health
    stays open by design, any other method without authorization is found."""
    from moto import mock_aws

    from scripts.assessment.aws import Scope, _rest
    from scripts.assessment.rules import assess
    from scripts.assessment.states import Collected

    with mock_aws():
        import boto3

        client = boto3.client("apigateway", region_name="eu-west-1")
        api = client.create_rest_api(name="staging-orders", tags=tagged("staging"))["id"]
        root = client.get_resources(restApiId=api)["items"][0]["id"]
        for path, auth in (("health", "NONE"), ("orders", "AWS_IAM")):
            resource = client.create_resource(restApiId=api, parentId=root, pathPart=path)["id"]
            client.put_method(restApiId=api, resourceId=resource, httpMethod="GET", authorizationType=auth)
            client.put_integration(restApiId=api, resourceId=resource, httpMethod="GET", type="HTTP",
                                   integrationHttpMethod="GET", uri=f"https://backend.example.com/{path}")

        def verdict():
            out = Collected(stack="staging", project="hybrid")
            reader = ReadOnly().boto3(boto3.client("apigateway", region_name="eu-west-1"))  # the writer stays unguarded
            _rest(reader, Scope("staging", ("eu-west-1",)), "eu-west-1", out)
            body = json.loads(next(r for r in out.resources if r["type"].endswith("RestApi"))["inputs"]["body"])
            return assess(out.document(), {})[0], body

        first, body = verdict()
        assert first.rule.id == "gateway-route-authorization" and first.passed, first.violations
        assert body["paths"]["/orders"]["get"]["security"] == [{"sigv4": []}]
        assert body["paths"]["/health"]["get"]["security"] == []
        admin = client.create_resource(restApiId=api, parentId=root, pathPart="admin")["id"]
        client.put_method(restApiId=api, resourceId=admin, httpMethod="DELETE", authorizationType="NONE")
        second, _ = verdict()
        assert second.violations == [("urn:pulumi:staging::hybrid::aws:apigateway/restApi:RestApi::staging-orders",
                                       "1 operation(s) in the API body have no security requirement (or allow anonymous access)")]


def test_the_guard_refuses_every_call_that_is_not_a_read():
    from moto import mock_aws

    with mock_aws():
        import boto3

        guard = ReadOnly()
        sqs = guard.boto3(boto3.client("sqs", region_name="eu-west-1"))
        secrets = guard.boto3(boto3.client("secretsmanager", region_name="eu-west-1"))
        assert sqs.list_queues().get("QueueUrls") is None
        with pytest.raises(ReadOnlyViolation, match="refused sqs:CreateQueue"):
            sqs.create_queue(QueueName="nope")
        boto3.client("secretsmanager", region_name="eu-west-1").create_secret(Name="x", SecretString="v")
        with pytest.raises(ReadOnlyViolation, match="GetSecretValue"):
            secrets.get_secret_value(SecretId="x")
        assert boto3.client("sqs", region_name="eu-west-1").list_queues().get("QueueUrls") is None  # never sent
        assert guard.operations == ["sqs:ListQueues"]
    assert all(allowed(f"{p}Something") for p in READ_PREFIXES) and not allowed("PutBucketPolicy")


def test_credentials_for_another_account_are_refused_before_anything_is_read():
    from moto import mock_aws

    from scripts.assessment.aws import AuditScopeError, Scope, check_account

    with mock_aws():
        import boto3

        sts = boto3.client("sts", region_name="eu-west-1")
        with pytest.raises(AuditScopeError, match="deploys to 321098765432"):
            check_account(sts, Scope("staging", ("eu-west-1",), account="321098765432"))


def test_cross_account_rule_counts_foreign_accounts_only():
    from policies.rules.documents import foreign_principal_problems

    def doc(principal):
        return json.dumps({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sns:Publish",
                                          "Resource": "*"}]})

    own = {"321098765432"}
    assert foreign_principal_problems(doc({"AWS": "arn:aws:iam::321098765432:role/x"}), own) == []
    assert foreign_principal_problems(doc({"Service": "events.amazonaws.com"}), own) == []
    assert foreign_principal_problems(doc({"AWS": ["321098765432", "999988887777"]}), own) == [
        "statement 0 grants 1 account(s) outside the environment's own"]
    assert foreign_principal_problems(doc({"AWS": "arn:aws:sts::999988887777:assumed-role/r/s"}), own)


# --- the command line -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_hybrid_audit_local_on_the_staging_plan_is_clean(plans, tmp_path):
    plan = tmp_path / "staging.json"
    plan.write_text(json.dumps(plans["staging"].export))
    report = tmp_path / "audit.md"
    result = runner.invoke(app, ["audit", "staging", "--target", "local", "--plan", str(plan), "--output", str(report),
                                 "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert "None: every assessed resource passes every audited rule." in text
    assert "resources tagged `environment=staging`" in text


@pytest.mark.parametrize("args, message", [
    (["audit", "nowhere"], "environment"),
    (["audit", "staging", "--target", "gcp"], "gcp"),
    (["audit", "staging", "--target", "aws", "--plan", "x.json"], "--plan seeds the local stand-in"),
    (["audit", "staging", "--format", "html"], "html"),
])
def test_bad_input_exits_2(args, message):
    result = runner.invoke(app, [*args, "--root", str(ROOT)])
    assert result.exit_code == 2 and message in result.output


def test_aws_target_refuses_credentials_for_another_account(monkeypatch):
    from scripts.drill.local import stand_in

    with stand_in(account=OTHER_ACCOUNT) as running:
        for key, value in (("AWS_ENDPOINT_URL", running.endpoint), ("AWS_ACCESS_KEY_ID", "audit-test"),
                           ("AWS_SECRET_ACCESS_KEY", "audit-test")):
            monkeypatch.setenv(key, value)
        result = runner.invoke(app, ["audit", "staging", "--target", "aws", "--root", str(ROOT)])
    assert result.exit_code == 2
    assert f"the credentials are for AWS account {OTHER_ACCOUNT}" in result.output


def test_public_brokers_are_found_and_private_ones_pass():
    from moto import mock_aws

    from scripts.assessment.aws import Scope, _brokers
    from scripts.assessment.rules import assess
    from scripts.assessment.states import Collected

    with mock_aws():
        import boto3

        mq = boto3.client("mq", region_name="eu-west-1")
        for name, public in (("staging-legacy", True), ("staging-private", False)):
            mq.create_broker(BrokerName=name, EngineType="RABBITMQ", EngineVersion="3.13", HostInstanceType="mq.m5.large",
                             DeploymentMode="SINGLE_INSTANCE", PubliclyAccessible=public, AutoMinorVersionUpgrade=True,
                             Users=[{"Username": "admin", "Password": "x" * 12}], Tags=tagged("staging"))
        boto3.client("kafka", region_name="eu-west-1").create_cluster_v2(
            ClusterName="staging-events", Tags=tagged("staging"), Provisioned={
                "KafkaVersion": "3.6.0", "NumberOfBrokerNodes": 2, "BrokerNodeGroupInfo": {
                    "InstanceType": "kafka.m5.large", "ClientSubnets": ["subnet-1", "subnet-2"],
                    "ConnectivityInfo": {"PublicAccess": {"Type": "SERVICE_PROVIDED_EIPS"}}}})
        guard, out = ReadOnly(), Collected(stack="staging", project="hybrid")
        _brokers(guard.boto3(boto3.client("mq", region_name="eu-west-1")),
                 guard.boto3(boto3.client("kafka", region_name="eu-west-1")), Scope("staging", ("eu-west-1",)),
                 "eu-west-1", out)
        verdict = next(v for v in assess(out.document(), {}) if v.rule.id == "broker-not-public")
    assert {urn.rsplit("::", 1)[-1] for urn, _ in verdict.violations} == {"staging-legacy", "staging-events"}
    assert all(allowed(op.split(":", 1)[1]) for op in guard.operations)


def test_azure_target_for_an_environment_without_a_subscription_is_bad_input():
    spec = environments.load(ROOT, "dev").spec
    assert spec.accounts.azure is None
    result = runner.invoke(app, ["audit", "dev", "--target", "azure", "--root", str(ROOT)])
    assert result.exit_code == 2 and "declares no Azure subscription" in result.output


def test_audit_takes_every_format_hybrid_check_takes():
    """One --format across the two verbs that judge with the pack's rules (check's human `text` is Markdown here)."""
    from scripts.commands.audit import Format

    assert {"text", "json", "sarif"} <= {f.value for f in Format}
    result = runner.invoke(app, ["check", "--help"])
    assert "text, json or sarif" in result.output
