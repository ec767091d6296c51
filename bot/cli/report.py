"""`thesis report`: the questions the bot could not answer well, similar ones grouped."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re

from bot.cli import messages
from bot.questions import Group, Questions, group_questions
from bot.settings import Settings
from bot.store import open_store

_SPAN = re.compile(r"^(\d+)\s*([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """"7d", "24h", "2w", or a date (YYYY-MM-DD, midnight UTC)."""
    match = _SPAN.match(text.strip().lower())
    if match:
        return now - dt.timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise messages.report_bad_since(text) from None
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def format_group(group: Group) -> str:
    wanted = messages.report_wanted(group.ticker, group.point, group.about_no_thesis)
    reasons = ", ".join(f"{r} {n}" for r, n in group.reasons.most_common())
    lines = [f"{group.count:4d}×  {group.question}",
             f"       got: {group.card}   {wanted}   ({reasons})"]
    others = [w for w, _ in group.wordings.most_common() if w != group.question][:3]
    if others:
        lines.append("       also: " + " | ".join(others))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    now = dt.datetime.fromisoformat(args.now) if args.now else dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    since = parse_since(args.since, now)
    questions = Questions(open_store(settings.database_url), settings.question_retention_days,
                          settings.log_users)
    questions.prune(now)
    asked = questions.since(since, [args.thesis] if args.thesis else None)
    groups = group_questions(asked)
    if args.json:
        print(json.dumps({"since": since.isoformat(), "thesis": args.thesis,
                          "questions": len(asked), "groups": [g.as_dict() for g in groups]},
                         ensure_ascii=False, indent=2))
        return 0
    print(messages.report_heading(f"{since:%Y-%m-%d %H:%M} UTC", args.thesis, len(asked),
                                  len(groups)))
    for group in groups:
        print(format_group(group))
    return 0
