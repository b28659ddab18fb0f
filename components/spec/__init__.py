"""Typed environment spec: pydantic models, cross-field checks and a loader with readable errors."""

from .environment import EnvironmentSpec
from .foundation import Cluster, Site, Tier
from .loader import SpecError, SpecIssue, load_environment, parse_environment
from .brokers import BrokerSpec
from .messaging import QueueSpec, TopicSpec

__all__ = ["BrokerSpec", "Cluster", "EnvironmentSpec", "QueueSpec", "Site", "SpecError", "SpecIssue", "Tier",
           "TopicSpec", "load_environment", "parse_environment"]
