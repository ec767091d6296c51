"""Ack and answer latency of the served app while a 1,000-thesis book reloads, and its memory
during the swap.

`thesis serve --http` (uvicorn, as in the Procfile) over N generated theses plus the fixture
BABA; the fake Slack Web API and this load generator in their own processes (see
slack_latency.py). First bursts of concurrent signed /thesis requests with no reload (the
baseline), then the same bursts back to back while the server rebuilds its book after an edit
and SIGHUP, until /healthz reports the new edition. A sampler reads the server's RSS every
20 ms.

The edit (`--edit`): a figure of one thesis (an analyst's edit), or the vocabulary; either
way the server builds the whole book again in its watcher thread and swaps it in.

`--pin`: the server on the last CPU, this load generator and the fake Slack on the others, as
in production, where Slack's requests cost the server's machine nothing (Linux only).

Usage: .venv/bin/python bench/reload_latency.py [--theses 1000] [--requests 50] [--reloads 3]
       [--edit thesis|vocabulary] [--pin]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.slack_latency import burst, collect, percentile, start_server  # noqa: E402
from bench.synthetic import write_theses  # noqa: E402
from tests.slack.signed import SlackSender  # noqa: E402


def run_fake(pipe: Connection) -> None:
    """The fake Slack in its own process, handing over each response_url call exactly once
    (slack_latency's copy clears its record after reading it, losing calls that arrive in
    between under heavy load)."""
    from tests.fake_slack import FakeSlack

    with FakeSlack() as fake:
        pipe.send(fake.url)
        given = 0
        while pipe.recv() != "stop":
            calls = fake.calls_to("response_url")
            pipe.send([(c.path, c.at) for c in calls[given:]])
            given = len(calls)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.monotonic(), rss_mb(self.pid)))
            time.sleep(0.02)

    def peak(self, start: float, end: float) -> float:
        return max((mb for at, mb in self.samples if start <= at <= end), default=0.0)


def edition(sender: SlackSender) -> int:
    return json.loads(sender.request("GET", "/healthz").body)["edition"]


def folders(folder: Path, theses: int, edit: str) -> tuple[Path, Path, Path]:
    """(knowledge, intents, the file each reload edits) in `folder`: `theses` generated theses
    and the fixture BABA, and a copy of the intents."""
    knowledge = folder / "knowledge"
    write_theses(knowledge, theses)
    shutil.copy(ROOT / "tests" / "fixtures" / "knowledge" / "baba.yaml", knowledge)
    intents = Path(shutil.copytree(ROOT / "bot" / "intents", folder / "intents"))
    return knowledge, intents, knowledge / "baba.yaml" if edit == "thesis" else \
        intents / "vocabulary.yaml"


def edit(path: Path, n: int) -> None:
    """A change a reload must pick up: one figure's value, or one more synonym group."""
    text = path.read_text(encoding="utf-8")
    if path.name == "baba.yaml":
        text = text.replace("value: 19.1" if n == 0 else f"value: {19.1 + n - 1:.1f}",
                            f"value: {19.1 + n:.1f}", 1)
    else:
        text = text.replace("synonyms:\n", f"synonyms:\n  - [benchword{n}, benchterm{n}]\n", 1)
    path.write_text(text, encoding="utf-8")


def summary(label: str, acks: list[float], answers: list[float], failures: int) -> str:
    ms = 1000
    return (f"{label:<17} n={len(acks):4d} failed={failures}  "
            f"ack p50 {statistics.median(acks) * ms:6.1f} p99 {percentile(acks, 99) * ms:6.1f} "
            f"max {max(acks) * ms:6.1f} ms   answer p50 {statistics.median(answers) * ms:6.1f} "
            f"p99 {percentile(answers, 99) * ms:6.1f} max {max(answers) * ms:6.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theses", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--reloads", type=int, default=3)
    parser.add_argument("--baseline", type=int, default=8, help="bursts with no reload")
    parser.add_argument("--log", default=os.devnull, help="write the server's log here")
    parser.add_argument("--edit", choices=("thesis", "vocabulary"), default="thesis")
    parser.add_argument("--pin", action="store_true", help="server and load on separate CPUs")
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0)) if args.pin else []
    if args.pin:
        if len(cpus) < 2:
            raise SystemExit("--pin needs two CPUs")
        os.sched_setaffinity(0, cpus[:-1])  # before the fake Slack starts: it inherits them
    ours, theirs = mp.Pipe()
    fake = mp.get_context("spawn").Process(target=run_fake, args=(theirs,), daemon=True)
    fake.start()
    fake_url = ours.recv()
    base: tuple[list[float], list[float], int] = ([], [], 0)
    during: tuple[list[float], list[float], int] = ([], [], 0)
    builds: list[float] = []
    worst: list[float] = []  # each burst's slowest ack, in order
    timelines: list[list[float]] = []  # per reload: those of the bursts sent while it ran
    memory: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        knowledge, intents, edited = folders(Path(folder), args.theses, args.edit)
        os.environ["THESIS_KNOWLEDGE_DIR"] = str(knowledge)
        os.environ["THESIS_INTENTS_DIR"] = str(intents)
        started = time.monotonic()
        server, port = start_server(fake_url, Path(folder) / "bench.db", args.log,
                                    {cpus[-1]} if args.pin else None)
        startup = time.monotonic() - started
        sender = SlackSender(f"http://127.0.0.1:{port}")
        sampler = Sampler(server.pid)
        sampler.start()

        def one_burst(tag: str, into: tuple[list[float], list[float], int]
                      ) -> tuple[list[float], list[float], int]:
            sent, ack, failed = asyncio.run(burst(port, fake_url, args.requests, tag))
            worst.append(max(ack))
            arrived = collect(ours, set(sent), timeout=10)
            answers = [arrived[n] - s for n, s in sent.items() if n in arrived]
            missing = sum(n not in arrived for n in sent)
            return (into[0] + ack, into[1] + answers, into[2] + failed + missing)

        try:
            one_burst("warm-up", ([], [], 0))
            for n in range(args.baseline):
                base = one_burst(f"base{n}", base)
            for n in range(args.reloads):
                before = edition(sender)
                steady = rss_mb(server.pid)
                edit(edited, n)
                began = time.monotonic()
                os.kill(server.pid, signal.SIGHUP)
                k = 0
                worst.clear()
                while edition(sender) == before:
                    during = one_burst(f"reload{n}-{k}", during)
                    k += 1
                ended = time.monotonic()
                builds.append(ended - began)
                timelines.append(list(worst))
                time.sleep(1.0)  # let the old book go
                memory.append((steady, sampler.peak(began, ended + 1.0), rss_mb(server.pid)))
        finally:
            sampler.stop.set()
            server.terminate()
            server.wait(timeout=10)
            ours.send("stop")
            fake.join(timeout=5)
    print(f"thesis serve --http with {args.theses + 1} theses (started in {startup:.1f} s), "
          f"bursts of {args.requests} concurrent signed /thesis, {os.cpu_count()} CPUs; "
          f"each reload after an edit of {edited.name}"
          + (f"; server on CPU {cpus[-1]}, load on {cpus[:-1]}" if args.pin else ""))
    print(summary("no reload", *base))
    print(summary("while reloading", *during))
    print("reload (SIGHUP to new edition on /healthz): "
          + ", ".join(f"{b:.1f} s" for b in builds))
    for n, timeline in enumerate(timelines):
        print(f"reload {n}: each burst's slowest ack (ms), in order: "
              + " ".join(f"{ack * 1000:.0f}" for ack in timeline))
    for steady, peak, after in memory:
        print(f"RSS before {steady:6.1f} MB   peak during swap {peak:6.1f} MB   "
              f"1 s after {after:6.1f} MB")
    return 0 if base[2] == 0 and during[2] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
