"""SLO arithmetic: from an objective to alarm thresholds (practice 6.4, thresholds from business impact).

Availability alarms use error-budget burn rates over two windows (the multi-window scheme of the Google
SRE workbook): a fast burn that would spend 2 % of a 30-day budget in one hour pages; a slow burn that
would spend 5 % in six hours notifies. Pure functions, so they are tested on their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BUDGET_WINDOW_HOURS = 30 * 24


@dataclass(frozen=True)
class BurnWindow:
    name: str
    hours: int
    budget_share: float
    """Share of the whole window's error budget this alarm tolerates spending within `hours`."""


FAST_BURN = BurnWindow("fast-burn", 1, 0.02)
SLOW_BURN = BurnWindow("slow-burn", 6, 0.05)


def error_budget(target_percent: float) -> float:
    """Allowed error ratio (0..1) for an availability target such as 99.9."""
    if not 0 < target_percent < 100:
        raise ValueError("availability target must lie strictly between 0 and 100 percent")
    return round(1 - target_percent / 100, 12)


def burn_rate(window: BurnWindow) -> float:
    """How many times faster than 'exactly on budget' errors arrive when `window` spends its share."""
    return window.budget_share * BUDGET_WINDOW_HOURS / window.hours


def burn_rate_threshold_percent(target_percent: float, window: BurnWindow) -> float:
    """Error percentage over `window.hours` above which the budget burns too fast; capped at 100 %."""
    return min(100.0, round(100 * error_budget(target_percent) * burn_rate(window), 6))


def error_rate_thresholds(max_error_percent: float) -> tuple[float, float]:
    """(notify, page) thresholds: at the objective, and at twice it (capped at 100 %)."""
    return max_error_percent, min(100.0, 2 * max_error_percent)


def evaluation_periods(window_minutes: int, period_seconds: int = 60) -> int:
    """Whole periods covering a window, at least one."""
    return max(1, math.ceil(window_minutes * 60 / period_seconds))


def latency_threshold_ms(target_ms: float) -> float:
    """p99 latency alarms fire at the objective itself: exceeding it is the breach."""
    if target_ms <= 0:
        raise ValueError("latency target must be positive")
    return float(target_ms)


def backlog_threshold_seconds(target_seconds: float) -> int:
    """ApproximateAgeOfOldestMessage is reported in whole seconds; alarm once the age exceeds the target."""
    if target_seconds <= 0:
        raise ValueError("backlog target must be positive")
    return math.ceil(target_seconds)
