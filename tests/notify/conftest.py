"""Digest fixtures: a real database (SQLite file; PostgreSQL when THESIS_TEST_DATABASE_URL is set,
a fresh database per test), the fake Slack Web API, and theses to digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.knowledge.loader import load_theses
from bot.knowledge.models import Catalyst, Thesis
from tests.conftest import KNOWLEDGE


@pytest.fixture(scope="session")
def baba() -> Thesis:
    return load_theses(KNOWLEDGE).theses["BABA"]


def catalyst(id: str, title: str, *, horizon: str = "near", when: str | dt.date | None = None,
             what: str | None = None, status: dict[str, Any] | None = None,
             watch: str | None = None, condition: str | None = None) -> Catalyst:
    """A catalyst as an analyst would write it: `when` as the text gives it ("March 2027")."""
    data: dict[str, Any] = {"id": id, "title": title, "horizon": horizon, "detail": f"{title}.",
                            "watch": watch, "condition": condition, "status": status,
                            "sources": ["thesis-document"]}
    if when is not None:
        data["timing"] = {"when": when, "what": what}
    return Catalyst.model_validate(data)


def thesis_like(base: Thesis, ticker: str, catalysts: list[Catalyst] | None = None,
                **update: Any) -> Thesis:
    fields = {"ticker": ticker, **update}
    if catalysts is not None:
        fields["catalysts"] = catalysts
    return base.model_copy(update=fields)


