"""The layout is the architecture, kept so by CI rather than by hand: the import-linter
contracts in pyproject.toml (layers, the pure core importing nothing else of the project, no
circles between the parts), and no module importing one that imports it back, at any depth.
Imports under TYPE_CHECKING are for the type checker only and are left out."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent
CORE = ("bot.engine", "bot.knowledge")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("bot", exclude_type_checking_imports=True, cache_dir=None)


def test_the_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    """`lint-imports`, minus its command line (which reconfigures logging for the whole
    process, silencing the loggers other tests read)."""
    configuration.configure()
    kept = use_cases.lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None,
                                  no_logo=True)
    assert kept, capsys.readouterr().out


def test_no_module_imports_one_that_imports_it_back(graph: grimp.ImportGraph) -> None:
    circles = sorted(
        f"{module} -> {imported} -> … -> {module}"
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert circles == []


def test_the_core_contract_forbids_every_other_part_of_the_project(
        graph: grimp.ImportGraph) -> None:
    """A new part of bot/ is forbidden to the core as soon as it exists, not once someone
    remembers to add it to pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [core] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "forbidden"]
    parts = {m for m in graph.find_children("bot") if m not in CORE}
    assert sorted(core["source_modules"]) == sorted(CORE)
    assert parts <= set(core["forbidden_modules"]), sorted(parts - set(core["forbidden_modules"]))
