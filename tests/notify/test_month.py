"""A month of runs every 15 minutes from two clocks, with outages, crashes between claim and
post, and Slack errors: exactly one post per channel per due local day, none on weekends for
weekday channels, none before its time."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import Engine

from bot.knowledge.models import Thesis
from tests.fake_slack import FakeSlack
from tests.notify.helpers import posted_days
from tests.notify.month import CHANNELS, simulate


@pytest.mark.slow
def test_a_month_with_crashes_posts_each_due_digest_exactly_once(
        store: Engine, fake_slack: FakeSlack, baba: Thesis,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="bot.notify.delivery")
    figures = simulate(store, fake_slack, [baba], runners=2)  # bench/digest_month.py runs 3

    assert figures.crashes > 20 and figures.slack_errors > 5 and figures.outage_steps > 0
    assert figures.posts_due > 150
    assert (figures.posts_made, figures.duplicates, figures.misses) == (figures.posts_due, 0, 0)
    assert (figures.wrong_day_posts, figures.early_posts) == (0, 0)

    weekday_only = {ch.channel_id for ch in CHANNELS if ch.weekdays_only}
    assert [(ch, day) for ch, day in figures.delivered
            if ch in weekday_only and day.weekday() >= 5] == []
    london = [day for ch, day in figures.delivered if ch == "C_LONDON"]
    assert len(london) == len(set(london)) == 22  # the weekdays from 15 Oct to 14 Nov 2026
    sydney = [day for ch, day in figures.delivered if ch == "C_SYDNEY"]
    # Daily, weekends included; Sydney (UTC+11) sees 15 Oct to 15 Nov: 32 local days.
    assert len(sydney) == len(set(sydney)) == 32
    # Slack saw the refused calls too, each retried: every (channel, day) it saw was delivered.
    assert {(ch, dt.date.fromisoformat(d)) for ch, d in posted_days(fake_slack)} == set(
        figures.delivered)
