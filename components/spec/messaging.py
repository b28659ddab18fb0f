"""Spec models for brokers: the asynchronous backbone (practices 1.1 async vs sync, 1.3 and 3.1 brokers, 3.3 DLQs)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

from .base import Name, SpecModel


class QueueSpec(SpecModel):
    name: Name
    fifo: bool = False
    content_based_deduplication: bool = Field(default=True, description="FIFO only: dedupe on a body hash")
    visibility_timeout_seconds: int = Field(default=30, ge=0, le=43200)
    retention_seconds: int = Field(default=345600, ge=60, le=1209600)
    max_receive_count: int = Field(default=5, ge=1, le=1000, description="deliveries before the DLQ")
    dlq_retention_seconds: int = Field(default=1209600, ge=60, le=1209600)


class TopicSpec(SpecModel):
    name: Name
    fifo: bool = False
    subscribers: list[str] = Field(default_factory=list, description="names of this broker's queues the topic fans out to")


class BrokerSpec(SpecModel):
    """One cloud-agnostic broker entry; `kind` picks the backend."""

    name: Name
    kind: Literal["sqs-sns"]
    cloud: Literal["aws"] = "aws"
    region: str = Field(description="AWS region of the primary copy")
    standby_region: Optional[str] = Field(default=None, description="region of a warm standby copy (failover)")
    owner: str
    queues: list[QueueSpec] = Field(default_factory=list)
    topics: list[TopicSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> "BrokerSpec":
        if not self.queues and not self.topics:
            raise ValueError("a broker needs at least one queue or topic")
        return self


class Messaging(SpecModel):
    brokers: list[BrokerSpec] = Field(default_factory=list)
