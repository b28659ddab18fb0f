"""Reading the Pulumi project and stack files: where stacks live, which config keys are secret.

Only this module (and the program entry point) reads Pulumi configuration.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.spec import SpecError, SpecIssue
from components.spec.base import NAME_RE
from components.spec.documents import DocumentError, read_yaml

CONFIG_NAMESPACE_SEP = ":"
STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")
"""The top-level keys Pulumi itself reads from a stack file (Pulumi.<stack>.yaml)."""


def check_environment_name(env: str, file: str = "(command line)", field: str = "environment") -> None:
    """Environment names become file names (environments/<env>.yaml, plans/<env>.json): never a path."""
    if not isinstance(env, str) or not re.match(NAME_RE, env):
        raise SpecError([SpecIssue(file, field, "expected an environment name: 2 to 40 lower-case letters, "
                                               "digits and dashes, starting with a letter and not ending with a "
                                               "dash (as environments/<name>.yaml)")])


def contained(root: Path, relative: str | Path, file: str, field: str) -> Path:
    """`root / relative`, refused (SpecError) when it resolves outside the project."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise SpecError([SpecIssue(file, field, f"{relative} points outside the project; expected a path inside it")])
    return target


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


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
        """environments/<env>.yaml; SpecError when `env` is not an environment name (so never a path elsewhere)."""
        check_environment_name(env)
        return self.root / "environments" / f"{env}.yaml"


def load_project(root: Path) -> Project:
    path = root / "Pulumi.yaml"
    try:
        data = read_yaml(path).data
    except DocumentError as error:
        if error.message == "file not found":
            raise SpecError([SpecIssue(str(path), "(file)", "Pulumi.yaml not found: run from the project root")]) from None
        raise SpecError([SpecIssue.of(error)]) from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise SpecError([SpecIssue(str(path), "name", "expected a Pulumi project file with a `name:`")])
    declared = data.get("config") or {}
    if not isinstance(declared, dict):
        raise SpecError([SpecIssue(str(path), "config", "expected a mapping of declared config keys")])
    stack_dir = contained(root, str(data.get("stackConfigDir", ".")), str(path), "stackConfigDir")
    return Project(root=root, name=data["name"], stack_config_dir=root / stack_dir.relative_to(root.resolve()),
                   declared=declared)


def _stack_document(project: Project, stack: str) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(top-level mapping, config mapping, positions) of a stack file, or SpecError naming what is wrong."""
    path = project.stack_file(stack)
    if not path.exists():
        raise SpecError([SpecIssue(str(path), "(file)", f"no stack config for stack {stack!r}; "
                                   f"expected one of: {', '.join(project.stacks())}")])
    try:
        document = read_yaml(path)
    except DocumentError as error:
        raise SpecError([SpecIssue.of(error)]) from None
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        raise SpecError([SpecIssue(str(path), "(top level)", "expected a mapping (config:, and Pulumi's own "
                                   "environment:, secretsprovider:, encryptedkey:), got a "
                                   f"{type(data).__name__}", *(document.position(()) or (None, None)))])
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise SpecError([SpecIssue(str(path), "config", "expected a mapping of config keys",
                                   *(document.position(("config",)) or (None, None)))])
    return data, config, document


def _stack_problems(project: Project, stack: str) -> tuple[list[SpecIssue], list[SpecIssue]]:
    """(errors, warnings) in a stack file. Values of secret keys are never shown, only their keys."""
    data, config, document = _stack_document(project, stack)
    file = str(project.stack_file(stack))
    errors, warnings = [], []

    def at(*parts: Any) -> tuple[int | None, int | None]:
        return document.position(parts) or (None, None)

    for key in data:
        if key not in STACK_FILE_KEYS:
            warnings.append(SpecIssue(file, str(key), f"not a stack-file key Pulumi reads (expected one of "
                                      f"{', '.join(STACK_FILE_KEYS)}){did_you_mean(str(key), list(STACK_FILE_KEYS))}",
                                      *at(key)))
    prefix = project.name + CONFIG_NAMESPACE_SEP
    declared = sorted(project.declared)
    for key, value in config.items():
        if not isinstance(key, str) or not key:
            errors.append(SpecIssue(file, f"config.{key}", "expected a config key such as "
                                    f"{prefix}environment", *at("config", key)))
            continue
        if not key.startswith(prefix):
            continue  # another namespace (aws:region, pulumi:disable-default-providers): Pulumi's own concern
        name = key[len(prefix):]
        secure = isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str)
        if name in project.secret_keys and not secure:
            errors.append(SpecIssue(file, f"config.{key}", "a secret key must not have a literal value here (it "
                                    "is not shown); expected a `secure:` value as written by `pulumi config set "
                                    f"--secret {name}`, or no entry at all", *at("config", key)))
        elif name not in project.declared:
            warnings.append(SpecIssue(file, f"config.{key}", "not declared in Pulumi.yaml's config, so the program "
                                      f"never reads it{did_you_mean(name, declared)}", *at("config", key)))
    env = config.get(f"{prefix}environment")
    if env is not None:
        try:
            check_environment_name(env, file, f"config.{prefix}environment")
        except SpecError as error:
            errors += [SpecIssue(i.file, i.path, i.message, *at("config", f"{prefix}environment"))
                       for i in error.issues]
    return errors, warnings


def read_stack_config(project: Project, stack: str) -> dict[str, Any]:
    """The stack's `config:` mapping with namespaced keys, as written in the file (secure values untouched).

    Raises SpecError for a file Pulumi would refuse or that breaks our rules (a literal secret, a bad name)."""
    errors, _ = _stack_problems(project, stack)
    if errors:
        raise SpecError(errors)
    return _stack_document(project, stack)[1]


def stack_warnings(project: Project, stack: str) -> list[SpecIssue]:
    """What in a (valid) stack file is probably a mistake: unknown keys, with a did-you-mean."""
    return _stack_problems(project, stack)[1]


def environment_of_stack(project: Project, stack: str) -> str:
    config = read_stack_config(project, stack)
    env = config.get(f"{project.name}:environment")
    if not isinstance(env, str):
        raise SpecError([SpecIssue(str(project.stack_file(stack)), f"config.{project.name}:environment",
                                   "expected the name of an environments/<name>.yaml file")])
    return env


def stack_of_environment(project: Project, env: str) -> str:
    """The stack that deploys an environment (by convention the same name; otherwise found through stacks/).

    A broken stack file of another environment does not stop this one: it is only reported when no
    readable stack file deploys `env`."""
    conventional = [env] if env in project.stacks() else []
    broken: list[SpecIssue] = []
    for stack in conventional + [s for s in project.stacks() if s != env]:
        try:
            config = read_stack_config(project, stack)
        except SpecError as error:
            if stack == env:
                raise
            broken += error.issues
            continue
        if config.get(f"{project.name}:environment") == env:
            return stack
    raise SpecError([SpecIssue(str(project.stack_config_dir), "(stacks)", f"no stack deploys environment {env!r}; "
                               f"add stacks/Pulumi.{env}.yaml with {project.name}:environment: {env}"), *broken])


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
