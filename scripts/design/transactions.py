"""A synchronous integration that needs transactional integrity across contexts, without a saga (1.1, 4.1).

A request/response cannot commit two contexts' stores atomically: a timeout leaves the caller not knowing
whether the producer committed, and distributed two-phase commits are what bounded contexts exist to avoid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .warning import DesignWarning

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec

CHECK = "sync-transaction-without-saga"


def check_sync_transactions(spec: "EnvironmentSpec") -> Iterator[DesignWarning]:
    for i, integration in enumerate(spec.observability.integrations):
        if not (integration.pattern == "sync" and integration.transactional and integration.saga is None):
            continue
        if integration.producer == integration.consumer:
            continue  # one context: one store, a local transaction can hold
        yield DesignWarning(CHECK, f"observability.integrations[{i}]", (
            f"integration {integration.name!r} needs transactional integrity between {integration.consumer!r} and "
            f"{integration.producer!r} over a synchronous call, which cannot commit both contexts together (a "
            "timeout leaves the caller unsure whether the producer committed); run it as a saga with compensations "
            "(data.sagas, practice 4.1), preferably over a broker, and name it in saga:"),
            {"producer": integration.producer, "consumer": integration.consumer, "pattern": integration.pattern})
