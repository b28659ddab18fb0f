"""The committed catalog/ (which diff comments link to) is what `hybrid catalog --all` generates today."""

from __future__ import annotations

from typer.testing import CliRunner

from scripts.cli import app

from .conftest import ROOT


def test_committed_catalog_is_current(tmp_path):
    result = CliRunner().invoke(app, ["catalog", "--all", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(ROOT / "catalog") for p in (ROOT / "catalog").rglob("*") if p.is_file())
    assert generated == committed
    for path in generated:
        assert (tmp_path / path).read_text() == (ROOT / "catalog" / path).read_text(), (
            f"catalog/{path} is stale: run `hybrid catalog --all`")
