"""`thesis ask` reuses a built engine only while no thesis or intent file changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _ask(knowledge: Path, cache: Path, question: str) -> str:
    env = {**os.environ, "THESIS_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--knowledge", str(knowledge), "ask", question],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )
    return result.stdout


def test_edited_thesis_is_answered_fresh_not_from_the_cache(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = _ask(knowledge_copy, cache, "BABA bull case")
    assert "Dominates China's AI cloud market" in first
    assert len(list(cache.glob("engine-*/catalog.pickle"))) == 1
    path = knowledge_copy / "baba.yaml"
    path.write_text(path.read_text().replace("Dominates China's AI cloud market",
                                             "Leads China's AI cloud market"))
    second = _ask(knowledge_copy, cache, "BABA bull case")
    assert "Leads China's AI cloud market" in second
    assert len(list(cache.glob("engine-*/catalog.pickle"))) == 1


def test_unwritable_cache_folder_only_costs_speed(knowledge_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert "Key risks" in _ask(knowledge_copy, blocker / "cache", "BABA risks")


def test_cached_engine_loads_the_thesis_each_question_names(two_theses: Path,
                                                             tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for _ in range(2):  # built, then from the cache
        assert _ask(two_theses, cache, "tencent bear case").startswith("TCEHY · Bear case")
        assert _ask(two_theses, cache, "BABA bear case").startswith("BABA · Bear case")
        assert _ask(two_theses, cache, "risks?").startswith("Which company do you mean?")
