"""The Pulumi program body: read this stack's config once, load its spec, build the platform."""

from __future__ import annotations

import re
from pathlib import Path

import pulumi

from .messaging.operators import schema_files
from .gateway.sources import read_api_documents, read_authorizer_code
from .gateway.wiring import GatewaySources
from .platform import build_platform
from .spec import SpecError, load_environment
from .spec.base import NAME_RE
from .spec.documents import read_text

def run(root: Path) -> None:
    """`root` is the project directory (where Pulumi.yaml and environments/ live)."""
    config = pulumi.Config()
    env = config.require("environment")
    if not re.match(NAME_RE, env):
        raise pulumi.RunError(f"config hybrid:environment {env!r} is not an environment name; expected lower-case "
                              "letters, digits and dashes (as environments/<name>.yaml)")
    try:
        spec = load_environment(root / "environments" / f"{env}.yaml")
    except SpecError as error:
        # RunError prints the message without a Python traceback: the issues already name file and field.
        raise pulumi.RunError(f"invalid environment spec:\n{error}") from None
    secrets = {key: config.require_secret(key) for key in spec.secret_config_keys()}
    # Event schemas are repository files; the spec loader already checked that each one exists.
    schema_texts = {f: read_text(root / f) for f in schema_files(spec)}
    gateway_sources = GatewaySources(read_api_documents(root, spec), read_authorizer_code(root))
    for name, value in build_platform(spec, secrets, schema_texts, gateway_sources).items():
        pulumi.export(name, value)
