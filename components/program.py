"""The Pulumi program body: read this stack's config once, load its spec, build the platform."""

from __future__ import annotations

from pathlib import Path

import pulumi

from .messaging.operators import schema_files
from .gateway.sources import read_api_documents, read_authorizer_code
from .gateway.wiring import GatewaySources
from .platform import build_platform
from .spec import SpecError, load_environment

def run(root: Path) -> None:
    """`root` is the project directory (where Pulumi.yaml and environments/ live)."""
    config = pulumi.Config()
    try:
        spec = load_environment(root / "environments" / f"{config.require('environment')}.yaml")
    except SpecError as error:
        # RunError prints the message without a Python traceback: the issues already name file and field.
        raise pulumi.RunError(f"invalid environment spec:\n{error}") from None
    secret_keys = sorted({c.kubeconfig.secret for c in spec.clusters} | spec.observability.secret_keys()
                         | spec.messaging.secret_keys() | spec.connectivity.secret_keys())
    secrets = {key: config.require_secret(key) for key in secret_keys}
    # Event schemas are repository files; the spec loader already checked that each one exists.
    schema_texts = {f: (root / f).read_text(encoding="utf-8") for f in schema_files(spec)}
    gateway_sources = GatewaySources(read_api_documents(root, spec), read_authorizer_code(root))
    for name, value in build_platform(spec, secrets, schema_texts, gateway_sources).items():
        pulumi.export(name, value)
