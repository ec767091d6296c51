"""When a channel's digest is due. Pure: a schedule and an aware instant in, a local date out.

A digest is due on a local day once the channel's wall clock has reached its time, and stays due
for six hours, past midnight if need be: one nothing ran for at 08:30 still goes out at 11:00,
and a 23:59 one at 00:30; later than that it is missed (recorded, and reported).
Comparing wall-clock times (not instants) keeps this right across DST: on a spring-forward day a
02:30 digest falls due at 03:00, and on a fall-back day the repeated hour changes nothing because
the ledger holds one row per local date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.notify import messages

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# A digest nothing ran for at its time still goes out this much later, even past midnight.
LATE_BY = dt.timedelta(hours=6)
# Never two digests in one channel closer than this (a move to another time zone skips a slot).
MIN_GAP = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Schedule:
    at: dt.time  # local wall-clock time, minute precision
    tz: str  # IANA name
    weekdays_only: bool = True
    since: dt.datetime | None = None  # when the channel subscribed (aware)

    def describe(self) -> str:
        """"weekdays at 08:30 Europe/London"."""
        return messages.digest_schedule(f"{self.at:%H:%M}", self.tz, self.weekdays_only)


def parse_time(text: str) -> dt.time | None:
    """"08:30" or "8:30" → 08:30; anything else → None."""
    match = _HHMM.match(text.strip())
    return dt.time(int(match[1]), int(match[2])) if match else None


def canonical_tz(name: str) -> str | None:
    """The IANA name as zoneinfo spells it ("europe/london" → "Europe/London"), or None."""
    name = name.strip()
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return _tz_by_lower_name().get(name.lower())


@lru_cache(maxsize=1)
def _tz_by_lower_name() -> dict[str, str]:
    return {key.lower(): key for key in available_timezones()}


def runs_on(schedule: Schedule, day: dt.date) -> bool:
    return not (schedule.weekdays_only and day.weekday() >= 5)


def slot(schedule: Schedule, day: dt.date) -> dt.datetime:
    """The instant of `day`'s digest (a wall-clock time a DST jump skips counts as just after
    the jump)."""
    return dt.datetime.combine(day, schedule.at, ZoneInfo(schedule.tz))


def window_end(schedule: Schedule, day: dt.date) -> dt.datetime:
    """Until when `day`'s digest may still go out: LATE_BY after its time, past midnight if
    need be (a 23:59 digest nothing ran for at 23:59 still goes out at 00:30). No later: a
    digest posted later than that would come within MIN_GAP of the next day's."""
    return slot(schedule, day) + LATE_BY


def _started(schedule: Schedule, day: dt.date) -> bool:
    """Whether `day`'s digest belongs to this schedule: one set at 15:00 for 08:30 starts the
    next day, not with a surprise post right away."""
    if schedule.since is None:
        return True
    since = schedule.since.astimezone(ZoneInfo(schedule.tz))
    return since.date() < day or (since.date() == day and since.time() <= schedule.at)


def due_date(schedule: Schedule, now: dt.datetime) -> dt.date | None:
    """The local date whose digest is due at `now`, or None when nothing is due: today's once
    its time has come, else yesterday's while its `window_end` has not passed."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(ZoneInfo(schedule.tz))
    today = local.date()
    if runs_on(schedule, today) and local.time() >= schedule.at and _started(schedule, today):
        return today
    yesterday = today - dt.timedelta(days=1)
    if runs_on(schedule, yesterday) and _started(schedule, yesterday) \
            and now < window_end(schedule, yesterday):
        return yesterday
    return None


def missed_date(schedule: Schedule, now: dt.datetime) -> dt.date | None:
    """The latest day of this schedule whose window has closed by `now`: the one digest a run
    coming now is too late for (None before the schedule's first day). Whether it went out is
    the ledger's to say."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    day = now.astimezone(ZoneInfo(schedule.tz)).date()
    for _ in range(8):  # a week holds a scheduled day, even weekdays only
        if runs_on(schedule, day) and window_end(schedule, day) <= now:
            return day if _started(schedule, day) else None
        day -= dt.timedelta(days=1)
    return None
