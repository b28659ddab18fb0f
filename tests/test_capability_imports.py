"""Capabilities use each other only through public surfaces: a package's own `__init__`, or a module listed
below as deliberately public (and why). A new reach into another capability's internals fails here."""

from __future__ import annotations

import ast
from pathlib import Path

COMPONENTS = Path(__file__).resolve().parent.parent / "components"
CAPABILITIES = {p.name for p in COMPONENTS.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"spec"}

# (capability, module of another capability it imports): each is that module's public role.
DELIBERATE = {
    # The cluster add-ons' chart facts (Prometheus release label and namespace, the RabbitMQ image, scrape
    # endpoints): what runs in a cluster is the add-ons component's public description.
    ("compute", "cluster.addons"), ("messaging", "cluster.addons"), ("observability", "cluster.addons"),
    ("cdc", "cluster.addons"),
    # One helper makes a cluster service account's IAM role (KEDA's and Alertmanager's).
    ("observability", "cluster.service_role"),
    # KEDA's operator identity: its subject and its policy over the nodes' scaler roles are the node's contract.
    ("cluster", "compute.identity"),
    # Wiring modules assemble the platform in order: each reads what an earlier step built.
    ("observability", "audit.component"), ("observability", "compute.wiring"), ("observability", "secrets.component"),
    ("routing", "gateway.wiring"), ("connectivity", "network.azure_network"),
    # Kept so existing imports of the protected log group keep working (components/log_group.py defines it).
    ("sagas", "observability.log_group"),
}


def reaches() -> set[tuple[str, str]]:
    found = set()
    for package in sorted(CAPABILITIES):
        for path in (COMPONENTS / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                    other, _, module = node.module.partition(".")
                    if other not in CAPABILITIES or other == package:
                        continue
                    if module:
                        found.add((package, node.module))
                    # `from ..compute import identity` names a module too, not only the package's surface
                    found |= {(package, f"{other}.{a.name}") for a in node.names
                              if (COMPONENTS / other / f"{a.name}.py").exists()}
    return found


def test_capabilities_reach_only_public_surfaces_of_each_other():
    assert reaches() - DELIBERATE == set(), "import the package (its __init__) or list the module here, saying why"


def test_the_deliberate_list_has_no_stale_entries():
    """Entries of capabilities not in this tree yet (landing in parallel) are skipped."""
    assert {entry for entry in DELIBERATE if entry[0] in CAPABILITIES} <= reaches()
