"""The App Home tab, end to end."""

from __future__ import annotations

import json

from tests.slack.block_rules import block_problems
from tests.slack.conftest import Served, calls_after_sentinel
from tests.slack.signed import USER


def home_opened(tab: str = "home") -> dict:
    return {"type": "app_home_opened", "user": USER, "channel": "D0HOME", "tab": tab,
            "event_ts": "1700000000.000100"}


def test_opening_home_publishes_each_thesis_with_summary_date_and_how_to_ask(
        served: Served) -> None:
    assert served.slack.event(home_opened()).status == 200
    [call] = served.replies("views.publish")
    assert call.params["user_id"] == USER
    view = call.params["view"]
    assert view["type"] == "home"
    assert not block_problems(view["blocks"], view=True)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "*BABA* · Alibaba Group" in shown
    assert "Alibaba builds AI infrastructure at scale" in shown
    assert "Updated 27 Nov 2025" in shown
    assert "Ask in plain words" in shown and "/thesis list" in shown


def test_opening_the_messages_tab_publishes_nothing(served: Served) -> None:
    served.slack.event(home_opened("messages"))
    assert calls_after_sentinel(served) == []
