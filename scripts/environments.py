"""Loading an environment the way every verb needs it: spec, project, stack and policy-rule references."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from components.spec import EnvironmentSpec, SpecError, SpecIssue, load_environment

from .openapi import api_issues
from .policy_config import unknown_rule_issues
from .project import Project, engine_config, load_project, read_stack_config, stack_of_environment, stack_warnings


@dataclass(frozen=True)
class Environment:
    project: Project
    stack: str
    spec: EnvironmentSpec
    warnings: list[SpecIssue] = field(default_factory=list)
    """Probable mistakes that do not stop anything (an unknown stack-file key, with a did-you-mean)."""


def known_environments(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "environments").glob("*.yaml"))


def load(root: Path, env: str) -> Environment:
    """Load and validate everything about `env`; raises SpecError listing every issue found."""
    project = load_project(root)
    path = project.environment_file(env)
    if not path.is_file():
        raise SpecError([SpecIssue(str(path), "(file)", f"no such environment; expected one of: "
                                   f"{', '.join(known_environments(root)) or 'none'}")])
    spec = load_environment(path, project.secret_keys)
    issues = unknown_rule_issues(spec, str(path)) + api_issues(root, spec, str(path))
    stack = stack_of_environment(project, env)
    read_stack_config(project, stack)
    engine_config(project, stack)
    if issues:
        raise SpecError(issues)
    return Environment(project=project, stack=stack, spec=spec, warnings=stack_warnings(project, stack))
