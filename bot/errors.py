"""UserError, and every message for whoever sets up and runs the bot (settings, database,
Slack tokens, the knowledge folder), each naming the fix."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# -- Set-up and start (operators) ----------------------------------------------------------------


def knowledge_dir_unreadable(reason: str) -> UserError:
    """The folder of theses is missing or unreadable: where else to look, or how to start one."""
    return UserError(
        f"cannot load theses: {reason}. Pass --knowledge DIR or set THESIS_KNOWLEDGE_DIR; to "
        'start a new book here, run thesis new TICKER "Company name" (or thesis import '
        "WRITEUP.md).", 2
    )


def knowledge_passing_fault(reason: str, edition: int) -> str:
    return (f"cannot read the knowledge folders just now ({reason}); not an edit: still serving "
            f"edition {edition} and looking again each poll. If it lasts, raise the open-file "
            "limit (ulimit -n) or find what holds so many files open.")


def connections_capped(cap: int, limit: int) -> str:
    return (f"{cap} connections are open, the most this process keeps below its limit of "
            f"{limit} open files: further connections are closed at once until some end "
            "(said at most once a minute). Run more processes, or raise the hard limit "
            "(ulimit -Hn).")


def accept_out_of_resources(reason: str) -> str:
    return (f"cannot accept connections ({reason}): the process is out of file descriptors; "
            "they are accepted again when some are freed (said at most once a minute).")


DATABASE_UNAVAILABLE = (
    "the database (DATABASE_URL) is unavailable. Questions are still answered; until it is "
    "back, /thesis digest on/off/status and 👍/👎 votes fail, and each event, command and "
    "button press is checked against this process's memory only (two processes could both "
    "answer a retried event or a replayed command), as is the "
    "thesis a thread or DM follows up on")
DATABASE_DISK_FULL = (
    "the database (DATABASE_URL) is full: its disk has no space left (or SQLite reached its "
    "max_page_count). Nothing can be written (digest posts, subscriptions, votes) until space "
    "is freed; questions are still answered. Free space on that disk and retry")
DATABASE_BACK = "the database (DATABASE_URL) is back: digest settings, votes and the shared " \
    "duplicate check work again"


def database_write_refused(kind: str, reason: str) -> str:
    """One write the database refused for its data: logged, the database still counts as up."""
    return (f"the database refused one write ({kind}: {reason}); that one record is lost, "
            "nothing else is affected. If this repeats, report it with this line.")


def missing_setting(variable: str, why: str) -> UserError:
    return UserError(f"{variable} is not set: {why}. Set it in the environment and retry.", 2)


SLACK_SETTINGS_WHY = {
    "SLACK_BOT_TOKEN": "the bot posts with it (the xoxb-… Bot User OAuth Token)",
    "SLACK_SIGNING_SECRET": "HTTP mode checks that each request comes from Slack with it "
                            "(Basic Information > App Credentials)",
    "SLACK_APP_TOKEN": "Socket Mode connects with it (an xapp-… app-level token with "
                       "connections:write)",
}


def missing_slack_setting(variable: str) -> UserError:
    """SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN unset, with what it is for."""
    return missing_setting(variable, SLACK_SETTINGS_WHY[variable])


def slack_token_rejected(error: str) -> UserError:
    return UserError(
        f"Slack rejected SLACK_BOT_TOKEN ({error}). Copy the Bot User OAuth Token (xoxb-…) "
        "from your app's OAuth & Permissions page and retry.",
        2,
    )


def slack_unavailable(method: str, answer: str) -> UserError:
    """Slack answered a call with a server error or rate limit: not the token's fault."""
    return UserError(
        f"Slack's Web API could not answer {method} just now ({answer}); that is on Slack's "
        "side, not SLACK_BOT_TOKEN. Retry in a few minutes; https://slack-status.com says "
        "whether Slack is having trouble.",
        2,
    )


def database_url_unsupported(scheme: str) -> UserError:
    return UserError(
        f'DATABASE_URL uses "{scheme}", which thesis-bot does not support. Use '
        "sqlite:///PATH/thesis-bot.db or postgresql://USER:PASSWORD@HOST:5432/NAME.",
        2,
    )


def database_url_invalid(reason: str) -> UserError:
    """`reason` must not quote the URL: it may hold a password."""
    return UserError(
        f"DATABASE_URL is not a valid database URL: {reason}. Use "
        "sqlite:///PATH/thesis-bot.db or postgresql://USER:PASSWORD@HOST:5432/NAME.",
        2,
    )


def default_database_not_shared(process: str) -> UserError:
    return UserError(
        f"DATABASE_URL is not set, so this process ({process}) would keep subscriptions and "
        "the digest ledger in SQLite on its own disk, where the platform's other processes "
        "(web, clock) never see them. Attach PostgreSQL, set DATABASE_URL, and retry.",
        2,
    )


def output_not_encodable(encoding: str) -> str:
    """Once, on stderr, when the terminal cannot show some characters of an answer."""
    return (f"thesis: this terminal's encoding ({encoding}) cannot show some characters; "
            "they are printed as '?'. Set PYTHONIOENCODING=utf-8 to see them all.")


def slack_unreachable(reason: str) -> UserError:
    return UserError(
        f"cannot reach the Slack Web API ({reason}). Check the network or SLACK_API_URL and retry.",
        2,
    )


def chart_scope_missing(error: str) -> str:
    return (f"charts: Slack refused the upload ({error}): the app lacks the files:write scope. "
            "Reinstall the app from manifest.yml (it asks for files:write) to post charts as "
            "images; until then charts are shown as text bars.")


def cli_skipped_thesis(problem: str) -> str:
    return f"thesis: skipped: {problem}"
