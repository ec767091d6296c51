"""Charts in a thread: the PNG of a card's bar chart, uploaded beside the card.

A mention or a DM can carry a file (a slash answer cannot: its card has the bars as text). The
upload is files_upload_v2 (files.getUploadURLExternal, the bytes to the upload URL,
files.completeUploadExternal), with every value in its alt text. A workspace that installed the
app before it asked for `files:write` answers `missing_scope`: the thread then gets the bars as
text, and the log says once how to fix it (reinstall the app).
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import errors
from bot.engine.answer import Answer
from bot.render import chart, messages
from bot.render.blocks import render_chart_bars

logger = logging.getLogger("bot.slack.charts")

MAX_ALT_TEXT = 1000  # files.getUploadURLExternal's alt_txt
_SCOPE_ERRORS = ("missing_scope", "not_allowed_token_type", "no_permission")
_warned = threading.Event()


def post_chart(client: WebClient, channel: str, thread_ts: str | None, answer: Answer) -> str:
    """Upload the chart of `answer` (if its figures make one) in the thread; on a missing
    scope, post the bars as text. Returns what happened: "none", "uploaded" or "text"."""
    found = chart.series(answer)
    if found is None:
        return "none"
    try:
        client.files_upload_v2(channel=channel, thread_ts=thread_ts,
                               file=chart.draw_png(found),
                               filename=messages.CHART_FILENAME, title=chart.title(found),
                               alt_txt=chart.alt_text(found)[:MAX_ALT_TEXT])
        return "uploaded"
    except SlackApiError as exc:
        error = str(exc.response.get("error", ""))
        if error in _SCOPE_ERRORS:
            if not _warned.is_set():
                _warned.set()
                logger.warning(errors.chart_scope_missing(error))
        else:
            logger.warning("chart upload failed (%s): showing the bars as text", error)
    bars = render_chart_bars(found)
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=bars.text,
                            blocks=bars.blocks, unfurl_links=False, unfurl_media=False)
    return "text"
