"""When a digest falls due: local wall clock, weekdays, DST, and missed runs the same day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.notify.schedule import Schedule, canonical_tz, due_date, parse_time

UTC = dt.UTC
T = dt.time


def at(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def test_due_from_its_local_time_until_local_midnight() -> None:
    london = Schedule(T(8, 30), "Europe/London")
    assert due_date(london, at("2026-11-25T08:29:59+00:00")) is None
    assert due_date(london, at("2026-11-25T08:30:00+00:00")) == dt.date(2026, 11, 25)
    # Nothing ran at 08:30: still due later the same day, not skipped.
    assert due_date(london, at("2026-11-25T23:59:00+00:00")) == dt.date(2026, 11, 25)
    assert due_date(london, at("2026-11-26T00:00:00+00:00")) is None


def test_london_summer_time_is_an_hour_earlier_in_utc() -> None:
    london = Schedule(T(8, 30), "Europe/London")
    assert due_date(london, at("2026-06-10T07:29:00+00:00")) is None
    assert due_date(london, at("2026-06-10T07:30:00+00:00")) == dt.date(2026, 6, 10)


def test_hong_kong_morning_is_the_previous_evening_in_utc() -> None:
    hk = Schedule(T(8, 30), "Asia/Hong_Kong")
    assert due_date(hk, at("2026-11-25T00:29:00+00:00")) is None
    assert due_date(hk, at("2026-11-25T00:30:00+00:00")) == dt.date(2026, 11, 25)
    assert due_date(hk, at("2026-11-24T23:00:00+00:00")) is None  # 07:00 in Hong Kong


def test_weekdays_are_the_subscribers_weekdays_not_utcs() -> None:
    tokyo = Schedule(T(9, 0), "Asia/Tokyo")
    new_york = Schedule(T(7, 0), "America/New_York")
    # Friday 2026-11-27 20:00 UTC is Saturday 05:00 in Tokyo and Friday 15:00 in New York.
    friday_utc = at("2026-11-27T20:00:00+00:00")
    assert due_date(tokyo, friday_utc) is None
    assert due_date(new_york, friday_utc) == dt.date(2026, 11, 27)
    # Monday 2026-11-30 03:00 UTC is still Sunday in New York.
    assert due_date(new_york, at("2026-11-30T03:00:00+00:00")) is None
    daily = Schedule(T(7, 0), "America/New_York", weekdays_only=False)
    assert due_date(daily, at("2026-11-29T12:00:00+00:00")) == dt.date(2026, 11, 29)


def test_spring_forward_skipped_time_falls_due_when_the_clock_jumps() -> None:
    # New York, Sunday 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never happens.
    early = Schedule(T(2, 30), "America/New_York", weekdays_only=False)
    assert due_date(early, at("2026-03-08T06:59:00+00:00")) is None  # 01:59 EST
    assert due_date(early, at("2026-03-08T07:00:00+00:00")) == dt.date(2026, 3, 8)  # 03:00 EDT
    morning = Schedule(T(8, 30), "America/New_York", weekdays_only=False)
    assert due_date(morning, at("2026-03-08T12:29:00+00:00")) is None  # 08:29 EDT
    assert due_date(morning, at("2026-03-08T12:30:00+00:00")) == dt.date(2026, 3, 8)


def test_fall_back_repeated_hour_names_the_same_day_both_times() -> None:
    # New York, Sunday 2026-11-01: 01:00-02:00 happens twice (EDT, then EST).
    sched = Schedule(T(1, 30), "America/New_York", weekdays_only=False)
    assert due_date(sched, at("2026-11-01T05:29:00+00:00")) is None  # 01:29 EDT
    first = due_date(sched, at("2026-11-01T05:30:00+00:00"))  # 01:30 EDT
    second = due_date(sched, at("2026-11-01T06:30:00+00:00"))  # 01:30 EST, again
    assert first == second == dt.date(2026, 11, 1)  # one ledger row, so one post


def test_europe_and_us_change_clocks_on_different_weekends() -> None:
    london = Schedule(T(8, 30), "Europe/London")
    new_york = Schedule(T(8, 30), "America/New_York")
    # Tue 2026-10-27: London is back on GMT, New York still on EDT (until 1 Nov).
    assert due_date(london, at("2026-10-27T08:29:00+00:00")) is None
    assert due_date(london, at("2026-10-27T08:30:00+00:00")) == dt.date(2026, 10, 27)
    assert due_date(new_york, at("2026-10-27T12:30:00+00:00")) == dt.date(2026, 10, 27)
    # Tue 2026-11-03: New York on EST, 08:30 is 13:30 UTC.
    assert due_date(new_york, at("2026-11-03T12:30:00+00:00")) is None
    assert due_date(new_york, at("2026-11-03T13:30:00+00:00")) == dt.date(2026, 11, 3)


def test_subscribing_after_todays_time_starts_tomorrow() -> None:
    since = at("2026-11-25T15:00:00+00:00")
    sched = Schedule(T(8, 30), "Europe/London", since=since)
    assert due_date(sched, at("2026-11-25T16:00:00+00:00")) is None
    assert due_date(sched, at("2026-11-26T08:30:00+00:00")) == dt.date(2026, 11, 26)
    before = Schedule(T(8, 30), "Europe/London", since=at("2026-11-25T08:00:00+00:00"))
    assert due_date(before, at("2026-11-25T08:30:00+00:00")) == dt.date(2026, 11, 25)


@pytest.mark.parametrize("tz", ["Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles"])
def test_travelling_through_a_day_finds_one_due_date(tz: str) -> None:
    """Sweeping real `now` (time-machine) minute by minute over two UTC days, the due date
    changes only at the local digest time and at local midnight."""
    sched = Schedule(T(8, 0), tz, weekdays_only=False)
    seen: list[tuple[dt.datetime, dt.date | None]] = []
    start = dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(48 * 4):
            seen.append((dt.datetime.now(UTC), due_date(sched, dt.datetime.now(UTC))))
            traveller.shift(dt.timedelta(minutes=15))
    changes = [(t, d) for (t, d), (_, prev) in zip(seen[1:], seen, strict=False) if d != prev]
    for when, _day in changes:
        local = when.astimezone(ZoneInfo(tz))
        assert local.time() in (T(8, 0), T(0, 0))
    assert len(changes) >= 3  # due, not due (midnight), due again


def test_times_and_zones_are_read_forgivingly_but_strictly() -> None:
    assert parse_time("8:05") == T(8, 5)
    assert parse_time("23:59") == T(23, 59)
    assert parse_time("24:00") is None and parse_time("8.30") is None and parse_time("") is None
    assert canonical_tz("europe/london") == "Europe/London"
    assert canonical_tz("Asia/Hong_Kong") == "Asia/Hong_Kong"
    assert canonical_tz("UTC") == "UTC"
    for bad in ("Mars/Base", "../../etc/passwd", "/etc/localtime", ""):
        assert canonical_tz(bad) is None
