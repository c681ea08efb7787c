"""Time `skillcheck items` (item statistics) on a database of N generated visits.

    .venv/bin/python benchmarks/items.py [--visits N] [--db FILE]

Builds the database when it is missing: completed visits of the shipped bank, each
person with an ability, every item mastered with a logistic probability, the basic
items always asked and the above-basic ones when the area reaches basic (one variant
per rotating slot). Then runs `skillcheck items --db FILE` as a subprocess three
times and prints the wall and CPU time and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def build(path: Path, visits: int, seed: int = 1) -> None:
    """Write `visits` completed visits of the shipped bank into a new database."""
    from skillcheck.bank import DONT_KNOW, load_bank
    from skillcheck.paths import QUESTIONS_DIR
    from skillcheck.session import ACTIVITIES, FILTER, Session
    from skillcheck.store import open_database

    bank = load_bank(QUESTIONS_DIR)
    open_database(path).close()  # the current schema
    rng = random.Random(seed)
    difficulty = {i.id: rng.uniform(-1.5, 0.8) for i in bank.items}
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    columns = connection.execute("PRAGMA table_info(sessions)").fetchall()
    # Columns this script does not know (a newer schema) get a neutral value.
    filler = {
        name: 0 if "INT" in kind.upper() else "unknown"
        for _, name, kind, not_null, default, _ in columns
        if not_null and default is None
    }

    def answer(item, ability: float) -> str:
        mastered = rng.random() < 1 / (1 + math.exp(-2 * (ability - difficulty[item.id])))
        if item.kind == "can_do":
            return rng.choice("23" if mastered else "01")
        if mastered:
            return next(o.code for o in item.options if o.correct)
        return rng.choice([o.code for o in item.options if not o.correct] + [DONT_KNOW])

    for number in range(visits):
        session_id = uuid.UUID(int=rng.getrandbits(128)).hex
        ability = rng.gauss(0, 1)
        # The kiosk's own path (skillcheck.session): ticks, then the items they lead to.
        session = Session(bank, rng=rng)
        while not session.finished:
            step = session.current
            if step.kind == FILTER:
                session = session.answer("yes")
            elif step.kind == ACTIVITIES:
                activities = session.activities(step.area)
                session = session.tick(
                    a.id
                    for n, a in enumerate(activities)
                    if rng.random() < 1 / (1 + math.exp(n * 0.5 - ability))
                )
            else:
                session = session.answer(answer(step.item, ability))
        answers = {**session.answers, **session.shown_positions()}
        row = dict(filler)
        row.update(
            id=session_id,
            day=f"2026-{1 + number % 12:02d}-{1 + number % 28:02d}",
            site="Bibliotheek",
            terminal="t1",
            language=rng.choices(["nl", "fr", "en"], weights=[45, 45, 10])[0],
            status="completed",
            items_answered=len(answers),
            category="none",
            bank_version=bank.version,
        )
        names = [n for n in row if n in {c[1] for c in columns}]
        connection.execute(
            f"INSERT INTO sessions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [row[n] for n in names],
        )
        connection.executemany(
            "INSERT INTO answers (session_id, item_id, answer) VALUES (?, ?, ?)",
            [(session_id, item_id, code) for item_id, code in answers.items()],
        )
    connection.commit()
    connection.close()


def run_once(db: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one `skillcheck items` process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "skillcheck", "items", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"skillcheck items failed: {child.stderr.read().decode()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    """Command line: --visits N (default 20,000) --db FILE (default: a temporary file)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "items.db"
        if not db.exists():
            started = time.perf_counter()
            build(db, args.visits)
            print(f"built {args.visits:,} visits in {time.perf_counter() - started:.1f} s")
        runs = [run_once(db) for _ in range(3)]
        print(
            "skillcheck items: wall "
            + " · ".join(f"{wall:.2f}" for wall, _, _ in runs)
            + " s, CPU "
            + " · ".join(f"{cpu:.2f}" for _, cpu, _ in runs)
            + f" s, peak RSS {max(m for _, _, m in runs):.0f} MiB"
        )


if __name__ == "__main__":
    main()
