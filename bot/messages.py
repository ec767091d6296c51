"""Every sentence the bot says to a user or an operator, in one place, so wording is consistent
and tests can assert it exactly."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# -- Card titles, on cards and on the buttons that open them --------------------------------------

CARD_TITLES = {
    "bull": "Bull case",
    "bear": "Bear case",
    "risk": "Key risks",
    "catalyst": "Catalysts",
    "overview": "Overview",
    "figures": "Key figures and sources",
}


def card_label(ticker: str, card: str, point_title: str | None = None) -> str:
    """"BABA · Share Buybacks", "NRGX · Key risks": a thesis's card or point on a button."""
    return f"{ticker} · {point_title or CARD_TITLES.get(card, card.title())}"


def compared(tickers: list[str], card: str | None) -> str:
    """"BABA vs NRGX · Key risks": the title of a comparison."""
    names = " vs ".join(tickers)
    return f"{names} · {CARD_TITLES.get(card, card.title())}" if card else names


# -- Set-up and start (operators) ----------------------------------------------------------------


def knowledge_dir_unreadable(reason: str) -> UserError:
    return UserError(
        f"cannot load theses: {reason}. Pass --knowledge DIR or set THESIS_KNOWLEDGE_DIR.", 2
    )


DATABASE_UNAVAILABLE = (
    "the database (DATABASE_URL) is unavailable. Questions are still answered; until it is "
    "back, /thesis digest on/off/status and 👍/👎 votes fail, and each event is checked against "
    "this process's memory only (two processes could both answer a retried event)")
DATABASE_BACK = "the database (DATABASE_URL) is back: digest settings, votes and the shared " \
    "duplicate-event check work again"


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


def not_sure(question: str) -> str:
    """`question` must already be escaped (bot.render.limits.echo)."""
    return f"I'm not sure what you mean by “{question}”. Pick one, or see how to ask:"


def no_thesis_on(subject: str, covered: str) -> str:
    return f"I don't have a thesis on {subject}. Theses I cover: {covered}."


SEARCH_TITLE = "Across the book"
MORE_IN_FULL_CARD = "More in the full card: Open."
NOTHING_ACROSS_THE_BOOK = "No thesis in the book speaks to that."


def covered_elsewhere(ticker: str, topic: str, other: str) -> str:
    """A named thesis lacks the topic another thesis has."""
    return f"The {ticker} thesis doesn't cover {topic}. {other}'s does:"


def not_in_thesis(ticker: str) -> str:
    return (f"The {ticker} thesis doesn't say: it covers the bull and bear case, risks, "
            "catalysts and their figures, nothing more.")


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


# -- Cards, in Slack and in the terminal --------------------------------------------------------


def thesis_may_be_stale(ticker: str, updated: str, days: int, oldest_figure: str | None,
                        review_every: int | None = None) -> str:
    """A thesis (or a figure in it) older than its `review_every`, else THESIS_STALE_AFTER_DAYS.
    Dates come formatted; `oldest_figure` is given when a figure is older than the thesis date
    itself."""
    ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    every = f", to be reviewed every {review_every} days" if review_every else ""
    lead = f"{ticker} was last updated {updated} ({ago}{every}); "
    if oldest_figure is None:
        return lead + "its figures may be out of date."
    return lead + f"figures as old as {oldest_figure} may be out of date."


def stale_warning(warning: str) -> str:
    return f"⚠️ {warning}"




# -- Digest: the card (Slack mrkdwn and terminal; the renderer escapes analyst text) ---------------

DIGEST_STATUS_BADGES = {"pending": "⏳ pending", "hit": "✅ hit", "missed": "❌ missed"}
DIGEST_DUE_HEADING = "Due soon / just passed"
DIGEST_NO_THESES = "No thesis is loaded yet, so there is nothing to watch."
DIGEST_NO_CATALYSTS = "No catalysts recorded yet."
WHAT_TO_WATCH = "What to watch:"
CONDITION = "Condition"
TIMING = "When"


NEW_NEEDS_COMPANY = 'Give the company\'s name, e.g. thesis new ACME "Acme Corp".'


def bad_ticker(ticker: str) -> str:
    return (f"{ticker!r} is not a ticker. Use capitals, digits, '.' or '-', up to 10 "
            "characters, e.g. thesis new ACME \"Acme Corp\".")


def thesis_file_exists(path: str) -> str:
    return f"{path} already exists. Edit it, or use --force to start it again."


def thesis_file_written(path: str) -> str:
    return (f"Wrote {path}. Replace every TODO with the write-up's words (see "
            "docs/thesis-schema.md), then run thesis validate.")


def validate_warnings(count: int, strict: bool) -> str:
    """After `thesis validate` lists warnings: what they mean for the exit code."""
    noun = f"{count} warning{'s' * (count != 1)}"
    if strict:
        return f"{noun} (--strict): fix them, or run without --strict to accept them."
    return f"{noun}: the theses load; check each against its write-up (--strict fails on them)."


def analyst_watch(who: str) -> str:
    """The label of a "what to watch" line the write-up does not have: whose it is."""
    return f"What to watch (analyst's note, {who})"


def digest_title(weekday: str, date: str) -> str:
    return f"Catalyst digest · {weekday} {date}"


def digest_nothing_due(days: int) -> str:
    return f"Nothing due in the next {days} days."


def digest_thesis_updated(new: str, old: str) -> str:
    """A thesis updated since the channel's last digest (dates formatted)."""
    return f"🆕 Updated since the last digest: {new} (was {old})"


def digest_details(command: str) -> str:
    """`command` is the /thesis command, already marked up for the surface."""
    return f"Details: {command}"


def digest_and_more(count: int, tickers: str) -> str:
    return f"…and {count} more: {tickers}. Ask /thesis TICKER catalysts for each."


def digest_notification(title: str, due: int, theses: int) -> str:
    """The digest's notification text: what a phone shows."""
    what = f"{due} due soon or just passed" if due else "nothing due this week"
    return f"{title}: {what}, across {theses} {'thesis' if theses == 1 else 'theses'}."


def digest_schedule(at: str, tz: str, weekdays_only: bool) -> str:
    """"weekdays at 08:30 Europe/London"."""
    return f"{'weekdays' if weekdays_only else 'every day'} at {at} {tz}"


# -- Digest: /thesis digest on | off | status (Slack mrkdwn) ---------------------------------------

DIGEST_EXAMPLE = "/thesis digest on 08:30 Europe/London"
DIGEST_NEEDS_CHANNEL = ("The digest posts to a channel: run /thesis digest on in the channel "
                        "that wants it.")
DIGEST_INVITE_ME = "If I'm not in this channel yet, invite me with /invite @thesis-bot."


def digest_bad_time(text: str) -> UserError:
    return UserError(f'"{text}" is not a time. Use HH:MM on a 24-hour clock, e.g. 08:30.')


def digest_bad_tz(text: str) -> UserError:
    return UserError(
        f'"{text}" is not a time zone I know. Use an IANA name such as Europe/London '
        "or Asia/Hong_Kong."
    )


def digest_bad_action(word: str) -> UserError:
    return UserError(
        f'"{word}" is not a digest command. Use on, off, status or preview, e.g. {DIGEST_EXAMPLE}.'
    )


def digest_bad_option(word: str) -> UserError:
    return UserError(f'I did not understand "{word}". For example: {DIGEST_EXAMPLE} daily.')


DIGEST_INTERNAL_ERROR = "an internal error; it will be retried"
_SLACK_POST_ERRORS = {
    "not_in_channel": "I am not a member of this channel. Invite me with /invite @thesis-bot",
    "channel_not_found": "Slack cannot find this channel (deleted, or private without me)",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
}


def slack_post_error(code: str) -> str:
    """A Slack error code from chat.postMessage as a sentence naming the fix."""
    return _SLACK_POST_ERRORS.get(code, f"Slack answered `{code}`")


def digest_on(schedule: str, channel_id: str, weekdays_only: bool,
              membership: str = "unknown") -> str:
    """`membership`: "joined" (the bot just joined the channel), "member", or "unknown"."""
    other = "add `daily` to include weekends" if weekdays_only else "`weekdays` to skip weekends"
    tail = {"joined": " I joined this channel to post it.", "member": ""}.get(
        membership, f" {DIGEST_INVITE_ME}")
    return (
        f"Catalyst digest on: {schedule}, here in <#{channel_id}>. "
        f"Change it with /thesis digest on HH:MM Area/City ({other}); "
        f"stop it with /thesis digest off.{tail}"
    )


DIGEST_INVITE_FIRST = ("I'm not in this private channel, so I could not post a digest here. "
                       "Invite me with /invite @thesis-bot, then run /thesis digest on again.")
DIGEST_DATABASE_DOWN = ("The digest settings are unavailable right now (my database is down). "
                        "Questions still work; try this again in a few minutes.")
DIGEST_ARCHIVED = "This channel is archived: no digest can be posted here."


def digest_off(was_subscribed: bool) -> str:
    if was_subscribed:
        return "Catalyst digest off for this channel. Turn it back on with /thesis digest on."
    return f"This channel had no catalyst digest. Turn one on with {DIGEST_EXAMPLE}."


DIGEST_NONE_HERE = (f"This channel has no catalyst digest. Turn one on with {DIGEST_EXAMPLE} "
                    "(weekdays; add `daily` for every day).")
DIGEST_NOTHING_POSTED = "Nothing posted yet."


def digest_status_schedule(schedule: str) -> str:
    return f"Catalyst digest: {schedule}."


def digest_last_posted(date: str) -> str:
    return f"Last posted for {date}."


def digest_failed(date: str, reason: str, retry: str | None) -> str:
    """`retry`: "later today", "next time", or None when `reason` already says it."""
    then = {None: "", "later today": " I will retry shortly.",
            "next time": " I will try again at the next scheduled time."}[retry]
    return f"⚠ The digest for {date} failed: {reason}.{then}"


def digest_unconfirmed(date: str) -> str:
    return (f"⚠ Slack did not confirm the digest for {date} in time. I will look for it in "
            "this channel shortly and post it only if it is not there.")


def digest_history_scope_missing(scopes: str, kind: str = "digest") -> str:
    """Logged when a retried post (`kind`: a digest, a "thesis updated" post) cannot be looked
    for in the channel first."""
    return (f"cannot look for an earlier {kind} before retrying a post: the app lacks {scopes}. "
            f"Add them (manifest.yml lists them) and reinstall the app; until then a {kind} "
            "whose post was cut off may be posted twice.")


def digest_last_error(reason: str) -> str:
    return f"⚠ Last error: {reason}."


# -- Digest: thesis digest … and thesis clock (terminal) -------------------------------------------


def cli_subscribed(channel_id: str, schedule: str) -> str:
    return (f"Subscribed {channel_id}: {schedule}. "
            "The first digest goes out at the next of those times.")


def cli_unsubscribed(channel_id: str, was_subscribed: bool) -> str:
    if was_subscribed:
        return f"Unsubscribed {channel_id}; its post history is kept."
    return f"{channel_id} was not subscribed; nothing to do."


CLI_NO_SUBSCRIPTIONS = ("No channel gets the digest yet. Add one with: "
                        "thesis digest subscribe C0123 --at 08:30 --tz Europe/London")
CLI_NOTHING_POSTED = "nothing posted yet"
CLI_UNCONFIRMED = "Slack did not confirm the post; it is looked for before any retry"


def cli_last_posted(date: str) -> str:
    return f"last posted {date}"


def cli_failed(date: str, reason: str) -> str:
    return f"⚠ {date}: {reason}"


def cli_skipped_thesis(problem: str) -> str:
    return f"thesis: skipped: {problem}"


def cli_bad_date(text: str) -> UserError:
    return UserError(f'"{text}" is not a date. Use YYYY-MM-DD, e.g. --date 2026-11-25.')


def cli_bad_now(text: str) -> UserError:
    return UserError(f'"{text}" is not an ISO-8601 time. Use e.g. --now 2026-11-25T08:30:00+00:00.')


def run_due_summary(when: str, posted: int, failed: list[tuple[str, str]], taken: int,
                    unconfirmed: list[str] | tuple[str, ...] = ()) -> str:
    """What `thesis digest run-due` prints: `failed` holds (channel, error code) pairs;
    `unconfirmed` the channels whose post Slack never answered."""
    if not (posted or failed or taken or unconfirmed):
        return f"{when}: no digest due."
    parts = [f"{posted} posted", *(f"{channel} failed ({error})" for channel, error in failed),
             *(f"{channel} unconfirmed (Slack did not answer; checked before any retry)"
               for channel in unconfirmed)]
    if taken:
        parts.append(f"{taken} already posted or in progress elsewhere")
    return f"{when}: " + ", ".join(parts) + "."


# -- thesis report -----------------------------------------------------------------------------


def report_bad_since(text: str) -> UserError:
    return UserError(f"--since {text!r} is not a span or a date. Use 7d, 24h, 2w or 2026-01-05.")


def report_heading(since: str, ticker: str | None, questions: int, groups: int) -> str:
    scope = f" about {ticker.upper()}" if ticker else ""
    if not questions:
        return f"No unanswered questions{scope} since {since}."
    return (f"Unanswered questions{scope} since {since}: {questions} "
            f"question{'s' if questions != 1 else ''} in {groups} group"
            f"{'s' if groups != 1 else ''}, most asked first.")


# -- thesis diff -------------------------------------------------------------------------------

DIFF_NO_CHANGES = "No change in figures, points or catalysts."


def diff_usage() -> UserError:
    return UserError("give two files (thesis diff OLD.yaml NEW.yaml) or a ticker and --since "
                     "(thesis diff BABA --since 2026-01-01).", 2)


def diff_not_a_thesis(name: str, reason: str) -> UserError:
    return UserError(f"{name} is not a valid thesis ({reason}). Run thesis validate on it.")


def diff_unreadable(name: str, reason: str) -> UserError:
    return UserError(f"cannot read {name}: {reason}. Check the path.")


def diff_no_thesis(ticker: str, folder: str) -> UserError:
    return UserError(f"no thesis file under {folder} has ticker {ticker.upper()}. "
                     "Check the ticker, or pass --knowledge DIR.")


def diff_nothing_before(name: str, since: str) -> UserError:
    return UserError(f"git has no version of {name} before {since}. Pick a later date.")


def diff_git_failed(command: str, stderr: list[str]) -> UserError:
    detail = f": {stderr[0]}" if stderr else ""
    return UserError(f"git {command} failed{detail}. Is the knowledge folder in a git "
                     "repository, and the revision right?")


# -- thesis updated posts ----------------------------------------------------------------------

THESIS_UPDATED_NO_DETAIL = "Only the date moved: no figure, point or catalyst changed."


def thesis_updated_title(ticker: str) -> str:
    return f"{ticker} thesis updated"


def thesis_updated_when(company: str, old: str, new: str) -> str:
    return f"{company}: updated {new} (was {old}). What changed:"


def thesis_updated_more(ticker: str, since: str) -> str:
    """Under a "thesis updated" post too long for one message."""
    return f"… and more changes: `thesis diff {ticker} --since {since}` lists them all."


def thesis_updated_fallback(title: str, when: str) -> str:
    """The post's notification text."""
    return f"{title}: {when}"


def cli_update_posted(ticker: str, channel_id: str) -> str:
    return f"posted {ticker} thesis updated to {channel_id}"


# -- thesis import ---------------------------------------------------------------------------------

IMPORT_ASK_TICKER = "Ticker for this thesis (e.g. ACME): "
IMPORT_NEEDS_TICKER = "no ticker given: pass --ticker T (e.g. thesis import FILE --ticker ACME)."


def import_not_text(path: str, suffix: str) -> str:
    return (f"{path}: a {suffix} file cannot be imported; thesis import reads plain text or "
            "Markdown: save or copy the write-up as .txt or .md and import that.")


def import_missing(path: str) -> str:
    return f"{path} does not exist; give the path of the write-up to import."


def import_unreadable(path: str, reason: str) -> str:
    return f"{path} cannot be read ({reason}); give the path of a write-up file."


def import_too_large(path: str, size: int, limit: int) -> str:
    return (f"{path} is {size:,} bytes, more than the {limit:,} a write-up may have; import "
            "the write-up alone.")


def import_checked(problems: int) -> str:
    if problems:
        return f"{problems} problem{'s' * (problems != 1)} found; nothing written (--check)."
    return "Nothing written (--check); run without --check to write the draft."


def import_invalid(problems: int) -> str:
    return (f"the draft has {problems} problem{'s' * (problems != 1)} (listed above); fix the "
            "write-up and import it again. Nothing was written.")


def import_would_overwrite(path: str) -> str:
    return f"{path} already exists; use -o OUT.yaml to write elsewhere, or --force to replace it."


def import_no_folder(path: str) -> str:
    return f"{path} is not a folder; create it, or use -o OUT.yaml."


def import_written(path: str, counts: str) -> str:
    return (f"Wrote {path}: {counts}. Review the figures marked `review: true` and the notes, "
            "then run thesis validate.")


# -- owners: the weekly note and the App Home ---------------------------------------------------

OWNER_NOTE_TITLE = "Your theses this week"
OWNER_HOME_TITLE = "Your theses"
OWNER_DUE_HEADING = "Due for review"
OWNER_BROKEN_HEADING = "Edits that do not load"
OWNER_QUESTIONS_HEADING = "Questions I could not answer well (past 7 days)"
OWNER_BROKEN_KEPT = "its last good version still answers"
OWNER_BROKEN_NOT_SERVED = "not answering until fixed"


def owner_broken_line(where: str, ticker: str | None, kept: bool, more: int = 0) -> str:
    """`where` is the file's first `file:line: field: message`; `more` problems follow it."""
    state = OWNER_BROKEN_KEPT if kept else OWNER_BROKEN_NOT_SERVED
    about = f"{ticker}: " if ticker else ""
    also = f" and {more} more problem{'s' if more != 1 else ''}" if more else ""
    return f"{where}{also} ({about}{state}). Fix the file, then `thesis validate`."


def owner_question_line(question: str, count: int, card: str, ticker: str | None,
                        point: str | None) -> str:
    times = "once" if count == 1 else f"{count} times"
    wanted = f"; likely wanted {ticker} · {point}" if ticker and point else \
        f"; about {ticker}" if ticker else ""
    return f"“{question}” ({times}; got {card}{wanted})"


def owner_report_hint(tickers: list[str]) -> str:
    example = tickers[0] if tickers else "TICKER"
    return (f"`thesis report --thesis {example}` lists every unanswered question; add a keyword "
            "or a point where one is missing.")


def owner_all_clear(tickers: list[str]) -> str:
    return (f"{', '.join(tickers)}: nothing due for review, every file loads, no unanswered "
            "questions this week.")


def owner_note_fallback(due: int, broken: int, questions: int) -> str:
    parts = [f"{due} due for review" if due else "",
             f"{broken} edit{'s' if broken != 1 else ''} that do not load" if broken else "",
             f"{questions} unanswered question{'s' if questions != 1 else ''}"
             if questions else ""]
    return f"{OWNER_NOTE_TITLE}: " + ", ".join(p for p in parts if p) + "."


def cli_owner_noted(owner: str) -> str:
    return f"sent this week's owner note to {owner}"
