"""Every sentence the bot says to a user or an operator, in one place, so wording is consistent
and tests can assert it exactly."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def knowledge_dir_unreadable(reason: str) -> UserError:
    return UserError(
        f"cannot load theses: {reason}. Pass --knowledge DIR or set THESIS_KNOWLEDGE_DIR.", 2
    )


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


NO_THESES = "No thesis is loaded yet. Add a YAML file under knowledge/ and run `thesis validate`."


# -- Slack ---------------------------------------------------------------------------------------
# Button labels are plain text (75 characters at most); sentences are mrkdwn, so anything that is
# not our own markup is escaped by the renderer before it is put in.

BUTTON_SHARE = "Share in channel"
BUTTON_MORE = "Show more"
BUTTON_HELP = "How to ask"
BUTTON_OPEN = "Open"
BUTTON_UP = "👍 Helpful"
BUTTON_DOWN = "👎 Not helpful"
NAV_LABELS = {
    "overview": "Overview",
    "bull": "Bull",
    "bear": "Bear",
    "catalyst": "Catalysts",
    "risk": "Risks",
    "figures": "Figures",
    "sources": "Sources",
}

SLACK_SORRY = (
    "Sorry, something went wrong on my side while answering that. "
    "Please try again in a minute; if it keeps happening, tell the team that runs me."
)
DID_YOU_MEAN = "Not sure I got that right. Did you mean:"
WHICH_THESIS = "Which company do you mean? I cover:"
TRY_INSTEAD = "Try:"
CONTINUED = "(continued)"
COVERED_TITLE = "Theses I cover"
NO_THESES_SLACK = "I don't cover any thesis yet: the team adds them as YAML files under knowledge/."
HOME_INTRO = "I answer questions about the team's investment theses."
HOME_MORE = "More theses than fit here: type `/thesis list` to see them all."
DIGEST_NOT_AVAILABLE = (
    "The daily digest is not available yet. Ask me about a thesis meanwhile, e.g. `/thesis BABA`."
)


def not_sure(question: str) -> str:
    """`question` must already be escaped (bot.render.limits.echo)."""
    return f"I'm not sure what you mean by “{question}”. Pick one, or see how to ask:"


def no_thesis_on(subject: str, covered: str) -> str:
    return f"I don't have a thesis on {subject}. Theses I cover: {covered}."


def cannot_answer(covered: str) -> str:
    return (
        "I don't know how to answer that: I only know the team's investment theses. "
        f"Theses I cover: {covered}. Ask for example “what are BABA's risks?”, or type help."
    )


def you_asked(question: str) -> str:
    """`question` must already be escaped (bot.render.limits.echo)."""
    return f"You asked: “{question}”"


def shared_by(user_mention: str) -> str:
    return f"Shared by {user_mention}"


def feedback_thanks(helpful: bool) -> str:
    if helpful:
        return "Thanks for the 👍, noted."
    return "Thanks for the 👎, noted: the team reviews these to improve my answers."


def thesis_may_be_stale(ticker: str, updated: str, days: int, oldest_figure: str | None) -> str:
    """A thesis (or a figure in it) older than THESIS_STALE_AFTER_DAYS. Dates come formatted;
    `oldest_figure` is given when a figure is older than the thesis date itself."""
    ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    lead = f"{ticker} was last updated {updated} ({ago}); "
    if oldest_figure is None:
        return lead + "its figures may be out of date."
    return lead + f"figures as old as {oldest_figure} may be out of date."


def stale_warning(warning: str) -> str:
    return f"⚠️ {warning}"


def slack_token_rejected(error: str) -> UserError:
    return UserError(
        f"Slack rejected SLACK_BOT_TOKEN ({error}). Copy the Bot User OAuth Token (xoxb-…) "
        "from your app's OAuth & Permissions page and retry.",
        2,
    )


def slack_unreachable(reason: str) -> UserError:
    return UserError(
        f"cannot reach the Slack Web API ({reason}). Check the network or SLACK_API_URL and retry.",
        2,
    )
