"""Shared fixtures: the repository's knowledge, an engine over it, and a scratch knowledge copy."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
INTENTS = ROOT / "intents"

# Commands the tests run keep their engine cache out of the developer's home folder.
os.environ["THESIS_CACHE_DIR"] = tempfile.mkdtemp(prefix="thesis-cache-")


@pytest.fixture(scope="session")
def engine() -> Engine:
    built = Engine.from_dirs(KNOWLEDGE, INTENTS)
    assert not built.problems, built.problems
    return built


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of knowledge/, to break on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target
