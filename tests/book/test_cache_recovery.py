"""A cached engine that cannot be read back (a stale pickle from another version of Python or a
library, a damaged file) is rebuilt: `thesis ask` answers, never a traceback."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from bot.book.cache import load_engine
from tests.conftest import INTENTS


class _Raises:
    """Unpickles by calling `func(*args)`, which raises."""

    def __init__(self, func: object, *args: object) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.func, self.args


def _ask(knowledge: Path, cache: Path, question: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "--knowledge", str(knowledge), "ask", question],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "THESIS_CACHE_DIR": str(cache)})


@pytest.mark.slow
@pytest.mark.parametrize(("what", "poison"), [
    ("TypeError", _Raises(int, "1", "2", "3")),
    ("KeyError", _Raises(dict.__getitem__, {}, "missing")),
    ("ModuleNotFoundError", _Raises(__import__, "a_module_that_is_gone")),
    ("garbage", b"not a pickle at all"),
])
@pytest.mark.parametrize("victim", ["catalog.pickle", "BABA.pickle"])
def test_an_unreadable_cache_is_rebuilt_and_the_question_answered(
        knowledge_copy: Path, tmp_path: Path, what: str, poison: object, victim: str) -> None:
    cache = tmp_path / "cache"
    assert _ask(knowledge_copy, cache, "BABA risks").returncode == 0
    [built] = cache.glob("engine-*")
    data = poison if isinstance(poison, bytes) else pickle.dumps(poison)
    (built / victim).write_bytes(data)
    again = _ask(knowledge_copy, cache, "BABA risks")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("BABA · Key risks")
    assert again.stderr == ""


@pytest.mark.slow
def test_another_library_version_builds_a_new_cache(
        knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rapidfuzz

    cache = tmp_path / "cache"
    load_engine(knowledge_copy, INTENTS, cache)
    assert len(list(cache.glob("engine-*"))) == 1
    load_engine(knowledge_copy, INTENTS, cache)
    assert len(list(cache.glob("engine-*"))) == 1  # same versions: reused
    monkeypatch.setattr(rapidfuzz, "__version__", "99.0.0")
    engine = load_engine(knowledge_copy, INTENTS, cache)
    assert len(list(cache.glob("engine-*"))) == 2
    assert engine.answer("BABA risks").card == "risk"
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    load_engine(knowledge_copy, INTENTS, cache)
    assert len(list(cache.glob("engine-*"))) == 3
