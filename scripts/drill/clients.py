"""The one place the drill makes boto3 clients: region plus endpoint, nothing else differs between targets.

With no endpoint given, boto3 applies its own resolution, including the `AWS_ENDPOINT_URL` and
`AWS_ENDPOINT_URL_<SERVICE>` environment variables, so an operator can point a run anywhere the same way
every AWS SDK is pointed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# Route 53 is global; its API lives in us-east-1.
GLOBAL_REGION = "us-east-1"
_RETRIES = Config(retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=5, read_timeout=30)


@dataclass
class Clients:
    endpoint_url: Optional[str] = None
    credentials: Optional[tuple[str, str]] = None  # only for a local stand-in; real runs use the caller's chain
    calls: int = 0
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def __call__(self, service: str, region: str) -> Any:
        key = (service, GLOBAL_REGION if service == "route53" else region)
        if key not in self._cache:
            kwargs: dict[str, Any] = {"region_name": key[1], "config": _RETRIES}
            if self.endpoint_url:
                kwargs["endpoint_url"] = self.endpoint_url
            if self.credentials:
                kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = self.credentials
            client = boto3.session.Session().client(service, **kwargs)
            client.meta.events.register("before-call", self._count)
            self._cache[key] = client
        return self._cache[key]

    def at(self, service: str, region: str, endpoint_url: Optional[str]) -> Any:
        """A client for a service with its own endpoint (an ARC cluster's), credentials as for the rest."""
        return Clients(endpoint_url or self.endpoint_url, self.credentials)(service, region)

    def _count(self, **_: Any) -> None:
        self.calls += 1


def unsupported(error: BaseException) -> bool:
    """Did the target reject the operation as not implemented (as opposed to failing it)?

    Used to pick the project's own extension for an API a stand-in lacks; real AWS implements them all, so
    there it never matches and the real call's answer (or error) stands.
    """
    if isinstance(error, NotImplementedError):
        return True
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code, message = str(info.get("Code", "")), str(info.get("Message", "")).lower()
        meta = error.response.get("ResponseMetadata", {})
        status = meta.get("HTTPStatusCode")
        content_type = str(meta.get("HTTPHeaders", {}).get("content-type", ""))
        # An AWS API always answers in its own protocol (XML or JSON); an HTML error page means the endpoint
        # has no implementation of the operation behind it.
        not_an_api_answer = status in (404, 500) and content_type.startswith("text/html")
        return (code in ("NotImplemented", "501") or "not been implemented" in message or "not yet implemented" in message
                or (code == "404" and message == "not found") or status == 501 or not_an_api_answer)
    return False


def error_code(error: BaseException) -> str:
    return str(error.response.get("Error", {}).get("Code", "")) if isinstance(error, ClientError) else type(error).__name__
