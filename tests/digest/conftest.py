"""Digest fixtures: a real database (SQLite file; PostgreSQL when THESIS_TEST_DATABASE_URL is set,
a fresh database per test), the fake Slack Web API, and theses to digest."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.knowledge.loader import load_theses
from bot.knowledge.models import Catalyst, Thesis
from bot.store import open_store
from tests.conftest import KNOWLEDGE
from tests.digest.helpers import fresh_postgres_database
from tests.fake_slack import FakeSlack

PG_ENV = "THESIS_TEST_DATABASE_URL"


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


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'thesis-bot.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set (CI sets it; locally PostgreSQL tests are skipped)")
    yield from fresh_postgres_database(base)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'thesis-bot.db'}"


@pytest.fixture
def store(database_url: str) -> Iterator[Engine]:
    engine = open_store(database_url)
    yield engine
    engine.dispose()
