"""Audit trails (practice 5.3): CloudTrail to a locked bucket; Azure activity and Key Vault logs to Log Analytics."""

from .component import AuditTrail, AuditTrailArgs

__all__ = ["AuditTrail", "AuditTrailArgs"]
