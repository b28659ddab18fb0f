"""Region-pinned processing nodes: the Kubernetes workers that consume from brokers (issue 5)."""

from .node import ProcessingNode, ProcessingNodeArgs

__all__ = ["ProcessingNode", "ProcessingNodeArgs"]
