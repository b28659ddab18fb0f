"""Deployment windows: arithmetic across time zones, DST transitions, midnight and freeze dates."""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from components.spec import SpecError, parse_environment
from components.spec.windows import DeploymentPolicy, Freeze, Window, deployment_allowed, first_instant

from .conftest import load_spec_data

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = timezone.utc


def policy(tz: str = "Europe/Berlin", windows=(), freezes=()) -> DeploymentPolicy:
    return DeploymentPolicy(timezone=tz, windows=[Window(**w) for w in windows], freezes=[Freeze(**f) for f in freezes])


BUSINESS = policy(windows=[{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}])


def at(text: str, zone=UTC) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def test_inside_and_outside_business_hours():
    inside = deployment_allowed(BUSINESS, at("2025-06-02T10:00", BERLIN))  # a Monday
    assert inside.allowed and inside.next_open is None
    assert inside.closes_at == at("2025-06-02T17:00", BERLIN)
    closing = deployment_allowed(BUSINESS, at("2025-06-02T17:00", BERLIN))
    assert not closing.allowed and "outside the deployment windows" in closing.reason
    assert closing.next_open == at("2025-06-03T09:00", BERLIN)


def test_weekend_waits_for_monday():
    decision = deployment_allowed(BUSINESS, at("2025-06-07T12:00", BERLIN))  # Saturday
    assert not decision.allowed
    assert decision.next_open == at("2025-06-09T09:00", BERLIN)


def test_same_instant_differs_by_the_policy_time_zone():
    instant = at("2025-06-02T14:30")  # 16:30 in Berlin, 10:30 in New York
    assert deployment_allowed(BUSINESS, instant).allowed
    late = policy("Asia/Tokyo", BUSINESS.model_dump()["windows"])  # 23:30 in Tokyo
    decision = deployment_allowed(late, instant)
    assert not decision.allowed
    assert decision.next_open == at("2025-06-03T09:00", ZoneInfo("Asia/Tokyo"))
    assert decision.next_open == at("2025-06-03T00:00")


def test_instants_in_any_offset_are_compared_as_instants():
    # 07:30 UTC is 09:30 in Berlin in summer (open) but 08:30 in winter (closed).
    assert deployment_allowed(BUSINESS, at("2025-06-02T07:30")).allowed
    assert not deployment_allowed(BUSINESS, at("2025-12-01T07:30")).allowed
    assert deployment_allowed(BUSINESS, datetime.fromisoformat("2025-12-01T03:30:00-05:00")).allowed


def test_spring_forward_window_in_the_skipped_hour_opens_at_the_jump():
    # 2025-03-09 in New York: 02:00 EST jumps to 03:00 EDT; 02:30 never happens.
    night = policy("America/New_York", [{"days": ["sun"], "start": "02:30", "end": "04:00"}])
    assert first_instant(date(2025, 3, 9), time(2, 30), NEW_YORK) == at("2025-03-09T07:00")  # the jump, 03:00 EDT
    assert not deployment_allowed(night, at("2025-03-09T06:59")).allowed
    decision = deployment_allowed(night, at("2025-03-09T06:00"))
    assert decision.next_open == at("2025-03-09T07:00")
    assert deployment_allowed(night, at("2025-03-09T07:00")).allowed
    assert deployment_allowed(night, at("2025-03-09T07:59")).allowed
    assert not deployment_allowed(night, at("2025-03-09T08:00")).allowed  # 04:00 EDT


def test_spring_forward_makes_a_night_window_an_hour_shorter():
    berlin_night = policy(windows=[{"days": ["sun"], "start": "01:00", "end": "04:00"}])
    decision = deployment_allowed(berlin_night, at("2025-03-30T01:00", BERLIN))
    assert decision.allowed
    # aware datetimes in one zone subtract as wall times; compare instants
    assert decision.closes_at.astimezone(UTC) - at("2025-03-30T01:00", BERLIN).astimezone(UTC) == timedelta(hours=2)


def test_fall_back_repeated_hour_does_not_reopen_a_closed_window():
    # 2025-10-26 in Berlin: 03:00 CEST falls back to 02:00 CET; 02:00-03:00 happens twice.
    night = policy(windows=[{"days": ["sun"], "start": "01:00", "end": "02:30"}])
    first_0215 = at("2025-10-26T00:15")  # 02:15 CEST
    second_0215 = at("2025-10-26T01:15")  # 02:15 CET, after the clock went back
    assert deployment_allowed(night, first_0215).allowed
    assert not deployment_allowed(night, at("2025-10-26T00:30")).allowed  # 02:30 CEST: closed
    assert not deployment_allowed(night, second_0215).allowed
    assert deployment_allowed(night, second_0215).next_open == at("2025-11-02T01:00", BERLIN)


def test_overnight_window_crosses_midnight_into_the_next_day():
    batch = policy(windows=[{"days": ["fri"], "start": "22:00", "end": "02:00", "overnight": True}])
    assert deployment_allowed(batch, at("2025-06-06T23:00", BERLIN)).allowed
    saturday = deployment_allowed(batch, at("2025-06-07T01:30", BERLIN))
    assert saturday.allowed and saturday.closes_at == at("2025-06-07T02:00", BERLIN)
    assert not deployment_allowed(batch, at("2025-06-07T02:00", BERLIN)).allowed
    assert not deployment_allowed(batch, at("2025-06-05T23:00", BERLIN)).allowed  # Thursday night


def test_freeze_is_in_local_dates_of_the_policy_zone():
    frozen = policy(windows=BUSINESS.model_dump()["windows"],
                    freezes=[{"name": "year-end", "start": "2025-12-19", "end": "2026-01-05", "reason": "peak"}])
    # 2025-12-19T08:30Z is 09:30 on Friday the 19th in Berlin: frozen, though still the 19th's morning in UTC terms.
    decision = deployment_allowed(frozen, at("2025-12-19T08:30"))
    assert not decision.allowed
    assert decision.reason.startswith("frozen: freeze 'year-end' (2025-12-19 to 2026-01-05): peak")
    assert decision.next_open == at("2026-01-06T09:00", BERLIN)
    # The last frozen date is inclusive, the day before is open and closes at the freeze.
    assert not deployment_allowed(frozen, at("2026-01-05T10:00", BERLIN)).allowed
    before = deployment_allowed(frozen, at("2025-12-18T10:00", BERLIN))
    assert before.allowed and before.closes_at == at("2025-12-18T17:00", BERLIN)


def test_freeze_cuts_an_overnight_window_at_local_midnight():
    batch = policy(windows=[{"days": ["fri"], "start": "22:00", "end": "02:00", "overnight": True}],
                   freezes=[{"name": "saturday", "start": "2025-06-07", "end": "2025-06-07"}])
    decision = deployment_allowed(batch, at("2025-06-06T23:00", BERLIN))
    assert decision.allowed and decision.closes_at == at("2025-06-07T00:00", BERLIN)
    assert not deployment_allowed(batch, at("2025-06-07T00:30", BERLIN)).allowed


def test_no_windows_is_always_open_except_in_freezes():
    always = policy(freezes=[{"name": "migration", "start": "2025-06-10", "end": "2025-06-11"},
                             {"name": "audit", "start": "2025-06-12", "end": "2025-06-12"}])
    assert deployment_allowed(always, at("2025-06-09T03:00", BERLIN)).allowed
    decision = deployment_allowed(always, at("2025-06-10T12:00", BERLIN))
    assert not decision.allowed
    assert decision.next_open == at("2025-06-13T00:00", BERLIN)  # adjacent freezes are skipped together


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        deployment_allowed(BUSINESS, datetime(2025, 6, 2, 10, 0))


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(ZONES),
       instant=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)),
       start_minute=st.integers(0, 23 * 60), length=st.integers(1, 12 * 60), days=st.sets(st.sampled_from(
           ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1))
@example(zone="Europe/Berlin", instant=datetime(2025, 3, 29, 3, 0, tzinfo=UTC), start_minute=120, length=120,
         days={"mon", "tue", "wed", "thu", "fri", "sat", "sun"})  # opens in the spring-forward gap
def test_next_open_is_open_and_nothing_earlier_is(zone, instant, start_minute, length, days):
    start = time(start_minute // 60, start_minute % 60)
    end_minute = (start_minute + length) % (24 * 60)
    generated = policy(zone, [{"days": sorted(days), "start": start, "end": time(end_minute // 60, end_minute % 60),
                               "overnight": start_minute + length >= 24 * 60}],
                       [{"name": "f", "start": "2025-12-20", "end": "2026-01-03"}])
    decision = deployment_allowed(generated, instant)
    if decision.allowed:
        assert decision.closes_at is not None and decision.closes_at > instant
        return
    assert decision.next_open is not None and decision.next_open > instant
    assert deployment_allowed(generated, decision.next_open).allowed
    # A minute before in real time: aware datetimes in one zone subtract on the wall clock, which in a
    # spring-forward gap lands on a time that does not exist (02:59 in Berlin on 2025-03-30 reads as 03:59).
    just_before = decision.next_open.astimezone(timezone.utc) - timedelta(minutes=1)
    if just_before > instant:
        assert not deployment_allowed(generated, just_before).allowed


# --- the spec: errors name the field and say what was expected ---------------------------------------

def issues_for(deployment: dict) -> list[str]:
    data = copy.deepcopy(load_spec_data("dev"))
    data["deployment"] = deployment
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/dev.yaml")
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def test_unknown_time_zone():
    assert issues_for({"timezone": "Europe/Berln"}) == [
        "deployment.timezone: unknown time zone 'Europe/Berln'; expected an IANA name such as Europe/Berlin"]


def test_end_before_start_without_overnight():
    issues = issues_for({"windows": [{"days": ["mon"], "start": "18:00", "end": "08:00"}]})
    assert issues == ["deployment.windows[0].end: end 08:00 is not after start 18:00; expected a later time, "
                      "or overnight: true for a window that closes the next day"]


def test_inverted_and_overlapping_freezes():
    issues = issues_for({"freezes": [
        {"name": "a", "start": "2025-12-20", "end": "2025-12-31"},
        {"name": "b", "start": "2025-12-30", "end": "2026-01-02"},
        {"name": "c", "start": "2026-03-02", "end": "2026-03-01"}]})
    assert issues == [
        "deployment.freezes[1]: freeze 'b' (2025-12-30 to 2026-01-02) overlaps freeze 'a' at deployment.freezes[0] "
        "(2025-12-20 to 2025-12-31); expected disjoint date ranges (merge them)",
        "deployment.freezes[2].end: inverted freeze: end 2026-03-01 is before start 2026-03-02; "
        "expected end on or after start"]


def test_unquoted_yaml_time_is_explained():
    issues = issues_for({"windows": [{"days": ["mon"], "start": 1080, "end": "19:00"}]})
    assert any(i.startswith("deployment.windows[0].start: expected a quoted local time") for i in issues)


def test_unknown_weekday():
    issues = issues_for({"windows": [{"days": ["monday"], "start": "09:00", "end": "17:00"}]})
    assert issues and issues[0].startswith("deployment.windows[0].days[0]:")


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_environments_declare_windows(env):
    spec = parse_environment(load_spec_data(env), f"environments/{env}.yaml")
    assert spec.deployment.timezone == "Europe/Berlin"
    assert bool(spec.deployment.windows) is (env != "dev")
