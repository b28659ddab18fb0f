"""Messaging: one cloud-agnostic Broker entry point with a backend per broker kind."""

from .backend import DedupTable, KafkaFacts
from .broker import Broker, BrokerArgs

__all__ = ["Broker", "BrokerArgs", "DedupTable", "KafkaFacts"]
