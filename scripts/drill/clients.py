"""The one place the drill makes boto3 clients: region plus endpoint, nothing else differs between targets.

With no endpoint given, boto3 applies its own resolution, including the `AWS_ENDPOINT_URL` and
`AWS_ENDPOINT_URL_<SERVICE>` environment variables, so an operator can point a run anywhere the same way
every AWS SDK is pointed.
"""

from __future__ import annotations

import threading
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
    stand_in: Any = None
    """The local stand-in (scripts/drill/local.StandIn) when the target is one: faults act on it directly."""
    calls: int = 0
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    _session: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def extension(self, service: str, region: str) -> Any:
        """A client for the project's own extension of an API the stand-in lacks; marked so a region outage
        on the stand-in does not block it (real AWS serves the real API from the region that is still up)."""
        from .local import EXTENSION_HEADER

        key = (service + "#extension", region)
        if key not in self._cache:
            client = self._make(service, region)
            client.meta.events.register("before-sign", lambda request, **_: request.headers.__setitem__(
                EXTENSION_HEADER, "1"))
            self._cache[key] = client
        return self._cache[key]

    def __call__(self, service: str, region: str) -> Any:
        key = (service, GLOBAL_REGION if service in ("route53", "iam") else region)
        if key not in self._cache:
            self._cache[key] = self._make(service, key[1])
        return self._cache[key]

    def _make(self, service: str, region: str) -> Any:
        kwargs: dict[str, Any] = {"region_name": region, "config": _RETRIES}
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url
        if self.credentials:
            kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"] = self.credentials
        # One session per Clients: it loads each service's model once (a fresh session per client parsed it
        # again for every region, most of a short drill's time) and resolves the caller's credentials once.
        # Sessions are not thread-safe, clients are: creation is serialised.
        with self._lock:
            client = self.session().client(service, **kwargs)
        client.meta.events.register("before-call", self._count)
        return client

    def session(self) -> Any:
        if self._session is None:
            self._session = boto3.session.Session()
        return self._session

    def at(self, service: str, region: str, endpoint_url: Optional[str]) -> Any:
        """A client for a service with its own endpoint (an ARC cluster's), credentials as for the rest."""
        return Clients(endpoint_url or self.endpoint_url, self.credentials, self.stand_in,
                       _session=self.session(), _lock=self._lock)(service, region)

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


def denied(error: BaseException) -> bool:
    """An authorisation refusal: what every call to a region answers while the drill has it out."""
    return isinstance(error, ClientError) and error_code(error) in ("AccessDenied", "AccessDeniedException")


def error_code(error: BaseException) -> str:
    return str(error.response.get("Error", {}).get("Code", "")) if isinstance(error, ClientError) else type(error).__name__
