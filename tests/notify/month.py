"""A simulated month of digest delivery, checked against what the fake Slack Web API received.

Several runners (threads, each with its own database connections) call `run_due` every
`step` of simulated time, a little apart, like clocks on several dynos. Some steps nobody runs
(an outage); some claims end in a crash before the post (the `after_claim` hook raises, the
runner's whole run dies with it, the claim is left behind); some posts meet a Slack error.
What was due is computed independently of `bot.notify.schedule`, from each channel's time zone.

Used by tests/notify/test_month.py and bench/digest_month.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from bot.knowledge.models import Thesis
from bot.notify.delivery import run_due
from bot.notify.subscriptions import subscribe
from bot.settings import Settings
from bot.slack.client import web_client
from bot.store import digest_posts
from tests.fake_slack import FakeSlack

UTC = dt.UTC


@dataclass(frozen=True)
class Channel:
    channel_id: str
    at: dt.time
    tz: str
    weekdays_only: bool


CHANNELS = (
    Channel("C_LONDON", dt.time(8, 30), "Europe/London", True),
    Channel("C_NEW_YORK", dt.time(7, 45), "America/New_York", True),
    Channel("C_HONG_KONG", dt.time(8, 30), "Asia/Hong_Kong", True),
    Channel("C_KOLKATA", dt.time(9, 15), "Asia/Kolkata", True),
    Channel("C_SYDNEY", dt.time(8, 0), "Australia/Sydney", False),
    Channel("C_ST_JOHNS", dt.time(6, 0), "America/St_Johns", False),
    Channel("C_LOS_ANGELES", dt.time(20, 0), "America/Los_Angeles", False),
)
# 15 Oct to 15 Nov 2026: Europe leaves summer time on 25 Oct, North America on 1 Nov.
START = dt.datetime(2026, 10, 15, 0, 0, tzinfo=UTC)


class SimulatedCrash(BaseException):
    """Raised between claim and post: like a killed process, nothing in run_due catches it."""


@dataclass
class MonthFigures:
    channels: int
    days: int
    steps: int
    runs: int
    posts_due: int
    posts_made: int
    duplicates: int
    misses: int
    wrong_day_posts: int  # posted for a day not due (e.g. a weekend of a weekdays channel)
    early_posts: int  # recorded before the channel's local time
    crashes: int
    slack_errors: int
    outage_steps: int
    seconds: float
    missed: list[tuple[str, dt.date]] = field(default_factory=list)
    delivered: list[tuple[str, dt.date]] = field(default_factory=list)  # Slack accepted these

    def lines(self) -> list[str]:
        return [
            f"channels             {self.channels}",
            f"simulated days       {self.days}",
            f"steps (runs)         {self.steps} ({self.runs} run-due calls)",
            f"posts due            {self.posts_due}",
            f"posts made           {self.posts_made}",
            f"duplicates           {self.duplicates}",
            f"misses               {self.misses}",
            f"posts on wrong days  {self.wrong_day_posts}",
            f"posts before time    {self.early_posts}",
            f"crashes injected     {self.crashes}",
            f"slack errors         {self.slack_errors}",
            f"outage steps         {self.outage_steps}",
            f"wall time            {self.seconds:.1f} s",
        ]


class _Crasher:
    """Decides, the same way whichever runner gets there, whether the k-th claim of a digest
    crashes; at most `limit` crashes per digest, so the attempt limit never causes a miss here
    (that limit has its own test)."""

    def __init__(self, rate: float, limit: int, seed: int) -> None:
        self.rate, self.limit, self.seed = rate, limit, seed
        self.claims: Counter[tuple[str, dt.date]] = Counter()
        self.crashes = 0
        self._lock = threading.Lock()

    def __call__(self, channel: str, day: dt.date) -> None:
        with self._lock:
            k = self.claims[(channel, day)]
            self.claims[(channel, day)] += 1
            digest = hashlib.sha256(f"{self.seed}:{channel}:{day}:{k}".encode()).digest()
            crash = k < self.limit and digest[0] / 256 < self.rate
            if crash:
                self.crashes += 1
        if crash:
            raise SimulatedCrash(f"{channel} {day} claim #{k}")


def expected_days(channels: Iterable[Channel], runs: Iterable[dt.datetime]
                  ) -> set[tuple[str, dt.date]]:
    """(channel, local date) pairs for which some run happened between the channel's local time
    and six hours after it, on a day it wants a digest."""
    times = sorted(runs)
    due: set[tuple[str, dt.date]] = set()
    for ch in channels:
        zone = ZoneInfo(ch.tz)
        for t in times:
            local = t.astimezone(zone)
            for day in (local.date(), local.date() - dt.timedelta(days=1)):
                if ch.weekdays_only and day.weekday() >= 5:
                    continue
                at = dt.datetime.combine(day, ch.at, zone)
                if at <= t < at + dt.timedelta(hours=6):
                    due.add((ch.channel_id, day))
    return due


def simulate(store: Engine, fake: FakeSlack, theses: list[Thesis], *, days: int = 31,
             step: dt.timedelta = dt.timedelta(minutes=15), runners: int = 3,
             crash_rate: float = 0.25, crashes_per_digest: int = 3,
             slack_error_rate: float = 0.01, outage_rate: float = 0.01,
             seed: int = 7) -> MonthFigures:
    started = time.monotonic()
    rng = random.Random(seed)
    for ch in CHANNELS:
        subscribe(store, ch.channel_id, ch.at, ch.tz, ch.weekdays_only,
                  now=START - dt.timedelta(days=1))
    client = web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=fake.url))
    crasher = _Crasher(crash_rate, crashes_per_digest, seed)
    end = START + dt.timedelta(days=days)
    run_times: list[dt.datetime] = []
    steps = outage_steps = slack_errors = 0
    outage_left = 0

    def one_run(now: dt.datetime) -> None:
        with contextlib.suppress(SimulatedCrash):
            run_due(store, client, theses, now, after_claim=crasher)

    failing_calls: list[int] = []  # index, in Slack's chat.postMessage log, of each refused call
    with ThreadPoolExecutor(max_workers=runners) as pool:
        now = START
        while now < end:
            steps += 1
            if outage_left == 0 and rng.random() < outage_rate:
                outage_left = rng.randint(1, 8)  # up to two hours with nobody running
            if outage_left:
                outage_left -= 1
                outage_steps += 1
            else:
                if rng.random() < slack_error_rate:
                    # The fake answers the next call with the error; calls are logged in order.
                    logged = len(fake.calls_to("chat.postMessage"))
                    failing_calls.append(max(logged, failing_calls[-1] + 1 if failing_calls
                                             else 0))
                    fake.fail("chat.postMessage", "internal_error")
                    slack_errors += 1
                times = [now + dt.timedelta(seconds=rng.randint(0, 50)) for _ in range(runners)]
                run_times += times
                list(pool.map(one_run, times))
            now += step

    refused = set(failing_calls)
    received = [
        (c.params["channel"],
         dt.date.fromisoformat(c.params["metadata"]["event_payload"]["local_date"]))
        for i, c in enumerate(fake.calls_to("chat.postMessage")) if i not in refused
    ]
    posted = Counter(received)
    due = expected_days(CHANNELS, run_times)
    ledger = _ledger(store)
    if set(ledger) != set(posted):
        raise AssertionError(f"ledger and Slack disagree: {set(ledger) ^ set(posted)}")
    return MonthFigures(
        channels=len(CHANNELS), days=days, steps=steps, runs=len(run_times),
        posts_due=len(due), posts_made=len(received),
        duplicates=sum(n - 1 for n in posted.values()),
        misses=len(due - set(posted)), wrong_day_posts=len(set(posted) - due),
        early_posts=sum(1 for pair, at in ledger.items() if _early(pair, at)),
        crashes=crasher.crashes, slack_errors=slack_errors, outage_steps=outage_steps,
        seconds=time.monotonic() - started, missed=sorted(due - set(posted)),
        delivered=received,
    )


def _ledger(store: Engine) -> dict[tuple[str, dt.date], dt.datetime]:
    """(channel, local date) → when the ledger recorded the post."""
    with store.begin() as conn:
        rows = conn.execute(
            select(digest_posts.c.channel_id, digest_posts.c.local_date, digest_posts.c.posted_at)
            .where(digest_posts.c.status == "posted")
        ).all()
    return {(r.channel_id, r.local_date): r.posted_at for r in rows}


def _early(pair: tuple[str, dt.date], posted_at: dt.datetime) -> bool:
    channel = next(ch for ch in CHANNELS if ch.channel_id == pair[0])
    local = posted_at.astimezone(ZoneInfo(channel.tz))
    return local < dt.datetime.combine(pair[1], channel.at, ZoneInfo(channel.tz))
