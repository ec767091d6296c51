"""`thesis new TICKER "Company name"`: a commented starter thesis that validates, to fill in."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re

from bot import errors
from bot.cli import messages
from bot.settings import Settings

TICKER = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")

STARTER = """\
# {ticker} thesis, transcribed from its write-up. Replace every TODO, then: thesis validate
# Every field, with its allowed forms and an example: docs/thesis-schema.md
#
# Transcribe, don't interpret: texts, figures, dates and conditions exactly as the write-up
# gives them, at its precision ("March 2027" stays a month, "if … through 2026" is a
# condition). Lookup data (ticker, aliases, other_companies, headquarters, keywords) is yours:
# it helps questions find this thesis and is never shown as a claim.
ticker: {ticker}
company: {company}
aliases: []          # other names a question may use: exchange codes, short or local names
other_companies: []  # companies the text names but this thesis does not cover
# headquarters: Hangzhou   # the head office's city, if a desk calls it "the Hangzhou name"
title: "TODO: the write-up's title"
summary: "TODO: its one-line summary"
# sector: Technology   # only if the write-up gives one
updated: {today}     # the write-up's "Updated" date
sources:
  # The write-up itself comes first: a figure without `source` cites it. Add a source only
  # when the text names who published a number ("the street forecasts …"); where a thing is
  # ("models on Hugging Face") is not a source. A date only if the text gives one.
  - id: thesis-document
    title: "TODO: the write-up's title"
    date: {today}
figures:
  # Every number the texts quote, once: value and unit as written; the word before it
  # (qualifier: over, more than, about, up to …) and what the text compares it with
  # (comparison: "double the second-place competitor") are data too.
  - id: revenue-growth
    subject: {company}
    measure: "TODO: what the number measures, e.g. revenue growth, year-over-year"
    value: 10
    unit: percent      # open: percent, usd_billion, x, GW, GWh, months, "% of annual GDP" …
    period: Q3 2025    # as written; keep it out of measure
bull:
  - id: growth
    title: "TODO: the bull point's heading"
    summary: "TODO: its one-liner as written, e.g. Revenue grew 10% in Q3 2025."
    detail: "TODO: its full text as written, e.g. Revenue grew 10% year-over-year in Q3 2025."
    figures: [revenue-growth]   # every figure this text quotes
    sources: [thesis-document]
bear: []
catalysts:
  - id: launch
    title: "TODO: the catalyst's heading"
    horizon: near      # near | medium | long: the heading the text puts it under
    detail: "TODO: its full text as written, e.g. The launch is due by March 2027."
    timing: by March 2027   # a day, month, quarter, half or year, as the text gives it
    sources: [thesis-document]
    # condition: "If …"         # the text's "if", as written: shown as a condition
    # watch: "…"                # only what the text itself says to watch
    # analyst_watch: {{text: "your own line", by: "Your Name"}}   # shown as yours
    # status: {{value: hit, by: "Your Name", date: 2027-04-02}}     # leave out until judged
"""


def starter(ticker: str, company: str, today: dt.date) -> str:
    """The starter file's text: it loads and validates, and is a draft (its TODOs) until they
    are all replaced, so `validate --strict` fails and nothing is answered from it."""
    return STARTER.format(ticker=ticker, company=json.dumps(company, ensure_ascii=False),
                          today=today.isoformat())


def run(args: argparse.Namespace) -> int:
    ticker = args.ticker.strip().upper()
    if not TICKER.match(ticker):
        raise errors.UserError(messages.bad_ticker(args.ticker))
    company = " ".join(args.company.split())
    if not company:
        raise errors.UserError(messages.NEW_NEEDS_COMPANY)
    folder = args.knowledge or Settings().knowledge_dir
    created = not folder.exists()
    if created:  # the first step of a new team: its knowledge folder comes with it
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise errors.UserError(messages.cannot_create_folder(str(folder),
                                                                 exc.strerror or str(exc))
                                   ) from None
    if not folder.is_dir():
        raise errors.knowledge_dir_unreadable(f"{folder} is not a readable folder")
    path = folder / f"{ticker.lower()}.yaml"
    if path.exists() and not args.force:
        raise errors.UserError(messages.thesis_file_exists(str(path)))
    path.write_text(starter(ticker, company, dt.date.today()), encoding="utf-8")
    if created:
        print(messages.folder_created(str(folder)))
    print(messages.thesis_file_written(str(path)))
    return 0
