"""Shared building blocks for the environment spec: strict models and constrained scalar types."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

AWS_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
NAME_RE = r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$"
# The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy refuses any other value).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)


Problem = tuple[str, str]
"""A cross-field spec error: (dotted field path, what was expected). Every check module yields these."""


class SpecModel(BaseModel):
    """Every spec model rejects unknown fields (typos must not pass silently) and is immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _aws_region(value: str) -> str:
    if not AWS_REGION_RE.match(value):
        raise ValueError(f"expected an AWS region code such as eu-central-1, got {value!r}")
    return value


Name = Annotated[str, Field(pattern=NAME_RE, description="lower-case name: letters, digits and dashes")]
AwsRegion = Annotated[str, AfterValidator(_aws_region)]
Cidr = IPv4Network
IpAddress = IPv4Address
PositiveInt = Annotated[int, Field(gt=0)]


class SecretRef(SpecModel):
    """A pointer to a secret stack config key (set with `pulumi config set --secret`); never the value itself."""

    secret: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="name of a secret config key declared in Pulumi.yaml",
        examples=["brokerAdminPassword"])

    @model_validator(mode="before")
    @classmethod
    def _refuse_literals(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError(
                "expected a secret reference like {secret: <config key>}; a literal value is not allowed here "
                "(set the value with `pulumi config set --secret <key>`)"
            )
        return value


def unresolved_secret(path: str, key: str, declared: set[str] | None) -> list[tuple[str, str]]:
    """The problem (if any) of a secret reference naming a key Pulumi.yaml does not declare as secret.

    `declared` is None when the caller has no project file to check against; then nothing is reported.
    """
    if declared is None or key in declared:
        return []
    return [(path, f"secret reference {key!r} does not resolve; expected a key declared in Pulumi.yaml config "
                   f"with secret: true ({', '.join(sorted(declared)) or 'none declared'})")]
