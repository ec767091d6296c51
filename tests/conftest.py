"""Shared fixtures: the frozen fixture theses, an engine over them, and a scratch knowledge copy."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine as Store

from bot.engine.matcher import Engine
from bot.store import open_store
from tests.fake_slack import FakeSlack
from tests.notify.helpers import fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent
# Frozen fixture theses: an analyst's edit to knowledge/ never breaks the suite.
KNOWLEDGE = ROOT / "tests" / "fixtures" / "knowledge"
INTENTS = ROOT / "bot" / "intents"

# Commands the tests run keep their engine cache out of the developer's home folder, and read
# the fixture theses.
os.environ["THESIS_CACHE_DIR"] = tempfile.mkdtemp(prefix="thesis-cache-")
os.environ["THESIS_KNOWLEDGE_DIR"] = str(KNOWLEDGE)

# Hypothesis: property tests assert what holds, never how fast (bench/fuzz.py measures time,
# with 10,000 examples a property: HYPOTHESIS_PROFILE=fuzz runs the suite's properties so too).
settings.register_profile("ci", deadline=None, max_examples=100, print_blob=True)
settings.register_profile("fuzz", deadline=None, max_examples=10_000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def engine() -> Engine:
    built = Engine.from_dirs(KNOWLEDGE, INTENTS)
    assert not built.problems, built.problems
    return built


@pytest.fixture(scope="session")
def book_engine() -> Engine:
    """The frozen fixture book: BABA and three theses of other industries."""
    from tests.properties import engines

    return engines()[1]


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture theses, to break on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


SECOND_THESIS = """\
ticker: TCEHY
company: Tencent Holdings
aliases: [Tencent, "0700.HK"]
title: Tencent test thesis
summary: A second thesis, to make questions ambiguous.
updated: 2025-10-01
overview: Games and payments.
sources: [{id: doc, title: Test document, date: 2025-10-01}]
bear:
  - id: games-regulation
    title: Games regulation
    summary: Approvals can stop.
    detail: Game approvals can stop at any time.
    sources: [doc]
"""


@pytest.fixture
def two_theses(knowledge_copy: Path) -> Path:
    """knowledge/ plus a small second thesis (Tencent), so questions must name a company."""
    (knowledge_copy / "tcehy.yaml").write_text(SECOND_THESIS, encoding="utf-8")
    return knowledge_copy


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Wait for something that should happen (a log line after a reply, a reload), polling
    briefly; False if it has not happened within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


PG_ENV = "THESIS_TEST_DATABASE_URL"


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
def store(database_url: str) -> Iterator[Store]:
    engine = open_store(database_url)
    yield engine
    engine.dispose()
