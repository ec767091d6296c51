"""manifest.yml asks for exactly what the app uses: its scopes are those of the Web API methods
the app and the digest call, of the events it listens to, and of its one slash command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from bot.slack.http import EVENTS_PATH
from bot.slack.slash import COMMAND
from tests.slack.conftest import Served
from tests.slack.signed import direct_message, mention

ROOT = Path(__file__).resolve().parents[2]
METHOD_SCOPES = {"chat.postMessage": {"chat:write"}, "users.info": {"users:read"},
                 "views.publish": set(), "auth.test": set(), "response_url": set(),
                 # a digest retried looks for its earlier post, in public and private channels
                 "conversations.history": {"channels:history", "groups:history"},
                 # /thesis digest on: join a public channel; in a private one, am I in it?
                 "conversations.join": {"channels:join"}, "conversations.info": {"groups:read"},
                 # a chart in the thread: files_upload_v2's three steps
                 "files.getUploadURLExternal": {"files:write"}, "upload_url": set(),
                 "files.completeUploadExternal": {"files:write"}}
EVENT_SCOPES = {"app_mention": {"app_mentions:read"}, "message.im": {"im:history"},
                "app_home_opened": set()}


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def run_a_retried_digest(served: Served) -> None:
    """What `thesis digest run-due` calls when a post must be retried."""
    from bot.notify.delivery import run_due
    from bot.notify.subscriptions import subscribe
    from bot.settings import Settings
    from bot.slack.client import web_client
    from bot.store import open_store

    store = open_store(served.database_url)
    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    subscribe(store, "CDIGEST", dt.time(8, 30), "Europe/London", now=now - dt.timedelta(1))
    client = web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=served.fake.url))
    served.fake.fail("chat.postMessage", "internal_error")
    run_due(store, client, [], now)
    assert run_due(store, client, [], now + dt.timedelta(minutes=3)).posted


def test_manifest_scopes_are_exactly_what_the_app_uses(served: Served) -> None:
    served.slack.event(mention("<@UBOT> BABA risks"))
    served.slack.event(direct_message("BABA bull"))
    served.replies("chat.postMessage", 2)
    served.slack.event(mention("<@UBOT> China AI cloud market share by company"))
    served.replies("files.completeUploadExternal")
    served.slack.event({"type": "app_home_opened", "user": "U0ASKER", "tab": "home"})
    served.replies("views.publish")
    served.slack.command("digest on 08:30", served.response_url())
    served.replies("response_url")
    served.slack.command("digest off", served.response_url())
    served.replies("response_url", 2)
    served.slack.command("digest on 08:30", served.response_url(), channel_id="G0PRIVATE")
    served.replies("response_url", 3)
    run_a_retried_digest(served)
    called = {c.method for c in served.fake.calls}
    assert called <= set(METHOD_SCOPES), called - set(METHOD_SCOPES)
    data = manifest()
    events = data["settings"]["event_subscriptions"]["bot_events"]
    needed = set().union(*(METHOD_SCOPES[m] for m in called),
                         *(EVENT_SCOPES[e] for e in events), {"commands"})
    assert set(data["oauth_config"]["scopes"]["bot"]) == needed
    assert set(events) == set(EVENT_SCOPES)


def test_manifest_points_every_url_at_the_one_endpoint() -> None:
    data = manifest()
    [command] = data["features"]["slash_commands"]
    assert command["command"] == COMMAND
    urls = [command["url"], data["settings"]["event_subscriptions"]["request_url"],
            data["settings"]["interactivity"]["request_url"]]
    assert all(u == f"https://YOUR-APP-HOST{EVENTS_PATH}" for u in urls)
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["features"]["app_home"]["home_tab_enabled"] is True


def test_procfile_runs_http_on_port_and_socket_mode_worker() -> None:
    lines = dict(line.split(": ", 1) for line in
                 (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert lines["web"] == "thesis serve --http --port $PORT"
    assert lines["worker"] == "thesis serve --socket"
