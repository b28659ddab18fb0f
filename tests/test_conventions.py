"""One source of truth per convention: each literal below is defined in exactly one module and imported elsewhere.

The pack (policies/) cannot import the components or the scripts, so it is searched apart: what it needs of
these conventions reaches it through policy config, not a copied literal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT

SOURCES = ("components", "scripts")
CONVENTIONS = {
    "the export's secret signature key": ('"4dabf18193072939515e22adb298388d"', "scripts/export_format.py"),
    "the export's secret signature": ('"1b47061264138c4ac30d75fd1eb44270"', "scripts/export_format.py"),
    "the engine's unknown sentinel": ('"04da6b54-80e4-46f7-96ec-b56ff0331ba9"', "scripts/export_format.py"),
    "the alert topic suffix": ('"-alerts-', "components/alerting.py"),
    "the masked-identifier defaults": ('("EmailAddress", "CreditCardNumber", "AwsSecretKey")',
                                       "components/spec/observability.py"),
    "CloudWatch's retention periods": ("1096, 1827, 2192", "components/spec/base.py"),
}


def python_files() -> list[Path]:
    return sorted(p for folder in SOURCES for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("concept", sorted(CONVENTIONS))
def test_each_convention_is_defined_once(concept):
    literal, home = CONVENTIONS[concept]
    holders = sorted(p.relative_to(ROOT).as_posix() for p in python_files() if literal in p.read_text(encoding="utf-8"))
    assert holders == [home], f"{concept} ({literal}) should live only in {home}, found in {holders}"
