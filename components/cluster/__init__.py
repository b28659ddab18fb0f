"""Per-cluster platform pieces: the operators other capabilities' custom resources need."""

from .addons import OPERATORS, ClusterAddons, ClusterAddonsArgs

__all__ = ["OPERATORS", "ClusterAddons", "ClusterAddonsArgs"]
