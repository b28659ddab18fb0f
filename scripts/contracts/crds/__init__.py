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
    manifests: tuple[str, ...] = ()
    """For an operator installed from release manifests (yaml/v2 ConfigFile) rather than a chart: their URLs."""


# Keyed by the Helm chart components/cluster/addons.py installs; its version must match the pin.
RELEASES: dict[str, Release] = {
    "strimzi-kafka-operator": Release("strimzi-0.45.0", "strimzi-kafka-operator", "0.45.0",
                                      ("kafka.strimzi.io", "core.strimzi.io")),
    "keda": Release("keda-2.16.1", "keda", "2.16.1", ("keda.sh", "eventing.keda.sh")),
    "external-secrets": Release("external-secrets-0.12.1", "external-secrets", "0.12.1", ("external-secrets.io",)),
    # Installed from the upstream release manifests (components/cluster/addons.py MANIFEST_OPERATORS); the
    # vendored CRDs are those releases' own (cluster operator 2.12.1, messaging topology operator 1.16.0).
    "rabbitmq-operators": Release(
        "rabbitmq-operators-4.4.4", "rabbitmq-operators", "2.12.1+1.16.0", ("rabbitmq.com",),
        manifests=("https://github.com/rabbitmq/cluster-operator/releases/download/v2.12.1/cluster-operator.yml",
                   "https://github.com/rabbitmq/messaging-topology-operator/releases/download/v1.16.0/"
                   "messaging-topology-operator-with-certmanager.yaml")),
    "kube-prometheus-stack": Release(
        "prometheus-operator-0.79.2", "kube-prometheus-stack", "67.9.0", ("monitoring.coreos.com",)),
    "cert-manager": Release("cert-manager-1.16.2", "cert-manager", "v1.16.2", ("cert-manager.io", "acme.cert-manager.io")),
}


def build_index() -> dict[str, Any]:
    """{"group/version/Kind": {"release", "scope", "schema"}} from the vendored YAML files."""
    import yaml

    class loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # noqa: N801 (a Loader class, as PyYAML names them)
        """YAML 1.1 resolves a bare `=` to its "value" tag, which PyYAML cannot construct; Kubernetes (YAML 1.2)
        reads it as the string it is (the Prometheus operator's matcher enums list `=`, `!=`, `=~`, `!~`)."""

    loader.add_constructor("tag:yaml.org,2002:value", lambda self, node: self.construct_scalar(node))
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
                                  "file": path.name,
                                  "schema": _without_prose((version.get("schema") or {}).get("openAPIV3Schema") or {})}
    return {"kinds": dict(sorted(kinds.items()))}


def _without_prose(schema: Any) -> Any:
    """The schema without its `description` texts (three quarters of the bytes; validation never reads them).
    Inside `properties` the keys are field names, so a field that is itself called `description` stays."""
    if isinstance(schema, list):
        return [_without_prose(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kept = {}
    for key, value in schema.items():
        if key == "description" and isinstance(value, str):
            continue
        kept[key] = ({name: _without_prose(sub) for name, sub in value.items()}
                     if key in ("properties", "patternProperties") and isinstance(value, dict) else _without_prose(value))
    return kept


@lru_cache(maxsize=1)
def index() -> dict[str, Any]:
    return json.loads(INDEX.read_text(encoding="utf-8"))["kinds"]


def release_of_group(group: str) -> Release | None:
    return next((r for r in RELEASES.values() if group in r.groups), None)


def write_index() -> None:
    from scripts.files import write_atomic

    write_atomic(INDEX, json.dumps(build_index(), sort_keys=True, separators=(",", ":")) + "\n")
