"""Deployment windows and change freezes (practice: deployment windows), and the arithmetic over them.

An environment says when a deployment may *start*: weekly windows in local wall-clock time of one IANA
time zone, minus freeze date ranges (local dates, inclusive). No windows means always open (freezes
still apply). The arithmetic works on real instants, so daylight-saving transitions behave as people
expect: a window opens at the first instant the local clock reads its start (on a spring-forward day a
window starting in the skipped hour opens at the jump) and closes at the first instant it reads its end
(on a fall-back day the repeated hour does not reopen a window that has closed).

`deployment_allowed(policy, at)` is the contract the deploy workflow (`hybrid window`) and the failover
drill rely on: keep its name and signature stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Any, Iterator, Literal, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, WithJsonSchema, field_validator

from .base import SpecModel

# JSON Schema's "time" format wants seconds and an offset; the spec takes local wall-clock "HH:MM".
LocalTime = Annotated[time, WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"})]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead next_open is searched: a year of windows plus the longest sensible freeze.
HORIZON_DAYS = 800
Problem = tuple[str, str]


def _quoted_time(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 18:00 as the sexagesimal number 1080.
        raise ValueError('expected a quoted local time such as "18:00" (unquoted, YAML reads it as a number)')
    return value


class Window(SpecModel):
    """A weekly window: it opens on each of `days` at `start` and closes at `end` (local wall-clock times)."""

    days: list[Weekday] = Field(min_length=1, description="days the window opens on: mon ... sun")
    start: LocalTime = Field(description='local opening time, quoted "HH:MM"')
    end: LocalTime = Field(description='local closing time, quoted "HH:MM"; the window is open before it')
    overnight: bool = Field(default=False, description="the window closes at `end` on the next day")

    _times = field_validator("start", "end", mode="before")(_quoted_time)

    def describe(self) -> str:
        days = ",".join(self.days)
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}{' (next day)' if self.overnight else ''}"


class Freeze(SpecModel):
    """A change freeze: no deployment may start on these local dates (inclusive)."""

    name: str = Field(min_length=1, description="what the freeze is for, shown when it blocks a deployment")
    start: date = Field(description="first frozen local date")
    end: date = Field(description="last frozen local date (inclusive)")
    reason: str = Field(default="", description="why; shown with the decision")

    def describe(self) -> str:
        return f"freeze {self.name!r} ({self.start.isoformat()} to {self.end.isoformat()})" + (
            f": {self.reason}" if self.reason else "")


class DeploymentPolicy(SpecModel):
    """When deployments of this environment may start. The default is always open."""

    timezone: str = Field(
        default="UTC", description="IANA time zone the windows and freezes are in, e.g. Europe/Berlin")
    windows: list[Window] = Field(default_factory=list, description="weekly windows; none means always open")
    freezes: list[Freeze] = Field(default_factory=list, description="date ranges when nothing may start")

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def check_deployment(policy: DeploymentPolicy, path: str = "deployment") -> Iterator[Problem]:
    """Cross-field problems: unknown time zone, empty or inverted windows, inverted or overlapping freezes."""
    try:
        policy.zone()
    except (ZoneInfoNotFoundError, ValueError):
        yield f"{path}.timezone", f"unknown time zone {policy.timezone!r}; expected an IANA name such as Europe/Berlin"
    for i, window in enumerate(policy.windows):
        if window.end <= window.start and not window.overnight:
            yield (f"{path}.windows[{i}].end",
                   f"end {window.end:%H:%M} is not after start {window.start:%H:%M}; expected a later time, "
                   "or overnight: true for a window that closes the next day")
    for i, freeze in enumerate(policy.freezes):
        if freeze.end < freeze.start:
            yield (f"{path}.freezes[{i}].end",
                   f"inverted freeze: end {freeze.end} is before start {freeze.start}; expected end on or after start")
            continue
        for j, other in enumerate(policy.freezes[:i]):
            if other.start <= other.end and freeze.start <= other.end and other.start <= freeze.end:
                yield (f"{path}.freezes[{i}]",
                       f"freeze {freeze.name!r} ({freeze.start} to {freeze.end}) overlaps freeze {other.name!r} at "
                       f"{path}.freezes[{j}] ({other.start} to {other.end}); expected disjoint date ranges (merge them)")


@dataclass(frozen=True)
class Decision:
    """Whether a deployment may start at the instant asked about, why, and when it next may."""

    allowed: bool
    reason: str
    next_open: Optional[datetime]
    """When not allowed: the next instant a deployment may start (in the policy's zone), None if not within the horizon."""
    closes_at: Optional[datetime] = None
    """When allowed: when the current opening ends (window end or freeze start), None if it never does."""

    def as_json(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "reason": self.reason,
                "nextOpen": self.next_open.isoformat() if self.next_open else None,
                "closesAt": self.closes_at.isoformat() if self.closes_at else None}


def first_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the local clock in `zone` reads `day` `wall` or later.

    Usually that is simply the wall time; in a spring-forward gap (a wall time that never happens) it is
    the moment of the jump; in a fall-back overlap it is the first of the two occurrences. Returned in
    UTC: aware datetimes sharing one tzinfo compare by wall time, which is wrong across a fall-back.
    """
    wanted = datetime.combine(day, wall)
    candidate = wanted.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
    if candidate.astimezone(zone).replace(tzinfo=None) == wanted:
        return candidate
    # A gap: step back to the jump (gaps are whole minutes in every zone in use today).
    while (candidate - timedelta(minutes=1)).astimezone(zone).replace(tzinfo=None) >= wanted:
        candidate -= timedelta(minutes=1)
    return candidate


def _freeze_on(policy: DeploymentPolicy, day: date) -> Optional[Freeze]:
    return next((f for f in policy.freezes if f.start <= day <= f.end), None)


def _openings(policy: DeploymentPolicy, zone: ZoneInfo, first_day: date) -> Iterator[tuple[datetime, Optional[datetime]]]:
    """Window openings (start, end) by start day from `first_day`; one endless opening when there are no windows."""
    if not policy.windows:
        yield datetime.min.replace(tzinfo=timezone.utc), None
        return
    for offset in range(HORIZON_DAYS):
        day = first_day + timedelta(days=offset)
        for window in sorted(policy.windows, key=lambda w: w.start):  # so openings come in start order
            if WEEKDAYS[day.weekday()] in window.days:
                end_day = day + timedelta(days=1) if window.overnight else day
                yield first_instant(day, window.start, zone), first_instant(end_day, window.end, zone)


def _earliest_unfrozen(policy: DeploymentPolicy, zone: ZoneInfo, start: datetime, end: Optional[datetime]
                       ) -> Optional[datetime]:
    """The first instant in [start, end) whose local date is not frozen, if any."""
    candidate = start
    while end is None or candidate < end:
        freeze = _freeze_on(policy, candidate.astimezone(zone).date())
        if freeze is None:
            return candidate
        candidate = first_instant(freeze.end + timedelta(days=1), time(0), zone)
    return None


def _closing(policy: DeploymentPolicy, zone: ZoneInfo, at: datetime, end: Optional[datetime]) -> Optional[datetime]:
    """When an opening that contains `at` ends: its window's end, or the start of the next freeze before it."""
    upcoming = [first_instant(f.start, time(0), zone) for f in policy.freezes]
    upcoming = [s for s in upcoming if s > at and (end is None or s < end)]
    return min(upcoming, default=end)


def deployment_allowed(policy: DeploymentPolicy, at: datetime) -> Decision:
    """May a deployment start at `at` (a timezone-aware instant)? Pure: no clock, no I/O."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be timezone-aware (an instant), e.g. datetime.now(timezone.utc)")
    zone = policy.zone()
    local = at.astimezone(zone)
    at = at.astimezone(timezone.utc)  # all arithmetic in UTC instants (see first_instant)
    freeze = _freeze_on(policy, local.date())
    best: Optional[datetime] = None
    for start, end in _openings(policy, zone, local.date() - timedelta(days=1)):
        if best is not None and start > best:
            break  # openings come by start day, so nothing later can open sooner
        if end is not None and end <= at:
            continue
        candidate = _earliest_unfrozen(policy, zone, max(start, at), end)
        if candidate is None:
            continue
        if candidate == at:
            where = f"inside window {_window_text(policy)}" if policy.windows else "no deployment windows: always open"
            closes = _closing(policy, zone, at, end)
            return Decision(True, f"{where} ({policy.timezone})", None, closes.astimezone(zone) if closes else None)
        if best is None or candidate < best:
            best = candidate
    if freeze is not None:
        reason = f"frozen: {freeze.describe()}"
    else:
        reason = f"outside the deployment windows {_window_text(policy)} ({policy.timezone})"
    return Decision(False, reason, best.astimezone(zone) if best else None)


def _window_text(policy: DeploymentPolicy) -> str:
    return "; ".join(w.describe() for w in policy.windows)
