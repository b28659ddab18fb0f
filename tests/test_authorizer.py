"""The Lambda JWT authorizer against real RS256 tokens signed in the test with a freshly generated key."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "functions" / "jwt_authorizer"))
import app  # noqa: E402
from verify import InvalidToken, verify  # noqa: E402

ISSUER, AUDIENCE, NOW = "https://login.example.com/partners", "partner-orders", 1_800_000_000
ENV = {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE, "JWKS_URL": "https://login.example.com/partners/jwks.json"}
ARN = "arn:aws:execute-api:eu-central-1:123456789012:abc123/prod/GET/orders/42"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(private, kid="k1"):
    numbers = private.public_key().public_numbers()
    as_bytes = lambda n: n.to_bytes((n.bit_length() + 7) // 8, "big")  # noqa: E731
    return {"keys": [{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
                      "n": b64(as_bytes(numbers.n)), "e": b64(as_bytes(numbers.e))}]}


def token(private, kid="k1", alg="RS256", **overrides):
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "partner-acme", "exp": NOW + 300, "nbf": NOW - 10,
              "client_id": "acme", "scope": "orders.read"}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    signing_input = f"{b64(json.dumps({'alg': alg, 'kid': kid, 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}"
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


def test_valid_token_returns_claims(key):
    assert verify(token(key), jwks(key), ISSUER, AUDIENCE, NOW)["sub"] == "partner-acme"
    assert verify(token(key, aud=["other", AUDIENCE]), jwks(key), ISSUER, AUDIENCE, NOW)["client_id"] == "acme"


@pytest.mark.parametrize("change, reason", [
    ({"iss": "https://evil.example.com"}, "wrong issuer"),
    ({"aud": "someone-else"}, "wrong audience"),
    ({"exp": NOW - 120}, "expired"),
    ({"exp": None}, "no expiry"),
    ({"nbf": NOW + 600}, "not yet valid"),
])
def test_claims_are_checked(key, change, reason):
    with pytest.raises(InvalidToken, match=reason):
        verify(token(key, **change), jwks(key), ISSUER, AUDIENCE, NOW)


def test_signature_from_another_key_is_refused(key, other_key):
    with pytest.raises(InvalidToken, match="bad signature"):
        verify(token(other_key), jwks(key), ISSUER, AUDIENCE, NOW)


def test_tampered_claims_are_refused(key):
    header, _, signature = token(key).split(".")
    forged = b64(json.dumps({"iss": ISSUER, "aud": AUDIENCE, "sub": "admin", "exp": NOW + 300}).encode())
    with pytest.raises(InvalidToken, match="bad signature"):
        verify(f"{header}.{forged}.{signature}", jwks(key), ISSUER, AUDIENCE, NOW)


def test_algorithm_is_pinned(key):
    unsigned = f"{b64(json.dumps({'alg': 'none', 'kid': 'k1'}).encode())}.{b64(json.dumps({'iss': ISSUER}).encode())}."
    with pytest.raises(InvalidToken, match="only RS256"):
        verify(unsigned, jwks(key), ISSUER, AUDIENCE, NOW)
    with pytest.raises(InvalidToken, match="only RS256"):
        verify(token(key, alg="HS256"), jwks(key), ISSUER, AUDIENCE, NOW)


def test_unknown_key_id_is_refused(key):
    with pytest.raises(InvalidToken, match="signing key"):
        verify(token(key, kid="rotated"), jwks(key), ISSUER, AUDIENCE, NOW)


def test_handler_allows_the_whole_stage_and_passes_the_caller(key):
    app._cache.update(jwks=None, fetched=0.0)
    fetched = []
    result = app.authorize({"headers": {"authorization": f"Bearer {token(key)}", "X-Correlation-Id": "c-42"},
                            "requestContext": {"requestId": "r-1"}, "methodArn": ARN}, ENV,
                           fetch=lambda url: fetched.append(url) or jwks(key), now=NOW)
    assert fetched == [ENV["JWKS_URL"]]
    assert result["principalId"] == "partner-acme"
    statement = result["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "arn:aws:execute-api:eu-central-1:123456789012:abc123/prod/*/*"
    assert result["context"] == {"sub": "partner-acme", "clientId": "acme", "scope": "orders.read",
                                 "correlationId": "c-42"}


def test_handler_refetches_keys_after_rotation(key, other_key):
    app._cache.update(jwks=jwks(key), fetched=NOW)
    result = app.authorize({"headers": {"Authorization": f"Bearer {token(other_key, kid='k2')}"},
                            "requestContext": {"requestId": "r-2"}, "methodArn": ARN}, ENV,
                           fetch=lambda url: jwks(other_key, kid="k2"), now=NOW)
    assert result["principalId"] == "partner-acme"
    assert result["context"]["correlationId"] == "r-2"  # no client header: the gateway's request id


@pytest.mark.parametrize("header", ["", "Basic abc", "Bearer ", "Bearer not.a.jwt"])
def test_handler_answers_unauthorized_without_detail(key, header):
    app._cache.update(jwks=jwks(key), fetched=NOW)
    with pytest.raises(Exception, match="^Unauthorized$"):
        app.authorize({"headers": {"Authorization": header}, "methodArn": ARN}, ENV, fetch=lambda url: jwks(key), now=NOW)
