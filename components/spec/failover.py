"""The failover drill's objectives and method (practice 8.6: test failover between cloud regions).

`hybrid drill ENV` reads this section: the recovery objectives it judges against, how it injects the
regional fault, which replicated secrets it promotes in the secondary region, and how much synthetic
traffic it sends across the failover. Absent means the environment is not drilled.
"""

from __future__ import annotations

from typing import Iterator, Literal, Optional

from pydantic import Field, model_validator

from .base import Problem, Name, SpecModel

FaultMethod = Literal["health-check-inversion", "region-outage", "arc-routing-control", "fis-experiment"]


class FaultSpec(SpecModel):
    """How the primary region is made to fail. Inverting its Route 53 health check is the default (the
    gentle fault: the primary stays reachable); `region-outage` also refuses every call to the primary
    region for the duration, so its backlog is stranded until failback (scripts/drill/faults.py)."""

    method: FaultMethod = Field(default="health-check-inversion", description="the fault the drill injects")
    routing_control_arn: Optional[str] = Field(default=None, pattern=r"^arn:aws:route53-recovery-control::\d{12}:controlpanel/[\w-]+/routingcontrol/[\w-]+$",
        description="ARC routing control of the primary cell (method arc-routing-control)",
        examples=["arn:aws:route53-recovery-control::123456789012:controlpanel/abc123/routingcontrol/def456"])
    cluster_endpoint: Optional[str] = Field(default=None, pattern=r"^https://[\w.-]+/v1$",
                                            description="an ARC cluster endpoint (method arc-routing-control)",
        examples=["https://host-abc123.eu-west-1.example.com/v1"])
    cluster_region: Optional[str] = Field(default=None, description="region of that cluster endpoint",
        examples=["eu-west-1"])
    experiment_template_id: Optional[str] = Field(default=None, pattern=r"^EXT[\w]+$",
                                                  description="FIS experiment template (method fis-experiment)",
        examples=["EXT1a2b3c4d5e6f7"])

    @model_validator(mode="after")
    def _method_needs(self) -> "FaultSpec":
        if self.method == "arc-routing-control" and not (self.routing_control_arn and self.cluster_endpoint
                                                           and self.cluster_region):
            raise ValueError("arc-routing-control needs routing_control_arn, cluster_endpoint and cluster_region")
        if self.method == "fis-experiment" and not self.experiment_template_id:
            raise ValueError("fis-experiment needs experiment_template_id")
        return self


class FailoverSpec(SpecModel):
    """Recovery objectives and drill settings; the drill passes only when both objectives hold."""

    rto_seconds: int = Field(gt=0, le=86400, description="recovery time objective: fault to first answer and write "
                             "in the secondary, judged on max(measured, DNS floor)")
    rpo_messages: int = Field(default=0, ge=0, description="messages that may be lost in a drill (RPO in messages; 0: none)")
    rpo_seconds: int = Field(default=0, ge=0, description="window of sends that may be lost, in seconds")
    fault: FaultSpec = Field(default_factory=FaultSpec,
                             description="how the drill makes the primary region look failed")
    record: Optional[str] = Field(default=None, description="failover record to drill; default the first one",
        examples=["orders.api.example.com"])
    promote_secrets: Optional[list[Name]] = Field(
        default=None, description="secrets to promote in the secondary; default those with promote_on_failover")
    synthetic_messages: int = Field(default=200, ge=10, le=10000,
                                    description="sequence-numbered messages sent across the failover")
    poison_messages: int = Field(default=3, ge=0, le=50,
                                 description="of those, how many fail processing once, to drain and redrive the DLQ")


def check_failover(spec) -> Iterator[Problem]:
    """Cross-field checks for `failover`; `spec` is the EnvironmentSpec."""
    section = spec.failover
    if section is None:
        return
    if spec.regions.aws.secondary is None:
        yield "failover", "a failover drill needs regions.aws.secondary to fail over to"
    failover_records = [r.name for r in spec.routing.records if r.policy == "failover"]
    if not failover_records:
        yield "failover", "a failover drill needs a routing.records entry with policy: failover"
    elif section.record and section.record not in failover_records:
        yield "failover.record", f"expected one of the failover records: {', '.join(failover_records)}"
    secrets = {s.name: s for s in spec.secrets.secrets}
    for i, name in enumerate(section.promote_secrets or []):
        if name not in secrets:
            yield f"failover.promote_secrets[{i}]", f"undefined secret {name!r}; expected one of secrets.secrets[].name"
        elif not secrets[name].replicate:
            yield f"failover.promote_secrets[{i}]", f"secret {name!r} is not replicated (replicate: false)"
    if section.poison_messages >= section.synthetic_messages:
        yield "failover.poison_messages", "expected fewer poison messages than synthetic_messages"


def secrets_to_promote(spec) -> list[str]:
    """Spec names of the secrets the drill promotes (the explicit list, else promote_on_failover)."""
    section = spec.failover
    if section and section.promote_secrets is not None:
        return list(section.promote_secrets)
    return [s.name for s in spec.secrets.secrets if s.promote_on_failover and s.replicate]
