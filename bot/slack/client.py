"""The one Slack Web API client factory, shared by the Bolt app and the digest.

Plain slack_sdk, no Bolt: `thesis digest run-due` and `thesis clock` import it without the app.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot import errors
from bot.settings import Settings


def web_client(settings: Settings) -> WebClient:
    """A client with the bot token, pointed at SLACK_API_URL when set (tests point it at a
    fake); it retries a dropped connection once and waits out HTTP 429 (Retry-After) twice.
    Without SLACK_BOT_TOKEN: a UserError naming it."""
    if settings.slack_bot_token is None:
        raise errors.missing_slack_setting("SLACK_BOT_TOKEN")
    base_url = settings.slack_api_url or WebClient.BASE_URL
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1),
                        RateLimitErrorRetryHandler(max_retry_count=2)],
    )
