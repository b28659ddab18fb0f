"""The embedded local target: moto's server on 127.0.0.1, on a free port, for the length of one drill."""

from __future__ import annotations

import logging
import socket
import urllib.request
from contextlib import contextmanager
from typing import Iterator

# Static keys for the local stand-in only: moto accepts any, and real credentials must never reach it.
LOCAL_CREDENTIALS = ("drill-local", "drill-local")

# What the local target cannot reproduce, whatever the probes find; the report lists these.
LOCAL_GAPS = (
    "CloudWatch alarms are never evaluated from metrics: their state changes only when set explicitly",
    "Route 53 health checks never probe endpoints; every endpoint is assumed to answer",
    "no DNS resolver caches answers, so the TTL part of the DNS floor is not observed, only computed",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto's threaded server, yield its endpoint URL, stop it on every exit path."""
    from moto.server import ThreadedMotoServer

    # The server logs every request, and a traceback for each operation it lacks: the report says it better.
    quiet = logging.getLogger("werkzeug")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        # A server in this process shares moto's state with earlier runs in it: start from empty.
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).read()
        yield endpoint
    finally:
        server.stop()
        quiet.setLevel(level)
