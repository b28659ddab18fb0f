"""TLS 1.2 or later on every Azure service with a minimum-TLS setting (practice 5.1), judged by input shape.

The types come from the SDKs (coverage.json: every azure-native type with a minimumTlsVersion,
minTlsVersion or minimalTlsVersion input); each spells versions its own way ("1.2", "TLS1_2", "Tls12").
Unset is judged as below 1.2: storage accounts and Cosmos DB document TLS 1.0 as their default, and older
API versions of the others do too. Service Bus and Event Hubs namespaces are judged by broker-tls-minimum.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..coverage import azure_minimum_tls_inputs
from ..framework import Resource, Rule, RuleContext, canonical_type
from ..messaging_transport import AZURE_NAMESPACES

INPUTS = {t: name for t, name in azure_minimum_tls_inputs().items() if t not in AZURE_NAMESPACES}
_VERSION = re.compile(r"(\d)[._]?(\d)")


def tls_version(value: object) -> tuple[int, int] | None:
    match = _VERSION.search(str(value))
    return (int(match.group(1)), int(match.group(2))) if match else None


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    name = INPUTS[canonical_type(resource.type)]
    version = tls_version(resource.props.get(name))
    if version is None or version < (1, 2):
        yield f"accepts TLS below 1.2: set {name} to TLS 1.2"


RULE = Rule(
    id="azure-tls-minimum", concern="tls-minimum",
    description="Every Azure resource with a minimum TLS setting (storage, Cosmos DB, SQL, Redis and the rest) "
                "requires TLS 1.2 or later.",
    severity="high",
    remediation="Set the resource's minimum TLS input to 1.2 in the service's own spelling (TLS1_2 for storage, "
                "Tls12 for Cosmos DB, 1.2 for SQL and Redis).",
    check=check, types=frozenset(INPUTS))
