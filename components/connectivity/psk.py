"""Pre-shared keys come from ONE secret config key holding a JSON map (entry -> key), e.g. vpnPresharedKeys
(see components/secret_maps.py for how the map stays secret)."""

from __future__ import annotations

import hashlib
import json
import re

import pulumi

from ..secret_maps import SecretMapError, pick
from ..spec.connectivity import ConnectivitySpec, psk_entries

# AWS's rule (8-64 characters of letters, digits, periods and underscores, not starting with 0);
# Azure accepts the same, so one map serves both clouds.
PSK_RE = re.compile(r"^[A-Za-z1-9_.][A-Za-z0-9_.]{7,63}$")


class PresharedKeyError(SecretMapError):
    """The secret map is malformed, lacks an entry or holds a key the clouds refuse; never names the key."""


def pick_key(raw: str, secret: str, entry: str) -> str:
    try:
        value = pick(raw, secret, entry, "pre-shared key")
    except SecretMapError as error:
        raise PresharedKeyError(str(error)) from None
    if not PSK_RE.match(value):
        raise PresharedKeyError(f"secret config key {secret!r}, entry {entry!r}: expected 8-64 letters, digits, "
                                "periods or underscores, not starting with 0")
    return value


def preshared_key(raw: pulumi.Output[str], secret: str, entry: str) -> pulumi.Output[str]:
    return pulumi.Output.secret(raw).apply(lambda value: pick_key(value, secret, entry))


def placeholder_keys(spec: ConnectivitySpec) -> dict[str, str]:
    """Offline-plan placeholders shaped like the real map: one well-formed, obviously fake key per entry."""
    entries = [entry for link in spec.links for entry in psk_entries(link)]
    if not entries:
        return {}
    fake = {e: "placeholder_" + hashlib.sha256(e.encode()).hexdigest()[:20] for e in entries}
    return {spec.preshared_keys.secret: json.dumps(fake, sort_keys=True)}
