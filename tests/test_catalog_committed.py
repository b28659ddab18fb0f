"""The committed catalog/ (which diff comments link to) is what `hybrid catalog --all` generates today."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from scripts import environments
from scripts.catalog.write import stale
from scripts.cli import app

from .conftest import ROOT


def outdated(root: Path) -> list[str]:
    """What is stale or missing under root/catalog, each with the command that writes it."""
    return [f"{path.relative_to(root).as_posix()} (run `hybrid catalog {env}`)"
            for env in environments.known_environments(root)
            for path in stale(environments.load(root, env).spec, root, root / "catalog" / env)]


def test_committed_catalog_is_current():
    found = outdated(ROOT)
    assert not found, (f"stale or missing: {'; '.join(found)}. A new environment gets its catalog from "
                       "`hybrid env new`; `hybrid catalog --all` rewrites every one (then commit catalog/)")


def test_check_flag_reports_a_stale_file(tmp_path):
    runner = CliRunner()
    written = runner.invoke(app, ["catalog", "dev", "--out", str(tmp_path)], catch_exceptions=False)
    assert written.exit_code == 0, written.output
    assert runner.invoke(app, ["catalog", "dev", "--out", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / "dev" / "topology.md").write_text("edited by hand\n")
    result = runner.invoke(app, ["catalog", "dev", "--out", str(tmp_path), "--check"])
    assert result.exit_code == 1 and "topology.md" in result.output
