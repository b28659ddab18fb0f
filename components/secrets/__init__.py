"""Secrets and replicated configuration: Secrets Manager with multi-region keys, Key Vault, ESO sync, parameters."""

from .component import SecretsReplication, SecretsReplicationArgs

__all__ = ["SecretsReplication", "SecretsReplicationArgs"]
