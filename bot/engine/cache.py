"""A ready-built Engine kept on disk, so `thesis ask` skips parsing, validating and indexing
when no YAML file changed (1,000 theses: seconds to build, a fraction of that to load).

The key is every file's path, size and mtime plus the code version; any change rebuilds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from bot import __version__
from bot.engine.matcher import Engine
from bot.knowledge.loader import yaml_files

_FORMAT = 1


def _fingerprint(*folders: Path) -> str:
    digest = hashlib.sha256(f"{__version__}:{_FORMAT}".encode())
    for folder in folders:
        digest.update(str(folder.resolve()).encode())
        for path in yaml_files(folder):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def load_engine(knowledge_dir: Path, intents_dir: Path, cache_dir: Path | None) -> Engine:
    """The engine over these folders, from the cache when it is current."""
    if cache_dir is None:
        return Engine.from_dirs(knowledge_dir, intents_dir)
    path = cache_dir / f"engine-{_fingerprint(knowledge_dir, intents_dir)}.pickle"
    try:
        with path.open("rb") as handle:
            engine = pickle.load(handle)  # our own file, in the user's own cache folder
        if isinstance(engine, Engine):
            return engine
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    engine = Engine.from_dirs(knowledge_dir, intents_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("engine-*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(engine, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache folder only costs speed
    return engine
