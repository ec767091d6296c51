"""`thesis serve`: Socket Mode when SLACK_APP_TOKEN is set (or --socket), HTTP otherwise
(or --http), under uvicorn: never Bolt's development server."""

from __future__ import annotations

import argparse
import logging
import urllib.error
from typing import Any

from bot import messages
from bot.settings import MissingSetting, Settings, require


def _require(settings: Settings, *names: str) -> None:
    try:
        require(settings, *names)
    except MissingSetting as exc:
        raise messages.missing_slack_setting(exc.variable) from None


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    socket_mode = bool(getattr(args, "socket", False)) or (
        not getattr(args, "http", False) and settings.slack_app_token is not None)
    _require(settings, "slack_bot_token")
    _require(settings, "slack_app_token" if socket_mode else "slack_signing_secret")
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")

    from slack_bolt.error import BoltError

    from bot.book import open_book
    from bot.slack.app import create_app

    book = open_book(settings, getattr(args, "knowledge", None))
    engine = book  # answers come from the book's current engine, reloaded as the YAML changes
    try:
        app = create_app(settings, engine, socket_mode=socket_mode)
    except BoltError as exc:
        raise messages.slack_token_rejected(_slack_error(str(exc))) from None
    except (urllib.error.URLError, OSError) as exc:
        raise messages.slack_unreachable(str(getattr(exc, "reason", exc))) from None

    _announce_updates(book, app, settings)
    book.start()
    book.reload_on_sighup()
    if socket_mode:
        from bot.slack.socket import SocketModeHandler  # acks at once after a refresh

        assert settings.slack_app_token is not None
        SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
        return 0

    import uvicorn

    from bot.slack.http import SlackHttp

    port = args.port or settings.port
    http = SlackHttp(app, health=lambda: {**_health(engine), **app.health()})  # type: ignore
    uvicorn.run(http, host=args.host, port=port, access_log=False, log_config=None,
                timeout_graceful_shutdown=10)
    return 0


def _announce_updates(book: Any, app: Any, settings: Settings) -> None:
    """After each reload, post "thesis updated" to the digest's channels (exactly once per
    update per channel, however many processes see it)."""
    import datetime as dt

    from bot.updates import announce_updates

    store = app.deps.store  # the app's: serve starts without a database (records.Database)

    def announce(_old: Any, new: Any) -> None:
        announce_updates(store, app.client, new.theses.values(), dt.datetime.now(dt.UTC))

    book.on_swap(announce)


def _health(book: Any) -> dict[str, Any]:
    edition = book.edition
    return {"ok": True, "theses": len(edition.engine.theses), "edition": edition.number,
            "problems": len(edition.problems)}


def _slack_error(text: str) -> str:
    """The error code in Bolt's auth.test failure message ("… (error: invalid_auth)")."""
    for code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked",
                 "token_expired"):
        if code in text:
            return code
    return text.splitlines()[0][:200]
