"""A kiosk process that only saves: run by the reliability tests, killed by them.

    python saver.py DB --count N --busy SECONDS --folders A,B --seed S

Prints "<id> <kind> <1|0>" after each save returned (1: in the database, 0: spooled),
so every printed line is an acknowledged session.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from pathlib import Path

from skillcheck.records import SessionRecord
from skillcheck.store import Store

LEVELS = {1: "basic", 2: "none", 3: "above_basic", 4: "basic", 5: "basic"}
ANSWERS = {"1.1-search": "2", "2.1-call": "1", "4.2-phishing": "b"}


def record(rng: random.Random) -> SessionRecord:
    completed = rng.random() < 0.8
    return SessionRecord(
        id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
        day=f"2026-03-{rng.randint(1, 28):02d}",
        site=rng.choice(["Gent", "Liège"]),
        terminal=rng.choice(["t1", "t2"]),
        region=rng.choice(["flanders", "wallonia"]),
        language=rng.choice(["nl", "fr", "en"]),
        status="completed" if completed else "abandoned",
        items_answered=18 if completed else 3,
        category="low" if completed else None,
        bank_version="2026.1",
        scoring_version=1,
        levels=LEVELS if completed else {},
        answers=ANSWERS if completed else {},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--count", type=int, default=10**9)
    parser.add_argument("--busy", type=float, default=5.0)
    parser.add_argument("--folders", default="")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    folders = [Path(f) for f in args.folders.split(",") if f]
    rng = random.Random(args.seed)
    store = Store(args.db, busy_timeout=args.busy, spool_folders=folders or None)
    print("ready", flush=True)
    for _ in range(args.count):
        r = record(rng)
        saved = store.save(r)
        sys.stdout.write(f"{r.id} {r.status} {int(saved)}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
