"""A book built in a child process: `python -m bot.book_build` reads the folders, the day and
the previous edition's parts (pickled) on stdin, and writes the built Engine and the new
edition's parts (pickled) on stdout.

Building 1,000 theses takes seconds of CPU and allocates millions of objects; in the serving
process that contends for the GIL with the threads that acknowledge Slack's requests (ack p99
rose from ~30 ms to ~0.5-0.7 s while a reload built). In a child it contends with nothing but
the CPU; the parent only reads the result and unpickles it (about 0.1 s for 1,000 theses, the
one stall left). The child keeps its normal priority: at nice 10 the reload took twice as long
under load, for no better ack latency.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

from bot.book import Assembled, assemble
from bot.engine import Engine
from bot.knowledge.loader import KnowledgeDirError


def build(request: dict[str, Any]) -> tuple[Engine, Assembled]:
    previous = request["previous"]
    knowledge, edition = assemble(request["knowledge_dir"], request["intents_dir"], previous,
                                  request["today"])
    return Engine(knowledge), edition


def main() -> int:
    request = pickle.load(sys.stdin.buffer)
    try:
        answer: tuple[str, object] = ("built", build(request))
    except KnowledgeDirError as exc:  # the parent reports it as it would its own
        answer = ("unreadable", exc)
    pickle.dump(answer, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
