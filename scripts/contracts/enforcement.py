"""How much a contract finding weighs: the one switch that makes the contract checks block a plan.

"advisory": findings are reported and `hybrid plan` / `hybrid check` still exit 0. "mandatory": a finding
fails them (exit 1) like a mandatory policy violation, and `hybrid diff` counts a new one as blocking.
Mandatory since the shipped environments are clean (tests/test_contracts_environments.py keeps them so).
"""

from __future__ import annotations

from typing import Literal

Level = Literal["advisory", "mandatory"]

CONTRACT_ENFORCEMENT: Level = "mandatory"
