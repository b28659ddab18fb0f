"""API Gateway REQUEST authorizer: verifies the bearer JWT and returns an IAM policy for the whole stage.

A REQUEST authorizer (not TOKEN) because it also sees the X-Correlation-Id header and hands it back in its
context, which is the only way a REST API access log can record a client-supplied header (practice 6.1).

Configuration comes from the function's environment (set by the Gateway component): ISSUER, AUDIENCE,
JWKS_URL. The key set is cached per container and refetched when a token names an unknown key (rotation).
"""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.request
from typing import Any, Callable

from verify import InvalidToken, verify

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)
JWKS_TTL_SECONDS = 3600
_cache: dict[str, Any] = {"jwks": None, "fetched": 0.0}


def fetch_jwks(url: str) -> dict[str, Any]:
    if not url.startswith("https://"):
        raise ValueError("JWKS_URL must be https")
    with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (https enforced above)
        return json.loads(response.read())


def _keys(fetch: Callable[[str], dict[str, Any]], url: str, now: float, refresh: bool) -> dict[str, Any]:
    if refresh or _cache["jwks"] is None or now - _cache["fetched"] > JWKS_TTL_SECONDS:
        _cache["jwks"], _cache["fetched"] = fetch(url), now
    return _cache["jwks"]


def stage_wildcard(method_arn: str) -> str:
    """arn:...:api/stage/VERB/path -> arn:...:api/stage/*/*, so a cached decision covers every route."""
    prefix, rest = method_arn.split(":", 5)[:5], method_arn.split(":", 5)[5]
    api, stage = rest.split("/")[:2]
    return ":".join(prefix) + f":{api}/{stage}/*/*"


def policy(principal: str, effect: str, resource: str, context: dict[str, str]) -> dict[str, Any]:
    return {"principalId": principal,
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
            "context": context}


def authorize(event: dict[str, Any], env: dict[str, str], fetch: Callable[[str], dict[str, Any]] = fetch_jwks,
              now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    header = headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Exception("Unauthorized")  # API Gateway maps exactly this message to 401
    try:
        try:
            claims = verify(token, _keys(fetch, env["JWKS_URL"], now, False), env["ISSUER"], env["AUDIENCE"], now)
        except InvalidToken as error:
            if "signing key" not in str(error):
                raise
            claims = verify(token, _keys(fetch, env["JWKS_URL"], now, True), env["ISSUER"], env["AUDIENCE"], now)
    except InvalidToken as error:
        # Log why, never the token itself (practice 5.2).
        LOG.info(json.dumps({"decision": "deny", "reason": str(error)}))
        raise Exception("Unauthorized") from None
    subject = str(claims.get("sub") or "unknown")
    context = {"sub": subject, "clientId": str(claims.get("client_id") or claims.get("azp") or ""),
               "scope": str(claims.get(env.get("SCOPES_CLAIM", "scope")) or ""),
               "correlationId": headers.get("x-correlation-id")
               or str((event.get("requestContext") or {}).get("requestId") or "")}
    return policy(subject, "Allow", stage_wildcard(event["methodArn"]), context)


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    return authorize(event, dict(os.environ))
