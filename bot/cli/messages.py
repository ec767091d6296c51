"""Every sentence the `thesis` subcommands print (ask, new, validate, import, diff, report,
digest, upgrade)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import UserError

if TYPE_CHECKING:
    from bot.knowledge.loader import Problem
    from bot.knowledge.upgrade import Edit

NEW_NEEDS_COMPANY = 'Give the company\'s name, e.g. thesis new ACME "Acme Corp".'


def bad_ticker(ticker: str) -> str:
    return (f"{ticker!r} is not a ticker. Use capitals, digits, '.' or '-', up to 10 "
            "characters, e.g. thesis new ACME \"Acme Corp\".")


def thesis_file_exists(path: str) -> str:
    return f"{path} already exists. Edit it, or use --force to start it again."


def folder_created(folder: str) -> str:
    return f"Created {folder}/, the folder the bot reads theses from."


def cannot_create_folder(folder: str, reason: str) -> str:
    return f"cannot create the knowledge folder {folder} ({reason}). Pass --knowledge DIR."


def thesis_file_written(path: str) -> str:
    return (f"Wrote {path}, a draft: the bot answers \"it is a draft\" until every TODO is "
            "replaced with the write-up's words (see docs/thesis-schema.md). Then run thesis "
            "validate --strict.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def validate_summary(*, files: int, knowledge_dir: str, intents: int, intents_dir: str,
                     problems: int, warnings: int, unreviewed: int, strict: bool) -> str:
    """The last line of `thesis validate`: the verdict its exit code gives ("Valid" for 0,
    "Not valid" for 1), what was read, the run's counts and what to do."""
    counts = (f"{_count(files, 'thesis file')} in {knowledge_dir}, "
              f"{_count(intents, 'intent')} in {intents_dir}; {_count(problems, 'problem')}, "
              f"{_count(warnings, 'warning')}, {_count(unreviewed, 'unreviewed figure')}")
    if problems:
        return f"Not valid: {counts}. Fix the problems and run thesis validate again."
    if strict and warnings:
        return (f"Not valid (--strict): {counts}. Fix the warnings, or run without --strict to "
                "accept them.")
    if warnings:
        return f"Valid: {counts}. Check each warning against the write-up (--strict fails on them)."
    return f"Valid: {counts}."


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
CLI_MISSED = "missed: no run came within six hours of its time (is `thesis clock` running?)"


def cli_last_posted(date: str) -> str:
    return f"last posted {date}"


def cli_failed(date: str, reason: str) -> str:
    return f"⚠ {date}: {reason}"


def cli_bad_date(text: str) -> UserError:
    return UserError(f'"{text}" is not a date. Use YYYY-MM-DD, e.g. --date 2026-11-25.')


def cli_bad_now(text: str) -> UserError:
    return UserError(f'"{text}" is not an ISO-8601 time. Use e.g. --now 2026-11-25T08:30:00+00:00.')


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


def report_wanted(ticker: str | None, point: str | None, no_thesis: bool) -> str:
    """What a group of questions was about, as the engine decided it: a thesis (and the point
    they likely wanted), no thesis in the book, or no one thesis of several."""
    if ticker:
        return f"likely wanted: {ticker}" + (f" · {point}" if point else "")
    if no_thesis:
        return "about no thesis in the book"
    return "about no one thesis (several fit)"


# -- thesis diff -------------------------------------------------------------------------------

def ask_stdin_unreadable(reason: str) -> UserError:
    return UserError(f"cannot read questions from standard input: {reason}. Pipe them in "
                     "(thesis ask - < questions.txt), or give one question as an argument.", 2)


DIFF_NO_CHANGES = "No change in figures, points or catalysts."


def diff_usage() -> UserError:
    return UserError("give two files (thesis diff OLD.yaml NEW.yaml) or a ticker and --since "
                     "(thesis diff BABA --since 2026-01-01).", 2)


DIFF_RUN_VALIDATE = "Run thesis validate on it."
DIFF_PICK_ANOTHER = "Pick another revision or date."


def diff_not_a_thesis(name: str, problems: list[Problem], advice: str) -> UserError:
    """A version `thesis diff` cannot read, even upgraded from the previous schema: each of its
    problems, as validate prints them."""
    if len(problems) == 1:
        only = problems[0]
        return UserError(f"{name} is not a valid thesis (line {only.line}: {only.field}: "
                         f"{only.message}). {advice}")
    listed = "".join(f"\n  {problem}" for problem in problems)
    return UserError(f"{name} is not a valid thesis ({len(problems)} problems):{listed}\n"
                     f"{advice}")


def diff_new_since(ticker: str, name: str, since: str, rev: str, counts: dict[str, int]) -> str:
    """`thesis diff T --since REV` for a file git did not have at REV."""
    at = f" ({rev})" if rev else ""
    return (f"{ticker}: {name} is new since {since}{at}: {counts['figures']} figures, "
            f"{counts['bull']} bull points, {counts['bear']} bear points, "
            f"{counts['catalysts']} catalysts.")


def diff_unreadable(name: str, reason: str) -> UserError:
    return UserError(f"cannot read {name}: {reason}. Check the path.")


def diff_no_thesis(ticker: str, folder: str) -> UserError:
    return UserError(f"no thesis file under {folder} has ticker {ticker.upper()}. "
                     "Check the ticker, or pass --knowledge DIR.")


def diff_bad_revision(since: str) -> UserError:
    return UserError(f"{since!r} is not a revision: a revision cannot start with '-'. "
                     "Give a commit, a tag or a date (--since 2026-01-01).", 2)


def diff_unknown_revision(since: str) -> UserError:
    return UserError(f"git knows no commit {since!r} in the knowledge folder's repository. "
                     "Check the revision (git log), or give a date (--since 2026-01-01).")


def diff_git_failed(command: str, stderr: list[str]) -> UserError:
    detail = f": {stderr[0]}" if stderr else ""
    return UserError(f"git {command} failed{detail}. Is the knowledge folder in a git "
                     "repository, and the revision right?")


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


def import_would_not_load(path: str, field: str, problem: str) -> str:
    if field == "(file)":
        return f"nothing was written: the bot would refuse the draft {path}, which {problem}."
    return (f"nothing was written: the bot would refuse the draft {path} ({field}: {problem}). "
            "Fix the write-up and import it again.")


def import_would_overwrite(path: str) -> str:
    return f"{path} already exists; use -o OUT.yaml to write elsewhere, or --force to replace it."


def import_no_folder(path: str) -> str:
    return f"{path} is not a folder; create it, or use -o OUT.yaml."


def import_written(path: str, counts: str) -> str:
    return (f"Wrote {path}: {counts}. Review the figures marked `review: true` and the notes, "
            "then run thesis validate.")


def cli_owner_noted(owner: str) -> str:
    return f"sent this week's owner note to {owner}"


# -- thesis upgrade --------------------------------------------------------------------------------

UPGRADE_NOT_YAML = "is not valid YAML; run thesis validate on it, fix it, then upgrade it"


def upgrade_no_target(path: str) -> str:
    return f"{path} does not exist. Give a thesis file or a folder of them (default knowledge/)."


def upgrade_skipped(path: str, reason: str) -> str:
    return f"{path}:1: (file): not upgraded: {reason}"


def upgrade_edit(path: str, line: int, field: str, edit: Edit) -> str:
    """One change `thesis upgrade` made (or would make), or what it leaves to a person."""
    where = f"{path}:{line}: {field}:"
    if edit.kind == "timing":
        return f"{where} window {edit.old!r} → {edit.new}"
    if edit.kind == "condition":
        return (f"{where} window {edit.old!r} → {edit.new} (the text's \"if …\": a condition, "
                "not a date)")
    if edit.kind == "window_no_date":
        return (f"{where} window {edit.old!r} removed: its label gives no date; add `timing:` "
                "if the text gives one")
    if edit.kind == "window_redundant":
        return f"{where} window {edit.old!r} removed: the catalyst already has its date"
    if edit.kind == "status_removed":
        return f"{where} `status: {edit.old}` removed (a catalyst nobody judged shows no status)"
    if edit.kind == "by_hand":
        return (f"{where} not upgraded: its catalysts are not written one field a line; "
                "rewrite `window:` as `timing:` (or `condition:`) and drop `status: pending` "
                "by hand")
    return (f"{where} `status: {edit.old}` left as it is: say who judged it and when, "
            f"`status: {{value: {edit.old}, by: NAME, date: YYYY-MM-DD}}`")


def upgrade_summary(changed: int, edits: int, current: int, left: int, failed: int,
                    check: bool) -> str:
    """The last line of `thesis upgrade`: what was (or would be) rewritten, what is left."""
    files = f"{changed} file{'s' * (changed != 1)} ({edits} change{'s' * (edits != 1)})"
    if not changed:
        parts = ["No file needs upgrading" if check else "No file needed upgrading"]
    else:
        parts = [f"{files} would be upgraded" if check else f"Upgraded {files}"]
    if current:
        parts.append(f"{current} already current")
    if left:
        parts.append(f"{left} left for you (above)")
    if failed:
        parts.append(f"{failed} not read (above)")
    then = (" Nothing written (--check)." if check else
            " Run thesis validate." if changed else "")
    return "; ".join(parts) + "." + then
