"""The long versions of tests/reliability: 300 kill -9 runs and 4 processes with a lock
holder, figures written into docs/reliability.md (between its BENCH markers).

    .venv/bin/python benchmarks/reliability.py [--runs 300] [--no-write]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

from harness import (  # noqa: E402
    LockHolder,
    acknowledged,
    check_after,
    kill_run,
    start_saver,
)

DOC = ROOT / "docs" / "reliability.md"


def kills(runs: int) -> dict:
    totals = dict(runs=runs, acknowledged=0, lost=0, half=0, not_ok=0, left=0, miscounted=0)
    started = time.perf_counter()
    for seed in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            outcome = kill_run(Path(scratch), 1000 + seed)
        totals["acknowledged"] += outcome.acknowledged
        totals["lost"] += len(outcome.missing)
        totals["half"] += len(outcome.half_sessions)
        totals["not_ok"] += outcome.integrity != "ok"
        totals["left"] += outcome.left_in_spool
        totals["miscounted"] += not outcome.daily_tables_right
    totals["seconds"] = time.perf_counter() - started
    return totals


def processes(count: int = 4, each: int = 300) -> dict:
    from skillcheck.store import open_database

    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "data" / "kiosk.db"
        folders = [db.parent, Path(scratch) / "spare"]
        db.parent.mkdir()
        open_database(db).close()
        acked: dict[str, str] = {}
        spooled = 0
        with LockHolder(db, 0.6, seed=7):
            children = [
                start_saver(db, folders, seed=s, busy=0.05, count=each) for s in range(count)
            ]
            for child in children:
                output, errors = child.communicate(timeout=600)
                if child.returncode:
                    raise SystemExit(errors.decode())
                lines = output.split(b"\n", 1)[1]
                spooled += lines.count(b" 0\n")
                acked.update(acknowledged(lines))
        outcome = check_after(db, folders, acked)
    return dict(
        processes=count,
        sessions=len(acked),
        spooled=spooled,
        lost=len(outcome.missing),
        left=outcome.left_in_spool,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    k = kills(args.runs)
    print(
        f"kill -9: {k['runs']} runs, {k['acknowledged']:,} acknowledged sessions, "
        f"{k['lost']} lost, {k['half']} half sessions, {k['not_ok']} failed integrity "
        f"checks, {k['left']} left in a spool, {k['miscounted']} daily tables wrong "
        f"({k['seconds']:.0f} s)",
        flush=True,
    )
    p = processes()
    print(
        f"{p['processes']} processes, write lock held 60 % of the time by another: "
        f"{p['sessions']:,} sessions saved, {p['spooled']:,} of them spooled, "
        f"{p['lost']} lost, {p['left']} left in a spool",
        flush=True,
    )
    if args.no_write:
        return
    figures = (
        f"Last run ({time.strftime('%Y-%m-%d')}, `.venv/bin/python benchmarks/reliability.py`, "
        "2-core reference machine):\n\n"
        f"- kill -9 at a random moment of the saves: **{k['runs']} runs**, "
        f"{k['acknowledged']:,} acknowledged sessions, **{k['lost']} lost**, "
        f"{k['half']} half sessions, {k['not_ok']} failed integrity checks, "
        f"{k['left']} left in a spool after the next start, {k['miscounted']} runs with "
        "wrong daily tables (every other run with a lock holder, so kills land in "
        "spooling and flushing too);\n"
        f"- {p['processes']} kiosk processes on one database while another process holds "
        f"the write lock 60 % of the time (busy timeout 0.05 s): {p['sessions']:,} "
        f"sessions, {p['spooled']:,} of them spooled, **{p['lost']} lost**, {p['left']} "
        "left in a spool.\n"
    )
    text = DOC.read_text(encoding="utf-8")
    text = re.sub(
        r"(<!-- BENCH -->\n).*?(<!-- /BENCH -->)",
        lambda m: m.group(1) + figures + m.group(2),
        text,
        flags=re.S,
    )
    DOC.write_text(text, encoding="utf-8")
    print(f"figures written to {DOC}")


if __name__ == "__main__":
    main()
