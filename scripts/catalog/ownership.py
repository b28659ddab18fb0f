"""Data ownership in the catalog (practice 4.5): how an entity's change topic and stores read, and the table of
who owns, consumes, publishes and stores what that topology.md carries (entities.py makes the Resources)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from components.spec.data import EntitySpec
    from components.spec.environment import EnvironmentSpec


def change_topic(entity: "EntitySpec") -> str:
    return f"{entity.change_topic.broker}/{entity.change_topic.topic}" if entity.change_topic else ""


def stores(spec: "EnvironmentSpec", entity: "EntitySpec") -> str:
    """Its broker stores and the reference tables (data.reference) that hold it."""
    held = [f"{s.broker}/{s.item} ({s.kind})" for s in entity.stores]
    held += [f"{t.name} (reference table)" for t in spec.data.reference if t.entity == entity.name]
    return ", ".join(held)


def ownership_markdown(spec: "EnvironmentSpec") -> str:
    """The ownership map as a Markdown section (empty when the spec declares no entities)."""
    if not spec.data.entities:
        return ""
    rows = ["| entity | owner (only writer) | consumers (read, subscribe) | change topic | stores |",
            "| --- | --- | --- | --- | --- |"]
    for entity in spec.data.entities:
        critical = " (critical)" if entity.critical else ""
        rows.append(f"| {entity.name}{critical} | {entity.owner} | {', '.join(entity.consumers) or '-'} | "
                    f"{change_topic(entity) or '-'} | {stores(spec, entity) or '-'} |")
    return "\n## Data ownership\n\n" + "\n".join(rows) + "\n"
