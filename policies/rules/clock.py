"""The date exemptions are judged on: today, asked in one place (so tests can pin it without a fixed date)."""

from __future__ import annotations

from datetime import date


def today() -> date:
    return date.today()
