"""`hybrid window ENV`: exit 0 when a deployment may start, 1 when it may not, 2 for bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from scripts.cli import app

from .conftest import ROOT

runner = CliRunner()


def window(*args: str):
    return runner.invoke(app, ["window", *args, "--root", str(ROOT)], catch_exceptions=False)


def test_prod_inside_its_window_exits_0():
    result = window("prod", "--at", "2025-06-03T10:00:00+02:00")
    assert result.exit_code == 0, result.output
    assert "open" in result.output and "closes at 2025-06-03 16:00 CEST" in result.output


def test_prod_in_the_year_end_freeze_exits_1_with_the_next_opening():
    result = window("prod", "--at", "2025-12-23T09:30Z", "--json")
    assert result.exit_code == 1
    decision = json.loads(result.output)
    assert decision["allowed"] is False and decision["reason"].startswith("frozen: freeze 'year-end-2025'")
    assert decision["nextOpen"] == "2026-01-06T09:00:00+01:00"


def test_time_without_offset_is_local_to_the_environment():
    # staging opens at 07:00 Berlin time on weekdays
    assert window("staging", "--at", "2025-06-03T06:30").exit_code == 1
    assert window("staging", "--at", "2025-06-03T07:00").exit_code == 0


def test_dev_is_always_open():
    assert window("dev", "--at", "2025-12-25T03:00Z").exit_code == 0


def test_bad_time_and_unknown_environment_exit_2():
    bad = window("prod", "--at", "next tuesday")
    assert bad.exit_code == 2 and "not an ISO 8601 time" in bad.output
    assert window("nowhere").exit_code == 2
