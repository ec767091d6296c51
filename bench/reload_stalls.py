"""How long a reload keeps the serving process's other threads waiting: a thread that asks to
sleep 1 ms, over and over, records how late it wakes while a 1,000-thesis book reloads (built
after an edit (`--edit`: one thesis's figure, rebuilt in place from the other theses' work; or
the vocabulary, every thesis read again in a child process, read back here), swapped, and the
old one freed. A late wake-up is the delay every request thread would see at that moment: the
GIL held, or a collection running.

Usage: .venv/bin/python bench/reload_stalls.py [--theses 1000] [--reloads 3]
       [--edit thesis|vocabulary]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reload_latency import edit, folders  # noqa: E402
from bot.book.served import Book  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theses", type=int, default=1000)
    parser.add_argument("--reloads", type=int, default=3)
    parser.add_argument("--edit", choices=("thesis", "vocabulary"), default="thesis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        knowledge, intents, edited = folders(Path(folder), args.theses, args.edit)
        book = Book(knowledge, intents)
        late: list[float] = []
        stop = threading.Event()

        def ticker() -> None:
            while not stop.is_set():
                asked = time.perf_counter()
                time.sleep(0.001)
                late.append(time.perf_counter() - asked - 0.001)

        thread = threading.Thread(target=ticker, daemon=True)
        thread.start()
        for n in range(args.reloads):
            edit(edited, n)
            late.clear()
            started = time.perf_counter()
            book.reload("bench")
            built = time.perf_counter() - started
            swapped = sorted(late)
            late.clear()
            book.free_retired(older_than=0)  # what the watcher does 2 s after the swap
            time.sleep(0.05)  # the ticker's last wake-up
            freed = sorted(late)
            print(f"reload {n} ({edited.name}): {built:.2f} s; late wake-ups while reloading: p99 "
                  f"{swapped[int(len(swapped) * 0.99)] * 1000:.1f} ms, worst "
                  f"{swapped[-1] * 1000:.1f} ms; while freeing the old book: worst "
                  f"{(freed[-1] if freed else 0.0) * 1000:.1f} ms")
        stop.set()
        thread.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
