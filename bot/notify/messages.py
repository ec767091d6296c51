"""Every sentence of the posts made unasked: the digest and its settings, "thesis updated" posts,
owners' weekly notes."""

from __future__ import annotations

from bot.errors import UserError

DIGEST_OVERDUE_HEADING = ("Overdue: the date has passed and no outcome is recorded "
                          "(record one as `status:` in the thesis file)")
DIGEST_NO_THESES = "No thesis is loaded yet, so there is nothing to watch."
DIGEST_NO_CATALYSTS = "No catalysts recorded yet."
DIGEST_HORIZON = "Horizon"
DIGEST_ALL_THESES = "List all theses"


def digest_title(weekday: str, date: str) -> str:
    return f"Catalyst digest · {weekday} {date}"


def digest_due_heading(days: int) -> str:
    return f"Due soon: in the next {days} days, or this month"


def digest_new_heading(first: bool, days: int) -> str:
    """`first`: no digest went to the channel before, so "new" looks back `days` days."""
    return f"New in the past {days} days" if first else "New since the last digest"


def digest_summary(overdue: int, due: int, new: int, days: int, first: bool) -> str:
    """The digest's top line. Never "nothing due" while something is overdue."""
    since = f"in the past {days} days" if first else "since the last digest"
    if not (overdue or due or new):
        return f"Nothing overdue, nothing due in the next {days} days, nothing new {since}."
    parts = [f"{overdue} overdue" if overdue else "",
             f"{due} due in the next {days} days" if due else "",
             f"{new} new {since}" if new else ""]
    return " · ".join(p for p in parts if p) + "."


def digest_thesis_updated(new: str, old: str) -> str:
    """A thesis updated since the channel's last digest (dates formatted)."""
    return f"🆕 thesis updated {new} (was {old})"


def digest_details(command: str) -> str:
    """`command` is the /thesis command (the terminal's digest; Slack's has a button)."""
    return f"Details: {command}"


def digest_items_more(count: int) -> str:
    """Under a list cut to fit one message: the rest are on each thesis's Catalysts card."""
    return f"…and {count} more, later: each thesis's Catalysts button shows them."


def digest_and_more(count: int, tickers: str, named_some: bool) -> str:
    """The theses left out of a digest too long for one message, those due latest;
    `named_some`: `tickers` names only the first of them."""
    rest = ", …" if named_some else ""
    return (f"…and {count} more {'thesis' if count == 1 else 'theses'}, with later dates: "
            f"{tickers}{rest}.")


def digest_notification(title: str, overdue: int, due: int, new: int, theses: int) -> str:
    """The digest's notification text: what a phone shows."""
    parts = [f"{overdue} overdue" if overdue else "", f"{due} due soon" if due else "",
             f"{new} new" if new else ""]
    what = ", ".join(p for p in parts if p) or "nothing overdue or due this week"
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
DIGEST_DATABASE_FULL = ("The digest settings cannot be saved right now: my database is full. "
                        "The team that runs me has been told; questions still work.")
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


def digest_missed(date: str) -> str:
    return (f"⚠ The digest for {date} was not posted: nothing ran within six hours of its "
            "time. Check that `thesis clock` (or a `thesis digest run-due` every minute) is "
            "running.")


def digest_missed_log(channel: str, date: str) -> str:
    """Logged (one line on stderr from `digest run-due`) by the run that finds the miss."""
    return (f"digest for {channel} on {date} missed: no run came within six hours of its time; "
            "it is not posted late. Check that `thesis clock` or a per-minute `thesis digest "
            "run-due` is running")


def digest_history_scope_missing(scopes: str, kind: str = "digest") -> str:
    """Logged when a retried post (`kind`: a digest, a "thesis updated" post) cannot be looked
    for in the channel first."""
    return (f"cannot look for an earlier {kind} before retrying a post: the app lacks {scopes}. "
            f"Add them (manifest.yml lists them) and reinstall the app; until then a {kind} "
            "whose post was cut off may be posted twice.")


def digest_last_error(reason: str) -> str:
    return f"⚠ Last error: {reason}."


def run_due_summary(when: str, posted: int, failed: list[tuple[str, str]], taken: int,
                    unconfirmed: list[str] | tuple[str, ...] = (),
                    missed: list[tuple[str, str]] | tuple[tuple[str, str], ...] = (),
                    skipped: int = 0) -> str:
    """What `thesis digest run-due` prints: `failed` holds (channel, error code) pairs;
    `unconfirmed` the channels whose post Slack never answered; `missed` (channel, date) pairs
    of digests no run came in time for; `skipped` digests not posted because another went out
    less than 12 hours before (a schedule moved)."""
    if not (posted or failed or taken or unconfirmed or missed or skipped):
        return f"{when}: no digest due."
    parts = [f"{posted} posted", *(f"{channel} failed ({error})" for channel, error in failed),
             *(f"{channel} unconfirmed (Slack did not answer; checked before any retry)"
               for channel in unconfirmed),
             *(f"{channel} missed {date} (no run within six hours of its time)"
               for channel, date in missed)]
    if skipped:
        parts.append(f"{skipped} skipped (another digest went out less than 12 hours before)")
    if taken:
        parts.append(f"{taken} already posted or in progress elsewhere")
    return f"{when}: " + ", ".join(parts) + "."


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


# -- owners: the weekly note and the App Home ---------------------------------------------------

OWNER_NOTE_TITLE = "Your theses this week"
OWNER_HOME_TITLE = "Your theses"
OWNER_DUE_HEADING = "Due for review"
OWNER_BROKEN_HEADING = "Edits that do not load"
OWNER_QUESTIONS_HEADING = "Questions I could not answer well (past 7 days)"
OWNER_DRAFTS_HEADING = "Drafts: not answered from until finished"
OWNER_BROKEN_KEPT = "its last good version still answers"
OWNER_BROKEN_NOT_SERVED = "not answering until fixed"


def owner_broken_line(where: str, ticker: str | None, kept: bool, more: int = 0) -> str:
    """`where` is the file's first `file:line: field: message`; `more` problems follow it."""
    state = OWNER_BROKEN_KEPT if kept else OWNER_BROKEN_NOT_SERVED
    about = f"{ticker}: " if ticker else ""
    also = f" and {more} more problem{'s' if more != 1 else ''}" if more else ""
    return f"{where}{also} ({about}{state}). Fix the file, then `thesis validate`."


def owner_draft_line(ticker: str, marked: bool, placeholders: list[str]) -> str:
    """A draft the owner answers for: why it is one (`placeholders` are field paths)."""
    if placeholders:
        shown = ", ".join(placeholders[:3]) + (", …" if len(placeholders) > 3 else "")
        left = (f"{len(placeholders)} TODO placeholder{'s' if len(placeholders) != 1 else ''} "
                f"left ({shown})")
        return (f"{ticker}: {left}. Replace each with the write-up's words"
                + (", then delete `draft: true`." if marked else "."))
    return f"{ticker}: marked `draft: true`. Delete the line when it is ready."


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
    return (f"{', '.join(tickers)}: nothing due for review, no draft, every file loads, no "
            "unanswered questions this week.")


def owner_note_fallback(due: int, broken: int, questions: int, drafts: int = 0) -> str:
    parts = [f"{due} due for review" if due else "",
             f"{drafts} draft{'s' if drafts != 1 else ''}" if drafts else "",
             f"{broken} edit{'s' if broken != 1 else ''} that do not load" if broken else "",
             f"{questions} unanswered question{'s' if questions != 1 else ''}"
             if questions else ""]
    return f"{OWNER_NOTE_TITLE}: " + ", ".join(p for p in parts if p) + "."
