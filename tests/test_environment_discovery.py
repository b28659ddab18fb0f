"""Environments are discovered from environments/*.yaml, never listed by hand (the Makefile's `make plan`)."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import ROOT


def test_make_plan_covers_every_environment_file(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "environments").mkdir()
    for name in ("dev", "qa", "staging"):
        (tmp_path / "environments" / f"{name}.yaml").write_text("name: x\n")
    (tmp_path / "environments" / "environment.schema.json").write_text("{}")
    listed = subprocess.run(["make", "-s", "envs"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert listed.stdout.split() == ["dev", "qa", "staging"]
    shipped = subprocess.run(["make", "-s", "envs"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shipped.stdout.split() == sorted(p.stem for p in (ROOT / "environments").glob("*.yaml"))
