"""Units as the write-up gives them, and how a value reads in each.

Units are open: any short name is a unit, checked for its form, not against a list. A few names
have a house display ("percent" → 35.8%, "usd_billion" → $19.1 billion, "multiple" → 23.5x);
a currency name `<iso code>_<scale>` (usd_billion, eur_million, cny_billion) reads as money;
anything else reads as written after the number, underscores as spaces ("GWh" → 14.2 GWh,
"percentage_points" → 1.5 percentage points, "% of annual GDP" → 1% of annual GDP).

`magnitude(value, unit)` is the plain number a value stands for ($19.1 billion → 1.91e10), so a
question quoting "19.1bn" finds the figure.
"""

from __future__ import annotations

import re

# A letter is any script's ("résumés", "件"): [^\W\d_] is a word character that is no digit
# nor underscore.
_UNIT = re.compile(r"^(?:[^\W\d_]|[%$€£¥])(?:[^\W_]|[%$€£¥ _/.'-]){0,39}$")

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCY = re.compile(r"^(?P<code>[a-z]{3})(?:_(?P<scale>thousand|million|billion|trillion))?$")
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "hkd": "HK$", "cny": "CNY ",
            "rmb": "RMB "}
CURRENCY_CODES = frozenset({*_SYMBOLS, "chf", "cad", "aud", "inr", "krw", "twd", "sgd", "cnh"})

# Units whose display is not "<number> <unit>".
_HOUSE = {
    "percent": "{}%",
    "percent_of_gdp": "{}% of GDP",
    "multiple": "{}x",
    "x": "{}x",
    "%": "{}%",
    "count": "{}",
}

FORMS = (
    "a short name: letters (of any script) first, then letters, digits, spaces, "
    "_ / . ' - % $ € £ ¥ (percent, percentage_points, usd_billion, eur_million, multiple, x, "
    "GW, GWh, months, years, models, \"% of annual GDP\")"
)


def check_unit(unit: str) -> str:
    """The unit if its form is one a card can print, else ValueError saying what is allowed."""
    if not _UNIT.match(unit):
        raise ValueError(f"{unit!r} is not a unit a card can print; write {FORMS}")
    return unit


def number(value: float) -> str:
    """1,234.5 / 35.8 / 7: thousands separated, no trailing zeros."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _money(value: float, unit: str) -> str | None:
    found = _CURRENCY.match(unit)
    if not found or found["code"] not in CURRENCY_CODES:
        return None
    code = found["code"]
    symbol = _SYMBOLS.get(code, f"{code.upper()} ")
    scale = f" {found['scale']}" if found["scale"] else ""
    return f"{symbol}{number(value)}{scale}"


def display(value: float, unit: str) -> str:
    """The value in its unit, as a reader expects it: 35.8%, $19.1 billion, 23.5x, 14.2 GWh,
    10 million downloads, 1 month."""
    if unit in _HOUSE:
        return _HOUSE[unit].format(number(value))
    money = _money(value, unit)
    if money is not None:
        return money
    words = unit.replace("_", " ")
    if words.startswith("%"):
        return f"{number(value)}{words}"
    if value == 1 and words.islower() and words.endswith("s") and not words.endswith("ss"):
        words = words[:-1]  # 1 month, 1 percentage point
    if value >= 1_000_000 and value % 1_000_000 == 0 and words[:1].isalpha():
        return f"{number(value / 1_000_000)} million {words}"
    return f"{number(value)} {words}"


def scale(unit: str) -> float:
    """What one of this unit counts as a plain number: 1e9 for usd_billion, 1e6 for
    eur_million, 1 for percent, GWh or models."""
    found = _CURRENCY.match(unit)
    if found and found["scale"]:
        return SCALES[found["scale"]]
    return 1.0


def magnitude(value: float, unit: str) -> float:
    """The plain number a value stands for: 19.1 usd_billion → 19_100_000_000.0."""
    return value * scale(unit)
