"""Ack latency and time-to-answer of the served Slack app under bursts of slash commands.

Three processes, as in production each side is separate: `thesis serve --http` (uvicorn, as the
Procfile runs it), the fake Slack Web API it answers through (response_url), and this load
generator, which releases N signed `/thesis` requests at once (asyncio, one connection each)
and measures each HTTP ack. The fake notes when each answer arrived (CLOCK_MONOTONIC, shared by
all processes), so time-to-answer = answer arrival - request start. Targets: p99 ack < 100 ms,
every answer < 1 s.

Usage: .venv/bin/python bench/slack_latency.py [--requests 50] [--bursts 3]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack.conftest import free_socket  # noqa: E402
from tests.slack.signed import SECRET, SlackSender, command_body, signed_headers  # noqa: E402

QUESTIONS = ["BABA risks", "BABA", "bull case for alibaba", "how much buyback is left?",
             "BABA catalysts near term", "risks BABA", "BABA key numbers", "help", "list",
             "what could go wrong with alibaba"]
FORM = "application/x-www-form-urlencoded"


def run_fake(pipe: Connection) -> None:
    """The fake Slack in its own process: sends its URL, serves until asked, then sends back
    (path, arrival time) for every response_url call."""
    from tests.fake_slack import FakeSlack

    with FakeSlack() as fake:
        pipe.send(fake.url)
        while pipe.recv() != "stop":
            pipe.send([(c.path, c.at) for c in fake.calls_to("response_url")])
            fake.clear()


def start_server(api_url: str, database: Path, log: str, cpus: set[int] | None = None
                 ) -> tuple[subprocess.Popen[str], int]:
    """`thesis serve --http` on a free port; on `cpus` only, when given (Linux)."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    environ.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_URL=api_url, DATABASE_URL=f"sqlite:///{database}")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "serve", "--http", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, env=environ, stdout=subprocess.DEVNULL,
        stderr=open(log, "w"), text=True,  # noqa: SIM115 - the child owns it
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    sender = SlackSender(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 120  # a 1,000-thesis book on a busy machine
    while time.monotonic() < deadline:
        try:
            if sender.request("GET", "/healthz").status == 200:
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not start")


async def one_request(port: int, body: str, gate: asyncio.Event) -> tuple[float, float, int]:
    """(start, ack seconds, HTTP status) of one signed POST on its own connection."""
    headers = signed_headers(body, FORM)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    raw = (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}"
           f"Content-Length: {len(body.encode())}\r\nConnection: close\r\n\r\n{body}").encode()
    await gate.wait()
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    status_line = await reader.readline()
    acked = time.monotonic() - started
    await reader.read()
    writer.close()
    return started, acked, int(status_line.split()[1])


async def burst(port: int, fake_url: str, count: int, tag: str
                ) -> tuple[dict[str, float], list[float], int]:
    gate = asyncio.Event()
    names = [f"/response/{tag}-{i}" for i in range(count)]
    bodies = [command_body(QUESTIONS[i % len(QUESTIONS)],
                           fake_url.replace("/api/", "") + name) for i, name in enumerate(names)]
    tasks = [asyncio.create_task(one_request(port, b, gate)) for b in bodies]
    await asyncio.sleep(0.05)  # every request built and waiting at the gate
    gate.set()
    results = await asyncio.gather(*tasks)
    failures = sum(status != 200 for _, _, status in results)
    return ({n: r[0] for n, r in zip(names, results, strict=True)},
            [r[1] for r in results], failures)


def collect(fake: Connection, expected: set[str], timeout: float) -> dict[str, float]:
    """Arrival times of answers from the fake, until every expected one is in (or timeout)."""
    arrived: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while True:
        fake.send("calls")
        arrived.update(fake.recv())
        if expected <= set(arrived) or time.monotonic() > deadline:
            return arrived
        time.sleep(0.05)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc), or 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--log", default=os.devnull, help="write the server's log here")
    args = parser.parse_args()
    ours, theirs = mp.Pipe()
    fake = mp.get_context("spawn").Process(target=run_fake, args=(theirs,), daemon=True)
    fake.start()
    fake_url = ours.recv()
    acks: list[float] = []
    answers: list[float] = []
    failures = 0
    cpu = 0.0
    with tempfile.TemporaryDirectory() as folder:
        server, port = start_server(fake_url, Path(folder) / "bench.db", args.log)
        try:
            asyncio.run(burst(port, fake_url, 5, "warm-up"))
            collect(ours, set(), timeout=2)
            cpu_before = cpu_seconds(server.pid)
            for n in range(args.bursts):
                sent, ack, failed = asyncio.run(burst(port, fake_url, args.requests, f"b{n}"))
                arrived = collect(ours, set(sent), timeout=5)
                acks += ack
                answers += [arrived[name] - start for name, start in sent.items()
                            if name in arrived]
                failures += failed + sum(name not in arrived for name in sent)
            cpu = (cpu_seconds(server.pid) - cpu_before) / (args.bursts * args.requests)
        finally:
            server.terminate()
            server.wait(timeout=10)
            ours.send("stop")
            fake.join(timeout=5)
    ms = 1000
    print(f"{args.bursts} bursts of {args.requests} concurrent signed /thesis requests "
          f"(thesis serve --http, uvicorn, loopback, {os.cpu_count()} CPUs): "
          f"{len(answers)} answered, {failures} failed")
    print(f"ack     p50 {statistics.median(acks) * ms:6.1f} ms   p99 "
          f"{percentile(acks, 99) * ms:6.1f} ms   max {max(acks) * ms:6.1f} ms"
          "   (target p99 < 100 ms)")
    print(f"answer  p50 {statistics.median(answers) * ms:6.1f} ms   p99 "
          f"{percentile(answers, 99) * ms:6.1f} ms   max {max(answers) * ms:6.1f} ms"
          "   (target: every answer < 1000 ms)")
    print(f"server CPU per request {cpu * ms:.1f} ms (ack and answer together)")
    ok = failures == 0 and percentile(acks, 99) < 0.1 and max(answers) < 1.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
