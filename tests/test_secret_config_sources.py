"""Where CI gets the secret config from: ESC templates that open cloud secret stores, and stack files a
self-managed backend accepts (no `environment:` import, no literal secret values)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from components.spec import parse_environment

from .conftest import ROOT, SHIPPED, load_spec_data

ESC = ROOT / "stacks" / "esc"
TEMPLATES = sorted(ESC.glob("*.yaml"))
OPENERS = {"fn::open::aws-secrets", "fn::open::azure-secrets"}


def needed_keys(env: str) -> set[str]:
    return set(parse_environment(load_spec_data(env), f"environments/{env}.yaml").secret_config_keys())


def openers(values: dict) -> dict[str, str]:
    """Top-level value path -> the secrets provider that opens it (e.g. 'aws.secrets' -> aws-secrets)."""
    found = {}
    for group, entries in values.items():
        for name, body in (entries or {}).items() if isinstance(entries, dict) else []:
            if isinstance(body, dict):
                found.update({f"{group}.{name}": key for key in body if key in OPENERS})
    return found


@pytest.mark.parametrize("env", SHIPPED)
def test_each_environment_has_an_esc_template_supplying_exactly_its_secret_keys(env):
    assert (ESC / f"{env}.yaml").exists(), (f"stacks/esc/{env}.yaml is missing: copy another environment's "
                                            "template and name this one's secret paths (`hybrid env new` does)")
    for path in [p for p in TEMPLATES if p.stem == env or p.stem.startswith(f"{env}-")]:
        config = yaml.safe_load(path.read_text())["values"]["pulumiConfig"]
        assert set(config) == needed_keys(env), path.name


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_esc_templates_open_a_cloud_secret_store_and_hold_no_value_or_ciphertext(path: Path):
    text = path.read_text()
    values = yaml.safe_load(text)["values"]
    sources = openers(values)
    assert sources, f"{path.name}: no fn::open::aws-secrets or azure-secrets"
    for key, value in values["pulumiConfig"].items():
        match = re.fullmatch(r"\$\{([\w-]+\.[\w-]+)\.([\w-]+)\}", str(value))
        assert match and match.group(1) in sources, f"{path.name}: {key} is not opened from a secret store"
        opener = values[match.group(1).split(".")[0]][match.group(1).split(".")[1]][sources[match.group(1)]]
        assert match.group(2) in opener["get"], f"{path.name}: {key} reads a secret the opener does not get"
    assert "fn::secret" not in text and "ciphertext" not in text.split("#")[0]


@pytest.mark.parametrize("env", SHIPPED)
def test_committed_stack_files_import_no_environment_and_carry_no_secret_value(env):
    stack = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{env}.yaml").read_text())
    assert "environment" not in stack, "a self-managed backend refuses a stack file that imports environments"
    config = stack.get("config") or {}
    declared = {k for k, v in yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"].items()
                if isinstance(v, dict) and v.get("secret")}
    assert not declared & {k.split(":", 1)[-1] for k in config}, "secret keys are set in CI, never committed"
