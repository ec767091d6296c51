"""When a channel's digest is due. Pure: a schedule and an aware instant in, a local date out.

A digest is due on a local day once the channel's wall clock has reached its time, and stays due
until local midnight, so one missed because nothing ran at 08:30 still goes out at 11:00. Comparing
wall-clock times (not instants) is what keeps this right across DST: on a spring-forward day a
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


def due_date(schedule: Schedule, now: dt.datetime) -> dt.date | None:
    """The local date whose digest is due at `now`, or None when nothing is due."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(schedule.tz)
    local = now.astimezone(zone)
    if schedule.weekdays_only and local.weekday() >= 5:
        return None
    if local.time() < schedule.at:
        return None
    if schedule.since is not None:
        # Subscribing at 15:00 for 08:30 starts tomorrow, not with a surprise post right away.
        since = schedule.since.astimezone(zone)
        if since.date() > local.date() or (
            since.date() == local.date() and since.time() > schedule.at
        ):
            return None
    return local.date()
