"""The committed catalog/ (which diff comments link to) is what `hybrid catalog --all` generates today."""

from __future__ import annotations

from typer.testing import CliRunner

from scripts import environments
from scripts.catalog.write import stale
from scripts.cli import app

from .conftest import ROOT


def test_committed_catalog_is_current():
    outdated = [path.relative_to(ROOT).as_posix() for env in environments.known_environments(ROOT)
                for path in stale(environments.load(ROOT, env).spec, ROOT, ROOT / "catalog" / env)]
    assert not outdated, f"stale or missing: {', '.join(outdated)}; run `hybrid catalog --all`"


def test_check_flag_reports_a_stale_file(tmp_path):
    runner = CliRunner()
    written = runner.invoke(app, ["catalog", "dev", "--out", str(tmp_path)], catch_exceptions=False)
    assert written.exit_code == 0, written.output
    assert runner.invoke(app, ["catalog", "dev", "--out", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / "dev" / "topology.md").write_text("edited by hand\n")
    result = runner.invoke(app, ["catalog", "dev", "--out", str(tmp_path), "--check"])
    assert result.exit_code == 1 and "topology.md" in result.output
