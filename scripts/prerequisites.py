"""The checklist of what must exist before an environment's stack: the spec's declared prerequisites and the
typed fields that name externals (the deploy role, clusters' OIDC providers), each with how to verify it on
the real cloud. Pure: spec in, rows out; `hybrid prerequisites` prints them."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from components.spec import EnvironmentSpec

VERIFY = {
    "deploy-role": "aws iam get-role --role-name {name}",
    "certificate": "aws acm describe-certificate --region {region} --certificate-arn {id}  # Status ISSUED",
    "direct-connect": "aws directconnect describe-connections --region {region} --connection-id {id}  # available",
    "cluster": "kubectl --context <its context> get namespaces {namespaces}",
    "dns-delegation": "dig NS {id} +short  # the delegated name servers answer",
    "api-gateway-account": "aws apigateway get-account --region {region} --query cloudwatchRoleArn  # {role}",
    "external-principal": "aws iam get-role --role-name {name}  (or: az ad sp show --id {id})",
    "external-resource": "look it up in its {cloud} console or CLI: {id}",
    "oidc-provider": "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {id}",
}


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    purpose: str
    verify: str


def checklist(spec: EnvironmentSpec) -> list[Item]:
    items = [Item("deploy-role", spec.accounts.aws.deploy_role_arn,
                  "every AWS provider of the stack assumes it (accounts.aws.deploy_role_arn)",
                  VERIFY["deploy-role"].format(name=spec.accounts.aws.deploy_role_arn.rsplit("/", 1)[1]))]
    for cluster in spec.clusters:
        if cluster.oidc_provider_arn:
            items.append(Item("oidc-provider", cluster.oidc_provider_arn,
                              f"cluster {cluster.name}'s service-account issuer in IAM: node and External "
                              "Secrets roles trust it", VERIFY["oidc-provider"].format(id=cluster.oidc_provider_arn)))
    for kind, identifier, model in spec.prerequisites.entries():
        fields = model.model_dump()
        region = fields.get("region") or (identifier.split(":")[3] if identifier.startswith("arn:") else "")
        verify = VERIFY[kind].format(id=identifier, region=region, name=identifier.rsplit("/", 1)[-1],
                                     cloud=fields.get("cloud", ""), role=fields.get("cloudwatch_role_arn", ""),
                                     namespaces=" ".join(fields.get("namespaces") or []))
        items.append(Item(kind, identifier, str(fields.get("purpose", "")), verify))
    return items


def as_markdown(env: str, items: list[Item]) -> str:
    lines = [f"# Prerequisites of {env}", "",
             "Create each before the first `pulumi up`; the stack refers to them but never creates them.", ""]
    for item in items:
        lines += [f"- [ ] **{item.kind}** `{item.id}`: {item.purpose}", f"  - verify: `{item.verify}`"]
    return "\n".join(lines) + "\n"


def as_json(env: str, items: list[Item]) -> dict:
    return {"environment": env, "prerequisites": [asdict(i) for i in items]}
