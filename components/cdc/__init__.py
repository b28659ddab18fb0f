"""Change data capture (practices 4.2, 4.6): Debezium connectors on MSK Connect or Strimzi Kafka Connect."""

from .audit_sink import AuditStore
from .component import ChangeDataCapture, ChangeDataCaptureArgs, MskConnectTarget, StrimziTarget

__all__ = ["AuditStore", "ChangeDataCapture", "ChangeDataCaptureArgs", "MskConnectTarget", "StrimziTarget"]
