"""Planning an environment as it was at a git ref, with that ref's own code, without touching the working copy.

The ref is checked out into a temporary `git worktree` (removed afterwards, also on errors) and planned
there by the ref's own `hybrid plan`, with the ref's own code (in a child of the warm plan pool, or a fresh
interpreter when the ref's requirements differ), so a change to the planner or the components is judged by
what each side would really build.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .interrupt import BASE_PREFIX, owned_prefix


class BaseError(Exception):
    """The base ref cannot be resolved or planned; the message says why."""


@dataclass(frozen=True)
class BasePlan:
    env: str
    export: dict[str, Any] | None
    """None when the environment does not exist at the base (the change adds it)."""
    verdicts: list[dict[str, Any]]
    contracts: list[dict[str, Any]] = field(default_factory=list)
    """Cloud contract findings (empty for a base that predates them)."""
    secret_digests: dict[str, dict[str, str]] | None = None
    """Keyed digests of the secret inputs; None when the base's planner cannot compute them."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def resolve(root: Path, ref: str) -> str:
    """The commit `ref` names; BaseError with a clear message when there is none."""
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise BaseError(f"{root.resolve()} is not inside a git repository, so there is no base to compare with")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise BaseError(f"git ref {ref!r} does not exist (try a branch, tag or commit such as origin/main; "
                        f"in CI fetch it first, e.g. `git fetch origin main`)")
    return found.stdout.strip()


def prefix_in_repo(root: Path) -> str:
    """Where the project sits inside its repository ('' at the top), so the worktree finds it too."""
    return _git(root, "rev-parse", "--show-prefix").stdout.strip()


@contextmanager
def worktree(root: Path, commit: str) -> Iterator[Path]:
    """A detached checkout of `commit` in a temporary folder, gone when the block ends."""
    holder = Path(tempfile.mkdtemp(prefix=owned_prefix(BASE_PREFIX)))
    path = holder / "base"
    added = _git(root, "worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        if added.returncode != 0:
            raise BaseError(f"cannot check out {commit[:12]} into a temporary worktree: {added.stderr.strip()}")
        yield path
    finally:
        if path.exists():
            _git(root, "worktree", "remove", "--force", str(path))
        _git(root, "worktree", "prune")
        shutil.rmtree(holder, ignore_errors=True)


def environments_at(project: Path) -> list[str]:
    return sorted(p.stem for p in (project / "environments").glob("*.yaml"))


def digests_supported(project: Path) -> bool:
    """Whether the checkout's `hybrid plan` can report keyed digests of secret inputs (added after the
    first releases; an older base is planned without them and its secrets cannot be compared)."""
    command = project / "scripts" / "commands" / "plan.py"
    return command.exists() and "--secret-digests" in command.read_text(encoding="utf-8")


REQUIREMENT_FILES = ("requirements.txt", "pyproject.toml", "constraints.txt")
"""What decides which libraries a checkout's code expects; the base shares this process's only when these match."""


def requirements_differ(root: Path, project: Path) -> list[str]:
    """The requirement files that differ between the working tree and the base checkout (empty: same libraries)."""
    def read(path: Path) -> bytes | None:
        return path.read_bytes() if path.is_file() else None

    return [name for name in REQUIREMENT_FILES if read(root / name) != read(project / name)]


def base_jobs(root: Path, project: Path, envs: list[str], out_dir: Path, digest_key: bytes | None = None
              ) -> tuple[list[Any], bool, list[str]]:
    """(one plan job per env that exists at the base, whether they report digests, the differing requirement files).

    Each job runs the checkout's own `hybrid plan` with the checkout's own code: in a child forked from the
    warm pool (sharing only the libraries), or in a fresh interpreter when the base's requirements differ.
    `digest_key` reaches each child on its stdin (memory only: no file, no argument, no environment variable)
    and the children return their digests on stdout; the plan files they write never hold them."""
    from ..planner.pool import Job

    if not (project / "scripts" / "cli_main.py").exists():
        raise BaseError("the base ref predates `hybrid plan` (no scripts/cli_main.py): pick a newer base")
    with_digests = digest_key is not None and digests_supported(project)
    extra = ["--secret-digests"] if with_digests else []
    differ = requirements_differ(root, project)
    key = (digest_key.hex() + "\n").encode() if with_digests and digest_key else b""
    jobs = [Job(f"base:{env}", argv=("plan", env, "--root", ".", "--out", str(out_dir / f"{env}.json"), "--json",
                                     *extra), project=project, stdin=key, fresh=bool(differ))
            for env in envs if (project / "environments" / f"{env}.yaml").exists()]
    return jobs, with_digests, differ


def collect_base(outcomes: list[Any], envs: list[str], out_dir: Path, with_digests: bool = False
                 ) -> dict[str, BasePlan]:
    """The base plans from the children's outcomes; BaseError naming each environment whose base failed."""
    plans = {env: BasePlan(env, None, []) for env in envs}
    problems = []
    for outcome in outcomes:
        env = outcome.job.name.split(":", 1)[1]
        out = out_dir / f"{env}.json"
        # exit 1 means the base already breaks a mandatory policy: still a plan to compare with
        if outcome.code not in (0, 1) or not out.exists():
            tail = "\n".join((outcome.stderr or outcome.stdout).strip().splitlines()[-8:])
            problems.append(f"{env}: planning the base failed (exit {outcome.code}):\n{tail}")
            continue
        summary = _last_json(outcome.stdout)
        plans[env] = BasePlan(env, json.loads(out.read_text(encoding="utf-8")), summary.get("verdicts") or [],
                              summary.get("contracts") or [],
                              summary.get("secretDigests", {}) if with_digests else None)
    if problems:
        raise BaseError("\n".join(problems))
    return plans


def _last_json(stdout: str) -> dict[str, Any]:
    """The summary `plan --json` prints last (anything a library printed before it is skipped)."""
    start = stdout.rfind("\n{\n") + 1 if not stdout.startswith("{") else 0
    try:
        return json.loads(stdout[start:])
    except ValueError:
        return {}
