"""The environment spec's JSON Schema, generated from the pydantic models (the only definition of the spec).

Editors read it through the `yaml-language-server` header of each environments/*.yaml, so typos and wrong
values show while typing; the models still judge (cross-field checks, secret references, files on disk).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.spec import EnvironmentSpec

SCHEMA_FILE = Path("environments") / "environment.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The header that points YAML editors at the schema; the path is relative to the environment file.
EDITOR_HEADER = f"# yaml-language-server: $schema={SCHEMA_FILE.name}"


def environment_schema() -> dict[str, Any]:
    """The JSON Schema of environments/<env>.yaml, as validated input (aliases such as `schema` included)."""
    schema = _tagged_unions(EnvironmentSpec.model_json_schema(by_alias=True, mode="validation"))
    return {"$schema": DRAFT, "title": "Hybrid integration environment",
            "description": "An environment spec of the hybrid integration blueprint: environments/<env>.yaml.",
            **{k: v for k, v in schema.items() if k not in ("title", "description")}}


def _tagged_unions(node: Any) -> Any:
    """A discriminated union as one `if kind is X then X's model` per member, so a validator (and an editor)
    reports an error at the broken field of the entry, not as "matches none of the kinds" on the whole entry."""
    if isinstance(node, list):
        return [_tagged_unions(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _tagged_unions(value) for key, value in node.items()}
    if "discriminator" in node and "oneOf" in node:
        tag, mapping = node["discriminator"]["propertyName"], node["discriminator"]["mapping"]
        node.pop("oneOf")
        node.update(type="object", required=[tag], properties={tag: {"enum": list(mapping)}},
                    allOf=[{"if": {"properties": {tag: {"const": value}}, "required": [tag]}, "then": {"$ref": ref}}
                           for value, ref in mapping.items()])
    return node


def schema_text() -> str:
    """The schema as committed: stable key order, two-space indent, a final newline."""
    return json.dumps(environment_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
