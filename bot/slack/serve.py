"""`thesis serve`: Socket Mode when SLACK_APP_TOKEN is set (or --socket), HTTP otherwise
(or --http), under uvicorn: never Bolt's development server."""

from __future__ import annotations

import argparse
import logging
import re
import urllib.error
from typing import Any

from bot import errors
from bot.settings import MissingSetting, Settings, require, require_shared_database


def _require(settings: Settings, *names: str) -> None:
    try:
        require(settings, *names)
    except MissingSetting as exc:
        raise errors.missing_slack_setting(exc.variable) from None


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    socket_mode = bool(getattr(args, "socket", False)) or (
        not getattr(args, "http", False) and settings.slack_app_token is not None)
    _require(settings, "slack_bot_token")
    _require(settings, "slack_app_token" if socket_mode else "slack_signing_secret")
    require_shared_database(settings)
    configure_logging()
    file_limit = raise_file_limit()

    from slack_bolt.error import BoltError

    from bot.book.served import open_book
    from bot.slack.app import create_app

    book = open_book(settings, getattr(args, "knowledge", None))
    engine = book  # answers come from the book's current engine, reloaded as the YAML changes
    try:
        app = create_app(settings, engine, socket_mode=socket_mode)
    except BoltError as exc:
        raise _auth_test_failure(exc) from None
    except (urllib.error.URLError, OSError) as exc:
        raise errors.slack_unreachable(str(getattr(exc, "reason", exc))) from None

    _announce_updates(book, app, settings)
    book.start()
    book.reload_on_sighup()
    if socket_mode:
        from bot.slack.socket import SocketModeHandler  # acks at once after a refresh

        assert settings.slack_app_token is not None
        SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
        return 0

    import uvicorn

    from bot.slack.http import (
        ACCEPT_BACKLOG,
        AcceptOutOfFiles,
        SlackHttp,
        connection_cap,
        guarded_protocol,
    )

    port = args.port or settings.port
    assert settings.slack_signing_secret is not None
    http = SlackHttp(app, health=lambda: {**_health(engine), **app.health()},
                     signing_secret=settings.slack_signing_secret.get_secret_value())
    logging.getLogger("asyncio").addFilter(AcceptOutOfFiles())
    if file_limit:
        logging.getLogger("bot.slack").info(
            "open-file limit %d: at most %d connections at once", file_limit,
            connection_cap(file_limit))
    uvicorn.run(http, host=args.host, port=port, access_log=False, log_config=None,
                http=guarded_protocol(file_limit=file_limit), backlog=ACCEPT_BACKLOG,
                timeout_keep_alive=5, timeout_graceful_shutdown=10)
    return 0


def raise_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit (a server holds a
    descriptor per connection, and 1,024, a common soft default, runs out); the soft limit now
    in force, or 0 where there is none to raise (Windows) or it is unlimited."""
    try:
        import resource
    except ImportError:
        return 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # refused (a container's own ceiling): keep the soft one
            pass
    return 0 if soft == resource.RLIM_INFINITY else soft


def _announce_updates(book: Any, app: Any, settings: Settings) -> None:
    """After each reload, post "thesis updated" to the digest's channels (exactly once per
    update per channel, however many processes see it)."""
    import datetime as dt

    from bot.notify.updates import announce_updates

    store = app.deps.store  # the app's: serve starts without a database (records.Database)

    def announce(_old: Any, new: Any) -> None:
        announce_updates(store, app.client, new.theses.values(), dt.datetime.now(dt.UTC))

    book.on_swap(announce)


class Withheld(logging.Filter):
    """What Slack's libraries would log of a request: a body (the question, the user, the
    response_url, the verification token) or a response_url (anyone holding one can post as
    the bot for 30 minutes) is withheld from the log, whatever the level."""

    _URL = re.compile(r"https://hooks\.slack\.com/[^\s'\",)}]+")
    _BODY = re.compile(r"(body: |for the request \().*", re.DOTALL)

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(("slack_bolt", "slack_sdk")):
            return True
        message = record.getMessage()
        cleaned = self._BODY.sub(r"\1withheld)", self._URL.sub("https://hooks.slack.com/…",
                                                                   message))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging() -> None:
    """One line per record on stderr; Slack's libraries at WARNING (their INFO lines name
    request URLs, response_urls among them), and nothing of a request body, ever."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for name in ("slack_sdk", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, Withheld) for f in handler.filters):
            handler.addFilter(Withheld())



def _health(book: Any) -> dict[str, Any]:
    edition = book.edition
    return {"ok": True, "theses": len(edition.engine.theses), "edition": edition.number,
            "problems": len(edition.problems)}


TOKEN_ERRORS = ("invalid_auth", "not_authed", "account_inactive", "token_revoked",
                "token_expired", "not_allowed_token_type", "no_permission", "ekm_access_denied")


def _auth_test_failure(exc: Exception) -> errors.UserError:
    """Bolt's auth.test failure, told apart: a token Slack refuses, or Slack itself failing
    (HTTP 5xx, a rate limit that outlasted the retries), which no token change would fix."""
    response = getattr(exc.__context__, "response", None)  # the SlackApiError Bolt caught
    status = getattr(response, "status_code", None)
    data = getattr(response, "data", None)
    error = str(data.get("error") or "") if isinstance(data, dict) else ""
    if error in TOKEN_ERRORS or (status == 200 and error not in ("ratelimited", "fatal_error",
                                                                  "internal_error")):
        return errors.slack_token_rejected(error or str(exc).splitlines()[0][:200])
    answer = f"HTTP {status}" if status else "no answer"
    if error:
        answer += f", {error}"
    return errors.slack_unavailable("auth.test", answer)
