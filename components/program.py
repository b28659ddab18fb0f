"""The Pulumi program body: read this stack's config once, load its spec, build the platform."""

from __future__ import annotations

from pathlib import Path

import pulumi

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
    secret_keys = sorted({c.kubeconfig.secret for c in spec.clusters})
    secrets = {key: config.require_secret(key) for key in secret_keys}
    for name, value in build_platform(spec, secrets).items():
        pulumi.export(name, value)
