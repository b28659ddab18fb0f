"""JWT verification with the standard library only, so the Lambda ships without a dependency layer.

Only RS256 is accepted: pinning the algorithm closes the "alg: none" and RS/HS confusion attacks, and the
issuer, audience, expiry and not-before claims are checked after the signature (practice 2.4, 5.1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any, Mapping

# DER prefix of a SHA-256 DigestInfo (RFC 8017 section 9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
LEEWAY_SECONDS = 60


class InvalidToken(Exception):
    """The token must be refused; the reason is for logs, never for the caller."""


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int(text: str) -> int:
    return int.from_bytes(b64url_decode(text), "big")


def rsa_pkcs1_sha256_valid(message: bytes, signature: bytes, modulus: int, exponent: int) -> bool:
    """RSASSA-PKCS1-v1_5 verification (RFC 8017 section 8.2.2) with SHA-256."""
    size = (modulus.bit_length() + 7) // 8
    if len(signature) != size or modulus.bit_length() < 2048:
        return False
    value = int.from_bytes(signature, "big")
    if value >= modulus:
        return False
    encoded = pow(value, exponent, modulus).to_bytes(size, "big")
    digest = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
    return hmac.compare_digest(encoded, expected)


def verify(token: str, jwks: Mapping[str, Any], issuer: str, audience: str, now: float) -> dict[str, Any]:
    """Return the token's claims if it is a valid RS256 JWT from `issuer` for `audience`; else InvalidToken."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("not a compact JWS")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError as error:
        raise InvalidToken(f"undecodable token: {error}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidToken("header and claims must be JSON objects")
    if header.get("alg") != "RS256":
        raise InvalidToken("only RS256 is accepted")
    keys = [k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid") and k.get("kty") == "RSA"]
    if not keys:
        raise InvalidToken("signing key not in the issuer's key set")
    key = keys[0]
    if not rsa_pkcs1_sha256_valid(f"{parts[0]}.{parts[1]}".encode(), signature, _int(key["n"]), _int(key["e"])):
        raise InvalidToken("bad signature")
    if claims.get("iss") != issuer:
        raise InvalidToken("wrong issuer")
    audiences = claims.get("aud")
    if audience not in (audiences if isinstance(audiences, list) else [audiences]):
        raise InvalidToken("wrong audience")
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp + LEEWAY_SECONDS < now:
        raise InvalidToken("expired or no expiry")
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and nbf - LEEWAY_SECONDS > now:
        raise InvalidToken("not yet valid")
    return claims
