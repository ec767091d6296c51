"""The book a long-running process answers from, kept current while it runs.

`Book.engine` is always one complete Engine. A watcher thread polls the knowledge and intents
folders (file names, sizes, mtimes) every `poll` seconds; SIGHUP asks for a reload at once.
A reload builds a whole new Engine off the request path and then swaps one reference, so a
request sees the old book or the new one, never half of each. A reload of a few changed files
is built in this process from the previous edition's work (files unchanged since are taken as
they were, and so is each unchanged thesis's part of the index: `Engine(previous=)`), pausing
between theses for the requests being acknowledged; a larger one, or a new vocabulary (every
thesis read again), is built in a child process (bot/book/build.py: a whole build in this
process held the GIL from the threads acknowledging requests). A child that fails leaves the
build to this process, as the first build always is. A request that reads `book.engine` once
and uses that object throughout gets one consistent answer.

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
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from bot import errors
from bot.engine.matcher import Engine
from bot.knowledge.loader import (
    VOCABULARY_FILE,
    Knowledge,
    KnowledgeDirError,
    Known,
    PassingFault,
    Problem,
    declared_owners,
    load_all,
    yaml_files,
)
from bot.knowledge.models import IntentSpec, Thesis, Vocabulary

if TYPE_CHECKING:
    from bot.settings import Settings

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
SETTLE_SECONDS = 0.2  # an editor's save is often several writes: wait for the files to settle
FAULT_LOG_SECONDS = 60.0  # a passing fault (too many open files) is logged this often at most
BUILD_SWITCH_INTERVAL = 0.0005  # while building, hand the GIL to request threads sooner
FULL_COLLECTIONS_HELD_OFF = 1 << 30  # as a collector threshold: none while building
CHILD_TIMEOUT = 600  # seconds a child process may take to build the book
# A reload of this many changed thesis files or fewer is built here, from the unchanged
# theses' work (Engine(previous=)): a fraction of a second for 1,000 theses. More (a pull, a
# new folder), or a new vocabulary (every thesis read again), is built in a child process.
IN_PLACE_FILES = 25
RETIRE_SECONDS = 2.0  # an old edition is freed this long after the swap (see free_retired)
# Reading a built book gives way to requests being acknowledged (see give_way_to): this long
# at most per reload, so a steady stream of requests delays a reload but never stops it.
GIVE_WAY_SECONDS = 5.0
HAND_OVER_SECONDS = 0.0002  # and hands the GIL over this often (a sleep(0) costs ~0.05 ms)

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

    @property
    def theses(self) -> dict[str, Thesis]:
        return dict(self.engine.theses)

    def parts(self, files: Collection[str] | None = None) -> Assembled:
        """What each file contributed, without the engine (to hand to a build). With `files`,
        only what those files and the files kept from earlier editions contributed: all a
        build needs when no other file changed (a file it finds broken gets its last good
        version back from here), and a 1,000-thesis book is megabytes to pickle."""
        if files is None:
            return Assembled(self.theses_by_file, self.intents_by_file, self.vocabulary,
                             self.problems, self.kept, self.declared_owners)
        wanted = set(files) | set(self.kept)
        return Assembled({f: t for f, t in self.theses_by_file.items() if f in wanted},
                         {f: i for f, i in self.intents_by_file.items() if f in wanted},
                         self.vocabulary, self.problems, self.kept, self.declared_owners)

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


def _by_file(files: Iterable[Path], problems: list[Problem], items: list[T], skip: str = ""
             ) -> dict[str, T]:
    """Pair each file that loaded without a problem with what it produced. The loader adds
    items in file order and skips any file with a problem, so the pairs line up; when they do
    not (a loader that skips files silently), nothing is paired and nothing is kept."""
    broken = {p.file for p in problems}
    good = [str(f) for f in files if str(f) not in broken and f.name != skip]
    if len(good) != len(items):
        logger.warning("cannot tell which file gave which item (%d files, %d items); "
                       "broken files will not keep their last good version", len(good),
                       len(items))
        return {}
    return dict(zip(good, items, strict=True))


def assemble(knowledge_dir: Path, intents_dir: Path, previous: Edition | Assembled | None,
             today: dt.date | None = None, known: Known | None = None,
             pause: Callable[[], None] = lambda: None) -> tuple[Knowledge, Assembled]:
    """Load both folders (files in `known` as they were, see bot.knowledge.loader.Known); for
    each file that is broken now, put back its last good version.

    Returns the Knowledge to build an Engine from and what each file contributed to it."""
    knowledge = load_all(knowledge_dir, intents_dir, today, known, pause)
    problems = list(knowledge.problems)
    broken = {p.file for p in problems}
    thesis_files = yaml_files(knowledge_dir)
    intent_files = yaml_files(intents_dir)
    theses_by_file = _by_file(thesis_files, problems, list(knowledge.theses.values()))
    intents_by_file = _by_file(
        intent_files, problems, list(knowledge.intents.values()), skip=VOCABULARY_FILE)
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
    thesis_file_names = {str(path) for path in thesis_files}
    declared = {file: declared_owners(file) for file in dict.fromkeys(p.file for p in problems)
                if file in thesis_file_names and file not in theses_by_file}
    return knowledge, Assembled(theses_by_file, intents_by_file, vocabulary, tuple(problems),
                                kept, declared)


@contextmanager
def _gentle_build() -> Iterator[None]:
    """Keep a build from stalling the threads that acknowledge requests.

    Measured on 1,000 theses: a build allocates millions of objects, which set off about a
    dozen full garbage collections, each holding the GIL for up to 0.4 s (acks waited that
    long). So full collections are held off while building; young ones go on (each walks a
    few thousand objects at most), and take the garbage that requests leave meanwhile. Once
    built, everything alive is frozen out of future collections, or the next full ones would
    walk the whole new book. Old books are freed by reference counting (`Book.free_retired`).
    A shorter switch interval meanwhile hands the GIL to request threads sooner.

    The collector used to be off through a build instead, and then the freeze kept for good
    the garbage requests had left in cycles meanwhile: a server grew by 7 MB per reload in
    place, by tens of MB per reload from a child."""
    young, middle, full = gc.get_threshold()
    interval = sys.getswitchinterval()
    gc.set_threshold(young, middle, FULL_COLLECTIONS_HELD_OFF)
    sys.setswitchinterval(min(interval, BUILD_SWITCH_INTERVAL))
    try:
        yield
    finally:
        if gc.isenabled():
            gc.collect(1)  # the young garbage, before the freeze
        gc.freeze()
        sys.setswitchinterval(interval)
        gc.set_threshold(young, middle, full)


class Book:
    """The current Engine of a long-running process, rebuilt when its YAML changes."""

    def __init__(self, knowledge_dir: Path, intents_dir: Path, *,
                 today: Callable[[], dt.date] | None = None, poll: float = POLL_SECONDS,
                 engine: Engine | None = None, in_child: bool = True) -> None:
        self.knowledge_dir = knowledge_dir
        self.in_child = in_child  # reloads build in a child process (the first build here)
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
        self._retired: list[tuple[float, Edition]] = []  # swapped out at time.monotonic()
        self._retired_lock = threading.Lock()
        self._give_way: Callable[[float], None] | None = None
        self._edition: Edition
        if engine is not None:  # a fixed book (tests, `thesis ask`): no folders watched
            self._edition = Edition(engine, 1, time.monotonic(), 0.0,
                                    theses_by_file={f"<{t}>": th
                                                    for t, th in engine.theses.items()})
        else:
            self._signature = signature(knowledge_dir, intents_dir)
            self._edition = self._build(None)

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

    def give_way_to(self, wait: Callable[[float], None]) -> None:
        """While building in place, or reading a book built in a child, call `wait(seconds)`
        between theses or parts: it returns once no request is being acknowledged
        (`AckFirst.wait_turn`), so acks do not share the CPU with the reload. Measured on
        1,000 theses: the bursts that met a reload were its slowest."""
        self._give_way = wait

    def _pause(self) -> Callable[[], None]:
        """What a reload calls between theses or parts: wait for acks in flight (at most
        GIVE_WAY_SECONDS in all), then hand the GIL to any thread that wants it. A request
        that has only just arrived is not in flight yet, but its thread (or the event loop)
        is waiting for the GIL. Measured on 1,000 theses under bursts of 50 (in place, one
        file edited): ack p50 rose 20 ms above no reload without the hand-over, 7 ms with it
        (bench/reload_latency.py)."""
        wait = self._give_way
        if wait is None:
            return lambda: None
        deadline, handed = time.monotonic() + GIVE_WAY_SECONDS, time.monotonic()

        def pause() -> None:
            nonlocal handed
            now = time.monotonic()
            if deadline > now:
                wait(deadline - now)
            if now - handed >= HAND_OVER_SECONDS:
                time.sleep(0)
                handed = time.monotonic()

        return pause

    def on_swap(self, listener: Swap) -> None:
        """Call `listener(old, new)` in the watcher thread after each swap."""
        self._listeners.append(listener)

    # -- reloading ----------------------------------------------------------------------------

    def _build_in_child(self, previous: Edition, today: dt.date | None,
                        changed: Collection[str] | None) -> tuple[Engine, Assembled] | None:
        """Build in `python -m bot.book.build` and unpickle the result here; None when the
        child failed (the caller then builds in this process)."""
        from bot.book.build import read_answer  # it imports this module

        request = pickle.dumps({"knowledge_dir": self.knowledge_dir,
                                "intents_dir": self.intents_dir, "today": today,
                                "previous": previous.parts(changed)},
                               protocol=pickle.HIGHEST_PROTOCOL)
        try:
            child = subprocess.run([sys.executable, "-m", "bot.book.build"], input=request,
                                   capture_output=True, timeout=CHILD_TIMEOUT, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("building the book in a child process failed (%s); building here",
                           exc)
            return None
        if child.returncode != 0:
            last = (child.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
            logger.warning("building the book in a child process failed (exit %d: %s); "
                           "building here", child.returncode, last[:300])
            return None
        try:
            with _gentle_build():  # unpickling allocates the whole book too
                kind, result = read_answer(child.stdout, self._pause())  # our child's answer
        except Exception as exc:  # a stream that is not our pickle can raise
            # anything (UnpicklingError, EOFError, KeyError, ValueError …): something else
            # wrote to the child's stdout (a sitecustomize, a library's print).
            junk = " ".join(child.stdout[:80].decode("utf-8", "replace").split())
            logger.warning("building the book in a child process failed (its answer could not "
                           "be read: %s: %s; it wrote %r); building here",
                           type(exc).__name__, exc, junk)
            return None
        if kind == "unreadable":
            raise result
        return result

    def _build(self, previous: Edition | None, changed: Collection[str] | None = None
               ) -> Edition:
        """A new edition; `changed` names the files changed since `previous` (None: any may
        have)."""
        started = time.monotonic()
        today = self._today() if self._today else None
        in_place = previous is not None and self._in_place(changed)
        built = self._build_in_child(previous, today, changed) \
            if previous is not None and self.in_child and not in_place else None
        edition: Assembled
        if built is not None:
            engine, edition = built
        else:
            pause = self._pause()
            with _gentle_build():
                knowledge, edition = assemble(self.knowledge_dir, self.intents_dir, previous,
                                              today, self._unchanged(previous, changed), pause)
                engine = Engine(knowledge, previous.engine if previous else None, pause)
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
                       edition.kept, edition.declared_owners)

    def _in_place(self, changed: Collection[str] | None) -> bool:
        return changed is not None and len(changed) <= IN_PLACE_FILES and \
            str(self.intents_dir / VOCABULARY_FILE) not in changed

    def _unchanged(self, previous: Edition | None, changed: Collection[str] | None
                   ) -> Known | None:
        """What each file unchanged since `previous` held, to be taken as it is; a file that
        was broken then is read again, to report it again."""
        if previous is None or changed is None:
            return None
        held: dict[str, BaseModel] = {**previous.theses_by_file, **previous.intents_by_file}
        if previous.vocabulary is not None:
            held[str(self.intents_dir / VOCABULARY_FILE)] = previous.vocabulary
        return {file: model for file, model in held.items()
                if file not in changed and file not in previous.kept}

    def reload(self, reason: str = "requested") -> Edition | None:
        """Build a new edition now and swap it in; None when the folders cannot be read (the
        current edition keeps serving)."""
        with self._build_lock:
            before = self._signature
            previous = self._edition
            try:
                self._signature = signature(self.knowledge_dir, self.intents_dir)
                changed = {path for path, *_ in set(self._signature) - set(before)}
                edition = self._build(previous, changed)
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
            with self._retired_lock:
                self._retired.append((time.monotonic(), previous))
            # Freed on time even while the watcher is busy with the next reload (three books
            # at once, otherwise, when reloads follow each other).
            freeing = threading.Timer(RETIRE_SECONDS, self.free_retired)
            freeing.daemon = True
            freeing.start()
            logger.info("book edition %d (%s): %d theses, %d problems, built in %.2f s",
                        edition.number, reason, len(edition.engine.theses),
                        len(edition.problems), edition.seconds)
        for listener in self._listeners:
            try:
                listener(previous, edition)
            except Exception:
                logger.exception("after reload: %r failed", listener)
        return edition

    def free_retired(self, older_than: float = RETIRE_SECONDS) -> None:
        """Free the editions swapped out more than `older_than` seconds ago, a part at a time.

        Dropping a whole 1,000-thesis book at once runs ~80 ms of deallocation in C without
        letting go of the GIL, which every acknowledgement then waits out. Taken apart one part
        at a time (`Engine.parts`), from a Python loop, the threads acknowledging requests get
        in between. The wait first lets requests that read the old engine finish: whichever thread
        drops the last reference frees what it held, and it should be this one."""
        cutoff = time.monotonic() - older_than
        with self._retired_lock:
            due = [edition for at, edition in self._retired if at <= cutoff]
            self._retired = [(at, e) for at, e in self._retired if at > cutoff]
        while due:
            pieces = due[0].engine.parts()
            del due[0]
            while pieces:
                pieces.pop()

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
