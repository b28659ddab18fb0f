"""Check every changed schema against its previous version(s) from git, under the mode the specs bind it with."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .formats import SchemaUnreadable, ToolMissing, breaks, format_of
from .modes import directions, transitive

DEFAULT_MODE = "BACKWARD"


class GitError(Exception):
    """The base ref or the repository cannot be read."""


@dataclass
class Result:
    file: str
    mode: str
    compared_with: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.error is None


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def changed_schemas(root: Path, base: str) -> list[str]:
    """Schema files that differ from `base` in the working tree (committed or not), plus new untracked ones."""
    _git(root, "rev-parse", "--verify", f"{base}^{{commit}}")
    names = set(_git(root, "diff", "--name-only", base, "--", "schemas").split())
    names |= set(_git(root, "ls-files", "--others", "--exclude-standard", "--", "schemas").split())
    return sorted(n for n in names if Path(n).suffix in (".avsc", ".proto", ".json"))


def previous_versions(root: Path, base: str, path: str, all_versions: bool) -> list[tuple[str, str]]:
    """(label, text) of the file at `base`, or of every commit up to `base` that changed it (transitive modes)."""
    commits = _git(root, "log", "--format=%H", base, "--", path).split() if all_versions else [base]
    versions = []
    for commit in commits:
        try:
            versions.append((commit[:12], _git(root, "show", f"{commit}:{path}")))
        except GitError:
            continue  # the file did not exist at that commit (it is new, or was renamed)
    return versions


def check_file(root: Path, base: str, path: str, modes: list[str]) -> list[Result]:
    results = []
    target = root / path
    for mode in modes or [DEFAULT_MODE]:
        result = Result(file=path, mode=mode)
        results.append(result)
        try:
            format_of(path)
            if not target.exists():
                result.problems.append("the schema was deleted while the spec still binds it"
                                       if modes else "the schema was deleted; producers and consumers lose their contract")
                continue
            new = target.read_text(encoding="utf-8")
            for label, old in previous_versions(root, base, path, transitive(mode)):
                result.compared_with.append(label)
                for direction in directions(mode):
                    result.problems.extend(f"against {label}: {p}" for p in breaks(old, new, direction, path, root))
            if not result.compared_with:
                # a new schema has nothing to be compatible with, but it must still parse
                for direction in directions("FULL")[:1]:
                    breaks(new, new, direction, path, root)
        except (SchemaUnreadable, ToolMissing, ValueError) as error:
            result.error = str(error)
    return results
