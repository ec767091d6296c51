"""A book built in a child process: `python -m bot.book.build` reads the folders, the day and
the previous edition's parts (pickled) on stdin, and writes the built Engine and the new
edition's parts (pickled) on stdout.

Building 1,000 theses takes seconds of CPU and allocates millions of objects; in the serving
process that contends for the GIL with the threads that acknowledge Slack's requests (ack p99
rose from ~30 ms to ~0.5-0.7 s while a reload built). In a child it contends with nothing but
the CPU; the parent only reads the result, a part at a time (`read_answer`). The child keeps its
normal priority: at nice 10 the reload took twice as long under load, for no better ack latency.
"""

from __future__ import annotations

import io
import pickle
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

from bot.book.served import Assembled, assemble
from bot.engine.matcher import Engine
from bot.knowledge.loader import KnowledgeDirError


def build(request: dict[str, Any]) -> tuple[Engine, Assembled]:
    previous = request["previous"]
    knowledge, edition = assemble(request["knowledge_dir"], request["intents_dir"], previous,
                                  request["today"])
    return Engine(knowledge), edition


def write_answer(answer: tuple[str, object], out: BinaryIO) -> None:
    """The answer as a run of pickles from one pickler: first how many parts, then each part of
    the engine (`Engine.parts`), then the answer itself, which refers back to them. One
    pickler's memo spans them all, so nothing is written twice and `read_answer` gets the
    same shared objects back, one part per call."""
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    kind, result = answer
    parts = result[0].parts() if kind == "built" else []  # type: ignore[index]
    pickler.dump(len(parts))
    for part in parts:
        pickler.dump(part)
    pickler.dump(answer)


def read_answer(data: bytes, pause: Callable[[], None] = lambda: None) -> tuple[str, Any]:
    """What `write_answer` wrote. Each part is its own call from this Python loop, so threads
    waiting for the GIL get it between parts (one `pickle.loads` of the whole book held it
    for up to 0.2 s), and `pause` is called between parts (to give way to acks)."""
    unpickler = pickle.Unpickler(io.BytesIO(data))
    for _ in range(unpickler.load()):
        unpickler.load()
        pause()
    kind, result = unpickler.load()
    return kind, result


def main() -> int:
    request = pickle.load(sys.stdin.buffer)
    try:
        answer: tuple[str, object] = ("built", build(request))
    except KnowledgeDirError as exc:  # the parent reports it as it would its own
        answer = ("unreadable", exc)
    write_answer(answer, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
