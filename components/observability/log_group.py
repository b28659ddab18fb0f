"""Kept so existing imports keep working: the protected log group is a components-level convention now
(components/log_group.py), shared by every capability that creates a CloudWatch log group."""

from ..log_group import DATA_IDENTIFIER_ARN, data_protection_document, protected_log_group

__all__ = ["DATA_IDENTIFIER_ARN", "data_protection_document", "protected_log_group"]
