"""The HTTP endpoint itself: only Slack's signed, fresh requests get through; health for the
platform; everything acknowledged fast."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import eventually
from tests.slack.conftest import Served, calls_after_sentinel
from tests.slack.signed import command_body, event_body, mention, signed_headers

FORM = "application/x-www-form-urlencoded"


def test_forged_signature_is_rejected_with_401_and_nothing_happens(served: Served) -> None:
    body = command_body("BABA risks", served.response_url())
    headers = signed_headers(body, FORM, secret="not-the-real-secret")
    assert served.slack.post(body, FORM, headers=headers).status == 401
    assert calls_after_sentinel(served) == []


def test_request_older_than_five_minutes_is_rejected_with_401(served: Served) -> None:
    body = event_body(mention("<@UBOT> BABA risks"))
    stale = signed_headers(body, "application/json", timestamp=int(time.time()) - 6 * 60)
    assert served.slack.post(body, "application/json", headers=stale).status == 401
    assert calls_after_sentinel(served) == []


def test_unsigned_and_tampered_requests_are_rejected(served: Served) -> None:
    body = command_body("BABA risks", served.response_url())
    assert served.slack.post(body, FORM, headers={"Content-Type": FORM}).status == 401
    headers = signed_headers(body, FORM)
    tampered = body.replace("BABA", "ABAB")
    assert served.slack.post(tampered, FORM, headers=headers).status == 401


def test_url_verification_echoes_the_challenge(served: Served) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    reply = served.slack.post(body, "application/json")
    assert reply.status == 200 and json.loads(reply.body) == {"challenge": "c-123"}


def test_healthz_answers_ok(served: Served) -> None:
    reply = served.slack.request("GET", "/healthz")
    assert reply.status == 200 and json.loads(reply.body)["ok"] is True


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/slack/events", 405), ("POST", "/healthz", 405), ("GET", "/nope", 404)])
def test_other_paths_and_methods(served: Served, method: str, path: str, status: int) -> None:
    assert served.slack.request(method, path).status == status


def test_an_oversized_body_is_refused(served: Served) -> None:
    body = "x" * 1_100_000
    assert served.slack.post(body, FORM).status == 413


def test_acks_are_fast(served: Served) -> None:
    timings = []
    for _ in range(20):
        reply = served.slack.command("BABA risks", served.response_url())
        assert reply.status == 200
        timings.append(reply.seconds)
    served.replies("response_url", 20)
    assert sorted(timings)[-2] < 0.1


def test_each_request_is_logged_with_latency_and_outcome_and_no_secret(
        served: Served, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="bot.slack"):
        served.slack.command("BABA risks", served.response_url())
        served.replies("response_url")
        served.slack.event(mention("<@UBOT> BABA", subtype="message_changed"))
        body = command_body("x", served.response_url())
        served.slack.post(body, FORM, headers=signed_headers(body, FORM, secret="forged"))
        assert eventually(lambda: any("answer command /thesis outcome=answered" in r.getMessage()
                                      for r in caplog.records))
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("request command /thesis user=U0ASKER status=200 outcome=acked "
                               "ack_ms=") for line in lines)
    assert any("answer command /thesis outcome=answered card=risk work_ms=" in line
               and "total_ms=" in line for line in lines)
    assert any("outcome=ignored: subtype message_changed" in line for line in lines)
    assert any("status=401 outcome=rejected" in line for line in lines)
    logged = "\n".join(lines) + caplog.text
    for secret in ("xoxb-test-token", "test-signing-secret", "legacy-verification-token",
                   "BABA risks"):
        assert secret not in logged


def test_answers_wait_for_acks_in_flight_but_not_forever() -> None:
    from bot.slack.app import AckFirst

    gate = AckFirst(patience=0.2)
    started = time.monotonic()
    gate.wait_turn()
    assert time.monotonic() - started < 0.05  # nothing in flight: no wait
    with gate.acking():
        started = time.monotonic()
        gate.wait_turn()
        assert 0.15 < time.monotonic() - started < 0.5  # held back, then let go
