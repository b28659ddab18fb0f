"""SLO-to-threshold arithmetic (practice 6.4): pure functions, checked by example and by property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.observability.thresholds import (FAST_BURN, SLOW_BURN, backlog_threshold_seconds, burn_rate,
                                                 burn_rate_threshold_percent, error_budget, error_rate_thresholds,
                                                 evaluation_periods)

targets = st.floats(min_value=50, max_value=99.999, allow_nan=False)


def test_known_burn_rates_of_the_sre_workbook():
    assert burn_rate(FAST_BURN) == pytest.approx(14.4)
    assert burn_rate(SLOW_BURN) == pytest.approx(6.0)
    assert burn_rate_threshold_percent(99.9, FAST_BURN) == pytest.approx(1.44)
    assert burn_rate_threshold_percent(99.9, SLOW_BURN) == pytest.approx(0.6)
    assert burn_rate_threshold_percent(99.0, FAST_BURN) == pytest.approx(14.4)


@given(targets, targets)
def test_a_stricter_target_never_gets_a_looser_threshold(a, b):
    low, high = sorted((a, b))
    for window in (FAST_BURN, SLOW_BURN):
        assert burn_rate_threshold_percent(high, window) <= burn_rate_threshold_percent(low, window)


@given(targets)
def test_thresholds_are_percentages_and_fast_burn_is_the_higher(target):
    fast, slow = burn_rate_threshold_percent(target, FAST_BURN), burn_rate_threshold_percent(target, SLOW_BURN)
    assert 0 < slow <= fast <= 100


@pytest.mark.parametrize("bad", [0, 100, 120, -1])
def test_error_budget_refuses_targets_outside_the_open_interval(bad):
    with pytest.raises(ValueError):
        error_budget(bad)


@given(st.floats(min_value=0.01, max_value=99.99))
def test_error_rate_page_is_twice_the_objective_capped(objective):
    notify, page = error_rate_thresholds(objective)
    assert notify == objective and page == min(100.0, 2 * objective) and page >= notify


def test_periods_and_backlog_rounding():
    assert evaluation_periods(5) == 5 and evaluation_periods(1, 300) == 1 and evaluation_periods(11, 300) == 3
    assert backlog_threshold_seconds(299.2) == 300
    with pytest.raises(ValueError):
        backlog_threshold_seconds(0)
