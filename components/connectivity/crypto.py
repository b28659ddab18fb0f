"""The IPsec proposals every tunnel uses (practice 8.1 and 5.1): IKEv2 only, AES-256 (GCM preferred),
SHA-2 integrity, Diffie-Hellman group 14 or stronger. The policy pack's vpn-strong-crypto rule judges
the planned tunnels against the same bar, so the two cannot drift apart silently (tests compare them)."""

from __future__ import annotations

AWS_IKE_VERSIONS = ("ikev2",)
AWS_ENCRYPTION = ("AES256-GCM-16", "AES256")
AWS_INTEGRITY = ("SHA2-256", "SHA2-384", "SHA2-512")
# 19-21 are elliptic-curve groups; 22-24 are deliberately absent (MODP groups with small subgroups).
AWS_DH_GROUPS = (14, 19, 20, 21)
AWS_PHASE1_LIFETIME = 28800
AWS_PHASE2_LIFETIME = 3600
# "restart" re-initiates a tunnel whose peer went quiet instead of leaving it down until traffic arrives.
AWS_DPD_ACTION = "restart"

# Azure: one explicit policy per connection; without it Azure offers a default list that includes weak ciphers.
AZURE_IPSEC_POLICY = {
    "ike_encryption": "GCMAES256", "ike_integrity": "SHA384", "dh_group": "ECP384",
    "ipsec_encryption": "GCMAES256", "ipsec_integrity": "GCMAES256", "pfs_group": "ECP384",
    "sa_life_time_seconds": 27000, "sa_data_size_kilobytes": 102400000,
}


def aws_tunnel_options(prefix: str) -> dict[str, object]:
    """VpnConnection keyword arguments for one tunnel (`prefix` is tunnel1 or tunnel2), without key and CIDR."""
    return {
        f"{prefix}_ike_versions": list(AWS_IKE_VERSIONS),
        f"{prefix}_phase1_encryption_algorithms": list(AWS_ENCRYPTION),
        f"{prefix}_phase2_encryption_algorithms": list(AWS_ENCRYPTION),
        f"{prefix}_phase1_integrity_algorithms": list(AWS_INTEGRITY),
        f"{prefix}_phase2_integrity_algorithms": list(AWS_INTEGRITY),
        f"{prefix}_phase1_dh_group_numbers": list(AWS_DH_GROUPS),
        f"{prefix}_phase2_dh_group_numbers": list(AWS_DH_GROUPS),
        f"{prefix}_phase1_lifetime_seconds": AWS_PHASE1_LIFETIME,
        f"{prefix}_phase2_lifetime_seconds": AWS_PHASE2_LIFETIME,
        f"{prefix}_dpd_timeout_action": AWS_DPD_ACTION,
    }


def device_summary_crypto() -> dict[str, object]:
    """What the on-prem device must be configured with (no secrets), for the device summary output."""
    return {"ike_version": "IKEv2", "phase1": {"encryption": list(AWS_ENCRYPTION), "integrity": list(AWS_INTEGRITY),
                                                "dh_groups": list(AWS_DH_GROUPS), "lifetime_seconds": AWS_PHASE1_LIFETIME},
            "phase2": {"encryption": list(AWS_ENCRYPTION), "integrity": list(AWS_INTEGRITY),
                       "pfs_dh_groups": list(AWS_DH_GROUPS), "lifetime_seconds": AWS_PHASE2_LIFETIME}}
