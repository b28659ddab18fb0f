"""Region-pinned processing nodes: the Kubernetes workers that consume from brokers (issue 5)."""

# COMPONENT and METRICS_PORT: every node pod's component label and metrics port (what a PodMonitor selects).
from .manifests import COMPONENT, METRICS_PORT
from .node import CacheClient, ProcessingNode, ProcessingNodeArgs

__all__ = ["COMPONENT", "METRICS_PORT", "CacheClient", "ProcessingNode", "ProcessingNodeArgs"]
