"""Slack's limits, enforced here and nowhere else, and the escaping of every text we send.

Card renderers build blocks with the constructors below; each one cuts or splits its text so
that no block can be rejected, and `paginate` fits a whole card into messages of at most
MAX_BLOCKS blocks and MESSAGE_TEXT_BUDGET characters, ending each page but the last with a
"Show more" button that asks for the next one. A card that must be one message (the digest)
uses `fits` and `fit_groups` instead: whole groups while they fit, then a line for the rest.

Limits from the Block Kit reference (docs.slack.dev/reference/block-kit).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bot.knowledge.bidi import strip_bidi

Block = dict[str, Any]

MAX_BLOCKS = 50  # per message
MAX_VIEW_BLOCKS = 100  # per Home tab or modal
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000  # a text object inside a context block
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_OPTIONS = 100  # in a static select menu
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER_TEXT = 150
MAX_ACCESSIBILITY_LABEL = 75  # what a screen reader says for a button
MAX_ACTION_ID = 255
MAX_VALUE = 2000
MAX_URL = 3000
# The `text` of a message may be 40,000 characters; a notification needs far fewer.
MAX_FALLBACK_TEXT = 3000
# Slack also rejects a message whose blocks hold more than about 12,000 characters of text in
# all (`msg_blocks_too_long`, undocumented: slackapi/bolt-js#2509, #2867), so a page keeps a
# margin below it.
MESSAGE_TEXT_BUDGET = 9000
# A context block of 10 elements or a section of 10 fields could hold 20,000-30,000
# characters, more than a whole message; pages are made of blocks, so no block holds more
# than a section's worth (one element or field alone excepted, which is cut to its own limit).
MAX_BLOCK_TEXT = MAX_SECTION_TEXT

ELLIPSIS = "…"

_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


# -- escaping ---------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text made safe for mrkdwn: &, < and > as entities, so nothing can become a link, a
    mention or a broadcast (`<!channel>`, `<!here>`, `<!subteam^…>`, `<@U…>`), and no
    bidirectional control (bot.knowledge.bidi) can reorder what is shown."""
    return (strip_bidi(text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def echo(user_text: str, limit: int = 200) -> str:
    """What a user typed, quoted back safely: Slack's own entities decoded first (so nothing is
    escaped twice), control and direction characters dropped, whitespace collapsed, cut to
    `limit`, then escaped. A typed `<!channel>` reads as text and pings nobody."""
    text = _CONTROL.sub("", html.unescape(user_text))
    text = " ".join(text.split())
    text = _BROADCAST.sub("@\u2060\\1", text)  # a word joiner: "@here" can never link
    # again after the cut: "@channel00" cut to "@channel…" becomes a word of its own
    return escape(_BROADCAST.sub("@\u2060\\1", cut_plain(text, limit)))


def link(url: str | None, label: str) -> str:
    """An mrkdwn link to an http(s) URL, or just the escaped label when the URL is unusable."""
    if not url or not url.startswith(("http://", "https://")) or len(url) > MAX_URL // 2:
        return escape(label)
    safe = (url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")
            .replace("&", "&amp;"))  # Slack decodes entities in link targets too
    label = escape(label).replace("|", "¦")
    return f"<{safe}|{label}>"


# -- cutting and splitting --------------------------------------------------------------------


def cut_plain(text: str, limit: int) -> str:
    """Plain text (no entities, no links) cut to `limit` characters, ending with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.6:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def _safe_end(text: str, end: int) -> int:
    """`end`, moved back if it would split an entity (&amp;) or a link (<…>) in two."""
    amp = text.rfind("&", 0, end)
    entity = _ENTITY.match(text, amp) if amp != -1 else None
    if entity is not None and entity.end() > end:
        end = amp
    opening = text.rfind("<", 0, end)
    if opening != -1 and text.rfind(">", opening, end) == -1:
        end = opening
    return end


def _break_point(text: str, limit: int) -> tuple[int, bool]:
    """Where to end a chunk of at most `limit` characters, and whether it ends mid-sentence."""
    window = text[:limit]
    for mark, clean in (("\n\n", True), ("\n", True), (". ", True), ("; ", False), (" ", False)):
        at = window.rfind(mark)
        if at > limit * 0.5:
            end = _safe_end(text, at + (1 if mark == ". " else 0))
            if end > 0:
                return end, not clean
    end = _safe_end(text, limit)
    return (end if end > 0 else limit), True


def cut(text: str, limit: int) -> str:
    """mrkdwn text cut to at most `limit` characters, ending with "…", never inside an entity
    or a link."""
    if len(text) <= limit:
        return text
    end, _ = _break_point(text, limit - 1)
    return text[:end].rstrip() + ELLIPSIS


def split(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """mrkdwn text in chunks of at most `limit` characters, broken at paragraphs, lines,
    sentences or words (in that order of preference); a chunk broken mid-sentence ends with
    "…" and the next one starts with it."""
    chunks: list[str] = []
    rest = text.strip()
    carried = ""
    while rest:
        room = limit - len(carried)
        if len(rest) <= room:
            chunks.append(carried + rest)
            break
        end, mid = _break_point(rest, room - 1)
        chunk = rest[:end].rstrip()
        rest = rest[end:].lstrip()
        chunks.append(carried + chunk + (ELLIPSIS if mid else ""))
        carried = ELLIPSIS if mid else ""
    return chunks or [""]


def text_length(blocks: Iterable[Block]) -> int:
    """Characters of text in blocks, as Slack counts them against the message total."""
    total = 0

    def walk(node: Any) -> None:
        nonlocal total
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    total += len(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(list(blocks))
    return total


# -- blocks -----------------------------------------------------------------------------------


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut_plain(strip_bidi(text), limit) or " ",
            "emoji": True}


def mrkdwn(text: str, limit: int) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(strip_bidi(text), limit) or " "}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def sections(text: str) -> list[Block]:
    """One section per chunk of at most MAX_SECTION_TEXT characters."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk or " "}}
            for chunk in split(strip_bidi(text), MAX_SECTION_TEXT)]


def section(text: str, accessory: Block | None = None) -> Block:
    """A single section, its text cut (not split) to the limit: for short items with a button."""
    block: Block = {"type": "section", "text": mrkdwn(text, MAX_SECTION_TEXT)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def _grouped(items: list[dict[str, Any]], most: int) -> list[list[dict[str, Any]]]:
    """Consecutive text objects in groups of at most `most`, and of at most MAX_BLOCK_TEXT
    characters unless one alone is longer: one block never outgrows what a page can hold."""
    groups: list[list[dict[str, Any]]] = []
    used = 0
    for item in items:
        size = len(item["text"])
        if not groups or len(groups[-1]) >= most or used + size > MAX_BLOCK_TEXT:
            groups.append([])
            used = 0
        groups[-1].append(item)
        used += size
    return groups


def fields(texts: Sequence[str]) -> list[Block]:
    """Two-column sections of at most MAX_FIELDS fields, each cut to MAX_FIELD_TEXT."""
    items = [mrkdwn(t, MAX_FIELD_TEXT) for t in texts]
    return [{"type": "section", "fields": group} for group in _grouped(items, MAX_FIELDS)]


def context(texts: Sequence[str]) -> list[Block]:
    """Context blocks of at most MAX_CONTEXT_ELEMENTS elements, each cut to MAX_CONTEXT_TEXT."""
    items = [mrkdwn(t, MAX_CONTEXT_TEXT) for t in texts if t]
    return [{"type": "context", "elements": group}
            for group in _grouped(items, MAX_CONTEXT_ELEMENTS)]


def divider() -> Block:
    return {"type": "divider"}


def encode_value(data: dict[str, Any]) -> str:
    """A button value: compact JSON without empty keys. Values are built from ids we control;
    one that would not fit is a bug, so it raises rather than being cut into invalid JSON."""
    value = json.dumps({k: v for k, v in data.items() if v not in (None, "")},
                       separators=(",", ":"), ensure_ascii=False)
    if len(value) > MAX_VALUE:
        raise ValueError(f"button value of {len(value)} characters exceeds {MAX_VALUE}")
    return value


def button(text: str, action_id: str, value: dict[str, Any] | None = None,
           style: str | None = None, url: str | None = None,
           label: str | None = None) -> Block:
    """A button; `label` is what a screen reader says (the visible text when not given), so
    "Bull" can be read as "Open BABA · Bull case"."""
    if len(action_id) > MAX_ACTION_ID:
        raise ValueError(f"action_id of {len(action_id)} characters exceeds {MAX_ACTION_ID}")
    spoken = " ".join(_CONTROL.sub("", label or text).split())
    element: Block = {"type": "button", "text": plain(text, MAX_BUTTON_TEXT),
                      "action_id": action_id,
                      "accessibility_label": cut_plain(spoken, MAX_ACCESSIBILITY_LABEL) or " "}
    if value is not None:
        element["value"] = encode_value(value)
    if style in ("primary", "danger"):
        element["style"] = style
    if url and len(url) <= MAX_URL:
        element["url"] = url
    return element


def option(text: str, value: dict[str, Any]) -> Block:
    """One choice of a select menu. Its value is built from ids we control; one that would not
    fit is a bug, so it raises."""
    encoded = encode_value(value)
    if len(encoded) > MAX_OPTION_VALUE:
        raise ValueError(f"option value of {len(encoded)} characters exceeds {MAX_OPTION_VALUE}")
    return {"text": plain(text, MAX_OPTION_TEXT), "value": encoded}


def select(placeholder: str, action_id: str, options: Sequence[Block]) -> Block:
    """A static select menu of the first MAX_OPTIONS `options` (the caller says what is left
    out, if any)."""
    if len(action_id) > MAX_ACTION_ID:
        raise ValueError(f"action_id of {len(action_id)} characters exceeds {MAX_ACTION_ID}")
    return {"type": "static_select", "action_id": action_id,
            "placeholder": plain(placeholder, MAX_PLACEHOLDER_TEXT),
            "options": list(options[:MAX_OPTIONS])}


def actions(elements: Sequence[Block]) -> list[Block]:
    """Actions blocks of at most MAX_ACTIONS_ELEMENTS buttons or menus each. No block_id:
    Slack makes unique ones, which a replaced message needs."""
    return [{"type": "actions", "elements": list(elements[i : i + MAX_ACTIONS_ELEMENTS])}
            for i in range(0, len(elements), MAX_ACTIONS_ELEMENTS)]


def fallback(text: str) -> str:
    """The message's plain `text`, for notifications and clients without blocks."""
    return cut(strip_bidi(text), MAX_FALLBACK_TEXT) or " "


# -- fitting a card into messages -------------------------------------------------------------


def pages(body: Sequence[Block], reserved_blocks: int, reserved_text: int,
          max_blocks: int = MAX_BLOCKS, budget: int = MESSAGE_TEXT_BUDGET) -> list[list[Block]]:
    """The body blocks in pages that each leave room for `reserved_blocks` blocks and
    `reserved_text` characters (the header, buttons and the "Show more" button every page
    carries). A page always holds at least one block."""
    room_blocks = max(1, max_blocks - reserved_blocks)
    room_text = max(MAX_SECTION_TEXT, budget - reserved_text)
    result: list[list[Block]] = [[]]
    used = 0
    for block in body:
        size = text_length([block])
        page = result[-1]
        if page and (len(page) >= room_blocks or used + size > room_text):
            result.append([])
            used = 0
        result[-1].append(block)
        used += size
    return result


def leading(body: Sequence[Block], max_blocks: int, max_text: int) -> tuple[list[Block], bool]:
    """The first blocks of `body` within `max_blocks` blocks and `max_text` characters, and
    whether any were left out: one part of a card that shares a message with others (a
    comparison). A first section too long on its own is cut with "…"."""
    kept: list[Block] = []
    used = 0
    for block in body:
        size = text_length([block])
        if len(kept) >= max_blocks or used + size > max_text:
            if not kept and block.get("type") == "section" and "text" in block:
                kept.append({**block, "text": mrkdwn(block["text"]["text"], max_text)})
            return kept, True
        kept.append(block)
        used += size
    return kept, False


def paginate(head: Sequence[Block], body: Sequence[Block], foot: Sequence[Block], page: int,
             more: Block | None, max_blocks: int = MAX_BLOCKS,
             budget: int = MESSAGE_TEXT_BUDGET) -> tuple[list[Block], int]:
    """Page `page` of a card: head + that page's body + a "Show more" actions block (when more
    follows and `more` is given; its value gets the next page number) + foot.
    Returns the blocks and the number of pages."""
    more_size = 1 if more is not None else 0
    reserved_blocks = len(head) + len(foot) + more_size
    reserved_text = text_length(head) + text_length(foot) + (text_length([more]) if more else 0)
    split_pages = pages(body, reserved_blocks, reserved_text, max_blocks, budget)
    count = len(split_pages)
    page = min(max(page, 0), count - 1)
    blocks = [*head, *split_pages[page]]
    if more is not None and page + 1 < count:
        value = json.loads(more.get("value", "{}"))
        value["pg"] = page + 1
        blocks.append({"type": "actions",
                       "elements": [{**more, "value": encode_value(value)}]})
    blocks.extend(foot)
    return blocks[:max_blocks], count


def fits(blocks: Sequence[Block], max_blocks: int = MAX_BLOCKS,
         budget: int = MESSAGE_TEXT_BUDGET) -> bool:
    """Whether `blocks` go out as one message."""
    return len(blocks) <= max_blocks and text_length(blocks) <= budget


def fit_groups(head: Sequence[Block], groups: Sequence[Sequence[Block]],
               rest: Callable[[int], list[Block]], max_blocks: int = MAX_BLOCKS,
               budget: int = MESSAGE_TEXT_BUDGET) -> tuple[list[Block], int]:
    """One message: `head`, then as many whole groups as fit, then `rest(i)` (a line naming
    what was left out, from group i on) when some do not. Returns the blocks and how many
    groups they show. `head` plus `rest(0)` must fit."""
    shown: list[Block] = [*head]
    for i, group in enumerate(groups):
        tail = rest(i + 1) if i + 1 < len(groups) else []
        if not fits([*shown, *group, *tail], max_blocks, budget):
            return [*shown, *rest(i)], i
        shown.extend(group)
    return shown, len(groups)
