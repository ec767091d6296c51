"""Every sentence and label on a card or a button, in Slack and in the terminal."""

from __future__ import annotations

from bot.engine.answer import Alternative
from bot.knowledge.drafts import is_placeholder

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


def alternative_label(alternative: Alternative) -> str:
    """A "Did you mean …" choice, worded as the button or line that offers it (a draft's
    placeholder title is never quoted)."""
    title = alternative.title if not is_placeholder(alternative.title) else None
    return card_label(alternative.thesis or "", alternative.card, title or None)


def compared(tickers: list[str], card: str | None) -> str:
    """"BABA vs NRGX · Key risks": the title of a comparison."""
    names = " vs ".join(tickers)
    return f"{names} · {CARD_TITLES.get(card, card.title())}" if card else names


# -- Slack ---------------------------------------------------------------------------------------
# Button labels are plain text (75 characters at most); sentences are mrkdwn, so anything that is
# not our own markup is escaped by the renderer before it is put in.

BUTTON_SHARE = "Share in channel"
BUTTON_MORE = "Show more"
BUTTON_HELP = "How to ask"
BUTTON_OPEN = "Open"
BUTTON_UP = "👍 Helpful"
BUTTON_DOWN = "👎 Not helpful"
BACK_LABELS = {
    "list": "← Theses I cover",
    "search": "← Back to the results",
    "compare": "← Back to the comparison",
}


def back_to(kind: str) -> str:
    """The button back to the list, search or comparison a card was opened from."""
    return BACK_LABELS.get(kind, "← Back")


NAV_LABELS = {
    "overview": "Overview",
    "bull": "Bull",
    "bear": "Bear",
    "catalyst": "Catalysts",
    "risk": "Risks",
    "figures": "Figures",
    "sources": "Sources",
}

# What a screen reader says for a button whose text alone would be ambiguous (75 characters).
SPOKEN_SHARE = "Share this card in the channel"
SPOKEN_MORE = "Show the next page of this card"
SPOKEN_UP = "This answer was helpful"
SPOKEN_DOWN = "This answer was not helpful"


def open_label(ticker: str, card: str, point_title: str | None = None) -> str:
    """"Open BABA · Chip Restrictions": a button that opens one card, told apart from the rest."""
    return f"Open {card_label(ticker, card, point_title)}"


def open_choice(label: str) -> str:
    """What a screen reader says for a "Did you mean …" choice."""
    return f"Open {label}"


def shared_source(provenance: str) -> str:
    """Named once above figures that all come from one place ("Source: Thesis document, as of
    27 Nov 2025")."""
    return f"{provenance}, unless a figure says otherwise"


OTHER_FIGURES = "Other figures"
CATALYST_DETAIL_HINT = "Open one for its full text, figures and sources."


def catalyst_detail_hint(ticker: str, example: str) -> str:
    """Under the catalysts card in the terminal, where there is no button to open one."""
    return f"Ask about one for its full text, figures and sources, e.g. “{ticker} {example}”."

SLACK_SORRY = (
    "Sorry, something went wrong on my side while answering that. "
    "Please try again in a minute; if it keeps happening, tell the team that runs me."
)
DID_YOU_MEAN = "Not sure I got that right. Did you mean:"
WHICH_THESIS = "Which company do you mean? I cover:"
TRY_INSTEAD = "Try:"
CONTINUED = "(continued)"
COVERED_TITLE = "Theses I cover"
NO_THESES_SLACK = (
    "There is no thesis in the book yet. Add the first with `thesis new TICKER \"Company "
    "name\"` (a starter file to fill in) or `thesis import WRITEUP.md` (a write-up turned into a "
    "thesis), in the folder the bot reads theses from, then run `thesis validate`.")
EMPTY_BOOK = NO_THESES_SLACK  # the same words in the terminal
HOME_INTRO = "I answer questions about the team's investment theses."
HOME_MORE = "More theses than fit here: type `/thesis list` to see them all."


def more_theses(count: int) -> str:
    """The menu of the theses "which thesis?" has no button for."""
    return f"{count} more thesis…" if count == 1 else f"{count} more theses…"


def more_in_list(count: int) -> str:
    """Theses even the menu cannot hold."""
    return f"…and {count} more: type `/thesis list` to see every thesis."


def not_sure(question: str) -> str:
    """`question` must already be escaped (bot.render.limits.echo)."""
    return f"I'm not sure what you mean by “{question}”. Pick one, or see how to ask:"


def no_thesis_on(subject: str, covered: str) -> str:
    return f"I don't have a thesis on {subject}. Theses I cover: {covered}."


COMPARE_UPDATED = "Updated"

# -- Charts ----------------------------------------------------------------------------------------

CHART_FILENAME = "chart.png"


def chart_title(measure: str) -> str:
    """"Share of China's AI cloud market": the measure the bars compare."""
    return measure[:1].upper() + measure[1:]


def chart_alt(measure: str, values: list[tuple[str, str]]) -> str:
    """The alt text of a chart: every value, in order."""
    listed = ", ".join(f"{label} {value}" for label, value in values)
    return f"Bar chart of {measure}: {listed}."


def more_rows(count: int) -> str:
    """Under a comparison too long for one message."""
    rows = "row" if count == 1 else "rows"
    return f"{count} more {rows}: open each thesis's card below."


def with_which(ticker: str, others: list[str]) -> str:
    """"compare BABA" names one thesis: ask for the other."""
    example = f" For example: “compare {ticker} {others[0]} risks”." if others else ""
    listed = ", ".join(others) or "no other thesis yet"
    return f"Compare {ticker} with which thesis? I also cover: {listed}.{example}"


SEARCH_TITLE = "Across the book"
MORE_IN_FULL_CARD = "More in the full card: Open."
NOTHING_ACROSS_THE_BOOK = "No thesis in the book speaks to that."


def points_found(count: int) -> str:
    return f"({count} points)"


def said_in_part(topic: str) -> str:
    return f"No one point says all of “{topic}”; these say part of it."


def more_found(count: int) -> str:
    return (f"…and {count} more {'thesis' if count == 1 else 'theses'}: narrow the topic, or "
            "ask one thesis by name.")


def covered_elsewhere(ticker: str, topic: str, other: str) -> str:
    """A named thesis lacks the topic another thesis has."""
    return f"The {ticker} thesis doesn't cover {topic}. {other}'s does:"


def not_in_thesis(ticker: str, topic: str = "") -> str:
    """`topic` must already be escaped where it goes to Slack (bot.render.limits.echo)."""
    if topic:
        return f"The {ticker} thesis doesn't cover {topic}. Nearest in it:"
    return (f"The {ticker} thesis doesn't say: it covers the bull and bear case, risks, "
            "catalysts and their figures, nothing more.")


def not_in_book(topic: str, covered: str) -> str:
    return f"No thesis in the book covers {topic}. Theses I cover: {covered}."


def cannot_answer(covered: str) -> str:
    return (
        "I don't know how to answer that: I only know the team's investment theses. "
        f"Theses I cover: {covered}. Ask for example “what are BABA's risks?”, or type help."
    )


def you_asked(question: str) -> str:
    """`question` must already be escaped (bot.render.limits.echo)."""
    return f"You asked: “{question}”"


def following_up(title: str) -> str:
    """The title of a card that continues the conversation's thesis, the question naming none:
    "BABA · Catalysts, following up"."""
    return f"{title}, following up"


def read_as(corrected: str) -> str:
    """How a question with a typo was read ("alibbaba catalysst"), so a wrong correction shows.
    `corrected` must already be escaped where it goes into mrkdwn."""
    return f"Read as: {corrected}"


def shared_by(user_mention: str) -> str:
    return f"Shared by {user_mention}"


def feedback_thanks(helpful: bool) -> str:
    if helpful:
        return "Thanks for the 👍, noted."
    return "Thanks for the 👎, noted: the team reviews these to improve my answers."


def feedback_not_saved(helpful: bool, disk_full: bool) -> str:
    """A vote the database could not take (full, or down): thanks all the same, and why."""
    why = ("my database is full (the team that runs me has been told)" if disk_full
           else "my database is unavailable right now")
    return (f"Thanks for the {'👍' if helpful else '👎'}. I could not save it: {why}. "
            "Please try again later.")


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


DRAFT_TITLE = "Draft"
DRAFT_MARK = "draft, not answered from yet"


def draft_thesis(ticker: str, owners: list[str]) -> str:
    """A thesis still being written (`draft: true`, or `thesis new`'s TODOs left): not
    answered from. Its owners are named as plain text, so nobody is pinged."""
    who = (f"Ask its owner{'s' * (len(owners) != 1)}: {', '.join(owners)}." if owners
           else "It names no owners yet.")
    return (f"The {ticker} thesis is a draft, still being written, so I don't answer from it "
            f"yet. {who}")


def stale_warning(warning: str) -> str:
    return f"⚠️ {warning}"


UNREVIEWED = "unreviewed, imported"


def unreviewed_provenance(source: str, as_of: str) -> str:
    """Where a figure `thesis import` read from the prose comes from, until an analyst has
    checked it: its subject and measure are the words around the number, so it may be wrong."""
    return f"⚠ {UNREVIEWED}: not yet checked against {source} (as of {as_of})"


def unreviewed_figures(count: int) -> str:
    """A thesis with figures still to check, said once where its figures are not shown."""
    figures = "1 figure" if count == 1 else f"{count} figures"
    return (f"{figures} {UNREVIEWED}: not yet checked against the write-up, so marked "
            "wherever shown.")


# -- Digest: the card (Slack mrkdwn and terminal; the renderer escapes analyst text) ---------------

DIGEST_STATUS_BADGES = {"pending": "⏳ pending", "hit": "✅ hit", "missed": "❌ missed"}
WHAT_TO_WATCH = "What to watch:"
CONDITION = "Condition"
TIMING = "When"


def analyst_watch(who: str) -> str:
    """The label of a "what to watch" line the write-up does not have: whose it is."""
    return f"What to watch (analyst's note, {who})"
