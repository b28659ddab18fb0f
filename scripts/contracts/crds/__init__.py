"""The operators' published CustomResourceDefinitions, vendored as data at the versions the stack pins.

Each folder holds one operator release's CRD files, unchanged, with its licence (README.md names the
source URL of every file). `index.json` is derived from them (one entry per served group/version/kind:
the release, scope and openAPIV3Schema) so a check loads one small JSON file instead of parsing megabytes
of YAML; `python -m scripts.contracts.crds` regenerates it and a test keeps it in step with the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
INDEX = HERE / "index.json"


@dataclass(frozen=True)
class Release:
    folder: str
    chart: str
    chart_version: str
    groups: tuple[str, ...]
    """API groups this release serves in full (a kind of these groups not listed is not served)."""
    omitted: tuple[str, ...] = ()
    """Kinds the release serves whose CRD files are not vendored (too large to carry); never judged."""


# Keyed by the Helm chart components/cluster/addons.py installs; its version must match the pin.
RELEASES: dict[str, Release] = {
    "strimzi-kafka-operator": Release("strimzi-0.45.0", "strimzi-kafka-operator", "0.45.0",
                                      ("kafka.strimzi.io", "core.strimzi.io")),
    "keda": Release("keda-2.16.1", "keda", "2.16.1", ("keda.sh", "eventing.keda.sh")),
    "external-secrets": Release("external-secrets-0.12.1", "external-secrets", "0.12.1", ("external-secrets.io",)),
    "rabbitmq-cluster-operator": Release("rabbitmq-operators-4.4.4", "rabbitmq-cluster-operator", "4.4.4", ("rabbitmq.com",)),
    "kube-prometheus-stack": Release(
        "prometheus-operator-0.79.2", "kube-prometheus-stack", "67.9.0", ("monitoring.coreos.com",),
        omitted=("Alertmanager", "AlertmanagerConfig", "Prometheus", "PrometheusAgent", "ScrapeConfig", "ThanosRuler")),
}


def build_index() -> dict[str, Any]:
    """{"group/version/Kind": {"release", "scope", "schema"}} from the vendored YAML files."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    kinds: dict[str, Any] = {}
    for release in RELEASES.values():
        for path in sorted((HERE / release.folder).glob("*.yaml")):
            for crd in yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader):
                if not crd or crd.get("kind") != "CustomResourceDefinition":
                    continue
                spec = crd["spec"]
                for version in spec["versions"]:
                    if not version.get("served", True):
                        continue
                    key = f"{spec['group']}/{version['name']}/{spec['names']['kind']}"
                    kinds[key] = {"release": release.folder, "scope": spec.get("scope", "Namespaced"),
                                  "file": path.name, "schema": (version.get("schema") or {}).get("openAPIV3Schema") or {}}
    return {"kinds": dict(sorted(kinds.items()))}


@lru_cache(maxsize=1)
def index() -> dict[str, Any]:
    return json.loads(INDEX.read_text(encoding="utf-8"))["kinds"]


def release_of_group(group: str) -> Release | None:
    return next((r for r in RELEASES.values() if group in r.groups), None)


def write_index() -> None:
    from scripts.files import write_atomic

    write_atomic(INDEX, json.dumps(build_index(), sort_keys=True, separators=(",", ":")) + "\n")
