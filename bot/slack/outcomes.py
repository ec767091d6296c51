"""How each request ends, written down: one log line per request (what, who, status, latency,
outcome) and one per answer delivered after the ack; a failure is logged with its traceback and
the user gets a fixed, friendly sentence, never the exception text.

Never logged: tokens, signing secrets, request headers, or the text users type.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse, Respond

from bot.render import messages

logger = logging.getLogger("bot.slack")

RECEIVED_AT = "thesis_received_at"  # context key: monotonic time the request arrived
OUTCOME = "thesis_outcome"  # context key: what the ack step decided ("ignored: edit", …)


def describe(body: dict[str, Any]) -> str:
    """What a request is, in a few words: "command /thesis", "event app_mention", … Safe on a
    body of any shape (it names misshapen ones too)."""
    kind = body.get("type")
    if "command" in body:
        return f"command {_word(body.get('command'))}"
    if kind == "event_callback":
        event = _object(body.get("event"))
        subtype = f"/{_word(event['subtype'])}" if event.get("subtype") else ""
        return f"event {_word(event.get('type'))}{subtype}"
    if kind == "block_actions":
        actions = body.get("actions")
        ids = ",".join(_word(_object(a).get("action_id"))
                       for a in (actions if isinstance(actions, list) else []))
        return f"action {ids}"
    return _word(kind or "unknown")


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _word(value: object) -> str:
    """A value for the log line: text as it is (cut), anything else by its type."""
    return value[:80] if isinstance(value, str) else (
        "None" if value is None else f"<{type(value).__name__}>")


def _who(body: dict[str, Any]) -> str:
    event = _object(body.get("event"))
    user = body.get("user")
    user_id = (user.get("id") if isinstance(user, dict) else None) or body.get("user_id") \
        or event.get("user")
    return _word(user_id) if user_id else "-"


def log_misshapen(body: dict[str, Any], problem: str) -> None:
    """One line for a signed payload not shaped as Slack sends it (bot.slack.shapes): acked and
    otherwise ignored."""
    logger.info("request %s user=- status=200 outcome=ignored: misshapen payload (%s)",
                describe(body), problem)


def log_request(request: BoltRequest, response: BoltResponse, seconds: float) -> None:
    body = request.body if isinstance(request.body, dict) else {}
    outcome = request.context.get(OUTCOME)
    if outcome is None:
        outcome = {200: "acked", 401: "rejected: bad or old signature",
                   404: "unhandled"}.get(response.status, "failed")
    event_id = body.get("event_id")
    logger.info("request %s user=%s%s status=%s outcome=%s ack_ms=%.1f",
                describe(body), _who(body), f" event_id={event_id}" if event_id else "",
                response.status, outcome, seconds * 1000)


def mark_received(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002
    """Global middleware: note when the request arrived, for the answer's total latency."""
    context[RECEIVED_AT] = time.monotonic()
    next()


@dataclass
class Report:
    """Filled in by the work done after the ack: what it answered, or why it did not."""

    outcome: str = "answered"
    card: str | None = None


@contextmanager
def answering(what: str, context: BoltContext,
              apologize: Callable[[str], object] | None = None) -> Iterator[Report]:
    """Wraps the work done after the ack: logs its outcome and latency; on failure logs the
    traceback and tells the user SLACK_SORRY (via `apologize`)."""
    started = time.monotonic()
    report = Report()
    try:
        yield report
    except Exception:
        report.outcome = "error"
        logger.exception("failed to answer %s", what)
        if apologize is not None:
            try:
                apologize(messages.SLACK_SORRY)
            except Exception:
                logger.exception("could not tell the user about the failure of %s", what)
    finally:
        now = time.monotonic()
        received = context.get(RECEIVED_AT)
        total = f" total_ms={(now - received) * 1000:.1f}" if isinstance(received, float) else ""
        logger.info("answer %s outcome=%s card=%s work_ms=%.1f%s", what, report.outcome,
                    report.card or "-", (now - started) * 1000, total)


class DeliveryFailed(Exception):
    """Slack did not accept a message sent to a response_url."""


def deliver(respond: Respond, **message: Any) -> None:
    """Send through the response_url, raising when Slack refuses (an expired URL, a bad
    message): `respond` itself only returns the status."""
    response = respond(**message)
    if response.status_code != 200:
        raise DeliveryFailed(f"response_url answered {response.status_code}: "
                             f"{str(response.body)[:200]}")


def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Bolt's app.error: an exception before the ack. Logged with its traceback; a slash
    command gets the friendly sentence, everything else an empty 200 (a retry would fail
    the same way)."""
    logger.error("failed to handle %s", describe(body if isinstance(body, dict) else {}),
                 exc_info=error)
    if isinstance(body, dict) and "command" in body:
        return BoltResponse(status=200, body={"response_type": "ephemeral",
                                              "text": messages.SLACK_SORRY})
    return BoltResponse(status=200, body="")
