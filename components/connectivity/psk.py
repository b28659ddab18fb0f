"""Pre-shared keys come from ONE secret config key holding a JSON map (entry -> key), e.g. vpnPresharedKeys.

The value is only ever handled inside `Output.apply` on a secret Output, so each key stays secret-marked
all the way to the tunnel input; errors name the config key and the entry, never a value.
"""

from __future__ import annotations

import hashlib
import json
import re

import pulumi

from ..spec.connectivity import ConnectivitySpec, psk_entries

# AWS's rule (8-64 characters of letters, digits, periods and underscores, not starting with 0);
# Azure accepts the same, so one map serves both clouds.
PSK_RE = re.compile(r"^[A-Za-z1-9_.][A-Za-z0-9_.]{7,63}$")


class PresharedKeyError(ValueError):
    """The secret map is malformed or lacks an entry; the message never contains a key."""


def pick_key(raw: str, secret: str, entry: str) -> str:
    try:
        keys = json.loads(raw)
    except ValueError:
        raise PresharedKeyError(f"secret config key {secret!r} must hold a JSON object of pre-shared keys") from None
    if not isinstance(keys, dict):
        raise PresharedKeyError(f"secret config key {secret!r} must hold a JSON object of pre-shared keys")
    value = keys.get(entry)
    if not isinstance(value, str):
        raise PresharedKeyError(f"secret config key {secret!r} has no pre-shared key for entry {entry!r}")
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
