"""The embedded local target: moto's server on 127.0.0.1, on a free port, for the length of one drill.

The server sits behind a small gate that can take a whole region out: while it is out, every request
signed for that region is refused (403, as an IAM deny would answer on AWS), which is how the local
region-outage fault loses a region rather than a health check. Global services (IAM, STS, Route 53) keep
answering, as they do when one AWS region fails.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

# Static keys for the local stand-in only: moto accepts any, and real credentials must never reach it.
LOCAL_CREDENTIALS = ("drill-local", "drill-local")

# What the local target cannot reproduce, whatever the probes find; the report lists these.
LOCAL_GAPS = (
    "CloudWatch alarms are never evaluated from metrics: their state changes only when set explicitly",
    "Route 53 health checks never probe endpoints; every endpoint is assumed to answer",
    "no DNS resolver caches answers, so the TTL part of the DNS floor is not observed, only computed",
)
GLOBAL_SERVICES = frozenset({"iam", "sts", "route53"})
EXTENSION_HEADER = "x-hybrid-drill-extension"
"""Marks a call the project's own extension makes for an API the stand-in lacks (see actions.promote)."""
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass
class StandIn:
    """One running stand-in: its endpoint, a unique id (so a later run knows this one is gone), its outages."""

    endpoint: str
    account: str | None = None
    """Answer as this AWS account (moto's default otherwise): lets a test pose as an environment's account."""
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    out: set[str] = field(default_factory=set)
    refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take_out(self, regions: Iterable[str]) -> None:
        with self._lock:
            self.out |= set(regions)

    def restore(self, regions: Iterable[str]) -> None:
        with self._lock:
            self.out -= set(regions)

    def refuses(self, environ: dict[str, Any]) -> str | None:
        """The region a request is refused for, or None."""
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not scope or scope.group(2) in GLOBAL_SERVICES or environ.get("HTTP_" + EXTENSION_HEADER.upper().replace("-", "_")):
            return None
        with self._lock:
            if scope.group(1) in self.out:
                self.refused += 1
                return scope.group(1)
        return None


def _error(start_response: Callable, status: str, code: str, message: str, json_protocol: bool) -> list[bytes]:
    if json_protocol:
        body = json.dumps({"__type": f"{code}Exception", "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-query-error", f"{code};Sender")]
    else:
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                "</Error></ErrorResponse>").encode()
        headers = [("Content-Type", "text/xml")]
    start_response(status, headers + [("Content-Length", str(len(body)))])
    return [body]


def outage_gate(app: Callable, stand_in: StandIn) -> Callable:
    """WSGI middleware: answer AccessDenied for every regional call to a region that is out, and 501 Not
    Implemented for an operation moto lacks (its server would answer 500, which every SDK retries with
    backoff, so each probe of a missing API would cost seconds of sleeps before it is found missing)."""

    def gated(environ: dict[str, Any], start_response: Callable) -> Any:
        if stand_in.account:
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = stand_in.account
        json_protocol = "json" in environ.get("CONTENT_TYPE", "")
        region = stand_in.refuses(environ)
        if region is None:
            try:
                return app(environ, start_response)
            except NotImplementedError as missing:
                return _error(start_response, "501 Not Implemented", "NotImplemented",
                              f"not implemented by the local stand-in: {missing}", json_protocol)
        return _error(start_response, "403 Forbidden", "AccessDenied",
                      f"region {region} is out (drill fault region-outage)", json_protocol)

    return gated


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def moto_server() -> Iterator[str]:
    """Start the stand-in, yield its endpoint URL, stop it on every exit path."""
    with stand_in() as running:
        yield running.endpoint


@contextmanager
def stand_in(account: str | None = None) -> Iterator[StandIn]:
    """moto's server behind the outage gate, in a thread of this process; stopped on every exit path."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    # The server logs every request, and a traceback for each operation it lacks: the report says it better.
    quiet = logging.getLogger("werkzeug")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    port = free_port()
    running = StandIn(endpoint=f"http://127.0.0.1:{port}", account=account)
    server = make_server("127.0.0.1", port, outage_gate(DomainDispatcherApplication(create_backend_app), running),
                         threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="drill-stand-in")
    thread.start()
    try:
        # A server in this process shares moto's state with earlier runs in it: start from empty.
        urllib.request.urlopen(urllib.request.Request(f"{running.endpoint}/moto-api/reset", method="POST"),
                               timeout=10).read()
        yield running
    finally:
        server.shutdown()
        thread.join(timeout=10)
        quiet.setLevel(level)
