"""The living book: edits go live without a restart; a broken edit keeps the last good version."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.book.served import Book
from tests.conftest import INTENTS, SECOND_THESIS, eventually

QUESTION = "how much buyback authorization is left?"


def buyback_value(book: Book) -> float:
    thesis = book.engine.answer(QUESTION).thesis
    assert thesis is not None
    figure = thesis.figure("buyback-remaining")
    assert figure is not None
    return figure.value


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    bump(path)


def bump(path: Path) -> None:
    """Move the file's mtime on, so even a same-size edit in the same tick is seen."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def wait_for(check: Callable[[], bool], timeout: float = 30.0) -> bool:
    return eventually(check, timeout)


@pytest.fixture
def intents_copy(tmp_path: Path) -> Path:
    target = tmp_path / "intents"
    shutil.copytree(INTENTS, target)
    return target


@pytest.fixture
def book(knowledge_copy: Path, intents_copy: Path) -> Iterator[Book]:
    built = Book(knowledge_copy, intents_copy, poll=0.1)
    yield built
    built.stop()


def test_edited_figure_answers_after_reload(book: Book, knowledge_copy: Path) -> None:
    assert buyback_value(book) == 19.1
    before = book.engine
    edit(knowledge_copy / "baba.yaml", "value: 19.1", "value: 23.4")
    edition = book.reload()
    assert edition is not None and edition.number == 2
    assert buyback_value(book) == 23.4
    assert before.answer(QUESTION).thesis.figure("buyback-remaining").value == 19.1


def test_watcher_picks_up_a_new_thesis_and_a_removed_one(book: Book,
                                                         knowledge_copy: Path) -> None:
    book.start()
    (knowledge_copy / "tcehy.yaml").write_text(SECOND_THESIS, encoding="utf-8")
    assert wait_for(lambda: "TCEHY" in book.engine.theses)
    assert book.engine.answer("tencent risks").ticker == "TCEHY"
    (knowledge_copy / "tcehy.yaml").unlink()
    assert wait_for(lambda: "TCEHY" not in book.engine.theses)


def test_broken_edit_keeps_last_good_version_and_logs_file_line(
        book: Book, knowledge_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = knowledge_copy / "baba.yaml"
    edit(path, "value: 19.1", "value: 23.4")
    book.reload()
    edit(path, "value: 23.4", "value: lots")
    with caplog.at_level(logging.WARNING, logger="bot.book.served"):
        edition = book.reload()
    assert edition is not None
    assert buyback_value(book) == 23.4  # the last good version, not the one at start
    assert edition.kept == {str(path): "BABA"}
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "lots" in text)
    logged = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"{path}:{line}: figures[") and "BABA" in m for m in logged), logged
    # Fixed again: the fix serves, and nothing is "kept" any more.
    edit(path, "value: lots", "value: 25")
    edition = book.reload()
    assert buyback_value(book) == 25 and edition is not None and not edition.kept


def test_a_broken_file_keeps_its_last_good_version_through_other_files_edits(
        book: Book, knowledge_copy: Path) -> None:
    baba = knowledge_copy / "baba.yaml"
    edit(baba, "value: 19.1", "value: lots")
    book.reload()
    (knowledge_copy / "tcehy.yaml").write_text(SECOND_THESIS, encoding="utf-8")
    edition = book.reload()  # only tcehy.yaml changed
    assert edition is not None and set(book.engine.theses) == {"BABA", "TCEHY"}
    assert buyback_value(book) == 19.1 and edition.kept == {str(baba): "BABA"}


def test_broken_file_never_seen_good_is_skipped(book: Book, knowledge_copy: Path) -> None:
    (knowledge_copy / "tcehy.yaml").write_text(SECOND_THESIS.replace("ticker: TCEHY",
                                                                     "ticker: [oops"))
    edition = book.reload()
    assert edition is not None and set(book.engine.theses) == {"BABA"}
    assert any(p.file.endswith("tcehy.yaml") for p in edition.problems)


def test_broken_intent_file_keeps_last_good_version(book: Book, intents_copy: Path) -> None:
    assert book.engine.answer("BABA risks").card == "risk"
    (intents_copy / "risk.yaml").write_text("intent: risk\nterms: [\n", encoding="utf-8")
    edition = book.reload()
    assert edition is not None and edition.kept == {str(intents_copy / "risk.yaml"): "risk"}
    assert book.engine.answer("BABA risks").card == "risk"


def test_missing_folder_keeps_serving(book: Book, knowledge_copy: Path) -> None:
    shutil.rmtree(knowledge_copy)
    assert book.reload() is None
    assert buyback_value(book) == 19.1


def test_sighup_reloads_at_once(knowledge_copy: Path, intents_copy: Path) -> None:
    book = Book(knowledge_copy, intents_copy, poll=3600)  # only the signal can wake it
    previous = signal.getsignal(signal.SIGHUP)
    try:
        assert book.reload_on_sighup()
        book.start()
        edit(knowledge_copy / "baba.yaml", "value: 19.1", "value: 23.4")
        os.kill(os.getpid(), signal.SIGHUP)
        assert wait_for(lambda: book.edition.number == 2)
        assert buyback_value(book) == 23.4
    finally:
        signal.signal(signal.SIGHUP, previous)
        book.stop()


def test_swap_listeners_hear_old_and_new(book: Book, knowledge_copy: Path) -> None:
    heard: list[tuple[int, int]] = []
    book.on_swap(lambda old, new: heard.append((old.number if old else 0, new.number)))
    edit(knowledge_copy / "baba.yaml", "value: 19.1", "value: 23.4")
    book.reload()
    assert heard == [(1, 2)]


BOOK_QUESTIONS = [QUESTION, "BABA risks", "what are the catalysts?", "tencent bull case",
                  "compare BABA and TCEHY risks", "list theses", "alibba clod growth",
                  "which theses mention AI?", "what's the weather", "ecosystem lock-in",
                  "how is the cloud business doing?"]


@pytest.mark.parametrize(("file", "old", "new"), [
    ("bear.yaml", "  - bearish\n", "  - bearish\n  - dangers ahead\n"),
    ("vocabulary.yaml", "synonyms:\n", "synonyms:\n  - [lock-in, moat]\n"),
])
def test_an_edited_intent_or_vocabulary_answers_as_a_book_built_afresh(
        two_theses: Path, intents_copy: Path, file: str, old: str, new: str) -> None:
    served = Book(two_theses, intents_copy)
    edit(intents_copy / file, old, new)
    assert served.reload() is not None and not served.edition.problems
    fresh = Book(two_theses, intents_copy)
    for question in [*BOOK_QUESTIONS, "BABA dangers ahead", "alibaba moat"]:
        assert served.engine.answer(question) == fresh.engine.answer(question), question


def test_an_old_book_is_freed_once_swapped_out(book: Book, knowledge_copy: Path) -> None:
    """Each reload frees the book it replaced (a server reloading all day keeps one book)."""
    old = weakref.ref(book.engine)
    edit(knowledge_copy / "baba.yaml", "value: 19.1", "value: 23.4")
    book.start()
    assert wait_for(lambda: buyback_value(book) == 23.4)
    assert wait_for(lambda: old() is None)


def test_an_unchanged_file_that_a_new_file_clashes_with_is_reported_at_its_line(
        two_theses: Path, intents_copy: Path) -> None:
    """When a new file takes an unchanged file's ticker, the unchanged file's problem names
    the line its ticker is on."""
    served = Book(two_theses, intents_copy)
    other = SECOND_THESIS.replace("ticker: TCEHY", "ticker: BABA").replace(
        'aliases: [Tencent, "0700.HK"]', "aliases: [Other]").replace("Tencent", "Other")
    (two_theses / "aaa.yaml").write_text(other, encoding="utf-8")
    edition = served.reload()
    assert edition is not None and edition.engine.theses["BABA"].company == "Other Holdings"
    [problem] = edition.problems
    line = (two_theses / "baba.yaml").read_text(encoding="utf-8").splitlines().index(
        "ticker: BABA") + 1
    assert (Path(problem.file).name, problem.line, problem.field) == ("baba.yaml", line, "ticker")
    assert "BABA is already defined by" in problem.message


# Run in a process of its own: it uses up every file descriptor it may open.
OUT_OF_FILES = r'''
import logging, os, resource, sys, time
from pathlib import Path

from bot.book.served import Book

records = []
handler = logging.Handler()
handler.emit = records.append
logging.getLogger("bot").addHandler(handler)
logging.getLogger("bot").setLevel(logging.INFO)

book = Book(Path(sys.argv[1]), Path(sys.argv[2]), poll=0.02)
looks = []
changed = book.changed
book.changed = lambda: looks.append(1) or changed()
book.start()

def after_looks(count):
    """Until the watcher has looked `count` more times (and finished what they started)."""
    target = len(looks) + count
    deadline = time.monotonic() + 60
    while len(looks) < target and time.monotonic() < deadline:
        time.sleep(0.01)
    with book._build_lock:
        pass

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), hard))
held = []
try:
    while True:
        held.append(os.open(os.devnull, os.O_RDONLY))
except OSError:
    pass
after_looks(5)  # the watcher looks while no file can be opened
for fd in held:
    os.close(fd)
after_looks(5)  # and after, as the files are readable again
book.stop()
for record in records:
    print(record.levelname, record.getMessage())
print("EDITION", book.edition.number, len(book.engine.theses))
'''


@pytest.mark.slow
def test_too_many_open_files_is_a_passing_fault_not_an_edit(knowledge_copy: Path,
                                                            intents_copy: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", OUT_OF_FILES, str(knowledge_copy),
                             str(intents_copy)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "EDITION 1 1"  # never reloaded: nothing was edited
    said = [line for line in lines[:-1] if "open files" in line or line.startswith("ERROR")]
    assert said == [
        "WARNING cannot read the knowledge folders just now (Too many open files); not an "
        "edit: still serving edition 1 and looking again each poll. If it lasts, raise the "
        "open-file limit (ulimit -n) or find what holds so many files open."]
    assert "Traceback" not in result.stderr


def test_broken_concepts_file_keeps_the_last_good_language_of_the_trade(
        book: Book, intents_copy: Path) -> None:
    asked = "does alibaba look inexpensive next to american big tech?"
    before = book.engine.answer(asked)
    (intents_copy / "concepts.yaml").write_text("valuation:\n  terms: [\n", encoding="utf-8")
    edition = book.reload()
    assert edition is not None
    assert edition.kept == {str(intents_copy / "concepts.yaml"): "concepts"}
    after = book.engine.answer(asked)
    assert (after.card, after.point) == (before.card, before.point) == ("bull", "valuation-gap")
