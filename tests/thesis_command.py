"""`thesis ARGS…` run in this process: the same `main` the installed command calls, with its
own standard streams, environment and working folder, and its exit status as a process would
have it. Starting a Python process per command cost about a second each; tests of what a
command prints and returns need none. Tests of a process's own behaviour (start-up time,
signals, closed streams, encodings) still start one."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def _environment(changes: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(changes)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def thesis(*args: str, stdin: str = "", env: Mapping[str, str] | None = None,
           cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """What `thesis ARGS…` prints on stdout and stderr and its exit status; the engine cache
    off unless `env` says otherwise."""
    out, err = io.StringIO(), io.StringIO()
    streams = (sys.stdin, sys.stdout, sys.stderr)
    folder = Path.cwd()
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        with _environment({"THESIS_CACHE_DIR": "off", **(env or {})}):
            os.chdir(cwd)
            try:
                status = main(list(args))
            except SystemExit as exc:  # argparse: -h, a usage error
                status = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(folder)
        sys.stdin, sys.stdout, sys.stderr = streams
    return subprocess.CompletedProcess(["thesis", *args], status, out.getvalue(), err.getvalue())
