"""The book a long-running process answers from, kept current while it runs.

`Book.engine` is always one complete Engine. A watcher thread polls the knowledge and intents
folders (file names, sizes, mtimes) every `poll` seconds; SIGHUP wakes it at once. A reload
builds a whole new Engine in that thread, off the request path, then swaps one reference, so a
request that reads `book.engine` once and uses that object throughout sees the old book or the
new one, never half of each. One thing more: the book being served is frozen out of the
garbage collector's walks (`gc.freeze`), so that a rebuild does not make every full collection
walk the old book too. Measured on two cores, a 1,000-thesis rebuild beside `thesis serve`
keeps Slack's acknowledgements inside their 3 s (bench/reload_latency.py; figures in README,
"Living knowledge").

A broken edit never takes a thesis away: the file's last good version keeps serving, and the
problem is logged as `file:line: field: message` (and kept in `Edition.problems`, for owners).
A broken file with no last good version is read once more, when the edition is assembled, for
the ticker and owners it names (`Edition.declared_owners`), so its owners hear of it without
anything reading YAML per request.

A folder that cannot be read for want of a resource (too many open files: a PassingFault) is
not an edit: no reload follows, the current edition keeps serving, and the condition is logged
at most once a minute.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot import errors
from bot.engine.english import english_words
from bot.engine.matcher import Engine
from bot.knowledge.loader import (
    CONCEPTS_FILE,
    VOCABULARY_FILE,
    Knowledge,
    KnowledgeDirError,
    PassingFault,
    Problem,
    declared_owners,
    load_all,
    yaml_files,
)
from bot.knowledge.models import Concept, IntentSpec, Thesis, Vocabulary

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
SETTLE_SECONDS = 0.2  # an editor's save is often several writes: wait for the files to settle
FAULT_LOG_SECONDS = 60.0  # a passing fault (too many open files) is logged this often at most

Signature = tuple[tuple[str, int, int, int], ...]
T = TypeVar("T")
Swap = Callable[["Edition | None", "Edition"], None]


@dataclass(frozen=True)
class Edition:
    """One built book: the engine, and what each file contributed to it."""

    engine: Engine
    number: int
    built_at: float  # time.monotonic()
    seconds: float  # time it took to build
    theses_by_file: dict[str, Thesis] = field(default_factory=dict)
    intents_by_file: dict[str, IntentSpec] = field(default_factory=dict)
    vocabulary: Vocabulary | None = None
    problems: tuple[Problem, ...] = ()
    kept: dict[str, str] = field(default_factory=dict)  # broken file -> ticker/intent still served
    # broken thesis file serving no last good version -> (ticker, owners) as the file says them
    declared_owners: dict[str, tuple[str | None, tuple[str, ...]]] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)  # the language of the trade

    @property
    def theses(self) -> dict[str, Thesis]:
        return dict(self.engine.theses)

    def file_of(self, ticker: str) -> str | None:
        return next((f for f, t in self.theses_by_file.items() if t.ticker == ticker), None)


def signature(*folders: Path) -> Signature:
    """What changes when any YAML file is added, removed, replaced or rewritten."""
    out: list[tuple[str, int, int, int]] = []
    for folder in folders:
        try:
            files = yaml_files(folder)
        except KnowledgeDirError:
            out.append((str(folder), -1, -1, -1))
            continue
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue
            out.append((str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(out)


@dataclass(frozen=True)
class Assembled:
    """What each file contributed to a book about to be built (an Edition without its engine)."""

    theses_by_file: dict[str, Thesis]
    intents_by_file: dict[str, IntentSpec]
    vocabulary: Vocabulary | None
    problems: tuple[Problem, ...]
    kept: dict[str, str]
    declared_owners: dict[str, tuple[str | None, tuple[str, ...]]]


def _by_file(files: Iterable[Path], problems: list[Problem], items: list[T],
             skip: Collection[str] = ()) -> dict[str, T]:
    """Pair each file that loaded without a problem with what it produced. The loader adds
    items in file order and skips any file with a problem, so the pairs line up; when they do
    not (a loader that skips files silently), nothing is paired and nothing is kept."""
    broken = {p.file for p in problems}
    good = [str(f) for f in files if str(f) not in broken and f.name not in skip]
    if len(good) != len(items):
        logger.warning("cannot tell which file gave which item (%d files, %d items); "
                       "broken files will not keep their last good version", len(good),
                       len(items))
        return {}
    return dict(zip(good, items, strict=True))


def assemble(knowledge_dir: Path, intents_dir: Path, previous: Edition | None,
             today: dt.date | None = None) -> tuple[Knowledge, Assembled]:
    """Load both folders; for each file that is broken now, put back its last good version.

    Returns the Knowledge to build an Engine from and what each file contributed to it."""
    knowledge = load_all(knowledge_dir, intents_dir, today)
    problems = list(knowledge.problems)
    broken = {p.file for p in problems}
    thesis_files = yaml_files(knowledge_dir)
    intent_files = yaml_files(intents_dir)
    theses_by_file = _by_file(thesis_files, problems, list(knowledge.theses.values()))
    intents_by_file = _by_file(intent_files, problems, list(knowledge.intents.values()),
                               skip=(VOCABULARY_FILE, CONCEPTS_FILE))
    kept: dict[str, str] = {}
    vocabulary = knowledge.vocabulary
    if previous is not None:
        names = {n.casefold() for t in knowledge.theses.values() for n in t.names()}
        for path in thesis_files:
            old = previous.theses_by_file.get(str(path))
            if str(path) not in broken or old is None:
                continue
            if old.ticker in knowledge.theses or any(n.casefold() in names for n in old.names()):
                continue  # another file now claims its ticker or a name: let that one serve
            knowledge.theses[old.ticker] = old
            theses_by_file[str(path)] = old
            names.update(n.casefold() for n in old.names())
            kept[str(path)] = old.ticker
        for path in intent_files:
            spec = previous.intents_by_file.get(str(path))
            if str(path) in broken and spec is not None and spec.intent not in knowledge.intents:
                knowledge.intents[spec.intent] = spec
                intents_by_file[str(path)] = spec
                kept[str(path)] = spec.intent
        if vocabulary is None and previous.vocabulary is not None:
            vocabulary = knowledge.vocabulary = previous.vocabulary
            kept[str(intents_dir / VOCABULARY_FILE)] = "vocabulary"
        if str(intents_dir / CONCEPTS_FILE) in broken and previous.concepts:
            knowledge.concepts = previous.concepts
            kept[str(intents_dir / CONCEPTS_FILE)] = "concepts"
    thesis_file_names = {str(path) for path in thesis_files}
    declared = {file: declared_owners(file) for file in dict.fromkeys(p.file for p in problems)
                if file in thesis_file_names and file not in theses_by_file}
    return knowledge, Assembled(theses_by_file, intents_by_file, vocabulary, tuple(problems),
                                kept, declared)


class Book:
    """The current Engine of a long-running process, rebuilt when its YAML changes."""

    def __init__(self, knowledge_dir: Path, intents_dir: Path, *,
                 today: Callable[[], dt.date] | None = None, poll: float = POLL_SECONDS,
                 engine: Engine | None = None) -> None:
        self.knowledge_dir = knowledge_dir
        self.intents_dir = intents_dir
        self.poll = poll
        self._today = today
        self._listeners: list[Swap] = []
        self._build_lock = threading.Lock()
        self._wake = threading.Event()
        self._forced = False
        self._stop = threading.Event()
        self._fault_said = float("-inf")  # when a passing fault was last logged
        self._thread: threading.Thread | None = None
        self._signature: Signature = ()
        self._edition: Edition
        if engine is not None:  # a fixed book (tests, `thesis ask`): no folders watched
            self._edition = Edition(engine, 1, time.monotonic(), 0.0,
                                    theses_by_file={f"<{t}>": th
                                                    for t, th in engine.theses.items()})
        else:
            self._signature = signature(knowledge_dir, intents_dir)
            self._edition = self._build(None)
            gc.freeze()  # see reload

    @classmethod
    def fixed(cls, engine: Engine) -> Book:
        return cls(Path(), Path(), engine=engine)

    # -- reading ------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        return self._edition.engine

    @property
    def edition(self) -> Edition:
        return self._edition

    def on_swap(self, listener: Swap) -> None:
        """Call `listener(old, new)` in the watcher thread after each swap."""
        self._listeners.append(listener)

    # -- reloading ----------------------------------------------------------------------------

    def _build(self, previous: Edition | None) -> Edition:
        started = time.monotonic()
        today = self._today() if self._today else None
        # The engine's dictionary is read once per process, through a 40 MB passing peak:
        # before the theses are in memory, not on top of them.
        english_words()
        knowledge, edition = assemble(self.knowledge_dir, self.intents_dir, previous, today)
        engine = Engine(knowledge)
        seconds = time.monotonic() - started
        number = previous.number + 1 if previous else 1
        old_problems = set(previous.problems) if previous else set()
        for problem in edition.problems if previous else ():  # the first: the caller reports
            if problem not in old_problems:
                kept = edition.kept.get(problem.file)
                logger.warning("%s%s", problem,
                               f" (still serving its last good version: {kept})" if kept
                               else " (skipped)")
        return Edition(engine, number, time.monotonic(), seconds, edition.theses_by_file,
                       edition.intents_by_file, edition.vocabulary, edition.problems,
                       edition.kept, edition.declared_owners, knowledge.concepts)

    def reload(self, reason: str = "requested") -> Edition | None:
        """Build a new edition now and swap it in; None when the folders cannot be read (the
        current edition keeps serving)."""
        with self._build_lock:
            before = self._signature
            previous = self._edition
            try:
                self._signature = signature(self.knowledge_dir, self.intents_dir)
                edition = self._build(previous)
            except PassingFault as exc:
                self._signature = before  # nothing was read: the next look tries again
                self.passing_fault(exc)
                return None
            except KnowledgeDirError as exc:
                logger.error("reload (%s) failed, still serving edition %d: %s", reason,
                             previous.number, exc)
                return None
            except Exception:
                logger.exception("reload (%s) failed, still serving edition %d", reason,
                                 previous.number)
                return None
            self._edition = edition  # the swap: one reference, atomic
            # The served book lives until the next swap: kept out of the collector's full
            # walks, which otherwise walk it (millions of objects) while the next one builds,
            # holding up every request (1,000 theses, two busy cores: ack p99 2.5 s -> 1.0 s).
            # A book swapped out is still freed, by reference counting.
            gc.freeze()
            logger.info("book edition %d (%s): %d theses, %d problems, built in %.2f s",
                        edition.number, reason, len(edition.engine.theses),
                        len(edition.problems), edition.seconds)
        for listener in self._listeners:
            try:
                listener(previous, edition)
            except Exception:
                logger.exception("after reload: %r failed", listener)
        return edition

    def request_reload(self) -> None:
        """Reload as soon as the watcher can (safe from a signal handler)."""
        self._forced = True
        self._wake.set()

    def changed(self) -> bool:
        return signature(self.knowledge_dir, self.intents_dir) != self._signature

    def _watch(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll)
            self._wake.clear()
            if self._stop.is_set():
                return
            forced, self._forced = self._forced, False
            try:
                if not forced:
                    if not self.changed():
                        continue
                    before = signature(self.knowledge_dir, self.intents_dir)
                    self._stop.wait(SETTLE_SECONDS)
                    if signature(self.knowledge_dir, self.intents_dir) != before:
                        continue  # still being written: look again on the next poll
                self.reload("SIGHUP" if forced else "files changed")
            except PassingFault as exc:
                self._forced = self._forced or forced  # a SIGHUP still due is not lost
                self.passing_fault(exc)
            except Exception:
                logger.exception("the knowledge watcher failed; it goes on")

    def passing_fault(self, exc: PassingFault) -> None:
        """The folders could not be read for want of a resource (too many open files): not an
        edit. Said at most once a minute while it lasts; the current edition keeps serving."""
        now = time.monotonic()
        if now - self._fault_said < FAULT_LOG_SECONDS:
            return
        self._fault_said = now
        logger.warning(errors.knowledge_passing_fault(str(exc), self._edition.number))

    def start(self) -> Book:
        """Watch the folders in a daemon thread. Idempotent."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="thesis-book",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def reload_on_sighup(self) -> bool:
        """Make SIGHUP reload at once. Only from the main thread, where Python takes signals;
        False where there is no SIGHUP (Windows) or not the main thread."""
        if not hasattr(signal, "SIGHUP") or threading.current_thread() is not \
                threading.main_thread():
            return False
        signal.signal(signal.SIGHUP, lambda _signum, _frame: self.request_reload())
        return True


def open_book(settings: Settings, knowledge_dir: Path | None = None) -> Book:
    """The book of a long-running command (`serve`, `clock`): broken files reported on stderr,
    a missing folder a one-line error (exit 2). Not started: call `start()` to watch."""
    folder = knowledge_dir or settings.knowledge_dir
    try:
        book = Book(folder, settings.intents_dir)
    except KnowledgeDirError as exc:
        raise errors.knowledge_dir_unreadable(str(exc)) from None
    for problem in book.edition.problems:
        print(errors.cli_skipped_thesis(str(problem)), file=sys.stderr)
    return book
