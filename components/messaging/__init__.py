"""Messaging: one cloud-agnostic Broker entry point with a backend per broker kind."""

from .broker import Broker, BrokerArgs

__all__ = ["Broker", "BrokerArgs"]
