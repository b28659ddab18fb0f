"""The one end-to-end `hybrid diff --base`: a throwaway git repository holding a copy of the project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.test_cli_conventions import camel_keys

# git worktrees, fresh planner processes and a killed child: seconds each.
pytestmark = pytest.mark.slow

COPIED = ("Pulumi.yaml", "__main__.py", "components", "scripts", "policies", "environments", "stacks", "apis",
          "schemas")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    target.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, target / name)
    git(target, "init", "--quiet")
    git(target, "add", "-A")
    git(target, "commit", "--quiet", "-m", "base")
    return target


def hybrid(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scripts.cli_main", *args], cwd=repo, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo), "HOME": str(repo)})


def hybrid_here(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The same command in this test process: the warm plan pool forks its children from here, where the provider
    SDKs are usually imported already. `hybrid()` runs the entry point itself (below, and the interrupt test)."""
    from typer.testing import CliRunner

    from scripts.cli import app

    result = CliRunner().invoke(app, [*args, "--root", str(repo)])
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def test_diff_against_head_then_a_change_then_a_missing_ref(repo):
    # The base's requirements differ from the working tree's: its side is planned in a fresh process.
    (repo / "requirements.txt").write_text((ROOT / "requirements.txt").read_text())
    git(repo, "add", "requirements.txt")
    git(repo, "commit", "--quiet", "-m", "requirements")
    (repo / "requirements.txt").write_text((ROOT / "requirements.txt").read_text() + "# a new pin would go here\n")
    unchanged = hybrid_here(repo, "diff", "dev", "--base", "HEAD")
    assert unchanged.returncode == 0, unchanged.stderr
    assert "No changes." in unchanged.stdout and "| dev | 0 | 0 | 0 | 0 |" in unchanged.stdout
    assert "requirements.txt differ at HEAD" in unchanged.stderr and "(fresh process)" in unchanged.stderr
    assert git(repo, "worktree", "list").count("\n") == 1, "the temporary worktree is removed"
    git(repo, "checkout", "--quiet", "requirements.txt")

    # From here on both sides come from the warm pool (forked children).

    spec = yaml.safe_load((repo / "environments" / "dev.yaml").read_text())
    queue = spec["messaging"]["brokers"][0]["queues"][0]
    queue["visibility_timeout_seconds"] = queue.get("visibility_timeout_seconds", 30) + 7
    # The AppConfig content holding the flags is secret-marked by the provider: its change must still show.
    spec["observability"]["integrations"][0]["flags"] = {"kill_switch": True, "circuit_breaker_open": False}
    (repo / "environments" / "dev.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    changed = hybrid_here(repo, "diff", "dev", "--base", "HEAD", "--json", "--out", str(repo.parent / "diff.md"))
    assert changed.returncode in (0, 1), changed.stderr
    assert "fresh process" not in changed.stderr
    assert camel_keys(json.loads(changed.stdout)) == [] and json.loads(changed.stdout)["version"] == 1
    report = json.loads(changed.stdout)["environments"][0]
    updated = [c for c in report["changes"] if c["kind"] == "update"]
    assert updated and all(p["path"] == "visibilityTimeoutSeconds" for c in updated for p in c["properties"])
    secret = [(c["type"], p["path"]) for c in report["changes"] for p in c["properties"] if p["secret"]]
    assert secret == [("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "content")]
    comment = (repo.parent / "diff.md").read_text()
    assert "changed (secret)" in comment and "kill_switch" not in comment + changed.stdout
    assert comment.count("<!-- hybrid-diff -->") == 1 and report["notComparable"] == []
    assert git(repo, "status", "--porcelain", "--untracked-files=no").strip() == "M environments/dev.yaml", "the working copy is untouched"

    missing = hybrid(repo, "diff", "dev", "--base", "no-such-branch")
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_an_interrupted_diff_leaves_no_worktree_folder_or_child_behind(repo, tmp_path):
    import signal
    import time

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo), "HOME": str(repo), "TMPDIR": str(temporary)}
    diff = subprocess.Popen([sys.executable, "-m", "scripts.cli_main", "diff", "dev", "--base", "HEAD"], cwd=repo,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    children = ""
    while not children and time.monotonic() < deadline:  # until the child plans run (forked from the diff)
        time.sleep(0.05)
        children = subprocess.run(["pgrep", "-P", str(diff.pid), "-f", "scripts.cli_main"], capture_output=True,
                                  text=True).stdout
    assert children and diff.poll() is None, diff.communicate()
    diff.send_signal(signal.SIGTERM)
    _, stderr = diff.communicate(timeout=60)
    assert diff.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr and "cleaned up" in stderr
    assert git(repo, "worktree", "list").count("\n") == 1
    assert list(temporary.iterdir()) == []
    for pid in children.split():
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "State:\tZ" in status.read_text(), (pid, status.read_text(), Path(f"/proc/{pid}/cmdline").read_text())


def test_the_next_run_sweeps_what_a_killed_run_left(repo, tmp_path, monkeypatch):
    from scripts.diff.interrupt import sweep

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    dead = subprocess.Popen(["true"])
    dead.wait()  # a process id that no longer runs
    left = tmp_path / f"hybrid-diff-base-{dead.pid}-x" / "base"
    git(repo, "worktree", "add", "--detach", "--quiet", str(left), "HEAD")
    plans = tmp_path / f"hybrid-diff-plans-{dead.pid}-y"
    plans.mkdir()
    mine = tmp_path / f"hybrid-diff-plans-{os.getpid()}-z"
    mine.mkdir()
    removed = sweep(repo)
    assert left in removed and plans in removed
    assert git(repo, "worktree", "list").count("\n") == 1
    assert not left.parent.exists() or not left.exists()
    assert not plans.exists() and mine.exists()  # a live run's folder is left alone
