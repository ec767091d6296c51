"""`thesis ask` reuses a built engine only while no thesis or intent file changed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _ask(knowledge: Path, cache: Path | str, question: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "THESIS_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "--knowledge", str(knowledge), "ask", question],
        capture_output=True, text=True, env=env, timeout=60, check=True, cwd=cwd,
    )
    return result.stdout


@pytest.mark.slow
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
    # The old build stays for an hour (a running process may still read it), then goes.
    catalogs = list(cache.glob("engine-*/catalog.pickle"))
    assert len(catalogs) == 2
    for catalog in catalogs:
        os.utime(catalog, (time.time() - 7200, time.time() - 7200))
    (cache / "engine-room").mkdir()  # not ours: never touched
    path.write_text(path.read_text().replace("Leads", "Rules"))
    assert "Rules China's AI cloud market" in _ask(knowledge_copy, cache, "BABA bull case")
    assert len(list(cache.glob("engine-*/catalog.pickle"))) == 1
    assert (cache / "engine-room").is_dir()


@pytest.mark.slow
def test_empty_cache_setting_means_the_default_not_the_working_folder(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    (tmp_path / "engine-notes").mkdir()
    env_home = tmp_path / "home"
    os.environ["XDG_CACHE_HOME"] = str(env_home)
    try:
        assert "Key risks" in _ask(knowledge_copy, "", "BABA risks", cwd=tmp_path)
    finally:
        del os.environ["XDG_CACHE_HOME"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["engine-notes", "home", "knowledge"]
    assert list((env_home / "thesis-bot").glob("engine-*/catalog.pickle"))


@pytest.mark.slow
def test_unwritable_cache_folder_only_costs_speed(knowledge_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert "Key risks" in _ask(knowledge_copy, blocker / "cache", "BABA risks")


@pytest.mark.slow
def test_cached_engine_loads_the_thesis_each_question_names(two_theses: Path,
                                                             tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for _ in range(2):  # built, then from the cache
        assert _ask(two_theses, cache, "tencent bear case").startswith("TCEHY · Bear case")
        assert _ask(two_theses, cache, "BABA bear case").startswith("BABA · Bear case")
        assert _ask(two_theses, cache, "risks?").startswith("Which company do you mean?")
