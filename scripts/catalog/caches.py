"""Caches (practice 4.4) as catalog Resources: what they hold, who owns and invalidates them, their TTL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .entities import ANNOTATION, _entity, _ref, entity_name, owner_ref

if TYPE_CHECKING:
    from components.spec.environment import EnvironmentSpec


def cache_entities(spec: "EnvironmentSpec", broker_refs: dict[str, str]) -> list[dict[str, Any]]:
    """One Resource per cache, depending on the broker its invalidations arrive through; the owner node that
    applies them is named in the annotations (a Resource cannot depend on a Component)."""
    env, out = spec.name, []
    topics = {e.name: e.change_topic for e in spec.data.entities}
    for cache in spec.data.caches:
        changes = sorted({f"{t.broker}/{t.topic}" for e in cache.entities if (t := topics.get(e)) is not None})
        brokers = sorted({broker_refs[c.split("/")[0]] for c in changes if c.split("/")[0] in broker_refs})
        resource_spec: dict[str, Any] = {"type": "cache", "owner": owner_ref(cache.owner),
                                         "system": _ref("system", env, env)}
        if brokers:
            resource_spec["dependsOn"] = brokers
        out.append(_entity(
            "Resource", env, entity_name("cache", cache.name),
            f"Cache {cache.name} ({cache.engine}) of {', '.join(cache.entities)}: node {cache.invalidation.node} "
            f"drops the keys each change names (from {', '.join(changes) or 'no topic'}); entries live at most "
            f"{cache.ttl_seconds} s.", resource_spec,
            annotations={f"{ANNOTATION}placement": cache.region, f"{ANNOTATION}engine": cache.engine,
                         f"{ANNOTATION}entities": ", ".join(cache.entities),
                         f"{ANNOTATION}invalidated-by": f"{cache.invalidation.node} via {cache.invalidation.queue}",
                         f"{ANNOTATION}ttl-seconds": str(cache.ttl_seconds)},
            tags=[cache.engine]))
    return out
