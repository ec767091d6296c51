"""Prints the figures of a simulated month of digest delivery: posts due, posts made, duplicates,
misses, crashes injected. Seven channels around the world, three clocks running `run-due` every
15 minutes (a little apart), outages, crashes between claim and post, and Slack errors; the
posts are counted as the fake Slack Web API received them (see tests/notify/month.py).

Usage: .venv/bin/python bench/digest_month.py [--database-url URL] [--seed N] [--show-post]
(default database: a fresh SQLite file; e.g. postgresql://postgres@127.0.0.1:5432/test uses a
fresh database created next to that one, dropped after.)
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.loader import load_theses  # noqa: E402
from bot.store import open_store  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.notify.helpers import fresh_postgres_database  # noqa: E402
from tests.notify.month import simulate  # noqa: E402


def _as_text(blocks: list[dict]) -> str:
    out = []
    for block in blocks:
        if block["type"] in ("header", "section"):
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
        elif block["type"] == "divider":
            out.append("———")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=31)
    parser.add_argument("--show-post", action="store_true", help="print one digest as posted")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)

    theses = list(load_theses(ROOT / "knowledge").theses.values())
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url and not args.database_url.startswith("sqlite"):
            databases = fresh_postgres_database(args.database_url)
            url = next(databases)
        else:
            databases = None
            url = args.database_url or f"sqlite:///{tmp}/digest-month.db"
        store = open_store(url)
        try:
            with FakeSlack() as fake:
                figures = simulate(store, fake, theses, days=args.days, seed=args.seed)
                first = fake.calls_to("chat.postMessage")[0]
        finally:
            store.dispose()
            if databases is not None:
                databases.close()

    print(f"Simulated month on {store.dialect.name}, seed {args.seed}:")
    print("\n".join(f"  {line}" for line in figures.lines()))
    if figures.missed:
        print("  missed:", ", ".join(f"{c} {d}" for c, d in figures.missed))
    if args.show_post:
        print(f"\nFirst digest posted (to {first.params['channel']}), as Slack received it:\n")
        print(f"text: {first.params['text']}\n")
        print(_as_text(first.params["blocks"]))
    ok = figures.duplicates == figures.misses == figures.wrong_day_posts == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
