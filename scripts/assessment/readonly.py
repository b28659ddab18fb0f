"""The audit only reads: every SDK call is checked before it is sent, and anything but a read is refused.

AWS: an operation must be named Describe*, Get* or List*, and none of those that return secret material or
data (a secret's value, an object's body) is allowed either. Azure: only GET requests leave the client.
The refusal happens in the SDKs' own hooks (botocore's `before-call` event, an azure-core pipeline policy),
so it covers paginators and retries too, and a test asserts it on every call an audit makes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

READ_PREFIXES = ("Describe", "Get", "List")
VALUE_READS = frozenset({
    "GetSecretValue", "BatchGetSecretValue",  # Secrets Manager: the secret itself
    "GetParameter", "GetParameters", "GetParametersByPath",  # SSM parameters may be SecureStrings
    "GetObject", "GetObjectTorrent",  # S3 object bodies
    "GetRandomPassword",  # generates secret material
    "ReceiveMessage",  # not a read of configuration, and not prefixed as one; listed for clarity
})
HOOK_ID = "hybrid-audit-read-only"


class ReadOnlyViolation(RuntimeError):
    """The audit was about to make a call that is not a read of configuration."""


def allowed(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) and operation not in VALUE_READS


@dataclass
class ReadOnly:
    """Guards clients; `operations` records every call made, as "service:Operation" (or "GET <path>")."""

    operations: list[str] = field(default_factory=list)

    def boto3(self, client: Any) -> Any:
        """Register the guard on a boto3 client (once per client) and return it."""
        service = client.meta.service_model.service_name

        def check(model: Any, **_: Any) -> None:
            if not allowed(model.name):
                raise ReadOnlyViolation(f"refused {service}:{model.name}: the audit makes read-only calls only "
                                        f"({', '.join(READ_PREFIXES)}, never a secret's value)")
            self.operations.append(f"{service}:{model.name}")

        client.meta.events.register("before-call", check, unique_id=f"{HOOK_ID}-{id(self)}")
        return client

    def azure_policy(self) -> Any:
        """An azure-core pipeline policy that refuses every request but GET."""
        from azure.core.pipeline.policies import SansIOHTTPPolicy

        guard = self

        class _ReadOnlyPolicy(SansIOHTTPPolicy):
            def on_request(self, request: Any) -> None:
                http = request.http_request
                if http.method.upper() != "GET":
                    raise ReadOnlyViolation(f"refused {http.method} {http.url.split('?')[0]}: the audit makes "
                                            "read-only (GET) calls only")
                guard.operations.append(f"GET {http.url.split('?')[0]}")

        return _ReadOnlyPolicy()
