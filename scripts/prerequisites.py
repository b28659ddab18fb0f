"""The checklist of what must exist before an environment's stack: the spec's declared prerequisites and the
typed fields that name externals (components.spec.prerequisites.typed_externals), each with how to verify it on
the real cloud. Pure: spec in, rows out; `hybrid prerequisites` prints them."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from components.spec import EnvironmentSpec
from components.spec.prerequisites import typed_externals

VERIFY = {
    "deploy-role": "aws iam get-role --role-name {name}",
    "certificate": "aws acm describe-certificate --region {region} --certificate-arn {id}  # Status ISSUED",
    "direct-connect": "aws directconnect describe-connections --region {region} --connection-id {id}  # available",
    "cluster": "kubectl --context <its context> get namespaces {namespaces}",
    "dns-delegation": "dig NS {id} +short  # the delegated name servers answer",
    "api-gateway-account": "aws apigateway get-account --region {region} --query cloudwatchRoleArn  # {role}",
    "azure-deployer": "az ad sp show --id {id}  # the identity pulumi up signs in to Azure as (az ad signed-in-user show for a user)",
    "external-principal": "aws iam get-role --role-name {name}  (or: az ad sp show --id {id})",
    "external-resource": "look it up in its {cloud} console or CLI: {id}",
    "oidc-issuer": "curl -fsS {id}.well-known/openid-configuration  # the AKS issuer answers (URL ends in /)",
    "oidc-provider": "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {id}",
    "load-balancer": "aws elbv2 describe-load-balancers --region {region} --load-balancer-arns {id}  "
                     "(a listener: aws elbv2 describe-listeners --region {region} --listener-arns {id})",
    "rotation-function": "aws lambda get-function --region {region} --function-name {id}  # and its resource "
                         "policy admits secretsmanager.amazonaws.com",
    "cdc-postgresql": "psql \"{id}\" -c 'SHOW wal_level' -c 'SELECT slot_name, plugin FROM pg_replication_slots' "
                      "-c 'SELECT * FROM pg_publication_tables'  # logical; the slot (pgoutput) and publication exist",
    "cdc-mysql": "mysql -h <host> -e \"SHOW VARIABLES WHERE Variable_name IN ('binlog_format', 'binlog_row_image')\"  "
                 "# ROW, FULL (of {id})",
    "cdc-sqlserver": "sqlcmd -S <host> -Q \"SELECT name, is_cdc_enabled FROM sys.databases; SELECT * FROM "
                     "cdc.change_tables\"  # CDC on the database and each captured table (of {id})",
    "connector-plugin": "aws s3api head-object --bucket <bucket> --key <key>  # of {id}, in the connector's region",
    "pod-identity-webhook": "kubectl --context <its context> get mutatingwebhookconfigurations pod-identity-webhook  "
                            "# {id}: a pod of an annotated service account gets AWS_ROLE_ARN",
    "trust-store": "aws s3api head-object --bucket <bucket> --key <key>  # of {id}",
}


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    purpose: str
    verify: str


def checklist(spec: EnvironmentSpec) -> list[Item]:
    items = [Item(e.kind, e.id, f"{e.purpose} ({e.field})", _verify(e.kind, e.id)) for e in typed_externals(spec)]
    for kind, identifier, model in spec.prerequisites.entries():
        fields = model.model_dump()
        items.append(Item(kind, identifier, str(fields.get("purpose", "")), _verify(kind, identifier, fields)))
    return items


def _verify(kind: str, identifier: str, fields: dict | None = None) -> str:
    fields = fields or {}
    region = fields.get("region") or (identifier.split(":")[3] if identifier.startswith("arn:") else "")
    return VERIFY[kind].format(id=identifier, region=region, name=identifier.rsplit("/", 1)[-1],
                               cloud=fields.get("cloud", ""), role=fields.get("cloudwatch_role_arn", ""),
                               namespaces=" ".join(fields.get("namespaces") or []))


def as_markdown(env: str, items: list[Item]) -> str:
    lines = [f"# Prerequisites of {env}", "",
             "Create each before the first `pulumi up`; the stack refers to them but never creates them.", ""]
    for item in items:
        lines += [f"- [ ] **{item.kind}** `{item.id}`: {item.purpose}", f"  - verify: `{item.verify}`"]
    return "\n".join(lines) + "\n"


def as_json(env: str, items: list[Item]) -> dict:
    return {"environment": env, "prerequisites": [asdict(i) for i in items]}
