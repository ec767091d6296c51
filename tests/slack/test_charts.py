"""A chart in the thread: a mention about market shares gets the card, then a PNG uploaded with
files_upload_v2 (three calls) in the same thread, its alt text listing every value; without
files:write, the bars as text and one log line; a slash answer carries the bars in its card."""

from __future__ import annotations

import json
import logging

import pytest

from bot.render import chart
from bot.slack import charts
from tests.render.block_rules import message_problems
from tests.slack.conftest import Served
from tests.slack.signed import DM, direct_message, mention

QUESTION = "China AI cloud market share by company"
VALUES = ["Alibaba 35.8%", "ByteDance's Volcano Engine 14.8%", "Huawei Cloud 13.1%",
          "Tencent Cloud 7%"]


def test_a_mention_gets_the_card_then_the_chart_uploaded_in_its_thread(served: Served) -> None:
    event = mention(f"<@UBOT> {QUESTION}")
    served.slack.event(event)
    [card] = [c.params for c in served.replies("chat.postMessage")]
    [done] = [c.params for c in served.replies("files.completeUploadExternal")]
    assert card["thread_ts"] == event["ts"]
    assert chart.BAR not in json.dumps(card["blocks"], ensure_ascii=False)  # the PNG has them
    [asked] = served.fake.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == "chart.png"
    assert all(value in asked.params["alt_txt"] for value in VALUES)
    [upload] = served.fake.calls_to("upload_url")
    file_id = upload.path.rsplit("/", 1)[-1]
    assert served.fake.uploads[file_id].startswith(b"\x89PNG")
    assert done["channel_id"] == event["channel"] and done["thread_ts"] == event["ts"]
    assert done["files"][0]["id"] == file_id
    methods = [c.method for c in served.fake.calls if c.method != "auth.test"]
    assert methods.index("chat.postMessage") < methods.index("files.getUploadURLExternal")


def test_a_dm_gets_the_chart_in_the_dm(served: Served) -> None:
    served.slack.event(direct_message(QUESTION))
    [done] = [c.params for c in served.replies("files.completeUploadExternal")]
    assert done["channel_id"] == DM


def test_a_card_without_comparable_figures_uploads_nothing(served: Served) -> None:
    served.slack.event(mention("<@UBOT> BABA risks"))
    served.replies("chat.postMessage")
    assert not served.fake.wait_for("files.getUploadURLExternal", 1, timeout=0.5)


def test_without_files_write_the_thread_gets_text_bars_and_the_log_one_line(
        served: Served, caplog: pytest.LogCaptureFixture) -> None:
    charts._warned.clear()  # said once per process: this test is the process's first
    served.fake.fail("files.getUploadURLExternal", "missing_scope", times=2)
    with caplog.at_level(logging.WARNING, logger="bot.slack.charts"):
        for ts in ("1700000001.000100", "1700000002.000100"):
            event = mention(f"<@UBOT> {QUESTION}", ts=ts)
            served.slack.event(event)
        posts = [c.params for c in served.replies("chat.postMessage", 4)]
    bars = [p for p in posts if chart.BAR in json.dumps(p.get("blocks"), ensure_ascii=False)]
    assert len(bars) == 2 and {p["thread_ts"] for p in bars} == {"1700000001.000100",
                                                                  "1700000002.000100"}
    assert all(not message_problems(p["text"], p["blocks"]) for p in bars)
    assert all(v in bars[0]["text"] for v in VALUES)  # the fallback text has every value
    told = [r for r in caplog.records if "files:write" in r.getMessage()]
    assert len(told) == 1 and "Reinstall the app" in "".join(r.getMessage() for r in told)
    assert not any("Sorry" in json.dumps(p, ensure_ascii=False) for p in posts)


def test_a_slash_answer_carries_the_bars_in_the_card(served: Served) -> None:
    served.slack.command(QUESTION, served.response_url())
    [call] = served.replies("response_url")
    shown = json.dumps(call.params["blocks"], ensure_ascii=False)
    assert "```Alibaba" in shown and chart.BAR in shown
    assert not served.fake.calls_to("files.getUploadURLExternal")
