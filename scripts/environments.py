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
    """Every environments/<env>.yaml: the one list of environments (the Makefile globs the same files)."""
    return sorted(p.stem for p in (root / "environments").glob("*.yaml"))


def _after_issues(root: Path, spec: EnvironmentSpec, file: str) -> list[SpecIssue]:
    after = spec.deployment.after
    if after is None:
        return []
    if after == spec.name:
        return [SpecIssue(file, "deployment.after", f"{spec.name} cannot deploy after itself; expected another "
                                                    "environment's name, or no `after:` to deploy first")]
    known = known_environments(root)
    if after not in known:
        return [SpecIssue(file, "deployment.after", f"no environment named {after!r}; expected one of: "
                                                    f"{', '.join(e for e in known if e != spec.name) or 'none'}")]
    return []


def deploy_order(specs: dict[str, EnvironmentSpec], files: dict[str, str] | None = None) -> list[str]:
    """Every environment, each after the one its `deployment.after` names (ties by name); SpecError on a
    name that is not among `specs` or on a cycle, naming the file and the chain."""
    files = files or {}
    issues = []
    for name, spec in sorted(specs.items()):
        after = spec.deployment.after
        if after is not None and after not in specs:
            issues.append(SpecIssue(files.get(name, f"environments/{name}.yaml"), "deployment.after",
                                    f"no environment named {after!r}; expected one of: "
                                    f"{', '.join(e for e in sorted(specs) if e != name) or 'none'}"))
    if issues:
        raise SpecError(issues)
    order: list[str] = []
    placed: set[str] = set()
    waiting = dict(sorted(specs.items()))
    while waiting:
        ready = [name for name, spec in waiting.items() if spec.deployment.after in placed | {None}]
        if not ready:
            start = min(waiting)
            chain = [start]
            while (nxt := waiting[chain[-1]].deployment.after) not in chain:
                chain.append(nxt)
            cycle = chain[chain.index(nxt):] + [nxt]
            raise SpecError([SpecIssue(files.get(name, f"environments/{name}.yaml"), "deployment.after",
                                       f"deployment order has a cycle: {' after '.join(cycle)}; expected a chain "
                                       "that starts at an environment without `after:`")
                             for name in sorted(set(cycle))])
        for name in ready:
            order.append(name)
            placed.add(name)
            del waiting[name]
    return order


def load(root: Path, env: str) -> Environment:
    """Load and validate everything about `env`; raises SpecError listing every issue found."""
    project = load_project(root)
    path = project.environment_file(env)
    if not path.is_file():
        raise SpecError([SpecIssue(str(path), "(file)", f"no such environment; expected one of: "
                                   f"{', '.join(known_environments(root)) or 'none'}")])
    spec = load_environment(path, project.secret_keys)
    issues = unknown_rule_issues(spec, str(path)) + api_issues(root, spec, str(path)) + _after_issues(root, spec, str(path))
    stack = stack_of_environment(project, env)
    read_stack_config(project, stack)
    engine_config(project, stack)
    if issues:
        raise SpecError(issues)
    return Environment(project=project, stack=stack, spec=spec, warnings=stack_warnings(project, stack))
