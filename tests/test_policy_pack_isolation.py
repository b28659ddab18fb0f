"""The policy pack starts the way the real CLI starts it: from its own folder, with only its requirements.

The CLI runs a local Python pack with the interpreter of the virtualenv PulumiPolicy.yaml names, which
`pulumi install` (or `make setup`) fills from policies/requirements.txt alone. So the pack may import
nothing but the standard library, its own folder and the distributions those requirements pull in. The
test copies the folder to a temporary path, starts it with an interpreter that has no site-packages and a
path of exactly those distributions, reads the port the pack prints, and asks it for GetAnalyzerInfo
over gRPC, as the engine does first.
"""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from .conftest import ROOT

POLICIES = ROOT / "policies"


def requirement_closure(roots: list[str]) -> list[metadata.Distribution]:
    """The installed distributions `roots` need, transitively (markers evaluated, extras not followed)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = list(roots)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        dist = metadata.distribution(name)
        seen[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return list(seen.values())


def isolated_path(tmp: Path, roots: list[str]) -> Path:
    """A folder holding links to the top-level modules of exactly the closure of `roots`."""
    target = tmp / "site"
    target.mkdir()
    for dist in requirement_closure(roots):
        for file in dist.files or []:
            top = file.parts[0]
            if top == ".." or top.endswith((".dist-info", ".egg-info", ".pth")) or top == "__pycache__":
                continue
            link, source = target / top, Path(dist.locate_file(top))
            if not link.exists() and source.exists():
                link.symlink_to(source, target_is_directory=source.is_dir())
    return target


def pack_requirements() -> list[str]:
    lines = (POLICIES / "requirements.txt").read_text().splitlines()
    return [Requirement(line).name for line in lines if line.strip() and not line.startswith("#")]


def test_the_pack_requirements_are_pulumi_and_pulumi_policy_only():
    assert sorted(pack_requirements()) == ["pulumi", "pulumi-policy"]


def test_pulumipolicy_yaml_names_the_virtualenv_that_setup_creates_and_git_ignores():
    runtime = yaml.safe_load((POLICIES / "PulumiPolicy.yaml").read_text())["runtime"]
    venv = runtime["options"]["virtualenv"]
    assert runtime["name"] == "python" and venv == "venv"
    makefile = (ROOT / "Makefile").read_text()
    assert "policies/venv" in makefile and "-r policies/requirements.txt" in makefile
    # Ignored as a folder and as a link to a shared copy alike (git treats a symlink as a file).
    assert "policies/venv" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_pack_starts_alone_and_answers_get_analyzer_info(tmp_path):
    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import analyzer_pb2_grpc

    pack = tmp_path / "pack"
    shutil.copytree(POLICIES, pack, ignore=shutil.ignore_patterns("venv", "config", "__pycache__"))
    site = isolated_path(tmp_path, pack_requirements())
    # -u: unbuffered, as the CLI's analyzer host runs it (the pack prints its port without flushing).
    # -S: no site-packages (so neither this project nor its other dependencies); -s/-E: no user site, no
    # PYTHON* variables. The bootstrap puts the requirements' modules on the path and runs the folder as
    # the CLI's Python analyzer host does (the folder first on sys.path, its __main__.py as __main__).
    bootstrap = (f"import runpy, sys; sys.path.insert(0, {str(site)!r}); "
                 f"runpy.run_path({str(pack)!r}, run_name='__main__')")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-u", "-S", "-s", "-E", "-c", bootstrap], cwd=pack, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline().decode().strip() if ready else ""
        if not line.isdigit():
            process.kill()
            raise AssertionError(f"the pack printed {line!r} instead of its port:\n{process.stderr.read().decode()}")
        with grpc.insecure_channel(f"127.0.0.1:{line}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    finally:
        process.kill()
        process.wait(timeout=30)
    from policies.rules import ALL_RULES

    assert info.name == "hybrid-integration" and info.supportsConfig
    assert sorted(p.name for p in info.policies) == sorted(rule.id for rule in ALL_RULES)
