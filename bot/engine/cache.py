"""A ready-built Engine kept on disk, so `thesis ask` neither parses, validates nor indexes
YAML while no file changed, and loads only the thesis a question is about: with 1,000 theses
that is the difference between seconds and a fraction of a second, and tens of megabytes.

Layout: <cache>/engine-<fingerprint>/catalog.pickle (names, intents, speller) and one
<TICKER>.pickle per thesis (the thesis and its index). The fingerprint covers every YAML and source
file's path, size and mtime, and today's date (validation depends on it); any change builds a
new folder. Old folders are removed only once nobody can still be reading them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot import __version__
from bot.engine.matcher import Engine
from bot.engine.retrieve import ThesisIndex
from bot.knowledge.loader import yaml_files

_FORMAT = 2
_CATALOG = "catalog.pickle"


_CODE = Path(__file__).resolve().parent.parent
_STALE_AFTER = 3600  # seconds an old cache folder is kept for a process still reading it


def _fingerprint(knowledge_dir: Path, intents_dir: Path) -> str:
    digest = hashlib.sha256(f"{__version__}:{_FORMAT}:{dt.date.today()}".encode())
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

    def __init__(self, folder: Path, tickers: list[str]) -> None:
        self._folder = folder
        self._tickers = tickers
        self._loaded: dict[str, ThesisIndex] = {}

    def __getitem__(self, ticker: str) -> ThesisIndex:
        if ticker not in self._loaded:
            if ticker not in self._tickers:
                raise KeyError(ticker)
            with (self._folder / f"{ticker}.pickle").open("rb") as handle:
                self._loaded[ticker] = pickle.load(handle)
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
    try:
        with (folder / _CATALOG).open("rb") as handle:
            catalog, tickers = pickle.load(handle)  # our own files, in the user's cache folder
        if isinstance(catalog, Engine):
            return catalog.with_indexes(_Shelf(folder, tickers))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass
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
