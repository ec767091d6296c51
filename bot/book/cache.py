"""A ready-built Engine kept on disk, so `thesis ask` neither parses, validates nor indexes
YAML while no file changed, and loads only the thesis a question is about: with 1,000 theses
that is the difference between seconds and a fraction of a second, and tens of megabytes.

Layout: <cache>/engine-<fingerprint>/catalog.pickle (names, intents, speller) and one
<TICKER>.pickle per thesis (the thesis and its index). The fingerprint covers every YAML and source
file's path, size and mtime, today's date (validation depends on it), and the Python and library
versions whose objects are pickled; any change builds a new folder. A cache that cannot be read
back, for whatever reason, is rebuilt: it only ever costs speed. Old folders are removed only
once nobody can still be reading them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from bot import __version__
from bot.engine.matcher import Engine
from bot.engine.retrieve import ThesisIndex
from bot.knowledge.loader import yaml_files

_FORMAT = 2
_CATALOG = "catalog.pickle"


_CODE = Path(__file__).resolve().parent.parent
_STALE_AFTER = 3600  # seconds an old cache folder is kept for a process still reading it


# Modules whose classes end up in the pickles (pydantic models, rapidfuzz, the speller); the
# engine has imported them already, so asking their versions costs nothing.
_PICKLED = ("pydantic", "pydantic_core", "rapidfuzz", "yaml", "spellchecker")


def _versions() -> str:
    found = [sys.version, sys.implementation.cache_tag or ""]
    for name in _PICKLED:
        module = importlib.import_module(name)
        found.append(f"{name}={getattr(module, '__version__', getattr(module, 'VERSION', '-'))}")
    return ";".join(found)


def _fingerprint(knowledge_dir: Path, intents_dir: Path) -> str:
    digest = hashlib.sha256(
        f"{__version__}:{_FORMAT}:{dt.date.today()}:{_versions()}".encode())
    files = [*yaml_files(knowledge_dir), *yaml_files(intents_dir), *sorted(_CODE.rglob("*.py"))]
    for path in files:
        try:
            stat = path.stat()
        except OSError:  # a dangling link: the loader reports it; it still counts as a change
            stat = path.lstat()
        digest.update(f"{path.resolve()}:{stat.st_mode}:{stat.st_size}:{stat.st_mtime_ns}"
                      .encode())
    return digest.hexdigest()[:32]


class _Shelf(Mapping[str, ThesisIndex]):
    """Per-thesis indexes, each unpickled on first use."""

    def __init__(self, folder: Path, tickers: list[str],
                 rebuild: Callable[[], Mapping[str, ThesisIndex]]) -> None:
        self._folder = folder
        self._tickers = tickers
        self._rebuild = rebuild
        self._loaded: dict[str, ThesisIndex] = {}

    def __getitem__(self, ticker: str) -> ThesisIndex:
        if ticker not in self._loaded:
            if ticker not in self._tickers:
                raise KeyError(ticker)
            try:
                with (self._folder / f"{ticker}.pickle").open("rb") as handle:
                    index = pickle.load(handle)
                if not isinstance(index, ThesisIndex):
                    raise TypeError(f"{ticker}.pickle holds {type(index).__name__}")
            except Exception:  # anything unpickling can raise: build the indexes afresh
                self._loaded.update(self._rebuild())
                return self._loaded[ticker]
            self._loaded[ticker] = index
        return self._loaded[ticker]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tickers)

    def __len__(self) -> int:
        return len(self._tickers)


def load_engine(knowledge_dir: Path, intents_dir: Path, cache_dir: Path | None) -> Engine:
    """The engine over these folders, from the cache when it is current."""
    if cache_dir is None:
        return Engine.from_dirs(knowledge_dir, intents_dir)
    folder = cache_dir / f"engine-{_fingerprint(knowledge_dir, intents_dir)}"
    def rebuild() -> Mapping[str, ThesisIndex]:
        return Engine.from_dirs(knowledge_dir, intents_dir).indexes

    try:
        with (folder / _CATALOG).open("rb") as handle:
            catalog, tickers = pickle.load(handle)  # our own files, in the user's cache folder
        if isinstance(catalog, Engine):
            return catalog.with_indexes(_Shelf(folder, list(tickers), rebuild))
    except Exception:  # a stale or damaged cache (TypeError, KeyError, …)
        pass  # is rebuilt below
    engine = Engine.from_dirs(knowledge_dir, intents_dir)
    with contextlib.suppress(OSError):  # a read-only or full cache folder only costs speed
        _store(engine, folder)
    return engine


def _store(engine: Engine, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".building-"))
    try:
        for ticker, index in engine.indexes.items():
            with (staging / f"{ticker}.pickle").open("wb") as handle:
                pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        with (staging / _CATALOG).open("wb") as handle:
            pickle.dump((engine.with_indexes({}), list(engine.indexes)), handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(staging, folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another process may have stored it first
        if not (folder / _CATALOG).exists():
            raise
        return
    _prune(folder)


def _prune(keep: Path) -> None:
    """Remove our own old cache folders (never anything else in the cache folder)."""
    now = time.time()
    for old in keep.parent.glob("engine-*"):
        catalog = old / _CATALOG
        if old != keep and catalog.is_file() and now - catalog.stat().st_mtime > _STALE_AFTER:
            shutil.rmtree(old, ignore_errors=True)
