"""Runs every rule over a document with an environment's policy config."""

from __future__ import annotations

from datetime import date
from typing import Any

from components.spec import EnvironmentSpec
from policies.rules import ALL_RULES
from policies.rules.evaluate import Verdict, evaluate

from ..policy_config import policy_config
from .sources import resources_of


def check_document(document: Any, spec: EnvironmentSpec, today: date | None = None) -> list[Verdict]:
    return evaluate(resources_of(document), ALL_RULES, policy_config(spec), today)
