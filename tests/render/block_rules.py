"""Slack's Block Kit rules, written out independently of bot.render.limits (numbers from the
reference at docs.slack.dev/reference/block-kit), to check what the renderers produce."""

from __future__ import annotations

import json
import re
from typing import Any

MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
TOTAL_TEXT = 12_000  # msg_blocks_too_long beyond about this (slackapi/bolt-js#2509)
_LINK = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ALLOWED_LINK = re.compile(r"^https?://[^\s|<>]+\|[^<>|]+$")
# Unicode's bidirectional controls (UAX #9: LRM, RLM, ALM, embeddings, overrides, isolates)
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _text_total(node: Any) -> int:
    if isinstance(node, dict):
        return sum(len(v) if k == "text" and isinstance(v, str) else _text_total(v)
                   for k, v in node.items())
    if isinstance(node, list):
        return sum(_text_total(n) for n in node)
    return 0


def mrkdwn_problems(text: str, where: str, mentions: tuple[str, ...] = ()) -> list[str]:
    """Text that could ping someone or break formatting: every <…> must be a link of ours
    (or an allowed mention); every & must start an entity."""
    problems = []
    for match in _LINK.finditer(text):
        inner = match.group(1)
        if _ALLOWED_LINK.match(inner) or inner in mentions:
            continue
        problems.append(f"{where}: markup <{inner[:40]}> in {text[:80]!r}")
    stripped = _LINK.sub("", text)
    if "<" in stripped or ">" in stripped:
        problems.append(f"{where}: bare < or > in {text[:80]!r}")
    for i, ch in enumerate(text):
        if ch == "&" and not _ENTITY.match(text, i):
            problems.append(f"{where}: bare & in {text[:80]!r}")
            break
    return problems


def _text_object(obj: Any, where: str, limit: int, mentions: tuple[str, ...],
                 kind: str | None = None) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"{where}: not a text object: {obj!r:.80}"]
    if kind and obj["type"] != kind:
        return [f"{where}: must be {kind}"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"{where}: empty text"]
    problems = []
    if len(text) > limit:
        problems.append(f"{where}: {len(text)} characters > {limit}")
    if _BIDI.search(text):
        problems.append(f"{where}: bidirectional control in {text[:80]!r}")
    if obj["type"] == "mrkdwn":
        problems.extend(mrkdwn_problems(text, where, mentions))
    return problems


def _button(element: dict[str, Any], where: str) -> list[str]:
    problems = _text_object(element.get("text"), f"{where}.text", 75, (), "plain_text")
    spoken = element.get("accessibility_label")
    if not isinstance(spoken, str) or not spoken.strip() or len(spoken) > 75:
        problems.append(f"{where}: accessibility_label missing, empty or > 75: {spoken!r:.90}")
    action_id = element.get("action_id", "")
    if not action_id or len(action_id) > 255:
        problems.append(f"{where}: action_id {action_id!r:.40} missing or > 255")
    value = element.get("value")
    if value is not None:
        if len(value) > 2000:
            problems.append(f"{where}: value of {len(value)} characters > 2000")
        try:
            json.loads(value)
        except ValueError:
            problems.append(f"{where}: value is not JSON")
    if "url" in element and len(element["url"]) > 3000:
        problems.append(f"{where}: url > 3000")
    if element.get("style") not in (None, "primary", "danger"):
        problems.append(f"{where}: bad style")
    return problems


def _select(element: dict[str, Any], where: str) -> list[str]:
    problems = _text_object(element.get("placeholder"), f"{where}.placeholder", 150, (),
                            "plain_text")
    action_id = element.get("action_id", "")
    if not action_id or len(action_id) > 255:
        problems.append(f"{where}: action_id {action_id!r:.40} missing or > 255")
    options = element.get("options", [])
    if not 1 <= len(options) <= 100:
        problems.append(f"{where}: {len(options)} options, not 1 to 100")
    values = [o.get("value") for o in options]
    if len(values) != len(set(values)):
        problems.append(f"{where}: two options with one value")
    for k, option in enumerate(options):
        problems += _text_object(option.get("text"), f"{where}.options[{k}]", 75, (),
                                 "plain_text")
        if not isinstance(option.get("value"), str) or not 1 <= len(option["value"]) <= 150:
            problems.append(f"{where}.options[{k}]: value missing or > 150")
    return problems


def _table(block: dict[str, Any], where: str) -> list[str]:
    """A table block: 1 to 100 rows of 1 to 20 raw_text cells, every row as wide
    (docs.slack.dev/reference/block-kit/blocks/table-block)."""
    rows = block.get("rows")
    if not isinstance(rows, list) or not 1 <= len(rows) <= 100:
        return [f"{where}: rows missing or more than 100"]
    problems = []
    if len({len(r) for r in rows}) != 1:
        problems.append(f"{where}: rows of different widths")
    for i, row in enumerate(rows):
        if not 1 <= len(row) <= 20:
            problems.append(f"{where}: row {i} has {len(row)} cells, not 1 to 20")
        for cell in row:
            if cell.get("type") != "raw_text" or not str(cell.get("text", "")).strip():
                problems.append(f"{where}: row {i}: empty or not raw_text: {cell!r:.60}")
    if len(block.get("column_settings", [])) > 20:
        problems.append(f"{where}: more than 20 column_settings")
    return problems


def block_problems(blocks: list[dict[str, Any]], *, view: bool = False,
                   mentions: tuple[str, ...] = ()) -> list[str]:
    """Everything Slack would reject (or that could ping someone) in `blocks`."""
    problems = []
    most = VIEW_BLOCKS if view else MESSAGE_BLOCKS
    if not blocks:
        problems.append("no blocks")
    if len(blocks) > most:
        problems.append(f"{len(blocks)} blocks > {most}")
    total = _text_total(blocks)
    if not view and total > TOTAL_TEXT:
        problems.append(f"{total} characters of text in blocks > {TOTAL_TEXT}")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append("duplicate block_id")
    for i, block in enumerate(blocks):
        where = f"block {i} ({block.get('type')})"
        if len(block.get("block_id", "")) > 255:
            problems.append(f"{where}: block_id > 255")
        kind = block.get("type")
        if kind == "header":
            problems += _text_object(block.get("text"), where, 150, mentions, "plain_text")
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: neither text nor fields")
            if "text" in block:
                problems += _text_object(block["text"], where, 3000, mentions)
            fields = block.get("fields", [])
            if len(fields) > 10:
                problems.append(f"{where}: {len(fields)} fields > 10")
            for j, field in enumerate(fields):
                problems += _text_object(field, f"{where}.fields[{j}]", 2000, mentions)
            if "accessory" in block:
                problems += _button(block["accessory"], f"{where}.accessory")
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                problems.append(f"{where}: {len(elements)} elements, not 1 to 10")
            for j, element in enumerate(elements):
                problems += _text_object(element, f"{where}.elements[{j}]", 3000, mentions)
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 25:
                problems.append(f"{where}: {len(elements)} elements, not 1 to 25")
            ids = [e.get("action_id") for e in elements]
            if len(ids) != len(set(ids)):
                problems.append(f"{where}: duplicate action_id {ids}")
            for j, element in enumerate(elements):
                if element.get("type") == "static_select":
                    problems += _select(element, f"{where}.elements[{j}]")
                    continue
                if element.get("type") != "button":
                    problems.append(f"{where}.elements[{j}]: not a button or a menu")
                problems += _button(element, f"{where}.elements[{j}]")
        elif kind == "table":
            problems += _table(block, where)
        elif kind != "divider":
            problems.append(f"{where}: unexpected block type")
    return problems


def message_problems(text: str, blocks: list[dict[str, Any]],
                     mentions: tuple[str, ...] = ()) -> list[str]:
    problems = block_problems(blocks, mentions=mentions) if blocks else []  # text-only is fine
    if not text.strip():
        problems.append("empty fallback text")
    if len(text) > 3000:
        problems.append(f"fallback text of {len(text)} characters")
    problems += mrkdwn_problems(text, "fallback text", mentions)
    if _BIDI.search(text):
        problems.append(f"fallback text: bidirectional control in {text[:80]!r}")
    return problems


def displayed(node: Any) -> Any:
    """Blocks without button values: what Slack shows (a value only comes back to the app)."""
    if isinstance(node, dict):
        return {k: displayed(v) for k, v in node.items() if k != "value"}
    if isinstance(node, list):
        return [displayed(v) for v in node]
    return node
