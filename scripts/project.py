"""Reading the Pulumi project and stack files: where stacks live, which config keys are secret.

Only this module (and the program entry point) reads Pulumi configuration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from components.spec import SpecError, SpecIssue

CONFIG_NAMESPACE_SEP = ":"


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    stack_config_dir: Path
    declared: dict[str, dict[str, Any]]

    @property
    def secret_keys(self) -> set[str]:
        return {k for k, v in self.declared.items() if isinstance(v, dict) and v.get("secret")}

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in self.stack_config_dir.glob("Pulumi.*.yaml"))

    def environment_file(self, env: str) -> Path:
        return self.root / "environments" / f"{env}.yaml"


def load_project(root: Path) -> Project:
    path = root / "Pulumi.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError([SpecIssue(str(path), "(file)", "Pulumi.yaml not found: run from the project root")]) from None
    return Project(root=root, name=data["name"], stack_config_dir=root / data.get("stackConfigDir", "."),
                   declared=data.get("config") or {})


def read_stack_config(project: Project, stack: str) -> dict[str, Any]:
    """The stack's `config:` mapping with namespaced keys, as written in the file (secure values untouched)."""
    path = project.stack_file(stack)
    if not path.exists():
        raise SpecError([SpecIssue(str(path), "(file)", f"no stack config for stack {stack!r}; "
                                   f"expected one of: {', '.join(project.stacks())}")])
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise SpecError([SpecIssue(str(path), "config", "expected a mapping of config keys")])
    return config


def environment_of_stack(project: Project, stack: str) -> str:
    config = read_stack_config(project, stack)
    env = config.get(f"{project.name}:environment")
    if not isinstance(env, str):
        raise SpecError([SpecIssue(str(project.stack_file(stack)), f"config.{project.name}:environment",
                                   "expected the name of an environments/<name>.yaml file")])
    return env


def stack_of_environment(project: Project, env: str) -> str:
    """The stack that deploys an environment (by convention the same name; otherwise found through stacks/)."""
    for stack in project.stacks():
        if read_stack_config(project, stack).get(f"{project.name}:environment") == env:
            return stack
    raise SpecError([SpecIssue(str(project.stack_config_dir), "(stacks)", f"no stack deploys environment {env!r}; "
                               f"add stacks/Pulumi.{env}.yaml with {project.name}:environment: {env}")])


def engine_config(project: Project, stack: str, secret_values: dict[str, str] | None = None
                  ) -> tuple[dict[str, str], list[str]]:
    """Config as the engine hands it to the program: namespaced keys, string values, plus the secret key list.

    Secure values are never decrypted: each declared secret key gets a placeholder (or a value a test
    injects through `secret_values`), always marked secret.
    """
    config: dict[str, str] = {}
    for key, value in read_stack_config(project, stack).items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            continue
        config[key] = value if isinstance(value, str) else json.dumps(value)
    secret_keys = []
    for key in sorted(project.secret_keys):
        full = f"{project.name}:{key}"
        config[full] = (secret_values or {}).get(key, f"placeholder-for-secret-{key}")
        secret_keys.append(full)
    return config, secret_keys
